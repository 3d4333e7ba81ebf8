package secrets

import (
	"regexp"
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

	// tail, when set, matches (anchored) a prefix of what follows the
	// keyword in every match: the regex's nodes after the keyword while
	// their length is bounded, the first unbounded one cut to its fewest
	// repeats (the value's first ten characters, say). It spans at most
	// tailMax bytes of ASCII. Where the skip and next bytes pass on most
	// code ("key := r.Header", "token, err ="), the tail still asks for
	// the value the rule wants.
	tail    *regexp.Regexp
	tailMax int
}

// tailCap bounds the text a tail is matched on, in bytes.
const tailCap = 256

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
	fl.tail, fl.tailMax = tailOf(subs[keyAt+1:])
	return fl, keyAt
}

// tailOf returns a regex, anchored at the start, that matches a prefix of
// every text nodes (a concatenation) matches, and the most bytes of ASCII
// text its match spans; nil when nodes give nothing to check. The nodes
// are taken while their length is bounded; the first that is not (or that
// would pass tailCap) is cut to its shortest prefix (minPrefix), and the
// tail stops there. It stops before an assertion too (\b, ^): it would see
// a cut text's edges, not the text around.
func tailOf(nodes []*syntax.Regexp) (*regexp.Regexp, int) {
	var parts []*syntax.Regexp
	total := 0
	for _, n := range nodes {
		if hasAssertion(n) {
			break
		}
		if m := maxLen(n); m >= 0 && total+m <= tailCap {
			parts, total = append(parts, n), total+m
			continue
		}
		if p := minPrefix(n); p != nil {
			if m := maxLen(p); m >= 0 && total+m <= tailCap {
				parts, total = append(parts, p), total+m
			}
		}
		break
	}
	if len(parts) == 0 {
		return nil, 0
	}
	re, err := regexp.Compile(`\A(?:` + (&syntax.Regexp{Op: syntax.OpConcat, Sub: parts}).String() + `)`)
	if err != nil {
		return nil, 0
	}
	return re, total
}

// minPrefix returns a regex that matches a prefix of every text re
// matches, bounded in length: re itself when it is, else with each
// unbounded repeat cut to its fewest repeats (and what follows it in a
// concatenation left out). nil when that prefix may be empty.
func minPrefix(re *syntax.Regexp) *syntax.Regexp {
	if maxLen(re) >= 0 {
		return re
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return minPrefix(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min == 0 {
			return nil
		}
		if maxLen(re.Sub[0]) < 0 {
			return minPrefix(re.Sub[0])
		}
		return &syntax.Regexp{Op: syntax.OpRepeat, Flags: re.Flags, Min: re.Min, Max: re.Min, Sub: re.Sub}
	case syntax.OpAlternate:
		alts := make([]*syntax.Regexp, len(re.Sub))
		for i, s := range re.Sub {
			if alts[i] = minPrefix(s); alts[i] == nil {
				return nil // one way to match begins with nothing to check
			}
		}
		return &syntax.Regexp{Op: syntax.OpAlternate, Flags: re.Flags, Sub: alts}
	case syntax.OpConcat:
		var parts []*syntax.Regexp
		for _, s := range re.Sub {
			if maxLen(s) >= 0 {
				parts = append(parts, s)
				continue
			}
			if p := minPrefix(s); p != nil {
				parts = append(parts, p)
			}
			break
		}
		if len(parts) > 0 {
			return &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: parts}
		}
	}
	return nil
}

// maxLen returns the most characters a match of re spans, or -1 when that
// is unbounded (or re holds what maxLen does not know).
func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return maxLen(re.Sub[0])
	case syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpRepeat:
		m := maxLen(re.Sub[0])
		if re.Max < 0 || m < 0 {
			return -1
		}
		return re.Max * m
	case syntax.OpConcat, syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			m := maxLen(s)
			if m < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				n += m
			} else {
				n = max(n, m)
			}
		}
		return n
	}
	return -1 // star, plus, and anything else
}

// hasAssertion reports whether re holds an empty-width assertion other
// than an end ($, \z), which a cut text can only make looser.
func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range re.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
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
// end in t: the skip, then a next byte, in the lower-cased text, then the
// tail in the text itself. A byte of another script stops each check with
// yes.
func (fl *follower) allows(t lowText, end int) bool {
	return fl.skips(t.low, end) && fl.tails(t.raw, end)
}

// skips reports whether low, from end, holds at most max bytes of skip,
// then a next byte.
func (fl *follower) skips(low string, end int) bool {
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

// tails reports whether the tail matches raw from end (yes without a tail,
// and where the text it may span holds a byte of another script: a
// character's bytes are not its length there).
func (fl *follower) tails(raw string, end int) bool {
	if fl.tail == nil {
		return true
	}
	text := raw[end:min(len(raw), end+fl.tailMax+1)]
	return !isASCII(text) || fl.tail.MatchString(text)
}
