package gofacts

import (
	"go/ast"
	"strings"
)

// isJWTPkg reports whether a normalized import path is a JWT library.
func isJWTPkg(p string) bool {
	return strings.HasPrefix(p, "github.com/golang-jwt/jwt") || strings.HasPrefix(p, "github.com/dgrijalva/jwt-go") ||
		strings.HasPrefix(p, "github.com/form3tech-oss/jwt-go")
}

// jwtParse records jwt.Parse, ParseWithClaims and ParseUnverified, as
// package functions or methods of a jwt.Parser.
func (f *file) jwtParse(fc *fnCtx, c *ast.CallExpr, q, method string) {
	name := method
	callee := ""
	var opts []string
	switch {
	case q != "":
		p := normPkg(q[:strings.LastIndex(q, ".")])
		if !isJWTPkg(p) {
			return
		}
		name, callee = q[strings.LastIndex(q, ".")+1:], q
	case method != "" && f.jwtUser:
		sel := c.Fun.(*ast.SelectorExpr)
		cr := fc.creatorOf(sel.X)
		callee = f.text(c.Fun)
		if cr.call != nil {
			for _, a := range cr.call.Args {
				opts = append(opts, f.optionName(a))
			}
		}
		if cr.comp != nil {
			for _, el := range cr.comp.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok {
						opts = append(opts, k.Name)
					}
				}
			}
		}
	default:
		return
	}
	kfIdx := -1
	switch name {
	case "Parse":
		kfIdx = 1
	case "ParseWithClaims":
		kfIdx = 2
	case "ParseUnverified":
	default:
		return
	}
	jp := JWTParse{Path: f.path, Line: f.line(c), Function: fc.name, Callee: callee, Method: name, Unverified: name == "ParseUnverified",
		Options: []string{}, KeyFunc: KeyFunc{Kind: "none", Path: f.path, Line: f.line(c)}}
	if jp.Unverified && len(c.Args) > 0 && fc.decl != nil {
		jp.TokenPassedOn = f.passedOn(fc, c, c.Args[0])
	}
	if kfIdx >= 0 && kfIdx < len(c.Args) {
		jp.KeyFunc = f.keyFunc(fc, c.Args[kfIdx])
		for i, a := range c.Args[kfIdx+1:] {
			if c.Ellipsis.IsValid() && kfIdx+1+i == len(c.Args)-1 {
				if held := f.sliceOptions(fc, a); len(held) > 0 {
					opts = append(opts, held...)
					continue
				}
			}
			opts = append(opts, f.optionName(a))
		}
	}
	for _, o := range opts {
		if o != "" {
			jp.Options = append(jp.Options, o)
		}
	}
	f.out.JWTParses = append(f.out.JWTParses, jp)
}

// optionName is the qualified name of a parser option call
// (jwt.WithValidMethods(...)), or its text.
func (f *file) optionName(e ast.Expr) string {
	if c, ok := unparen(e).(*ast.CallExpr); ok {
		if q := f.qualify(c.Fun); q != "" {
			return q
		}
	}
	return f.text(e)
}

// sliceOptions are the options held in a local slice passed as opts...:
// the elements of the composite literal it is given and the values
// appended to it (opts := []jwt.ParserOption{jwt.WithValidMethods(m)};
// opts = append(opts, jwt.WithAudience(a))).
func (f *file) sliceOptions(fc *fnCtx, e ast.Expr) []string {
	id, ok := unparen(e).(*ast.Ident)
	if !ok || id.Obj == nil || f.isPackageLevel(id) {
		return nil
	}
	var out []string
	for _, a := range fc.locals[id.Obj] {
		switch x := unparen(a.rhs).(type) {
		case *ast.CompositeLit:
			for _, el := range x.Elts {
				out = append(out, f.optionName(el))
			}
		case *ast.CallExpr:
			if fid, ok := x.Fun.(*ast.Ident); ok && fid.Name == "append" && fid.Obj == nil && len(x.Args) > 1 {
				for _, el := range x.Args[1:] {
					out = append(out, f.optionName(el))
				}
			}
		}
	}
	return out
}

// keyFunc describes the key function argument: a literal, a function or
// method of the folder, or something else.
func (f *file) keyFunc(fc *fnCtx, e ast.Expr) KeyFunc {
	kf := KeyFunc{Kind: "unknown", Path: f.path, Line: f.line(e)}
	var body ast.Node
	var bodyFile *file
	switch x := unparen(e).(type) {
	case *ast.FuncLit:
		kf.Kind, body, bodyFile = "literal", x.Body, f
	case *ast.Ident:
		if x.Obj != nil && !f.isPackageLevel(x) {
			if as := fc.locals[x.Obj]; len(as) == 1 {
				if fl, ok := unparen(as[0].rhs).(*ast.FuncLit); ok {
					kf.Kind, body, bodyFile = "literal", fl.Body, f
					kf.Line = f.line(fl)
				}
			}
			break
		}
		if fd := f.p.funcs[x.Name]; fd != nil {
			kf.Kind, body = "func", fd.Body
		}
	case *ast.SelectorExpr:
		if fd := f.p.funcs["."+x.Sel.Name]; fd != nil {
			kf.Kind, body = "func", fd.Body
		}
	case *ast.CallExpr:
		kf.Kind = "call"
	}
	if body == nil {
		return kf
	}
	if bodyFile == nil {
		for _, of := range f.p.files {
			if of.fset.File(body.Pos()) == of.fset.File(of.ast.Pos()) && of.ast.Pos() <= body.Pos() && body.End() <= of.ast.End() {
				bodyFile = of
				break
			}
		}
		if bodyFile != nil {
			kf.Path, kf.Line = bodyFile.path, bodyFile.line(body)
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if n.Sel.Name == "Method" || n.Sel.Name == "Alg" {
				kf.ChecksMethod = true
			}
		case *ast.BasicLit:
			if n.Value == `"alg"` {
				kf.ChecksMethod = true
			}
		}
		return !kf.ChecksMethod
	})
	return kf
}

