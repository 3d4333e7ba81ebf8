package secrets

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
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
// the whole fragment. Encoded secrets are looked for as gitleaks does, by
// decoding, but over the lines around the places where encodedAt says the
// decoder may find some.
type engine struct {
	rs *ruleSet
	// rules are the rules of the scan by id, each compiled on first need:
	// a scan compiles only the rules whose keywords occur in what it reads.
	rules map[string]*lazyRule
	// always are the rules run on every fragment.
	always []string
	// pathOnly are the rules of always that match file names only: they
	// never read the text, so they get none.
	pathOnly map[string]bool
	// asciiLiterals is true when every keyword is ASCII, so that fragments
	// need only their ASCII letters lower-cased.
	asciiLiterals bool
	// groups holds detectors of several rules, by their sorted ids joined:
	// the rules that see a whole fragment run in one gitleaks call, which
	// lower-cases and searches the text once for all of them. Detectors
	// that decode encoded text have keys of their own.
	groups      map[string]*detect.Detector
	groupsMu    sync.RWMutex
	path        string
	allowlists  []*config.Allowlist
	ignoreAllow bool
	depth       int
	// full, in exact mode, has every rule of the scan and decodes.
	full *detect.Detector
	// exact turns windows off: every rule sees whole fragments, as in gitleaks.
	exact bool

	errMu sync.Mutex
	err   error
}

// lazyRule is one rule of a scan, compiled on first need.
type lazyRule struct {
	once sync.Once
	d    *detect.Detector
	// reach is how many lines before and after a keyword the rule sees;
	// before is -1 for the whole fragment.
	reach [2]int
	// needs are the literals a fragment must hold for the rule to match.
	needs []string
	// follow, when set, says which occurrences of its keywords a match
	// can start from (the others need no window).
	follow *follower
	ok     bool
}

// newEngine returns an engine of the rules ids of rs. It compiles the rules
// without keywords at once (they run on every fragment), the others when a
// fragment first calls for them; in exact mode, all of them.
func (s *Scanner) newEngine(ctx context.Context, rs *ruleSet, ids []string) (*engine, error) {
	e := &engine{
		rs:            rs,
		rules:         make(map[string]*lazyRule, len(ids)),
		pathOnly:      map[string]bool{},
		asciiLiterals: true,
		groups:        map[string]*detect.Detector{},
		path:          rs.path,
		allowlists:    rs.allowlists,
		ignoreAllow:   s.opts.IgnoreAllowComments,
		depth:         s.decodeDepth(),
		exact:         s.opts.Exact,
	}
	for _, id := range ids {
		e.rules[id] = &lazyRule{}
		sp := rs.specs[id]
		if len(sp.keywords) == 0 {
			e.always = append(e.always, id)
		}
		for _, k := range sp.keywords {
			if !isASCII(k) {
				e.asciiLiterals = false
			}
		}
	}
	sort.Strings(e.always)
	eager := e.always
	if e.exact {
		eager = ids
	}
	if err := rs.compile(eager); err != nil {
		return nil, err
	}
	for _, id := range e.always {
		r, _ := rs.compiled(id)
		if r.Regex == nil && r.Path != nil && len(r.RequiredRules) == 0 {
			e.pathOnly[id] = true
		}
	}
	if e.exact {
		e.full = e.detector(ctx, ids)
		e.full.MaxDecodeDepth = e.depth
	}
	return e, nil
}

// rule returns the rule id of the scan, compiled, or nil when it is not
// one of the scan's or cannot be compiled (the error is kept for failed).
func (e *engine) rule(ctx context.Context, id string) *lazyRule {
	lr := e.rules[id]
	if lr == nil {
		return nil
	}
	lr.once.Do(func() {
		sp := e.rs.specs[id]
		if err := e.rs.compile(append([]string{id}, sp.required...)); err != nil {
			e.errMu.Lock()
			e.err = errors.Join(e.err, err)
			e.errMu.Unlock()
			return
		}
		lr.d = e.detector(ctx, []string{id})
		b, a := sp.reach()
		lr.reach = [2]int{b, a}
		lr.follow = sp.follow
		for _, l := range sp.needs {
			if isASCII(l) || !e.asciiLiterals {
				lr.needs = append(lr.needs, l)
			}
		}
		lr.ok = true
	})
	if !lr.ok {
		return nil
	}
	return lr
}

