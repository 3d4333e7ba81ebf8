package facts

// Authentication a route inherits from elsewhere than its own parameters:
// the class of a class-based view, a dependency factory's choice, an
// APIRouter subclass, and middleware that rejects unauthenticated requests.

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pipeguard/pipeguard/scan/names"
)

// maxFactoryDepth bounds how far dependency factories are followed.
const maxFactoryDepth = 4

// classHierarchy returns c and its project base classes, nearest first,
// each once.
func (m *model) classHierarchy(c *pyClass) []*pyClass {
	var out []*pyClass
	seen := map[*pyClass]bool{}
	var walk func(c *pyClass, depth int)
	walk = func(c *pyClass, depth int) {
		if c == nil || seen[c] || depth > 8 {
			return
		}
		seen[c] = true
		out = append(out, c)
		for _, b := range c.bases {
			if b != nil {
				walk(m.r.classOf(c.file, b.dot), depth+1)
			}
		}
	}
	walk(c, 0)
	return out
}

// inheritsFrom reports whether class c (or one of its project bases)
// derives from a class whose qualified name passes match.
func (m *model) inheritsFrom(c *pyClass, match func(q string) bool) bool {
	for _, k := range m.classHierarchy(c) {
		for _, b := range k.bases {
			if b != nil && match(qualify(k.file, b.dot)) {
				return true
			}
		}
	}
	return false
}

// classDeps are the dependencies a class-based view gives every route
// method of its class: class attributes set to Depends(...)/Security(...)
// (fastapi-utils @cbv, and the hand-written equivalents that turn them
// into __init__ parameters), inherited ones included, and the
// Depends/Security parameters of __init__.
func (m *model) classDeps(fn *pyFunc) []*depRef {
	if fn == nil || fn.class == "" {
		return nil
	}
	c := fn.file.classes[fn.class]
	if c == nil {
		return nil
	}
	var out []*depRef
	shadowed := map[string]bool{}
	for _, k := range m.classHierarchy(c) {
		for _, fl := range k.fields {
			if shadowed[fl.name] {
				continue
			}
			shadowed[fl.name] = true
			v := fl.value
			if v == nil || v.kind != "call" || v.fn == nil {
				continue
			}
			kind := paramMarkers[lastSeg(v.fn.dot)]
			if kind != "depends" && kind != "security" {
				continue
			}
			ann := ""
			if fl.annotation != "" {
				ann = strings.TrimSpace(fl.annotation)
			}
			out = append(out, &depRef{param: fl.name, line: v.line, kind: kind, target: v.arg(0, "dependency"), ann: ann, file: k.file})
		}
		if init := k.methods["__init__"]; init != nil && k == c {
			out = append(out, init.deps...)
		}
	}
	return out
}

// factoryAuth says whether the dependency a factory call makes
// authenticates: Depends(get_current_user_authorizer()) where the factory
// returns one of two functions by a flag, Depends(auth(required=True))
// returning an inner function, or a class instance. When the choice
// depends on something unknown, every possible choice must authenticate.
func (m *model) factoryAuth(fn *pyFunc, call *expr, depth int) (auth bool, schemes []string) {
	if depth > maxFactoryDepth || len(fn.returns) == 0 {
		return false, nil
	}
	var choices []*expr
	for _, r := range fn.returns {
		choices = append(choices, m.choose(fn, call, r)...)
	}
	if len(choices) == 0 {
		return false, nil
	}
	for _, r := range choices {
		a, s := m.returnedAuth(fn, r, depth)
		if !a {
			// What the factory returns is out of sight (loaded by name,
			// built by a registry): its return annotation still says
			// what it makes, -> AuthVerifierBase.
			return m.annotatedAuth(fn, depth)
		}
		for _, x := range s {
			schemes = addUnique(schemes, x)
		}
	}
	return true, schemes
}

