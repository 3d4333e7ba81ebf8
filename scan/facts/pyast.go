package facts

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"
	python "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// node is a Go copy of one tree-sitter syntax node. Trees are copied once,
// right after parsing, so that the analysis walks plain Go values (no cgo call
// per node access) and the C tree can be closed at once.
type node struct {
	kind     string
	field    string
	named    bool
	start    uint32
	end      uint32
	line     int
	children []*node
}

// pyLang holds the Python grammar and its kind and field name tables.
type pyLang struct {
	lang   *sitter.Language
	kinds  []string
	fields []string
	keep   []byte // keepTable
}

func newPyLang() *pyLang {
	useLibcAllocator()
	l := sitter.NewLanguage(python.Language())
	pl := &pyLang{lang: l}
	n := l.NodeKindCount()
	pl.kinds = make([]string, n)
	for i := uint32(0); i < n; i++ {
		pl.kinds[i] = l.NodeKindForId(uint16(i))
	}
	fc := l.FieldCount()
	pl.fields = make([]string, fc+1)
	for i := uint32(1); i <= fc; i++ {
		pl.fields[i] = l.FieldNameForId(uint16(i))
	}
	pl.keep = pl.keepTable()
	return pl
}

// pyParser parses Python source; one per worker goroutine.
type pyParser struct {
	lang   *pyLang
	parser *sitter.Parser
	// cancel is the parser's cancellation flag: tree-sitter reads it while
	// it parses and stops when it is not zero. It is pinned, since the C
	// parser keeps its address. (ParseCtx, which would set it, stores
	// through the flag pointer of a parser that has none: a nil pointer
	// panic in its own goroutine, which kills the process, whenever the
	// context is cancelled during a parse.)
	cancel *uintptr
	pin    runtime.Pinner
	// Scratch space of copyTreeFast, kept from file to file.
	buf     []uint32
	kids    []int32
	stack   []int32
	parents []*node
}

func (pl *pyLang) newParser() (*pyParser, error) {
	p := sitter.NewParser()
	if err := p.SetLanguage(pl.lang); err != nil {
		p.Close()
		return nil, fmt.Errorf("set python grammar: %w", err)
	}
	pp := &pyParser{lang: pl, parser: p, cancel: new(uintptr)}
	pp.pin.Pin(pp.cancel)
	p.SetCancellationFlag(pp.cancel) //nolint:staticcheck // the replacement, ParseWithOptions, leaks its options on every call
	return pp, nil
}

func (p *pyParser) Close() {
	p.parser.SetCancellationFlag(nil) //nolint:staticcheck // see newParser
	p.parser.Close()
	p.pin.Unpin()
}

// syntaxError is a part of a file that does not parse: lines line to
// endLine. tree-sitter recovers around it, so the rest of the file is still
// analysed.
type syntaxError struct{ line, endLine int }

func (e *syntaxError) Error() string {
	if e.endLine > e.line {
		return fmt.Sprintf("python syntax error at line %d: lines %d-%d were not understood, the rest of the file was analysed", e.line, e.line, e.endLine)
	}
	return fmt.Sprintf("python syntax error at line %d: that line was not understood, the rest of the file was analysed", e.line)
}

// maxSyntaxErrors bounds how many unparsed parts of one file are named.
const maxSyntaxErrors = 10

// syntaxSkipped is the one skipped entry of a Python file that parses only
// in part: at its first bad line, naming the other parts.
func syntaxSkipped(path string, bad []syntaxError) Skipped {
	first := bad[0]
	reason := first.Error()
	if len(bad) > 1 {
		var more []string
		for _, b := range bad[1:] {
			if b.endLine > b.line {
				more = append(more, fmt.Sprintf("%d-%d", b.line, b.endLine))
			} else {
				more = append(more, strconv.Itoa(b.line))
			}
		}
		what := strings.Join(more, ", ")
		if len(bad) >= maxSyntaxErrors {
			what += " and maybe more"
		}
		reason = fmt.Sprintf("python syntax error at line %d: parts not understood at lines %s, %s; the rest of the file was analysed", first.line, spanText(first), what)
	}
	return Skipped{Path: path, Line: first.line, Reason: reason}
}

func spanText(s syntaxError) string {
	if s.endLine > s.line {
		return fmt.Sprintf("%d-%d", s.line, s.endLine)
	}
	return strconv.Itoa(s.line)
}

