package policy

import (
	"context"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/pipeguard/pipeguard/scan"
)

// Engine is a set of compiled, sandboxed Rego modules. Queries are prepared
// once, on first use, and evaluated as often as needed; an Engine is safe
// for concurrent use.
type Engine struct {
	compiler *ast.Compiler
	modules  map[string]*parsed
	limits   Limits

	mu       sync.Mutex
	prepared map[string]*rego.PreparedEvalQuery
}

// CompileOptions tune Compile.
type CompileOptions struct {
	// Print keeps print() statements (they are erased otherwise). Only tests use it.
	Print bool
	// InputSchema, when set, is the JSON Schema (decoded JSON) of the input:
	// the compiler then type-checks every reference to input against it, so
	// that a misspelt fact (input.apps[_].midleware) is a compile error
	// naming the file and line instead of a rule that never fires.
	InputSchema any
	// Limits bound every evaluation of Eval; zero fields mean the defaults.
	Limits Limits
}

// Compile parses and compiles mods (test modules included if given) in the
// sandbox: Rego v1, without http.send, net.* or opa.runtime. A syntax
// error, a compile error or a forbidden built-in is a *scan.ConfigError
// naming the file and line.
func Compile(ctx context.Context, mods []Module, opts CompileOptions) (*Engine, error) {
	ps := make([]*parsed, 0, len(mods))
	seen := make(map[string]bool, len(mods))
	for _, m := range mods {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		p, err := parse(m)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return compileParsed(ctx, ps, opts)
}

// compileParsed is Compile for modules already parsed (Load parses every
// module once, for the catalogue, and compiles those same syntax trees: the
// compiler works on copies of them). The first module of a path wins.
func compileParsed(ctx context.Context, ps []*parsed, opts CompileOptions) (*Engine, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	parsedMods := make(map[string]*parsed, len(ps))
	for _, p := range ps {
		if _, dup := parsedMods[p.Path]; !dup {
			parsedMods[p.Path] = p
		}
	}
	c, err := compile(parsedMods, opts)
	if err != nil {
		return nil, err
	}
	return &Engine{compiler: c, modules: parsedMods, limits: opts.Limits, prepared: map[string]*rego.PreparedEvalQuery{}}, nil
}

func newCompiler(opts CompileOptions) *ast.Compiler {
	c := ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithEnablePrintStatements(opts.Print).
		WithDefaultRegoVersion(ast.RegoV1).
		WithUseTypeCheckAnnotations(true)
	if opts.InputSchema != nil {
		ss := ast.NewSchemaSet()
		ss.Put(ast.SchemaRootRef, opts.InputSchema)
		c = c.WithSchemas(ss)
	}
	return c
}

func compile(mods map[string]*parsed, opts CompileOptions) (*ast.Compiler, error) {
	in := make(map[string]*ast.Module, len(mods))
	for k, p := range mods {
		in[k] = p.ast
	}
	c := newCompiler(opts)
	c.Compile(in)
	if c.Failed() {
		return nil, astError("policies", c.Errors)
	}
	return c, nil
}

// Compiler returns the compiled modules, for callers that need OPA's own
// APIs (annotations, the tester).
func (e *Engine) Compiler() *ast.Compiler { return e.compiler }

// Prepare parses and prepares query once; later calls with the same query
// return the cached preparation.
func (e *Engine) Prepare(ctx context.Context, query string) (*rego.PreparedEvalQuery, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if pq, ok := e.prepared[query]; ok {
		return pq, nil
	}
	opts := append([]func(*rego.Rego){
		rego.Query(query),
		rego.Compiler(e.compiler),
		rego.Capabilities(Capabilities()),
		rego.EnablePrintStatements(false),
		rego.Runtime(ast.NewTerm(ast.NewObject())),
	}, sandboxFunctions()...)
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare query %q: %w", query, err)
	}
	e.prepared[query] = &pq
	return &pq, nil
}

// Eval evaluates query against input, within the engine's Limits (or the
// context's, see WithLimits). input may be an ast.Value (converted once by
// the caller with Input and reused across queries) or any value that
// encodes to JSON.
func (e *Engine) Eval(ctx context.Context, query string, input any) (rego.ResultSet, error) {
	pq, err := e.Prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	v, err := Input(input)
	if err != nil {
		return nil, err
	}
	var rs rego.ResultSet
	err = bounded(ctx, e.limits, func(ctx context.Context) error {
		rs, err = pq.Eval(ctx, rego.EvalParsedInput(v))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("eval %q: %w", query, err)
	}
	return rs, nil
}

// configError is a shorthand for a *scan.ConfigError.
func configError(path string, line int, format string, args ...any) error {
	return &scan.ConfigError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
}