// annotatedAuth says whether a factory's return annotation names a
// project class whose instances authenticate.
func (m *model) annotatedAuth(fn *pyFunc, depth int) (bool, []string) {
	words := annotationWords(fn.returnAnn)
	if len(words) != 1 {
		return false, nil
	}
	c := m.r.classOf(fn.file, words[0])
	if c == nil {
		return false, nil
	}
	a, _, s := m.instanceAuth(c, nil, depth)
	return a, s
}

// instanceAuth says whether an instance of project class c, used as a
// dependency, authenticates: a subclass of a security scheme (unless
// built with auto_error=False), or a class whose __call__ does. call is
// the constructor call, when known.
func (m *model) instanceAuth(c *pyClass, call *expr, depth int) (auth, viaScheme bool, schemes []string) {
	if depth > maxFactoryDepth {
		return false, false, nil
	}
	if sc, ok := m.schemeSubclass(c); ok {
		return !softScheme(call), true, []string{sc}
	}
	for _, k := range m.classHierarchy(c) {
		if fn := k.methods["__call__"]; fn != nil {
			ai := m.analyzeFunc(fn)
			if ai.computing {
				return false, false, nil
			}
			return ai.auth, false, ai.schemes
		}
	}
	return false, false, nil
}

// choose picks the branches of a returned conditional expression that the
// call's arguments select: `return a if required else b` called with
// required=False returns b. Other values are returned as they are.
func (m *model) choose(fn *pyFunc, call *expr, r *expr) []*expr {
	if r == nil || r.kind != "conditional" || len(r.items) != 3 {
		return []*expr{r}
	}
	body, cond, alt := r.items[0], r.items[1], r.items[2]
	if v, ok := m.paramBool(fn, call, cond); ok {
		if v {
			return m.choose(fn, call, body)
		}
		return m.choose(fn, call, alt)
	}
	return append(m.choose(fn, call, body), m.choose(fn, call, alt)...)
}

// paramBool is the boolean a parameter of fn has in call: the argument
// passed, else the parameter's default.
func (m *model) paramBool(fn *pyFunc, call *expr, cond *expr) (bool, bool) {
	if cond == nil || cond.kind != "name" {
		return false, false
	}
	idx := -1
	pos := 0
	for _, p := range fn.params {
		if p.name == "self" || p.name == "cls" {
			continue
		}
		if p.name == cond.dot {
			idx = pos
			break
		}
		pos++
	}
	if idx < 0 {
		return false, false
	}
	arg := call.kwArg(cond.dot)
	if arg == nil && idx < len(call.args) {
		arg = call.args[idx]
	}
	if arg == nil {
		arg = fn.paramDefaults[cond.dot]
	}
	if arg == nil || arg.kind != "bool" {
		return false, false
	}
	b, ok := arg.lit.(bool)
	return b, ok
}

// returnedAuth says whether a value a factory returns is an authenticating
// dependency: an inner function, a project function, a class or scheme
// instance.
func (m *model) returnedAuth(fn *pyFunc, r *expr, depth int) (bool, []string) {
	if r == nil {
		return false, nil
	}
	if r.kind == "name" {
		if in := fn.inner[r.dot]; in != nil {
			ai := m.analyzeFunc(in)
			return ai.auth && !ai.computing, ai.schemes
		}
	}
	if r.kind != "name" && r.kind != "attribute" && r.kind != "call" {
		return false, nil
	}
	a, _, s := m.depAuthDepth(&depRef{target: r, file: fn.file}, depth+1)
	return a, s
}

// schemeSubclass reports whether c derives from a fastapi.security scheme
// class (class RWAPIKeyHeader(APIKeyHeader)), and which.
func (m *model) schemeSubclass(c *pyClass) (string, bool) {
	scheme := ""
	ok := m.inheritsFrom(c, func(q string) bool {
		if strings.HasPrefix(q, "fastapi") && schemeClasses[lastSeg(q)] {
			scheme = lastSeg(q)
			return true
		}
		return false
	})
	return scheme, ok
}

// isAPIRouter reports whether a qualified name is FastAPI's APIRouter.
func isAPIRouter(q string) bool { return q == "fastapi.APIRouter" || q == "fastapi.routing.APIRouter" }

