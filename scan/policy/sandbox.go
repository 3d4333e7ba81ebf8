package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

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
	caps.Builtins = kept
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
