package facts

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Helpers that configure the app given to them. A project's create_app()
// calls handle_middleware(app), which calls add_cors_middleware(app),
// which does app.add_middleware(CORSMiddleware, ...): what a helper
// attaches to its parameter (middleware, included routers, routes, mounts,
// attributes) is attached to the app or router passed to it, at the
// helper's own line, whatever module the helper lives in and along chains
// of helpers. A router a helper is given and includes
// (add_routers(app, api_router) doing app.include_router(api_router,
// prefix="/v1")) is the caller's router: the include names it.

// maxHelperDepth bounds a chain of helpers (a helper calling a helper ...).
const maxHelperDepth = 6

// maxParamEffects and maxHelperCalls bound what one function, and one
// file, record for following helpers.
const (
	maxParamEffects = 256
	maxHelperCalls  = 4096
)

// helperCall is a call that passes names to a function: setup(app),
// register(app=app), utils.setup_cors(app), add(app, users.router).
type helperCall struct {
	in     *pyFunc           // the calling function; nil at module level
	callee string            // the callee, qualified through the file's imports
	pos    []string          // the names given by position ("" for other arguments)
	kw     map[string]string // the names given by keyword
}

// paramEffect is something a function attaches to one of its parameters,
// or, included set, the include_router call that includes a parameter into
// a receiver that is not one (a module's app).
type paramEffect struct {
	param    string
	recv     *string // the receiver field of decl
	decl     any     // *mwDecl, *includeDecl, *routeDecl, *httpMwDecl or *attrDecl
	included bool
}

// onParam records decl, attached to recv, as attached to a parameter of
// fn when obj, the receiver as written, is one; an include_router call
// whose router is a parameter, into a receiver that is not one, is
// recorded as an effect on that parameter.
func onParam(fn *pyFunc, obj string, recv *string, decl any) {
	if fn == nil || len(fn.paramEffects) >= maxParamEffects {
		return
	}
	if fn.hasParam(obj) {
		fn.paramEffects = append(fn.paramEffects, paramEffect{param: obj, recv: recv, decl: decl})
		return
	}
	if inc, ok := decl.(*includeDecl); ok {
		if r := includedParam(fn, inc); r != "" {
			fn.paramEffects = append(fn.paramEffects, paramEffect{param: r, recv: recv, decl: decl, included: true})
		}
	}
}

// includedParam is the parameter of fn that an include_router call
// includes (app.include_router(api_router, prefix=...)), or "".
func includedParam(fn *pyFunc, inc *includeDecl) string {
	if inc.mount || inc.call == nil {
		return ""
	}
	if r := inc.call.arg(0, "router"); r != nil && r.kind == "name" && fn.hasParam(r.dot) {
		return r.dot
	}
	return ""
}

func (fn *pyFunc) hasParam(name string) bool {
	if name == "" {
		return false
	}
	for _, p := range fn.params {
		if p.name == name {
			return true
		}
	}
	return false
}

// helperCall records a call that gives a name to a function, d the callee
// as written.
func (a *fileAnalyzer) helperCall(n *node, d string, c *fctx) {
	args := n.child("arguments")
	if d == "" || args == nil || args.kind != "argument_list" || len(a.f.helperCalls) >= maxHelperCalls {
		return
	}
	hc := &helperCall{in: c.fn, callee: a.qual(d)}
	named, splat := false, false
	for _, x := range args.namedChildren() {
		switch x.kind {
		case "comment":
		case "keyword_argument":
			if v := dotted(x.child("value"), a.src); v != "" {
				if hc.kw == nil {
					hc.kw = map[string]string{}
				}
				hc.kw[x.child("name").text(a.src)] = v
				named = true
			}
		case "list_splat", "dictionary_splat":
			splat = true // the positions after *args are not known
		default:
			if splat {
				continue
			}
			name := dotted(x, a.src) // users.router names a module's router
			named = named || name != ""
			hc.pos = append(hc.pos, name)
		}
	}
	if named {
		a.f.helperCalls = append(a.f.helperCalls, hc)
	}
}

// binding is one name a helper call gives to a parameter of a project
// function.
type binding struct {
	fn    *pyFunc
	param string
	arg   string
}