// subclassRouters are module-level routers built from project subclasses
// of APIRouter (router = UserAPIRouter(prefix="/users")), whose __init__
// passes dependencies=[...] to APIRouter, or from the subclass a class
// factory returns (madeClass).
func (m *model) subclassRouters() []*routerInfo {
	var out []*routerInfo
	for _, f := range m.p.files {
		for _, name := range sortedConsts(f) {
			as := f.consts[name]
			if as == nil || as.e == nil || as.e.kind != "call" || as.e.fn == nil {
				continue
			}
			c := m.madeClass(f, as.e.fn.dot)
			if c == nil || !m.inheritsFrom(c, isAPIRouter) {
				continue
			}
			decl := &routerDecl{varName: name, ident: f.module + "." + name, line: as.e.line, call: as.e}
			ri := &routerInfo{decl: decl, f: f, deps: m.depsFrom(as.e.kwArg("dependencies"), f)}
			for _, k := range m.classHierarchy(c) {
				if init := k.methods["__init__"]; init != nil && init.superInit != nil {
					ri.deps = append(ri.deps, m.depsFrom(init.superInit.kwArg("dependencies"), k.file)...)
				}
			}
			ri.prefix, _ = m.strValue(as.e.kwArg("prefix"), f)
			out = append(out, ri)
		}
	}
	return out
}

// madeClass is the project class a name of file f calls: a class, or a
// module name bound to what a class factory returns
// (APIRouter = get_api_router_class(APIRoute), the factory defining and
// returning `class _CustomAPIRouter(fastapi.APIRouter)`).
func (m *model) madeClass(f *pyFile, dot string) *pyClass {
	if c := m.r.classOf(f, dot); c != nil {
		return c
	}
	s, ok := m.p.lookup(qualify(f, dot), 0)
	if !ok || s.kind != "const" || len(s.rest) != 0 || s.as == nil || s.as.e == nil || s.as.e.kind != "call" || s.as.e.fn == nil {
		return nil
	}
	fs, ok := m.p.lookup(qualify(s.f, s.as.e.fn.dot), 0)
	if !ok || fs.kind != "func" || len(fs.rest) != 0 || fs.fn == nil || fs.fn.returnsVar == "" {
		return nil
	}
	return fs.fn.classes[fs.fn.returnsVar]
}

// sortedConsts are the names of a file's module constants, in line order.
func sortedConsts(f *pyFile) []string {
	names := make([]string, 0, len(f.consts))
	for n := range f.consts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		li, lj := f.consts[names[i]].line, f.consts[names[j]].line
		if li != lj {
			return li < lj
		}
		return names[i] < names[j]
	})
	return names
}

// rejects reports whether a function turns requests away with 401/403: it
// raises such an HTTPException (or a project exception carrying the
// status) or returns such a response.
func (m *model) rejects(fn *pyFunc) bool {
	if fn == nil {
		return false
	}
	m.resolveRaises(fn)
	return len(fn.raises) > 0 || len(fn.rejectLines) > 0
}

// authMiddleware lists the middleware of an app that authenticates every
// request: Starlette's AuthenticationMiddleware, a middleware class whose
// dispatch or __call__ rejects with 401/403, an @app.middleware("http")
// function that does.
func (m *model) authMiddleware(app *App, https []*httpMwDecl) []AuthMiddleware {
	out := []AuthMiddleware{}
	for _, mw := range app.Middleware {
		name := lastSeg(mw.Class)
		if name == "AuthenticationMiddleware" || strings.HasSuffix(mw.Qualname, "authentication.AuthenticationMiddleware") {
			out = append(out, AuthMiddleware{Name: mw.Class, Path: mw.Path, Line: mw.Line})
			continue
		}
		f := m.p.byPath(mw.Path)
		if f == nil {
			continue
		}
		c := m.r.classOf(f, mw.Class)
		for _, k := range m.classHierarchy(c) {
			if m.rejects(k.methods["dispatch"]) || m.rejects(k.methods["__call__"]) {
				out = append(out, AuthMiddleware{Name: mw.Class, Path: mw.Path, Line: mw.Line})
				break
			}
		}
	}
	for _, h := range https {
		if m.rejects(h.fn) {
			out = append(out, AuthMiddleware{Name: h.fn.name, Path: h.fn.file.path, Line: h.fn.line})
		}
	}
	return out
}

