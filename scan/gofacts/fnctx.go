package gofacts

import (
	"go/ast"
	"go/token"
	"strings"
)

// creator is how a local variable was made: a call or a struct literal.
type creator struct {
	q    string // qualified callee or type, or "method:Name" for a method call
	call *ast.CallExpr
	comp *ast.CompositeLit
}

// fnCtx is one function (function literals inside it included): its
// parameters and what its local variables are given.
type fnCtx struct {
	f    *file
	name string
	decl *ast.FuncDecl
	// params maps a parameter to its qualified type.
	params   map[*ast.Object]string
	locals   map[*ast.Object][]assign
	consts   map[*ast.Object]bool
	creators map[*ast.Object]creator
	// composites maps a variable to the struct literal it holds (an index
	// in the file's output), so that later field sets join it.
	composites map[*ast.Object]int
	// writeHeader is the status given to w.WriteHeader in the function.
	writeHeader ast.Expr
	// guards are the if and switch statements of the function: the
	// source range they govern and their condition's text.
	guards []guard
}

type guard struct {
	from, to token.Pos
	cond     string
}

func newFnCtx(f *file, name string) *fnCtx {
	return &fnCtx{f: f, name: name, params: map[*ast.Object]string{}, locals: map[*ast.Object][]assign{},
		consts: map[*ast.Object]bool{}, creators: map[*ast.Object]creator{}, composites: map[*ast.Object]int{}}
}

func (fc *fnCtx) addParams(ft *ast.FuncType) {
	if ft == nil || ft.Params == nil {
		return
	}
	for _, fl := range ft.Params.List {
		t := fc.f.typeString(fl.Type)
		for _, n := range fl.Names {
			if n.Obj != nil {
				fc.params[n.Obj] = t
			}
		}
	}
}

// collect records what every local variable is given in body, and the
// assignments to package-level variables.
func (fc *fnCtx) collect(body ast.Node) {
	f := fc.f
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			fc.addParams(n.Type)
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				a := assign{op: n.Tok, fc: fc, line: f.line(n), kind: "expr"}
				switch {
				case len(n.Rhs) == len(n.Lhs):
					a.rhs = n.Rhs[i]
				case len(n.Rhs) == 1:
					a.rhs, a.kind = n.Rhs[0], "multi"
				}
				fc.bind(id, a)
			}
		case *ast.DeclStmt:
			gd, ok := n.Decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR && gd.Tok != token.CONST {
				return true
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if id.Obj == nil || id.Name == "_" {
						continue
					}
					a := assign{op: token.DEFINE, fc: fc, line: f.line(id), kind: "zero"}
					if len(vs.Values) == len(vs.Names) {
						a.rhs, a.kind = vs.Values[i], "expr"
					} else if len(vs.Values) == 1 {
						a.rhs, a.kind = vs.Values[0], "multi"
					}
					fc.locals[id.Obj] = append(fc.locals[id.Obj], a)
					if gd.Tok == token.CONST {
						fc.consts[id.Obj] = true
					}
					if a.rhs != nil {
						fc.noteCreator(id, a.rhs)
					}
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Obj != nil && id.Name != "_" {
					fc.locals[id.Obj] = append(fc.locals[id.Obj], assign{op: token.DEFINE, rhs: n.X, fc: fc, line: f.line(id), kind: "range"})
				}
			}
		case *ast.CallExpr:
			fc.collectCall(n)
		case *ast.IfStmt:
			cond := f.text(n.Cond)
			if n.Init != nil {
				cond += " " + f.text(n.Init)
			}
			fc.guards = append(fc.guards, guard{from: n.Body.Pos(), to: n.End(), cond: cond})
		case *ast.SwitchStmt:
			cond := ""
			if n.Tag != nil {
				cond = f.text(n.Tag)
			}
			for _, cc := range n.Body.List {
				for _, e := range cc.(*ast.CaseClause).List {
					cond += " " + f.text(e)
				}
			}
			fc.guards = append(fc.guards, guard{from: n.Body.Pos(), to: n.End(), cond: cond})
		}
		return true
	})
}

// guarded reports whether position pos sits under an if or switch whose
// condition mentions e (its variable, or its text).
func (fc *fnCtx) guarded(pos token.Pos, e ast.Expr) bool {
	name := fc.f.text(e)
	if id, ok := unparen(e).(*ast.Ident); ok {
		name = id.Name
	}
	if name == "" {
		return false
	}
	for _, g := range fc.guards {
		if g.from <= pos && pos < g.to && containsWord(g.cond, name) {
			return true
		}
	}
	return false
}

