package facts

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pipeguard/pipeguard/scan/names"
)

// authInfo is the memoised authentication analysis of one function.
type authInfo struct {
	fn        *pyFunc
	qual      string
	auth      bool
	reasons   []string
	schemes   []string
	computing bool
	soft      bool // reads credentials through a scheme with auto_error=False, without rejecting
}

// model builds the FastAPI facts of one project.
type model struct {
	p          *pyProject
	r          *resolver
	out        *Facts
	auth       map[*pyFunc]*authInfo
	authList   []*authInfo
	schemes    map[string]*schemeDecl // canonical ident -> scheme
	tokenURL   []string
	projTLS    projectTLS
	handlers   map[*pyFunc]bool    // route handlers
	returnedBy map[*pyFunc]bool    // functions whose result a route handler returns
	owners     map[*depRef]*pyFunc // the function whose parameters hold a dependency (depOwner)
	// includeTarget is the router an include_router call copied from a
	// helper includes: the one the helper's caller gives for the
	// parameter the call names (pyhelper.go).
	includeTarget map[*includeDecl]string
}

func addUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func appendStatus(list []int, st int) []int {
	for _, x := range list {
		if x == st {
			return list
		}
	}
	return append(list, st)
}

// funcQual is module.func or module.Class.method.
func funcQual(fn *pyFunc) string {
	if fn.class != "" {
		return fn.file.module + "." + fn.class + "." + fn.name
	}
	return fn.file.module + "." + fn.name
}

// analyzeFunc decides whether a dependency function authenticates.
func (m *model) analyzeFunc(fn *pyFunc) *authInfo {
	if fn == nil {
		return &authInfo{}
	}
	if ai, ok := m.auth[fn]; ok {
		return ai
	}
	ai := &authInfo{fn: fn, qual: funcQual(fn), computing: true}
	m.auth[fn] = ai
	m.resolveRaises(fn)
	if len(fn.raises) > 0 {
		ai.auth = true
		ai.reasons = addUnique(ai.reasons, "raises")
	}
	if fn.verifies && credentialParam(fn) {
		// verify_id_token(authorization) fails on a bad credential.
		ai.auth = true
		ai.reasons = addUnique(ai.reasons, "verifies")
	}

	for _, d := range fn.deps {
		auth, viaScheme, schemes := m.depAuth(d)
		if !auth {
			ai.soft = ai.soft || viaScheme
			continue
		}
		ai.auth = true
		if viaScheme {
			ai.reasons = addUnique(ai.reasons, "scheme")
		} else {
			ai.reasons = addUnique(ai.reasons, "depends")
		}
		for _, s := range schemes {
			ai.schemes = addUnique(ai.schemes, s)
		}
	}
	if fn.returnsName != "" {
		if in := fn.inner[fn.returnsName]; in != nil {
			sub := m.analyzeFunc(in)
			if sub.auth {
				ai.auth = true
				for _, x := range sub.reasons {
					ai.reasons = addUnique(ai.reasons, x)
				}
				for _, s := range sub.schemes {
					ai.schemes = addUnique(ai.schemes, s)
				}
			}
		}
	}
	for _, rc := range []*expr{fn.returnsCall, fn.awaitsCall} {
		if ai.auth || rc == nil || !credentialParam(fn) {
			continue
		}
		// return await resolve_org(x_api_key, authorization): a helper
		// of the project that rejects bad credentials does the checking.
		if s, ok := m.p.lookup(qualify(fn.file, calleeDot(rc)), 0); ok && s.kind == "func" && len(s.rest) == 0 && s.fn != fn {
			if sub := m.analyzeFunc(s.fn); sub.auth && !sub.computing {
				ai.auth = true
				ai.reasons = addUnique(ai.reasons, "raises")
			}
		}
	}
	if !ai.auth && authNamed(fn) {
		// A dependency named for authentication whose checks are out of
		// sight (an injected handler, a library) is taken at its word.
		ai.auth = true
		ai.reasons = addUnique(ai.reasons, "name")
	}
	ai.computing = false
	if ai.auth || ai.soft {
		// Listed even when it never rejects: that is what
		// auth-failure-not-rejected looks for.
		if !ai.auth {
			ai.reasons = addUnique(ai.reasons, "scheme")
		}
		m.authList = append(m.authList, ai)
	}
	return ai
}

// resolveRaises adds to fn.raises the 401/403 statuses of the project
// exception classes it raises: raise NotAuthenticated() where the class
// passes 401 to HTTPException.
func (m *model) resolveRaises(fn *pyFunc) {
	for _, rc := range fn.raisedClasses {
		if c := m.r.classOf(fn.file, rc); c != nil {
			if st := m.exceptionStatus(c); st == 401 || st == 403 {
				fn.raises = appendStatus(fn.raises, st)
			}
		}
	}
	fn.raisedClasses = nil
}

// exceptionStatus is the status a project exception class raised without
// arguments carries: the one its __init__ (the nearest in its hierarchy)
// passes to super().__init__, written there or as the default of the
// __init__ parameter it passes on (def __init__(self, message="...",
// status_code=401): super().__init__(message, status_code)).
func (m *model) exceptionStatus(c *pyClass) int {
	for _, k := range m.classHierarchy(c) {
		init := k.methods["__init__"]
		if init == nil {
			continue
		}
		if init.superStatus != 0 || init.superInit == nil {
			return init.superStatus
		}
		passed := append([]*expr{}, init.superInit.args...)
		for _, kw := range init.superInit.kw {
			passed = append(passed, kw.val)
		}
		for _, a := range passed {
			if a == nil || a.kind != "name" || !a.local {
				continue
			}
			if st := statusOf(init.paramDefaults[a.dot]); st == 401 || st == 403 {
				return st
			}
		}
		return 0
	}
	return 0
}

// depAuth resolves a Depends/Security target and says whether it
// authenticates, whether directly through a security scheme, and which
// scheme classes are involved.
func (m *model) depAuth(d *depRef) (auth, viaScheme bool, schemes []string) {
	return m.depAuthDepth(d, 0)
}

func (m *model) depAuthDepth(d *depRef, depth int) (auth, viaScheme bool, schemes []string) {
	t := d.target
	f := d.file
	if t == nil {
		if d.ann == "" {
			return false, false, nil
		}
		t = &expr{kind: "name", dot: d.ann}
	}
	if a, via, sch, ok := m.selfAuth(d, t, depth); ok {
		return a, via, sch
	}
	if t.kind == "name" && t.local && t.val != nil && depth <= maxFactoryDepth {
		// Depends(_authenticator) in the parameters of a dependency a
		// factory defines: a local of the factory (parameters are
		// evaluated where the function is defined), bound to the
		// dependency it names.
		return m.depAuthDepth(&depRef{param: d.param, line: d.line, kind: d.kind, target: t.val, file: f}, depth+1)
	}
	var q string
	switch t.kind {
	case "call":
		if t.fn == nil {
			return false, false, nil
		}
		q = qualify(f, t.fn.dot)
		if c := lastSeg(q); schemeClasses[c] && strings.HasPrefix(q, "fastapi") {
			return !softScheme(t), true, []string{c}
		}
	case "name", "attribute":
		q = qualify(f, t.dot)
		if c := lastSeg(q); strings.HasPrefix(q, "fastapi.security") && schemeClasses[c] {
			return true, true, []string{c}
		}
		if sc := m.schemes[m.p.canonical(q)]; sc != nil {
			return !softScheme(sc.call), true, []string{sc.class}
		}
	default:
		return false, false, nil
	}
	if authLibrary(q) {
		return true, true, []string{lastSeg(q)}
	}
	s, ok := m.p.lookup(q, 0)
	if !ok && !strings.Contains(q, ".") && f != nil && len(f.stars) > 0 {
		// A name no import binds may come from `from .utils import *`.
		s, ok = m.p.lookup(f.module+"."+q, 0)
	}
	if !ok {
		return false, false, nil
	}
	return m.symbolAuth(s, t, depth)
}

