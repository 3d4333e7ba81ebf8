package gofacts

import (
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// pkg is the folder being read: its files share package-level names.
type pkg struct {
	files  []*file
	consts map[string]*decl
	vars   map[string]*decl
	// funcs are the package's functions by name, methods by "Recv.Name"
	// and by ".Name".
	funcs map[string]*ast.FuncDecl
	// varAssigns are the assignments to package-level variables made in
	// functions, by variable name.
	varAssigns map[string][]assign
	// name is the package name; types the underlying type of every type
	// the folder declares; enums the enum types of the whole scan (enums.go).
	name  string
	types map[string]ast.Expr
	enums *enumIndex
}

// decl is a package-level or local constant or variable declaration.
type decl struct {
	name  string
	value ast.Expr // nil: the zero value (or a multi-value call)
	typ   ast.Expr
	fc    *fnCtx // where value is read: the file's top context for package-level names
	line  int
	isVar bool
}

// assign is one value given to a variable.
type assign struct {
	op   token.Token // token.DEFINE, token.ASSIGN, token.ADD_ASSIGN...
	rhs  ast.Expr
	fc   *fnCtx
	line int
	// kind is "expr", "input" (filled by fmt.Scan), "range" (a range
	// variable over rhs), "multi" (one result of a multi-value rhs),
	// "builder" (strings.Builder.WriteString(rhs)) or "zero".
	kind string
}

// file is one parsed Go file.
type file struct {
	path    string
	fset    *token.FileSet
	ast     *ast.File
	src     []byte
	p       *pkg
	imports map[string]string // local name -> import path
	test    bool
	sqlUser bool
	jwtUser bool
	// topSpecs are the package-level value specs of the file.
	topSpecs map[*ast.ValueSpec]bool
	top      *fnCtx
	funcs    []*fnCtx
	out      *Facts
}

func newFile(p string, fset *token.FileSet, af *ast.File, pk *pkg, src []byte) *file {
	f := &file{path: p, fset: fset, ast: af, src: src, p: pk, imports: map[string]string{}, test: strings.HasSuffix(p, "_test.go"),
		topSpecs: map[*ast.ValueSpec]bool{}}
	f.top = newFnCtx(f, "")
	return f
}

var majorRe = regexp.MustCompile(`^v\d+$`)

// importName is the name a package is known by when imported without an
// alias: its last path element, without a major version, a .vN suffix or
// a go- prefix / -go suffix.
func importName(ip string) string {
	parts := strings.Split(ip, "/")
	name := parts[len(parts)-1]
	if majorRe.MatchString(name) && len(parts) > 1 {
		name = parts[len(parts)-2]
	}
	if i := strings.Index(name, ".v"); i > 0 {
		name = name[:i]
	}
	name = strings.TrimPrefix(strings.TrimSuffix(name, "-go"), "go-")
	return strings.ReplaceAll(name, "-", "")
}

func (f *file) line(n ast.Node) int { return f.fset.Position(n.Pos()).Line }

// text is the source of n, clipped.
func (f *file) text(n ast.Node) string {
	tf := f.fset.File(n.Pos())
	if tf == nil {
		return ""
	}
	s, e := tf.Offset(n.Pos()), tf.Offset(n.End())
	if s < 0 || e > len(f.src) || s > e {
		return ""
	}
	return clip(strings.Join(strings.Fields(string(f.src[s:e])), " "), 200)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// collectDecls reads imports and package-level declarations.
func (f *file) collectDecls() {
	for _, im := range f.ast.Imports {
		ip, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		name := importName(ip)
		alias := ""
		if im.Name != nil {
			alias = im.Name.Name
			name = alias
		}
		if name != "_" && name != "." {
			f.imports[name] = ip
		}
		f.out.Imports = append(f.out.Imports, Import{Path: f.path, Line: f.line(im), Import: ip, Name: alias})
		for _, s := range sqlPkgs {
			if ip == s || strings.HasPrefix(ip, s+"/") {
				f.sqlUser = true
			}
		}
		if refPkg(ip) && strings.Contains(ip, "jwt") {
			f.jwtUser = true
		}
	}
	for _, d := range f.ast.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.TYPE {
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok {
						f.p.types[ts.Name.Name] = ts.Type
					}
				}
				continue
			}
			if d.Tok != token.CONST && d.Tok != token.VAR {
				continue
			}
			var last *ast.ValueSpec
			for _, sp := range d.Specs {
				vs := sp.(*ast.ValueSpec)
				f.topSpecs[vs] = true
				// An implicit repetition in a const group repeats the values
				// above (iota aside): take them as unknown.
				if d.Tok == token.CONST && len(vs.Values) == 0 && last != nil {
					vs2 := *vs
					vs2.Values = nil
					vs = &vs2
				} else {
					last = vs
				}
				for i, n := range vs.Names {
					if n.Name == "_" {
						continue
					}
					dc := &decl{name: n.Name, typ: vs.Type, fc: f.top, line: f.line(n), isVar: d.Tok == token.VAR}
					if len(vs.Values) == len(vs.Names) {
						dc.value = vs.Values[i]
					}
					if d.Tok == token.CONST {
						f.p.consts[n.Name] = dc
					} else {
						f.p.vars[n.Name] = dc
					}
				}
			}
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				f.p.funcs["."+name] = d
				name = recvName(d.Recv.List[0].Type) + "." + name
			}
			f.p.funcs[name] = d
		}
	}
}

func recvName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X)
	case *ast.IndexListExpr:
		return recvName(t.X)
	}
	return ""
}

// collectPackageAssigns builds the context of every function (its
// parameters and local assignments) and records the assignments it makes
// to package-level variables.
func (f *file) collectPackageAssigns() {
	for _, d := range f.ast.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) > 0 {
			name = recvName(fd.Recv.List[0].Type) + "." + name
		}
		fc := newFnCtx(f, name)
		fc.decl = fd
		fc.addParams(fd.Type)
		fc.collect(fd.Body)
		f.funcs = append(f.funcs, fc)
	}
}

// isPackageLevel reports whether an identifier refers to a package-level
// name: declared at the top of this file, or not resolved in the file
// (another file of the folder).
func (f *file) isPackageLevel(id *ast.Ident) bool {
	if id.Obj == nil {
		return true
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.ValueSpec:
		return f.topSpecs[d]
	case *ast.FuncDecl, *ast.TypeSpec:
		return true
	}
	return false
}

// qualify returns the import path and name of a pkg.Name selector, or "".
func (f *file) qualify(e ast.Expr) string {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Obj != nil {
		return ""
	}
	ip, ok := f.imports[x.Name]
	if !ok {
		return ""
	}
	return ip + "." + sel.Sel.Name
}

// typeString is a type expression with its package qualified:
// *gin.Context -> *github.com/gin-gonic/gin.Context (normalized).
func (f *file) typeString(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return "*" + f.typeString(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		if q := f.qualify(t); q != "" {
			return normPkg(q)
		}
	case *ast.ArrayType:
		return "[]" + f.typeString(t.Elt)
	case *ast.Ellipsis:
		return "[]" + f.typeString(t.Elt)
	}
	return ""
}