// failed returns the errors of rules that could not be compiled.
func (e *engine) failed() error {
	e.errMu.Lock()
	defer e.errMu.Unlock()
	return e.err
}

// detect returns the findings of every rule in f.
func (e *engine) detect(ctx context.Context, f sources.Fragment) []report.Finding {
	if e.exact {
		return e.dropStopWords(e.full.DetectContext(ctx, detect.Fragment(f)))
	}
	small := len(f.Raw) <= smallFragment
	low, aligned := lower(f.Raw, e.asciiLiterals)
	all := lowText{f.Raw, low, aligned}
	var enc lowText // where encoded text is looked for
	if e.depth > 0 {
		enc = e.encodedWindows(all, small)
	}
	if enc.raw != "" && len(enc.raw) == len(f.Raw) {
		if ids := e.decodeRules(ctx, all); ids != nil {
			// One call that decodes, over the whole fragment, finds what
			// the passes below would find (its first round, without
			// decoding) and the encoded secrets: gitleaks' own pass.
			return preferSpecific(e.dropStopWords(e.group(ctx, ids, true).DetectContext(ctx, detect.Fragment(f))))
		}
		enc = lowText{}
	}
	out := e.detectPlain(ctx, f, all, small)
	if enc.raw != "" {
		out = append(out, e.detectEncoded(ctx, f, all, enc)...)
	}
	return preferSpecific(e.dropStopWords(out))
}

// detectPlain returns what the rules find in f as it is (all), without
// decoding: each rule its keywords call for runs over the lines around
// the occurrences a match can start from, or over the whole fragment when
// it is small, when the rule must see whole fragments or when the windows
// cover it; the rules seeing it whole run in one call.
func (e *engine) detectPlain(ctx context.Context, f sources.Fragment, all lowText, small bool) []report.Finding {
	var (
		out   []report.Finding
		whole []string // the rules to run over the whole fragment
	)
	for _, id := range e.always {
		lr := e.rule(ctx, id)
		switch {
		case lr == nil:
		case e.pathOnly[id]:
			// gitleaks lower-cases and searches the whole text for every
			// call; a rule on file names needs none of it.
			name := f
			name.Raw, name.Bytes = "", nil
			out = append(out, lr.d.DetectContext(ctx, detect.Fragment(name))...)
		case holdsAll(all.low, lr.needs):
			whole = append(whole, id)
		}
	}
	ids, at := e.occurrences(ctx, all)
	var nl []int // offsets of the newlines of f, made on first need
	for _, id := range ids {
		r := e.rules[id].reach
		if r[0] < 0 || !all.aligned || small {
			whole = append(whole, id)
			continue
		}
		if nl == nil {
			nl = newlines(all.raw)
		}
		ws := windows(at[id], nl, r[0], r[1])
		if len(ws) == 1 && ws[0][0] == 0 && ws[0][1] >= len(nl) {
			whole = append(whole, id)
			continue
		}
		sub := f
		sub.Bytes = nil
		sub.Raw = padded(all.raw, nl, ws)
		out = append(out, e.rules[id].d.DetectContext(ctx, detect.Fragment(sub))...)
	}
	if len(whole) > 0 {
		sort.Strings(whole)
		out = append(out, e.group(ctx, whole, false).DetectContext(ctx, detect.Fragment(f))...)
	}
	return out
}

