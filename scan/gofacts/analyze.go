package gofacts

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/names"
)

// trackedFields are the fields whose assignment is a fact whatever the
// receiver (tr.TLSClientConfig.InsecureSkipVerify = true, e.Debug = true).
var trackedFields = map[string]bool{
	"InsecureSkipVerify": true, "MinVersion": true, "MaxVersion": true, "CipherSuites": true, "Debug": true,
	"ReadTimeout": true, "ReadHeaderTimeout": true, "WriteTimeout": true, "IdleTimeout": true, "Secure": true,
	"HttpOnly": true, "SameSite": true, "Options": true, "TLSClientConfig": true, "TLSConfig": true,
	"PreferServerCipherSuites": true, "Handler": true, "Addr": true,
}

// analyze emits the facts of the file: package-level declarations, then
// every function.
func (f *file) analyze() {
	for _, d := range f.ast.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST && gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			kind := "var"
			if gd.Tok == token.CONST {
				kind = "const"
			}
			for i, n := range vs.Names {
				if len(vs.Values) == len(vs.Names) && !namedType(vs.Type) {
					f.secretBinding(n.Name, vs.Values[i], kind)
				}
			}
			f.walk(f.top, vs)
		}
	}
	for _, fc := range f.funcs {
		f.walk(fc, fc.decl.Body)
	}
	f.jwtPostPass()
}

// walk visits the nodes under n in function context fc.
func (f *file) walk(fc *fnCtx, n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			f.composite(fc, n)
		case *ast.CallExpr:
			f.call(fc, n)
		case *ast.AssignStmt:
			f.assignStmt(fc, n)
		case *ast.DeclStmt:
			f.declStmt(fc, n)
		case *ast.SelectorExpr:
			if q := f.qualify(n); q != "" && refPkg(q[:strings.LastIndex(q, ".")]) {
				f.out.Refs = append(f.out.Refs, Ref{Path: f.path, Line: f.line(n), Function: fc.name, Qualname: q})
			}
		case *ast.BinaryExpr:
			f.comparison(fc, n)
		}
		return true
	})
}

// composite records a struct literal of a package of interest, and the
// secrets written in keyed fields of any struct or map literal.
func (f *file) composite(fc *fnCtx, c *ast.CompositeLit) {
	for _, el := range c.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch k := kv.Key.(type) {
		case *ast.Ident:
			// In a map literal an identifier key is a constant, not a field
			// (map[int]string{ErrorAuthToken: "Token expired"}).
			if _, isMap := c.Type.(*ast.MapType); !isMap {
				f.secretBinding(k.Name, kv.Value, "field")
			}
		case *ast.BasicLit:
			if kc := fc.constVal(k, 0); kc.ok {
				if s, ok := kc.v.(string); ok {
					f.secretBinding(s, kv.Value, "map_key")
				}
			}
		}
	}
	q := f.qualify(c.Type)
	if q == "" || !interesting(q[:strings.LastIndex(q, ".")]) {
		return
	}
	comp := Composite{Path: f.path, Line: f.line(c), Function: fc.name, Type: q, Fields: map[string]Value{}, SetLater: []string{}}
	for _, el := range c.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok {
				comp.Fields[k.Name] = redact(fc.value(kv.Value), k.Name)
			}
		}
	}
	f.out.Composites = append(f.out.Composites, comp)
	// Bound to a variable? Later field sets join it.
	for obj, cr := range fc.creators {
		if cr.comp == c {
			comp := &f.out.Composites[len(f.out.Composites)-1]
			comp.Var = obj.Name
			fc.composites[obj] = len(f.out.Composites) - 1
		}
	}
}

// declStmt records `var conf tls.Config`: a struct of interest with its
// zero value, whose fields are set later.
func (f *file) declStmt(fc *fnCtx, d *ast.DeclStmt) {
	gd, ok := d.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR && gd.Tok != token.CONST {
		return
	}
	for _, sp := range gd.Specs {
		vs := sp.(*ast.ValueSpec)
		for i, n := range vs.Names {
			if len(vs.Values) == len(vs.Names) {
				kind := "local"
				if gd.Tok == token.CONST {
					kind = "const"
				}
				f.secretBinding(n.Name, vs.Values[i], kind)
			}
		}
		if len(vs.Values) > 0 || vs.Type == nil {
			continue
		}
		t := vs.Type
		if st, ok := t.(*ast.StarExpr); ok {
			t = st.X
		}
		q := f.qualify(t)
		if q == "" || !interesting(q[:strings.LastIndex(q, ".")]) {
			continue
		}
		if _, isPtr := vs.Type.(*ast.StarExpr); isPtr {
			continue // a nil pointer: set later by assignment
		}
		for _, n := range vs.Names {
			if n.Obj == nil {
				continue
			}
			f.out.Composites = append(f.out.Composites, Composite{Path: f.path, Line: f.line(n), Function: fc.name, Type: q, Var: n.Name,
				Fields: map[string]Value{}, SetLater: []string{}})
			fc.composites[n.Obj] = len(f.out.Composites) - 1
			fc.creators[n.Obj] = creator{q: q}
		}
	}
}

