package facts

// Where the values formatted into SQL text come from. A value is outside
// data when it may come from the request: a route handler's parameter,
// request data, or the parameter of a function some caller passes such a
// value to (or that nothing in the project calls: then any caller may).
// Constants, code identifiers (table and column names of models), values
// read from the database and object state are not. The file-level pass
// reduces each value to the parameters and request reads it is made of;
// the project-level pass follows parameters to their call sites.

import (
	"sort"
	"strings"
)

// Origin levels of a value formatted into SQL, strongest first.
const (
	originRequest  = "request"
	originParam    = "param"
	originUncalled = "uncalled"
	originInternal = "internal"
)

// paramRef is a parameter of a function, or what of it reaches a value:
// one field of it (data.order), or only its keys (changes.keys()).
type paramRef struct {
	fn    *pyFunc
	name  string
	field string // data.order: the field read, when the parameter is read through one
	keys  bool   // only the keys of the parameter's value (column names from a dict's keys)
}

// origin is what a value is made of: request data, and parameters of the
// enclosing functions. Nothing of either: internal.
type origin struct {
	request bool
	params  []paramRef
	// checked are the parts of the value that a call checked before the
	// use: outside data unless the call raises on values outside an
	// allowlist (sqlguard.go).
	checked []checkedOrigin
}

// checkedOrigin is a part of a value passed to a check call first.
type checkedOrigin struct {
	by []*checkCall
	o  *origin
}

// outside: some part of the value is not internal.
func (o origin) outside() bool {
	return o.request || len(o.params) > 0 || len(o.checked) > 0
}

func (o *origin) add(x origin) {
	o.request = o.request || x.request
	if len(o.checked)+len(x.checked) <= 16 {
		o.checked = append(o.checked, x.checked...)
	}
	for _, p := range x.params {
		dup := false
		for _, q := range o.params {
			if q == p {
				dup = true
				break
			}
		}
		if !dup && len(o.params) < 16 {
			o.params = append(o.params, p)
		}
	}
}

// sqlHole is a value formatted into SQL text, before the project-level pass.
type sqlHole struct {
	text string
	line int
	o    origin
}

// callSite is a call that may reach a project function, with where its
// arguments come from. Only calls with an argument that is not internal
// keep their origins; the others are recorded so that the function is
// known to be called.
type callSite struct {
	file   *pyFile
	caller *pyFunc // nil at module level
	class  string  // class of the caller, for self.m(...)
	qual   string  // callee resolved through imports ("" for an unnamed receiver)
	method string  // last segment of the callee
	recv   string  // receiver as written: "self", "cls", "Model", "" ...
	// recvType is the receiver's declared class, when it is a parameter
	// annotated with one (repo: Repo), resolved through imports.
	recvType string
	args     []origin
	kw       map[string]origin
	// keyArgs and keyKw are where the keys of each argument come from
	// (a dict literal's are its written keys), for parameters whose keys
	// only reach SQL.
	keyArgs []origin
	keyKw   map[string]origin
	outside bool // some argument is not internal
}

// maxOriginDepth bounds the syntax walked for one value.
const maxOriginDepth = 12

// flowSources records, for the names a function binds, the expressions
// their value comes from beyond plain assignments: loop iterables, with
// items, the arguments of x.append(v) and x[k] = v.
func (a *fileAnalyzer) flowSources(fn *pyFunc, body *node) {
	fn.flow = map[string][]*node{}
	fn.keyFlow = map[string][]keySource{}
	fn.keyOf = map[string][]*node{}
	fn.valueOnly = map[*node]bool{}
	add := func(t *node, src *node) {
		if t == nil || src == nil {
			return
		}
		t.walk(func(x *node) bool {
			if x.kind == "identifier" {
				nm := x.text(a.src)
				if len(fn.flow[nm]) < 32 {
					fn.flow[nm] = append(fn.flow[nm], src)
				}
				return false
			}
			return x.kind != "subscript" && x.kind != "attribute"
		})
	}
	var visit func(n *node)
	visit = func(n *node) {
		switch n.kind {
		case "function_definition", "class_definition", "lambda":
			return
		case "assignment", "augmented_assignment":
			left := unparen(n.child("left"))
			right := n.child("right")
			if left != nil && left.kind == "subscript" {
				add(left.child("value"), right) // x[k] = v
				fn.valueOnly[right] = true      // v is no source of x's keys
				if v := left.child("value"); v != nil && v.kind == "identifier" {
					for _, k := range left.childrenField("subscript") {
						fn.keyFlow[v.text(a.src)] = append(fn.keyFlow[v.text(a.src)], keySource{n: k, v: right})
					}
				}
			} else {
				add(left, right)
			}
		case "for_statement":
			if !a.itemsKeys(fn, n.child("left"), n.child("right")) {
				add(n.child("left"), n.child("right"))
			}
		case "for_in_clause":
			// A comprehension's variables are its own (originOf scopes them).
		case "named_expression":
			add(n.child("name"), n.child("value"))
		case "as_pattern":
			if v := n.firstNamed(""); v != nil && v != n.child("alias") {
				add(n.child("alias"), v)
			}
		case "call":
			// x.append(v), x.extend(v), x.add(v), x.update(v), x.insert(i, v)
			if fnN := n.child("function"); fnN != nil && fnN.kind == "attribute" {
				switch fnN.child("attribute").text(a.src) {
				case "append", "extend", "add", "update", "insert", "appendleft", "setdefault":
					if args := n.child("arguments"); args != nil {
						for _, x := range args.namedChildren() {
							add(fnN.child("object"), x)
						}
					}
				}
			}
		}
		for _, c := range n.children {
			visit(c)
		}
	}
	if body != nil {
		visit(body)
	}
}

