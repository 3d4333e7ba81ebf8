package secrets

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// follower is what every match of a rule has right after its keyword, as
// its regex shows: at most max bytes of skip, then a byte of next. Most of
// gitleaks' rules are built on one template, a keyword, a few name
// characters and quotes, then an assignment ("=", ":", "=>", ","...) and
// the value. Where a keyword is not followed that way (a "key" in prose,
// "token)" in code), the rule cannot match from it, so it needs no window
// there, nor, when no occurrence is, a run at all.
type follower struct {
	words map[string]bool // the keywords (lower-cased) the regex starts with
	skip  [128]bool
	next  [128]bool
	max   int
}

// followerOf returns the follower of re, a rule regex whose keywords are
// keywords, or nil when its shape is not this one: a concatenation whose
// first node holding a keyword matches keywords only, followed by bounded
// repeats of classes of ASCII bytes (the skip, which may be empty), then a
// node that begins with one of a set of ASCII bytes. keyAt is the index of
// the keyword's node in the concatenation.
func followerOf(re *syntax.Regexp, keywords []string) (fl *follower, keyAt int) {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat || len(keywords) == 0 {
		return nil, -1
	}
	isKeyword := map[string]bool{}
	for _, k := range keywords {
		isKeyword[strings.ToLower(k)] = true
	}
	subs := re.Sub
	keyAt = -1
	fl = &follower{words: map[string]bool{}}
	for i, n := range subs {
		set, ok := literalSet(n)
		if !ok || len(set) == 0 {
			continue
		}
		all := true
		for _, s := range set {
			all = all && isKeyword[s]
		}
		if all {
			keyAt = i
			for _, s := range set {
				fl.words[s] = true
			}
			break
		}
	}
	if keyAt < 0 {
		return nil, -1
	}
	i := keyAt + 1
	for ; i < len(subs); i++ {
		n := subs[i]
		if n.Op != syntax.OpRepeat && n.Op != syntax.OpQuest && n.Op != syntax.OpStar {
			break
		}
		if n.Op == syntax.OpStar || (n.Op == syntax.OpRepeat && (n.Min != 0 || n.Max < 0)) {
			return nil, -1 // unbounded, or not skippable
		}
		if !asciiBytes(n.Sub[0], &fl.skip) {
			return nil, -1
		}
		if n.Op == syntax.OpQuest {
			fl.max++
		} else {
			fl.max += n.Max
		}
	}
	if i == len(subs) || !firstBytes(subs[i], &fl.next) {
		return nil, -1
	}
	return fl, keyAt
}

// followerWithin returns the follower of re when windows of before and
// after lines around its keyword hold every match, else nil.
func followerWithin(re *syntax.Regexp, keywords []string, before, after int) *follower {
	fl, at := followerOf(re, keywords)
	if fl == nil {
		return nil
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if sumNewlines(re.Sub[:at+1]) > before || sumNewlines(re.Sub[at:]) > after {
		return nil
	}
	return fl
}

// asciiBytes adds to set the bytes one character matched by re can be,
// when re matches one ASCII character (a literal or a class).
func asciiBytes(re *syntax.Regexp, set *[128]bool) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) != 1 {
			return false
		}
		return addRunes(set, re.Rune[0], re.Rune[0], re.Flags&syntax.FoldCase != 0)
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo >= 128 {
				continue // other scripts: a byte >= 0x80 always passes
			}
			if !addRunes(set, lo, min(hi, 127), false) {
				return false
			}
		}
		return true
	}
	return false
}

// firstBytes adds to set the bytes a match of re can begin with, when re
// cannot match the empty text and begins with ASCII.
func firstBytes(re *syntax.Regexp, set *[128]bool) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return false
		}
		return addRunes(set, re.Rune[0], re.Rune[0], re.Flags&syntax.FoldCase != 0)
	case syntax.OpCharClass:
		return asciiBytes(re, set)
	case syntax.OpCapture, syntax.OpPlus:
		return firstBytes(re.Sub[0], set)
	case syntax.OpRepeat:
		return re.Min >= 1 && firstBytes(re.Sub[0], set)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !firstBytes(s, set) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		return len(re.Sub) > 0 && firstBytes(re.Sub[0], set)
	}
	return false
}

// addRunes adds lo..hi (ASCII) to set, both cases of letters when fold is
// set, and the lower case of every letter (texts are searched lower-cased).
func addRunes(set *[128]bool, lo, hi rune, fold bool) bool {
	if lo < 0 || hi >= 128 || lo > hi {
		return false
	}
	for r := lo; r <= hi; r++ {
		set[r] = true
		l := unicode.ToLower(r)
		set[l] = true
		if fold {
			set[unicode.ToUpper(r)] = true
		}
	}
	return true
}

// allows reports whether a match could go on from the keyword that ends at
// end in low (lower-cased text): the skip, then a next byte. A byte of
// another script stops the check with yes.
func (fl *follower) allows(low string, end int) bool {
	for i := end; i <= end+fl.max && i < len(low); i++ {
		c := low[i]
		switch {
		case c >= 0x80:
			return true
		case fl.next[c]:
			return true
		case !fl.skip[c]:
			return false
		}
	}
	return false
}