// assignStmt records field sets (joined to their struct literal, or as
// Assignments), header writes through w.Header()[k] = v, and secrets.
func (f *file) assignStmt(fc *fnCtx, a *ast.AssignStmt) {
	for i, l := range a.Lhs {
		var rhs ast.Expr
		if len(a.Rhs) == len(a.Lhs) {
			rhs = a.Rhs[i]
		}
		switch l := l.(type) {
		case *ast.Ident:
			if rhs != nil && (a.Tok == token.DEFINE || a.Tok == token.ASSIGN) {
				kind := "local"
				if f.isPackageLevel(l) {
					kind = "assign"
				}
				f.secretBinding(l.Name, rhs, kind)
			}
		case *ast.SelectorExpr:
			if rhs == nil {
				continue
			}
			field := l.Sel.Name
			if id, ok := l.X.(*ast.Ident); ok && id.Obj != nil {
				if idx, ok := fc.composites[id.Obj]; ok {
					comp := &f.out.Composites[idx]
					comp.Fields[field] = redact(fc.value(rhs), field)
					comp.SetLater = append(comp.SetLater, field)
					continue
				}
			}
			f.secretBinding(field, rhs, "field")
			cr := fc.creatorOf(l.X)
			if trackedFields[field] || cr.q != "" && !strings.HasPrefix(cr.q, "method:") && interesting(cr.q[:max(strings.LastIndex(cr.q, "."), 0)]) {
				f.out.Assignments = append(f.out.Assignments, Assignment{Path: f.path, Line: f.line(l), Function: fc.name,
					Target: f.text(l), Field: field, RecvFrom: cr.q, Value: redact(fc.value(rhs), field)})
			}
		case *ast.IndexExpr:
			// w.Header()["Access-Control-Allow-Origin"] = []string{v}
			hc, ok := l.X.(*ast.CallExpr)
			if !ok || rhs == nil {
				continue
			}
			if hs, ok := hc.Fun.(*ast.SelectorExpr); !ok || hs.Sel.Name != "Header" {
				continue
			}
			k := fc.constVal(l.Index, 0)
			name, _ := k.v.(string)
			if !k.ok || name == "" {
				continue
			}
			v := fc.value(rhs)
			if len(v.Items) == 1 {
				v = v.Items[0]
			}
			f.out.HeaderWrites = append(f.out.HeaderWrites, HeaderWrite{Path: f.path, Line: f.line(l), Function: fc.name, Name: name, Value: v,
				Guarded: fc.guarded(l.Pos(), rhs)})
		}
	}
}

// call records calls of interest and what they say about headers, SQL,
// errors, JWT and secrets.
func (f *file) call(fc *fnCtx, c *ast.CallExpr) {
	q := f.qualify(c.Fun)
	nq := normPkg(q)
	sel, isSel := c.Fun.(*ast.SelectorExpr)
	method := ""
	if isSel && q == "" {
		method = sel.Sel.Name
	}
	switch {
	case q != "" && interesting(q[:strings.LastIndex(q, ".")]):
		args := f.args(fc, c)
		if nq == "os.Setenv" && len(args) == 2 {
			if name, ok := args[0].Value.(string); ok {
				args[1] = redact(args[1], name)
			}
		}
		f.out.Calls = append(f.out.Calls, Call{Path: f.path, Line: f.line(c), Function: fc.name, Callee: q, Args: args})
	case method != "":
		cr := fc.creatorOf(sel.X)
		if interestMethods[method] || cr.q != "" && !strings.HasPrefix(cr.q, "method:") && interesting(cr.q[:max(strings.LastIndex(cr.q, "."), 0)]) {
			f.out.Calls = append(f.out.Calls, Call{Path: f.path, Line: f.line(c), Function: fc.name, Method: method,
				Recv: f.text(sel.X), RecvFrom: cr.q, Args: f.args(fc, c)})
		}
	}
	if nq == "os.Setenv" && len(c.Args) == 2 {
		if k := fc.constVal(c.Args[0], 0); k.ok {
			if s, ok := k.v.(string); ok {
				f.secretBinding(s, c.Args[1], "setenv")
			}
		}
	}
	f.headerWrite(fc, c, method)
	f.sqlCall(fc, c, method)
	f.errorExposure(fc, c, nq, method)
	f.jwtParse(fc, c, q, method)
}

func (f *file) args(fc *fnCtx, c *ast.CallExpr) []Value {
	out := make([]Value, 0, len(c.Args))
	for _, a := range c.Args {
		out = append(out, fc.value(a))
	}
	return out
}