// helperWalk follows the helpers apps and routers are given to.
type helperWalk struct {
	m     *model
	canon func(string) string
	known map[string]bool              // the apps and routers, by identity
	calls map[*pyFunc][]*helperCall    // the helper calls in each function
	seen  map[string]map[paramKey]bool // by target: the parameters followed
	moved map[*string]bool             // receivers already given a target
	binds map[*helperCall][]binding    // bind's answers
}

// paramKey is a parameter of a function followed for a target, with the
// apps and routers the call gives its other parameters (args.key()): a
// helper given the same app twice with two routers includes both.
type paramKey struct {
	fn    *pyFunc
	param string
	args  string
}

// helperArgs are the apps and routers (canonical identities) a call gives
// to the parameters of the function it calls.
type helperArgs map[string]string

func (a helperArgs) key() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(a)) {
		b.WriteString(k + "=" + a[k] + ";")
	}
	return b.String()
}

// args are the apps and routers hc, a call of file f, gives to the
// parameters of the function it calls: names of f, or, for a parameter of
// the caller passed on, what the caller was given (outer).
func (h *helperWalk) args(hc *helperCall, f *pyFile, outer helperArgs) helperArgs {
	out := helperArgs{}
	for _, b := range h.bind(hc) {
		if hc.in != nil && hc.in.hasParam(b.arg) {
			if v, ok := outer[b.arg]; ok {
				out[b.param] = v
			}
			continue
		}
		if id := h.canon(identOf(f, b.arg)); h.known[id] {
			out[b.param] = id
		}
	}
	return out
}

// safeFollowHelpers runs followHelpers, turning a panic into an error so
// that the model is still built.
func (m *model) safeFollowHelpers() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error following the app helpers of project %s: %v", m.p.root, r)
		}
	}()
	m.followHelpers()
	return nil
}

// followHelpers attaches what helpers do to their parameters to the apps
// and routers the project passes them: setup_cors(app) at module level or
// in an app factory, in any module, along chains of helpers up to
// maxHelperDepth. A helper followed for one app once is not followed for
// it again (called twice, or by two paths), and cycles end there.
func (m *model) followHelpers() {
	factory := m.factoryApps()
	h := &helperWalk{m: m, known: map[string]bool{}, calls: map[*pyFunc][]*helperCall{}, seen: map[string]map[paramKey]bool{},
		moved: map[*string]bool{}, binds: map[*helperCall][]binding{}}
	h.canon = func(id string) string {
		k := m.p.canonical(id)
		if a, ok := factory[k]; ok {
			return a
		}
		return k
	}
	for _, f := range m.p.files {
		for _, ad := range f.apps {
			if ad.ident != "" {
				h.known[ad.ident] = true
			}
		}
		for _, rd := range f.routers {
			if rd.ident != "" {
				h.known[rd.ident] = true
			}
		}
		for _, hc := range f.helperCalls {
			if hc.in != nil {
				h.calls[hc.in] = append(h.calls[hc.in], hc)
			}
		}
	}
	for _, f := range m.p.files {
		for _, hc := range f.helperCalls {
			args := h.args(hc, f, nil)
			for _, b := range h.bind(hc) {
				if hc.in != nil && hc.in.hasParam(b.arg) {
					continue // a link of a chain, followed from where it starts
				}
				t := identOf(f, b.arg)
				if ct := h.canon(t); h.known[ct] {
					h.follow(t, ct, b.fn, b.param, args, 0)
				}
			}
		}
	}
}

// bind maps the names a call gives to the parameters of the project
// function it calls: a function, or a class's static or class method.
func (h *helperWalk) bind(hc *helperCall) []binding {
	if bs, ok := h.binds[hc]; ok {
		return bs
	}
	var out []binding
	if fn, off := h.callee(hc.callee); fn != nil {
		for i, arg := range hc.pos {
			if arg != "" && i+off < len(fn.params) {
				out = append(out, binding{fn: fn, param: fn.params[i+off].name, arg: arg})
			}
		}
		for _, k := range slices.Sorted(maps.Keys(hc.kw)) {
			if fn.hasParam(k) {
				out = append(out, binding{fn: fn, param: k, arg: hc.kw[k]})
			}
		}
	}
	h.binds[hc] = out
	return out
}

