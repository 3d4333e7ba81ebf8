package scan_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The tests below keep two owners single: git runs from scan/git only,
// and the terminal streams are injected, never read from os, in every
// package but the command's main. They read the module's own sources, so
// a second place that runs git or writes to os.Stderr fails here instead
// of in review.

// sourceFile is one parsed non-test Go file of the module.
type sourceFile struct {
	rel  string // slash path from the module root
	pkg  string // package name
	file *ast.File
	fset *token.FileSet
}

// moduleSources parses every non-test Go file under the module root,
// skipping testdata and hidden folders, once for all the tests below.
func moduleSources(t *testing.T) []sourceFile {
	t.Helper()
	files, err := parsedSources()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("only %d source files found: the walk is wrong", len(files))
	}
	return files
}

var parsedSources = sync.OnceValues(func() ([]sourceFile, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return nil, fmt.Errorf("module root not found from scan/: %w", err)
	}
	var files []sourceFile
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, sourceFile{rel: filepath.ToSlash(rel), pkg: f.Name.Name, file: f, fset: fset})
		return nil
	})
	return files, err
})

// importName is the name under which f imports path, or "" when it does
// not import it.
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != path {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return path[strings.LastIndex(path, "/")+1:]
	}
	return ""
}

// selectors lists the pkg.Name selector expressions of f whose package is
// the import path given and whose name is in names.
func selectors(sf sourceFile, path string, names ...string) []string {
	local := importName(sf.file, path)
	if local == "" {
		return nil
	}
	var found []string
	ast.Inspect(sf.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || id.Name != local {
			return true
		}
		for _, name := range names {
			if sel.Sel.Name == name {
				found = append(found, sf.fset.Position(sel.Pos()).String())
			}
		}
		return true
	})
	return found
}

// isProgram says whether a file belongs to a command of its own (a bench,
// a corpus scorer, the CLI's main), which owns its process's streams.
func isProgram(sf sourceFile) bool {
	return sf.pkg == "main"
}

func TestOnlyScanGitRunsGit(t *testing.T) {
	// Packages that start processes at all, and why: scan/git runs git,
	// scan/deps runs the go command and its own govulncheck child, and
	// scan/gittest builds repositories for tests.
	allowed := map[string]bool{"scan/git": true, "scan/deps": true, "scan/gittest": true}
	for _, sf := range moduleSources(t) {
		if isProgram(sf) {
			continue
		}
		dir := sf.rel[:strings.LastIndex(sf.rel, "/")+1]
		dir = strings.TrimSuffix(dir, "/")
		if allowed[dir] {
			continue
		}
		for _, at := range selectors(sf, "os/exec", "Command", "CommandContext") {
			t.Errorf("%s starts a process: git runs from scan/git only (one environment, one error handling)", at)
		}
	}
}

func TestGitCommandsOnlyInScanGit(t *testing.T) {
	// Within the packages allowed to start processes, the literal "git"
	// as a command appears in scan/git (and the test helper) only.
	for _, sf := range moduleSources(t) {
		if isProgram(sf) || strings.HasPrefix(sf.rel, "scan/git/") || strings.HasPrefix(sf.rel, "scan/gittest/") {
			continue
		}
		local := importName(sf.file, "os/exec")
		if local == "" {
			continue
		}
		ast.Inspect(sf.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != local {
				return true
			}
			for _, arg := range call.Args {
				if lit, ok := arg.(*ast.BasicLit); ok && lit.Value == `"git"` {
					t.Errorf("%s runs git outside scan/git", sf.fset.Position(call.Pos()))
				}
			}
			return true
		})
	}
}

func TestStreamsAreInjected(t *testing.T) {
	for _, sf := range moduleSources(t) {
		if isProgram(sf) {
			continue
		}
		for _, at := range selectors(sf, "os", "Stdin", "Stdout", "Stderr") {
			t.Errorf("%s reads a process stream: library packages get their streams injected", at)
		}
	}
}
