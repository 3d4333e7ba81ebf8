package facts

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// authInfo is the memoised authentication analysis of one function.
type authInfo struct {
	fn        *pyFunc
	qual      string
	auth      bool
	reasons   []string
	schemes   []string
	computing bool
}

// model builds the FastAPI facts of one project.
type model struct {
	p        *pyProject
	r        *resolver
	out      *Facts
	auth     map[*pyFunc]*authInfo
	authList []*authInfo
	schemes  map[string]*schemeDecl // canonical ident -> scheme
	tokenURL []string
	projTLS  projectTLS
}

// projectTLS summarises the non-Python TLS hints of a project.
type projectTLS struct {
	hsts, serverTLS, proxyTLS bool
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
	for _, rc := range fn.raisedClasses {
		// raise NotAuthenticated() where the class passes 401 to HTTPException.
		if c := m.r.classOf(fn.file, rc); c != nil {
			if init := c.methods["__init__"]; init != nil && (init.superStatus == 401 || init.superStatus == 403) {
				fn.raises = appendStatus(fn.raises, init.superStatus)
			}
		}
	}
	fn.raisedClasses = nil
	if len(fn.raises) > 0 {
		ai.auth = true
		ai.reasons = addUnique(ai.reasons, "raises")
	}
	for _, d := range fn.deps {
		auth, viaScheme, schemes := m.depAuth(d)
		if !auth {
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
	ai.computing = false
	if ai.auth {
		m.authList = append(m.authList, ai)
	}
	return ai
}

// depAuth resolves a Depends/Security target and says whether it
// authenticates, whether directly through a security scheme, and which
// scheme classes are involved.
func (m *model) depAuth(d *depRef) (auth, viaScheme bool, schemes []string) {
	t := d.target
	f := d.file
	if t == nil {
		if d.ann == "" {
			return false, false, nil
		}
		t = &expr{kind: "name", dot: d.ann}
	}
	var q string
	switch t.kind {
	case "call":
		if t.fn == nil {
			return false, false, nil
		}
		q = qualify(f, t.fn.dot)
		if c := lastSeg(q); schemeClasses[c] && strings.HasPrefix(q, "fastapi") {
			return true, true, []string{c}
		}
	case "name", "attribute":
		q = qualify(f, t.dot)
		if c := lastSeg(q); strings.HasPrefix(q, "fastapi.security") && schemeClasses[c] {
			return true, true, []string{c}
		}
		if sc := m.schemes[m.p.canonical(q)]; sc != nil {
			return true, true, []string{sc.class}
		}
	default:
		return false, false, nil
	}
	if authLibrary(q) {
		return true, true, []string{lastSeg(q)}
	}
	s, ok := m.p.lookup(q, 0)
	if !ok {
		return false, false, nil
	}
	var fn *pyFunc
	switch s.kind {
	case "func":
		fn = s.fn
		if t.kind == "call" && fn.returnsName != "" {
			fn = fn.inner[fn.returnsName]
		}
	case "class":
		if t.kind == "call" {
			fn = s.cls.methods["__call__"]
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
				return true, true, []string{c}
			}
			if authLibrary(cq) || lastSeg(cq) == "current_user" {
				return true, true, []string{lastSeg(cq)}
			}
		}
	}
	if fn == nil {
		return false, false, nil
	}
	ai := m.analyzeFunc(fn)
	if ai.computing {
		return false, false, nil
	}
	return ai.auth, false, ai.schemes
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
					d := &depRef{param: pp.name, line: it.line, kind: kind, target: it.arg(0, "dependency"), ann: ann, file: s.f}
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
	for _, f := range m.p.files {
		for _, fn := range f.funcs {
			visit(fn)
		}
		for _, c := range f.classes {
			if c == nil {
				continue
			}
			for _, fn := range c.methods {
				visit(fn)
			}
		}
	}
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
	return dep
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
		switch {
		case p.marker != nil:
			pp.Kind, pp.Explicit = paramMarkers[p.markerName], true
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
	path, _ := m.strValue(rd.call.arg(0, "path"), f)
	url := joinURL(prefix, path)
	rt := Route{Path: fn.file.path, Line: fn.line, DecoratorLine: rd.line, URL: url, Handler: fn.name, Async: fn.async,
		Dependencies: []Dependency{}, RequestJSONLines: []int{}, FailureReturns: []FailureReturn{}}
	switch rd.method {
	case "api_route", "route", "add_api_route":
		if ms := rd.call.kwArg("methods"); ms != nil {
			for _, it := range ms.items {
				if s, ok := it.strLit(); ok {
					rt.Methods = append(rt.Methods, strings.ToUpper(s))
				}
			}
		}
		if len(rt.Methods) == 0 {
			rt.Methods = []string{"GET"}
		}
	case "websocket":
		rt.Methods = []string{"WEBSOCKET"}
	default:
		rt.Methods = []string{strings.ToUpper(rd.method)}
	}
	if router != nil {
		rt.Router, rt.RouterPath, rt.RouterLine = router.decl.varName, router.f.path, router.decl.line
	}
	for _, d := range fn.deps {
		rt.Dependencies = append(rt.Dependencies, m.dependency(d, "param"))
	}
	for _, d := range rd.decoDeps {
		rt.Dependencies = append(rt.Dependencies, m.dependency(d, "decorator"))
	}
	for _, ld := range above {
		rt.Dependencies = append(rt.Dependencies, m.dependency(ld.d, ld.level))
	}
	for _, d := range rt.Dependencies {
		rt.Auth = rt.Auth || d.Auth
	}
	rt.Params = m.params(fn, url)
	rt.RequestJSONLines = append(rt.RequestJSONLines, fn.requestJSON...)
	rt.PasswordForm = fn.passwordForm
	rt.TokenURL = fn.passwordForm || m.isTokenURL(url)
	if rt.PasswordForm || rt.TokenURL || loginLikeRe.MatchString(fn.name) {
		rt.FailureReturns = append(rt.FailureReturns, fn.failureReturns...)
	}
	return rt, true
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

// build assembles apps, routers, routes and the other Python facts of the project.
func (m *model) build() {
	p := m.p
	appStart, authStart, schemeStart := len(m.out.Apps), len(m.out.AuthDependencies), len(m.out.SecuritySchemes)
	m.annotatedAliases()
	// Security schemes.
	for _, f := range p.files {
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
	// Routers.
	routers := map[string]*routerInfo{}
	var routerOrder []*routerInfo
	for _, f := range p.files {
		for _, rd := range f.routers {
			ri := &routerInfo{decl: rd, f: f, deps: m.depsFrom(rd.call.kwArg("dependencies"), f)}
			ri.prefix, _ = m.strValue(rd.call.arg(-1, "prefix"), f)
			if rd.ident != "" {
				routers[rd.ident] = ri
			}
			routerOrder = append(routerOrder, ri)
		}
	}
	// `app = create_app()` names the app the factory builds.
	factoryApps := map[string]string{}
	for _, f := range p.files {
		for name, as := range f.consts {
			if as == nil || as.e == nil || as.e.kind != "call" || as.e.fn == nil {
				continue
			}
			s, ok := p.lookup(qualify(f, as.e.fn.dot), 0)
			if !ok || s.kind != "func" || s.fn.returnsVar == "" {
				continue
			}
			for _, ad := range s.f.apps {
				if ad.fnName == s.fn.name && ad.varName == s.fn.returnsVar {
					factoryApps[f.module+"."+name] = ad.ident
				}
			}
		}
	}
	canon := func(recv string) string {
		k := p.canonical(recv)
		if a, ok := factoryApps[k]; ok {
			return a
		}
		return k
	}
	routesBy := map[string][]routeInfo{}
	includesBy := map[string][]includeInfo{}
	mwBy := map[string][]*mwDecl{}
	mwFile := map[*mwDecl]*pyFile{}
	httpBy := map[string][]*httpMwDecl{}
	attrsBy := map[string][]AttributeAssignment{}
	for _, f := range p.files {
		for _, rd := range f.routes {
			k := canon(rd.recv)
			routesBy[k] = append(routesBy[k], routeInfo{rd: rd, f: f})
		}
		for _, inc := range f.includes {
			k := canon(inc.recv)
			includesBy[k] = append(includesBy[k], includeInfo{inc: inc, f: f})
		}
		for _, mw := range f.mwAdds {
			k := canon(mw.recv)
			mwBy[k] = append(mwBy[k], mw)
			mwFile[mw] = f
		}
		for _, h := range f.httpMw {
			k := canon(h.recv)
			httpBy[k] = append(httpBy[k], h)
		}
		for _, at := range f.attrs {
			aa := AttributeAssignment{Path: f.path, Line: at.line, EndLine: at.endLine, Target: at.target, Attr: at.attr, Value: m.r.value(at.value, f, at.attr), Function: at.function}
			m.out.AttributeAssignments = append(m.out.AttributeAssignments, aa)
			k := canon(at.recv)
			attrsBy[k] = append(attrsBy[k], aa)
		}
	}
	included := map[*routerInfo]bool{}
	limiter := false
	for _, f := range p.files {
		limiter = limiter || f.limiter
	}
	for _, f := range p.files {
		for _, ad := range f.apps {
			app := m.app(ad, f, routesBy, includesBy, routers, included, mwBy, mwFile, httpBy, attrsBy, limiter)
			m.out.Apps = append(m.out.Apps, app)
		}
	}
	// Routers and routes not reachable from any app.
	for _, ri := range routerOrder {
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
		for _, rr := range routesBy[ri.decl.ident] {
			if rt, ok := m.route(rr, ri.prefix, ri, above); ok {
				m.out.UnattachedRoutes = append(m.out.UnattachedRoutes, rt)
			}
		}
	}
	// Routes on receivers that are neither a known app nor a router.
	known := map[string]bool{}
	for _, f := range p.files {
		for _, ad := range f.apps {
			known[ad.ident] = true
		}
	}
	for id := range routers {
		known[id] = true
	}
	var orphanKeys []string
	for k := range routesBy {
		if !known[k] {
			orphanKeys = append(orphanKeys, k)
		}
	}
	sort.Strings(orphanKeys)
	for _, k := range orphanKeys {
		for _, rr := range routesBy[k] {
			if rt, ok := m.route(rr, "", nil, nil); ok {
				m.out.UnattachedRoutes = append(m.out.UnattachedRoutes, rt)
			}
		}
	}
	// Functions used as dependencies anywhere, so that every auth dependency is listed.
	for _, f := range p.files {
		for _, d := range f.depTargets {
			m.depAuth(d)
		}
	}
	for _, ai := range m.authList {
		fn := ai.fn
		ad := AuthDependency{Function: fn.name, Qualname: ai.qual, Path: fn.file.path, Line: fn.line,
			Reasons: ai.reasons, Schemes: ai.schemes, Raises: fn.raises, ReturnsOnFailure: fn.noneReturns}
		if fn.class != "" {
			ad.Function = fn.class + "." + fn.name
		}
		if ad.Schemes == nil {
			ad.Schemes = []string{}
		}
		if ad.Raises == nil {
			ad.Raises = []int{}
		}
		if ad.ReturnsOnFailure == nil {
			ad.ReturnsOnFailure = []FailureReturn{}
		}
		m.out.AuthDependencies = append(m.out.AuthDependencies, ad)
	}
	// Has-auth needs the auth dependency list, so it is settled last.
	if len(m.out.AuthDependencies) > authStart || len(m.out.SecuritySchemes) > schemeStart {
		for i := appStart; i < len(m.out.Apps); i++ {
			m.out.Apps[i].HasAuth = true
		}
	}
	m.fileFacts()
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

func (m *model) app(ad *appDecl, f *pyFile, routesBy map[string][]routeInfo, includesBy map[string][]includeInfo,
	routers map[string]*routerInfo, included map[*routerInfo]bool, mwBy map[string][]*mwDecl, mwFile map[*mwDecl]*pyFile,
	httpBy map[string][]*httpMwDecl, attrsBy map[string][]AttributeAssignment, limiter bool) App {
	app := App{Path: f.path, Line: ad.line, Project: f.project, Framework: ad.framework, Var: ad.varName, Module: f.module,
		Args: m.args(ad.call, f), Positional: m.positional(ad.call.args, f, nil), Attributes: []AttributeAssignment{},
		Dependencies: []Dependency{}, Middleware: []Middleware{}, HTTPMiddleware: []HTTPMiddleware{}, Routes: []Route{},
		Routers: []AppRouter{}, ResponseHeaders: []Header{}}
	docs := func(name string) DocsState {
		v, ok := app.Args[name]
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
	app.Docs = Docs{DocsURL: docs("docs_url"), RedocURL: docs("redoc_url"), OpenAPIURL: docs("openapi_url")}
	appDeps := m.depsFrom(ad.call.kwArg("dependencies"), f)
	for _, d := range appDeps {
		app.Dependencies = append(app.Dependencies, m.dependency(d, "app"))
	}
	var above []levelDep
	for _, d := range appDeps {
		above = append(above, levelDep{d, "app"})
	}
	if ad.ident != "" {
		app.Attributes = append(app.Attributes, attrsBy[ad.ident]...)
		visited := map[string]bool{}
		m.walkRoutes(&app, ad.ident, "", nil, above, routesBy, includesBy, routers, included, visited)
	}
	// Starlette-style routes=[Route("/x", endpoint, methods=[...]), ...].
	if rl, rf := m.constExpr(ad.call.kwArg("routes"), f); rl != nil {
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
	// Middleware: middleware=[Middleware(X, ...)] then add_middleware calls.
	if ml, mf := m.constExpr(ad.call.kwArg("middleware"), f); ml != nil {
		for _, it := range ml.items {
			if it == nil || it.kind != "call" || len(it.args) == 0 {
				continue
			}
			app.Middleware = append(app.Middleware, m.middleware(it, mf, "middleware_list"))
		}
	}
	if ad.ident != "" {
		for _, mw := range mwBy[ad.ident] {
			if len(mw.call.args) == 0 && mw.call.kwArg("middleware_class") == nil {
				continue
			}
			app.Middleware = append(app.Middleware, m.middleware(mw.call, mwFile[mw], "add_middleware"))
		}
		for _, h := range httpBy[ad.ident] {
			hm := HTTPMiddleware{Function: h.fn.name, Path: h.fn.file.path, Line: h.fn.line, HeadersSet: append([]Header{}, h.fn.headers...)}
			app.HTTPMiddleware = append(app.HTTPMiddleware, hm)
			app.ResponseHeaders = append(app.ResponseHeaders, hm.HeadersSet...)
		}
	}
	for _, mw := range app.Middleware {
		app.ResponseHeaders = append(app.ResponseHeaders, mw.HeadersSet...)
		if strings.HasSuffix(mw.Class, "HTTPSRedirectMiddleware") {
			app.TLS.HTTPSRedirect = true
		}
		if rl := strings.ToLower(mw.Class); strings.Contains(rl, "ratelimit") || strings.Contains(rl, "limiter") || strings.Contains(rl, "throttl") {
			limiter = true
		}
	}
	for _, rt := range app.Routes {
		app.HasAuth = app.HasAuth || rt.Auth
		app.PasswordForm = app.PasswordForm || rt.PasswordForm
	}
	for _, d := range app.Dependencies {
		app.HasAuth = app.HasAuth || d.Auth
	}
	app.RateLimiter = limiter
	for _, h := range app.ResponseHeaders {
		if strings.EqualFold(h.Name, "Strict-Transport-Security") {
			app.TLS.HSTS = true
		}
	}
	app.TLS.HSTS = app.TLS.HSTS || m.projTLS.hsts
	app.TLS.ServerTLS = m.projTLS.serverTLS
	app.TLS.ProxyTLS = m.projTLS.proxyTLS
	return app
}

func (m *model) middleware(call *expr, f *pyFile, via string) Middleware {
	cls := call.arg(0, "middleware_class")
	mw := Middleware{Path: f.path, Line: call.line, Via: via, Args: map[string]Value{}, Positional: []Value{}, HeadersSet: []Header{}}
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
	return mw
}

// walkRoutes attaches the routes declared on ident (the app or a router it
// includes) with the given URL prefix and upper-level dependencies.
func (m *model) walkRoutes(app *App, ident, prefix string, router *routerInfo, above []levelDep, routesBy map[string][]routeInfo,
	includesBy map[string][]includeInfo, routers map[string]*routerInfo, included map[*routerInfo]bool, visited map[string]bool) {
	if visited[ident] {
		return
	}
	visited[ident] = true
	for _, ri := range routesBy[ident] {
		if rt, ok := m.route(ri, prefix, router, above); ok {
			app.Routes = append(app.Routes, rt)
		}
	}
	for _, ii := range includesBy[ident] {
		rexp := ii.inc.call.arg(0, "router")
		if rexp == nil || rexp.dot == "" {
			continue
		}
		rid := m.p.canonical(identOf(ii.f, rexp.dot))
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
		m.walkRoutes(app, rid, full, ri, next, routesBy, includesBy, routers, included, visited)
	}
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
		for _, cd := range f.calls {
			c := Call{Path: f.path, Line: cd.line, EndLine: cd.endLine, Callee: cd.callee, Written: cd.written, Method: cd.method, Function: cd.function,
				Args: m.args(cd.e, f), SQLBuiltWith: cd.sqlBuilt, SQLLine: cd.sqlLine, SQLEndLine: cd.sqlEnd, CredentialArg: cd.credential}
			if cd.sqlBuilt != "none" {
				c.SQLValues, c.SQLOrigin = flow.sqlValues(cd.sqlHoles)
			}
			isJWT := strings.HasSuffix(cd.callee, "jwt.encode") || strings.HasSuffix(cd.callee, "jwt.decode")
			c.Positional = m.positional(cd.e.args, f, func(i int) string {
				if isJWT && i == 1 {
					return "secret"
				}
				return ""
			})
			m.out.Calls = append(m.out.Calls, c)
		}
		for _, cd := range f.compares {
			c := Comparison{Path: f.path, Line: cd.line, Op: cd.op, Left: cd.ltext, Right: cd.rtext, Credential: true,
				LiteralSide: cd.literalSide, Function: cd.function}
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
		m.out.SecretLiterals = append(m.out.SecretLiterals, f.secrets...)
		for _, d := range f.defaults {
			m.out.ParamDefaults = append(m.out.ParamDefaults, ParamDefault{Path: f.path, Line: d.line, EndLine: d.endLine, Function: d.function, Param: d.param, Value: m.r.value(d.e, f, d.param)})
		}
		m.out.Imports = append(m.out.Imports, f.imports...)
		m.out.ExceptionExposures = append(m.out.ExceptionExposures, f.exposures...)
		m.out.ResponseHeaders = append(m.out.ResponseHeaders, f.headers...)
		// Classes: settings fields, and literal secrets in class bodies.
		names := make([]string, 0, len(f.classes))
		for n := range f.classes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
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
}
