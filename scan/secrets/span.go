package secrets

import (
	"regexp/syntax"
	"strings"
)

// maxNewlines returns how many newlines a match of re can hold at most, or
// -1 when there is no bound.
func maxNewlines(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if r == '\n' {
				n++
			}
		}
		return n
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return 1
			}
		}
		return 0
	case syntax.OpAnyChar:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return maxNewlines(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if maxNewlines(re.Sub[0]) == 0 {
			return 0
		}
		return -1
	case syntax.OpRepeat:
		n := maxNewlines(re.Sub[0])
		switch {
		case n == 0:
			return 0
		case n < 0 || re.Max < 0:
			return -1
		}
		return n * re.Max
	case syntax.OpConcat:
		total := 0
		for _, s := range re.Sub {
			n := maxNewlines(s)
			if n < 0 {
				return -1
			}
			total += n
		}
		return total
	case syntax.OpAlternate:
		most := 0
		for _, s := range re.Sub {
			n := maxNewlines(s)
			if n < 0 {
				return -1
			}
			most = max(most, n)
		}
		return most
	}
	return 0 // empty matches, anchors, word boundaries, AnyCharNotNL
}

// maxSet bounds the strings literalSet enumerates.
const maxSet = 64

// literalSet returns the lower-cased strings re can match when they are few
// (a literal, a small class, alternatives and concatenations of these).
func literalSet(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}, true
	case syntax.OpCharClass:
		seen := map[string]bool{}
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 8 {
				return nil, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				s := strings.ToLower(string(r))
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
		return out, len(out) <= maxSet
	case syntax.OpCapture:
		return literalSet(re.Sub[0])
	case syntax.OpQuest:
		s, ok := literalSet(re.Sub[0])
		return append(s, ""), ok
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 4 {
			return nil, false
		}
		sub, ok := literalSet(re.Sub[0])
		if !ok {
			return nil, false
		}
		var out []string
		cur := []string{""}
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out = append(out, cur...)
			}
			if cur, ok = product(cur, sub); !ok {
				return nil, false
			}
		}
		return out, len(out) <= maxSet
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			set, ok := literalSet(s)
			if !ok {
				return nil, false
			}
			out = append(out, set...)
		}
		return out, len(out) <= maxSet
	case syntax.OpConcat:
		cur := []string{""}
		for _, s := range re.Sub {
			set, ok := literalSet(s)
			if !ok {
				return nil, false
			}
			if cur, ok = product(cur, set); !ok {
				return nil, false
			}
		}
		return cur, true
	}
	return nil, false
}