// occurrences returns the rules that the keywords in t call for (sorted),
// and for each the offsets, in text order, of the occurrences of its
// keywords a match can start from: rules that cannot match (a literal
// their regex needs is missing, or no keyword is followed as their
// follower says) are left out.
func (e *engine) occurrences(ctx context.Context, t lowText) ([]string, map[string][]int) {
	at := map[string][]int{} // nil: cannot match here
	var ids []string
	for _, m := range e.rs.prefilter.find(t.low) {
		for _, id := range e.rs.byKeyword[m.word] {
			if _, seen := at[id]; !seen {
				lr := e.rule(ctx, id)
				if lr == nil || !holdsAll(t.low, lr.needs) {
					at[id] = nil
					continue
				}
				ids = append(ids, id)
				at[id] = []int{} // seen, with no occurrence yet
			} else if at[id] == nil {
				continue
			}
			if fl := e.rules[id].follow; fl != nil && t.aligned && (!fl.words[m.word] || !fl.allows(t, m.pos+len(m.word))) {
				continue // no match starts from this occurrence
			}
			at[id] = append(at[id], m.pos)
		}
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return len(at[id]) == 0 })
	sort.Strings(ids)
	return ids, at
}

// lowText is a text with its lower case (aligned: at the same offsets).
type lowText struct {
	raw, low string
	aligned  bool
}

// encodedWindows returns the text of a fragment where its encoded secrets
// are looked for: none when gitleaks' decoder can find nothing in it; all
// of it when the fragment
// is small or its encoded text is all over it; otherwise raw with only the
// lines around the places where encodedAt says a segment may be (the
// other lines emptied). A decoded finding overlaps a segment, and its
// match, in decoded text, spans at most windowLines lines on either side
// of it (decoding adds lines, never removes them): those lines hold it.
func (e *engine) encodedWindows(all lowText, small bool) lowText {
	at := encodedAt(all.raw)
	if len(at) == 0 {
		return lowText{}
	}
	if small {
		return all
	}
	nl := newlines(all.raw)
	ws := windows(at, nl, windowLines, windowLines)
	if len(ws) == 1 && ws[0][0] == 0 && ws[0][1] >= len(nl) {
		return all
	}
	text := padded(all.raw, nl, ws)
	low, aligned := lower(text, e.asciiLiterals)
	return lowText{text, low, aligned}
}

// detectEncoded returns the secrets that the rules find, decoding as
// gitleaks decodes, in the encoded text of f (all): part, the lines around
// it. When one of the rules these lines call for must see whole fragments,
// all of them see f whole (rules on file names read no text).
func (e *engine) detectEncoded(ctx context.Context, f sources.Fragment, all, part lowText) []report.Finding {
	raw, text := f.Raw, part.raw
	ids := e.decodeRules(ctx, part)
	if ids == nil {
		return nil
	}
	if len(text) != len(raw) && slices.ContainsFunc(ids, func(id string) bool { return e.rules[id].reach[0] < 0 && !e.pathOnly[id] }) {
		text = raw
		if ids = e.decodeRules(ctx, all); ids == nil {
			return nil
		}
	}
	sub := f
	if len(text) != len(raw) {
		sub.Raw, sub.Bytes = text, nil
	}
	var out []report.Finding
	for _, fd := range e.group(ctx, ids, true).DetectContext(ctx, detect.Fragment(sub)) {
		if decodedFinding(fd) {
			out = append(out, fd)
		}
	}
	return out
}