// originOf says what the value of expression n, read in function fn (nil
// at module level), is made of.
func (a *fileAnalyzer) originOf(n *node, fn *pyFunc, depth int) origin {
	n = unparen(n)
	a.f.originSteps++
	var o origin
	if n == nil || depth > maxOriginDepth {
		return o
	}
	switch n.kind {
	case "string", "concatenated_string":
		if !isFString(n) {
			return o
		}
		n.walk(func(x *node) bool {
			if x.kind == "interpolation" {
				o.add(a.originOf(x.child("expression"), fn, depth+1))
				return false
			}
			return true
		})
		return o
	case "integer", "float", "true", "false", "none", "comparison_operator", "not_operator", "lambda", "ellipsis":
		return o
	case "identifier":
		name := n.text(a.src)
		o = a.nameOrigin(name, fn, depth)
		if by := a.checkOf(fn, name, n); len(by) > 0 && o.outside() {
			return origin{checked: []checkedOrigin{{by: by, o: &o}}}
		}
		return o
	case "attribute":
		return a.attrOrigin(n, fn, depth)
	case "subscript":
		if _, ok := a.constValues(n, fn, depth); ok {
			return o // COLUMNS[sort]: a value of a constant mapping
		}
		return a.originOf(n.child("value"), fn, depth+1)
	case "call":
		return a.callOrigin(n, fn, depth)
	case "keyword_argument", "pair":
		return a.originOf(n.child("value"), fn, depth+1)
	case "conditional_expression":
		// "AND x = %(x)s" if x else "": the condition picks a branch, only
		// the branches make the value.
		if vs := n.namedChildren(); len(vs) == 3 {
			o.add(a.originOf(vs[0], fn, depth+1))
			o.add(a.originOf(vs[2], fn, depth+1))
			return o
		}
	case "list_comprehension", "set_comprehension", "generator_expression", "dictionary_comprehension":
		return a.comprehensionOrigin(n, fn, depth)
	}
	for _, c := range n.children {
		if c.named {
			o.add(a.originOf(c, fn, depth+1))
		}
	}
	return o
}

// comprehensionOrigin: the value a comprehension builds is made of its
// element, where each variable it binds has the origin of what it
// iterates (for i in range(len(xs)): internal).
func (a *fileAnalyzer) comprehensionOrigin(n *node, fn *pyFunc, depth int) origin {
	scope := map[string]origin{}
	var body *node
	for _, ch := range n.namedChildren() {
		if ch.kind != "for_in_clause" {
			if ch.kind != "if_clause" && body == nil {
				body = ch
			}
			continue
		}
		left, right := ch.child("left"), ch.child("right")
		a.scopes = append(a.scopes, scope)
		ro := a.originOf(right, fn, depth+1)
		ko, isItems := a.itemsOf(right, fn, depth+1)
		a.scopes = a.scopes[:len(a.scopes)-1]
		names := bindNames(left, a.src)
		for i, nm := range names {
			if isItems && i == 0 && len(names) == 2 {
				scope[nm] = ko
				continue
			}
			scope[nm] = ro
		}
	}
	if body == nil {
		return origin{}
	}
	a.scopes = append(a.scopes, scope)
	defer func() { a.scopes = a.scopes[:len(a.scopes)-1] }()
	return a.originOf(body, fn, depth+1)
}

// bindNames are the names a for target binds, in order (k, v).
func bindNames(t *node, src []byte) []string {
	var out []string
	if t == nil {
		return nil
	}
	t.walk(func(x *node) bool {
		if x.kind == "identifier" {
			out = append(out, x.text(src))
			return false
		}
		return x.kind != "subscript" && x.kind != "attribute"
	})
	return out
}

// nameKeysOrigin is keysOrigin for a local name, computed once per
// function: a name's keys come from every value it is given, and without
// the memo a chain of names that each take several values is walked once
// per path, exponentially (a 100 KB module took minutes).
func (a *fileAnalyzer) nameKeysOrigin(n *node, name string, fn *pyFunc, depth int) origin {
	if m, ok := fn.keysMemo[name]; ok {
		return m
	}
	if fn.keysMemo == nil {
		fn.keysMemo = map[string]origin{}
	}
	fn.keysMemo[name] = origin{} // a cycle adds nothing
	var o origin
	isParam := false
	for _, p := range fn.params {
		if p.name == name && p.name != "self" && p.name != "cls" {
			isParam = true
			o.params = append(o.params, paramRef{fn: fn, name: name, keys: true})
		}
	}
	// Assigned values, tuple-unpacked values, x.update(d) arguments:
	// the keys of each (not the values written with x[k] = v).
	var srcs []*node
	for _, src := range append(append([]*node{}, fn.localAssigns[name]...), fn.flow[name]...) {
		if !fn.valueOnly[src] {
			srcs = append(srcs, src)
		}
	}
	if !isParam && len(srcs) == 0 && len(fn.keyFlow[name]) == 0 || len(fn.keyOf[name]) > 0 {
		o = a.originOf(n, fn, depth+1)
	} else {
		for _, src := range srcs {
			if src.kind == "augmented_assignment" {
				src = src.child("right")
			}
			o.add(a.keysOrigin(src, fn, depth+1))
		}
		for _, k := range fn.keyFlow[name] {
			o.add(a.originOf(k.n, fn, depth+1))
		}
	}
	fn.keysMemo[name] = o
	return o
}