// headerWrite records w.Header().Set/Add(k, v), gin's c.Header(k, v) and
// fiber's c.Set(k, v).
func (f *file) headerWrite(fc *fnCtx, c *ast.CallExpr, method string) {
	if len(c.Args) != 2 || method == "" {
		return
	}
	sel := c.Fun.(*ast.SelectorExpr)
	ok := false
	switch method {
	case "Set", "Add":
		if hc, isCall := sel.X.(*ast.CallExpr); isCall {
			if hs, isSel := hc.Fun.(*ast.SelectorExpr); isSel && hs.Sel.Name == "Header" {
				ok = true
			}
		}
		if hs, isSel := sel.X.(*ast.SelectorExpr); isSel && hs.Sel.Name == "Header" {
			ok = true
		}
		if t, isParam := fc.paramType(rootIdent(sel.X)); isParam && strings.Contains(t, "fiber.Ctx") && method == "Set" {
			ok = true
		}
	case "Header":
		ok = fc.isRequest(sel.X)
	}
	if !ok {
		return
	}
	k := fc.constVal(c.Args[0], 0)
	name, _ := k.v.(string)
	if !k.ok || name == "" {
		return
	}
	f.out.HeaderWrites = append(f.out.HeaderWrites, HeaderWrite{Path: f.path, Line: f.line(c), Function: fc.name, Name: name, Value: fc.value(c.Args[1]),
		Guarded: fc.guarded(c.Pos(), c.Args[1])})
}

// isContextArg reports whether an argument is a context.Context.
func (fc *fnCtx) isContextArg(e ast.Expr) bool {
	t := fc.f.text(e)
	if t == "ctx" || strings.HasSuffix(t, "Context()") || strings.HasPrefix(t, "context.") || strings.HasSuffix(t, ".Context()") {
		return true
	}
	if id, ok := e.(*ast.Ident); ok {
		if pt, ok := fc.paramType(id); ok && pt == "context.Context" {
			return true
		}
	}
	return false
}

// sqlCall records a call that runs or prepares SQL in a file that imports
// a SQL package, with how its query is built.
func (f *file) sqlCall(fc *fnCtx, c *ast.CallExpr, method string) {
	if !f.sqlUser || method == "" || !sqlMethods[method] || len(c.Args) == 0 {
		return
	}
	sel := c.Fun.(*ast.SelectorExpr)
	if cr := fc.creatorOf(sel.X); strings.HasPrefix(cr.q, "method:Prepare") {
		return // a prepared statement: its arguments are values
	}
	args := c.Args
	if fc.isContextArg(args[0]) {
		args = args[1:]
	}
	switch method {
	case "Get", "Select", "GetContext", "SelectContext":
		if len(args) < 2 {
			return
		}
		args = args[1:] // sqlx: the destination comes first
	}
	if len(args) == 0 {
		return
	}
	qe := args[0]
	t := fc.trace(qe, 0, map[any]bool{})
	text := strings.Join(t.text, " ")
	looks := looksLikeSQL(text)
	if !looks && (method == "Get" || method == "Select" || method == "Raw") {
		return
	}
	built := t.built
	if built == "" {
		built = BuiltNone
	}
	origins := t.origins
	if origins == nil {
		origins = []Origin{}
	}
	f.out.SQL = append(f.out.SQL, SQLCall{Path: f.path, Line: f.line(c), Function: fc.name, Callee: f.text(c.Fun), Method: method,
		Query: clip(text, 200), BuiltWith: built, LooksSQL: looks, Origins: origins})
}

// errorText reports whether e carries an error's text: err.Error(), or an
// error formatted by fmt.
func (fc *fnCtx) errorText(e ast.Expr) string {
	found := ""
	ast.Inspect(e, func(n ast.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" && len(n.Args) == 0 {
				if id := rootIdent(sel.X); id != nil && fc.f.qualify(sel) == "" {
					found = fc.f.text(n)
					return false
				}
			}
			q := normPkg(fc.f.qualify(n.Fun))
			if q == "fmt.Sprintf" || q == "fmt.Sprint" || q == "fmt.Sprintln" || q == "fmt.Errorf" {
				for _, a := range n.Args {
					if id, ok := unparen(a).(*ast.Ident); ok && isErrName(id.Name) {
						found = fc.f.text(n)
						return false
					}
				}
			}
		}
		return true
	})
	return found
}

