package gofacts

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// maxDepth bounds how far names are followed.
const maxDepth = 8

// constant is a resolved constant value and where it is written.
type constant struct {
	v       any
	ok      bool
	source  string // literal, const, var, local, known
	defPath string
	defLine int
	qual    string
}

// constVal resolves e to a constant the way a reader would: literals,
// constants, variables given one value, known library constants, !, -, +
// and conversions.
func (fc *fnCtx) constVal(e ast.Expr, depth int) constant {
	if e == nil || depth > maxDepth {
		return constant{}
	}
	f := fc.f
	switch e := e.(type) {
	case *ast.ParenExpr:
		return fc.constVal(e.X, depth)
	case *ast.BasicLit:
		c := constant{ok: true, source: "literal"}
		switch e.Kind {
		case token.STRING:
			s, err := strconv.Unquote(e.Value)
			c.v, c.ok = s, err == nil
		case token.INT:
			n, err := strconv.ParseInt(strings.ReplaceAll(e.Value, "_", ""), 0, 64)
			c.v, c.ok = n, err == nil
		case token.FLOAT:
			n, err := strconv.ParseFloat(strings.ReplaceAll(e.Value, "_", ""), 64)
			c.v, c.ok = n, err == nil
		default:
			c.ok = false
		}
		return c
	case *ast.Ident:
		switch e.Name {
		case "true", "false":
			if e.Obj == nil {
				return constant{v: e.Name == "true", ok: true, source: "literal"}
			}
		case "nil":
			if e.Obj == nil {
				return constant{v: nil, ok: true, source: "literal"}
			}
		}
		if e.Obj != nil && !f.isPackageLevel(e) {
			as := fc.locals[e.Obj]
			if len(as) != 1 || as[0].kind != "expr" {
				return constant{}
			}
			c := as[0].fc.constVal(as[0].rhs, depth+1)
			if c.ok {
				c.source = "local"
				if c.defLine == 0 {
					c.defPath, c.defLine = f.path, as[0].line
				}
			}
			return c
		}
		if d, ok := f.p.consts[e.Name]; ok {
			c := d.fc.constVal(d.value, depth+1)
			if c.ok {
				c.source, c.defPath, c.defLine = "const", d.fc.f.path, d.line
			}
			return c
		}
		if d, ok := f.p.vars[e.Name]; ok && len(f.p.varAssigns[e.Name]) == 0 && d.value != nil {
			c := d.fc.constVal(d.value, depth+1)
			if c.ok {
				c.source, c.defPath, c.defLine = "var", d.fc.f.path, d.line
			}
			return c
		}
	case *ast.SelectorExpr:
		if q := f.qualify(e); q != "" {
			if v, ok := constOf(normPkg(q)); ok {
				return constant{v: v, ok: true, source: "known", qual: q}
			}
			return constant{qual: q}
		}
	case *ast.UnaryExpr:
		c := fc.constVal(e.X, depth+1)
		if !c.ok {
			return constant{}
		}
		switch e.Op {
		case token.NOT:
			if b, ok := c.v.(bool); ok {
				c.v = !b
				return c
			}
		case token.SUB:
			if n, ok := c.v.(int64); ok {
				c.v = -n
				return c
			}
		}
		return constant{}
	case *ast.BinaryExpr:
		x, y := fc.constVal(e.X, depth+1), fc.constVal(e.Y, depth+1)
		if !x.ok || !y.ok {
			return constant{}
		}
		switch xv := x.v.(type) {
		case string:
			if yv, ok := y.v.(string); ok && e.Op == token.ADD {
				return constant{v: xv + yv, ok: true, source: x.source, defPath: x.defPath, defLine: x.defLine}
			}
		case int64:
			yv, ok := y.v.(int64)
			if !ok {
				return constant{}
			}
			r := constant{ok: true, source: x.source, defPath: x.defPath, defLine: x.defLine}
			switch e.Op {
			case token.ADD:
				r.v = xv + yv
			case token.SUB:
				r.v = xv - yv
			case token.MUL:
				r.v = xv * yv
			case token.OR:
				r.v = xv | yv
			case token.SHL:
				r.v = xv << uint(yv&63)
			default:
				return constant{}
			}
			return r
		case bool:
			yv, ok := y.v.(bool)
			if !ok {
				return constant{}
			}
			switch e.Op {
			case token.LAND:
				return constant{v: xv && yv, ok: true, source: x.source}
			case token.LOR:
				return constant{v: xv || yv, ok: true, source: x.source}
			}
		}
	case *ast.CallExpr:
		// A conversion to a basic type: uint16(0x0303), string("x").
		if id, ok := e.Fun.(*ast.Ident); ok && id.Obj == nil && len(e.Args) == 1 && basicTypes[id.Name] {
			return fc.constVal(e.Args[0], depth+1)
		}
	}
	return constant{}
}

var basicTypes = map[string]bool{"string": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "bool": true, "float64": true, "float32": true}

// value builds the Value fact of e.
func (fc *fnCtx) value(e ast.Expr) Value {
	return fc.valueDepth(e, 0)
}