// byPath finds a project file by its path.
func (p *pyProject) byPath(path string) *pyFile {
	for _, f := range p.files {
		if f.path == path {
			return f
		}
	}
	return nil
}

// consumerAnnotations maps each dependency (qualified name) to the
// annotations of the route parameters that receive it, over the routes
// this project added from index appStart of the apps and unattachedStart of
// the unattached routes.
func (m *model) consumerAnnotations(appStart, unattachedStart int) map[string][]string {
	out := map[string][]string{}
	add := func(rt *Route) {
		f := m.p.byPath(rt.Path)
		ann := map[string]string{}
		for _, p := range rt.Params {
			ann[p.Name] = m.expandAlias(f, p.Annotation)
		}
		for _, d := range rt.Dependencies {
			if d.Level == "param" && d.Param != "" {
				out[d.Qualname] = append(out[d.Qualname], ann[d.Param])
			}
		}
	}
	for i := appStart; i < len(m.out.Apps); i++ {
		for j := range m.out.Apps[i].Routes {
			add(&m.out.Apps[i].Routes[j])
		}
	}
	for i := unattachedStart; i < len(m.out.UnattachedRoutes); i++ {
		add(&m.out.UnattachedRoutes[i])
	}
	return out
}

// expandAlias gives the annotation a type alias stands for: the
// `Annotated[UUID | None, Depends(get_tenant_id)]` of a parameter written
// `tenant_id: CurrentTenantId`, so that what it says of None is seen (as
// annotatedAliases gives such a parameter its dependency). Any other
// annotation is returned as written.
func (m *model) expandAlias(f *pyFile, ann string) string {
	if f == nil || ann == "" || !plainNameRe.MatchString(ann) {
		return ann
	}
	s, ok := m.p.lookup(qualify(f, ann), 0)
	if !ok || s.kind != "const" || len(s.rest) > 0 || s.as.e == nil {
		return ann
	}
	if e := s.as.e; e.kind == "subscript" && e.obj != nil && lastSeg(e.obj.dot) == "Annotated" {
		return e.text
	}
	return ann
}

// plainNameRe matches a plain (dotted) name.
var plainNameRe = regexp.MustCompile(`^[A-Za-z_][\w.]*$`)

// optionalNameRe marks dependencies named for optional authentication:
// get_optional_user, try_get_current_user, current_user_or_none,
// maybe_user, get_user_if_any.
var optionalNameRe = regexp.MustCompile(`(?i)(^|_)(optional|try|maybe|soft|anonymous|anon)(_|$)|_or_none$|_if_any$`)

// optionalAuth reports whether an authentication dependency serves
// anonymous users by design, so that returning None is not a failure let
// through: its name says so, or it returns Optional[...] and every route
// parameter receiving it is declared Optional too.
func optionalAuth(fn *pyFunc, consumers []string) bool {
	if optionalNameRe.MatchString(fn.name) || strings.HasPrefix(fn.name, "__") && optionalWords(fn.class) {
		return true // get_optional_user, OptionalServiceAccount.__call__
	}
	if !optionalType(fn.returnAnn) || len(consumers) == 0 {
		return false
	}
	for _, a := range consumers {
		if !optionalType(a) {
			return false
		}
	}
	return true
}

// optionalType: Optional[User], User | None, Union[User, None].
func optionalType(ann string) bool {
	a := strings.ReplaceAll(ann, " ", "")
	return strings.Contains(a, "Optional[") || strings.Contains(a, "|None") || strings.Contains(a, "None|") ||
		strings.HasPrefix(a, "Union[") && strings.Contains(a, ",None]")
}

