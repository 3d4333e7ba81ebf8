package facts

import (
	"regexp"
	"strings"

	"github.com/pipeguard/pipeguard/scan/names"
)

// pyFile is what one Python file contributes to its project: its symbol
// table and every declaration the FastAPI model and the facts need, with
// expressions kept unresolved until all the project's files are known.
type pyFile struct {
	path    string
	module  string
	project string
	isPkg   bool
	test    bool
	// originSteps counts the steps of the data-flow walks (sqlflow.go),
	// which memos keep linear in the function's size.
	originSteps int

	alias  map[string]string // local name -> dotted target
	stars  []string          // modules imported with `from m import *`
	consts map[string]*assign
	// unpacked: module names bound by unpacking a call's result
	// (public, app, app_key = get_routers()): the call and the position.
	unpacked map[string]unpackedName
	funcs    map[string]*pyFunc
	classes  map[string]*pyClass

	imports    []Import
	apps       []*appDecl
	routers    []*routerDecl
	schemes    []*schemeDecl
	includes   []*includeDecl
	mounts     []*includeDecl // outer.mount("/api", app=inner)
	mwAdds     []*mwDecl
	httpMw     []*httpMwDecl
	routes     []*routeDecl
	attrs      []*attrDecl
	calls      []*callDecl
	compares   []*cmpDecl
	secrets    []SecretLiteral
	exposures  []exposureDecl
	headers    []Header
	depTargets []*depRef // every Depends/Security written in the file
	limiter    bool      // a rate limiter is used (import or decorator)
	stmts      []span    // lines of the simple statements, for end lines
	skipped    []Skipped // parts of the file that did not parse
	callSites  []*callSite
	defaults   []*paramDefault
	// helperCalls are the calls that pass a name (an app, a router) to a
	// function: setup_cors(app), register(app=app) (pyhelper.go).
	helperCalls []*helperCall
}

// paramDefault is a parameter whose default is a dotted name.
type paramDefault struct {
	line            int
	function, param string
	e               *expr
}

type assign struct {
	e    *expr
	line int
}

type pyParam struct {
	name       string
	line       int
	annotation string
	annName    string // first type name of the annotation (inside Annotated too)
	marker     *expr  // Depends/Security/Query/Header/... call, from the default or Annotated
	markerName string // last segment of the marker's callee
}

// depRef is one Depends(x)/Security(x).
type depRef struct {
	param  string
	line   int
	kind   string // depends, security
	target *expr  // x; nil for Depends() (then annName is the dependency)
	ann    string
	file   *pyFile
	// paramAnn is the whole annotation of the parameter that receives the
	// dependency (Client | None), when there is one.
	paramAnn string
}

type pyFunc struct {
	name           string
	class          string
	line           int
	async          bool
	file           *pyFile
	params         []pyParam
	deps           []*depRef
	raises         []int
	noneReturns    []FailureReturn
	failureReturns []FailureReturn
	guards         map[int]string // the condition of the innermost if leading to the return on each line
	requestJSON    []int
	inner          map[string]*pyFunc
	classes        map[string]*pyClass // classes defined in the function (a class factory's result)
	returnsName    string
	returnsVar     string   // a local variable returned (an app built by a factory)
	returnsTuple   []string // the local variables of `return a, b, c` ("" for other items)
	raisedClasses  []string // exception classes raised without a visible status
	superStatus    int      // status passed to super().__init__ (exception classes)
	returnsCall    *expr
	awaitsCall     *expr // return await f(...): the call awaited
	headers        []Header
	passwordForm   bool
	localAssigns   map[string][]*node
	locals         map[string]bool
	isRoute        bool                   // a path operation (any framework's route decorator)
	isCommand      bool                   // a command-line command (click, typer)
	flow           map[string][]*node     // where locals get values beyond assignments (sqlflow.go)
	keyFlow        map[string][]keySource // keys written into a local mapping (x[k] = v)
	keyOf          map[string][]*node     // for k, v in d.items(): the mappings whose keys k takes
	valueOnly      map[*node]bool         // flow sources that are values written under a key (x[k] = v)
	originMemo     map[string]origin      // origins of names, once computed
	keysMemo       map[string]origin      // origins of the keys of local mappings, once computed

	// What the route and authentication analysis needs besides.
	returns      []*expr // every returned value (a dependency factory's choice)
	superInit    *expr   // super().__init__(...) in a method
	rejectLines  []int   // returns of a 401/403 response
	requiresAuth bool    // decorated with Starlette's @requires(...)
	validator    bool    // a pydantic validator (checks the client's own input)
	signature    bool    // checks a webhook signature (HMAC, a *signature* header or helper)
	handlerAuth  bool    // hands the caller's credential on to a call that checks it (handlerbody.go)
	cookieOnly   bool    // only sets a cookie on the caller's browser (handlerbody.go)
	writeLines   []int   // calls that write or delete stored data
	verifies     bool    // calls a credential verification (jwt.decode, verify_token, authenticate...)
	// paramCalls are the methods called on each parameter (svc.generate(...)):
	// what a handler asks of a service a DI container injects.
	paramCalls    map[string][]string
	returnAnn     string // the return annotation, as written
	paramDefaults map[string]*expr
	excHandler    bool    // registered with @app.exception_handler(...)
	returnedCalls []*expr // calls whose result is returned (directly or through a variable)
	generator     bool    // yields: a bare return ends it after the response, it lets nothing through
	body          *node   // the function's body, for analyses that look at it whole
	validatesBody bool    // validates data with a schema (Model.model_validate(body), TypeAdapter(...).validate_python)
	// checks are the call statements each name is passed to, which may
	// check it (sqlguard.go); allowChecks the parameters the function
	// itself checks against an allowlist by raising.
	checks      map[string][]*checkCall
	allowChecks map[string]bool
	parent      *pyFunc // the enclosing function of an inner one (a decorator's wrapper)
	// paramEffects are what the function attaches to its parameters
	// (app.add_middleware(...), @app.get, app.include_router(...)): what
	// a helper given an app does to it (pyhelper.go).
	paramEffects []paramEffect
}

type classField struct {
	name       string
	line       int
	annotation string
	value      *expr
	hasDefault bool
}

