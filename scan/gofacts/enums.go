package gofacts

import (
	"go/ast"
	"os"
	"regexp"
	"sync"

	"github.com/pipeguard/pipeguard/scan"
)

// A parameter of an enum type (type TokenType string, with constants of
// that type declared in its package) holds one of the package's names,
// not text from outside: formatting it into SQL (a column name chosen by
// the caller) is not injection. Code rarely converts outside input to
// such a type (TokenType(r.FormValue("t"))); when it does, the conversion
// is where the value comes from outside, and that is traced.

// enumType reports whether the named type typ (as a parameter's type is
// written, unqualified) is an enum: a string type with typed constants,
// declared in the folder or, when the folder does not declare it (an
// overlay folder, built over another copy of its package as enterprise
// editions are), in a folder of the same package name.
func (p *pkg) enumType(typ string) bool {
	if typ == "" || !isIdent(typ) || builtinTypes[typ] {
		return false
	}
	if u, ok := p.types[typ]; ok {
		if id, ok := u.(*ast.Ident); !ok || id.Name != "string" {
			return false
		}
		for _, d := range p.consts {
			if t, ok := d.typ.(*ast.Ident); ok && t.Name == typ {
				return true
			}
		}
		return false
	}
	return p.enums != nil && p.enums.has(p.name, typ)
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func isIdent(s string) bool { return identRe.MatchString(s) }

var builtinTypes = map[string]bool{"string": true, "any": true, "error": true, "byte": true, "rune": true}

// enumIndex knows the enum types of every package of the scan by package
// name. It is built on first use, from the text of the Go files: most
// scans never need it.
type enumIndex struct {
	files []scan.File
	once  sync.Once
	enums map[string]map[string]bool // package name -> enum type names
}

var (
	pkgClauseRe  = regexp.MustCompile(`(?m)^package\s+(\w+)`)
	stringTypeRe = regexp.MustCompile(`(?m)^type\s+(\w+)\s+string\s*$`)
	typedConstRe = regexp.MustCompile(`(?m)^(?:const)?\s*\w+\s+(\w+)\s*=\s*"`)
)

func (x *enumIndex) has(pkgName, typ string) bool {
	x.once.Do(x.build)
	return x.enums[pkgName][typ]
}

func (x *enumIndex) build() {
	strTypes := map[string]map[string]bool{}
	constTypes := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, p, t string) {
		if m[p] == nil {
			m[p] = map[string]bool{}
		}
		m[p][t] = true
	}
	for _, f := range x.files {
		if !Wanted(f.Path) || isTestFile(f.Path, "") {
			continue
		}
		src, err := os.ReadFile(f.Abs)
		if err != nil {
			continue
		}
		pc := pkgClauseRe.FindSubmatch(src)
		if pc == nil {
			continue
		}
		p := string(pc[1])
		for _, m := range stringTypeRe.FindAllSubmatch(src, -1) {
			add(strTypes, p, string(m[1]))
		}
		for _, m := range typedConstRe.FindAllSubmatch(src, -1) {
			add(constTypes, p, string(m[1]))
		}
	}
	x.enums = map[string]map[string]bool{}
	for p, ts := range strTypes {
		for t := range ts {
			if constTypes[p][t] {
				add(x.enums, p, t)
			}
		}
	}
}