// mounts records where apps are mounted in other apps of the project
// (outer.mount("/api", app=inner)), and gives the inner app the HTTPS
// redirect and HSTS of the outer one: the outer app's middleware wraps
// every response of what it mounts.
func (m *model) mounts(appIndex map[string]int, canon func(string) string) {
	type link struct{ inner, outer int }
	var links []link
	for _, f := range m.p.files {
		for _, mt := range f.mounts {
			oi, ok := appIndex[canon(mt.recv)]
			inner := mt.call.arg(1, "app")
			if !ok || inner == nil || inner.dot == "" {
				continue
			}
			ii, ok := appIndex[canon(identOf(f, inner.dot))]
			if !ok || ii == oi {
				continue
			}
			outer := &m.out.Apps[oi]
			at, _ := m.strValue(mt.call.arg(0, "path"), f)
			m.out.Apps[ii].MountedIn = append(m.out.Apps[ii].MountedIn, Mount{Var: outer.Var, AppPath: outer.Path, AppLine: outer.Line,
				Path: f.path, Line: mt.line, At: at})
			links = append(links, link{ii, oi})
		}
	}
	// Apps mounted in mounted apps: settle in as many rounds as links.
	for range links {
		for _, l := range links {
			in, out := &m.out.Apps[l.inner].TLS, m.out.Apps[l.outer].TLS
			in.HTTPSRedirect = in.HTTPSRedirect || out.HTTPSRedirect
			in.HSTS = in.HSTS || out.HSTS
		}
	}
}

// responseClasses are the web frameworks' response classes.
var responseClasses = map[string]bool{
	"Response": true, "JSONResponse": true, "HTMLResponse": true, "PlainTextResponse": true, "ORJSONResponse": true,
	"UJSONResponse": true, "StreamingResponse": true, "TemplateResponse": true, "HttpResponse": true, "JsonResponse": true,
	"HttpResponseBadRequest": true, "HttpResponseServerError": true,
}

// webModules are the packages whose *Response classes answer HTTP requests.
var webModules = []string{"fastapi.", "starlette.", "flask.", "werkzeug.", "django.", "aiohttp.", "sanic.", "quart.", "litestar."}

// httpResponse reports whether the class called as callee in f answers an
// HTTP request: a web framework's response class, or a project class
// deriving from one (not a project's StatusResponse named tuple).
func (m *model) httpResponse(f *pyFile, callee string) bool {
	if c := m.r.classOf(f, callee); c != nil {
		return m.inheritsFrom(c, func(q string) bool { return responseClasses[lastSeg(q)] })
	}
	if responseClasses[lastSeg(callee)] {
		return true
	}
	q := qualify(f, callee)
	for _, w := range webModules {
		if strings.HasPrefix(q, w) {
			return true
		}
	}
	return false
}

// exposed reports whether exception detail reaches an HTTP response: an
// HTTPException (wherever raised, it answers the request), a web
// framework's response, or a value returned by a route handler, an
// exception handler, or a function whose result a route handler returns.
// Values returned by CLI commands, services and internal status objects
// are not answers.
func (m *model) exposed(f *pyFile, e exposureDecl) bool {
	switch e.Sink {
	case "http_exception":
		return true
	case "response":
		return m.httpResponse(f, e.callee)
	case "return":
		return e.fn != nil && (m.handlers[e.fn] || e.fn.excHandler || m.returnedByHandler(e.fn))
	}
	return false
}

// returnedByHandler reports whether a route handler returns the result of
// fn (return helper(...), or result = helper(...); return result).
func (m *model) returnedByHandler(fn *pyFunc) bool {
	if m.returnedBy == nil {
		m.returnedBy = map[*pyFunc]bool{}
		for h := range m.handlers {
			for _, c := range h.returnedCalls {
				if c == nil || c.fn == nil {
					continue
				}
				if s, ok := m.p.lookup(qualify(h.file, c.fn.dot), 0); ok && s.kind == "func" && len(s.rest) == 0 {
					m.returnedBy[s.fn] = true
				}
			}
		}
	}
	return m.returnedBy[fn]
}

