package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/pipeguard/pipeguard/scan"
)

// Module is one Rego source file.
type Module struct {
	// Path names the file in messages: "policies/config/x.rego" for a
	// built-in policy, the path as found on disk for a user's.
	Path string
	// Source is the Rego text (v1 syntax).
	Source []byte
	// Builtin is set for the policies shipped in the binary.
	Builtin bool
}

// IsTest reports whether the module holds unit tests (its name ends in
// _test.rego). Test modules are compiled by Test only, never for a scan.
func (m Module) IsTest() bool { return strings.HasSuffix(m.Path, "_test.rego") }

// LoadFS reads every .rego file under dir in fsys, in lexical order, as
// built-in modules named "policies/<path>".
func LoadFS(fsys fs.FS, dir string) ([]Module, error) {
	var mods []Module
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".rego" {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		mods = append(mods, Module{Path: path.Join("policies", p), Source: src, Builtin: true})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load built-in policies %s: %w", dir, err)
	}
	return mods, nil
}

// LoadDir reads every .rego file under dir (recursively, skipping hidden
// folders) as user modules. A dir that does not exist is a *scan.ConfigError.
// dir may also name a single .rego file.
func LoadDir(dir string) ([]Module, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, &scan.ConfigError{Path: dir, Err: fmt.Errorf("policy directory: %w", err)}
	}
	if !st.IsDir() {
		if filepath.Ext(dir) != ".rego" {
			return nil, &scan.ConfigError{Path: dir, Err: errors.New("policy path is neither a directory nor a .rego file")}
		}
		src, err := os.ReadFile(dir)
		if err != nil {
			return nil, &scan.ConfigError{Path: dir, Err: err}
		}
		return []Module{{Path: filepath.ToSlash(dir), Source: src}}, nil
	}
	var mods []Module
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Ext(p) != ".rego" || !d.Type().IsRegular() {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mods = append(mods, Module{Path: filepath.ToSlash(p), Source: src})
		return nil
	})
	if err != nil {
		return nil, &scan.ConfigError{Path: dir, Err: fmt.Errorf("load policies: %w", err)}
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

// LoadDirs reads the modules of several user directories, in order.
func LoadDirs(dirs ...string) ([]Module, error) {
	var all []Module
	for _, d := range dirs {
		mods, err := LoadDir(d)
		if err != nil {
			return nil, err
		}
		all = append(all, mods...)
	}
	return all, nil
}

// parsed is a module after parsing.
type parsed struct {
	Module
	ast *ast.Module
}

// parse parses m in Rego v1 with its METADATA annotations, and checks it
// against the sandbox. Errors are *scan.ConfigError naming file and line.
func parse(m Module) (*parsed, error) {
	mod, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), ast.ParserOptions{
		ProcessAnnotation: true,
		RegoVersion:       ast.RegoV1,
	})
	if err != nil {
		return nil, astError(m.Path, err)
	}
	if mod == nil {
		return nil, &scan.ConfigError{Path: m.Path, Err: errors.New("empty policy: no package declaration")}
	}
	if err := checkSandbox(mod, m.Path); err != nil {
		return nil, err
	}
	if err := checkSchemaCalls(mod, m.Path); err != nil {
		return nil, err
	}
	return &parsed{Module: m, ast: mod}, nil
}

// astError turns OPA's parse and compile errors into a *scan.ConfigError
// at the first error's place, with every error in the message.
func astError(file string, err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		return &scan.ConfigError{Path: file, Err: err}
	}
	ce := &scan.ConfigError{Path: file}
	if loc := errs[0].Location; loc != nil {
		if loc.File != "" {
			ce.Path = loc.File
		}
		ce.Line = loc.Row
	}
	msgs := make([]string, 0, len(errs))
	for i, e := range errs {
		if i == 0 {
			msgs = append(msgs, e.Message)
			continue
		}
		where := ""
		if e.Location != nil {
			where = fmt.Sprintf("%s:%d: ", e.Location.File, e.Location.Row)
		}
		msgs = append(msgs, where+e.Message)
	}
	ce.Err = errors.New(strings.Join(msgs, "; "))
	return ce
}