func product(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxSet {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out, true
}

// mustContain reports whether every match of re contains one of keywords
// (lower-cased), as far as the pattern shows: a rule whose regex may match
// without its keyword (gitleaks only uses keywords to skip fragments) has
// to see whole fragments.
func mustContain(re *syntax.Regexp, keywords []string) bool {
	if len(keywords) == 0 {
		return false
	}
	k := 0
	for _, kw := range keywords {
		k = max(k, len(kw))
	}
	return must([]string{""}, []*syntax.Regexp{re}, keywords, k, 0)
}

// must reports whether every match of the concatenation of nodes, after
// any of the texts open, contains a keyword. A nil node stands for text
// that is not known.
func must(open []string, nodes []*syntax.Regexp, keywords []string, k, depth int) bool {
	var still []string
	seen := map[string]bool{}
	for _, p := range open {
		if hasKeyword(p, keywords) {
			continue
		}
		if len(p) > k-1 {
			p = p[len(p)-(k-1):] // only a tail can begin a keyword
		}
		if !seen[p] {
			seen[p] = true
			still = append(still, p)
		}
	}
	if len(still) == 0 {
		return true
	}
	if len(nodes) == 0 || depth > 200 {
		return false
	}
	n, rest := nodes[0], nodes[1:]
	with := func(first ...*syntax.Regexp) []*syntax.Regexp {
		return append(append([]*syntax.Regexp(nil), first...), rest...)
	}
	if n == nil {
		return must([]string{""}, rest, keywords, k, depth+1)
	}
	switch n.Op {
	case syntax.OpCapture:
		return must(still, with(n.Sub[0]), keywords, k, depth+1)
	case syntax.OpConcat:
		return must(still, with(n.Sub...), keywords, k, depth+1)
	case syntax.OpAlternate:
		for _, sub := range n.Sub {
			if !must(still, with(sub), keywords, k, depth+1) {
				return false
			}
		}
		return true
	case syntax.OpQuest:
		return must(still, rest, keywords, k, depth+1) && must(still, with(n.Sub[0]), keywords, k, depth+1)
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return must(still, rest, keywords, k, depth+1)
	}
	if set, ok := literalSet(n); ok {
		if p, ok := product(still, set); ok {
			return must(p, rest, keywords, k, depth+1)
		}
	}
	switch {
	case n.Op == syntax.OpPlus, n.Op == syntax.OpRepeat && n.Min >= 1:
		// The first round is known; what follows it is not.
		return must(still, with(n.Sub[0], nil), keywords, k, depth+1)
	}
	return must([]string{""}, rest, keywords, k, depth+1)
}

func hasKeyword(s string, keywords []string) bool {
	for _, k := range keywords {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// anchoredAtStart reports whether re uses ^ or \A outside multi-line mode,
// which a window starting mid-file would change.
func anchoredAtStart(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginText {
		return true
	}
	for _, s := range re.Sub {
		if anchoredAtStart(s) {
			return true
		}
	}
	return false
}

// maxReach is the most newlines a rule's match may span and still be run
// over windows: rules built to span many lines (a YAML secret, a private
// key) see whole fragments.
const maxReach = 12

// reach returns how many lines before and after an occurrence of one of
// its keywords a match of re can reach, each capped at windowLines. ok is
// false when re must see whole fragments: it can match without a keyword,
// spans many lines, or is anchored at the start of the text.
func reach(re *syntax.Regexp, keywords []string) (before, after int, ok bool) {
	total := maxNewlines(re)
	if total < 0 || total > maxReach || anchoredAtStart(re) || !mustContain(re, keywords) {
		return 0, 0, false
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	k := 0
	for _, kw := range keywords {
		k = max(k, len(kw))
	}
	holds := func(nodes []*syntax.Regexp) bool { return must([]string{""}, nodes, keywords, k, 0) }
	for end := range subs {
		if !holds(subs[:end+1]) {
			continue
		}
		// The keyword lies within subs[start..end].
		start := end
		for start > 0 && !holds(subs[start:end+1]) {
			start--
		}
		return min(sumNewlines(subs[:end+1]), windowLines), min(sumNewlines(subs[start:]), windowLines), true
	}
	return min(total, windowLines), min(total, windowLines), true
}

func sumNewlines(nodes []*syntax.Regexp) int {
	total := 0
	for _, n := range nodes {
		total += maxNewlines(n) // bounded: the whole regex is
	}
	return total
}

// requiredLiterals returns lower-cased literal strings (three bytes or
// more) that every match of re contains: a text without one of them cannot
// match, whatever its keywords.
func requiredLiterals(re *syntax.Regexp) []string {
	var cands []string
	seen := map[string]bool{}
	var walk func(*syntax.Regexp)
	walk = func(n *syntax.Regexp) {
		if n.Op == syntax.OpLiteral && len(n.Rune) >= 3 {
			s := strings.ToLower(string(n.Rune))
			if !seen[s] && len(cands) < 16 {
				seen[s] = true
				cands = append(cands, s)
			}
		}
		for _, sub := range n.Sub {
			walk(sub)
		}
	}
	walk(re)
	var out []string
	for _, c := range cands {
		if mustContain(re, []string{c}) {
			out = append(out, c)
		}
	}
	return out
}