// containsWord reports whether s holds w not inside a longer identifier.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isIdentByte(s[j-1])
		after := j+len(w) == len(s) || !isIdentByte(s[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isIdentByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// bind records an assignment to an identifier: a local, or a package-level
// variable (then visible to every function of the folder).
func (fc *fnCtx) bind(id *ast.Ident, a assign) {
	if fc.f.isPackageLevel(id) {
		if _, ok := fc.f.p.vars[id.Name]; ok || id.Obj != nil {
			fc.f.p.varAssigns[id.Name] = append(fc.f.p.varAssigns[id.Name], a)
		}
		return
	}
	fc.locals[id.Obj] = append(fc.locals[id.Obj], a)
	if a.rhs != nil && (a.op == token.DEFINE || a.op == token.ASSIGN) {
		fc.noteCreator(id, a.rhs)
	}
}

// noteCreator remembers how a variable was made, when it was made by a
// call or a struct literal.
func (fc *fnCtx) noteCreator(id *ast.Ident, rhs ast.Expr) {
	if id.Obj == nil {
		return
	}
	e := unparen(rhs)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = unparen(u.X)
	}
	switch e := e.(type) {
	case *ast.CallExpr:
		if q := fc.f.qualify(e.Fun); q != "" {
			fc.creators[id.Obj] = creator{q: q, call: e}
		} else if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			fc.creators[id.Obj] = creator{q: "method:" + sel.Sel.Name, call: e}
		}
	case *ast.CompositeLit:
		if q := fc.f.qualify(e.Type); q != "" {
			fc.creators[id.Obj] = creator{q: q, comp: e}
		}
	}
}

// collectCall records what a call gives to its arguments: fmt.Scan fills
// them from standard input; strings.Builder's writes append to it.
func (fc *fnCtx) collectCall(c *ast.CallExpr) {
	f := fc.f
	q := normPkg(f.qualify(c.Fun))
	if scanFuncs[q] {
		for _, a := range c.Args {
			if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
				if id, ok := u.X.(*ast.Ident); ok && id.Obj != nil {
					fc.bind(id, assign{op: token.ASSIGN, fc: fc, line: f.line(c), kind: "input"})
				}
			}
		}
		return
	}
	if q == "fmt.Fprintf" || q == "fmt.Fprint" || q == "fmt.Fprintln" {
		if len(c.Args) > 1 {
			if u, ok := c.Args[0].(*ast.UnaryExpr); ok && u.Op == token.AND {
				if id, ok := u.X.(*ast.Ident); ok && id.Obj != nil {
					for _, a := range c.Args[1:] {
						fc.bind(id, assign{op: token.ADD_ASSIGN, rhs: a, fc: fc, line: f.line(c), kind: "builder"})
					}
				}
			}
		}
		return
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	switch sel.Sel.Name {
	case "WriteString", "WriteByte", "WriteRune", "Write":
		if id, ok := sel.X.(*ast.Ident); ok && id.Obj != nil && len(c.Args) == 1 {
			if _, isParam := fc.params[id.Obj]; !isParam {
				fc.bind(id, assign{op: token.ADD_ASSIGN, rhs: c.Args[0], fc: fc, line: f.line(c), kind: "builder"})
			}
		}
	case "WriteHeader":
		if len(c.Args) == 1 && fc.writeHeader == nil {
			fc.writeHeader = c.Args[0]
		}
	}
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// rootIdent is the identifier a selector or call chain starts from:
// c.Request.Header.Get -> c.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.TypeAssertExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// paramType is the qualified type of the parameter id names, or "".
func (fc *fnCtx) paramType(id *ast.Ident) (string, bool) {
	if id == nil || id.Obj == nil {
		return "", false
	}
	t, ok := fc.params[id.Obj]
	return t, ok
}

// isRequest reports whether e is rooted at a parameter that carries the
// HTTP request (r *http.Request, c *gin.Context, c echo.Context...).
func (fc *fnCtx) isRequest(e ast.Expr) bool {
	t, ok := fc.paramType(rootIdent(e))
	return ok && requestTypes[t]
}

// isResponseWriter reports whether e is a parameter of type http.ResponseWriter.
func (fc *fnCtx) isResponseWriter(e ast.Expr) bool {
	id, ok := unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	t, ok := fc.paramType(id)
	return ok && t == "net/http.ResponseWriter"
}

// creatorOf is how the variable at the root of e was made ("" when unknown).
func (fc *fnCtx) creatorOf(e ast.Expr) creator {
	id := rootIdent(e)
	if id == nil || id.Obj == nil {
		return creator{}
	}
	return fc.creators[id.Obj]
}

// safeParamTypes cannot carry SQL text.
var safeParamTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "uint": true, "uint8": true,
	"uint16": true, "uint32": true, "uint64": true, "float32": true, "float64": true, "bool": true,
	"time.Time": true, "*time.Time": true, "time.Duration": true, "github.com/google/uuid.UUID": true,
	"context.Context": true, "[]int": true, "[]int64": true,
}

func isErrName(name string) bool {
	return name == "err" || name == "e" || name == "error" || strings.HasSuffix(name, "Err") || strings.HasSuffix(name, "err") || strings.HasSuffix(name, "Error")
}
