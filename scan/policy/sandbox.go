package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/pipeguard/pipeguard/scan"
)

// forbidden reports whether a built-in function is kept out of the sandbox,
// and why. Policies see only their input: no network (http.send, every
// net.* function, even the pure CIDR helpers, so that the rule is simple to
// state) and no runtime (opa.runtime exposes the environment, CI tokens
// included).
func forbidden(name string) (string, bool) {
	switch {
	case name == "http.send":
		return "it reaches the network", true
	case strings.HasPrefix(name, "net."):
		return "net.* functions are not available (no network)", true
	case name == "opa.runtime":
		return "it exposes the process environment, CI tokens included", true
	}
	return "", false
}

// Capabilities returns the OPA capabilities policies are compiled with: the
// built-ins of this OPA version minus the forbidden ones, and no host
// allowed for network access.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if _, bad := forbidden(b.Name); !bad {
			kept = append(kept, b)
		}
	}
	caps.Builtins = append(kept, sandboxBuiltins()...)
	caps.AllowNet = []string{}
	return caps
}

// ForbiddenBuiltins lists the built-in functions policies may not call.
func ForbiddenBuiltins() []string {
	var out []string
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if _, bad := forbidden(b.Name); bad {
			out = append(out, b.Name)
		}
	}
	sort.Strings(out)
	return out
}

// checkSandbox refuses a module that calls a forbidden built-in, naming the
// file, the line and the built-in. The compiler would refuse it too (the
// function is missing from the capabilities), but with a message that does
// not say why.
func checkSandbox(m *ast.Module, path string) error {
	var found *scan.ConfigError
	report := func(name string, loc *ast.Location) {
		if found != nil {
			return
		}
		why, bad := forbidden(name)
		if !bad {
			return
		}
		line := 0
		if loc != nil {
			line = loc.Row
		}
		found = &scan.ConfigError{Path: path, Line: line,
			Err: fmt.Errorf("policy calls %s, which pipeguard does not allow: %s", name, why)}
	}
	ast.WalkExprs(m, func(e *ast.Expr) bool {
		if e.IsCall() {
			report(e.Operator().String(), e.Location)
		}
		return found != nil
	})
	ast.WalkTerms(m, func(t *ast.Term) bool {
		if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
			report(c[0].String(), t.Location)
		}
		return found != nil
	})
	if found != nil {
		return found
	}
	return nil
}

// JSON Schema built-ins. json.verify_schema and json.match_schema follow a
// schema's $ref wherever it points: OPA keeps http(s) references to the
// allowed hosts (none here), but reads file:// references from disk, and its
// error messages then quote what it read, or say whether the file exists.
// A policy may use them with inline schemas only: every $ref a fragment of
// the schema itself ("#/definitions/x"), no $id naming a file. A schema
// written in the policy is checked when the policy is loaded (a
// *scan.ConfigError at its file and line); one computed at evaluation is
// checked before OPA sees it, and a refused one stops the evaluation with
// an error, as a forbidden built-in would. The same holds for the inline
// schemas of METADATA annotations, which the compiler would resolve.
//
// OPA runs its own implementation of every built-in it declares, so the
// checked versions are custom built-ins under other names, and parse
// rewrites calls to the originals into calls to them.
var schemaBuiltins = map[string]struct {
	decl   *ast.Builtin
	schema int // operand index of the schema
	safe   string
}{
	ast.JSONSchemaVerify.Name: {ast.JSONSchemaVerify, 0, "pipeguard_sandbox.json_verify_schema"},
	ast.JSONMatchSchema.Name:  {ast.JSONMatchSchema, 1, "pipeguard_sandbox.json_match_schema"},
}

// sandboxBuiltins declares the checked JSON Schema built-ins, for the
// compiler's capabilities.
func sandboxBuiltins() []*ast.Builtin {
	var out []*ast.Builtin
	for _, name := range []string{ast.JSONSchemaVerify.Name, ast.JSONMatchSchema.Name} {
		b := schemaBuiltins[name]
		out = append(out, &ast.Builtin{Name: b.safe, Description: b.decl.Description, Decl: b.decl.Decl})
	}
	return out
}

// sandboxFunctions are the implementations of sandboxBuiltins, as rego options.
func sandboxFunctions() []func(*rego.Rego) {
	return []func(*rego.Rego){
		rego.Function1(&rego.Function{Name: schemaBuiltins[ast.JSONSchemaVerify.Name].safe, Decl: ast.JSONSchemaVerify.Decl},
			func(bctx rego.BuiltinContext, a *ast.Term) (*ast.Term, error) {
				return checkedSchemaCall(bctx, ast.JSONSchemaVerify.Name, []*ast.Term{a})
			}),
		rego.Function2(&rego.Function{Name: schemaBuiltins[ast.JSONMatchSchema.Name].safe, Decl: ast.JSONMatchSchema.Decl},
			func(bctx rego.BuiltinContext, a, b *ast.Term) (*ast.Term, error) {
				return checkedSchemaCall(bctx, ast.JSONMatchSchema.Name, []*ast.Term{a, b})
			}),
	}
}

