package facts

// The security-specific reading of Python syntax: how SQL strings are
// built, credential comparisons, authentication failures, exception
// details sent to clients.

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/pipeguard/pipeguard/scan/names"
)

// sqlSink says whether a call runs SQL text: a SQL method on any object,
// or SQLAlchemy's text() (an HTML builder's text() is no SQL).
func sqlSink(q, method string) bool {
	switch q {
	case "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text":
		return true
	}
	return sqlMethods[method]
}

// sqlArgNames are the keyword names of the SQL text argument.
var sqlArgNames = map[string]bool{"sql": true, "query": true, "statement": true, "stmt": true, "operation": true, "sql_query": true}

// sqlCall reads how the SQL text of a SQL call is built, and the values
// formatted into it.
func (a *fileAnalyzer) sqlCall(cd *callDecl, n *node, c *fctx) {
	if !sqlSink(cd.callee, cd.method) {
		return
	}
	args := n.child("arguments")
	if args == nil {
		return
	}
	var sqlArg *node
	for i, x := range args.namedChildren() {
		if x.kind == "keyword_argument" {
			if sqlArgNames[x.child("name").text(a.src)] && sqlArg == nil {
				sqlArg = x.child("value")
			}
			continue
		}
		if i == 0 {
			sqlArg = x
		}
	}
	kind, build := a.sqlBuild(sqlArg, c, n.line)
	if build == nil {
		return
	}
	cd.sqlBuilt, cd.sqlLine = kind, build.line
	cd.sqlHoles = a.sqlHoles(build, kind, c.fn)
}

// sqlBuild says how a SQL argument is built from variables: the kind of
// building, the node that builds it (the argument, or the value a local
// variable was assigned) and that node's statement's last line.
func (a *fileAnalyzer) sqlBuild(n *node, c *fctx, callLine int) (string, *node) {
	n = unparen(n)
	if n == nil {
		return "none", nil
	}
	if k := a.stringBuild(n); k != "none" {
		return k, n
	}
	if n.kind == "identifier" && c.fn != nil {
		rs := c.fn.localAssigns[n.text(a.src)]
		for i := len(rs) - 1; i >= 0; i-- {
			r := rs[i]
			if r.line > callLine {
				continue
			}
			if r.kind == "augmented_assignment" {
				if k := a.stringBuild(r.child("right")); k != "none" {
					return k, unparen(r.child("right"))
				}
				if op := r.child("operator"); op != nil && op.text(a.src) == "+=" && !a.isLiteralNode(r.child("right")) {
					return "concat", r
				}
				continue
			}
			if k := a.stringBuild(unparen(r)); k != "none" {
				return k, unparen(r)
			}
			break
		}
	}
	return "none", nil
}

// scalarLiteral: n is a string (not an f-string), a number, a boolean or
// None.
func scalarLiteral(n *node) bool {
	switch n.kind {
	case "string", "concatenated_string":
		return !isFString(n)
	case "integer", "float", "true", "false", "none":
		return true
	}
	return false
}

func (a *fileAnalyzer) isLiteralNode(n *node) bool {
	n = unparen(n)
	if n == nil {
		return false
	}
	if scalarLiteral(n) {
		return true
	}
	switch n.kind {
	case "tuple", "list":
		for _, c := range n.namedChildren() {
			if !a.isLiteralNode(c) {
				return false
			}
		}
		return true
	}
	return false
}

