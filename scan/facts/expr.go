package facts

import (
	"strconv"
	"strings"
)

// expr is a compact copy of a Python expression, kept after the syntax tree
// is gone so that values can be resolved across the files of a project.
type expr struct {
	kind  string // a Value.Type: str, int, list, name, attribute, call, ...
	text  string
	line  int
	lit   any    // decoded literal for str/bytes/int/float/bool/none
	dot   string // dotted name for name/attribute chains
	attr  string // attribute name (attribute)
	obj   *expr  // attribute object, subscript value
	sub   *expr  // subscript index
	items []*expr
	keys  []*expr // dict keys (items are the values)
	fn    *expr   // callee
	args  []*expr
	kw    []kwarg
	left  *expr // binary/comparison operands
	right *expr
	local bool // a name bound inside the enclosing function (never a module constant)
	// val is what a local name was last assigned before it is read (in
	// the same function), when that is a plain assignment.
	val *expr
	// parts of an f-string: literal text, and nil where items[i] goes;
	// partsOK is false when a placeholder has a conversion or format spec.
	parts   []*string
	partsOK bool
	hasEnv  bool // the expression reads an environment variable somewhere (set during resolution)
	// splatKw: a call passes a ** argument (a dict literal holds a **
	// entry) whose keys are not known: a keyword not in kw may be given.
	// splatArgs: a call passes a * argument: positions are not known.
	splatKw   bool
	splatArgs bool
}

type kwarg struct {
	name string
	val  *expr
	line int
}

const (
	maxExprDepth = 8
	maxExprItems = 200
	maxTextLen   = 200
)

// exprBuilder converts syntax nodes to exprs for one file.
type exprBuilder struct {
	src     []byte
	locals  map[string]bool    // names bound in the current function
	assigns map[string][]*node // their assigned values, in order
	fn      *pyFunc            // the current function (nil: module or class level)
	// vals caches the exprs of assigned values, so that a chain of locals
	// is built once.
	vals map[*node]*expr
}

func (b *exprBuilder) build(n *node) *expr { return b.conv(n, 0) }

// scope makes fn's names the local ones (nil: module or class level) and
// returns a func that restores the previous scope.
func (b *exprBuilder) scope(fn *pyFunc) func() {
	oldL, oldA, oldF := b.locals, b.assigns, b.fn
	b.locals, b.assigns, b.fn = nil, nil, fn
	if fn != nil {
		b.locals, b.assigns = fn.locals, fn.localAssigns
	}
	return func() { b.locals, b.assigns, b.fn = oldL, oldA, oldF }
}

// localValue returns the value last assigned to a local name before the
// read at byte offset at: the assignment must end before it (x = f(x)
// reads the x of before). An augmented assignment gives no value.
func (b *exprBuilder) localValue(name string, at uint32, depth int) *expr {
	var last *node
	for _, r := range b.assigns[name] {
		if r.end <= at && (last == nil || r.start > last.start) {
			last = r
		}
	}
	if last == nil || last.kind == "augmented_assignment" {
		return nil
	}
	if e, ok := b.vals[last]; ok {
		return e
	}
	if b.vals == nil {
		b.vals = map[*node]*expr{}
	}
	b.vals[last] = nil // a cycle reads nothing
	e := b.conv(last, depth+1)
	b.vals[last] = e
	return e
}