// sandboxTestBuiltins are sandboxFunctions for the unit-test runner.
func sandboxTestBuiltins() []*tester.Builtin {
	fns := sandboxFunctions()
	decls := sandboxBuiltins()
	out := make([]*tester.Builtin, len(fns))
	for i := range fns {
		out[i] = &tester.Builtin{Decl: decls[i], Func: fns[i]}
	}
	return out
}

// checkedSchemaCall refuses a schema that refers outside itself, then runs
// OPA's own built-in name. A refusal halts the evaluation: OPA would
// otherwise take a built-in's error for "undefined" and go on.
func checkedSchemaCall(bctx rego.BuiltinContext, name string, operands []*ast.Term) (*ast.Term, error) {
	schema := operands[schemaBuiltins[name].schema].Value
	if err := checkSchemaValue(schema); err != nil {
		return nil, rego.NewHaltError(fmt.Errorf("%s refused: %w", name, err))
	}
	var out *ast.Term
	err := topdown.GetBuiltin(name)(bctx, operands, func(t *ast.Term) error {
		out = t
		return nil
	})
	return out, err
}

// errExternalRef is the reason for refusing a schema.
var errExternalRef = errors.New("pipeguard policies may not read files or the network")

// checkSchemaValue checks a schema given as a JSON string or an object.
// Anything else (not JSON, another type) is left to OPA to refuse.
func checkSchemaValue(v ast.Value) error {
	var doc any
	switch x := v.(type) {
	case ast.String:
		if json.Unmarshal([]byte(x), &doc) != nil {
			return nil
		}
	case ast.Object, *ast.Array:
		var err error
		if doc, err = ast.JSON(x); err != nil {
			return nil
		}
	default:
		return nil
	}
	return checkSchema(doc)
}

// checkSchema refuses a schema with a reference that is not a fragment of
// the document itself, or an identifier that names a file: every string
// $ref (and $dynamicRef, $recursiveRef) must start with "#", and an $id or
// id must not use the file scheme. The message quotes the reference, never
// anything it points to.
func checkSchema(doc any) error {
	switch x := doc.(type) {
	case map[string]any:
		for k, v := range x {
			s, isStr := v.(string)
			switch {
			case !isStr:
			case k == "$ref" || k == "$dynamicRef" || k == "$recursiveRef":
				if !strings.HasPrefix(s, "#") {
					return fmt.Errorf("schema %s %s refers outside the schema (only references inside it, \"#/...\", are allowed): %w", k, short(s), errExternalRef)
				}
			case k == "$id" || k == "id":
				if scheme, _, ok := strings.Cut(s, ":"); ok && strings.EqualFold(strings.TrimSpace(scheme), "file") {
					return fmt.Errorf("schema %s %s names a file: %w", k, short(s), errExternalRef)
				}
			}
		}
		for _, v := range x {
			if err := checkSchema(v); err != nil {
				return err
			}
		}
	case []any:
		for _, v := range x {
			if err := checkSchema(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSchemaCalls refuses, at load time, a call to a JSON Schema built-in
// whose schema is written in the policy and refers outside itself, and an
// annotation's inline schema that does; it then rewrites every call to
// those built-ins (and every with that mocks one) into its checked
// version, for the schemas only known at evaluation.
func checkSchemaCalls(m *ast.Module, path string) error {
	var found error
	at := func(loc *ast.Location, err error) {
		if found == nil {
			line := 0
			if loc != nil {
				line = loc.Row
			}
			found = &scan.ConfigError{Path: path, Line: line, Err: err}
		}
	}
	for _, a := range m.Annotations {
		for _, sa := range a.Schemas {
			if sa.Definition == nil {
				continue
			}
			if err := checkSchema(*sa.Definition); err != nil {
				at(a.Location, fmt.Errorf("METADATA schemas: %w", err))
			}
		}
	}
	check := func(op *ast.Term, args []*ast.Term, loc *ast.Location) {
		b, ok := schemaBuiltins[op.String()]
		if !ok {
			return
		}
		if b.schema < len(args) && args[b.schema].IsGround() {
			if err := checkSchemaValue(args[b.schema].Value); err != nil {
				at(loc, fmt.Errorf("%s: %w", op, err))
			}
		}
		op.Value = ast.MustParseRef(b.safe)
	}
	ast.WalkExprs(m, func(e *ast.Expr) bool {
		if e.IsCall() {
			terms := e.Terms.([]*ast.Term)
			check(terms[0], terms[1:], e.Location)
		}
		for _, w := range e.With { // mocks: with json.match_schema as f
			if b, ok := schemaBuiltins[w.Target.String()]; ok {
				w.Target.Value = ast.MustParseRef(b.safe)
			}
		}
		return false
	})
	ast.WalkTerms(m, func(t *ast.Term) bool {
		if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
			check(c[0], c[1:], t.Location)
		}
		return false
	})
	return found
}