// Kinds of caught exceptions, for exception_exposures.
const (
	CaughtBroad      = "broad"      // Exception, BaseException, a bare except: anything, internal errors included
	CaughtValidation = "validation" // ValueError, KeyError, ValidationError...: about the input
	CaughtApp        = "app"        // the project's own exception classes (with validation ones)
	CaughtOther      = "other"      // a library's exceptions (requests, SQLAlchemy...)
)

// caughtKind sorts the exception classes whose text is sent.
func (m *model) caughtKind(f *pyFile, caught []string) string {
	if len(caught) == 0 {
		return CaughtBroad
	}
	kind := CaughtValidation
	for _, c := range caught {
		switch name := lastSeg(c); {
		case name == "Exception" || name == "BaseException":
			return CaughtBroad
		case validationException(name):
		case m.r.classOf(f, c) != nil:
			if kind == CaughtValidation {
				kind = CaughtApp
			}
		default:
			kind = CaughtOther
		}
	}
	return kind
}

// validationException: exceptions raised about a value the caller gave.
func validationException(name string) bool {
	switch name {
	case "ValueError", "TypeError", "KeyError", "IndexError", "AssertionError", "JSONDecodeError", "UnicodeDecodeError",
		"DecodeError", "ParseError",
		// A YAML or template document the client sent does not parse.
		"YAMLError", "MarkedYAMLError", "ScannerError", "ParserError", "ComposerError", "ConstructorError",
		"TemplateSyntaxError":
		return true
	}
	// A token's errors (PyJWTError, ExpiredSignatureError, JWTError) are
	// about the credential the client sent.
	return strings.Contains(name, "Validation") || strings.HasPrefix(name, "Invalid") || strings.Contains(name, "JWT") ||
		strings.Contains(name, "Token") || strings.Contains(name, "Signature")
}

// softScheme reports whether a security scheme is built with
// auto_error=False: it lets requests without credentials through (with
// None), so depending on it does not authenticate by itself.
func softScheme(call *expr) bool {
	if call == nil || call.kind != "call" {
		return false
	}
	v := call.kwArg("auto_error")
	if v == nil || v.kind != "bool" {
		return false
	}
	b, _ := v.lit.(bool)
	return !b
}

// httpExceptions: the exceptions caught are HTTPExceptions, whose text is
// the detail the app wrote for the client (an exception handler for
// HTTPException re-sending it).
func httpExceptions(caught []string) bool {
	for _, c := range caught {
		if name := lastSeg(c); !strings.HasSuffix(name, "HTTPException") && name != "WebSocketException" {
			return false
		}
	}
	return len(caught) > 0
}

// credentialParam: the function takes a credential (token, api_key,
// authorization, credentials...).
func credentialParam(fn *pyFunc) bool {
	for _, p := range fn.params {
		if names.Python.IsCredential(p.name) || p.name == "credentials" {
			return true
		}
	}
	return false
}

// authNamed reports whether a dependency is named for authentication:
// auth_user, get_current_user, authenticate, require_admin, verify_token,
// JWTBearer, api_key_auth. Names for optional authentication are not.
func authNamed(fn *pyFunc) bool {
	name := fn.name
	if fn.class != "" && strings.HasPrefix(name, "__") {
		name = fn.class
	}
	if optionalNameRe.MatchString(name) {
		return false
	}
	w := map[string]bool{}
	for _, x := range names.Python.Words(name) {
		w[x] = true
	}
	switch {
	case w["auth"], w["authenticate"], w["authenticated"], w["authorize"], w["authorized"], w["authorization"], w["authn"], w["authz"],
		w["jwt"], w["bearer"]:
		return true
	case w["current"] && (w["user"] || w["account"] || w["principal"] || w["member"] || w["admin"] || w["client"]):
		return true
	case (w["require"] || w["requires"] || w["required"]) && (w["user"] || w["admin"] || w["login"] || w["role"] || w["roles"] || w["permission"] || w["permissions"] || w["scope"] || w["scopes"]):
		return true
	case (w["verify"] || w["validate"] || w["check"]) && (w["token"] || w["key"] || w["credentials"] || w["session"] || w["user"]):
		for x := range w {
			if names.NotCredentialQualifier(x) && x != "in" && x != "from" && x != "of" {
				return false // validate_idempotency_key, check_lock_token
			}
		}
		return true
	}
	return false
}