func (a *fileAnalyzer) stringBuild(n *node) string {
	n = unparen(n)
	if n == nil {
		return "none"
	}
	switch n.kind {
	case "string", "concatenated_string":
		if isFString(n) {
			return "fstring"
		}
	case "binary_operator":
		op := n.child("operator")
		if op == nil {
			return "none"
		}
		switch op.text(a.src) {
		case "%":
			l := unparen(n.child("left"))
			if (l.kind == "string" || l.kind == "concatenated_string") && !a.isLiteralNode(n.child("right")) {
				return "percent"
			}
		case "+":
			var parts []*node
			var flat func(x *node)
			flat = func(x *node) {
				x = unparen(x)
				if x.kind == "binary_operator" && x.child("operator") != nil && x.child("operator").text(a.src) == "+" {
					flat(x.child("left"))
					flat(x.child("right"))
					return
				}
				parts = append(parts, x)
			}
			flat(n)
			str, nonLit := false, false
			for _, p := range parts {
				if p.kind == "string" || p.kind == "concatenated_string" {
					str = true
					if isFString(p) {
						nonLit = true
					}
				} else if !a.isLiteralNode(p) {
					nonLit = true
				}
			}
			if str && nonLit {
				return "concat"
			}
		}
	case "call":
		fn := n.child("function")
		if fn != nil && fn.kind == "attribute" && fn.child("attribute").text(a.src) == "format" {
			obj := unparen(fn.child("object"))
			if obj.kind == "string" || obj.kind == "concatenated_string" {
				if args := n.child("arguments"); args != nil && len(args.namedChildren()) > 0 && !a.allLiteralArgs(args) {
					return "format"
				}
			}
		}
	}
	return "none"
}

func (a *fileAnalyzer) allLiteralArgs(args *node) bool {
	for _, x := range args.namedChildren() {
		if x.kind == "keyword_argument" {
			x = x.child("value")
		}
		if !a.isLiteralNode(x) {
			return false
		}
	}
	return true
}

// comparisonParts splits a comparison into its operands and its
// operators, spacing normalised ("not  in" is "not in").
func (a *fileAnalyzer) comparisonParts(n *node) (operands []*node, ops []string) {
	for _, ch := range n.children {
		if ch.named {
			operands = append(operands, ch)
		} else {
			ops = append(ops, strings.Join(strings.Fields(ch.text(a.src)), " "))
		}
	}
	return operands, ops
}

func (a *fileAnalyzer) doCompare(n *node, c *fctx) {
	if a.handled[n] || !credentialCheckContext(c) {
		return
	}
	operands, ops := a.comparisonParts(n)
	if len(ops) != len(operands)-1 {
		return
	}
	for i, op := range ops {
		if op != "==" && op != "!=" {
			continue
		}
		l, r := unparen(operands[i]), unparen(operands[i+1])
		if a.trivialSide(l) || a.trivialSide(r) {
			continue
		}
		lLit, rLit := a.isStringLit(l), a.isStringLit(r)
		if lLit && rLit || a.classLike(l) || a.classLike(r) || a.punctLit(l) || a.punctLit(r) {
			continue
		}
		if !(a.mentionsCredential(l) || a.mentionsCredential(r)) || a.notCredentialCheck(l, r, c) {
			continue
		}
		cd := &cmpDecl{line: n.line, op: op, ltext: a.sideText(l), rtext: a.sideText(r), literalSide: lLit || rLit,
			function: c.funcName(), left: a.b.build(l), right: a.b.build(r), fn: c.fn}
		a.f.compares = append(a.f.compares, cd)
	}
}

// classLike: a CamelCase name such as Keyword or Token.Error (a type, not a value).
func (a *fileAnalyzer) classLike(n *node) bool {
	d := lastSeg(dotted(n, a.src))
	return len(d) > 1 && d[0] >= 'A' && d[0] <= 'Z' && strings.ToUpper(d) != d
}