type pyClass struct {
	name    string
	line    int
	bases   []*expr
	fields  []classField
	methods map[string]*pyFunc
	file    *pyFile
	// dataclass is set for @dataclass classes: they carry data, like
	// pydantic models.
	dataclass bool
	// initAttrs are the values __init__ assigns to self.<name>.
	initAttrs map[string]*expr
}

type appDecl struct {
	varName   string
	fnName    string // enclosing function (an app factory), "" at module level
	ident     string
	line      int
	framework string
	call      *expr
}

// unpackedName is one name of `a, b = call(...)` at module level.
type unpackedName struct {
	call  *expr
	index int
	line  int
}

type routerDecl struct {
	varName string
	fnName  string // enclosing function (a router factory), "" at module level
	ident   string
	line    int
	call    *expr
}

type schemeDecl struct {
	varName string
	ident   string
	line    int
	class   string
	call    *expr
}

type includeDecl struct {
	recv  string
	line  int
	call  *expr
	mount bool // outer.mount(...), not include_router
}

type mwDecl struct {
	recv string
	line int
	call *expr
}

type httpMwDecl struct {
	recv string
	fn   *pyFunc
}

type routeDecl struct {
	recv     string
	line     int
	method   string // get, post, ..., api_route, websocket, add_api_route
	call     *expr
	fn       *pyFunc // nil for add_api_route until resolved
	decoDeps []*depRef
}

type attrDecl struct {
	recv     string
	line     int
	target   string
	attr     string
	value    *expr
	function string
}

type callDecl struct {
	peek       bool // jwt.decode whose result is only read for aud/iss/kid (claimPeek)
	line       int
	callee     string
	written    string // the callee as the code writes it
	method     string
	function   string
	e          *expr
	sqlBuilt   string
	sqlLine    int
	sqlHoles   []sqlHole
	credential bool
}

type cmpDecl struct {
	line        int
	op          string
	left, right *expr
	ltext       string
	rtext       string
	literalSide bool
	function    string
	fn          *pyFunc // the enclosing function (nil at module level)
}

// routeMethods are the decorator names that declare a path operation.
var routeMethods = map[string]bool{
	"get": true, "post": true, "put": true, "patch": true, "delete": true, "options": true, "head": true,
	"trace": true, "api_route": true, "websocket": true, "route": true,
}

// paramMarkers are FastAPI's parameter functions.
var paramMarkers = map[string]string{
	"Depends": "depends", "Security": "security", "Query": "query", "Header": "header", "Cookie": "cookie",
	"Body": "body", "Form": "form", "File": "file", "Path": "path", "UploadFile": "file",
}

var schemeClasses = map[string]bool{
	"OAuth2PasswordBearer": true, "OAuth2AuthorizationCodeBearer": true, "OAuth2": true, "OpenIdConnect": true,
	"HTTPBearer": true, "HTTPBasic": true, "HTTPDigest": true, "APIKeyHeader": true, "APIKeyCookie": true, "APIKeyQuery": true,
}

var interestingPrefixes = []string{"jwt.", "jose.", "requests.", "httpx.", "aiohttp.", "urllib3.", "ssl.", "uvicorn.",
	"hashlib.", "passlib.", "sqlalchemy.text", "sqlalchemy.sql.text", "sqlmodel.text", "OpenSSL.", "pyOpenSSL.", "sqlalchemy.create_engine", "sqlalchemy.ext.asyncio.create_async_engine"}

// sqlMethods run the SQL text given as first argument: DB-API and
// SQLAlchemy execute, asyncpg and databases' fetch*, Django's raw, pandas'
// read_sql. text() is SQLAlchemy's only (see sqlSink).
var sqlMethods = map[string]bool{"execute": true, "executemany": true, "executescript": true, "exec_driver_sql": true, "raw": true,
	"fetch": true, "fetchrow": true, "fetchval": true, "fetch_all": true, "fetch_one": true, "fetch_val": true,
	"fetchall": true, "fetchone": true, "read_sql": true, "read_sql_query": true, "mogrify": true}

// fileAnalyzer walks one syntax tree and fills a pyFile.
type fileAnalyzer struct {
	f       *pyFile
	src     []byte
	b       *exprBuilder
	handled map[*node]bool
	// configReturn marks returns guarded by a configuration switch
	// (if not settings.AUTH_ENABLED: return None).
	configReturn map[*node]bool
	// manualTest is set inside the `if __name__ == "__main__":` block of a
	// module that does not start a server there: a developer's manual
	// test of the module, with local dummy credentials.
	manualTest bool
	// compared holds the calls that are an operand of a comparison: a
	// read compared with its known default checks it, it does not use it.
	compared map[*node]bool
	// scopes are the comprehension variables in scope while originOf
	// walks a comprehension, innermost last.
	scopes []map[string]origin
	// constLits are the module-level names bound once to a constant
	// literal (sqlguard.go).
	constLits map[string]*node
}

// fctx is the walk's context: where we are and what is in scope.
type fctx struct {
	fn       *pyFunc
	cls      *pyClass
	excVars  map[string]bool
	excTypes map[string]string // exception variable -> the classes caught, as written
	loopDict map[string]*expr  // loop variable -> the dict it iterates (for headers[k] = v)
	loopVal  map[string]string
	// devOnly is set in a branch that runs only in development or tests
	// (if settings.DEBUG:); see pybranch.go.
	devOnly bool
}

func analyzePython(path, module, project string, isPkg, test bool, root *node, src []byte) *pyFile {
	f := &pyFile{path: path, module: module, project: project, isPkg: isPkg, test: test,
		alias: map[string]string{}, consts: map[string]*assign{}, unpacked: map[string]unpackedName{}, funcs: map[string]*pyFunc{}, classes: map[string]*pyClass{}}
	a := &fileAnalyzer{f: f, src: src, b: &exprBuilder{src: src}, handled: map[*node]bool{}, configReturn: map[*node]bool{}}
	// First pass: imports and top-level definitions, so names can be qualified.
	for _, st := range root.children {
		a.predeclare(st)
	}
	a.moduleLiterals(root)
	a.visit(root, &fctx{})
	f.stmts = statementSpans(root, src)
	return f
}