// parse returns the Go copy of src's syntax tree. tree-sitter recovers
// around syntax it does not know (newer Python, typos), so a tree comes back
// for any file: bad names the parts it could not parse, for the report, and
// the analysis keeps the facts of the rest.
func (p *pyParser) parse(ctx context.Context, src []byte) (root *node, bad []syntaxError, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	atomic.StoreUintptr(p.cancel, 0)
	cancelled := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		atomic.StoreUintptr(p.cancel, 1)
		close(cancelled)
	})
	tree := p.parseString(src)
	if !stop() {
		<-cancelled // the flag is set before the next parse clears it
	}
	if tree == nil {
		// Cancelled half-way: the parser would resume this text next time.
		p.parser.Reset()
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("python parser gave no tree")
	}
	defer tree.Close()
	if r := tree.RootNode(); r.HasError() {
		bad = errorSpans(r, nil)
	}
	return p.copyTreeFast(tree), bad, nil
}

// keepNode says which nodes the Go copy keeps: named nodes but comments
// (which may stand anywhere, an argument list included, and are no part of
// the code's meaning), and the anonymous tokens isKeptToken names.
func keepNode(kind string, named bool) bool {
	if named {
		return kind != "comment"
	}
	return isKeptToken(kind)
}

// isKeptToken says which anonymous tokens the analysis needs: operators and
// a few keywords. Punctuation is dropped to keep trees small.
func isKeptToken(kind string) bool {
	switch kind {
	case "(", ")", ",", ":", "[", "]", "{", "}", ".", "=", "->", ";", "def", "class", "return", "if", "else", "elif",
		"for", "while", "try", "except", "finally", "with", "import", "from", "raise", "pass", "lambda", "del", "global", "nonlocal", "assert":
		return false
	}
	return true
}

// errorSpans lists the parts under n that did not parse, in order, at most
// maxSyntaxErrors of them: each ERROR node from its first to its last stray
// piece, and each MISSING token. tree-sitter often wraps whole statements
// that parsed well (a function before the bad line) in its ERROR node:
// those are not named when they stand before or after the bad piece.
func errorSpans(n *sitter.Node, out []syntaxError) []syntaxError {
	for i, cnt := uint(0), n.ChildCount(); i < cnt && len(out) < maxSyntaxErrors; i++ {
		c := n.Child(i)
		switch {
		case c == nil:
		case c.IsMissing():
			out = addSpan(out, spanOf(c))
		case c.IsError():
			if s, ok := strayPieces(c); ok {
				out = addSpan(out, s)
			}
		case c.HasError():
			out = errorSpans(c, out)
		}
	}
	return out
}

// strayPieces returns the lines of an ERROR node from its first to its last
// piece that is not a whole statement.
func strayPieces(n *sitter.Node) (syntaxError, bool) {
	cnt := n.ChildCount()
	if cnt == 0 || n.IsMissing() {
		return spanOf(n), true
	}
	var s syntaxError
	ok := false
	for i := uint(0); i < cnt; i++ {
		c := n.Child(i)
		if c == nil || completeStatement(c.Kind()) && !c.HasError() {
			continue
		}
		cs := spanOf(c)
		if c.IsError() || c.HasError() {
			inner, found := strayPieces(c)
			if !found {
				continue
			}
			cs = inner
		}
		if !ok {
			s, ok = cs, true
		}
		s.line, s.endLine = min(s.line, cs.line), max(s.endLine, cs.endLine)
	}
	return s, ok
}

// spanOf returns the lines of n.
func spanOf(n *sitter.Node) syntaxError {
	end := n.EndPosition()
	s := syntaxError{line: int(n.StartPosition().Row) + 1, endLine: int(end.Row) + 1}
	if end.Column == 0 && s.endLine > s.line {
		s.endLine-- // the node ends with the line break before it
	}
	if s.endLine < s.line || n.IsMissing() {
		s.endLine = s.line
	}
	return s
}

// addSpan adds s to the spans, merging with the last one when they touch.
func addSpan(out []syntaxError, s syntaxError) []syntaxError {
	if k := len(out) - 1; k >= 0 && s.line <= out[k].endLine+1 {
		out[k].endLine = max(out[k].endLine, s.endLine)
		return out
	}
	return append(out, s)
}

// completeStatement says whether a node kind is a whole statement, which
// tree-sitter keeps intact inside an ERROR node when it parsed.
func completeStatement(kind string) bool {
	return strings.HasSuffix(kind, "_statement") || strings.HasSuffix(kind, "_definition") || kind == "block" || kind == "comment"
}

// child returns the first child with the field name.
func (n *node) child(field string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.field == field {
			return c
		}
	}
	return nil
}

// childrenField returns the children with the field name.
func (n *node) childrenField(field string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.field == field {
			out = append(out, c)
		}
	}
	return out
}

// named returns the named children.
func (n *node) namedChildren() []*node {
	var out []*node
	for _, c := range n.children {
		if c.named {
			out = append(out, c)
		}
	}
	return out
}

// firstNamed returns the first named child of the kind ("" for any).
func (n *node) firstNamed(kind string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.named && (kind == "" || c.kind == kind) {
			return c
		}
	}
	return nil
}