// itemsOf: for `for k, v in d.items()`, where the keys come from.
func (a *fileAnalyzer) itemsOf(iter *node, fn *pyFunc, depth int) (origin, bool) {
	iter = unparen(iter)
	if iter == nil || iter.kind != "call" {
		return origin{}, false
	}
	f := unparen(iter.child("function"))
	if f == nil || f.kind != "attribute" || f.child("attribute").text(a.src) != "items" {
		return origin{}, false
	}
	return a.keysOrigin(f.child("object"), fn, depth+1), true
}

// itemsKeys records, for `for k, v in d.items():`, that k takes d's keys
// and v its values; false for any other loop.
func (a *fileAnalyzer) itemsKeys(fn *pyFunc, left, right *node) bool {
	r := unparen(right)
	if r == nil || r.kind != "call" {
		return false
	}
	f := unparen(r.child("function"))
	if f == nil || f.kind != "attribute" || f.child("attribute").text(a.src) != "items" {
		return false
	}
	names := bindNames(left, a.src)
	if len(names) != 2 {
		return false
	}
	fn.keyOf[names[0]] = append(fn.keyOf[names[0]], f.child("object"))
	fn.flow[names[1]] = append(fn.flow[names[1]], right)
	return true
}

// keysOrigin says what the keys of the mapping n are made of: a dict
// literal's are its written keys, a parameter's its keys only (settled
// by the parameter's type), a copy's or a model dump's those of what it
// copies. Anything else: its whole origin.
func (a *fileAnalyzer) keysOrigin(n *node, fn *pyFunc, depth int) origin {
	n = unparen(n)
	a.f.originSteps++
	var o origin
	if n == nil || depth > maxOriginDepth {
		return o
	}
	switch n.kind {
	case "dictionary":
		for _, p := range n.namedChildren() {
			switch p.kind {
			case "pair":
				o.add(a.originOf(p.child("key"), fn, depth+1))
			case "dictionary_splat":
				o.add(a.keysOrigin(p.firstNamed(""), fn, depth+1))
			default:
				o.add(a.originOf(p, fn, depth+1))
			}
		}
		return o
	case "identifier":
		name := n.text(a.src)
		if fn == nil || a.scoped(name) {
			return a.originOf(n, fn, depth+1)
		}
		return a.nameKeysOrigin(n, name, fn, depth)
	case "attribute":
		if obj := unparen(n.child("object")); obj != nil && obj.kind == "identifier" && fn != nil {
			if ref, ok := a.paramField(fn, obj.text(a.src), n.child("attribute").text(a.src)); ok {
				ref.keys = true
				return origin{params: []paramRef{ref}}
			}
		}
	case "call":
		f := unparen(n.child("function"))
		if f != nil && f.kind == "attribute" {
			switch f.child("attribute").text(a.src) {
			case "copy", "dict", "model_dump", "to_dict":
				return a.keysOrigin(f.child("object"), fn, depth+1)
			}
		}
		if f != nil && f.kind == "identifier" && f.text(a.src) == "dict" {
			if args := n.child("arguments"); args != nil {
				for _, x := range args.namedChildren() {
					if x.kind == "keyword_argument" {
						continue // dict(a=1): the key is the name written
					}
					o.add(a.keysOrigin(x, fn, depth+1))
				}
			}
			return o
		}
	}
	return a.originOf(n, fn, depth+1)
}

// paramField: obj.attr where obj is a parameter of fn that nothing
// reassigns: the parameter read through one field.
func (a *fileAnalyzer) paramField(fn *pyFunc, obj, attr string) (paramRef, bool) {
	if len(fn.localAssigns[obj]) > 0 || len(fn.flow[obj]) > 0 || a.scoped(obj) {
		return paramRef{}, false
	}
	for _, p := range fn.params {
		if p.name == obj && p.name != "self" && p.name != "cls" {
			return paramRef{fn: fn, name: obj, field: attr}, true
		}
	}
	return paramRef{}, false
}

// scoped: a comprehension variable in scope.
func (a *fileAnalyzer) scoped(name string) bool {
	for i := len(a.scopes) - 1; i >= 0; i-- {
		if _, ok := a.scopes[i][name]; ok {
			return true
		}
	}
	return false
}