// symbolAuth says whether the project symbol a Depends/Security target t
// names authenticates: a function (or the dependency a factory returns),
// a class's __call__ or __init__, a scheme subclass, a module constant
// bound to a scheme or an auth library's dependency.
func (m *model) symbolAuth(s symbol, t *expr, depth int) (auth, viaScheme bool, schemes []string) {
	var fn *pyFunc
	switch s.kind {
	case "func":
		if t.kind == "call" {
			// A dependency factory: what matters is the dependency it returns.
			a, sch := m.factoryAuth(s.fn, t, depth)
			return a, false, sch
		}
		fn = s.fn
	case "class":
		if len(s.rest) == 1 && t.kind == "call" {
			// A static or class method that makes the dependency:
			// Depends(IdentityManagerFactory.get_auth_verifier(["read"])).
			if meth := s.cls.methods[s.rest[0]]; meth != nil {
				a, sch := m.factoryAuth(meth, t, depth)
				return a, false, sch
			}
			return false, false, nil
		}
		if len(s.rest) > 0 {
			return false, false, nil
		}
		if sc, ok := m.schemeSubclass(s.cls); ok {
			return !softScheme(t), true, []string{sc}
		}
		if t.kind == "call" {
			// An instance is the dependency: its __call__, inherited too.
			for _, k := range m.classHierarchy(s.cls) {
				if fn = k.methods["__call__"]; fn != nil {
					break
				}
			}
		} else {
			fn = s.cls.methods["__init__"]
			if fn == nil {
				fn = s.cls.methods["__call__"]
			}
		}
	case "const":
		// oauth2_scheme = OAuth2PasswordBearer(...) bound in another form, or
		// a dependency made by an auth library:
		// current_user = fastapi_users.current_user(active=True).
		if s.as.e != nil && s.as.e.kind == "call" && s.as.e.fn != nil {
			cq := qualify(s.f, s.as.e.fn.dot)
			if c := lastSeg(cq); schemeClasses[c] && strings.HasPrefix(cq, "fastapi") {
				return !softScheme(s.as.e), true, []string{c}
			}
			if authLibrary(cq) || lastSeg(cq) == "current_user" {
				return true, true, []string{lastSeg(cq)}
			}
			// An instance of a project class: auth_dependency =
			// AuthDependency(), _auth = ServiceAccount(token).
			if c := m.r.classOf(s.f, s.as.e.fn.dot); c != nil && len(s.rest) == 0 && !optionalNameRe.MatchString(s.name) {
				a, via, sch := m.instanceAuth(c, s.as.e, depth)
				return a, via, sch
			}
			return m.constCallAuth(s, t, depth)
		}
	}
	if fn == nil {
		return false, false, nil
	}
	ai := m.analyzeFunc(fn)
	if ai.computing {
		return false, false, nil
	}
	// A dependency for optional authentication lets anonymous users in.
	return ai.auth && !optionalNameRe.MatchString(fn.name), false, ai.schemes
}

// annotatedAliases gives parameters typed with an alias such as
// `CurrentUser = Annotated[User, Depends(get_current_user)]` the
// dependency written in the alias, as FastAPI does.
func (m *model) annotatedAliases() {
	var visit func(fn *pyFunc)
	visit = func(fn *pyFunc) {
		if fn == nil {
			return
		}
		for i := range fn.params {
			pp := &fn.params[i]
			if pp.marker != nil || pp.annName == "" {
				continue
			}
			s, ok := m.p.lookup(qualify(fn.file, pp.annName), 0)
			if !ok || s.kind != "const" || len(s.rest) > 0 || s.as.e == nil {
				continue
			}
			e := s.as.e
			if e.kind != "subscript" || e.obj == nil || lastSeg(e.obj.dot) != "Annotated" || e.sub == nil {
				continue
			}
			for _, it := range e.sub.items {
				if it == nil || it.kind != "call" || it.fn == nil {
					continue
				}
				name := lastSeg(it.fn.dot)
				kind, ok := paramMarkers[name]
				if !ok {
					continue
				}
				pp.marker, pp.markerName = it, name
				if kind == "depends" || kind == "security" {
					ann := ""
					if len(e.sub.items) > 0 && e.sub.items[0] != nil {
						ann = e.sub.items[0].dot
					}
					d := &depRef{param: pp.name, line: it.line, kind: kind, target: it.arg(0, "dependency"), ann: ann, file: s.f,
						paramAnn: e.text}
					fn.deps = append(fn.deps, d)
					fn.file.depTargets = append(fn.file.depTargets, d)
				}
				break
			}
		}
		for _, in := range fn.inner {
			visit(in)
		}
	}
	m.p.eachFunc(visit)
}

// strValue resolves e to a known string: a literal, a constant, a settings
// default, or an f-string of those (f"{settings.API_V1_STR}/login").
func (m *model) strValue(e *expr, f *pyFile) (string, bool) {
	if e == nil {
		return "", false
	}
	if s, ok := e.strLit(); ok {
		return s, true
	}
	v := m.r.resolve(e, f, 0)
	s, ok := v.Value.(string)
	return s, ok && v.Known
}

// authLibraries are packages whose dependencies authenticate.
var authLibraries = []string{"fastapi_users.", "fastapi_jwt_auth.", "async_fastapi_jwt_auth.", "fastapi_azure_auth.",
	"fastapi_auth0.", "fastapi_keycloak.", "fastapi_cloudauth.", "fief_client.", "propelauth_fastapi.", "fastapi_login."}

func authLibrary(q string) bool {
	for _, p := range authLibraries {
		if strings.HasPrefix(q, p) {
			return true
		}
	}
	return false
}

// dependency turns a depRef into a fact.
func (m *model) dependency(d *depRef, level string) Dependency {
	dep := Dependency{Kind: d.kind, Path: d.file.path, Line: d.line, Level: level, Param: d.param}
	switch {
	case d.target == nil:
		dep.Name = d.ann
		dep.Qualname = qualify(d.file, d.ann)
	case d.target.kind == "call" && d.target.fn != nil:
		dep.Name = d.target.text
		dep.Qualname = qualify(d.file, d.target.fn.dot)
	default:
		dep.Name = d.target.text
		dep.Qualname = qualify(d.file, d.target.dot)
	}
	if dep.Qualname == "" {
		dep.Qualname = dep.Name
	}
	if s, ok := m.p.lookup(dep.Qualname, 0); ok && s.kind != "module" {
		dep.Qualname = s.f.module + "." + s.name
		if len(s.rest) > 0 {
			dep.Qualname += "." + strings.Join(s.rest, ".")
		}
	}
	dep.Auth, _, _ = m.depAuth(d)
	dep.OptionalAuth = !dep.Auth && m.optionalAuthDep(d)
	return dep
}

