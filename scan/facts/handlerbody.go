package facts

// What the shape of a handler's body says about authentication and state:
// a handler that authenticates the caller by a credential it hands on
// (handlerAuth), and one whose only effect is a cookie on the caller's
// browser (cookieOnly).

import "strings"

// requestParams are the handler's
// parameters that are its request (req: Request, or an unannotated
// request).
func requestParams(fn *pyFunc) map[string]bool {
	out := map[string]bool{}
	for _, p := range fn.params {
		switch t := lastSeg(p.annName); {
		case p.marker != nil:
		case t == "Request" || t == "WebSocket" || t == "HTTPConnection", t == "" && p.name == "request":
			out[p.name] = true
		}
	}
	return out
}

// connValues are the handler's parameters that hold the request, plain
// values FastAPI read from it, or the response being built; not self, its
// dependencies, BackgroundTasks (whose tasks run after the response) nor
// an object a dependency injection framework passes by its class
// (FromDishka[InvoiceService]).
func connValues(fn *pyFunc) map[string]bool {
	out := map[string]bool{}
	for _, p := range fn.params {
		kind, t := "", lastSeg(p.annName)
		if p.marker != nil {
			kind = paramMarkers[p.markerName]
		}
		switch {
		case kind == "depends" || kind == "security" || p.name == "self" || p.name == "cls":
		case t == "Request" || t == "Response" || t == "WebSocket" || t == "HTTPConnection", t == "" || simpleTypes[t] || t == "dict":
			out[p.name] = true
		}
	}
	return out
}

// shapeHandler records what the body of fn says as a whole: handlerAuth
// and cookieOnly.
func (a *fileAnalyzer) shapeHandler(fn *pyFunc, body *node) {
	if body == nil {
		return
	}
	fn.handlerAuth = a.handsOnAuthorization(fn, body) || a.delegatesRequest(fn, body)
	fn.cookieOnly = len(fn.deps) == 0 && a.setsCookie(body) && a.touchesOnlyConnection(fn, body)
}

// handsOnAuthorization: the handler passes the request's Authorization
// header to a call, directly or through a local
// (auth_header = req.headers.get("Authorization");
// adapter.process_activity(activity, auth_header, ...)): the callee
// authenticates the caller with it, as the Bot Framework's adapter
// validates its JWT. A parameter named authorization (Header()) counts
// as the header; printing or logging it checks nothing.
func (a *fileAnalyzer) handsOnAuthorization(fn *pyFunc, body *node) bool {
	reqs := requestParams(fn)
	held := map[string]bool{}
	for _, p := range fn.params {
		if strings.EqualFold(p.name, "authorization") && p.markerName == "Header" {
			held[p.name] = true
		}
	}
	for name, rs := range fn.localAssigns {
		for _, r := range rs {
			if a.authorizationRead(r, reqs) {
				held[name] = true
			}
		}
	}
	found := false
	body.walk(func(n *node) bool {
		if found || n.kind == "function_definition" || n.kind == "lambda" || n.kind == "class_definition" {
			return false
		}
		if n.kind != "call" || a.authorizationRead(n, reqs) || logCalls[lastSeg(dotted(n.child("function"), a.src))] {
			return true
		}
		for _, x := range callArgs(n) {
			x = unparen(x)
			if x.kind == "identifier" && held[x.text(a.src)] || a.authorizationRead(x, reqs) {
				found = true
			}
		}
		return !found
	})
	return found
}

// logCalls print or log what they are given: the header logged is not
// checked.
var logCalls = map[string]bool{"print": true, "debug": true, "info": true, "warning": true, "warn": true, "error": true,
	"exception": true, "critical": true, "log": true}

