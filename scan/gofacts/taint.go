package gofacts

import (
	"go/ast"
	"go/token"
	"strings"
)

// Origin kinds.
const (
	OriginParam   = "param"   // a function parameter (not of a numeric, boolean or time type)
	OriginRequest = "request" // read from the HTTP request
	OriginInput   = "input"   // os.Args, standard input, the environment
	OriginUnknown = "unknown" // anything else: a call, a struct field, a variable of another package
)

// Ways a string is built, strongest first.
const (
	BuiltSprintf = "sprintf"
	BuiltBuilder = "builder"
	BuiltConcat  = "concat"
	BuiltNone    = "none"
)

var builtRank = map[string]int{"": 0, BuiltNone: 0, BuiltConcat: 1, BuiltBuilder: 2, BuiltSprintf: 3}

// taint is where the parts of a string come from.
type taint struct {
	origins []Origin
	built   string
	text    []string // the constant parts, to tell SQL
}

func (t *taint) add(o taint) {
	for _, x := range o.origins {
		dup := false
		for _, y := range t.origins {
			if x.Kind == y.Kind && x.Text == y.Text {
				dup = true
				break
			}
		}
		if !dup && len(t.origins) < 8 {
			t.origins = append(t.origins, x)
		}
	}
	if builtRank[o.built] > builtRank[t.built] {
		t.built = o.built
	}
	if len(t.text) < 16 {
		t.text = append(t.text, o.text...)
	}
}

func (t *taint) build(b string) {
	if builtRank[b] > builtRank[t.built] {
		t.built = b
	}
}

// trace follows e back to where its parts come from. seen guards against
// cycles through variables.
func (fc *fnCtx) trace(e ast.Expr, depth int, seen map[any]bool) taint {
	var t taint
	if e == nil || depth > maxDepth {
		return t
	}
	f := fc.f
	unknown := func() taint {
		return taint{origins: []Origin{{Kind: OriginUnknown, Text: f.text(e), Line: f.line(e)}}}
	}
	if c := fc.constVal(e, 0); c.ok {
		if s, ok := c.v.(string); ok {
			t.text = []string{s}
		}
		return t
	}
	switch x := e.(type) {
	case *ast.ParenExpr:
		return fc.trace(x.X, depth, seen)
	case *ast.StarExpr:
		return fc.trace(x.X, depth, seen)
	case *ast.UnaryExpr:
		return fc.trace(x.X, depth, seen)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return t
		}
		t.add(fc.trace(x.X, depth+1, seen))
		t.add(fc.trace(x.Y, depth+1, seen))
		t.build(BuiltConcat)
		return t
	case *ast.IndexExpr:
		return fc.trace(x.X, depth+1, seen)
	case *ast.SliceExpr:
		return fc.trace(x.X, depth+1, seen)
	case *ast.Ident:
		return fc.traceIdent(x, depth, seen)
	case *ast.SelectorExpr:
		q := normPkg(f.qualify(x))
		switch {
		case q == "os.Args":
			return taint{origins: []Origin{{Kind: OriginInput, Text: f.text(x), Line: f.line(x)}}}
		case q != "":
			return unknown()
		}
		if fc.isRequest(x) {
			return taint{origins: []Origin{{Kind: OriginRequest, Text: f.text(x), Line: f.line(x)}}}
		}
		if id := rootIdent(x); id != nil && id.Obj != nil {
			if pt, ok := fc.params[id.Obj]; ok && !safeParamTypes[pt] && !f.p.enumType(pt) {
				return taint{origins: []Origin{{Kind: OriginParam, Text: f.text(x), Line: f.line(x)}}}
			}
		}
		return unknown()
	case *ast.CallExpr:
		return fc.traceCall(x, depth, seen)
	case *ast.CompositeLit, *ast.FuncLit:
		return t
	}
	return unknown()
}

func (fc *fnCtx) traceIdent(x *ast.Ident, depth int, seen map[any]bool) taint {
	f := fc.f
	var t taint
	if x.Obj != nil && !f.isPackageLevel(x) {
		if seen[x.Obj] {
			return t
		}
		seen[x.Obj] = true
		defer delete(seen, x.Obj)
		if pt, ok := fc.params[x.Obj]; ok {
			switch {
			case requestTypes[pt]:
				return taint{origins: []Origin{{Kind: OriginRequest, Text: x.Name, Line: f.line(x)}}}
			case safeParamTypes[pt], f.p.enumType(pt):
				return t
			}
			return taint{origins: []Origin{{Kind: OriginParam, Text: x.Name, Line: f.line(x)}}}
		}
		as, ok := fc.locals[x.Obj]
		if !ok {
			return taint{origins: []Origin{{Kind: OriginUnknown, Text: x.Name, Line: f.line(x)}}}
		}
		return fc.traceAssigns(as, depth, seen)
	}
	key := "pkgvar:" + x.Name
	if seen[key] {
		return t
	}
	seen[key] = true
	defer delete(seen, key)
	d, ok := f.p.vars[x.Name]
	if !ok {
		return taint{origins: []Origin{{Kind: OriginUnknown, Text: x.Name, Line: f.line(x)}}}
	}
	if d.value != nil {
		t.add(d.fc.trace(d.value, depth+1, seen))
	}
	t.add(fc.traceAssigns(f.p.varAssigns[x.Name], depth, seen))
	return t
}