// optionalAuthDep: a dependency named for optional authentication
// (get_optional_user, optional_auth_dependency, OptionalServiceAccount)
// that authenticates when credentials come.
func (m *model) optionalAuthDep(d *depRef) bool {
	t := d.target
	if t == nil || t.kind != "name" && t.kind != "attribute" && t.kind != "call" {
		return false
	}
	dot := t.dot
	if t.kind == "call" && t.fn != nil {
		dot = t.fn.dot
	}
	if !optionalWords(lastSeg(dot)) {
		return false
	}
	s, ok := m.p.lookup(qualify(d.file, dot), 0)
	if !ok || len(s.rest) > 0 {
		return authNamed(&pyFunc{name: strings.NewReplacer("optional", "", "Optional", "").Replace(lastSeg(dot))})
	}
	switch s.kind {
	case "func":
		ai := m.analyzeFunc(s.fn)
		return ai.auth || ai.soft || authNamed(&pyFunc{name: strings.NewReplacer("optional", "", "Optional", "").Replace(s.fn.name)})
	case "class":
		a, _, _ := m.instanceAuth(s.cls, nil, 0)
		return a
	case "const":
		if s.as.e != nil && s.as.e.kind == "call" && s.as.e.fn != nil {
			if c := m.r.classOf(s.f, s.as.e.fn.dot); c != nil {
				a, _, _ := m.instanceAuth(c, nil, 0)
				return a
			}
		}
	}
	return false
}

// optionalWords: a name that says the authentication is optional.
func optionalWords(name string) bool {
	if optionalNameRe.MatchString(name) {
		return true
	}
	for _, w := range names.Python.Words(name) {
		if w == "optional" || w == "anonymous" {
			return true
		}
	}
	return false
}

// constExpr follows a name to the module constant it is bound to, so that
// `middleware=MIDDLEWARE` reads the list written elsewhere.
func (m *model) constExpr(e *expr, f *pyFile) (*expr, *pyFile) {
	if e == nil || e.local || (e.kind != "name" && e.kind != "attribute") || e.dot == "" {
		return e, f
	}
	if s, ok := m.p.lookup(qualify(f, e.dot), 0); ok && s.kind == "const" && len(s.rest) == 0 && s.as.e != nil {
		return s.as.e, s.f
	}
	return e, f
}

// depsFrom reads dependencies=[...] from a call expr of file f.
func (m *model) depsFrom(e *expr, f *pyFile) []*depRef {
	e, f = m.constExpr(e, f)
	if e == nil {
		return nil
	}
	if e.kind == "binary" && e.attr == "+" {
		// [Depends(JWTAuth())] + extra_dependencies: what each side gives.
		return append(m.depsFrom(e.left, f), m.depsFrom(e.right, f)...)
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
		out = append(out, &depRef{line: it.line, kind: kind, target: it.arg(0, "dependency"), file: f})
	}
	return out
}

type levelDep struct {
	d     *depRef
	level string
}

// routerInfo is an APIRouter of the project.
type routerInfo struct {
	decl   *routerDecl
	f      *pyFile
	prefix string
	deps   []*depRef
}

type routeInfo struct {
	rd *routeDecl
	f  *pyFile
}

type includeInfo struct {
	inc *includeDecl
	f   *pyFile
}