func (n *node) text(src []byte) string {
	if n == nil {
		return ""
	}
	return string(src[n.start:n.end])
}

// bytes is n's text without a copy, for clip.
func (n *node) bytes(src []byte) []byte {
	if n == nil {
		return nil
	}
	return src[n.start:n.end]
}

// walk calls f on n and its descendants, depth first; f returning false
// skips the node's children.
func (n *node) walk(f func(*node) bool) {
	if n == nil || !f(n) {
		return
	}
	for _, c := range n.children {
		c.walk(f)
	}
}

// unparen strips parentheses around an expression.
func unparen(n *node) *node {
	for n != nil && n.kind == "parenthesized_expression" {
		n = n.firstNamed("")
	}
	return n
}

// dotted returns the dotted form of a name or attribute chain ("a.b.c"), or
// "" when n is something else.
func dotted(n *node, src []byte) string {
	n = unparen(n)
	if n == nil {
		return ""
	}
	switch n.kind {
	case "identifier":
		return n.text(src)
	case "attribute":
		o := dotted(n.child("object"), src)
		a := n.child("attribute")
		if o == "" || a == nil {
			return ""
		}
		return o + "." + a.text(src)
	case "dotted_name":
		return n.text(src)
	}
	return ""
}

// stringLit decodes a string (or concatenated_string) literal without
// interpolations. ok is false for f-strings with placeholders.
func stringLit(n *node, src []byte) (s string, isBytes, ok bool) {
	n = unparen(n)
	if n == nil {
		return "", false, false
	}
	switch n.kind {
	case "concatenated_string":
		var b strings.Builder
		for _, c := range n.namedChildren() {
			part, by, ok := stringLit(c, src)
			if !ok {
				return "", false, false
			}
			isBytes = isBytes || by
			b.WriteString(part)
		}
		return b.String(), isBytes, true
	case "string":
	default:
		return "", false, false
	}
	var prefix string
	var b strings.Builder
	for _, c := range n.children {
		switch c.kind {
		case "string_start":
			prefix = strings.ToLower(strings.TrimRight(c.text(src), "'\""))
		case "interpolation":
			return "", false, false
		case "string_content":
			raw := c.text(src)
			if strings.Contains(prefix, "r") {
				b.WriteString(raw)
			} else {
				b.WriteString(unescape(raw))
			}
		}
	}
	return b.String(), strings.Contains(prefix, "b"), true
}

// isFString reports whether n is a string with at least one interpolation.
func isFString(n *node) bool {
	n = unparen(n)
	if n == nil {
		return false
	}
	if n.kind == "concatenated_string" {
		for _, c := range n.namedChildren() {
			if isFString(c) {
				return true
			}
		}
		return false
	}
	if n.kind != "string" {
		return false
	}
	for _, c := range n.children {
		if c.kind == "interpolation" {
			return true
		}
	}
	return false
}

// unescape decodes the common Python escapes; unknown ones stay as written.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case '\'':
			b.WriteByte('\'')
		case '"':
			b.WriteByte('"')
		case '0':
			b.WriteByte(0)
		case '\n':
		case 'x':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					b.WriteRune(rune(v))
					i += 2
					continue
				}
			}
			b.WriteString(`\x`)
		case 'u', 'U':
			w := 4
			if s[i] == 'U' {
				w = 8
			}
			if i+w < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+1+w], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
					b.WriteRune(rune(v))
					i += w
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// clip shortens text for facts: its fields (as strings.Fields splits them)
// joined by single spaces, cut to max bytes at a rune boundary with "..."
// after the cut. Only the part of s that can reach the result is read,
// however long s is.
func clip[T string | []byte](s T, max int) string {
	limit := max + 1 // enough of the joined text to know whether to cut
	b := make([]byte, 0, min(len(s), limit))
	for i := 0; i < len(s) && len(b) < limit; {
		// The next field: from the first byte that is not a space to the
		// next space.
		start := -1
		for i < len(s) {
			sp, w := spaceAt(s, i)
			if !sp && start < 0 {
				start = i
			}
			if sp && start >= 0 || start >= 0 && i-start >= limit {
				break
			}
			i += w
		}
		if start < 0 {
			break
		}
		if len(b) > 0 {
			b = append(b, ' ')
		}
		end := min(i, start+limit-len(b))
		b = append(b, s[start:end]...)
	}
	if len(b) <= max {
		return string(b)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "..."
}

// spaceAt reports whether s holds a space (unicode.IsSpace, as
// strings.Fields decides) at byte i, and the width of the rune there.
func spaceAt[T string | []byte](s T, i int) (bool, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r', 1
	}
	r, w := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
	return unicode.IsSpace(r), w
}
