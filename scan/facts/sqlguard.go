package facts

// Two ways a value that reaches SQL text is fixed by the code, whatever
// the request holds:
//
//   - it is read from a constant mapping: a module-level literal whose
//     values are literals or code names (COLUMNS[sort], CONFIG.get(k, "id")).
//     A .get default counts only when some entry lacks the key read.
//   - it was passed, before the use, to a check that raises on values
//     outside an allowlist: a helper whose body does
//     `if value not in ALLOWED: raise ...` (or, when its name says it
//     validates, `if not pattern.match(value): raise ...`).
//
// Module constants are taken as never rebound nor mutated at run time.

import "strings"

// moduleLiterals records the module-level names bound once, by a plain
// assignment at the top of the module, to a constant literal.
func (a *fileAnalyzer) moduleLiterals(root *node) {
	a.constLits = map[string]*node{}
	seen := map[string]int{}
	var visit func(n *node, top bool)
	visit = func(n *node, top bool) {
		switch n.kind {
		case "function_definition", "class_definition", "decorated_definition":
			return
		case "assignment", "augmented_assignment":
			left := unparen(n.child("left"))
			if left == nil {
				return
			}
			for _, nm := range bindNames(left, a.src) {
				seen[nm]++
			}
			if top && n.kind == "assignment" && left.kind == "identifier" && a.constLiteral(n.child("right"), 0) {
				a.constLits[left.text(a.src)] = unparen(n.child("right"))
			}
			return
		}
		for _, c := range n.children {
			visit(c, top && (n.kind == "module" || n.kind == "expression_statement"))
		}
	}
	visit(root, true)
	for nm, k := range seen {
		if k > 1 {
			delete(a.constLits, nm)
		}
	}
}

