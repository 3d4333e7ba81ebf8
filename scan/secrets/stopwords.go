package secrets

import (
	"strings"
	"sync"
)

// stopWords are allowlist stop words checked by the engine on a rule's
// findings instead of by gitleaks. gitleaks builds an Aho-Corasick index
// of a rule's stop words when it compiles the rule: for generic-api-key's
// ~1,500 words that is most of the cost of a one-commit scan, though the
// index is only read for a match that passed the rule's regex and entropy
// checks. Here the words are indexed on the first such match.
type stopWords struct {
	words []string // none empty

	once   sync.Once
	byPair map[[2]byte][]string // words of two bytes or more, by their first two
	short  []string             // words of one byte
}

// takesStopWords reports whether the engine may check the stop words of
// an allowlist of rule id itself: a finding whose secret holds one is
// dropped whatever else the allowlist says, so dropping it after gitleaks
// ran (stopWords.contains) finds the same. It may not
//   - for a rule whose id does not name it generic: gitleaks drops a
//     generic finding that another rule's finding covers, and a specific
//     finding dropped late could still have covered one;
//   - for an allowlist with "and", or with nothing but stop words (gitleaks
//     rejects an allowlist left empty, and checks its other fields);
//   - for an empty stop word.
//
// Rules that require others, or that others require, are not asked.
func takesStopWords(id, condition string, stopWords []string, others int) bool {
	if !isGeneric(id) || len(stopWords) == 0 || others == 0 {
		return false
	}
	switch strings.ToUpper(condition) {
	case "", "OR", "||":
	default:
		return false
	}
	for _, w := range stopWords {
		if w == "" {
			return false
		}
	}
	return true
}

// add adds words (lower-cased when indexed).
func (sw *stopWords) add(words []string) { sw.words = append(sw.words, words...) }

// contains reports whether s, lower-cased, holds one of the words, as
// gitleaks' Allowlist.ContainsStopWord does.
func (sw *stopWords) contains(s string) bool {
	if s == "" {
		return false
	}
	sw.once.Do(sw.index)
	s = strings.ToLower(s)
	for _, w := range sw.short {
		if strings.Contains(s, w) {
			return true
		}
	}
	for i := 0; i+1 < len(s); i++ {
		for _, w := range sw.byPair[[2]byte{s[i], s[i+1]}] {
			if strings.HasPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}

func (sw *stopWords) index() {
	sw.byPair = make(map[[2]byte][]string, len(sw.words))
	seen := make(map[string]bool, len(sw.words))
	for _, w := range sw.words {
		if w = strings.ToLower(w); seen[w] {
			continue
		}
		seen[w] = true
		if len(w) < 2 {
			sw.short = append(sw.short, w)
			continue
		}
		k := [2]byte{w[0], w[1]}
		sw.byPair[k] = append(sw.byPair[k], w)
	}
}
