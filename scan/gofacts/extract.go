// Package gofacts turns the Go sources of a tree into facts for Rego
// policies: struct literals of security interest (tls.Config, http.Server,
// http.Cookie, CORS options) with the fields set on them later, calls of
// the frameworks' well-known functions (net/http, gin, echo, chi, gorilla,
// rs/cors, fiber, golang-jwt, database/sql, sqlx, pgx, gorm), response
// headers, SQL built from variables and where those come from, error text
// sent to clients, and string literals bound to secret-like names.
//
// It reads files with go/parser and go/ast only: no go list, no type
// checking, no network, so that a whole monorepo takes seconds. Names are
// resolved the way a reader would: imports with their aliases, literals,
// package-level constants and variables (across the files of a folder),
// and local variables through their assignments in the same function.
//
// The facts marshal to the `go` object of policies/facts.schema.json.
package gofacts

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/pipeguard/pipeguard/scan"
)

// Options tunes Extract.
type Options struct {
	// MaxFileSize is the largest file read, in bytes; 0 means no limit.
	MaxFileSize int64
	// Workers is how many folders are analysed at once; 0 means GOMAXPROCS.
	Workers int
}

// Wanted reports whether facts are read from a file: a .go file outside
// vendor/, testdata/ and folders the go tool ignores (names starting with
// "." or "_").
func Wanted(p string) bool {
	if !strings.HasSuffix(p, ".go") {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "vendor" || seg == "testdata" || seg == "node_modules" || seg != "." && (strings.HasPrefix(seg, ".") || strings.HasPrefix(seg, "_")) {
			return false
		}
	}
	return true
}

// generatedPrefix starts the marker of generated files (go help generate).
var generatedPrefix = []byte("// Code generated ")

// isGenerated reports whether src carries the "Code generated ... DO NOT
// EDIT." line before its package clause.
func isGenerated(src []byte) bool {
	for line := range bytes.Lines(src) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("package ")) {
			return false
		}
		if bytes.HasPrefix(t, generatedPrefix) && bytes.HasSuffix(t, []byte(" DO NOT EDIT.")) {
			return true
		}
	}
	return false
}

// Extract reads the Go facts of files. Files that cannot be read or
// parsed are reported in Skipped and the rest goes on; the error is only
// for a cancelled context.
func Extract(ctx context.Context, files []scan.File, opts Options) (*Facts, error) {
	out := newFacts()
	byDir := map[string][]scan.File{}
	for _, f := range files {
		if !Wanted(f.Path) {
			continue
		}
		if opts.MaxFileSize > 0 && f.Size > opts.MaxFileSize {
			out.Skipped = append(out.Skipped, Skipped{Path: f.Path, Reason: fmt.Sprintf("file larger than %d bytes", opts.MaxFileSize)})
			continue
		}
		d := path.Dir(f.Path)
		byDir[d] = append(byDir[d], f)
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	enums := &enumIndex{files: files}
	results := make([]*Facts, len(dirs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(dirs)) {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					continue
				}
				results[i] = extractDir(byDir[dirs[i]], enums)
			}
		})
	}
	for i := range dirs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, r := range results {
		out.merge(r)
	}
	out.setGoVersions(files, opts.MaxFileSize) // gomod.go
	out.sort()
	return out, nil
}