// nameOrigin follows a name: a parameter, the sources of a local, or a
// module-level name (internal, but for Flask's global request).
func (a *fileAnalyzer) nameOrigin(name string, fn *pyFunc, depth int) origin {
	var o origin
	for i := len(a.scopes) - 1; i >= 0; i-- {
		if so, ok := a.scopes[i][name]; ok {
			return so
		}
	}
	if fn == nil {
		if isRequestGlobal(a.qual(name)) {
			o.request = true
		}
		return o
	}
	if m, ok := fn.originMemo[name]; ok {
		return m
	}
	if fn.originMemo == nil {
		fn.originMemo = map[string]origin{}
	}
	fn.originMemo[name] = o // a cycle adds nothing
	for _, p := range fn.params {
		if p.name == name && p.name != "self" && p.name != "cls" {
			o.params = append(o.params, paramRef{fn: fn, name: name})
		}
	}
	srcs := append(append([]*node{}, fn.localAssigns[name]...), fn.flow[name]...)
	for _, s := range srcs {
		if s.kind == "augmented_assignment" {
			s = s.child("right")
		}
		o.add(a.originOf(s, fn, depth+1))
	}
	for _, d := range fn.keyOf[name] {
		o.add(a.keysOrigin(d, fn, depth+1))
	}
	if len(srcs) == 0 && !fn.locals[name] {
		if isRequestGlobal(a.qual(name)) {
			o.request = true
		}
	}
	fn.originMemo[name] = o
	return o
}

// isRequestGlobal: a framework's request proxy (flask.request, ...).
func isRequestGlobal(q string) bool {
	switch q {
	case "flask.request", "quart.request", "bottle.request", "sanic.request":
		return true
	}
	return false
}

// attrOrigin: model dunders and request object state are internal; the
// data a request carries is request data; anything else comes from its
// object.
func (a *fileAnalyzer) attrOrigin(n *node, fn *pyFunc, depth int) origin {
	at := n.child("attribute").text(a.src)
	switch {
	case strings.HasPrefix(at, "__"), at == "state", at == "app":
		return origin{} // Model.__tablename__, request.app.state.db
	case at == "id" || at == "uuid" || at == "pk":
		return origin{} // a record's key: a number or UUID the database assigned
	}
	obj := unparen(n.child("object"))
	if obj != nil && obj.kind == "identifier" && fn != nil && a.isRequestParam(fn, obj.text(a.src)) {
		return origin{request: true}
	}
	if obj != nil && obj.kind == "identifier" && fn != nil {
		// data.order: the field's declared type settles it (an enum
		// cannot change a query's text).
		if ref, ok := a.paramField(fn, obj.text(a.src), at); ok {
			return origin{params: []paramRef{ref}}
		}
	}
	return a.originOf(obj, fn, depth+1)
}

// isRequestParam: a parameter that is the request object itself.
func (a *fileAnalyzer) isRequestParam(fn *pyFunc, name string) bool {
	for _, p := range fn.params {
		if p.name != name {
			continue
		}
		switch lastSeg(p.annName) {
		case "Request", "HTTPConnection", "WebSocket", "HttpRequest":
			return true
		case "":
			return name == "request" || name == "req"
		}
	}
	return false
}

// sanitizers turn any value into one that cannot change a query's shape.
var sanitizers = map[string]bool{
	"int": true, "float": true, "bool": true, "len": true, "UUID": true, "Decimal": true, "hash": true,
	"quote_identifier": true, "quote_ident": true, "quote_name": true, "escape_identifier": true, "identifier": true,
	"Identifier": true, "literal": true, "Literal": true, "escape_string": true, "escape": true, "quote": true,
	"bindparam": true, "isoformat": true, "hexdigest": true, "uuid4": true, "count": true, "isdigit": true,
}

// passThrough are the calls whose result carries their receiver's and
// arguments' text: string and collection operations, conversions to text,
// reads of a mapping. Any other call (a query builder's get_sql, a
// project helper) computes its result: it is taken as internal.
var passThrough = map[string]bool{
	"str": true, "repr": true, "format": true, "join": true, "lower": true, "upper": true, "strip": true, "lstrip": true,
	"rstrip": true, "replace": true, "title": true, "capitalize": true, "casefold": true, "split": true, "rsplit": true,
	"get": true, "pop": true, "getlist": true, "getattr": true, "dict": true, "list": true, "tuple": true, "set": true,
	"sorted": true, "reversed": true, "keys": true, "values": true, "items": true, "copy": true, "model_dump": true,
	"to_dict": true, "decode": true, "encode": true, "removeprefix": true, "removesuffix": true, "ljust": true,
	"rjust": true, "center": true, "zfill": true, "swapcase": true, "expandtabs": true, "splitlines": true,
	"partition": true, "rpartition": true, "format_map": true, "json": true, "form": true, "body": true,
	"query_params": true, "path_params": true, "get_json": true, "first": true, "filter": true, "map": true,
}