func (a *fileAnalyzer) predeclare(st *node) {
	switch st.kind {
	case "import_statement", "import_from_statement":
		a.doImport(st)
	case "decorated_definition":
		a.predeclare(st.child("definition"))
	case "function_definition":
		if nm := st.child("name"); nm != nil {
			if _, ok := a.f.funcs[nm.text(a.src)]; !ok {
				a.f.funcs[nm.text(a.src)] = nil
			}
		}
	case "class_definition":
		if nm := st.child("name"); nm != nil {
			if _, ok := a.f.classes[nm.text(a.src)]; !ok {
				a.f.classes[nm.text(a.src)] = nil
			}
		}
	case "if_statement", "try_statement", "block", "else_clause", "except_clause", "finally_clause", "elif_clause", "ERROR":
		for _, c := range st.children {
			a.predeclare(c)
		}
	}
}

// qual qualifies a dotted name through the file's imports; names defined in
// the file get the module prefix; anything else is returned as written.
func (a *fileAnalyzer) qual(d string) string { return qualify(a.f, d) }

func qualify(f *pyFile, d string) string {
	if d == "" {
		return ""
	}
	first, rest, _ := strings.Cut(d, ".")
	if t, ok := f.alias[first]; ok {
		if rest != "" {
			return t + "." + rest
		}
		return t
	}
	if _, ok := f.funcs[first]; ok {
		return f.module + "." + d
	}
	if _, ok := f.classes[first]; ok {
		return f.module + "." + d
	}
	if _, ok := f.consts[first]; ok {
		return f.module + "." + d
	}
	return d
}

// ident names an object (app, router) for matching receivers across files:
// imported names resolve to their origin, anything else is module.name.
func (a *fileAnalyzer) ident(d string) string {
	if d == "" {
		return ""
	}
	return identOf(a.f, d)
}

func (a *fileAnalyzer) doImport(n *node) {
	line := n.line
	switch n.kind {
	case "import_statement":
		for _, c := range n.namedChildren() {
			switch c.kind {
			case "dotted_name":
				mod := c.text(a.src)
				first, _, _ := strings.Cut(mod, ".")
				a.f.alias[first] = first
				a.addImport(Import{Path: a.f.path, Line: line, Module: mod, Names: []string{}})
			case "aliased_import":
				mod := c.child("name").text(a.src)
				a.f.alias[c.child("alias").text(a.src)] = mod
				a.addImport(Import{Path: a.f.path, Line: line, Module: mod, Names: []string{}})
			}
		}
	case "import_from_statement":
		mn := n.child("module_name")
		if mn == nil {
			return
		}
		level := 0
		mod := ""
		if mn.kind == "relative_import" {
			for _, c := range mn.children {
				switch c.kind {
				case "import_prefix":
					level = strings.Count(c.text(a.src), ".")
				case "dotted_name":
					mod = c.text(a.src)
				}
			}
		} else {
			mod = mn.text(a.src)
		}
		base := mod
		if level > 0 {
			base = a.relativeBase(level, mod)
		}
		imp := Import{Path: a.f.path, Line: line, Module: mod, Names: []string{}, Level: level}
		for _, c := range n.children {
			if c == mn {
				continue
			}
			switch c.kind {
			case "dotted_name":
				nm := c.text(a.src)
				imp.Names = append(imp.Names, nm)
				a.f.alias[nm] = joinDot(base, nm)
			case "aliased_import":
				nm := c.child("name").text(a.src)
				imp.Names = append(imp.Names, nm)
				a.f.alias[c.child("alias").text(a.src)] = joinDot(base, nm)
			case "wildcard_import":
				imp.Names = append(imp.Names, "*")
				a.f.stars = append(a.f.stars, base)
			}
		}
		a.addImport(imp)
	}
}

func (a *fileAnalyzer) addImport(imp Import) {
	for _, x := range a.f.imports {
		if x.Line == imp.Line && x.Module == imp.Module && x.Level == imp.Level {
			return
		}
	}
	a.f.imports = append(a.f.imports, imp)
	root, _, _ := strings.Cut(imp.Module, ".")
	switch root {
	case "slowapi", "fastapi_limiter", "fastapi_throttle", "limits":
		a.f.limiter = true
	}
}

func (a *fileAnalyzer) relativeBase(level int, mod string) string {
	parts := strings.Split(a.f.module, ".")
	if !a.f.isPkg && len(parts) > 0 {
		parts = parts[:len(parts)-1]
	}
	up := level - 1
	if up > len(parts) {
		up = len(parts)
	}
	parts = parts[:len(parts)-up]
	return joinDot(strings.Join(parts, "."), mod)
}