var pathParamRe = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\}`)

var simpleTypes = map[string]bool{
	"str": true, "int": true, "float": true, "bool": true, "bytes": true, "list": true, "List": true, "set": true,
	"Set": true, "tuple": true, "Tuple": true, "UUID": true, "date": true, "datetime": true, "time": true,
	"timedelta": true, "Decimal": true, "None": true, "Literal": true, "EmailStr": true, "HttpUrl": true,
	"conint": true, "constr": true, "Sequence": true, "FrozenSet": true, "frozenset": true,
}

var requestTypes = map[string]bool{
	"Request": true, "WebSocket": true, "Response": true, "BackgroundTasks": true, "HTTPConnection": true,
	"SecurityScopes": true,
}

// params classifies a handler's parameters as FastAPI fills them.
func (m *model) params(fn *pyFunc, url string) []Param {
	out := []Param{}
	if fn == nil {
		return out
	}
	pathParams := map[string]bool{}
	for _, mm := range pathParamRe.FindAllStringSubmatch(url, -1) {
		pathParams[mm[1]] = true
	}
	for _, p := range fn.params {
		if p.name == "self" || p.name == "cls" {
			continue
		}
		pp := Param{Name: p.name, Line: p.line, Annotation: p.annotation}
		shared := ""
		if p.marker == nil {
			shared = m.sharedMarker(fn, p.name)
		}
		switch {
		case p.marker != nil:
			pp.Kind, pp.Explicit = paramMarkers[p.markerName], true
		case shared != "":
			pp.Kind, pp.Explicit = shared, true
		case requestTypes[lastSeg(p.annName)], p.annName == "" && (p.name == "request" || p.name == "websocket"):
			pp.Kind = "request"
		case pathParams[p.name]:
			pp.Kind = "path"
		case p.annName == "" || simpleTypes[lastSeg(p.annName)] || m.isEnumOrSimple(fn.file, p.annName):
			pp.Kind = "query"
		default:
			pp.Kind = "body"
		}
		if pp.Kind == "" {
			pp.Kind = "other"
		}
		out = append(out, pp)
	}
	return out
}

// sharedMarker is the kind of a parameter whose default is a module
// constant holding a marker (api_key: str = utils.api_key_header, where
// api_key_header = Header(None, alias="X-API-Key")); "" otherwise.
// Dependencies are left out: they are read where they are declared.
func (m *model) sharedMarker(fn *pyFunc, name string) string {
	d := fn.paramDefaults[name]
	if d == nil || d.dot == "" || d.kind != "name" && d.kind != "attribute" {
		return ""
	}
	s, ok := m.p.lookup(qualify(fn.file, d.dot), 0)
	if !ok || s.kind != "const" || len(s.rest) > 0 || s.as.e == nil || s.as.e.kind != "call" || s.as.e.fn == nil {
		return ""
	}
	switch k := paramMarkers[lastSeg(s.as.e.fn.dot)]; k {
	case "depends", "security":
		return ""
	default:
		return k
	}
}

func (m *model) isEnumOrSimple(f *pyFile, ann string) bool {
	c := m.r.classOf(f, ann)
	if c == nil {
		return false
	}
	for _, b := range c.bases {
		if b != nil && strings.HasSuffix(b.dot, "Enum") {
			return true
		}
	}
	return false
}

var loginLikeRe = regexp.MustCompile(`(?i)login|signin|sign_in|token|auth`)

// route builds the fact for one route, with the dependencies of the levels
// above it.
func (m *model) route(ri routeInfo, prefix string, router *routerInfo, above []levelDep) (Route, bool) {
	rd, f := ri.rd, ri.f
	fn := rd.fn
	if fn == nil && rd.method == "add_api_route" || rd.method == "websocket" && fn == nil {
		if ep := rd.call.arg(1, "endpoint"); ep != nil {
			if s, ok := m.p.lookup(qualify(f, ep.dot), 0); ok && s.kind == "func" {
				fn = s.fn
			}
		}
	}
	if fn == nil {
		return Route{}, false
	}
	m.handlers[fn] = true
	path, _ := m.strValue(rd.call.arg(0, "path"), f)
	url := joinURL(prefix, path)
	rt := Route{Path: fn.file.path, Line: fn.line, DecoratorLine: rd.line, URL: url, Handler: fn.name, Async: fn.async,
		RequestJSONLines: []int{}, FailureReturns: []FailureReturn{},
		WriteLines: append([]int{}, fn.writeLines...), VerifiesSignature: fn.signature,
		HandlerAuth: fn.handlerAuth, CookieOnly: fn.cookieOnly}
	rt.Methods = routeMethodsOf(rd)
	if router != nil {
		rt.Router, rt.RouterPath, rt.RouterLine = router.decl.varName, router.f.path, router.decl.line
	}
	rt.Dependencies = m.routeDependencies(fn, rd, url, above)
	for _, d := range rt.Dependencies {
		rt.Auth = rt.Auth || d.Auth
	}
	rt.Params = m.params(fn, url)
	rt.RequestJSONLines = append(rt.RequestJSONLines, fn.requestJSON...)
	rt.ValidatesBody = fn.validatesBody
	rt.DocsPage = returnsDocsPage(fn)
	rt.PasswordForm = fn.passwordForm
	rt.TokenURL = fn.passwordForm || m.isTokenURL(url)
	if rt.PasswordForm || rt.TokenURL || loginLikeRe.MatchString(fn.name) && submits(rt.Methods) {
		rt.FailureReturns = append(rt.FailureReturns, fn.failureReturns...)
	}
	return rt, true
}

// submits: the route takes a submission (credentials are posted, a GET
// named for a login block or page only reads).
func submits(methods []string) bool {
	for _, m := range methods {
		if m == "POST" || m == "PUT" || m == "PATCH" {
			return true
		}
	}
	return false
}

// routeMethodsOf is the HTTP methods of a route declaration.
func routeMethodsOf(rd *routeDecl) []string {
	switch rd.method {
	case "api_route", "route", "add_api_route":
		var out []string
		if ms := rd.call.kwArg("methods"); ms != nil {
			for _, it := range ms.items {
				if s, ok := it.strLit(); ok {
					out = append(out, strings.ToUpper(s))
				}
			}
		}
		if len(out) == 0 {
			return []string{"GET"}
		}
		return out
	case "websocket":
		return []string{"WEBSOCKET"}
	}
	return []string{strings.ToUpper(rd.method)}
}

// routeDependencies are the dependencies of a route at every level: its
// parameters, the class of a class-based view, its decorator, the handler
// itself when it rejects requests, then the levels above it (router,
// include_router, app).
func (m *model) routeDependencies(fn *pyFunc, rd *routeDecl, url string, above []levelDep) []Dependency {
	deps := []Dependency{}
	for _, d := range fn.deps {
		deps = append(deps, m.dependency(d, "param"))
	}
	for _, d := range m.classDeps(fn) {
		deps = append(deps, m.dependency(d, "class"))
	}
	for _, d := range rd.decoDeps {
		deps = append(deps, m.dependency(d, "decorator"))
	}
	if m.rejects(fn) && !fn.passwordForm && !m.isTokenURL(url) {
		// The handler turns unauthenticated requests away itself (a login
		// handler rejecting bad credentials is not authenticated).
		deps = append(deps, Dependency{Name: fn.name, Qualname: funcQual(fn),
			Kind: "raises", Path: fn.file.path, Line: fn.line, Level: "handler", Auth: true})
	}
	if fn.requiresAuth {
		deps = append(deps, Dependency{Name: "requires", Qualname: "starlette.authentication.requires",
			Kind: "requires", Path: fn.file.path, Line: fn.line, Level: "decorator", Auth: true})
	}
	deps = append(deps, m.injectedAuth(fn)...)
	for _, ld := range above {
		deps = append(deps, m.dependency(ld.d, ld.level))
	}
	return deps
}

func joinURL(prefix, path string) string {
	if prefix == "" {
		return path
	}
	if path == "" {
		return prefix
	}
	return strings.TrimSuffix(prefix, "/") + "/" + strings.TrimPrefix(path, "/")
}

func (m *model) isTokenURL(url string) bool {
	u := strings.Trim(url, "/")
	if u == "" {
		return false
	}
	for _, t := range m.tokenURL {
		t = strings.Trim(strings.TrimPrefix(t, "./"), "/")
		if t == "" {
			continue
		}
		if u == t || strings.HasSuffix(u, "/"+t) || strings.HasSuffix(t, "/"+u) {
			return true
		}
	}
	return false
}

// safeBuild runs build, turning a panic into an error so that the rest of
// the scan goes on.
func (m *model) safeBuild() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error building the FastAPI model of project %s: %v", m.p.root, r)
		}
	}()
	m.build()
	return nil
}

// build assembles apps, routers, routes and the other Python facts of the
// project, stage by stage.
func (m *model) build() {
	start := m.marks()
	m.annotatedAliases()
	m.securitySchemes()
	routers, order := m.routers()
	rv := m.receivers()
	included := map[*routerInfo]bool{}
	appIndex := m.apps(rv, routers, included)
	m.mounts(appIndex, rv.canon)
	m.unattachedRoutes(rv, routers, order, included)
	m.authDependencies(start)
	m.settleHasAuth(start)
	m.fileFacts()
}

// marks are where this project's facts start in the shared lists.
type marks struct{ apps, auth, schemes, unattached int }

func (m *model) marks() marks {
	return marks{len(m.out.Apps), len(m.out.AuthDependencies), len(m.out.SecuritySchemes), len(m.out.UnattachedRoutes)}
}

// securitySchemes lists the security schemes and remembers the OAuth2
// token URLs.
func (m *model) securitySchemes() {
	for _, f := range m.p.files {
		for _, sd := range f.schemes {
			if sd.ident != "" {
				m.schemes[sd.ident] = sd
			}
			ss := SecurityScheme{Path: f.path, Line: sd.line, Var: sd.varName, Class: sd.class, Args: m.args(sd.call, f)}
			if sd.class == "OAuth2PasswordBearer" || sd.class == "OAuth2" {
				if tu, ok := m.strValue(sd.call.arg(0, "tokenUrl"), f); ok {
					ss.TokenURL = tu
					m.tokenURL = append(m.tokenURL, tu)
				}
			}
			m.out.SecuritySchemes = append(m.out.SecuritySchemes, ss)
		}
	}
}

// routers are the project's APIRouters, by identity and in order, those
// built from APIRouter subclasses included.
func (m *model) routers() (map[string]*routerInfo, []*routerInfo) {
	byID := map[string]*routerInfo{}
	var order []*routerInfo
	for _, f := range m.p.files {
		for _, rd := range f.routers {
			ri := &routerInfo{decl: rd, f: f, deps: m.depsFrom(rd.call.kwArg("dependencies"), f)}
			ri.prefix, _ = m.strValue(rd.call.arg(-1, "prefix"), f)
			if rd.ident != "" {
				byID[rd.ident] = ri
			}
			order = append(order, ri)
		}
	}
	for _, ri := range append(m.subclassRouters(), m.factoryRouters()...) {
		byID[ri.decl.ident] = ri
		order = append(order, ri)
	}
	return byID, order
}

// receivers groups what the project attaches to apps and routers (routes,
// included routers, middleware, attributes) by the identity of the object
// it is attached to.
type receivers struct {
	canon    func(recv string) string
	routes   map[string][]routeInfo
	includes map[string][]includeInfo
	mw       map[string][]*mwDecl
	mwFile   map[*mwDecl]*pyFile
	http     map[string][]*httpMwDecl
	attrs    map[string][]AttributeAssignment
	limiter  bool // the project uses a rate limiter
}

func (m *model) receivers() *receivers {
	factoryApps := m.factoryApps()
	rv := &receivers{
		canon: func(recv string) string {
			k := m.p.canonical(recv)
			if a, ok := factoryApps[k]; ok {
				return a
			}
			return k
		},
		routes: map[string][]routeInfo{}, includes: map[string][]includeInfo{}, mw: map[string][]*mwDecl{},
		mwFile: map[*mwDecl]*pyFile{}, http: map[string][]*httpMwDecl{}, attrs: map[string][]AttributeAssignment{},
	}
	for _, f := range m.p.files {
		rv.limiter = rv.limiter || f.limiter
		for _, rd := range f.routes {
			k := rv.canon(rd.recv)
			rv.routes[k] = append(rv.routes[k], routeInfo{rd: rd, f: f})
		}
		for _, inc := range f.includes {
			k := rv.canon(inc.recv)
			rv.includes[k] = append(rv.includes[k], includeInfo{inc: inc, f: f})
		}
		for _, mw := range f.mwAdds {
			k := rv.canon(mw.recv)
			rv.mw[k] = append(rv.mw[k], mw)
			rv.mwFile[mw] = f
		}
		for _, h := range f.httpMw {
			k := rv.canon(h.recv)
			rv.http[k] = append(rv.http[k], h)
		}
		for _, at := range f.attrs {
			aa := AttributeAssignment{Path: f.path, Line: at.line, EndLine: f.endOf(at.line), Target: at.target, Attr: at.attr, Value: m.r.value(at.value, f, at.attr), Function: at.function}
			m.out.AttributeAssignments = append(m.out.AttributeAssignments, aa)
			k := rv.canon(at.recv)
			rv.attrs[k] = append(rv.attrs[k], aa)
		}
	}
	return rv
}

// factoryRouters are module-level routers made by a project function that
// builds APIRouters and returns them: router = make_router(), or one of a
// tuple (public_app, app, app_apikey = get_routers()). Each name is a
// router of its own module, with the dependencies and prefix of the
// router the factory builds at that position.
func (m *model) factoryRouters() []*routerInfo {
	var out []*routerInfo
	for _, f := range m.p.files {
		for _, name := range sortedNames(f) {
			call, index, line := f.boundCall(name)
			if call == nil || call.fn == nil {
				continue
			}
			s, ok := m.p.lookup(qualify(f, call.fn.dot), 0)
			if !ok || s.kind != "func" {
				continue
			}
			returned := s.fn.returnsVar
			if index >= 0 {
				if index >= len(s.fn.returnsTuple) {
					continue
				}
				returned = s.fn.returnsTuple[index]
			}
			if returned == "" {
				continue
			}
			for _, rd := range s.f.routers {
				if rd.fnName != s.fn.name || rd.varName != returned {
					continue
				}
				decl := &routerDecl{varName: name, ident: f.module + "." + name, line: line, call: rd.call}
				ri := &routerInfo{decl: decl, f: s.f, deps: m.depsFrom(rd.call.kwArg("dependencies"), s.f)}
				ri.prefix, _ = m.strValue(rd.call.arg(-1, "prefix"), s.f)
				out = append(out, ri)
			}
		}
	}
	return out
}

// sortedNames are the module names of a file bound to a call's result,
// by assignment or unpacking, in line order.
func sortedNames(f *pyFile) []string {
	names := sortedConsts(f)
	var unpacked []string
	for n := range f.unpacked {
		if _, dup := f.consts[n]; !dup {
			unpacked = append(unpacked, n)
		}
	}
	sort.Slice(unpacked, func(i, j int) bool {
		a, b := f.unpacked[unpacked[i]], f.unpacked[unpacked[j]]
		if a.line != b.line {
			return a.line < b.line
		}
		return a.index < b.index
	})
	return append(names, unpacked...)
}

// boundCall is the call whose result a module name holds, and its
// position in the unpacked result (-1: the whole result).
func (f *pyFile) boundCall(name string) (*expr, int, int) {
	if as := f.consts[name]; as != nil {
		if as.e == nil || as.e.kind != "call" {
			return nil, 0, 0
		}
		return as.e, -1, as.line
	}
	u := f.unpacked[name]
	return u.call, u.index, u.line
}

// factoryApps maps `app = create_app()` to the app the factory builds.
func (m *model) factoryApps() map[string]string {
	out := map[string]string{}
	for _, f := range m.p.files {
		for name, as := range f.consts {
			if as == nil || as.e == nil || as.e.kind != "call" || as.e.fn == nil {
				continue
			}
			s, ok := m.p.lookup(qualify(f, as.e.fn.dot), 0)
			if !ok || s.kind != "func" || s.fn.returnsVar == "" {
				continue
			}
			for _, ad := range s.f.apps {
				if ad.fnName == s.fn.name && ad.varName == s.fn.returnsVar {
					out[f.module+"."+name] = ad.ident
				}
			}
		}
	}
	return out
}

// apps builds every app of the project with its routes; it returns the
// index in m.out.Apps of each app by identity.
func (m *model) apps(rv *receivers, routers map[string]*routerInfo, included map[*routerInfo]bool) map[string]int {
	index := map[string]int{}
	for _, f := range m.p.files {
		for _, ad := range f.apps {
			app := m.app(ad, f, rv, routers, included)
			if ad.ident != "" {
				index[ad.ident] = len(m.out.Apps)
			}
			m.out.Apps = append(m.out.Apps, app)
		}
	}
	return index
}

// unattachedRoutes lists the routers and the routes no app reaches: those
// of routers no app includes, and those declared on receivers that are
// neither a known app nor a router.
func (m *model) unattachedRoutes(rv *receivers, routers map[string]*routerInfo, order []*routerInfo, included map[*routerInfo]bool) {
	for _, ri := range order {
		deps := []Dependency{}
		for _, d := range ri.deps {
			deps = append(deps, m.dependency(d, "router"))
		}
		m.out.Routers = append(m.out.Routers, Router{Path: ri.f.path, Line: ri.decl.line, Var: ri.decl.varName, Module: ri.f.module,
			Prefix: ri.prefix, Dependencies: deps, Included: included[ri]})
		if included[ri] {
			continue
		}
		var above []levelDep
		for _, d := range ri.deps {
			above = append(above, levelDep{d, "router"})
		}
		for _, rr := range rv.routes[ri.decl.ident] {
			if rt, ok := m.route(rr, ri.prefix, ri, above); ok {
				m.out.UnattachedRoutes = append(m.out.UnattachedRoutes, rt)
			}
		}
	}
	known := map[string]bool{}
	for _, f := range m.p.files {
		for _, ad := range f.apps {
			known[ad.ident] = true
		}
	}
	for id := range routers {
		known[id] = true
	}
	var orphans []string
	for k := range rv.routes {
		if !known[k] {
			orphans = append(orphans, k)
		}
	}
	sort.Strings(orphans)
	for _, k := range orphans {
		for _, rr := range rv.routes[k] {
			if rt, ok := m.route(rr, "", nil, nil); ok {
				m.out.UnattachedRoutes = append(m.out.UnattachedRoutes, rt)
			}
		}
	}
}

// failureReturns are the returns of an authentication dependency that
// let a failure through; a guard (guardDependency) has none, and a
// generator's bare return is the end of its clean-up after the response,
// not one. A dependency that only receives another authentication
// dependency (delegatedAuth) lets a failure through only where it decides
// on what it received (m.decidesOnCredentials).
func (m *model) failureReturns(ai *authInfo) []FailureReturn {
	fn := ai.fn
	if guardDependency(fn) {
		return nil
	}
	delegated := delegatedAuth(ai)
	var out []FailureReturn
	for _, r := range fn.noneReturns {
		if fn.generator && r.Value == "" {
			continue
		}
		if delegated && !m.decidesOnCredentials(fn, r.Line) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// delegatedAuth reports whether a dependency authenticates only through
// another authentication dependency it receives
// (principal = Depends(require_user)): it neither raises 401/403, nor
// verifies a credential, nor reads one through a scheme itself. Such a
// dependency (a rate limiter, an audit hook, a tenant lookup) runs after
// the authentication step has rejected failures; its own returns are
// not that step.
func delegatedAuth(ai *authInfo) bool {
	return len(ai.reasons) == 1 && ai.reasons[0] == "depends"
}

// decidesOnCredentials reports whether the return on line of a
// delegated dependency fn is a decision on the credentials: the condition
// leading to it names a parameter that receives an authentication
// dependency (if not user.is_active: return None), or checks credentials
// (doIf put it among fn.failureReturns).
func (m *model) decidesOnCredentials(fn *pyFunc, line int) bool {
	for _, r := range fn.failureReturns {
		if r.Line == line {
			return true
		}
	}
	cond, ok := fn.guards[line]
	if !ok {
		return false
	}
	for _, d := range fn.deps {
		if d.param == "" || !mentionsName(cond, d.param) {
			continue
		}
		if auth, _, _ := m.depAuth(d); auth {
			return true
		}
	}
	return false
}

// mentionsName reports whether the Python expression text mentions the
// variable name: as a whole word, not as an attribute (request.user).
func mentionsName(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if (start == 0 || !identByte(text[start-1]) && text[start-1] != '.') && (end == len(text) || !identByte(text[end])) {
			return true
		}
		i = end
	}
}

func identByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// guardDependency reports whether fn is a guard: it rejects with 401/403
// (raise HTTPException(403), or a project exception carrying the status)
// and never returns a value. FastAPI ignores what such a dependency
// returns, so its bare returns (if role == "admin": return, if camera is
// None: return) are the paths that let the request on by design: a failed
// check is the raise. A dependency that returns a user, or False, on some
// path is not a guard, and its None returns stay failures.
func guardDependency(fn *pyFunc) bool {
	if len(fn.raises) == 0 {
		return false
	}
	for _, r := range fn.returns {
		if r == nil || r.kind != "none" {
			return false
		}
	}
	return true
}

// dependencyConsumers adds to consumers the annotations of the
// parameters of other dependencies that receive a dependency
// (client: Client | None = Depends(authenticate_client_secret_basic)):
// a dependency that combines several optional ones takes None from them.
func (m *model) dependencyConsumers(consumers map[string][]string) {
	for _, f := range m.p.files {
		for _, d := range f.depTargets {
			if d.target == nil || (d.target.kind != "name" && d.target.kind != "attribute") || d.paramAnn == "" {
				continue
			}
			s, ok := m.p.lookup(qualify(d.file, d.target.dot), 0)
			if !ok || s.kind != "func" || len(s.rest) > 0 {
				continue
			}
			q := funcQual(s.fn)
			consumers[q] = append(consumers[q], d.paramAnn)
		}
	}
}

// authDependencies lists every authentication dependency of the project:
// those routes use, and every other function used as a dependency.
func (m *model) authDependencies(start marks) {
	for _, f := range m.p.files {
		for _, d := range f.depTargets {
			m.depAuth(d)
		}
	}
	consumers := m.consumerAnnotations(start.apps, start.unattached)
	m.dependencyConsumers(consumers)
	for _, ai := range m.authList {
		fn := ai.fn
		ad := AuthDependency{Function: fn.name, Qualname: ai.qual, Path: fn.file.path, Line: fn.line,
			Reasons: ai.reasons, Schemes: orEmpty(ai.schemes), Raises: fn.raises, ReturnsOnFailure: m.failureReturns(ai),
			Optional: optionalAuth(fn, consumers[ai.qual])}
		if fn.class != "" {
			ad.Function = fn.class + "." + fn.name
		}
		if ad.Raises == nil {
			ad.Raises = []int{}
		}
		if ad.ReturnsOnFailure == nil {
			ad.ReturnsOnFailure = []FailureReturn{}
		}
		m.out.AuthDependencies = append(m.out.AuthDependencies, ad)
	}
}

// settleHasAuth shares has_auth among apps that serve as one: an app
// mounted in another (outer.mount("/api", inner)) answers in the same
// process, so when either authenticates, an unauthenticated write route
// of the other is a gap too. Apps that only share a project (an API
// server and the internal workers it calls, each its own process) keep
// what their own routes and middleware say (appSummary). It runs after
// mounts, in as many rounds as there are mounts, for apps mounted in
// mounted apps.
func (m *model) settleHasAuth(start marks) {
	type place struct {
		path string
		line int
	}
	apps := m.out.Apps[start.apps:]
	index := map[place]int{}
	for i, a := range apps {
		index[place{a.Path, a.Line}] = i
	}
	type link struct{ inner, outer int }
	var links []link
	for i, a := range apps {
		for _, mt := range a.MountedIn {
			if o, ok := index[place{mt.AppPath, mt.AppLine}]; ok {
				links = append(links, link{i, o})
			}
		}
	}
	for range links {
		for _, l := range links {
			in, out := &apps[l.inner], &apps[l.outer]
			both := in.HasAuth || out.HasAuth
			in.HasAuth, out.HasAuth = both, both
		}
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// args resolves the keyword arguments of a call.
func (m *model) args(e *expr, f *pyFile) map[string]Value {
	out := map[string]Value{}
	if e == nil {
		return out
	}
	for _, k := range e.kw {
		out[k.name] = m.r.value(k.val, f, k.name)
	}
	return out
}

func (m *model) positional(args []*expr, f *pyFile, name func(int) string) []Value {
	out := []Value{}
	for i, a := range args {
		nm := ""
		if name != nil {
			nm = name(i)
		}
		out = append(out, m.r.value(a, f, nm))
	}
	return out
}

// app builds one app: its arguments and docs, its routes at every level,
// its middleware, and what they say about authentication, rate limiting
// and TLS.
func (m *model) app(ad *appDecl, f *pyFile, rv *receivers, routers map[string]*routerInfo, included map[*routerInfo]bool) App {
	app := App{Path: f.path, Line: ad.line, EndLine: f.endOf(ad.line), Project: f.project, Framework: ad.framework, Var: ad.varName, Module: f.module,
		Args: m.args(ad.call, f), Positional: m.positional(ad.call.args, f, nil), Attributes: []AttributeAssignment{},
		Dependencies: []Dependency{}, Middleware: []Middleware{}, HTTPMiddleware: []HTTPMiddleware{}, Routes: []Route{},
		Routers: []AppRouter{}, ResponseHeaders: []Header{}, AuthMiddleware: []AuthMiddleware{}, MountedIn: []Mount{}, Function: ad.fnName}
	app.Docs = appDocs(&app, ad, f)
	above := m.appRoutes(&app, ad, f, rv, routers, included)
	m.starletteRoutes(&app, ad, f, above)
	app.Docs.Pages = docsPages(&app)
	m.appMiddleware(&app, ad, f, rv)
	m.appSummary(&app, ad, rv)
	return app
}

// appDocs says whether the docs URLs of an app are served.
func appDocs(app *App, ad *appDecl, f *pyFile) Docs {
	docs := func(name string) DocsState {
		v, ok := app.Args[name]
		if !ok && ad.framework == "fastapi" && ad.call != nil && ad.call.splatKw {
			return DocsState{State: "unknown", Path: f.path, Line: ad.line} // FastAPI(**settings)
		}
		if !ok || ad.framework != "fastapi" {
			return DocsState{State: "default", Path: f.path, Line: ad.line}
		}
		st := DocsState{Path: f.path, Line: v.Line}
		switch {
		case !v.Known && v.Type == "fstring":
			st.State = "set" // an f-string is always a URL string, never None
		case !v.Known:
			st.State = "unknown"
		case v.Value == nil:
			st.State = "disabled"
		default:
			st.State = "set"
		}
		return st
	}
	return Docs{DocsURL: docs("docs_url"), RedocURL: docs("redoc_url"), OpenAPIURL: docs("openapi_url"), Pages: []DocsPage{}}
}

// docsPages lists the routes of an app that serve its docs: those
// returning FastAPI's docs pages, and those at the default URL of a docs
// page the app turned off (docs_url=None, then its own @app.get("/docs")).
func docsPages(app *App) []DocsPage {
	pages := []DocsPage{}
	for _, rt := range app.Routes {
		if rt.DocsPage || replacesDocs(app.Docs, rt) {
			pages = append(pages, DocsPage{URL: rt.URL, Path: rt.Path, Line: rt.Line})
		}
	}
	return pages
}

// replacesDocs: rt is a GET route at the default URL of a docs page that
// the app disables.
func replacesDocs(d Docs, rt Route) bool {
	if !slices.Contains(rt.Methods, "GET") {
		return false
	}
	switch strings.TrimSuffix(rt.URL, "/") {
	case "/docs":
		return d.DocsURL.State == "disabled"
	case "/redoc":
		return d.RedocURL.State == "disabled"
	}
	return false
}

// docsPageFuncs are FastAPI's functions that render a docs page.
var docsPageFuncs = map[string]bool{
	"fastapi.openapi.docs.get_swagger_ui_html": true,
	"fastapi.openapi.docs.get_redoc_html":      true,
}

// returnsDocsPage: the function returns a page of docsPageFuncs.
func returnsDocsPage(fn *pyFunc) bool {
	for _, c := range fn.returnedCalls {
		if c != nil && c.fn != nil && docsPageFuncs[qualify(fn.file, c.fn.dot)] {
			return true
		}
	}
	return false
}

// appRoutes attaches the routes declared on the app and on the routers it
// includes; it returns the app-level dependencies, which apply to every
// route.
func (m *model) appRoutes(app *App, ad *appDecl, f *pyFile, rv *receivers, routers map[string]*routerInfo, included map[*routerInfo]bool) []levelDep {
	appDeps := m.depsFrom(ad.call.kwArg("dependencies"), f)
	var above []levelDep
	for _, d := range appDeps {
		app.Dependencies = append(app.Dependencies, m.dependency(d, "app"))
		above = append(above, levelDep{d, "app"})
	}
	if ad.ident != "" {
		app.Attributes = append(app.Attributes, rv.attrs[ad.ident]...)
		m.walkRoutes(app, ad.ident, "", nil, above, rv, routers, included, map[string]bool{})
	}
	return above
}

// starletteRoutes attaches Starlette-style routes=[Route("/x", endpoint,
// methods=[...]), ...].
func (m *model) starletteRoutes(app *App, ad *appDecl, f *pyFile, above []levelDep) {
	rl, rf := m.constExpr(ad.call.kwArg("routes"), f)
	if rl == nil {
		return
	}
	for _, it := range rl.items {
		if it == nil || it.kind != "call" || it.fn == nil {
			continue
		}
		method := ""
		switch lastSeg(it.fn.dot) {
		case "Route", "APIRoute":
			method = "add_api_route"
		case "WebSocketRoute", "APIWebSocketRoute":
			method = "websocket"
		default:
			continue
		}
		rd := &routeDecl{line: it.line, method: method, call: it, decoDeps: m.depsFrom(it.kwArg("dependencies"), rf)}
		if rt, ok := m.route(routeInfo{rd: rd, f: rf}, "", nil, above); ok {
			app.Routes = append(app.Routes, rt)
		}
	}
}

// appMiddleware reads middleware=[Middleware(X, ...)], then add_middleware
// calls and @app.middleware("http") functions.
func (m *model) appMiddleware(app *App, ad *appDecl, f *pyFile, rv *receivers) {
	if ml, mf := m.constExpr(ad.call.kwArg("middleware"), f); ml != nil {
		for _, it := range ml.items {
			if it == nil || it.kind != "call" || len(it.args) == 0 {
				continue
			}
			app.Middleware = append(app.Middleware, m.middleware(it, mf, "middleware_list"))
		}
	}
	if ad.ident == "" {
		return
	}
	for _, mw := range rv.mw[ad.ident] {
		if len(mw.call.args) == 0 && mw.call.kwArg("middleware_class") == nil {
			continue
		}
		app.Middleware = append(app.Middleware, m.middleware(mw.call, rv.mwFile[mw], "add_middleware"))
	}
	for _, h := range rv.http[ad.ident] {
		hm := HTTPMiddleware{Function: h.fn.name, Path: h.fn.file.path, Line: h.fn.line, HeadersSet: append([]Header{}, h.fn.headers...)}
		app.HTTPMiddleware = append(app.HTTPMiddleware, hm)
		app.ResponseHeaders = append(app.ResponseHeaders, hm.HeadersSet...)
	}
}

// appSummary settles what the app's routes and middleware say:
// authentication, password login, rate limiting, response headers, TLS.
func (m *model) appSummary(app *App, ad *appDecl, rv *receivers) {
	limiter := rv.limiter
	for _, mw := range app.Middleware {
		app.ResponseHeaders = append(app.ResponseHeaders, mw.HeadersSet...)
		if strings.HasSuffix(mw.Class, "HTTPSRedirectMiddleware") {
			app.TLS.HTTPSRedirect = true
		}
		if rl := strings.ToLower(mw.Class); strings.Contains(rl, "ratelimit") || strings.Contains(rl, "limiter") || strings.Contains(rl, "throttl") {
			limiter = true
		}
	}
	app.RateLimiter = limiter
	app.AuthMiddleware = m.authMiddleware(app, rv.http[ad.ident])
	app.HasAuth = len(app.AuthMiddleware) > 0
	for _, rt := range app.Routes {
		for _, d := range rt.Dependencies {
			// A handler rejecting requests itself does not make the app one
			// that authenticates (a 403 may be a feature switch).
			app.HasAuth = app.HasAuth || d.Auth && d.Level != "handler"
		}
		app.PasswordForm = app.PasswordForm || rt.PasswordForm
	}
	for _, d := range app.Dependencies {
		app.HasAuth = app.HasAuth || d.Auth
	}
	for _, h := range app.ResponseHeaders {
		if strings.EqualFold(h.Name, "Strict-Transport-Security") {
			app.TLS.HSTS = true
		}
	}
	app.TLS.HSTS = app.TLS.HSTS || m.projTLS.hsts
	app.TLS.ServerTLS = m.projTLS.serverTLS
	app.TLS.ProxyTLS = m.projTLS.proxyTLS
}

func (m *model) middleware(call *expr, f *pyFile, via string) Middleware {
	cls := call.arg(0, "middleware_class")
	mw := Middleware{Path: f.path, Line: call.line, EndLine: f.endOf(call.line), Via: via, Args: map[string]Value{}, Positional: []Value{}, HeadersSet: []Header{}}
	if cls != nil {
		mw.Class = cls.text
		mw.Qualname = qualify(f, cls.dot)
		if c := m.r.classOf(f, cls.dot); c != nil {
			mw.Qualname = c.file.module + "." + c.name
			names := make([]string, 0, len(c.methods))
			for n := range c.methods {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				mw.HeadersSet = append(mw.HeadersSet, c.methods[n].headers...)
			}
		}
	}
	for _, k := range call.kw {
		if k.name == "middleware_class" {
			continue
		}
		mw.Args[k.name] = m.r.value(k.val, f, k.name)
	}
	if len(call.args) > 1 {
		mw.Positional = m.positional(call.args[1:], f, nil)
	}
	mw.UnknownKwargs, mw.UnknownArgs = call.splatKw, call.splatArgs
	return mw
}

// walkRoutes attaches the routes declared on ident (the app or a router it
// includes) with the given URL prefix and upper-level dependencies.
func (m *model) walkRoutes(app *App, ident, prefix string, router *routerInfo, above []levelDep, rv *receivers,
	routers map[string]*routerInfo, included map[*routerInfo]bool, visited map[string]bool) {
	if visited[ident] {
		return
	}
	visited[ident] = true
	for _, ri := range rv.routes[ident] {
		if rt, ok := m.route(ri, prefix, router, above); ok {
			app.Routes = append(app.Routes, rt)
		}
	}
	for _, ii := range rv.includes[ident] {
		rid := m.includedRouter(ii)
		ri := routers[rid]
		if ri == nil {
			continue
		}
		included[ri] = true
		incPrefix, _ := m.strValue(ii.inc.call.kwArg("prefix"), ii.f)
		full := joinURL(joinURL(prefix, incPrefix), ri.prefix)
		app.Routers = append(app.Routers, AppRouter{Var: ri.decl.varName, Path: ri.f.path, Line: ri.decl.line, Prefix: full,
			IncludePath: ii.f.path, IncludeLine: ii.inc.line})
		next := append([]levelDep{}, above...)
		for _, d := range m.depsFrom(ii.inc.call.kwArg("dependencies"), ii.f) {
			next = append(next, levelDep{d, "include"})
		}
		for _, d := range ri.deps {
			next = append(next, levelDep{d, "router"})
		}
		m.walkRoutes(app, rid, full, ri, next, rv, routers, included, visited)
	}
}

// includedRouter is the identity of the router an include_router call
// includes: the one its helper's caller gives, or the name it is given.
func (m *model) includedRouter(ii includeInfo) string {
	if r, ok := m.includeTarget[ii.inc]; ok {
		return r
	}
	rexp := ii.inc.call.arg(0, "router")
	if rexp == nil || rexp.dot == "" {
		return ""
	}
	return m.p.canonical(identOf(ii.f, rexp.dot))
}

// identOf mirrors fileAnalyzer.ident for a file after analysis.
func identOf(f *pyFile, d string) string {
	first, rest, _ := strings.Cut(d, ".")
	if t, ok := f.alias[first]; ok {
		return joinDot(t, rest)
	}
	return f.module + "." + d
}

// fileFacts emits the per-file Python facts that need resolution.
func (m *model) fileFacts() {
	flow := newSQLFlow(m)
	for _, f := range m.p.files {
		m.callFacts(f, flow)
		m.comparisonFacts(f)
		m.secretFacts(f)
		m.defaultFacts(f)
		m.out.Imports = append(m.out.Imports, f.imports...)
		m.exposureFacts(f)
		m.out.ResponseHeaders = append(m.out.ResponseHeaders, f.headers...)
		m.classFacts(f)
	}
}

// callFacts lists the calls of interest of a file, arguments resolved.
func (m *model) callFacts(f *pyFile, flow *sqlFlow) {
	for _, cd := range f.calls {
		c := Call{Path: f.path, Line: cd.line, EndLine: f.endOf(cd.line), Callee: cd.callee, Written: cd.written, Method: cd.method, Function: cd.function,
			Args: m.args(cd.e, f), SQLBuiltWith: cd.sqlBuilt, SQLLine: cd.sqlLine, CredentialArg: cd.credential, ClaimPeek: cd.peek}
		if cd.sqlBuilt != "none" {
			c.SQLEndLine = f.endOf(cd.sqlLine)
			c.SQLValues, c.SQLOrigin = flow.sqlValues(cd.sqlHoles)
		}
		isJWT := strings.HasSuffix(cd.callee, "jwt.encode") || strings.HasSuffix(cd.callee, "jwt.decode")
		c.Positional = m.positional(cd.e.args, f, func(i int) string {
			if isJWT && i == 1 {
				return "secret"
			}
			return ""
		})
		c.UnknownKwargs, c.UnknownArgs = cd.e.splatKw, cd.e.splatArgs
		m.out.Calls = append(m.out.Calls, c)
	}
}

// comparisonFacts lists the credential comparisons of a file, saying
// whether a side is a constant.
func (m *model) comparisonFacts(f *pyFile) {
	for _, cd := range f.compares {
		c := Comparison{Path: f.path, Line: cd.line, EndLine: f.endOf(cd.line), Op: cd.op, Left: cd.ltext, Right: cd.rtext, Credential: true,
			LiteralSide: cd.literalSide, Function: cd.function, AuthContext: m.authContext(cd.fn)}
		for _, side := range []*expr{cd.left, cd.right} {
			if side == nil || (side.kind != "name" && side.kind != "attribute") {
				continue
			}
			v := m.r.resolve(side, f, 0)
			if s, ok := v.Value.(string); ok && v.Known && strings.TrimSpace(s) != "" && (v.Source == "const" || v.Source == "import") {
				c.ConstSide = true
			}
		}
		m.out.Comparisons = append(m.out.Comparisons, c)
	}
}

// authContext reports whether code in fn authenticates a request: fn or
// a function around it is a route handler, an authentication dependency,
// or named (with its class) for checking credentials. Elsewhere a
// credential compared with == is looked up, redacted, matched or
// compared with configuration, which no timing attack reaches.
func (m *model) authContext(fn *pyFunc) bool {
	if fn == nil {
		return true
	}
	for f := fn; f != nil; f = f.parent {
		if f.isRoute || authCheckName(f.name) || f.class != "" && authCheckName(f.class) {
			return true
		}
		if ai, ok := m.auth[f]; ok && ai.auth {
			return true
		}
	}
	return false
}

// checkVerb words before api_key make a name for checking one.
var checkVerb = map[string]bool{"require": true, "requires": true, "check": true, "ensure": true, "enforce": true}

// authCheckName: a name for checking credentials (verify_api_key,
// credentials_valid, token_valid, user_login, log_in_with_token,
// require_api_key, authenticate, AuthHandler).
func authCheckName(name string) bool {
	w := names.Python.Words(name)
	for i, x := range w {
		switch x {
		case "verify", "verified", "valid", "validate", "authenticate", "authenticated", "auth", "authorize", "authorized",
			"authn", "login", "logon", "signin", "password", "passwd", "token", "apikey", "jwt",
			"bearer":
			return true
		case "log", "sign":
			if i+1 < len(w) && (w[i+1] == "in" || w[i+1] == "on") {
				return true
			}
		case "api":
			// require_api_key, check_api_key; not get_api_keys_secret,
			// which only looks keys up.
			if i+1 < len(w) && (w[i+1] == "key" || w[i+1] == "keys") && i > 0 && checkVerb[w[i-1]] {
				return true
			}
		}
	}
	return false
}

// exposureFacts lists the exception details of a file that reach an HTTP
// answer.
func (m *model) exposureFacts(f *pyFile) {
	for _, e := range f.exposures {
		if m.exposed(f, e) && !httpExceptions(e.Caught) {
			e.CaughtKind = m.caughtKind(f, e.Caught)
			e.EndLine = f.endOf(e.Line)
			m.out.ExceptionExposures = append(m.out.ExceptionExposures, e.ExceptionExposure)
		}
	}
}

// classFacts lists the fields of settings classes, and literal secrets in
// class bodies.
func (m *model) classFacts(f *pyFile) {
	for _, n := range slices.Sorted(maps.Keys(f.classes)) {
		c := f.classes[n]
		if c == nil {
			continue
		}
		settings := m.r.settings[c]
		for _, fl := range c.fields {
			if settings {
				sf := SettingsField{Path: f.path, Line: fl.line, Class: c.name, Field: fl.name, Annotation: fl.annotation, HasDefault: fl.hasDefault}
				d := fieldDefault(fl.value)
				if d != nil {
					sf.Value = m.r.value(d, f, fl.name)
				} else {
					sf.Value = Value{Text: "", Line: fl.line, Type: "other", Source: "expr"}
					if fl.value != nil {
						sf.Value = m.r.value(fl.value, f, fl.name)
					}
				}
				m.out.Settings = append(m.out.Settings, sf)
			}
		}
		m.out.SecretLiterals = append(m.out.SecretLiterals, m.classSecrets(f, c, settings)...)
	}
}