// callOrigin: a sanitizer gives internal; a string or collection operation
// is made of its receiver and arguments; the request's reads are request
// data; other calls compute their result.
func (a *fileAnalyzer) callOrigin(n *node, fn *pyFunc, depth int) origin {
	var o origin
	fnN := unparen(n.child("function"))
	name := ""
	if fnN != nil {
		switch fnN.kind {
		case "identifier":
			name = fnN.text(a.src)
		case "attribute":
			name = fnN.child("attribute").text(a.src)
		}
	}
	if sanitizers[name] || strings.Contains(strings.ToLower(name), "escape") || strings.HasPrefix(name, "quote") {
		return o
	}
	if name == "keys" && fnN != nil && fnN.kind == "attribute" {
		return a.keysOrigin(fnN.child("object"), fn, depth+1)
	}
	if name == "get" {
		if _, ok := a.constGet(n, fn, depth); ok {
			return o // COLUMNS.get(sort, "id"): a value of a constant mapping
		}
	}
	if name == "replace" && a.quoteEscape(n) {
		return o // s.replace("'", "''"): quotes doubled for a SQL string literal
	}
	if !passThrough[name] {
		if fnN != nil && fnN.kind == "attribute" {
			if obj := unparen(fnN.child("object")); obj != nil && obj.kind == "identifier" && fn != nil && a.isRequestParam(fn, obj.text(a.src)) {
				o.request = true // request.json(), request.form(), ...
			}
		}
		return o
	}
	if fnN != nil && fnN.kind == "attribute" {
		o.add(a.originOf(fnN.child("object"), fn, depth+1))
		if obj := unparen(fnN.child("object")); obj != nil && obj.kind == "identifier" && fn != nil && a.isRequestParam(fn, obj.text(a.src)) {
			o.request = true // request.json(), request.form()
		}
	}
	if args := n.child("arguments"); args != nil {
		for _, x := range args.namedChildren() {
			o.add(a.originOf(x, fn, depth+1))
		}
	}
	return o
}

// quoteEscape: x.replace("'", "”") (or the double-quote form), the SQL
// escape of a string literal.
func (a *fileAnalyzer) quoteEscape(call *node) bool {
	args := call.child("arguments")
	if args == nil {
		return false
	}
	as := args.namedChildren()
	if len(as) != 2 {
		return false
	}
	from, _, ok1 := stringLit(as[0], a.src)
	to, _, ok2 := stringLit(as[1], a.src)
	return ok1 && ok2 && (from == "'" && to == "''" || from == `"` && to == `""`)
}

// sqlHoles returns the values formatted into the SQL text built by n.
func (a *fileAnalyzer) sqlHoles(n *node, how string, fn *pyFunc) []sqlHole {
	n = unparen(n)
	if n == nil {
		return nil
	}
	var parts []*node
	switch how {
	case "fstring":
		n.walk(func(x *node) bool {
			if x.kind == "interpolation" {
				if e := x.child("expression"); e != nil {
					parts = append(parts, e)
				}
				return false
			}
			return true
		})
	case "percent":
		r := unparen(n.child("right"))
		switch {
		case r == nil:
		case r.kind == "tuple":
			parts = r.namedChildren()
		case r.kind == "dictionary":
			for _, p := range r.namedChildren() {
				parts = append(parts, p.child("value"))
			}
		default:
			parts = []*node{r}
		}
	case "concat":
		var flat func(x *node)
		flat = func(x *node) {
			x = unparen(x)
			if x == nil {
				return
			}
			if x.kind == "binary_operator" && x.child("operator") != nil && x.child("operator").text(a.src) == "+" {
				flat(x.child("left"))
				flat(x.child("right"))
				return
			}
			if !a.isLiteralNode(x) {
				parts = append(parts, x)
			}
		}
		flat(n)
	case "format":
		if args := n.child("arguments"); args != nil {
			parts = args.namedChildren()
		}
	}
	var out []sqlHole
	for _, p := range parts {
		if p == nil {
			continue
		}
		v := p
		if p.kind == "keyword_argument" {
			v = p.child("value")
		}
		out = append(out, sqlHole{text: clip(p.bytes(a.src), maxTextLen), line: v.line, o: a.originOf(v, fn, 0)})
	}
	return out
}

// recordCallSite keeps a call that may reach a project function, with the
// origins of its arguments.
func (a *fileAnalyzer) recordCallSite(n *node, c *fctx) {
	fnN := unparen(n.child("function"))
	if fnN == nil || (fnN.kind != "identifier" && fnN.kind != "attribute") {
		return
	}
	cs := &callSite{file: a.f, caller: c.fn}
	if c.cls != nil {
		cs.class = c.cls.name
	}
	if fnN.kind == "identifier" {
		cs.method = fnN.text(a.src)
		cs.qual = a.qual(cs.method)
	} else {
		cs.method = fnN.child("attribute").text(a.src)
		obj := unparen(fnN.child("object"))
		if d := dotted(obj, a.src); d != "" {
			cs.recv = d
			cs.qual = a.qual(d + "." + cs.method)
			if c.fn != nil && obj.kind == "identifier" {
				for _, p := range c.fn.params {
					if p.name == d && p.annName != "" {
						cs.recvType = a.qual(p.annName)
					}
				}
			}
		} else if obj != nil && obj.kind == "call" {
			cs.recv = dotted(obj.child("function"), a.src) + "()" // Model(...).method(...)
			cs.qual = a.qual(strings.TrimSuffix(cs.recv, "()")) + "()." + cs.method
		}
	}
	if args := n.child("arguments"); args != nil {
		for _, x := range args.namedChildren() {
			switch x.kind {
			case "keyword_argument":
				o := a.originOf(x.child("value"), c.fn, 0)
				if cs.kw == nil {
					cs.kw, cs.keyKw = map[string]origin{}, map[string]origin{}
				}
				cs.kw[x.child("name").text(a.src)] = o
				cs.keyKw[x.child("name").text(a.src)] = a.keysOrigin(x.child("value"), c.fn, 0)
				cs.outside = cs.outside || o.outside()
			case "list_splat", "dictionary_splat":
				o := a.originOf(x, c.fn, 0)
				cs.outside = cs.outside || o.outside()
				cs.args = append(cs.args, o) // positions after a splat are unknown
				cs.keyArgs = append(cs.keyArgs, o)
			default:
				o := a.originOf(x, c.fn, 0)
				cs.args = append(cs.args, o)
				cs.keyArgs = append(cs.keyArgs, a.keysOrigin(x, c.fn, 0))
				cs.outside = cs.outside || o.outside()
			}
		}
	}
	if !cs.outside {
		cs.args, cs.kw, cs.keyArgs, cs.keyKw = nil, nil, nil, nil
	}
	a.f.callSites = append(a.f.callSites, cs)
}