// initAttr records the value __init__ assigns to self.<attr>, so that a
// dependency reached through an instance's attribute (Depends(auth.scheme)
// where auth = Auth() and __init__ sets self.scheme = HTTPBearer()) can be
// resolved. The first value that is not None is kept.
func (a *fileAnalyzer) initAttr(c *fctx, target, attr string, right *node) {
	if c.cls == nil || c.fn == nil || c.fn.parent != nil || c.fn.name != "__init__" || target != "self."+attr {
		return
	}
	if c.cls.initAttrs == nil {
		c.cls.initAttrs = map[string]*expr{}
	}
	if old := c.cls.initAttrs[attr]; old == nil || old.kind == "none" {
		c.cls.initAttrs[attr] = a.b.build(right)
	}
}

// instance is an object of a project class: its class, and the
// constructor call that made it with the file it is written in, when
// known (nil for self inside a method).
type instance struct {
	cls  *pyClass
	call *expr
	f    *pyFile
}

// member finds attribute name of an instance: a method of its class (or
// a base), or the value __init__ or the class body binds to it, with the
// file that value is written in. A value that is an __init__ parameter
// (self.scheme = scheme) is the constructor's argument, when known.
func (m *model) member(in instance, name string) (meth *pyFunc, val *expr, vf *pyFile) {
	for _, k := range m.classHierarchy(in.cls) {
		if fn := k.methods[name]; fn != nil {
			return fn, nil, nil
		}
		if v := k.initAttrs[name]; v != nil {
			if v.local && v.val != nil {
				v = v.val
			}
			if v.local && v.kind == "name" {
				return nil, m.ctorArg(k, in, v.dot), in.f
			}
			return nil, v, k.file
		}
		for _, fl := range k.fields {
			if fl.name == name && fl.value != nil {
				return nil, fl.value, k.file
			}
		}
	}
	return nil, nil, nil
}

// ctorArg is the argument the constructor call of in passes for the
// __init__ parameter param of class k: by keyword, else by position.
func (m *model) ctorArg(k *pyClass, in instance, param string) *expr {
	init := k.methods["__init__"]
	if in.call == nil || init == nil {
		return nil
	}
	if a := in.call.kwArg(param); a != nil {
		return a
	}
	pos := 0
	for _, p := range init.params {
		if p.name == "self" {
			continue
		}
		if p.name == param {
			if pos < len(in.call.args) {
				return in.call.args[pos]
			}
			return nil
		}
		pos++
	}
	return nil
}

// memberAuth says whether the dependency reached through the attributes
// rest of an instance authenticates: Depends(auth.scheme) is the value
// __init__ gives self.scheme, Security(auth.permission("x")) is the
// dependency the method permission makes, Depends(auth.verify) is the
// method itself, and app.state.auth.scheme goes on through the instance
// auth is. t is the whole dependency target, a call or not.
func (m *model) memberAuth(in instance, rest []string, t *expr, depth int) (auth, viaScheme bool, schemes []string) {
	if depth > maxFactoryDepth || in.cls == nil || len(rest) == 0 {
		return false, false, nil
	}
	meth, val, vf := m.member(in, rest[0])
	switch {
	case meth != nil && len(rest) == 1 && t.kind == "call":
		// A method that makes the dependency.
		a, sch := m.factoryAuth(meth, t, depth)
		return a, false, sch
	case meth != nil && len(rest) == 1:
		// A bound method used as the dependency.
		ai := m.analyzeFunc(meth)
		if ai.computing {
			return false, false, nil
		}
		return ai.auth && !optionalNameRe.MatchString(meth.name), false, ai.schemes
	case val == nil:
		return false, false, nil
	case len(rest) == 1 && t.kind != "call":
		return m.depAuthDepth(&depRef{target: val, file: vf}, depth+1)
	case len(rest) > 1 && val.kind == "call" && val.fn != nil:
		// Further through an instance: app.state.auth.scheme.
		if c := m.r.classOf(vf, val.fn.dot); c != nil {
			return m.memberAuth(instance{cls: c, call: val, f: vf}, rest[1:], t, depth+1)
		}
	}
	return false, false, nil
}

