package secrets

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// TestKeywordIndexAsTrie checks that the keyword index finds what the
// Aho-Corasick trie finds, in the same order, before it builds the trie
// and after: overlapping keywords, keywords inside others, one-byte ones.
func TestKeywordIndexAsTrie(t *testing.T) {
	rs, err := loadRules(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string][]string{
		"default rules": rs.prefilter.words,
		"overlapping":   {"a", "ab", "abc", "bc", "c", "key", "apikey", "api", "pi", "ikey", "aaa", "aa"},
	}
	for name, words := range sets {
		trie := ahocorasick.NewTrieBuilder().AddStrings(words).Build()
		rng := rand.New(rand.NewPCG(1, uint64(len(words))))
		pieces := append(slices.Clone(words), " ", "=", "x", "_", "\n", "k", "e", "y", "\u00e9")
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(40) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			s := b.String()
			var want []keywordHit
			for _, m := range trie.MatchString(s) {
				want = append(want, keywordHit{int(m.Pos()), m.MatchString()})
			}
			got := newKeywordIndex(words).find(s)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: find(%q) =\n%v\nthe trie finds\n%v", name, s, got, want)
			}
		}
		// Past trieAfter bytes the index uses the trie itself.
		k := newKeywordIndex(words)
		k.scanned.Store(trieAfter)
		if got := k.find(words[0]); len(got) == 0 || k.trie == nil {
			t.Errorf("%s: past trieAfter, the trie was not built (%v)", name, got)
		}
	}
}