func (b *exprBuilder) conv(n *node, depth int) *expr {
	n = unparen(n)
	if n == nil {
		return nil
	}
	e := &expr{text: clip(n.bytes(b.src), maxTextLen), line: n.line, kind: "other"}
	if depth > maxExprDepth {
		return e
	}
	switch n.kind {
	case "string", "concatenated_string":
		if s, isBytes, ok := stringLit(n, b.src); ok {
			e.kind, e.lit = "str", s
			if isBytes {
				e.kind = "bytes"
			}
		} else {
			e.kind = "fstring"
			e.parts, e.partsOK = b.fstringParts(n)
			n.walk(func(c *node) bool {
				if c.kind == "interpolation" {
					if x := c.child("expression"); x != nil {
						e.items = append(e.items, b.conv(x, depth+1))
					}
					return false
				}
				return true
			})
		}
	case "integer":
		t := strings.ReplaceAll(n.text(b.src), "_", "")
		if v, err := strconv.ParseInt(t, 0, 64); err == nil {
			e.kind, e.lit = "int", v
		} else {
			e.kind = "int"
		}
	case "float":
		if v, err := strconv.ParseFloat(strings.ReplaceAll(n.text(b.src), "_", ""), 64); err == nil {
			e.kind, e.lit = "float", v
		}
	case "true":
		e.kind, e.lit = "bool", true
	case "false":
		e.kind, e.lit = "bool", false
	case "none":
		e.kind, e.lit = "none", nil
	case "unary_operator":
		arg := b.conv(n.child("argument"), depth+1)
		op := n.child("operator")
		if arg != nil && op != nil && op.text(b.src) == "-" {
			switch v := arg.lit.(type) {
			case int64:
				e.kind, e.lit = "int", -v
				return e
			case float64:
				e.kind, e.lit = "float", -v
				return e
			}
		}
		e.items = []*expr{arg}
	case "list", "tuple", "set", "expression_list":
		e.kind = n.kind
		if n.kind == "expression_list" {
			e.kind = "tuple"
		}
		for _, c := range n.namedChildren() {
			if len(e.items) >= maxExprItems {
				break
			}
			e.items = append(e.items, b.conv(c, depth+1))
		}
	case "dictionary":
		e.kind = "dict"
		for _, c := range n.namedChildren() {
			if c.kind == "dictionary_splat" || c.kind == "pair" && len(e.items) >= maxExprItems {
				e.splatKw = true // keys beyond those written
			}
			if c.kind != "pair" || len(e.items) >= maxExprItems {
				continue
			}
			e.keys = append(e.keys, b.conv(c.child("key"), depth+1))
			e.items = append(e.items, b.conv(c.child("value"), depth+1))
		}
	case "identifier":
		e.kind, e.dot = "name", n.text(b.src)
		e.local = b.locals[e.dot]
		if e.local {
			e.val = b.localValue(e.dot, n.start, depth)
		}
	case "attribute":
		e.kind = "attribute"
		e.obj = b.conv(n.child("object"), depth+1)
		e.attr = n.child("attribute").text(b.src)
		e.dot = dotted(n, b.src)
		if e.obj != nil && e.obj.local {
			e.local = true
		}
	case "call":
		e.kind = "call"
		e.fn = b.conv(n.child("function"), depth+1)
		if args := n.child("arguments"); args != nil && args.kind == "argument_list" {
			for _, a := range args.namedChildren() {
				switch a.kind {
				case "keyword_argument":
					if len(e.kw) < maxExprItems {
						e.kw = append(e.kw, kwarg{name: a.child("name").text(b.src), val: b.conv(a.child("value"), depth+1), line: a.line})
					}
				case "list_splat":
					e.splatArgs = true
				case "dictionary_splat":
					if !b.spreadKw(e, a, depth) {
						e.splatKw = true
					}
				default:
					if len(e.args) < maxExprItems {
						e.args = append(e.args, b.conv(a, depth+1))
					}
				}
			}
		}
	case "subscript":
		e.kind = "subscript"
		e.obj = b.conv(n.child("value"), depth+1)
		if subs := n.childrenField("subscript"); len(subs) == 1 {
			e.sub = b.conv(subs[0], depth+1)
		} else if len(subs) > 1 {
			// Annotated[User, Depends(get_user)]: the index is a tuple.
			e.sub = &expr{kind: "tuple", text: e.text, line: e.line}
			for _, x := range subs {
				e.sub.items = append(e.sub.items, b.conv(x, depth+1))
			}
		}
	case "binary_operator", "boolean_operator":
		e.kind = "binary"
		e.left = b.conv(n.child("left"), depth+1)
		e.right = b.conv(n.child("right"), depth+1)
		if op := n.child("operator"); op != nil {
			e.attr = op.text(b.src)
		}
	case "comparison_operator":
		e.kind = "comparison"
		for _, c := range n.namedChildren() {
			e.items = append(e.items, b.conv(c, depth+1))
		}
	case "await":
		if x := n.firstNamed(""); x != nil {
			return b.conv(x, depth)
		}
	case "conditional_expression":
		// x if cond else y: items are x, cond, y.
		e.kind = "conditional"
		for _, c := range n.namedChildren() {
			e.items = append(e.items, b.conv(c, depth+1))
		}
	case "not_operator", "lambda", "list_comprehension", "dictionary_comprehension", "generator_expression", "set_comprehension":
		for _, c := range n.namedChildren() {
			e.items = append(e.items, b.conv(c, depth+1))
		}
	}
	return e
}

// fstringParts splits a single f-string into literal text and placeholders.
func (b *exprBuilder) fstringParts(n *node) ([]*string, bool) {
	if n.kind != "string" {
		return nil, false
	}
	raw := false
	var parts []*string
	for _, c := range n.children {
		switch c.kind {
		case "string_start":
			raw = strings.Contains(strings.ToLower(c.text(b.src)), "r")
		case "string_content":
			t := c.text(b.src)
			if !raw {
				t = unescape(t)
			}
			t = strings.ReplaceAll(strings.ReplaceAll(t, "{{", "{"), "}}", "}")
			parts = append(parts, &t)
		case "interpolation":
			if c.child("type_conversion") != nil || c.child("format_specifier") != nil {
				return nil, false
			}
			parts = append(parts, nil)
		}
	}
	return parts, true
}