func (fc *fnCtx) traceAssigns(as []assign, depth int, seen map[any]bool) taint {
	var t taint
	for _, a := range as {
		switch a.kind {
		case "zero":
			continue
		case "input":
			t.add(taint{origins: []Origin{{Kind: OriginInput, Text: "standard input", Line: a.line}}})
			continue
		case "multi":
			// strconv.Atoi(x) and friends give numbers.
			if c, ok := unparen(a.rhs).(*ast.CallExpr); ok {
				q := normPkg(fc.f.qualify(c.Fun))
				if strings.HasPrefix(q, "strconv.Parse") || q == "strconv.Atoi" {
					continue
				}
				if inputFuncs[q] {
					t.add(taint{origins: []Origin{{Kind: OriginInput, Text: a.fc.f.text(c), Line: a.line}}})
					continue
				}
			}
			t.add(taint{origins: []Origin{{Kind: OriginUnknown, Text: a.fc.f.text(a.rhs), Line: a.line}}})
			continue
		}
		sub := a.fc.trace(a.rhs, depth+1, seen)
		switch {
		case a.kind == "builder":
			sub.build(BuiltBuilder)
		case a.op == token.ADD_ASSIGN:
			sub.build(BuiltConcat)
		}
		t.add(sub)
	}
	return t
}

// safeVerbs format numbers, booleans and pointers: no text goes through.
const safeVerbs = "dbcoOxXUeEfFgGtp"

// formatArgs pairs the verbs of a printf format with their arguments and
// reports, for each argument, whether its verb is safe.
func formatArgs(format string, n int) []bool {
	safe := make([]bool, n)
	arg := 0
	for i := 0; i < len(format) && arg < n; i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.*[]", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			break
		}
		if format[i] == '%' {
			continue
		}
		safe[arg] = strings.IndexByte(safeVerbs, format[i]) >= 0
		arg++
	}
	return safe
}

func (fc *fnCtx) traceCall(x *ast.CallExpr, depth int, seen map[any]bool) taint {
	f := fc.f
	var t taint
	q := normPkg(f.qualify(x.Fun))
	switch {
	case q == "fmt.Sprintf" || q == "fmt.Errorf":
		if len(x.Args) == 0 {
			return t
		}
		t.add(fc.trace(x.Args[0], depth+1, seen))
		format := strings.Join(t.text, "")
		safe := formatArgs(format, len(x.Args)-1)
		for i, a := range x.Args[1:] {
			if !safe[i] {
				t.add(fc.trace(a, depth+1, seen))
			}
		}
		t.build(BuiltSprintf)
		return t
	case q == "fmt.Sprint" || q == "fmt.Sprintln":
		for _, a := range x.Args {
			t.add(fc.trace(a, depth+1, seen))
		}
		t.build(BuiltSprintf)
		return t
	case sanitizers[q]:
		return t
	case inputFuncs[q]:
		return taint{origins: []Origin{{Kind: OriginInput, Text: f.text(x), Line: f.line(x)}}}
	case requestFuncs[q]:
		return taint{origins: []Origin{{Kind: OriginRequest, Text: f.text(x), Line: f.line(x)}}}
	case strings.HasPrefix(q, "strings."):
		for _, a := range x.Args {
			t.add(fc.trace(a, depth+1, seen))
		}
		return t
	case strings.HasPrefix(q, "strconv."):
		return t
	}
	if id, ok := x.Fun.(*ast.Ident); ok && id.Obj == nil && len(x.Args) == 1 {
		switch id.Name {
		case "string":
			return fc.trace(x.Args[0], depth+1, seen)
		case "len", "cap", "int", "int64", "int32", "uint", "uint64", "float64":
			return t
		}
	}
	if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
		if fc.isRequest(sel.X) {
			return taint{origins: []Origin{{Kind: OriginRequest, Text: f.text(x), Line: f.line(x)}}}
		}
		if sel.Sel.Name == "String" && len(x.Args) == 0 {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj != nil {
				if as, ok := fc.locals[id.Obj]; ok {
					sub := fc.traceAssigns(as, depth+1, seen)
					sub.build(BuiltBuilder)
					return sub
				}
			}
		}
	}
	return taint{origins: []Origin{{Kind: OriginUnknown, Text: f.text(x), Line: f.line(x)}}}
}