func joinDot(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

func lastSeg(d string) string {
	if i := strings.LastIndexByte(d, '.'); i >= 0 {
		return d[i+1:]
	}
	return d
}

func (c *fctx) funcName() string {
	if c.fn == nil {
		return ""
	}
	if c.fn.class != "" {
		return c.fn.class + "." + c.fn.name
	}
	return c.fn.name
}

func (a *fileAnalyzer) visit(n *node, c *fctx) {
	switch n.kind {
	case "import_statement", "import_from_statement":
		a.doImport(n)
		return
	case "decorated_definition":
		def := n.child("definition")
		var decos []*node
		for _, d := range n.children {
			if d.kind == "decorator" {
				decos = append(decos, d)
			}
		}
		switch def.kind {
		case "function_definition":
			a.doFunc(def, decos, c)
		case "class_definition":
			a.doClass(def, decos, c)
		}
		return
	case "function_definition":
		a.doFunc(n, nil, c)
		return
	case "class_definition":
		a.doClass(n, nil, c)
		return
	case "assignment":
		a.doAssign(n, c)
	case "call":
		a.doCall(n, c)
	case "comparison_operator":
		a.doCompare(n, c)
		for _, ch := range n.children {
			if x := unparen(ch); ch.named && x != nil && x.kind == "call" {
				if a.compared == nil {
					a.compared = map[*node]bool{}
				}
				a.compared[x] = true
			}
		}
	case "boolean_operator":
		a.orFallback(n)
	case "raise_statement":
		a.doRaise(n, c)
	case "return_statement":
		a.doReturn(n, c)
	case "if_statement":
		a.doIf(n, c)
		if c.fn == nil && c.cls == nil && !a.manualTest && a.mainGuard(n) {
			a.manualTest = true
			for _, ch := range n.children {
				a.visit(ch, c)
			}
			a.manualTest = false
			return
		}
		if a.visitIf(n, c) {
			return
		}
	case "list_comprehension", "set_comprehension", "generator_expression", "dictionary_comprehension":
		a.markFilterComparisons(n)
	case "await":
		a.doAwait(n, c)
	case "yield":
		if c.fn != nil {
			c.fn.generator = true
		}
	case "except_clause":
		if al := n.child("alias"); al != nil && al.kind == "identifier" {
			nc := *c
			nc.excVars = copySet(c.excVars)
			nc.excVars[al.text(a.src)] = true
			nc.excTypes = withType(c.excTypes, al.text(a.src), a.exceptTypes(n))
			for _, ch := range n.children {
				a.visit(ch, &nc)
			}
			return
		}
		// `except E as e` in older grammars: value is an as_pattern.
		for _, ch := range n.children {
			if ch.kind == "as_pattern" {
				if al := ch.child("alias"); al != nil {
					nc := *c
					nc.excVars = copySet(c.excVars)
					nc.excVars[strings.TrimSpace(al.text(a.src))] = true
					nc.excTypes = withType(c.excTypes, strings.TrimSpace(al.text(a.src)), a.exceptTypes(n))
					for _, ch2 := range n.children {
						a.visit(ch2, &nc)
					}
					return
				}
			}
		}
	case "for_statement":
		if nc := a.loopOverDict(n, c); nc != nil {
			for _, ch := range n.children {
				a.visit(ch, nc)
			}
			return
		}
	}
	for _, ch := range n.children {
		a.visit(ch, c)
	}
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// loopOverDict recognises `for k, v in HEADERS.items():` over a known dict.
func (a *fileAnalyzer) loopOverDict(n *node, c *fctx) *fctx {
	left, right := n.child("left"), unparen(n.child("right"))
	if left == nil || right == nil || right.kind != "call" {
		return nil
	}
	fn := right.child("function")
	if fn == nil || fn.kind != "attribute" || fn.child("attribute").text(a.src) != "items" {
		return nil
	}
	names := left.namedChildren()
	if len(names) != 2 || names[0].kind != "identifier" || names[1].kind != "identifier" {
		return nil
	}
	obj := dotted(fn.child("object"), a.src)
	var d *expr
	if c.fn != nil {
		if rs := c.fn.localAssigns[obj]; len(rs) > 0 {
			d = a.b.build(rs[len(rs)-1])
		}
	}
	if d == nil {
		if as := a.f.consts[obj]; as != nil {
			d = as.e
		}
	}
	if d == nil || d.kind != "dict" {
		return nil
	}
	nc := *c
	nc.loopDict = map[string]*expr{names[0].text(a.src): d}
	nc.loopVal = map[string]string{names[0].text(a.src): names[1].text(a.src)}
	return &nc
}

// scanLocals collects the names a function binds and their assignments.
func (a *fileAnalyzer) scanLocals(fn *pyFunc, body *node) {
	var visit func(n *node)
	bind := func(t *node, right *node) {
		t = unparen(t)
		if t == nil {
			return
		}
		switch t.kind {
		case "identifier":
			nm := t.text(a.src)
			fn.locals[nm] = true
			if right != nil {
				fn.localAssigns[nm] = append(fn.localAssigns[nm], right)
			}
		case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list":
			for _, c := range t.namedChildren() {
				if c.kind == "identifier" {
					fn.locals[c.text(a.src)] = true
				}
			}
		}
	}
	visit = func(n *node) {
		switch n.kind {
		case "function_definition", "class_definition", "lambda":
			if nm := n.child("name"); nm != nil {
				fn.locals[nm.text(a.src)] = true
			}
			return
		case "assignment":
			bind(n.child("left"), n.child("right"))
		case "augmented_assignment":
			bind(n.child("left"), n)
		case "for_statement", "for_in_clause":
			bind(n.child("left"), nil)
		case "named_expression":
			bind(n.child("name"), n.child("value"))
		case "as_pattern":
			if al := n.child("alias"); al != nil {
				for _, c := range al.namedChildren() {
					bind(c, nil)
				}
				bind(al, nil)
			}
		case "except_clause":
			if al := n.child("alias"); al != nil {
				bind(al, nil)
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

func (a *fileAnalyzer) doFunc(def *node, decos []*node, c *fctx) {
	nameNode := def.child("name")
	if nameNode == nil {
		return
	}
	fn := &pyFunc{name: nameNode.text(a.src), line: def.line, file: a.f, inner: map[string]*pyFunc{}, parent: c.fn,
		localAssigns: map[string][]*node{}, locals: map[string]bool{}}
	for _, ch := range def.children {
		if ch.kind == "async" {
			fn.async = true
		}
	}
	if c.cls != nil && c.fn == nil {
		fn.class = c.cls.name
	}
	if rt := def.child("return_type"); rt != nil {
		fn.returnAnn = clip(rt.bytes(a.src), maxTextLen)
	}
	// Parameters.
	if ps := def.child("parameters"); ps != nil {
		for _, p := range ps.namedChildren() {
			a.doParam(fn, p)
		}
	}
	for _, p := range fn.params {
		fn.locals[p.name] = true
	}
	body := def.child("body")
	fn.body = body
	a.scanLocals(fn, body)
	a.flowSources(fn, body)
	a.checkCalls(fn, body)
	fn.allowChecks = a.allowlistChecks(fn, body)
	a.shapeHandler(fn, body)

	switch {
	case c.fn != nil:
		c.fn.inner[fn.name] = fn
	case c.cls != nil:
		c.cls.methods[fn.name] = fn
	default:
		a.f.funcs[fn.name] = fn
	}

	nc := &fctx{fn: fn, cls: c.cls}
	restore := a.b.scope(c.fn) // decorators are evaluated in the enclosing scope
	for _, d := range decos {
		a.doDecorator(d, fn, c, nc)
	}
	a.b.scope(fn)
	if body != nil {
		a.visit(body, nc)
	}
	restore()
}

func (a *fileAnalyzer) doParam(fn *pyFunc, p *node) {
	var nameN, typeN, defN *node
	switch p.kind {
	case "identifier":
		nameN = p
	case "typed_parameter":
		nameN = p.firstNamed("identifier")
		typeN = p.child("type")
	case "default_parameter":
		nameN, defN = p.child("name"), p.child("value")
	case "typed_default_parameter":
		nameN, typeN, defN = p.child("name"), p.child("type"), p.child("value")
	default:
		return
	}
	if nameN == nil || nameN.kind != "identifier" {
		return
	}
	pp := pyParam{name: nameN.text(a.src), line: p.line}
	if defN != nil {
		if fn.paramDefaults == nil {
			fn.paramDefaults = map[string]*expr{}
		}
		fn.paramDefaults[pp.name] = a.b.build(defN)
	}
	if strings.Contains(strings.ToLower(pp.name), "signature") {
		fn.signature = true // x_hub_signature_256: str = Header(...)
	}
	if typeN != nil {
		pp.annotation = clip(typeN.bytes(a.src), maxTextLen)
		pp.annName, pp.marker = a.annotationInfo(typeN)
	}
	if defN != nil {
		if m := a.markerCall(defN); m != nil {
			pp.marker = m
		}
		a.paramSecret(fn, pp.name, defN)
		if d := unparen(defN); d.kind == "attribute" {
			fname := fn.name
			if fn.class != "" {
				fname = fn.class + "." + fn.name
			}
			a.f.defaults = append(a.f.defaults, &paramDefault{line: d.line, function: fname, param: pp.name, e: a.b.build(d)})
		}
	}
	if pp.marker != nil {
		pp.markerName = lastSeg(pp.marker.fn.dot)
	}
	if strings.Contains(pp.annotation, "OAuth2PasswordRequestForm") {
		fn.passwordForm = true
	}
	if pp.marker != nil {
		kind := paramMarkers[pp.markerName]
		if kind == "depends" || kind == "security" {
			d := &depRef{param: pp.name, line: pp.marker.line, kind: kind, target: pp.marker.arg(0, "dependency"), ann: pp.annName, file: a.f,
				paramAnn: pp.annotation}
			fn.deps = append(fn.deps, d)
			a.f.depTargets = append(a.f.depTargets, d)
			if d.target != nil && strings.Contains(d.target.dot, "OAuth2PasswordRequestForm") {
				fn.passwordForm = true
			}
		}
	}
	fn.params = append(fn.params, pp)
}

// markerCall returns the expr of n when it is a call to a FastAPI parameter function.
func (a *fileAnalyzer) markerCall(n *node) *expr {
	n = unparen(n)
	if n == nil || n.kind != "call" {
		return nil
	}
	d := dotted(n.child("function"), a.src)
	if _, ok := paramMarkers[lastSeg(d)]; !ok {
		return nil
	}
	return a.b.build(n)
}

// annotationInfo returns the main type name of an annotation and a marker
// call written inside Annotated[...].
func (a *fileAnalyzer) annotationInfo(t *node) (string, *expr) {
	var marker *expr
	var names []string
	t.walk(func(n *node) bool {
		switch n.kind {
		case "call":
			if m := a.markerCall(n); m != nil && marker == nil {
				marker = m
			}
			return false
		case "identifier", "attribute":
			names = append(names, dotted(n, a.src))
			return false
		}
		return true
	})
	for _, nm := range names {
		switch lastSeg(nm) {
		case "Annotated", "Optional", "Union":
			continue
		}
		return nm, marker
	}
	return "", marker
}

func (a *fileAnalyzer) doDecorator(d *node, fn *pyFunc, outer, inner *fctx) {
	en := d.firstNamed("")
	if en == nil {
		return
	}
	en = unparen(en)
	a.functionDecorator(en, fn)
	callee := en
	if en.kind == "call" {
		callee = en.child("function")
	}
	switch lastSeg(dotted(callee, a.src)) {
	case "command", "group", "callback":
		fn.isCommand = true // @cli.command(), @click.group, @app.callback() (click, typer)
	}
	if en.kind != "call" {
		return
	}
	fnN := en.child("function")
	if fnN == nil || fnN.kind != "attribute" {
		a.visit(en, outer)
		return
	}
	method := fnN.child("attribute").text(a.src)
	recv := a.ident(dotted(fnN.child("object"), a.src))
	switch {
	case routeMethods[method]:
		fn.isRoute = true
		call := a.b.build(en)
		rd := &routeDecl{recv: recv, line: d.line, method: method, call: call, fn: fn}
		rd.decoDeps = a.depList(call.kwArg("dependencies"))
		a.f.routes = append(a.f.routes, rd)
		onParam(outer.fn, dotted(fnN.child("object"), a.src), &rd.recv, rd)
	case method == "middleware":
		h := &httpMwDecl{recv: recv, fn: fn}
		a.f.httpMw = append(a.f.httpMw, h)
		onParam(outer.fn, dotted(fnN.child("object"), a.src), &h.recv, h)
	case method == "exception_handler":
		// The handler's exception parameter is like an except alias.
		if len(fn.params) >= 2 {
			inner.excVars = map[string]bool{fn.params[1].name: true}
			inner.excTypes = map[string]string{fn.params[1].name: a.handledType(en)}
		}
		fn.excHandler = true
	case method == "limit" || method == "shared_limit":
		a.f.limiter = true
	}
	a.visit(en, outer)
}

// functionDecorator notes what a decorator says about the function it
// decorates: Starlette's @requires(...) authenticates, a pydantic
// validator checks the client's own input.
func (a *fileAnalyzer) functionDecorator(en *node, fn *pyFunc) {
	target := en
	if en.kind == "call" {
		target = en.child("function")
	}
	switch name := lastSeg(a.qual(dotted(target, a.src))); {
	case name == "requires", authDecorator(name):
		fn.requiresAuth = true
	case name == "validator", name == "field_validator", name == "model_validator", name == "root_validator":
		fn.validator = true
	}
}

// depList reads dependencies=[Depends(x), ...].
func (a *fileAnalyzer) depList(e *expr) []*depRef {
	if e == nil {
		return nil
	}
	var out []*depRef
	for _, it := range e.items {
		if it == nil || it.kind != "call" || it.fn == nil {
			continue
		}
		kind := paramMarkers[lastSeg(it.fn.dot)]
		if kind != "depends" && kind != "security" {
			continue
		}
		d := &depRef{line: it.line, kind: kind, target: it.arg(0, "dependency"), file: a.f}
		out = append(out, d)
		a.f.depTargets = append(a.f.depTargets, d)
	}
	return out
}

func (a *fileAnalyzer) doClass(def *node, decos []*node, c *fctx) {
	nameNode := def.child("name")
	if nameNode == nil {
		return
	}
	cls := &pyClass{name: nameNode.text(a.src), line: def.line, methods: map[string]*pyFunc{}, file: a.f}
	for _, d := range decos {
		if x := unparen(d.firstNamed("")); x != nil {
			if x.kind == "call" {
				x = x.child("function")
			}
			cls.dataclass = cls.dataclass || lastSeg(dotted(x, a.src)) == "dataclass"
		}
	}
	if sc := def.child("superclasses"); sc != nil {
		for _, b := range sc.namedChildren() {
			if b.kind == "keyword_argument" {
				continue
			}
			cls.bases = append(cls.bases, a.b.build(b))
		}
	}
	if c.fn == nil && c.cls == nil {
		a.f.classes[cls.name] = cls
	} else if c.fn != nil {
		if c.fn.classes == nil {
			c.fn.classes = map[string]*pyClass{}
		}
		c.fn.classes[cls.name] = cls
	}
	body := def.child("body")
	if body == nil {
		return
	}
	restore := a.b.scope(nil)
	a.visit(body, &fctx{cls: cls})
	restore()
}

func (a *fileAnalyzer) doAssign(n *node, c *fctx) {
	left, right, typ := unparen(n.child("left")), n.child("right"), n.child("type")
	if left == nil {
		return
	}
	switch left.kind {
	case "identifier":
		name := left.text(a.src)
		var e *expr
		if right != nil && right.kind != "assignment" {
			e = a.b.build(right)
		}
		switch {
		case c.fn == nil && c.cls == nil:
			if e != nil {
				a.f.consts[name] = &assign{e: e, line: n.line}
				if names.Python.IsSecret(name) {
					if s, ok := e.strLit(); ok {
						a.addSecret(right.line, name, "const", s)
					}
					if e.kind == "list" || e.kind == "tuple" || e.kind == "set" {
						for _, it := range e.items {
							if s, ok := it.strLit(); ok {
								a.addSecretSite(secretSite{line: it.line, name: name, kind: "const", inList: true}, s)
							}
						}
					}
				}
			}
		case c.cls != nil && c.fn == nil && name != "model_config" && !strings.HasPrefix(name, "__"):
			fld := classField{name: name, line: n.line, value: e, hasDefault: right != nil}
			if typ != nil {
				fld.annotation = clip(typ.bytes(a.src), maxTextLen)
			}
			c.cls.fields = append(c.cls.fields, fld)
		}
		if right != nil {
			r := unparen(right)
			if r.kind == "call" {
				a.construction(r, name, c)
				a.fallbackSecret(r, a.qual(dotted(r.child("function"), a.src)), name)
			}
		}
	case "pattern_list", "tuple_pattern":
		// public_app, app, app_apikey = get_routers()
		if r := unparen(right); c.fn == nil && c.cls == nil && r != nil && r.kind == "call" {
			e := a.b.build(r)
			for i, x := range left.namedChildren() {
				if x.kind == "identifier" {
					a.f.unpacked[x.text(a.src)] = unpackedName{call: e, index: i, line: n.line}
				}
			}
		}
	case "attribute":
		if right == nil {
			return
		}
		target := dotted(left, a.src)
		attr := left.child("attribute").text(a.src)
		obj := dotted(left.child("object"), a.src)
		if target == "" {
			target = clip(left.bytes(a.src), maxTextLen)
		}
		if strings.HasPrefix(target, "self.") || strings.HasPrefix(target, "cls.") {
			a.initAttr(c, target, attr, right)
			switch attr {
			case "check_hostname", "verify_mode", "minimum_version", "maximum_version", "debug", "options":
			default:
				return
			}
		}
		at := &attrDecl{recv: a.ident(obj), line: n.line, target: target, attr: attr,
			value: a.b.build(right), function: c.funcName()}
		a.f.attrs = append(a.f.attrs, at)
		onParam(c.fn, obj, &at.recv, at)
	case "subscript":
		if right == nil {
			return
		}
		obj := dotted(left.child("value"), a.src)
		if obj == "headers" || strings.HasSuffix(obj, ".headers") {
			a.headerSet(left.child("subscript"), right, n.line, c)
		}
		a.subscriptSecret(left, right)
	}
}

func (a *fileAnalyzer) headerSet(keyN, valN *node, line int, c *fctx) {
	keyN = unparen(keyN)
	if keyN == nil {
		return
	}
	if name, _, ok := stringLit(keyN, a.src); ok {
		a.addHeader(name, a.b.build(valN), line, c)
		return
	}
	if keyN.kind == "identifier" && c.loopDict != nil {
		k := keyN.text(a.src)
		if d := c.loopDict[k]; d != nil {
			valIsLoopVal := valN != nil && unparen(valN).kind == "identifier" && unparen(valN).text(a.src) == c.loopVal[k]
			for i, key := range d.keys {
				name, ok := key.strLit()
				if !ok {
					continue
				}
				v := a.b.build(valN)
				if valIsLoopVal {
					v = d.items[i]
				}
				a.addHeader(name, v, line, c)
			}
		}
	}
}

func (a *fileAnalyzer) addHeader(name string, v *expr, line int, c *fctx) {
	h := Header{Name: name, Path: a.f.path, Line: line, Function: c.funcName()}
	if c.cls != nil {
		h.Class = c.cls.name
	}
	if s, ok := v.strLit(); ok {
		h.Value, h.Known = s, true
	} else if v != nil {
		h.Value = v.text
		if b, ok := v.lit.([]byte); ok {
			h.Value, h.Known = string(b), true
		}
	}
	a.f.headers = append(a.f.headers, h)
	if c.fn != nil {
		c.fn.headers = append(c.fn.headers, h)
	}
}

// construction records app, router and security scheme constructions.
func (a *fileAnalyzer) construction(call *node, varName string, c *fctx) {
	if a.handled[call] {
		return
	}
	q := a.qual(dotted(call.child("function"), a.src))
	if q == "" {
		return
	}
	last := lastSeg(q)
	switch {
	case q == "fastapi.FastAPI" || q == "fastapi.applications.FastAPI":
		a.handled[call] = true
		a.f.apps = append(a.f.apps, &appDecl{varName: varName, fnName: c.funcName(), ident: a.identVar(varName), line: call.line, framework: "fastapi", call: a.b.build(call)})
	case q == "starlette.applications.Starlette":
		a.handled[call] = true
		a.f.apps = append(a.f.apps, &appDecl{varName: varName, fnName: c.funcName(), ident: a.identVar(varName), line: call.line, framework: "starlette", call: a.b.build(call)})
	case q == "fastapi.APIRouter" || q == "fastapi.routing.APIRouter":
		a.handled[call] = true
		a.f.routers = append(a.f.routers, &routerDecl{varName: varName, fnName: c.funcName(), ident: a.identVar(varName), line: call.line, call: a.b.build(call)})
	case schemeClasses[last] && strings.HasPrefix(q, "fastapi"):
		a.handled[call] = true
		a.f.schemes = append(a.f.schemes, &schemeDecl{varName: varName, ident: a.identVar(varName), line: call.line, class: last, call: a.b.build(call)})
	}
}

func (a *fileAnalyzer) identVar(v string) string {
	if v == "" {
		return ""
	}
	return a.f.module + "." + v
}

// envRead recognises os.getenv(name, default), os.environ.get(name, default),
// os.environ[name], starlette/decouple config(name, default=...). It returns
// the variable name ("" when not literal) and the default expr.
func (a *fileAnalyzer) envRead(e *expr) (string, *expr) {
	return envReadQ(e, a.qual)
}

func envReadQ(e *expr, qual func(string) string) (string, *expr) {
	if e == nil || e.kind != "call" || e.fn == nil {
		return "", nil
	}
	q := qual(e.fn.dot)
	switch q {
	case "os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config":
		name, _ := e.arg(0, "key").strLit()
		return name, e.arg(1, "default")
	}
	return "", nil
}

func (a *fileAnalyzer) doCall(n *node, c *fctx) {
	fnN := n.child("function")
	if fnN == nil {
		return
	}
	a.recordCallSite(n, c)
	d := dotted(fnN, a.src)
	q := a.qual(d)
	method := lastSeg(q)
	if d == "" && fnN.kind == "attribute" {
		method = fnN.child("attribute").text(a.src)
		q = clip(fnN.bytes(a.src), maxTextLen)
	}
	var objDot string
	if fnN.kind == "attribute" {
		objDot = dotted(fnN.child("object"), a.src)
	}
	if method == "__init__" && c.fn != nil && fnN.kind == "attribute" {
		if obj := unparen(fnN.child("object")); obj != nil && obj.kind == "call" && dotted(obj.child("function"), a.src) == "super" {
			sup := a.b.build(n)
			c.fn.superInit = sup
			if st := statusOf(sup.arg(0, "status_code")); st != 0 {
				c.fn.superStatus = st
			}
		}
	}
	a.handlerCall(n, c, q, method, objDot)
	a.helperCall(n, d, c)
	switch method {
	case "include_router":
		inc := &includeDecl{recv: a.ident(objDot), line: n.line, call: a.b.build(n)}
		a.f.includes = append(a.f.includes, inc)
		onParam(c.fn, objDot, &inc.recv, inc)
	case "mount":
		if objDot != "" {
			mt := &includeDecl{recv: a.ident(objDot), line: n.line, call: a.b.build(n), mount: true}
			a.f.mounts = append(a.f.mounts, mt)
			onParam(c.fn, objDot, &mt.recv, mt)
		}
	case "add_middleware":
		e := a.b.build(n)
		mw := &mwDecl{recv: a.ident(objDot), line: n.line, call: e}
		a.f.mwAdds = append(a.f.mwAdds, mw)
		onParam(c.fn, objDot, &mw.recv, mw)
	case "add_api_route", "add_api_websocket_route":
		if fnN.kind == "attribute" {
			e := a.b.build(n)
			m := "add_api_route"
			if method == "add_api_websocket_route" {
				m = "websocket"
			}
			rd := &routeDecl{recv: a.ident(objDot), line: n.line, method: m, call: e}
			rd.decoDeps = a.depList(e.kwArg("dependencies"))
			a.f.routes = append(a.f.routes, rd)
			onParam(c.fn, objDot, &rd.recv, rd)
		}
	case "update", "setdefault", "append":
		if objDot == "headers" || strings.HasSuffix(objDot, ".headers") {
			args := n.child("arguments")
			if args != nil {
				as := args.namedChildren()
				if method == "update" && len(as) == 1 && unparen(as[0]).kind == "dictionary" {
					for _, p := range unparen(as[0]).namedChildren() {
						if p.kind == "pair" {
							a.headerSet(p.child("key"), p.child("value"), p.line, c)
						}
					}
				} else if method != "update" && len(as) == 2 {
					a.headerSet(as[0], as[1], n.line, c)
				}
			}
		}
	}
	if fnN.kind == "identifier" || fnN.kind == "attribute" {
		a.construction(n, "", c)
	}
	if sink := a.sinkOf(n); sink != "" && (len(c.excVars) > 0 || a.hasTraceback(n)) {
		a.exposures(n, sink, c, false)
	}
	written := clip(fnN.bytes(a.src), maxTextLen)
	// Secrets given to any call, and read from the environment or a
	// mapping with a literal fallback.
	a.callSecrets(n, written, q, c)
	if !a.interesting(q, d != "", method, n) {
		return
	}
	e := a.b.build(n)
	cd := &callDecl{line: n.line, callee: q, written: written, method: method, function: c.funcName(), e: e, sqlBuilt: "none"}
	a.sqlCall(cd, n, c)
	if args := n.child("arguments"); args != nil {
		args.walk(func(x *node) bool {
			if x.kind == "identifier" && names.Python.IsPassword(x.text(a.src)) {
				cd.credential = true
			}
			return !cd.credential
		})
	}
	a.jwtKey(cd, c)
	cd.peek = a.claimPeek(cd, n, c)
	a.f.calls = append(a.f.calls, cd)
}

// peekClaims are the claims read to choose how to verify a token (which
// audience, issuer or key it is for), not to trust who sent it.
var peekClaims = map[string]bool{"aud": true, "iss": true, "kid": true, "typ": true, "alg": true, "tid": true}

// claimPeek reports whether a jwt.decode result is only read for such
// claims: decoded = jwt.decode(t, options={"verify_signature": False});
// return decoded.get("aud") == AUDIENCE. The token is verified after, by
// the verifier the claim chooses.
func (a *fileAnalyzer) claimPeek(cd *callDecl, n *node, c *fctx) bool {
	if c.fn == nil || c.fn.body == nil || !(cd.callee == "jwt.decode" || strings.HasSuffix(cd.callee, ".jwt.decode")) {
		return false
	}
	name := ""
	for nm, rs := range c.fn.localAssigns {
		for _, r := range rs {
			if unparen(r) == n {
				name = nm
			}
		}
	}
	if name == "" {
		return false
	}
	uses, peeks := 0, 0
	c.fn.body.walk(func(x *node) bool {
		switch x.kind {
		case "identifier":
			if x.text(a.src) == name {
				uses++
			}
		case "call":
			f := unparen(x.child("function"))
			if f != nil && f.kind == "attribute" && f.child("attribute").text(a.src) == "get" && dotted(f.child("object"), a.src) == name {
				if args := x.child("arguments"); args != nil {
					if k, _, ok := stringLit(args.firstNamed(""), a.src); ok && peekClaims[k] {
						peeks++
					}
				}
			}
		case "subscript":
			if dotted(x.child("value"), a.src) == name {
				if subs := x.childrenField("subscript"); len(subs) == 1 {
					if k, _, ok := stringLit(subs[0], a.src); ok && peekClaims[k] {
						peeks++
					}
				}
			}
		}
		return x.kind != "function_definition" && x.kind != "lambda"
	})
	// Every use but the assignment reads a routing claim.
	return peeks > 0 && uses == peeks+1
}

func (a *fileAnalyzer) interesting(q string, isDotted bool, method string, n *node) bool {
	for _, p := range interestingPrefixes {
		if isDotted && strings.HasPrefix(q, p) {
			return true
		}
	}
	if sqlMethods[method] || method == "CryptContext" || method == "APIKeyQuery" {
		return true
	}
	if cookieSetters[method] {
		return a.cookieSetter(n)
	}
	if args := n.child("arguments"); args != nil {
		for _, k := range args.namedChildren() {
			v := k
			if k.kind == "keyword_argument" {
				switch k.child("name").text(a.src) {
				case "verify", "ssl", "ssl_context", "verify_ssl", "cert_reqs", "ssl_version", "ssl_cert_reqs", "minimum_version":
					return true
				}
				v = k.child("value")
			}
			// A TLS protocol or verification constant given to any call:
			// herp_derp(method=SSL.SSLv2_METHOD), wrap(ssl.PROTOCOL_TLSv1).
			if v = unparen(v); v != nil && v.kind == "attribute" && tlsConstRe.MatchString(v.child("attribute").text(a.src)) {
				return true
			}
		}
	}
	return false
}

// cookieSetters are the methods of a response that set a cookie, with
// Starlette's (and Django's, Flask's) keyword arguments: key, value,
// max_age, expires, path, domain, secure, httponly, samesite.
var cookieSetters = map[string]bool{"set_cookie": true, "set_signed_cookie": true}

// cookieSetter reports whether a set_cookie call is recorded: one on a
// response, with arguments that can all be read. A call with *args or
// **kwargs may set secure= in the mapping, and a cookie jar's
// set_cookie(cookie) (http.cookiejar, requests' and httpx' client
// cookies) takes a Cookie object, not a name: neither is recorded.
func (a *fileAnalyzer) cookieSetter(n *node) bool {
	args := n.child("arguments")
	if args == nil || args.kind != "argument_list" {
		return false
	}
	if fnN := n.child("function"); fnN != nil && fnN.kind == "attribute" {
		recv := strings.ToLower(fnN.child("object").text(a.src))
		if strings.HasSuffix(recv, "cookies") || strings.HasSuffix(recv, "jar") {
			return false
		}
	}
	for _, k := range args.namedChildren() {
		if k.kind == "list_splat" || k.kind == "dictionary_splat" {
			return false
		}
	}
	return true
}

// tlsConstRe matches the names of TLS protocol versions and certificate
// requirements of ssl and pyOpenSSL.
var tlsConstRe = regexp.MustCompile(`^(PROTOCOL_\w+|\w+_METHOD|CERT_\w+|TLSv1\w*|SSLv\w+)$`)

// mainGuard reports whether an if statement is `if __name__ == "__main__":`
// around code that is not a server start (uvicorn.run, app.run, serve):
// the manual test harness of a module.
func (a *fileAnalyzer) mainGuard(n *node) bool {
	cond := unparen(n.child("condition"))
	if cond == nil || cond.kind != "comparison_operator" || !strings.Contains(cond.text(a.src), "__name__") ||
		!strings.Contains(cond.text(a.src), "__main__") {
		return false
	}
	body := n.child("consequence")
	if body == nil {
		return false
	}
	server := false
	body.walk(func(x *node) bool {
		if x.kind == "call" {
			switch d := dotted(x.child("function"), a.src); {
			case strings.HasPrefix(d, "uvicorn."), strings.HasPrefix(d, "hypercorn."), strings.HasPrefix(d, "gunicorn."),
				lastSeg(d) == "run" || lastSeg(d) == "serve" || lastSeg(d) == "run_app" || lastSeg(d) == "main":
				server = true
			}
		}
		return !server
	})
	return !server
}