// constLiteral: n is a literal made of literals and code names (module
// constants, enum members, model columns), nothing computed.
func (a *fileAnalyzer) constLiteral(n *node, depth int) bool {
	n = unparen(n)
	if n == nil || depth > maxOriginDepth {
		return false
	}
	if scalarLiteral(n) {
		return true
	}
	switch n.kind {
	case "unary_operator":
		return a.constLiteral(n.child("argument"), depth+1)
	case "identifier", "attribute":
		return dotted(n, a.src) != ""
	case "list", "tuple", "set":
		for _, c := range n.namedChildren() {
			if !a.constLiteral(c, depth+1) {
				return false
			}
		}
		return true
	case "dictionary":
		for _, p := range n.namedChildren() {
			if p.kind != "pair" || !a.constLiteral(p.child("key"), depth+1) || !a.constLiteral(p.child("value"), depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// constValues returns the literals expression n, read in fn, may evaluate
// to when it reads a constant mapping: ok is false when n may be anything
// else.
func (a *fileAnalyzer) constValues(n *node, fn *pyFunc, depth int) ([]*node, bool) {
	n = unparen(n)
	if n == nil || depth > maxOriginDepth {
		return nil, false
	}
	switch n.kind {
	case "identifier":
		name := n.text(a.src)
		if a.scoped(name) {
			return nil, false
		}
		if fn != nil && fn.locals[name] {
			return a.localConst(name, fn, depth)
		}
		if lit := a.constLits[name]; lit != nil {
			return []*node{lit}, true
		}
		return nil, false
	case "subscript":
		subs := n.childrenField("subscript")
		if len(subs) != 1 {
			return nil, false
		}
		vals, ok := a.constValues(n.child("value"), fn, depth+1)
		if !ok {
			return nil, false
		}
		return a.entries(vals, subs[0], nil, false, fn, depth)
	case "call":
		return a.constGet(n, fn, depth)
	case "conditional_expression":
		vs := n.namedChildren()
		if len(vs) != 3 {
			return nil, false
		}
		x, ok1 := a.constValues(vs[0], fn, depth+1)
		y, ok2 := a.constValues(vs[2], fn, depth+1)
		return append(x, y...), ok1 && ok2
	}
	if a.constLiteral(n, depth) {
		return []*node{n}, true
	}
	return nil, false
}

// localConst: a local whose every assignment is a constant value.
func (a *fileAnalyzer) localConst(name string, fn *pyFunc, depth int) ([]*node, bool) {
	srcs := fn.localAssigns[name]
	if len(srcs) == 0 {
		return nil, false
	}
	for _, p := range fn.params {
		if p.name == name {
			return nil, false
		}
	}
	assigned := map[*node]bool{}
	for _, s := range srcs {
		assigned[s] = true
	}
	for _, s := range fn.flow[name] {
		if !assigned[s] {
			return nil, false // a loop, an unpacking, x.append(v)
		}
	}
	var out []*node
	for _, s := range srcs {
		vs, ok := a.constValues(s, fn, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, vs...)
	}
	return out, true
}

// constGet: m.get(key[, default]) on a constant mapping.
func (a *fileAnalyzer) constGet(n *node, fn *pyFunc, depth int) ([]*node, bool) {
	f := unparen(n.child("function"))
	args := n.child("arguments")
	if f == nil || f.kind != "attribute" || f.child("attribute").text(a.src) != "get" || args == nil {
		return nil, false
	}
	as := args.namedChildren()
	if len(as) == 0 || len(as) > 2 {
		return nil, false
	}
	for _, x := range as {
		if x.kind == "keyword_argument" || x.kind == "list_splat" || x.kind == "dictionary_splat" {
			return nil, false
		}
	}
	vals, ok := a.constValues(f.child("object"), fn, depth+1)
	if !ok {
		return nil, false
	}
	var def *node
	if len(as) == 2 {
		def = as[1]
	}
	return a.entries(vals, as[0], def, true, fn, depth)
}

// entries are the values read from the constant mappings vals under key:
// the entry of a literal key, any entry of another. A .get default joins
// them when some mapping may lack the key; a subscript that misses raises.
func (a *fileAnalyzer) entries(vals []*node, key, def *node, get bool, fn *pyFunc, depth int) ([]*node, bool) {
	k, _, lit := stringLit(key, a.src)
	var out []*node
	missing := false
	for _, v := range vals {
		v = unparen(v)
		switch v.kind {
		case "dictionary":
			found := false
			for _, p := range v.namedChildren() {
				pk, _, ok := stringLit(p.child("key"), a.src)
				if !lit || ok && pk == k {
					out = append(out, p.child("value"))
					found = true
				}
			}
			missing = missing || !lit || !found
		case "list", "tuple":
			out = append(out, v.namedChildren()...)
			missing = true
		default:
			return nil, false
		}
	}
	if get && missing && def != nil {
		dv, ok := a.constValues(def, fn, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, dv...)
	}
	return out, true
}

// checkCall is a call statement that passes a name to a function before
// the name is used (validate_column(col)): when the function raises on
// values outside an allowlist, the name is checked after the call.
type checkCall struct {
	file   *pyFile
	class  string // class of the caller, for self.m(...)
	qual   string // callee resolved through imports
	method string // last segment of the callee
	recv   string // "self", "cls", a dotted name, "" for a plain function
	arg    int    // position of the name among the positional arguments, or -1
	kw     string // the keyword the name is passed as
	end    uint32 // where the statement ends: uses after it are checked
}

// checkCalls records, for the names a function passes to a call statement
// that runs whenever the function does (not under if, for or except),
// the calls that may check them.
func (a *fileAnalyzer) checkCalls(fn *pyFunc, body *node) {
	var visit func(n *node)
	visit = func(n *node) {
		switch n.kind {
		case "block", "try_statement", "with_statement":
			for _, c := range n.children {
				if c.kind == "block" || c.kind == "expression_statement" || c.kind == "try_statement" || c.kind == "with_statement" {
					visit(c)
				}
			}
		case "expression_statement":
			x := n.firstNamed("")
			if x != nil && x.kind == "await" {
				x = x.firstNamed("")
			}
			if x != nil && x.kind == "call" {
				a.checkCall(fn, x, n.end)
			}
		}
	}
	if body != nil {
		visit(body)
	}
}

// checkCall records the names passed to call x as possibly checked.
func (a *fileAnalyzer) checkCall(fn *pyFunc, x *node, end uint32) {
	f := unparen(x.child("function"))
	args := x.child("arguments")
	if f == nil || args == nil {
		return
	}
	base := checkCall{file: a.f, class: fn.class, end: end}
	switch f.kind {
	case "identifier":
		base.method = f.text(a.src)
		base.qual = a.qual(base.method)
	case "attribute":
		base.method = f.child("attribute").text(a.src)
		base.recv = dotted(f.child("object"), a.src)
		if base.recv == "" {
			return
		}
		base.qual = a.qual(base.recv + "." + base.method)
	default:
		return
	}
	pos := 0
	for _, arg := range args.namedChildren() {
		c := base
		c.arg = -1
		switch arg.kind {
		case "list_splat", "dictionary_splat":
			return // positions after a splat are unknown
		case "keyword_argument":
			c.kw = arg.child("name").text(a.src)
			arg = arg.child("value")
		default:
			c.arg = pos
			pos++
		}
		if arg = unparen(arg); arg == nil || arg.kind != "identifier" {
			continue
		}
		if fn.checks == nil {
			fn.checks = map[string][]*checkCall{}
		}
		nm := arg.text(a.src)
		if len(fn.checks[nm]) < 8 {
			fn.checks[nm] = append(fn.checks[nm], &c)
		}
	}
}

// checkOf returns the check calls that name passed before the use n, when
// nothing binds the name again between them.
func (a *fileAnalyzer) checkOf(fn *pyFunc, name string, n *node) []*checkCall {
	if fn == nil || len(fn.checks[name]) == 0 || a.scoped(name) {
		return nil
	}
	var out []*checkCall
	for _, c := range fn.checks[name] {
		if c.end > n.start {
			continue
		}
		rebound := false
		for _, s := range append(append([]*node{}, fn.localAssigns[name]...), fn.flow[name]...) {
			if s.start > c.end && s.start < n.start {
				rebound = true
			}
		}
		if !rebound {
			out = append(out, c)
		}
	}
	return out
}

// allowlistChecks returns the parameters of fn that its body checks by
// raising: `if p not in ALLOWED: raise ...` anywhere in it, or, when the
// function's name says it validates, `if not pattern.match(p): raise`.
func (a *fileAnalyzer) allowlistChecks(fn *pyFunc, body *node) map[string]bool {
	if body == nil || len(fn.params) == 0 {
		return nil
	}
	var out map[string]bool
	named := checkerName(fn.name)
	body.walk(func(n *node) bool {
		switch n.kind {
		case "function_definition", "class_definition", "lambda":
			return false
		case "if_statement", "elif_clause":
		default:
			return true
		}
		cond, then := n.child("condition"), n.child("consequence")
		if cond == nil || then == nil || !raises(then) {
			return true
		}
		for _, p := range fn.params {
			if a.notIn(cond, p.name) || named && a.notMatch(cond, p.name) {
				if out == nil {
					out = map[string]bool{}
				}
				out[p.name] = true
			}
		}
		return true
	})
	return out
}

// checkerName: a function name that says it validates its arguments.
func checkerName(name string) bool {
	l := strings.ToLower(name)
	for _, w := range []string{"valid", "check", "ensure", "verify", "assert", "sanitiz", "allow"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// raises: the block raises, outside any function it defines.
func raises(b *node) bool {
	found := false
	b.walk(func(n *node) bool {
		switch n.kind {
		case "function_definition", "class_definition", "lambda":
			return false
		case "raise_statement":
			found = true
		}
		return !found
	})
	return found
}

// notIn: cond holds `x not in ...` where x is (made of) name.
func (a *fileAnalyzer) notIn(cond *node, name string) bool {
	found := false
	cond.walk(func(n *node) bool {
		if found || n.kind != "comparison_operator" {
			return !found
		}
		operands, ops := a.comparisonParts(n)
		if len(ops) == 1 && ops[0] == "not in" && len(operands) == 2 && a.mentionsName(operands[0], name) {
			found = true
		}
		return false
	})
	return found
}

// notMatch: cond is `not f(..., name, ...)` or `not name.m(...)`, a test
// the value fails (a pattern's match, str.isidentifier); a type or length
// test is none.
func (a *fileAnalyzer) notMatch(cond *node, name string) bool {
	cond = unparen(cond)
	if cond == nil || cond.kind != "not_operator" {
		return false
	}
	call := unparen(cond.child("argument"))
	if call == nil || call.kind != "call" {
		return false
	}
	switch dotted(call.child("function"), a.src) {
	case "isinstance", "len", "bool", "hasattr", "callable", "issubclass":
		return false
	}
	return a.mentionsName(call, name)
}

// mentionsName: the identifier name occurs in n.
func (a *fileAnalyzer) mentionsName(n *node, name string) bool {
	found := false
	n.walk(func(x *node) bool {
		if x.kind == "identifier" && x.text(a.src) == name {
			found = true
		}
		return !found
	})
	return found
}

// checked settles a check call: its callee raises on values of the
// parameter the name is passed as that are outside an allowlist.
func (s *sqlFlow) checked(c *checkCall) bool {
	fn := s.checkCallee(c)
	if fn == nil || len(fn.allowChecks) == 0 {
		return false
	}
	if c.kw != "" {
		return fn.allowChecks[c.kw]
	}
	pos := c.arg
	if fn.class != "" && len(fn.params) > 0 && (fn.params[0].name == "self" || fn.params[0].name == "cls") && c.recv != "" {
		pos++ // a bound call does not pass self
	}
	return pos >= 0 && pos < len(fn.params) && fn.allowChecks[fn.params[pos].name]
}

// checkCallee is the project function a check call reaches, if known.
func (s *sqlFlow) checkCallee(c *checkCall) *pyFunc {
	if c.recv == "self" || c.recv == "cls" {
		for _, k := range s.m.classHierarchy(c.file.classes[c.class]) {
			if m := k.methods[c.method]; m != nil {
				return m
			}
		}
		return nil
	}
	sym, ok := s.m.p.lookup(c.qual, 0)
	switch {
	case !ok:
		return nil
	case sym.kind == "func" && len(sym.rest) == 0:
		return sym.fn
	case sym.kind == "class" && len(sym.rest) == 1 && sym.cls != nil:
		return sym.cls.methods[sym.rest[0]]
	}
	return nil
}