// callArgs are the values of a call's arguments, positional and keyword.
func callArgs(call *node) []*node {
	var out []*node
	args := call.child("arguments")
	if args == nil {
		return nil
	}
	for _, x := range args.namedChildren() {
		if x.kind == "keyword_argument" {
			x = x.child("value")
		}
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// authorizationRead: req.headers.get("Authorization"...) or
// req.headers["authorization"] on a request parameter.
func (a *fileAnalyzer) authorizationRead(n *node, reqs map[string]bool) bool {
	n = unparen(n)
	if n != nil && n.kind == "await" {
		n = unparen(n.firstNamed(""))
	}
	var headers, key *node
	switch {
	case n == nil:
		return false
	case n.kind == "call":
		fn := n.child("function")
		if fn == nil || fn.kind != "attribute" || fn.child("attribute").text(a.src) != "get" {
			return false
		}
		headers, key = fn.child("object"), n.child("arguments").firstNamed("")
		if key != nil && key.kind == "keyword_argument" {
			return false
		}
	case n.kind == "subscript":
		subs := n.childrenField("subscript")
		if len(subs) != 1 {
			return false
		}
		headers, key = n.child("value"), subs[0]
	default:
		return false
	}
	obj, field, ok := strings.Cut(dotted(headers, a.src), ".")
	s, _, isLit := stringLit(key, a.src)
	return ok && reqs[obj] && field == "headers" && isLit && strings.EqualFold(s, "authorization")
}

// delegatesRequest: the whole body is `return [await] obj.method(request)`,
// the handler's request handed to another request handler whose answer
// is the response (Slack Bolt's AsyncSlackRequestHandler.handle(req)
// verifies the signing secret, a bot framework's adapter its token). The
// route is only where that handler is mounted; whatever it checks, it
// checks itself.
func (a *fileAnalyzer) delegatesRequest(fn *pyFunc, body *node) bool {
	stmts := blockStatements(body, a.src)
	if len(stmts) != 1 || stmts[0].kind != "return_statement" {
		return false
	}
	v := unparen(stmts[0].firstNamed(""))
	if v != nil && v.kind == "await" {
		v = unparen(v.firstNamed(""))
	}
	if v == nil || v.kind != "call" {
		return false
	}
	callee := v.child("function")
	if callee == nil || callee.kind != "attribute" {
		return false
	}
	recv, _, _ := strings.Cut(dotted(callee.child("object"), a.src), ".")
	if recv == "" || recv == "self" || recv == "cls" {
		return false
	}
	first := unparen(v.child("arguments").firstNamed(""))
	return first != nil && first.kind == "identifier" && requestParams(fn)[first.text(a.src)]
}

// blockStatements are a block's statements without its docstring.
func blockStatements(body *node, src []byte) []*node {
	var out []*node
	for i, st := range body.namedChildren() {
		if st.kind == "comment" {
			continue
		}
		if i == 0 && st.kind == "expression_statement" {
			if _, _, ok := stringLit(st.firstNamed(""), src); ok {
				continue
			}
		}
		out = append(out, st)
	}
	return out
}

// setsCookie: the body sets or deletes a cookie (response.set_cookie).
func (a *fileAnalyzer) setsCookie(body *node) bool {
	found := false
	body.walk(func(x *node) bool {
		if x.kind == "call" {
			m := lastSeg(dotted(x.child("function"), a.src))
			found = found || m == "set_cookie" || m == "delete_cookie"
		}
		return !found
	})
	return found
}

// pureBuiltins are built-in functions that change nothing.
var pureBuiltins = map[string]bool{"str": true, "int": true, "float": true, "bool": true, "len": true, "dict": true,
	"list": true, "tuple": true, "isinstance": true, "min": true, "max": true}

// touchesOnlyConnection: every call of the handler reads its request or
// builds its response (await request.json(), body.get("id"),
// response.set_cookie(...), JSONResponse(...), raise HTTPException(...)),
// directly or through locals holding what those gave, and it assigns no
// attribute of anything else: it changes nothing on the server. The app
// behind the request (request.app) is the server's and counts as
// anything else.
func (a *fileAnalyzer) touchesOnlyConnection(fn *pyFunc, body *node) bool {
	allowed := connValues(fn)
	params := map[string]bool{}
	for _, p := range fn.params {
		params[p.name] = true
	}
	// Locals whose every value comes from the connection, to a fixpoint.
	for changed := true; changed; {
		changed = false
		for name, rs := range fn.localAssigns {
			if allowed[name] || len(rs) == 0 {
				continue
			}
			clean := true
			for _, r := range rs {
				clean = clean && a.connOnly(r, allowed)
			}
			if clean {
				allowed[name], changed = true, true
			}
		}
	}
	for name := range fn.locals {
		if !allowed[name] && !params[name] && len(fn.localAssigns[name]) == 0 {
			return false // bound by a loop, an unpacking, a with: not followed
		}
	}
	return a.connOnly(body, allowed)
}

// connOnly: n refers to nothing but the allowed names, literals and pure
// built-ins, calls only their methods (or constructs a response or the
// exception it raises), and assigns attributes and items of allowed names
// only.
func (a *fileAnalyzer) connOnly(n *node, allowed map[string]bool) bool {
	ok := true
	n.walk(func(x *node) bool {
		if !ok {
			return false
		}
		switch x.kind {
		case "function_definition", "class_definition", "lambda", "global_statement", "nonlocal_statement",
			"import_statement", "import_from_statement", "delete_statement":
			ok = false
		case "identifier":
			nm := x.text(a.src)
			ok = allowed[nm] || nm == "True" || nm == "False" || nm == "None"
		case "attribute":
			if dotted(x, a.src) != "" {
				root, rest, _ := strings.Cut(dotted(x, a.src), ".")
				ok = allowed[root] && rest != "app" && !strings.HasPrefix(rest, "app.")
				return false
			}
			// The attribute name of a call's result (request.json().get) is no reference.
			ok = a.connOnly(x.child("object"), allowed)
			return false
		case "keyword_argument":
			ok = a.connOnly(x.child("value"), allowed)
			return false
		case "call":
			ok = a.connCall(x, allowed)
			return false
		case "raise_statement":
			if c := unparen(x.firstNamed("")); c != nil && c.kind == "call" && c.child("function").kind == "identifier" {
				ok = a.connOnly(c.child("arguments"), allowed)
				return false
			}
		}
		return ok
	})
	return ok
}

// connCall: a method of an allowed name, a pure built-in or a response
// class (JSONResponse, RedirectResponse), over allowed arguments.
func (a *fileAnalyzer) connCall(call *node, allowed map[string]bool) bool {
	callee := unparen(call.child("function"))
	switch {
	case callee == nil:
		return false
	case callee.kind == "identifier":
		nm := callee.text(a.src)
		if !pureBuiltins[nm] && !strings.HasSuffix(nm, "Response") {
			return false
		}
	case callee.kind == "attribute":
		if !a.connOnly(callee, allowed) {
			return false
		}
	default:
		return false
	}
	return a.connOnly(call.child("arguments"), allowed)
}