// callee is the project function a qualified name calls, and the number
// of its leading parameters the call does not give (cls).
func (h *helperWalk) callee(q string) (*pyFunc, int) {
	s, ok := h.m.p.lookup(q, 0)
	if !ok {
		return nil, 0
	}
	switch {
	case s.kind == "func" && len(s.rest) == 0 && s.fn != nil:
		return s.fn, 0
	case s.kind == "class" && len(s.rest) == 1 && s.cls != nil:
		fn := s.cls.methods[s.rest[0]]
		if fn == nil || len(fn.params) == 0 {
			return nil, 0
		}
		switch fn.params[0].name {
		case "self":
			return nil, 0 // an instance method called on its class: not a helper
		case "cls":
			return fn, 1
		}
		return fn, 0
	}
	return nil, 0
}

// follow attaches what fn does to its parameter param to the object t
// (identity ct), then follows the helpers fn passes param on to; args are
// the apps and routers fn is given.
func (h *helperWalk) follow(t, ct string, fn *pyFunc, param string, args helperArgs, depth int) {
	if fn == nil || depth >= maxHelperDepth {
		return
	}
	if h.seen[ct] == nil {
		h.seen[ct] = map[paramKey]bool{}
	}
	k := paramKey{fn, param, args.key()}
	if h.seen[ct][k] {
		return
	}
	h.seen[ct][k] = true
	for _, e := range fn.paramEffects {
		if e.param == param {
			h.apply(t, ct, fn, e, args)
		}
	}
	for _, hc := range h.calls[fn] {
		for _, b := range h.bind(hc) {
			if b.arg == param {
				h.follow(t, ct, b.fn, b.param, h.args(hc, fn.file, args), depth+1)
			}
		}
	}
}

// apply gives a helper's declaration the receiver t. A declaration that
// reaches no app or router yet takes t; one already attached elsewhere is
// copied for t, at the same line of the same file. A declaration already
// reaching ct (the helper names its parameter like the app, in the app's
// module) is left alone: it is attached once. An include_router of a
// router the helper is given is copied with the caller's router.
func (h *helperWalk) apply(t, ct string, fn *pyFunc, e paramEffect, args helperArgs) {
	if inc, ok := e.decl.(*includeDecl); ok {
		if r := includedParam(fn, inc); r != "" {
			h.applyInclude(t, ct, fn.file, inc, e, args[r])
			return
		}
	}
	cr := h.canon(*e.recv)
	if cr == ct {
		return
	}
	if !h.moved[e.recv] && !h.known[cr] {
		*e.recv = t
		h.moved[e.recv] = true
		return
	}
	addCopy(fn.file, e.decl, t)
}

// applyInclude copies, in file f, an include_router call whose router is
// a parameter of the helper: given the app t (e.included false), into t,
// of the router the caller gives (router; nothing when the caller gives
// none the project declares); given the router t (e.included), of t, into
// the include's own receiver.
func (h *helperWalk) applyInclude(t, ct string, f *pyFile, inc *includeDecl, e paramEffect, router string) {
	c := *inc
	if e.included {
		router = ct
	} else {
		c.recv = t
	}
	if router == "" {
		return
	}
	if h.m.includeTarget == nil {
		h.m.includeTarget = map[*includeDecl]string{}
	}
	h.m.includeTarget[&c] = router
	f.includes = append(f.includes, &c)
}

// addCopy adds to f a copy of decl with receiver t. Attribute
// assignments are not copied: each is also a fact of its own
// (attribute_assignments), which a copy would repeat.
func addCopy(f *pyFile, decl any, t string) {
	switch d := decl.(type) {
	case *mwDecl:
		c := *d
		c.recv = t
		f.mwAdds = append(f.mwAdds, &c)
	case *includeDecl:
		c := *d
		c.recv = t
		if c.mount {
			f.mounts = append(f.mounts, &c)
		} else {
			f.includes = append(f.includes, &c)
		}
	case *routeDecl:
		c := *d
		c.recv = t
		f.routes = append(f.routes, &c)
	case *httpMwDecl:
		c := *d
		c.recv = t
		f.httpMw = append(f.httpMw, &c)
	}
}
