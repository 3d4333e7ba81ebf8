package secrets

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/detect/codec"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"
)

// windowLines is how many lines around a keyword a rule's regex is run on,
// at most. It equals maxReach, the most lines a windowed rule's match can
// span (rules that can span more see whole fragments), so a window always
// holds every match the whole fragment would give: windows save time, they
// never cost a secret.
const windowLines = maxReach

// smallFragment is the size up to which a fragment (a diff hunk, a small
// file) is scanned whole by each rule its keywords call for: windows would
// save little there.
const smallFragment = 2048

// engine runs the rules of one scan over fragments.
//
// gitleaks runs every rule whose keyword occurs in a fragment over the
// whole fragment (a whole file in a tree scan), twice when it matches, and
// loops over all rules for every fragment (every hunk of history). The
// engine finds the keywords of a fragment once and runs only the rules they
// call for, each through its own detector. For fragments larger than
// smallFragment, it runs such a rule only
// over the lines around each occurrence of its keywords (the other lines
// emptied, so that line numbers stay): when a rule's regex provably
// contains one of its keywords, a match lies within the few lines its regex
// can span around one (capped at windowLines before and after). Rules that
// can match without their keywords, span many lines (private keys, YAML
// secrets) or require other rules, and rules without keywords, still see
// the whole fragment. Encoded secrets are looked for as gitleaks does, over
// the whole fragment, where mayHoldEncoded says the decoder may find some.
type engine struct {
	rs *ruleSet
	// single holds a detector of one rule (and the rules it requires) by id.
	single map[string]*detect.Detector
	// needs are the literals a fragment must hold for a rule to match.
	needs map[string][]string
	// reach is how many lines before and after a keyword a rule sees;
	// before is -1 for the whole fragment.
	reach map[string][2]int
	// always are the rules run on every fragment.
	always []string
	// pathOnly are the rules of always that match file names only: they
	// never read the text, so they get none.
	pathOnly map[string]bool
	// asciiLiterals is true when every keyword and needed literal is ASCII,
	// so that fragments need only their ASCII letters lower-cased.
	asciiLiterals bool
	// full has every rule of the scan and decodes encoded text.
	full  *detect.Detector
	depth int
	// exact turns windows off: every rule sees whole fragments, as in gitleaks.
	exact bool
}

func (s *Scanner) newEngine(ctx context.Context, rs *ruleSet, cfg config.Config) *engine {
	e := &engine{
		rs:     rs,
		single: make(map[string]*detect.Detector, len(cfg.Rules)),
		reach:  make(map[string][2]int, len(cfg.Rules)),
		needs:  make(map[string][]string, len(cfg.Rules)),
		depth:  s.decodeDepth(),
		exact:  s.opts.Exact,

		pathOnly:      map[string]bool{},
		asciiLiterals: true,
	}
	e.full = detect.NewDetectorContext(ctx, cfg)
	e.full.MaxDecodeDepth = e.depth
	e.full.IgnoreGitleaksAllow = s.opts.IgnoreAllowComments
	for id, r := range cfg.Rules {
		one := config.Config{
			Path:       cfg.Path,
			Rules:      map[string]config.Rule{id: r},
			Keywords:   map[string]struct{}{},
			Allowlists: cfg.Allowlists,
		}
		for _, req := range r.RequiredRules {
			one.Rules[req.RuleID] = cfg.Rules[req.RuleID]
		}
		for _, rr := range one.Rules {
			for _, k := range rr.Keywords {
				one.Keywords[k] = struct{}{}
			}
		}
		d := detect.NewDetectorContext(ctx, one)
		d.IgnoreGitleaksAllow = s.opts.IgnoreAllowComments
		e.single[id] = d
		b, a := rs.specs[id].reach()
		e.reach[id] = [2]int{b, a}
		e.needs[id] = rs.specs[id].needs
		if len(r.Keywords) == 0 {
			e.always = append(e.always, id)
			if r.Regex == nil && r.Path != nil && len(r.RequiredRules) == 0 {
				e.pathOnly[id] = true
			}
		}
		for _, l := range append(append([]string(nil), r.Keywords...), e.needs[id]...) {
			if !isASCII(l) {
				e.asciiLiterals = false
			}
		}
	}
	sort.Strings(e.always)
	return e
}