// errorExposure records an error's text written to a response.
func (f *file) errorExposure(fc *fnCtx, c *ast.CallExpr, q, method string) {
	var (
		sinkName string
		status   ast.Expr
		body     []ast.Expr
	)
	switch {
	case q == "net/http.Error" && len(c.Args) == 3:
		sinkName, status, body = "http.Error", c.Args[2], c.Args[1:2]
	case (q == "github.com/labstack/echo.NewHTTPError" || q == "github.com/gofiber/fiber.NewError") && len(c.Args) >= 2:
		sinkName, status, body = q[strings.LastIndex(q, "/")+1:], c.Args[0], c.Args[1:]
	case (q == "fmt.Fprintf" || q == "fmt.Fprint" || q == "fmt.Fprintln" || q == "io.WriteString") && len(c.Args) > 1 && fc.isResponseWriter(c.Args[0]):
		sinkName, status, body = q, fc.writeHeader, c.Args[1:]
	case method == "Write" && len(c.Args) == 1:
		sel := c.Fun.(*ast.SelectorExpr)
		if !fc.isResponseWriter(sel.X) {
			return
		}
		sinkName, status, body = "ResponseWriter.Write", fc.writeHeader, c.Args
	case method != "":
		s, ok := ctxResponseMethods[method]
		if !ok {
			return
		}
		sel := c.Fun.(*ast.SelectorExpr)
		recv := sel.X
		// fiber: c.Status(500).JSON(...)
		if sc, ok := recv.(*ast.CallExpr); ok {
			if ss, ok := sc.Fun.(*ast.SelectorExpr); ok && ss.Sel.Name == "Status" && len(sc.Args) == 1 {
				status = sc.Args[0]
				recv = ss.X
			}
		}
		if !fc.isRequest(recv) || len(c.Args) <= s.body {
			return
		}
		if s.status >= 0 && s.status < len(c.Args) {
			status = c.Args[s.status]
		}
		sinkName, body = "Context."+method, c.Args[s.body:]
	default:
		return
	}
	for _, b := range body {
		if what := fc.errorText(b); what != "" {
			st := Value{Text: "", Line: f.line(c), Type: "none", Source: "none"}
			if status != nil {
				st = fc.value(status)
			}
			f.out.ErrorExposures = append(f.out.ErrorExposures, ErrorExposure{Path: f.path, Line: f.line(c), Function: fc.name,
				Sink: sinkName, Status: st, What: what})
			return
		}
	}
}

// namedType: a declaration typed with a named type other than string
// (const AuthToken TokenType = "jwt_iat"): the members of an enum, whose
// values name things.
func namedType(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return t.Name != "string"
	case *ast.SelectorExpr:
		return true
	}
	return false
}

// secretBinding records a string literal bound to a secret-like name.
func (f *file) secretBinding(name string, e ast.Expr, kind string) {
	lit, ok := unparen(e).(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	s := f.top.constVal(lit, 0)
	value, _ := s.v.(string)
	if !goSecretName(name, value) || namesKey(name, value) || names.Go.IsTemplateOrText(value) || keywordClause(value) {
		return
	}
	f.out.SecretLiterals = append(f.out.SecretLiterals, SecretLiteral{Path: f.path, Line: f.line(lit), Name: name, Kind: kind,
		Masked: scan.Mask(value), Length: len(value), Placeholder: names.IsPlaceholder(value), Empty: strings.TrimSpace(value) == ""})
}

// comparison records a credential compared with a string literal:
// password == "hunter2".
func (f *file) comparison(fc *fnCtx, b *ast.BinaryExpr) {
	if b.Op != token.EQL && b.Op != token.NEQ {
		return
	}
	for _, sides := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
		lit, ok := unparen(sides[1]).(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			continue
		}
		name := ""
		switch s := unparen(sides[0]).(type) {
		case *ast.Ident:
			name = s.Name
		case *ast.SelectorExpr:
			name = s.Sel.Name
		}
		c := fc.constVal(lit, 0)
		value, _ := c.v.(string)
		if name == "" || !goSecretName(name, value) {
			continue
		}
		if strings.TrimSpace(value) == "" || len(value) < 4 || namesKey(name, value) || plainWordRe.MatchString(value) || names.Go.IsTemplateOrText(value) || schemeWords[strings.ToLower(value)] {
			continue
		}
		f.out.Comparisons = append(f.out.Comparisons, Comparison{Path: f.path, Line: f.line(b), Function: fc.name, Op: b.Op.String(),
			Name: name, Masked: scan.Mask(value)})
		return
	}
}

var schemeWords = map[string]bool{"bearer": true, "basic": true, "digest": true, "token": true, "null": true, "none": true, "undefined": true}

// redact masks a known string bound to a secret-like name.
func redact(v Value, name string) Value {
	if !names.Go.IsSecret(name) {
		return v
	}
	return maskValue(v)
}

func maskValue(v Value) Value {
	s, ok := v.Value.(string)
	if !v.Known || !ok {
		return v
	}
	v.Value, v.Text, v.Redacted = scan.Mask(s), scan.Mask(v.Text), true
	v.Items = nil
	return v
}