// sqlFlow is the project-level pass: it settles where parameters come from.
type sqlFlow struct {
	m        *model
	byQual   map[string][]*callSite
	byMethod map[string][]*callSite
	methods  map[string]int // method name -> how many project classes define it
	deps     map[*pyFunc]bool
	memo     map[memoKey]paramOrigin
}

// memoKey is a parameter, settled as the SQL-building function's own
// (top) or as reached through calls.
type memoKey struct {
	p   paramRef
	top bool
}

// paramOrigin is where a parameter's values come from, and how we know.
type paramOrigin struct {
	level string
	via   string
}

func newSQLFlow(m *model) *sqlFlow {
	s := &sqlFlow{m: m, byQual: map[string][]*callSite{}, byMethod: map[string][]*callSite{}, methods: map[string]int{},
		deps: map[*pyFunc]bool{}, memo: map[memoKey]paramOrigin{}}
	for _, f := range m.p.files {
		for _, cs := range f.callSites {
			if cs.qual != "" {
				s.byQual[cs.qual] = append(s.byQual[cs.qual], cs)
			}
			s.byMethod[cs.method] = append(s.byMethod[cs.method], cs)
		}
		for _, c := range f.classes {
			if c == nil {
				continue
			}
			for name := range c.methods {
				s.methods[name]++
			}
		}
		for _, d := range f.depTargets {
			if d.target == nil || d.target.dot == "" {
				continue
			}
			if sym, ok := m.p.lookup(qualify(f, d.target.dot), 0); ok && sym.kind == "func" && len(sym.rest) == 0 {
				s.deps[sym.fn] = true
			}
		}
	}
	return s
}

// resolve settles an origin to a level, with a word on how for the message.
func (s *sqlFlow) resolve(o origin, depth int) paramOrigin {
	if o.request {
		return paramOrigin{originRequest, "request data"}
	}
	best := paramOrigin{level: originInternal}
	for _, p := range o.params {
		po := s.param(p, depth)
		if rank(po.level) > rank(best.level) {
			best = po
		}
		if best.level == originRequest {
			return best
		}
	}
	for _, c := range o.checked {
		if s.anyChecked(c.by) {
			continue
		}
		if po := s.resolve(*c.o, depth); rank(po.level) > rank(best.level) {
			best = po
		}
	}
	return best
}

// anyChecked: one of the calls raises on values outside an allowlist.
func (s *sqlFlow) anyChecked(by []*checkCall) bool {
	for _, c := range by {
		if s.checked(c) {
			return true
		}
	}
	return false
}

func rank(level string) int {
	switch level {
	case originRequest:
		return 3
	case originParam:
		return 2
	case originUncalled:
		return 1
	case originInternal:
		return 0
	}
	return -1
}

// param settles a parameter: a route's (or a dependency's) parameter is
// request data unless it is a dependency or of a type that carries no
// text; another function's takes what its callers pass.
func (s *sqlFlow) param(p paramRef, depth int) paramOrigin {
	k := memoKey{p, depth == 0}
	if po, ok := s.memo[k]; ok {
		return po
	}
	s.memo[k] = paramOrigin{level: originInternal} // a cycle adds nothing
	po := s.settle(p, depth)
	s.memo[k] = po
	return po
}