// detect returns the findings of every rule in f.
func (e *engine) detect(ctx context.Context, f sources.Fragment) []report.Finding {
	if e.exact {
		return e.full.DetectContext(ctx, detect.Fragment(f))
	}
	raw := f.Raw
	small := len(raw) <= smallFragment
	low, aligned := lower(raw, e.asciiLiterals)
	hits := e.rs.prefilter.MatchString(low)

	var out []report.Finding
	for _, id := range e.always {
		switch {
		case e.pathOnly[id]:
			// gitleaks lower-cases and searches the whole text for every
			// call; a rule on file names needs none of it.
			name := f
			name.Raw, name.Bytes = "", nil
			out = append(out, e.single[id].DetectContext(ctx, detect.Fragment(name))...)
		case holdsAll(low, e.needs[id]):
			out = append(out, e.single[id].DetectContext(ctx, detect.Fragment(f))...)
		}
	}
	if len(hits) > 0 {
		// Occurrences by rule, in text order.
		at := map[string][]int{}
		var ids []string
		for _, m := range hits {
			for _, id := range e.rs.byKeyword[m.MatchString()] {
				if _, ok := e.single[id]; !ok {
					continue
				}
				if _, seen := at[id]; !seen {
					if !holdsAll(low, e.needs[id]) {
						at[id] = nil // cannot match here
						continue
					}
					ids = append(ids, id)
				} else if at[id] == nil {
					continue
				}
				at[id] = append(at[id], int(m.Pos()))
			}
		}
		sort.Strings(ids)
		var nl []int // offsets of the newlines of raw, made on first need
		for _, id := range ids {
			d, r := e.single[id], e.reach[id]
			if r[0] < 0 || !aligned || small {
				out = append(out, d.DetectContext(ctx, detect.Fragment(f))...)
				continue
			}
			if nl == nil {
				nl = newlines(raw)
			}
			ws := windows(at[id], nl, r[0], r[1])
			if len(ws) == 1 && ws[0][0] == 0 && ws[0][1] >= len(nl) {
				out = append(out, d.DetectContext(ctx, detect.Fragment(f))...)
				continue
			}
			sub := f
			sub.Bytes = nil
			sub.Raw = padded(raw, nl, ws)
			out = append(out, d.DetectContext(ctx, detect.Fragment(sub))...)
		}
	}
	if e.depth > 0 && mayHoldEncoded(raw) {
		if _, segs := codec.NewDecoder().Decode(raw, nil); len(segs) > 0 {
			for _, fd := range e.full.DetectContext(ctx, detect.Fragment(f)) {
				if decodedFinding(fd) {
					out = append(out, fd)
				}
			}
		}
	}
	return preferSpecific(out)
}

// padded returns raw with the lines outside ws emptied, so that one call
// runs a rule over all its windows, with every line where it was.
func padded(raw string, nl []int, ws [][2]int) string {
	size := len(ws)
	for _, w := range ws {
		size += lineEnd(nl, w[1], len(raw)) - lineStart(nl, w[0])
	}
	var b strings.Builder
	b.Grow(size + ws[len(ws)-1][0])
	line := 0
	for _, w := range ws {
		for ; line < w[0]; line++ {
			b.WriteByte('\n')
		}
		b.WriteString(raw[lineStart(nl, w[0]):lineEnd(nl, w[1], len(raw))])
		line = w[1] + 1
	}
	return b.String()
}

// holdsAll reports whether low holds every one of literals.
func holdsAll(low string, literals []string) bool {
	for _, l := range literals {
		if !strings.Contains(low, l) {
			return false
		}
	}
	return true
}

// decodedFinding reports whether gitleaks found fd in decoded text.
func decodedFinding(fd report.Finding) bool {
	for _, t := range fd.Tags {
		if strings.HasPrefix(t, "decoded:") {
			return true
		}
	}
	return false
}

// preferSpecific drops a generic rule's finding when a specific rule found
// the same secret on the same line, as gitleaks does within a fragment.
func preferSpecific(fs []report.Finding) []report.Finding {
	if len(fs) < 2 {
		return fs
	}
	out := fs[:0:0]
	for _, f := range fs {
		keep := true
		if strings.Contains(strings.ToLower(f.RuleID), "generic") {
			for _, g := range fs {
				if f.StartLine == g.StartLine && f.Commit == g.Commit && f.RuleID != g.RuleID &&
					strings.Contains(g.Secret, f.Secret) && !strings.Contains(strings.ToLower(g.RuleID), "generic") {
					keep = false
					break
				}
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}

// lower lower-cases s as gitleaks' keyword filter does, as far as ASCII
// literals can tell (asciiOnly): the ASCII letters, and the two runes whose
// lower case is ASCII (U+212A KELVIN SIGN and U+0130, "k" and "i"); other
// runes stay as they are, which no ASCII literal can match either way, and
// which spares the Unicode case tables on text in other scripts. Without
// asciiOnly it is strings.ToLower. aligned is false when the lower-cased
// text's offsets are not those of s.
func lower(s string, asciiOnly bool) (low string, aligned bool) {
	if !asciiOnly {
		low = strings.ToLower(s)
		return low, isASCII(s) || len(low) == len(s)
	}
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s, true
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	aligned = true
	for i < len(s) {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			switch r {
			case '\u212a': // KELVIN SIGN
				b, aligned = append(b, 'k'), false
			case '\u0130': // LATIN CAPITAL LETTER I WITH DOT ABOVE
				b, aligned = append(b, 'i'), false
			default:
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return string(b), aligned
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// newlines returns the offsets of the newlines of s.
func newlines(s string) []int {
	out := make([]int, 0, strings.Count(s, "\n"))
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		out = append(out, i+j)
		i += j + 1
	}
	return out
}

// lineOf is the 0-based line of offset pos.
func lineOf(nl []int, pos int) int { return sort.SearchInts(nl, pos) }

// lineStart is the offset where 0-based line n starts.
func lineStart(nl []int, n int) int {
	if n == 0 {
		return 0
	}
	return nl[n-1] + 1
}

// lineEnd is the offset just past line n, its newline included.
func lineEnd(nl []int, n, size int) int {
	if n < len(nl) {
		return nl[n] + 1
	}
	return size
}

// windows returns the merged line ranges [first, last] from before lines
// before to after lines after the occurrences at (sorted offsets).
func windows(at []int, nl []int, before, after int) [][2]int {
	lastLine := len(nl) // the line after the last newline
	var out [][2]int
	for _, pos := range at {
		l := lineOf(nl, pos)
		a, b := max(l-before, 0), min(l+after, lastLine)
		if n := len(out); n > 0 && a <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], b)
			continue
		}
		out = append(out, [2]int{a, b})
	}
	return out
}
