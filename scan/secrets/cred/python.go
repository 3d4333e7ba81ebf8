package cred

import (
	"runtime"
	"strings"
	"sync"

	sitter "github.com/tree-sitter/go-tree-sitter"
	python "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// pyQuery captures the places where Python code gives a name a literal.
// The pattern index says which construct matched (see pyTags).
const pyQuery = `
(assignment left: (_) @key right: [(string) (concatenated_string)] @value)
(keyword_argument name: (identifier) @key value: [(string) (concatenated_string)] @value)
(pair key: (string) @key value: [(string) (concatenated_string)] @value)
(default_parameter name: (identifier) @key value: (string) @value)
(typed_default_parameter name: (identifier) @key value: (string) @value)
(comparison_operator (_) @key (string) @value)
(call function: (_) @key arguments: (argument_list . (string) @value .))
(call arguments: (argument_list . (string) @key . (string) @value))
(comment) @comment
`

var pyTags = []string{"assignment", "keyword argument", "dict entry", "default argument", "default argument",
	"comparison", "call argument", "call argument", "comment"}

// pyParsers holds tree-sitter parsers for Python, one per concurrent use.
type pyParsers struct {
	once  sync.Once
	lang  *sitter.Language
	query *sitter.Query
	err   error

	mu   sync.Mutex
	free []*sitter.Parser
	all  []*sitter.Parser
}

func newPyParsers() *pyParsers { return &pyParsers{} }

func (pp *pyParsers) init() error {
	pp.once.Do(func() {
		useLibcAllocator()
		pp.lang = sitter.NewLanguage(python.Language())
		q, qerr := sitter.NewQuery(pp.lang, pyQuery)
		if qerr != nil {
			pp.err = qerr
			return
		}
		pp.query = q
	})
	return pp.err
}

func (pp *pyParsers) get() *sitter.Parser {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if n := len(pp.free); n > 0 {
		p := pp.free[n-1]
		pp.free = pp.free[:n-1]
		return p
	}
	p := sitter.NewParser()
	if err := p.SetLanguage(pp.lang); err != nil {
		p.Close()
		return nil
	}
	pp.all = append(pp.all, p)
	return p
}

func (pp *pyParsers) put(p *sitter.Parser) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if len(pp.free) < 2*runtime.GOMAXPROCS(0) {
		pp.free = append(pp.free, p)
		return
	}
	for i, q := range pp.all {
		if q == p {
			pp.all = append(pp.all[:i], pp.all[i+1:]...)
			break
		}
	}
	p.Close()
}

func (pp *pyParsers) close() {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	for _, p := range pp.all {
		p.Close()
	}
	pp.all, pp.free = nil, nil
	if pp.query != nil {
		pp.query.Close()
		pp.query = nil
	}
}

// pairs parses Python source and returns its name/literal pairs. A source
// with syntax errors (a diff hunk, a Python 2 file) still gives the pairs
// of the statements tree-sitter could read.
func (pp *pyParsers) pairs(text string, lines []string) ([]pair, bool) {
	if err := pp.init(); err != nil {
		return nil, false
	}
	parser := pp.get()
	if parser == nil {
		return nil, false
	}
	defer pp.put(parser)
	src := []byte(text)
	tree := parser.Parse(src, nil)
	if tree == nil {
		return nil, false
	}
	defer tree.Close()
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	keyIdx, _ := pp.query.CaptureIndexForName("key")
	valIdx, _ := pp.query.CaptureIndexForName("value")
	comIdx, _ := pp.query.CaptureIndexForName("comment")
	var out []pair
	ls := &lineScanner{m: modeCode}
	ms := qc.Matches(pp.query, tree.RootNode(), src)
	for m := ms.Next(); m != nil; m = ms.Next() {
		var key, val, com *sitter.Node
		for i := range m.Captures {
			c := &m.Captures[i]
			switch uint(c.Index) {
			case keyIdx:
				key = &c.Node
			case valIdx:
				val = &c.Node
			case comIdx:
				com = &c.Node
			}
		}
		if com != nil {
			// Comments hold examples and leftovers: read them as code, so
			// only quoted values count.
			row := int(com.StartPosition().Row)
			if row < len(lines) {
				ls.scan(lines[row], row+1, func(p pair) {
					p.tag = "comment"
					out = append(out, p)
				})
			}
			continue
		}
		if key == nil || val == nil {
			continue
		}
		k := pyKey(key, src)
		if k == "" {
			continue
		}
		v, ok := pyString(val, src)
		if !ok {
			continue
		}
		pos := val.StartPosition()
		out = append(out, pair{
			key:  k,
			val:  value{text: v, quoted: true, code: true},
			line: int(pos.Row) + 1,
			col:  int(pos.Column) + 2,
			tag:  "python " + pyTags[min(int(m.PatternIndex), len(pyTags)-1)],
		})
	}
	return out, true
}

// pyKey is the name a node gives: an identifier, the attribute of an
// attribute access, the string key of a subscript, a string's content,
// the function of a call.
func pyKey(n *sitter.Node, src []byte) string {
	switch n.Kind() {
	case "identifier":
		return n.Utf8Text(src)
	case "attribute":
		if a := n.ChildByFieldName("attribute"); a != nil {
			return a.Utf8Text(src)
		}
	case "subscript":
		if s := n.ChildByFieldName("subscript"); s != nil && s.Kind() == "string" {
			if v, ok := pyString(s, src); ok {
				return v
			}
		}
		if v := n.ChildByFieldName("value"); v != nil {
			return pyKey(v, src)
		}
	case "string":
		if v, ok := pyString(n, src); ok {
			return v
		}
	}
	return ""
}

// pyString returns the content of a string literal or of an implicit
// concatenation of them; ok is false for f-strings with interpolations.
func pyString(n *sitter.Node, src []byte) (string, bool) {
	if n.Kind() == "concatenated_string" {
		var b strings.Builder
		cnt := n.NamedChildCount()
		for i := uint(0); i < cnt; i++ {
			c := n.NamedChild(i)
			if c == nil || c.Kind() != "string" {
				return "", false
			}
			s, ok := pyString(c, src)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	if n.Kind() != "string" {
		return "", false
	}
	start, end := n.StartByte(), n.EndByte()
	cnt := n.ChildCount()
	for i := uint(0); i < cnt; i++ {
		c := n.Child(i)
		if c == nil {
			continue
		}
		switch c.Kind() {
		case "interpolation":
			return "", false
		case "string_start":
			start = c.EndByte()
		case "string_end":
			end = c.StartByte()
		}
	}
	if end < start {
		return "", false
	}
	return string(src[start:end]), true
}