func (s *sqlFlow) settle(p paramRef, depth int) paramOrigin {
	fn := p.fn
	var pp *pyParam
	idx := -1
	for i := range fn.params {
		if fn.params[i].name == p.name {
			pp, idx = &fn.params[i], i
		}
	}
	if pp == nil || !s.carriesText(fn, pp) {
		return paramOrigin{level: originInternal}
	}
	if pp.marker != nil && (pp.markerName == "Depends" || pp.markerName == "Security") {
		return paramOrigin{level: originInternal}
	}
	if ann, typed := s.refType(fn, pp, p.field); typed {
		if !s.annotationCarriesText(fn, ann) {
			return paramOrigin{level: originInternal} // data.order: SortOrder
		}
		if p.keys && s.modelType(fn, ann) {
			return paramOrigin{level: originInternal} // the keys of a model are its field names
		}
	}
	if fn.isRoute || s.deps[fn] {
		return paramOrigin{originRequest, "parameter " + p.name + " of route " + fn.name}
	}
	if fn.isCommand {
		return paramOrigin{level: originInternal} // the operator's command line, not a request
	}
	if depth > 6 {
		return paramOrigin{originParam, "parameter " + p.name + " of " + fn.name}
	}
	sites := s.sitesOf(fn)
	if len(sites) == 0 {
		// A function reached through calls but called by nothing is an
		// entry point the project does not show (a framework's handler):
		// any caller may pass anything. The SQL-building function itself
		// uncalled is more often dead code or a tool's helper.
		if depth == 0 {
			return paramOrigin{originUncalled, "parameter " + p.name + " of " + fn.name + ", which nothing in the project calls"}
		}
		return paramOrigin{originParam, "parameter " + p.name + " of " + fn.name + ", which nothing in the project calls"}
	}
	pos := idx
	if len(fn.params) > 0 && fn.class != "" && (fn.params[0].name == "self" || fn.params[0].name == "cls") {
		pos-- // a bound call does not pass self
	}
	best := paramOrigin{level: originInternal}
	for _, cs := range sites {
		if !cs.outside {
			continue
		}
		var o origin
		args, kw := cs.args, cs.kw
		if p.keys && p.field == "" {
			args, kw = cs.keyArgs, cs.keyKw // where the keys of what is passed come from
		}
		if v, ok := kw[p.name]; ok {
			o = v
		} else if pos >= 0 && pos < len(args) {
			o = args[pos]
		} else if len(args) > 0 && pos >= len(args) {
			continue
		}
		o = o.through(p)
		r := s.resolve(o, depth+1)
		if rank(r.level) > rank(best.level) {
			best = r
			if best.level == originParam && !strings.Contains(best.via, "called from") {
				best.via = "parameter " + p.name + " of " + fn.name + ", called from " + funcLabel(cs.caller)
			}
		}
		if best.level == originRequest {
			best.via = "parameter " + p.name + " of " + fn.name + ", called from " + funcLabel(cs.caller) + " with " + r.via
			break
		}
	}
	return best
}

// through carries what of a parameter reaches SQL (one field of it) over
// to the arguments a call site passes it: the callee reads data.order,
// the caller passes its own parameter data.
func (o origin) through(p paramRef) origin {
	if p.field == "" {
		return o
	}
	out := origin{request: o.request}
	for _, c := range o.checked {
		inner := c.o.through(p)
		out.checked = append(out.checked, checkedOrigin{by: c.by, o: &inner})
	}
	for _, q := range o.params {
		if q.field == "" {
			q.field, q.keys = p.field, p.keys
		}
		out.params = append(out.params, q)
	}
	return out
}

// refType is the declared type of what a reference reaches: the
// parameter's annotation, or that of the field read through it when the
// parameter is a model of the project declaring it.
func (s *sqlFlow) refType(fn *pyFunc, pp *pyParam, field string) (string, bool) {
	ann := strings.TrimSpace(pp.annotation)
	if ann == "" {
		return "", false
	}
	if field == "" {
		return ann, true
	}
	for _, w := range annotationWords(ann) {
		c := s.m.r.classOf(fn.file, w)
		if c == nil || !s.dataClass(c, 0) {
			continue
		}
		for _, k := range s.m.classHierarchy(c) {
			for _, fl := range k.fields {
				if fl.name == field && strings.TrimSpace(fl.annotation) != "" {
					return fl.annotation, true
				}
			}
		}
	}
	return "", false
}

// annotationCarriesText: can a value of this declared type change a
// query's text (see carriesText)?
func (s *sqlFlow) annotationCarriesText(fn *pyFunc, ann string) bool {
	words := annotationWords(ann)
	if len(words) == 0 {
		return true
	}
	for _, w := range words {
		if s.textType(fn.file, w) {
			return true
		}
	}
	return false
}

// modelType: the declared type is a model or dataclass of the project
// (its keys are its field names), not a dict.
func (s *sqlFlow) modelType(fn *pyFunc, ann string) bool {
	words := annotationWords(ann)
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		c := s.m.r.classOf(fn.file, w)
		if c == nil || !s.dataClass(c, 0) {
			return false
		}
	}
	return true
}

func funcLabel(fn *pyFunc) string {
	if fn == nil {
		return "module level"
	}
	if fn.class != "" {
		return fn.class + "." + fn.name
	}
	return fn.name
}

// sitesOf returns the calls that may reach fn.
func (s *sqlFlow) sitesOf(fn *pyFunc) []*callSite {
	f := fn.file
	var out []*callSite
	if fn.class == "" {
		if f.funcs[fn.name] != fn {
			return nil // an inner function: its calls are not followed
		}
		for q, sites := range s.byQual {
			if lastSeg(q) != fn.name {
				continue
			}
			if sym, ok := s.m.p.lookup(q, 0); ok && sym.kind == "func" && sym.fn == fn && len(sym.rest) == 0 {
				out = append(out, sites...)
			}
		}
		return out
	}
	cls := f.classes[fn.class]
	// Through a receiver of unknown type, a call of a method name no
	// builtin or common library type has may be this method (or another
	// project class's of that name: their callers are taken together).
	unique := !commonMethod[fn.name] && !strings.HasPrefix(fn.name, "__")
	for _, cs := range s.byMethod[fn.name] {
		switch {
		case (cs.recv == "self" || cs.recv == "cls") && cs.file == f && cs.class == fn.class:
			out = append(out, cs)
		case cls != nil && s.isClass(cs, cls):
			out = append(out, cs)
		case unique && cs.recv != "self" && cs.recv != "cls":
			out = append(out, cs)
		}
	}
	return out
}