func (fc *fnCtx) valueDepth(e ast.Expr, depth int) Value {
	f := fc.f
	v := Value{Text: f.text(e), Line: f.line(e), Type: exprType(e), Source: "expr"}
	c := fc.constVal(e, 0)
	v.Qualname = c.qual
	if c.ok {
		v.Known, v.Value, v.Source = true, c.v, c.source
		v.DefPath, v.DefLine = c.defPath, c.defLine
		switch c.v.(type) {
		case string:
			v.Type = "string"
		case int64, float64:
			v.Type = "number"
		case bool:
			v.Type = "bool"
		case nil:
			v.Type = "nil"
		}
	}
	if depth > 2 {
		return v
	}
	e = unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = unparen(u.X)
	}
	switch x := e.(type) {
	case *ast.Ident:
		if x.Obj != nil && !f.isPackageLevel(x) {
			if _, ok := fc.params[x.Obj]; ok {
				v.Source = "param"
			} else if as := fc.locals[x.Obj]; len(as) == 1 && as[0].rhs != nil && as[0].kind == "expr" {
				// A local given one value: the value, as written there.
				inner := as[0].fc.valueDepth(as[0].rhs, depth+1)
				if !v.Known {
					v.Items, v.Args, v.Returns, v.RequestHeader, v.Qualname = inner.Items, inner.Args, inner.Returns, inner.RequestHeader, inner.Qualname
					v.Type = inner.Type
					if inner.Source == "env" {
						v.Source = "env"
					}
				}
			}
		} else if d, ok := f.p.vars[x.Name]; ok && !v.Known && d.value != nil && len(f.p.varAssigns[x.Name]) == 0 {
			inner := d.fc.valueDepth(d.value, depth+1)
			v.Items, v.Returns, v.Type = inner.Items, inner.Returns, inner.Type
		}
	case *ast.CompositeLit:
		if _, ok := x.Type.(*ast.ArrayType); ok || x.Type == nil {
			v.Type = "list"
			vals := []any{}
			all := true
			for _, el := range x.Elts {
				it := fc.valueDepth(el, depth+1)
				v.Items = append(v.Items, it)
				if it.Known {
					vals = append(vals, it.Value)
				} else {
					all = false
				}
			}
			if all {
				v.Known, v.Value, v.Source = true, vals, "literal"
			}
		} else {
			v.Type = "composite"
			v.Qualname = f.qualify(x.Type)
		}
	case *ast.CallExpr:
		// []byte("...") is how keys are written: never in clear.
		if at, ok := x.Fun.(*ast.ArrayType); ok && len(x.Args) == 1 {
			if id, ok := at.Elt.(*ast.Ident); ok && id.Name == "byte" {
				inner := fc.valueDepth(x.Args[0], depth+1)
				if inner.Known {
					inner.Text, inner.Line = v.Text, v.Line
					return maskValue(inner)
				}
			}
		}
		v.Type = "call"
		q := f.qualify(x.Fun)
		if q != "" {
			v.Qualname = q
		}
		if inputFuncs[normPkg(q)] {
			v.Source = "env"
		}
		if q != "" && interesting(q[:strings.LastIndex(q, ".")]) {
			for _, a := range x.Args {
				v.Args = append(v.Args, fc.valueDepth(a, depth+1))
			}
		}
		v.RequestHeader = fc.requestHeader(x)
	case *ast.FuncLit:
		v.Type = "func"
		ast.Inspect(x.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if r, ok := n.(*ast.ReturnStmt); ok {
				for _, res := range r.Results {
					v.Returns = append(v.Returns, fc.valueDepth(res, depth+1))
				}
			}
			return true
		})
	case *ast.SelectorExpr:
		if v.Qualname == "" {
			if q := f.qualify(x); q != "" {
				v.Qualname = q
			}
		}
	}
	return v
}

// requestHeader is the header a call reads from the request:
// r.Header.Get("Origin"), c.GetHeader("Origin"), c.Request().Header.Get(...),
// c.Get("Origin") on a fiber context.
func (fc *fnCtx) requestHeader(c *ast.CallExpr) string {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || len(c.Args) == 0 {
		return ""
	}
	name := ""
	if k := fc.constVal(c.Args[0], 0); k.ok {
		name, _ = k.v.(string)
	}
	if name == "" {
		return ""
	}
	switch sel.Sel.Name {
	case "GetHeader", "GetReqHeaders":
		return name
	case "Get", "Values", "Peek":
		if h, ok := sel.X.(*ast.SelectorExpr); ok && h.Sel.Name == "Header" {
			return name
		}
		if c2, ok := sel.X.(*ast.CallExpr); ok {
			if h, ok := c2.Fun.(*ast.SelectorExpr); ok && h.Sel.Name == "Header" {
				return name
			}
		}
		if t, ok := fc.paramType(rootIdent(sel.X)); ok && strings.Contains(t, "fiber.Ctx") {
			return name
		}
	}
	return ""
}

func exprType(e ast.Expr) string {
	switch e := unparen(e).(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			return "string"
		case token.INT, token.FLOAT:
			return "number"
		}
		return "literal"
	case *ast.Ident:
		return "name"
	case *ast.SelectorExpr:
		return "selector"
	case *ast.CallExpr:
		return "call"
	case *ast.FuncLit:
		return "func"
	case *ast.CompositeLit:
		return "composite"
	case *ast.BinaryExpr:
		return "binary"
	case *ast.UnaryExpr:
		return "unary"
	}
	return "expr"
}