// dropStopWords drops the findings whose secret holds a stop word of their
// rule's allowlists that gitleaks was not given (see stopWords).
func (e *engine) dropStopWords(fs []report.Finding) []report.Finding {
	out := fs[:0]
	for _, f := range fs {
		if sp := e.rs.specs[f.RuleID]; sp != nil && sp.stops != nil && sp.stops.contains(f.Secret) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// decodeRules returns the rules gitleaks runs, in some pass, on t with its
// encoded text decoded: those without keywords and those whose keywords
// occur in t or in one of its decoded forms (for a rule with a follower,
// followed as it needs in that text). It returns nil when t holds nothing
// the decoder decodes. A detector of these rules finds what one of every
// rule finds, since each pass runs only the rules whose keywords occur in
// its text and a match starts from a followed keyword.
func (e *engine) decodeRules(ctx context.Context, t lowText) []string {
	found := map[string]bool{}
	add := func(t lowText) {
		for _, m := range e.rs.prefilter.find(t.low) {
			for _, id := range e.rs.byKeyword[m.word] {
				if found[id] {
					continue
				}
				// As in detect: a template rule only from a keyword
				// followed as its regex needs, in the text of this round.
				if lr := e.rule(ctx, id); lr != nil && lr.follow != nil && t.aligned &&
					(!lr.follow.words[m.word] || !lr.follow.allows(t, m.pos+len(m.word))) {
					continue
				}
				found[id] = true
			}
		}
	}
	dec := codec.NewDecoder()
	cur, segs := t.raw, []*codec.EncodedSegment(nil)
	for depth := range e.depth {
		if cur, segs = dec.Decode(cur, segs); len(segs) == 0 {
			if depth == 0 {
				return nil
			}
			break
		}
		low, aligned := lower(cur, e.asciiLiterals)
		add(lowText{cur, low, aligned})
	}
	add(t)
	ids := make([]string, 0, len(found)+len(e.always))
	for id := range found {
		if e.rule(ctx, id) != nil {
			ids = append(ids, id)
		}
	}
	for _, id := range e.always {
		if e.rule(ctx, id) != nil && !found[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// maxGroups bounds the detectors of rule groups kept for reuse.
const maxGroups = 4096

// group returns a detector of the rules ids (sorted) and the rules they
// require. gitleaks' own filter in the call drops a generic finding that a
// specific rule also found on its line, as preferSpecific does after.
func (e *engine) group(ctx context.Context, ids []string, decode bool) *detect.Detector {
	if len(ids) == 1 && !decode {
		return e.rules[ids[0]].d
	}
	key := strings.Join(ids, "\x00")
	if decode {
		key = "decode\x00" + key
	}
	e.groupsMu.RLock()
	d := e.groups[key]
	e.groupsMu.RUnlock()
	if d != nil {
		return d
	}
	d = e.detector(ctx, ids)
	if decode {
		d.MaxDecodeDepth = e.depth
	}
	e.groupsMu.Lock()
	if len(e.groups) < maxGroups {
		e.groups[key] = d
	}
	e.groupsMu.Unlock()
	return d
}

// detector returns a gitleaks detector of the rules ids of the scan and the
// rules they require, all compiled.
func (e *engine) detector(ctx context.Context, ids []string) *detect.Detector {
	one := config.Config{
		Path:       e.path,
		Rules:      make(map[string]config.Rule, len(ids)),
		Keywords:   map[string]struct{}{},
		Allowlists: e.allowlists,
	}
	for _, id := range ids {
		r, _ := e.rs.compiled(id)
		one.Rules[id] = r
		one.OrderedRules = append(one.OrderedRules, id)
		for _, req := range r.RequiredRules {
			one.Rules[req.RuleID], _ = e.rs.compiled(req.RuleID)
		}
	}
	for _, r := range one.Rules {
		for _, k := range r.Keywords {
			one.Keywords[k] = struct{}{}
		}
	}
	d := detect.NewDetectorContext(ctx, one)
	d.IgnoreGitleaksAllow = e.ignoreAllow
	return d
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
// text's offsets are not those of s, or s holds U+017F LATIN SMALL LETTER
// LONG S, which a case-insensitive "s" matches while lower-casing keeps it
// (no keyword is seen where a rule's regex can match one): windows and
// followers read offsets and keyword occurrences, so such a text is run
// whole.
func lower(s string, asciiOnly bool) (low string, aligned bool) {
	if !asciiOnly {
		return strings.ToLower(s), isASCII(s) || keepsOffsets(s)
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
			case '\u017f': // LATIN SMALL LETTER LONG S
				b, aligned = append(b, s[i:i+n]...), false
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

// keepsOffsets reports whether strings.ToLower(s) keeps the offset of
// every rune of s (each lower case is as long as its rune, and no byte is
// invalid UTF-8, which lower-casing turns into a 3-byte U+FFFD), and s
// holds no U+017F (see lower).
func keepsOffsets(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u017f' || utf8.RuneLen(unicode.ToLower(r)) != n {
			return false
		}
		i += n
	}
	return true
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