// extractDir reads the files of one folder: a Go package (and its
// external test package), whose package-level names they share.
func extractDir(files []scan.File, enums *enumIndex) (res *Facts) {
	res = newFacts()
	defer func() {
		// One odd folder must not take the other folders' facts down with it.
		if r := recover(); r != nil {
			res = newFacts()
			for _, f := range files {
				res.Skipped = append(res.Skipped, Skipped{Path: f.Path, Reason: fmt.Sprintf("internal error reading Go facts: %v", r)})
			}
		}
	}()
	fset := token.NewFileSet()
	p := &pkg{consts: map[string]*decl{}, vars: map[string]*decl{}, funcs: map[string]*ast.FuncDecl{}, varAssigns: map[string][]assign{},
		types: map[string]ast.Expr{}, enums: enums}
	for _, f := range files {
		src, err := os.ReadFile(f.Abs)
		if err != nil {
			res.Skipped = append(res.Skipped, Skipped{Path: f.Path, Reason: fmt.Sprintf("read: %v", err)})
			continue
		}
		if isGenerated(src) {
			continue
		}
		af, err := parser.ParseFile(fset, f.Path, src, 0)
		if err != nil {
			line := 0
			if el, ok := err.(scanner.ErrorList); ok && len(el) > 0 {
				line = el[0].Pos.Line
			}
			res.Skipped = append(res.Skipped, Skipped{Path: f.Path, Line: line, Reason: "Go syntax error: " + firstLine(err.Error())})
			continue
		}
		if !isTestFile(f.Path, af.Name.Name) {
			p.name = af.Name.Name
		}
		gf := newFile(f.Path, fset, af, p, src)
		gf.out = res
		p.files = append(p.files, gf)
		res.Files = append(res.Files, File{Path: f.Path, Package: af.Name.Name, Test: isTestFile(f.Path, af.Name.Name)})
	}
	for _, gf := range p.files {
		gf.collectDecls()
	}
	for _, gf := range p.files {
		gf.collectPackageAssigns()
	}
	for _, gf := range p.files {
		gf.analyze()
	}
	p.jwtCallerPass(res) // jwt.go
	return res
}

// isTestFile reports whether a Go file is test code: a _test.go file, or
// a test helper package, named by Go's convention after what it helps
// test (httptest, dbtest, apitest) or testutil(s)/testhelper(s)/testing.
func isTestFile(p, pkgName string) bool {
	if strings.HasSuffix(p, "_test.go") {
		return true
	}
	switch pkgName {
	case "testutil", "testutils", "testhelper", "testhelpers", "testing", "testdata", "mocks":
		return true
	}
	return strings.HasSuffix(pkgName, "test") && pkgName != "test"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func (f *Facts) merge(o *Facts) {
	if o == nil {
		return
	}
	f.Files = append(f.Files, o.Files...)
	f.Imports = append(f.Imports, o.Imports...)
	f.Composites = append(f.Composites, o.Composites...)
	f.Calls = append(f.Calls, o.Calls...)
	f.Assignments = append(f.Assignments, o.Assignments...)
	f.Refs = append(f.Refs, o.Refs...)
	f.HeaderWrites = append(f.HeaderWrites, o.HeaderWrites...)
	f.SQL = append(f.SQL, o.SQL...)
	f.ErrorExposures = append(f.ErrorExposures, o.ErrorExposures...)
	f.SecretLiterals = append(f.SecretLiterals, o.SecretLiterals...)
	f.Comparisons = append(f.Comparisons, o.Comparisons...)
	f.JWTParses = append(f.JWTParses, o.JWTParses...)
	f.Skipped = append(f.Skipped, o.Skipped...)
}

// sort orders every list by path and line, so output is deterministic.
func (f *Facts) sort() {
	sortPL(f.Files, func(x File) (string, int) { return x.Path, 0 })
	sortPL(f.Imports, func(x Import) (string, int) { return x.Path, x.Line })
	sortPL(f.Composites, func(x Composite) (string, int) { return x.Path, x.Line })
	sortPL(f.Calls, func(x Call) (string, int) { return x.Path, x.Line })
	sortPL(f.Assignments, func(x Assignment) (string, int) { return x.Path, x.Line })
	sortPL(f.Refs, func(x Ref) (string, int) { return x.Path, x.Line })
	sortPL(f.HeaderWrites, func(x HeaderWrite) (string, int) { return x.Path, x.Line })
	sortPL(f.SQL, func(x SQLCall) (string, int) { return x.Path, x.Line })
	sortPL(f.ErrorExposures, func(x ErrorExposure) (string, int) { return x.Path, x.Line })
	sortPL(f.SecretLiterals, func(x SecretLiteral) (string, int) { return x.Path, x.Line })
	sortPL(f.Comparisons, func(x Comparison) (string, int) { return x.Path, x.Line })
	sortPL(f.JWTParses, func(x JWTParse) (string, int) { return x.Path, x.Line })
	sortPL(f.Skipped, func(x Skipped) (string, int) { return x.Path, x.Line })
}

func sortPL[T any](s []T, key func(T) (string, int)) {
	sort.SliceStable(s, func(i, j int) bool {
		pi, li := key(s[i])
		pj, lj := key(s[j])
		if pi != pj {
			return pi < pj
		}
		return li < lj
	})
}
