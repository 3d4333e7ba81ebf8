package secrets

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// trieAfter is how many bytes of text the keyword index searches by
// their first two bytes before it builds its Aho-Corasick trie: the trie
// of the default rules' ~250 keywords takes about 3 ms to build (a dense
// table of 2 KB a state), more than a scan of one commit spends
// searching; the search by pairs runs at about a third of the trie's
// speed, so past some 300 KB of text (a history, a tree) the trie pays
// for itself.
const trieAfter = 128 << 10

// keywordIndex finds the rules' keywords in lower-cased text: every
// occurrence of every keyword, overlapping ones included, in the order of
// an Aho-Corasick walk (by end, the longest first).
type keywordIndex struct {
	words []string
	// long are the words of two bytes or more, grouped by their first two
	// (p = b0<<8 | b1): those of pair p are long[start[p]:start[p+1]].
	long  []string
	start []int32
	short [256][]string // the words of one byte, by it

	scanned  atomic.Int64
	trieOnce sync.Once
	trie     *ahocorasick.Trie
}

// keywordHit is one occurrence of a keyword.
type keywordHit struct {
	pos  int
	word string
}

// newKeywordIndex indexes words (distinct).
func newKeywordIndex(words []string) *keywordIndex {
	k := &keywordIndex{words: words, start: make([]int32, 1<<16+1)}
	pair := func(w string) int { return int(w[0])<<8 | int(w[1]) }
	for _, w := range words {
		switch len(w) {
		case 0:
			// Whatever the trie makes of an empty word, it alone says.
			k.scanned.Store(trieAfter)
			continue
		case 1:
			k.short[w[0]] = append(k.short[w[0]], w)
			continue
		}
		k.long = append(k.long, w)
		k.start[pair(w)+1]++
	}
	for p := 1; p < len(k.start); p++ {
		k.start[p] += k.start[p-1]
	}
	slices.SortStableFunc(k.long, func(a, b string) int { return pair(a) - pair(b) })
	return k
}

// find returns the occurrences of the keywords in s.
func (k *keywordIndex) find(s string) []keywordHit {
	if k.scanned.Add(int64(len(s))) > trieAfter {
		k.trieOnce.Do(func() { k.trie = ahocorasick.NewTrieBuilder().AddStrings(k.words).Build() })
		ms := k.trie.MatchString(s)
		hits := make([]keywordHit, len(ms))
		for i, m := range ms {
			hits[i] = keywordHit{pos: int(m.Pos()), word: m.MatchString()}
		}
		return hits
	}
	var hits []keywordHit
	for i := 0; i < len(s); i++ {
		for _, w := range k.short[s[i]] {
			hits = append(hits, keywordHit{i, w})
		}
		if i+1 == len(s) {
			break
		}
		p := int(s[i])<<8 | int(s[i+1])
		for _, w := range k.long[k.start[p]:k.start[p+1]] {
			if strings.HasPrefix(s[i:], w) {
				hits = append(hits, keywordHit{i, w})
			}
		}
	}
	// The trie's order: by the end of the match, then the longest first.
	slices.SortStableFunc(hits, func(a, b keywordHit) int {
		if ea, eb := a.pos+len(a.word), b.pos+len(b.word); ea != eb {
			return ea - eb
		}
		return len(b.word) - len(a.word)
	})
	return hits
}