// kwArg returns a keyword argument of a call expr.
func (e *expr) kwArg(name string) *expr {
	if e == nil {
		return nil
	}
	for _, k := range e.kw {
		if k.name == name {
			return k.val
		}
	}
	return nil
}

// arg returns positional argument i, or the keyword argument name.
func (e *expr) arg(i int, name string) *expr {
	if e == nil {
		return nil
	}
	if v := e.kwArg(name); v != nil {
		return v
	}
	if i >= 0 && i < len(e.args) {
		return e.args[i]
	}
	return nil
}

// strLit returns the literal string of e.
func (e *expr) strLit() (string, bool) {
	if e == nil || e.kind != "str" {
		return "", false
	}
	s, ok := e.lit.(string)
	return s, ok
}

// walk visits e and its sub-expressions.
func (e *expr) walk(f func(*expr) bool) {
	if e == nil || !f(e) {
		return
	}
	e.obj.walk(f)
	e.sub.walk(f)
	e.fn.walk(f)
	e.left.walk(f)
	e.right.walk(f)
	e.val.walk(f)
	for _, x := range e.items {
		x.walk(f)
	}
	for _, x := range e.keys {
		x.walk(f)
	}
	for _, x := range e.args {
		x.walk(f)
	}
	for _, k := range e.kw {
		k.val.walk(f)
	}
}

// isLiteral reports whether e is a literal (or a container of literals).
func (e *expr) isLiteral() bool {
	if e == nil {
		return false
	}
	switch e.kind {
	case "str", "bytes", "int", "float", "bool", "none":
		return true
	case "list", "tuple", "set", "dict":
		for _, x := range e.items {
			if !x.isLiteral() {
				return false
			}
		}
		for _, x := range e.keys {
			if !x.isLiteral() {
				return false
			}
		}
		return true
	}
	return false
}

// calleeDot is the dotted name of a call's callee ("" for anything else).
func calleeDot(e *expr) string {
	if e == nil || e.kind != "call" || e.fn == nil {
		return ""
	}
	return e.fn.dot
}

// spreadKw adds to call e the keywords a ** argument passes, when its keys
// are known: a dict literal or dict(k=v) call, written in place or
// assigned to a local, with the literal keys written into that local
// (x["k"] = v) before the call. false when the keys are not known.
func (b *exprBuilder) spreadKw(e *expr, splat *node, depth int) bool {
	inner := splat.firstNamed("")
	if inner == nil {
		return false
	}
	d := b.conv(inner, depth+1)
	var writes []keySource
	if d != nil && d.kind == "name" && d.local {
		if b.fn == nil || b.updated(d.dot) {
			return false
		}
		for _, w := range b.fn.keyFlow[d.dot] {
			if w.n.end <= splat.start {
				writes = append(writes, w)
			}
		}
		d = d.val
	}
	kw, ok := b.dictKeys(d, depth)
	if !ok {
		return false
	}
	for _, w := range writes {
		k, _, lit := stringLit(w.n, b.src)
		if !lit || w.v == nil {
			return false
		}
		kw = append(kw, kwarg{name: k, val: b.conv(w.v, depth+1), line: w.v.line})
	}
	for _, k := range kw {
		if e.kwArg(k.name) == nil && len(e.kw) < maxExprItems {
			e.kw = append(e.kw, k)
		}
	}
	return true
}

// dictKeys are the entries of a dict literal or a dict(k=v) call whose
// keys are all known.
func (b *exprBuilder) dictKeys(d *expr, depth int) ([]kwarg, bool) {
	if d == nil || d.splatKw || d.splatArgs {
		return nil, false
	}
	switch {
	case d.kind == "dict":
		var out []kwarg
		for i, k := range d.keys {
			s, ok := k.strLit()
			if !ok {
				return nil, false
			}
			out = append(out, kwarg{name: s, val: d.items[i], line: d.items[i].line})
		}
		return out, true
	case d.kind == "call" && d.fn != nil && d.fn.dot == "dict" && len(d.args) == 0:
		return append([]kwarg{}, d.kw...), true
	}
	return nil, false
}

// updated: something other than plain assignments and x[k] = v gives
// the local name values (x.update(...), a loop, an unpacking).
func (b *exprBuilder) updated(name string) bool {
	assigned := map[*node]bool{}
	for _, r := range b.assigns[name] {
		assigned[r] = true
	}
	for _, s := range b.fn.flow[name] {
		if !assigned[s] && !b.fn.valueOnly[s] {
			return true
		}
	}
	return false
}