// punctLit: a string literal without letters or digits ("(", ";"), or an
// authentication scheme name ("Bearer"): not a credential.
func (a *fileAnalyzer) punctLit(n *node) bool {
	s, _, ok := stringLit(n, a.src)
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "bearer", "basic", "digest", "token", "apikey", "api-key", "negotiate":
		return true
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

func (a *fileAnalyzer) isStringLit(n *node) bool {
	s, _, ok := stringLit(n, a.src)
	return ok && strings.TrimSpace(s) != ""
}

// trivialSide: None, booleans, numbers, the empty string, len(...).
func (a *fileAnalyzer) trivialSide(n *node) bool {
	switch n.kind {
	case "none", "true", "false", "integer", "float":
		return true
	case "string", "concatenated_string":
		s, _, ok := stringLit(n, a.src)
		return ok && strings.TrimSpace(s) == ""
	case "call":
		d := dotted(n.child("function"), a.src)
		return d == "len" || d == "type" || d == "isinstance"
	case "unary_operator":
		return true
	case "tuple", "list", "set", "dictionary":
		return a.isLiteralNode(n)
	}
	return false
}

func (a *fileAnalyzer) sideText(n *node) string {
	if s, _, ok := stringLit(n, a.src); ok {
		return `"` + maskSecret(s) + `"`
	}
	t := clip(n.bytes(a.src), maxTextLen)
	if strings.ContainsAny(t, `"'`) {
		// Mask string literals inside the operand.
		var b strings.Builder
		last := n.start
		n.walk(func(x *node) bool {
			if x.kind == "string" {
				if s, _, ok := stringLit(x, a.src); ok && isSecretish(s) {
					b.Write(a.src[last:x.start])
					b.WriteString(`"` + maskSecret(s) + `"`)
					last = x.end
				}
				return false
			}
			return true
		})
		b.Write(a.src[last:n.end])
		t = clip(b.String(), maxTextLen)
	}
	return t
}

// isSecretish: a string inside an operand that is not a plain header or key name.
func isSecretish(s string) bool {
	return strings.ContainsAny(s, "0123456789") && len(s) >= 8
}

func (a *fileAnalyzer) mentionsCredential(n *node) bool {
	if a.isStringLit(n) {
		return false
	}
	return a.credIn(n)
}

// credIn looks for a credential name in an operand: a name, the last
// attribute of a chain (user.password, not token.name), or a key string
// (headers["X-API-Key"], data.get("password")).
func (a *fileAnalyzer) credIn(n *node) bool {
	n = unparen(n)
	if n == nil {
		return false
	}
	switch n.kind {
	case "identifier":
		return names.Python.IsCredential(n.text(a.src))
	case "attribute":
		if at := n.child("attribute"); at != nil && names.Python.IsCredential(at.text(a.src)) {
			return true
		}
		obj := unparen(n.child("object"))
		if obj != nil && (obj.kind == "identifier" || obj.kind == "attribute") {
			return false
		}
		return a.credIn(obj)
	case "string", "concatenated_string":
		s, _, ok := stringLit(n, a.src)
		return ok && len(s) < 40 && names.IdentLike(s) && names.Python.IsCredential(s)
	case "subscript":
		// headers["Authorization"], data["password"]: the key names the value.
		for _, k := range n.childrenField("subscript") {
			if a.credIn(k) {
				return true
			}
		}
		return false
	case "call":
		return a.credInCall(n)
	case "lambda", "list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression":
		return false // a collection built from credentials is compared as a whole (ids, names)
	}
	for _, c := range n.children {
		if a.credIn(c) {
			return true
		}
	}
	return false
}

// statusOf reads a 401/403 status from HTTPException(...) or a status constant.
func statusOf(e *expr) int {
	if e == nil {
		return 0
	}
	if v, ok := e.lit.(int64); ok {
		return int(v)
	}
	t := e.dot
	if t == "" {
		t = e.text
	}
	switch {
	case strings.Contains(t, "401") || strings.HasSuffix(t, "UNAUTHORIZED"):
		return 401
	case strings.Contains(t, "403") || strings.HasSuffix(t, "FORBIDDEN"):
		return 403
	}
	return 0
}

// exceptionStatus returns the status of an HTTPException-like call.
func exceptionStatus(e *expr) int {
	if e == nil || e.kind != "call" || e.fn == nil {
		return 0
	}
	if e.fn.dot == "" || !strings.Contains(lastSeg(e.fn.dot), "Exception") && !strings.Contains(lastSeg(e.fn.dot), "Error") {
		return 0
	}
	if st := statusOf(e.arg(0, "status_code")); st != 0 {
		return st
	}
	// A project error class may name its status otherwise:
	// OasstError(..., http_status_code=HTTPStatus.FORBIDDEN),
	// ApiError(status=401). Only an HTTP error status counts.
	for _, kw := range e.kw {
		if statusKeyword(kw.name) {
			if st := statusOf(kw.val); st >= 400 && st < 600 {
				return st
			}
		}
	}
	return 0
}

// statusKeyword: a keyword argument that carries an HTTP status
// (status_code, http_status, http_status_code, status).
func statusKeyword(name string) bool {
	l := strings.ToLower(name)
	return strings.Contains(l, "status") || l == "http_code" || l == "code"
}

func (a *fileAnalyzer) doRaise(n *node, c *fctx) {
	if c.fn == nil {
		return
	}
	v := n.firstNamed("")
	if v == nil || v.field == "cause" {
		return
	}
	v = unparen(v)
	var st int
	switch v.kind {
	case "call":
		e := a.b.build(v)
		st = exceptionStatus(e)
		if st == 0 && e.fn != nil && e.fn.dot != "" {
			// A project exception class may carry the status; phase 2 looks.
			c.fn.raisedClasses = append(c.fn.raisedClasses, e.fn.dot)
		}
	case "identifier":
		nm := v.text(a.src)
		if rs := c.fn.localAssigns[nm]; len(rs) > 0 {
			st = exceptionStatus(a.b.build(rs[len(rs)-1]))
		} else if as := a.f.consts[nm]; as != nil {
			st = exceptionStatus(as.e)
		}
	}
	if st == 401 || st == 403 {
		for _, x := range c.fn.raises {
			if x == st {
				return
			}
		}
		c.fn.raises = append(c.fn.raises, st)
	}
}

func (a *fileAnalyzer) doReturn(n *node, c *fctx) {
	if c.fn == nil {
		return
	}
	v := unparen(n.firstNamed(""))
	switch {
	case a.configReturn[n]:
		// if not settings.AUTH_ENABLED: return None: a switch, not a failure.
	case v == nil:
		c.fn.noneReturns = append(c.fn.noneReturns, FailureReturn{Line: n.line, Value: ""})
	case v.kind == "none" || v.kind == "false":
		c.fn.noneReturns = append(c.fn.noneReturns, FailureReturn{Line: n.line, Value: v.text(a.src)})
	case v.kind == "identifier":
		if _, ok := c.fn.inner[v.text(a.src)]; ok {
			c.fn.returnsName = v.text(a.src)
		} else {
			c.fn.returnsVar = v.text(a.src)
		}
		// result = helper(...); return result
		if rs := c.fn.localAssigns[v.text(a.src)]; len(rs) > 0 {
			if r := unparen(rs[len(rs)-1]); r != nil && r.kind == "await" {
				rs = []*node{r.firstNamed("")}
			}
			if r := unparen(rs[len(rs)-1]); r != nil && r.kind == "call" {
				c.fn.returnedCalls = append(c.fn.returnedCalls, a.b.build(r))
			}
		}
	case v.kind == "expression_list" || v.kind == "tuple":
		// return public_app, app, app_apikey: a factory of several objects.
		var names []string
		for _, x := range v.namedChildren() {
			name := ""
			if x.kind == "identifier" {
				name = x.text(a.src)
			}
			names = append(names, name)
		}
		c.fn.returnsTuple = names
	case v.kind == "await" && unparen(v.firstNamed("")) != nil && unparen(v.firstNamed("")).kind == "call":
		c.fn.awaitsCall = a.b.build(unparen(v.firstNamed("")))
	case v.kind == "call":
		c.fn.returnsCall = a.b.build(v)
		c.fn.returnedCalls = append(c.fn.returnedCalls, c.fn.returnsCall)
		if st := statusOf(c.fn.returnsCall.kwArg("status_code")); st == 401 || st == 403 {
			c.fn.rejectLines = append(c.fn.rejectLines, n.line)
		}
	}
	if v != nil {
		c.fn.returns = append(c.fn.returns, a.returned(v))
	}
	if v != nil && (len(c.excVars) > 0 || a.hasTraceback(v)) {
		a.exposures(v, "return", c, true)
	}
}

func (a *fileAnalyzer) hasTraceback(n *node) bool {
	found := false
	n.walk(func(x *node) bool {
		if x.kind == "call" {
			q := a.qual(dotted(x.child("function"), a.src))
			if strings.HasPrefix(q, "traceback.format_") {
				found = true
			}
		}
		return !found
	})
	return found
}

// isSinkCall: HTTPException(...) or a Response class.
func (a *fileAnalyzer) sinkOf(n *node) string {
	if n.kind != "call" {
		return ""
	}
	d := lastSeg(dotted(n.child("function"), a.src))
	switch {
	case d == "HTTPException" || d == "WebSocketException":
		return "http_exception"
	case strings.HasSuffix(d, "Response") && d != "RedirectResponse":
		return "response"
	}
	return ""
}

// exposureDecl is exception detail put into a possible HTTP response, kept
// until the project is known: whether the sink really answers a client is
// settled by the model (exposed).
type exposureDecl struct {
	ExceptionExposure
	fn     *pyFunc // the function it is written in
	callee string  // the response class called, as written
}

// exposures records exception details inside the expression n. With
// skipSinks, sink calls inside n are left to their own visit.
func (a *fileAnalyzer) exposures(n *node, sink string, c *fctx, skipSinks bool) {
	if sink == "http_exception" || sink == "response" {
		// Only the detail/content arguments matter.
		args := n.child("arguments")
		if args == nil {
			return
		}
		call := a.b.build(n)
		where := sinkInfo{status: sinkStatus(call, sink), callee: dotted(n.child("function"), a.src)}
		pos := 0
		for _, x := range args.namedChildren() {
			if x.kind == "keyword_argument" {
				switch x.child("name").text(a.src) {
				case "detail", "content", "body", "reason":
					a.exposuresIn(x.child("value"), sink, c, where)
				}
				continue
			}
			if (sink == "http_exception" && pos == 1) || (sink == "response" && pos == 0) {
				a.exposuresIn(x, sink, c, where)
			}
			pos++
		}
		return
	}
	if skipSinks && a.sinkOf(unparen(n)) != "" {
		return
	}
	a.exposuresIn(n, sink, c, sinkInfo{})
}

// sinkInfo is what a sink call says about the answer: its status (0 when
// not known) and the class called.
type sinkInfo struct {
	status int
	callee string
}

func (a *fileAnalyzer) exposuresIn(n *node, sink string, c *fctx, where sinkInfo) {
	if n == nil || c.devOnly {
		return // a development-only branch shows the error on purpose
	}
	var caught []string
	add := func(line int, kind string) {
		for _, x := range a.f.exposures {
			if x.Line == line && x.Kind == kind {
				return
			}
		}
		e := ExceptionExposure{Path: a.f.path, Line: line, Kind: kind, Sink: sink, Function: c.funcName(),
			Status: where.status, Caught: append([]string{}, caught...)}
		a.f.exposures = append(a.f.exposures, exposureDecl{ExceptionExposure: e, fn: c.fn, callee: where.callee})
	}
	isExc := func(x *node) bool {
		x = unparen(x)
		if x == nil || x.kind != "identifier" || !c.excVars[x.text(a.src)] {
			return false
		}
		caught = splitTypes(c.excTypes[x.text(a.src)])
		return true
	}
	n.walk(func(x *node) bool {
		switch x.kind {
		case "call":
			if n != x && a.sinkOf(x) != "" && sink == "return" {
				return false
			}
			d := dotted(x.child("function"), a.src)
			args := x.child("arguments")
			var first *node
			if args != nil {
				first = args.firstNamed("")
			}
			switch {
			case (d == "str" || d == "repr") && first != nil && isExc(first):
				add(x.line, d)
				return false
			case strings.HasPrefix(a.qual(d), "traceback.format_"):
				add(x.line, "traceback")
				return false
			case strings.HasSuffix(d, ".format") && args != nil:
				for _, arg := range args.namedChildren() {
					if isExc(arg) {
						add(x.line, "format")
					}
				}
			}
		case "interpolation":
			if isExc(x.child("expression")) {
				add(x.line, "format")
				return false
			}
			return true // f"failed: {str(e)}"
		case "binary_operator":
			if op := x.child("operator"); op != nil && op.text(a.src) == "%" {
				r := unparen(x.child("right"))
				if isExc(r) {
					add(x.line, "format")
				} else if r != nil && r.kind == "tuple" {
					for _, it := range r.namedChildren() {
						if isExc(it) {
							add(x.line, "format")
						}
					}
				}
			}
		}
		return true
	})
}

func (a *fileAnalyzer) doAwait(n *node, c *fctx) {
	if c.fn == nil {
		return
	}
	call := unparen(n.firstNamed(""))
	if call == nil || call.kind != "call" {
		return
	}
	fn := call.child("function")
	if fn == nil || fn.kind != "attribute" {
		return
	}
	m := fn.child("attribute").text(a.src)
	if m != "json" && m != "body" {
		return
	}
	obj := unparen(fn.child("object"))
	if obj.kind != "identifier" {
		return
	}
	name := obj.text(a.src)
	for _, p := range c.fn.params {
		if p.name == name && (lastSeg(p.annName) == "Request" || p.annName == "" && name == "request") {
			c.fn.requestJSON = append(c.fn.requestJSON, n.line)
			return
		}
	}
}

// credWords mark a condition as checking credentials.
var credWords = []string{"user", "password", "passwd", "credential", "auth", "verify", "valid", "token", "login", "pwd", "secret", "key", "hash", "account",
	"payload", "claim", "decoded", "session", "jwt", "principal", "identity"}

func (a *fileAnalyzer) credCond(n *node) bool {
	n = unparen(n)
	if n == nil {
		return false
	}
	switch n.kind {
	case "not_operator":
		return a.mentions(n.child("argument"), credWords)
	case "boolean_operator":
		return a.credCond(n.child("left")) || a.credCond(n.child("right"))
	case "comparison_operator":
		var ops []string
		var operands []*node
		for _, ch := range n.children {
			if ch.named {
				operands = append(operands, ch)
			} else {
				ops = append(ops, ch.text(a.src))
			}
		}
		if len(ops) == 1 && len(operands) == 2 {
			switch ops[0] {
			case "is", "==":
				r := unparen(operands[1])
				if r.kind == "none" || r.kind == "false" {
					return a.mentions(operands[0], credWords)
				}
			case "!=", "is not":
				return a.mentionsCredential(operands[0]) || a.mentionsCredential(operands[1])
			}
		}
	}
	return false
}

func (a *fileAnalyzer) mentions(n *node, words []string) bool {
	if n == nil {
		return false
	}
	t := strings.ToLower(n.text(a.src))
	for _, w := range words {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

func (a *fileAnalyzer) doIf(n *node, c *fctx) {
	if c.fn != nil {
		a.noteGuards(n, c.fn)
	}
	if c.fn != nil && a.configCond(n.child("condition")) {
		a.markConfigReturns(n.child("consequence"))
		a.markElseReturns(n)
		return
	}
	if c.fn == nil || !a.credCond(n.child("condition")) {
		return
	}
	body := n.child("consequence")
	if body == nil {
		return
	}
	body.walk(func(x *node) bool {
		switch x.kind {
		case "function_definition", "class_definition", "lambda":
			return false
		case "return_statement":
			v := unparen(x.firstNamed(""))
			if v != nil && v.kind == "await" {
				v = unparen(v.firstNamed(""))
			}
			if v != nil && rejectingAnswer(a.b.build(v)) {
				return false
			}
			c.fn.failureReturns = append(c.fn.failureReturns, FailureReturn{Line: x.line, Value: clip(v.bytes(a.src), maxTextLen)})
			return false
		}
		return true
	})
}

// noteGuards records in fn.guards, for each return in the branches of
// the if statement n, the condition that leads to it: the if's own for
// its body and its else, an elif's for the elif's body. Ifs are visited
// outer first, so a return nested in several ifs keeps the innermost.
func (a *fileAnalyzer) noteGuards(n *node, fn *pyFunc) {
	cond := n.child("condition").text(a.src)
	note := func(body *node, cond string) {
		body.walk(func(x *node) bool {
			switch x.kind {
			case "function_definition", "class_definition", "lambda":
				return false
			case "return_statement":
				if fn.guards == nil {
					fn.guards = map[int]string{}
				}
				fn.guards[x.line] = cond
				return false
			}
			return true
		})
	}
	note(n.child("consequence"), cond)
	for _, ch := range n.children {
		switch ch.kind {
		case "elif_clause":
			note(ch.child("consequence"), ch.child("condition").text(a.src))
		case "else_clause":
			note(ch.child("body"), cond)
		}
	}
}

// maxValueHops bounds how far rejectingAnswer follows a local variable
// to the variable it was assigned from (r = resp; return r).
const maxValueHops = 4

// rejectingAnswer reports whether e, a value returned on a failed
// credential check, rejects the request: a call given a 4xx status
// (status_code=401, JSONResponse(body, 422),
// status.HTTP_422_UNPROCESSABLE_ENTITY), a redirect, or a helper named for
// an error. A local variable stands for the value it was last assigned
// before the return, in source order within the function
// (exprBuilder.localValue); this ignores control flow, so
// `r = JSONResponse(..., 401)` in one branch and `return r` after an
// unrelated reassignment in another reads the reassignment.
func rejectingAnswer(e *expr) bool {
	for i := 0; e != nil && e.kind == "name" && e.local && i < maxValueHops; i++ {
		e = e.val
	}
	if e == nil || e.kind != "call" {
		return false
	}
	for _, s := range statusArgs(e) {
		if st := statusOf(s); st == 401 || st == 403 || clientError(s) {
			return true
		}
	}
	callee := ""
	if e.fn != nil {
		callee = lastSeg(e.fn.dot)
	}
	// form_helper.get_error_response(...): the form again, with the error.
	return callee == "RedirectResponse" || errorAnswer(callee)
}

// statusArgs are the arguments of a call that may carry an HTTP status:
// status_code= or status=, the second positional argument of a response
// class (JSONResponse(content, 401), a subclass of it), and any argument
// naming a status constant (error_response(status.HTTP_401_UNAUTHORIZED)).
func statusArgs(e *expr) []*expr {
	var out []*expr
	for _, k := range e.kw {
		if k.name == "status_code" || k.name == "status" {
			out = append(out, k.val)
		} else if statusConst(k.val) {
			out = append(out, k.val)
		}
	}
	for i, a := range e.args {
		if statusConst(a) || i == 1 && e.fn != nil && strings.HasSuffix(lastSeg(e.fn.dot), "Response") {
			out = append(out, a)
		}
	}
	return out
}

// statusConstRe matches the status constants of starlette and fastapi
// (status.HTTP_401_UNAUTHORIZED).
var statusConstRe = regexp.MustCompile(`(^|\.)HTTP_[1-5]\d\d_`)

func statusConst(e *expr) bool { return e != nil && statusConstRe.MatchString(e.dot) }

// errorAnswerRe names a helper that builds an error answer.
var errorAnswerRe = regexp.MustCompile(`(?i)error|fail|denied|reject|unauthori[sz]ed|forbidden`)

func errorAnswer(callee string) bool { return callee != "" && errorAnswerRe.MatchString(callee) }

// clientError: a 4xx status, literal (422) or a status constant
// (status.HTTP_422_UNPROCESSABLE_ENTITY).
func clientError(e *expr) bool {
	if e == nil {
		return false
	}
	if v, ok := e.lit.(int64); ok {
		return v >= 400 && v < 500
	}
	return clientConstRe.MatchString(e.dot)
}

// clientConstRe matches the 4xx status constants.
var clientConstRe = regexp.MustCompile(`(^|\.)HTTP_4\d\d_`)