// selfAuth resolves a dependency written on self inside a method, or in
// a function nested in one (a factory's inner dependency taking
// token=Depends(self.scheme)): the instance is of the method's class.
func (m *model) selfAuth(d *depRef, t *expr, depth int) (auth, viaScheme bool, schemes []string, ok bool) {
	dot := t.dot
	if t.kind == "call" && t.fn != nil {
		dot = t.fn.dot
	}
	rest, isSelf := strings.CutPrefix(dot, "self.")
	if !isSelf {
		return false, false, nil, false
	}
	var c *pyClass
	for fn := m.depOwner(d); fn != nil && c == nil; fn = fn.parent {
		if fn.class != "" {
			c = fn.file.classes[fn.class]
		}
	}
	if c == nil {
		return false, false, nil, true
	}
	a, via, sch := m.memberAuth(instance{cls: c}, strings.Split(rest, "."), t, depth)
	return a, via, sch, true
}

// depOwner is the function whose parameters (or Annotated aliases) hold
// d, nil for a dependency written elsewhere (a decorator, a router).
func (m *model) depOwner(d *depRef) *pyFunc {
	if m.owners == nil {
		m.owners = map[*depRef]*pyFunc{}
		var visit func(fn *pyFunc)
		visit = func(fn *pyFunc) {
			for _, x := range fn.deps {
				m.owners[x] = fn
			}
			for _, in := range fn.inner {
				visit(in)
			}
		}
		m.p.eachFunc(visit)
	}
	return m.owners[d]
}

// constCallAuth resolves a dependency reached through a module constant
// bound to a call: an attribute or method of a project class's instance
// (auth = Auth(); Depends(auth.scheme), Security(auth.permission("x"))),
// or the dependency a factory returned (get_current_user =
// auth.get_user(), _read = Authenticator(scopes={...})), resolved as if
// the call were written in Depends(...).
func (m *model) constCallAuth(s symbol, t *expr, depth int) (auth, viaScheme bool, schemes []string) {
	call := s.as.e
	if depth > maxFactoryDepth {
		return false, false, nil
	}
	if c := m.r.classOf(s.f, call.fn.dot); c != nil {
		if len(s.rest) == 0 {
			return false, false, nil // an instance named for optional authentication
		}
		return m.memberAuth(instance{cls: c, call: call, f: s.f}, s.rest, t, depth)
	}
	if len(s.rest) > 0 || t.kind == "call" || optionalNameRe.MatchString(s.name) {
		return false, false, nil
	}
	return m.depAuthDepth(&depRef{target: call, file: s.f}, depth+1)
}

// markElseReturns marks the returns written directly in the else block of
// an if on a configuration switch: `if self.auto_error: raise ... else:
// return None` is how a security scheme built with auto_error=False lets
// the route decide, a switch rather than a failure. Returns nested deeper
// in that block may follow a credential check of their own, and stay.
func (a *fileAnalyzer) markElseReturns(ifNode *node) {
	for _, alt := range ifNode.childrenField("alternative") {
		if alt.kind != "else_clause" {
			continue
		}
		body := alt.child("body")
		if body == nil {
			continue
		}
		for _, st := range body.children {
			if st.kind == "return_statement" {
				a.configReturn[st] = true
			}
		}
	}
}

// eachFunc calls visit on every module function and method of the
// project (not on inner functions: visit recurses into those itself).
func (p *pyProject) eachFunc(visit func(fn *pyFunc)) {
	for _, f := range p.files {
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