// isClass: the call's receiver names cls (Model.m(...), Model(...).m(...)),
// or is a parameter declared of that class (repo: Repo; repo.m(...)).
func (s *sqlFlow) isClass(cs *callSite, cls *pyClass) bool {
	if cs.recvType != "" {
		if sym, ok := s.m.p.lookup(cs.recvType, 0); ok && sym.kind == "class" && sym.cls == cls && len(sym.rest) == 0 {
			return true
		}
	}
	recv := strings.TrimSuffix(cs.recv, "()")
	if recv == "" || recv == "self" || recv == "cls" {
		return false
	}
	sym, ok := s.m.p.lookup(qualify(cs.file, recv), 0)
	if ok && sym.kind == "const" && len(sym.rest) == 0 && sym.as != nil && sym.as.e != nil && sym.as.e.kind == "call" && sym.as.e.fn != nil {
		// A module-level instance: chunk_ops = ChunkModelOperator(),
		// whose class defines or inherits the method.
		for _, k := range s.m.classHierarchy(s.m.r.classOf(sym.f, sym.as.e.fn.dot)) {
			if k == cls {
				return true
			}
		}
		return false
	}
	return ok && sym.kind == "class" && sym.cls == cls && len(sym.rest) == 0
}

// commonMethod names are methods of builtin types and common libraries:
// a call through an unknown receiver is more likely theirs.
var commonMethod = map[string]bool{
	"get": true, "set": true, "add": true, "append": true, "insert": true, "update": true, "pop": true, "remove": true,
	"delete": true, "execute": true, "run": true, "call": true, "format": true, "join": true, "split": true, "save": true,
	"load": true, "read": true, "write": true, "open": true, "close": true, "send": true, "create": true, "list": true,
	"query": true, "filter": true, "all": true, "first": true, "count": true, "items": true, "keys": true, "values": true,
	"copy": true, "clear": true, "extend": true, "index": true, "start": true, "stop": true, "put": true, "post": true,
	"patch": true, "fetch": true, "search": true, "find": true, "replace": true, "connect": true, "commit": true,
}

// carriesText: can a value of the parameter's declared type change a
// query's text? Numbers, UUIDs, dates, enums and objects (sessions,
// connections, model classes) cannot; strings, containers, pydantic
// models, dataclasses and unannotated parameters can.
func (s *sqlFlow) carriesText(fn *pyFunc, p *pyParam) bool {
	if p.name == "self" || p.name == "cls" {
		return false
	}
	return s.annotationCarriesText(fn, strings.TrimSpace(p.annotation))
}

// annotationWords returns the type names of an annotation, past
// Optional/Union/Annotated wrappers and None.
func annotationWords(ann string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(ann, func(r rune) bool {
		return !(r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		switch lastSeg(w) {
		case "Optional", "Union", "Annotated", "None", "typing", "Depends", "Query", "Path", "Body", "Form", "Header", "Cookie":
			continue
		}
		out = append(out, w)
		if len(out) >= 8 {
			break
		}
	}
	return out
}

// textTypes are builtin and typing names whose values may hold text.
var textTypes = map[string]bool{
	"str": true, "bytes": true, "Any": true, "object": true, "list": true, "List": true, "dict": true, "Dict": true,
	"set": true, "Set": true, "tuple": true, "Tuple": true, "Sequence": true, "Iterable": true, "Mapping": true,
	"Collection": true, "FrozenSet": true, "frozenset": true, "AnyStr": true, "Text": true, "LiteralString": false,
	"Request": true, "Json": true, "SecretStr": true, "EmailStr": true, "constr": true, "HttpUrl": true, "AnyUrl": true,
	"BaseModel": true, "TypedDict": true,
}

// textType: a type name whose values may hold text: a text type, or a
// project class that is a pydantic model or a dataclass.
func (s *sqlFlow) textType(f *pyFile, name string) bool {
	if t, ok := textTypes[lastSeg(name)]; ok {
		return t
	}
	c := s.m.r.classOf(f, name)
	return c != nil && s.dataClass(c, 0)
}

// dataClass: a project class that carries data in (a pydantic model, a
// dataclass, a typed dict), as opposed to an object (a session, a
// connection wrapper, an enum).
func (s *sqlFlow) dataClass(c *pyClass, depth int) bool {
	if c == nil {
		return false
	}
	if c.dataclass {
		return true
	}
	return s.m.r.inherits(c, func(base string) bool {
		switch base {
		case "BaseModel", "SQLModel", "TypedDict", "NamedTuple", "Schema", "BaseSettings", "RootModel", "GenericModel":
			return true
		}
		return false
	}, depth)
}

// sqlValues settles the holes of one SQL call: the values and the
// strongest origin among them ("" when there is no hole).
func (s *sqlFlow) sqlValues(holes []sqlHole) ([]SQLValue, string) {
	out := []SQLValue{}
	best := originInternal
	for _, h := range holes {
		po := s.resolve(h.o, 0)
		v := SQLValue{Text: h.text, Line: h.line, Origin: po.level, Via: po.via}
		out = append(out, v)
		if rank(po.level) > rank(best) {
			best = po.level
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Origin) > rank(out[j].Origin) })
	return out, best
}

// keySource is a key written into a local mapping.
type keySource struct {
	n *node
	v *node // the value written under it
}