// jwtPostPass marks unverified parses made next to a verifying one.
func (f *file) jwtPostPass() {
	verified := map[string]bool{}
	for _, jp := range f.out.JWTParses {
		if jp.Path == f.path && !jp.Unverified {
			verified[jp.Function] = true
		}
	}
	for i := range f.out.JWTParses {
		jp := &f.out.JWTParses[i]
		if jp.Path == f.path && jp.Unverified && verified[jp.Function] {
			jp.VerifiedInFunction = true
		}
	}
}

// jwtCallerPass marks the unverified parses of helpers whose every caller
// in the folder verifies the same token afterwards.
func (p *pkg) jwtCallerPass(out *Facts) {
	verifiers := map[string]bool{}
	for _, jp := range out.JWTParses {
		if !jp.Unverified && jp.Function != "" {
			verifiers[lastName(jp.Function)] = true
		}
	}
	for i := range out.JWTParses {
		jp := &out.JWTParses[i]
		if jp.Unverified && !jp.VerifiedInFunction && jp.Function != "" {
			jp.VerifiedByCaller = p.callersVerify(lastName(jp.Function), verifiers)
		}
	}
}

func lastName(fn string) string { return fn[strings.LastIndex(fn, ".")+1:] }

// callName is the name a call's function is written with: f(...) or x.f(...).
func callName(c *ast.CallExpr) string {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}

// callersVerify reports whether the function or method name is called in
// the folder, and every caller also passes the token it gives name (the
// variable at the root of an argument) to a verifier.
func (p *pkg) callersVerify(name string, verifiers map[string]bool) bool {
	calls := 0
	for _, gf := range p.files {
		for _, fc := range gf.funcs {
			if fc.decl == nil || gf.test {
				continue
			}
			ok := true
			ast.Inspect(fc.decl.Body, func(n ast.Node) bool {
				c, isCall := n.(*ast.CallExpr)
				if !isCall || callName(c) != name || !ok {
					return ok
				}
				calls++
				ok = verifiesSameToken(fc.decl.Body, c, verifiers, verifiers[lastName(fc.name)])
				return ok
			})
			if !ok {
				return false
			}
		}
	}
	return calls > 0
}

// verifiesSameToken reports whether body has a call of a verifier given a
// variable that is also an argument of c. When the caller itself parses
// with verification (parses), its Parse and ParseWithClaims calls count.
func verifiesSameToken(body ast.Node, c *ast.CallExpr, verifiers map[string]bool, parses bool) bool {
	toks := map[*ast.Object]bool{}
	for _, a := range c.Args {
		if id := rootIdent(a); id != nil && id.Obj != nil {
			toks[id.Obj] = true
		}
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		v, ok := n.(*ast.CallExpr)
		if !ok || v == c || found {
			return !found
		}
		name := callName(v)
		if !verifiers[name] && !(parses && (name == "Parse" || name == "ParseWithClaims")) {
			return true
		}
		for _, a := range v.Args {
			if id := rootIdent(a); id != nil && toks[id.Obj] {
				found = true
			}
		}
		return !found
	})
	return found
}

// passedOn reports whether the variable at the root of tok is also an
// argument of another call of the function than c (logging, formatting
// and strings functions aside).
func (f *file) passedOn(fc *fnCtx, c *ast.CallExpr, tok ast.Expr) bool {
	id := rootIdent(tok)
	if id == nil || id.Obj == nil {
		return false
	}
	found := false
	ast.Inspect(fc.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call == c || found {
			return !found
		}
		q := normPkg(f.qualify(call.Fun))
		if strings.HasPrefix(q, "strings.") || strings.HasPrefix(q, "fmt.") || strings.HasPrefix(q, "log") || strings.HasPrefix(q, "errors.") {
			return true
		}
		if fid, ok := call.Fun.(*ast.Ident); ok && fid.Obj == nil && builtinFuncs[fid.Name] {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Parse") {
			return true // another parse: VerifiedInFunction's business
		}
		for _, a := range call.Args {
			ast.Inspect(a, func(m ast.Node) bool {
				if x, ok := m.(*ast.Ident); ok && x.Obj == id.Obj {
					found = true
				}
				return !found
			})
		}
		return true
	})
	return found
}

var builtinFuncs = map[string]bool{"len": true, "cap": true, "append": true, "string": true, "print": true, "println": true,
	"panic": true, "copy": true, "min": true, "max": true}
