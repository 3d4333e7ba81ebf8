package policy

import (
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Languages a rule can cover. A rule covers a language when it reads the
// facts of that language: "go" for input.go, "python" for the Python facts
// (apps, routes, calls, settings...), "deployment" for the facts of
// deployment files (env, dockerfile, compose, procfile, nginx).
const (
	LangGo         = "go"
	LangPython     = "python"
	LangDeployment = "deployment"
)

// factLanguage maps a top-level key of the facts document to the language
// whose facts it holds; keys not listed (files, projects, version,
// skipped) belong to none.
var factLanguage = map[string]string{
	"go":   LangGo,
	"apps": LangPython, "unattached_routes": LangPython, "routers": LangPython, "security_schemes": LangPython,
	"auth_dependencies": LangPython, "calls": LangPython, "attribute_assignments": LangPython, "settings": LangPython,
	"secret_literals": LangPython, "comparisons": LangPython, "imports": LangPython, "exception_exposures": LangPython,
	"response_headers": LangPython, "requirements": LangPython, "pyproject_dependencies": LangPython, "lockfiles": LangPython,
	"env": LangDeployment, "dockerfile": LangDeployment, "compose": LangDeployment, "procfile": LangDeployment,
	"nginx": LangDeployment,
}

// ruleKey names one rule (in the Rego sense) of a package.
type ruleKey struct{ pkg, name string }

// langIndex finds, for each Rego rule of the loaded modules, the facts it
// reads, following the rules and functions it uses in its own package and
// in libraries (data.pipeguard.lib.deploy_env reads env, dockerfile and
// compose).
type langIndex struct {
	rules map[ruleKey][]*ast.Rule
	mod   map[*ast.Rule]*ast.Module
	memo  map[ruleKey]map[string]bool
}

func newLangIndex(mods []*parsed) *langIndex {
	ix := &langIndex{rules: map[ruleKey][]*ast.Rule{}, mod: map[*ast.Rule]*ast.Module{}, memo: map[ruleKey]map[string]bool{}}
	for _, p := range mods {
		if p.IsTest() {
			continue
		}
		pkg := p.ast.Package.Path.String()
		for _, r := range p.ast.Rules {
			k := ruleKey{pkg, r.Head.Ref()[0].String()}
			ix.rules[k] = append(ix.rules[k], r)
			ix.mod[r] = p.ast
		}
	}
	return ix
}

// languages derives the languages of the rule package pkg: those whose
// facts its non-test files read, directly or through the rules they use.
func (ix *langIndex) languages(pkg string) []string {
	seen := map[string]bool{}
	for k := range ix.rules {
		if k.pkg != pkg {
			continue
		}
		for l := range ix.reads(k, map[ruleKey]bool{}) {
			seen[l] = true
		}
	}
	return sortedLangs(seen)
}

// reads returns the languages whose facts rule k reads.
func (ix *langIndex) reads(k ruleKey, visiting map[ruleKey]bool) map[string]bool {
	if m, ok := ix.memo[k]; ok {
		return m
	}
	out := map[string]bool{}
	if visiting[k] {
		return out
	}
	visiting[k] = true
	for _, r := range ix.rules[k] {
		mod := ix.mod[r]
		ast.WalkRefs(r, func(ref ast.Ref) bool {
			for l := range ix.refReads(ref, mod, r, visiting) {
				out[l] = true
			}
			return false
		})
		// A rule of the same package named as a plain term (some m in
		// middleware) is no reference: its name is a variable.
		pkg := mod.Package.Path.String()
		ast.WalkVars(r, func(v ast.Var) bool {
			if _, ok := ix.rules[ruleKey{pkg, string(v)}]; ok {
				for l := range ix.reads(ruleKey{pkg, string(v)}, visiting) {
					out[l] = true
				}
			}
			return false
		})
	}
	delete(visiting, k)
	ix.memo[k] = out
	return out
}

// refReads resolves one reference: input.<key>, a rule of another package
// (through an import or data.), or a rule of the same package.
func (ix *langIndex) refReads(ref ast.Ref, mod *ast.Module, r *ast.Rule, visiting map[ruleKey]bool) map[string]bool {
	if len(ref) == 0 {
		return nil
	}
	full := ref
	if v, ok := ref[0].Value.(ast.Var); ok {
		switch {
		case v.Equal(ast.InputRootDocument.Value):
			if len(ref) > 1 {
				if s, ok := ref[1].Value.(ast.String); ok {
					if l := factLanguage[string(s)]; l != "" {
						return map[string]bool{l: true}
					}
				}
			}
			return nil
		case v.Equal(ast.DefaultRootDocument.Value):
		default:
			if imp := importFor(mod, v); imp != nil {
				full = imp.Concat(ref[1:])
			} else {
				// A rule of the same package (or a local variable: no match).
				return ix.reads(ruleKey{mod.Package.Path.String(), string(v)}, visiting)
			}
		}
	}
	// data.a.b.c.name...: the longest package prefix with a rule named next.
	for i := len(full) - 1; i >= 2; i-- {
		pkg := full[:i].String()
		s, ok := full[i].Value.(ast.String)
		if !ok {
			continue
		}
		k := ruleKey{pkg, string(s)}
		if _, ok := ix.rules[k]; ok {
			return ix.reads(k, visiting)
		}
	}
	return nil
}

// importFor returns the path an import binds to alias v in mod.
func importFor(mod *ast.Module, v ast.Var) ast.Ref {
	for _, imp := range mod.Imports {
		path, ok := imp.Path.Value.(ast.Ref)
		if !ok {
			continue
		}
		name := imp.Alias
		if name == "" {
			last := path[len(path)-1]
			if s, ok := last.Value.(ast.String); ok {
				name = ast.Var(s)
			}
		}
		if name == v {
			return path
		}
	}
	return nil
}

// sortedLangs orders languages: go, python, deployment, then others by name.
func sortedLangs(set map[string]bool) []string {
	order := map[string]int{LangGo: 0, LangPython: 1, LangDeployment: 2}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		oi, iok := order[out[i]]
		oj, jok := order[out[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return out[i] < out[j]
	})
	return out
}

// mergeLangs adds the declared languages (METADATA custom.languages) to
// the derived ones.
func mergeLangs(derived, declared []string) []string {
	set := map[string]bool{}
	for _, l := range derived {
		set[l] = true
	}
	for _, l := range declared {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			set[l] = true
		}
	}
	return sortedLangs(set)
}
