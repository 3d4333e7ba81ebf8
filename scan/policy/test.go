package policy

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test (a rule named test_*).
type TestResult = tester.Result

// Test runs the Rego unit tests of the built-in policies (every folder) and
// of the user's folders opts.Dirs, in the same sandbox as a scan, with the
// same overrides (the tests of an overridden built-in rule do not run).
// Policy problems are *scan.ConfigError; failing tests are results, see
// Failed.
func Test(ctx context.Context, opts Options) ([]*TestResult, error) {
	mods, err := gather(opts, true)
	if err != nil {
		return nil, err
	}
	parsedMods, cat, err := catalogue(mods, nil)
	if err != nil {
		return nil, err
	}
	overridden := map[string]bool{} // built-in files to leave out
	for _, p := range parsedMods {
		if dropped(p, cat) {
			overridden[p.Path] = true
			overridden[testFileOf(p.Path)] = true
		}
	}
	// A user module in the package of a built-in library (the gate:
	// pipeguard.gate) replaces it, as the gate does: the built-in files of
	// that package and their tests are left out.
	userPkgs := map[string]bool{}
	for _, p := range parsedMods {
		if !p.Builtin && !p.IsTest() {
			userPkgs[p.ast.Package.Path.String()] = true
		}
	}
	for _, p := range parsedMods {
		pkg := p.ast.Package.Path.String()
		if p.Builtin && !p.IsTest() && !isRulePackage(p.ast.Package.Path) && userPkgs[pkg] {
			overridden[p.Path] = true
			overridden[testFileOf(p.Path)] = true
		}
	}
	in := map[string]*ast.Module{}
	for _, p := range parsedMods {
		if p.Builtin && overridden[p.Path] {
			continue
		}
		in[p.Path] = p.ast
	}
	lim := Limits{Timeout: opts.RuleTimeout, Memory: opts.MemoryLimit}.effective(ctx)
	// The rules are type-checked against the facts schema as in a scan; the
	// tests themselves are compiled without it (the gate's input differs).
	if _, err := compileRules(ctx, parsedMods, cat, opts); err != nil {
		return nil, err
	}
	timeout := lim.Timeout
	if timeout < 0 {
		timeout = 0 // no limit
	}
	runner := tester.NewRunner().
		SetCompiler(newCompiler(CompileOptions{Print: true})).
		AddCustomBuiltins(sandboxTestBuiltins()).
		CapturePrintOutput(true).
		EnableTracing(false).
		SetTimeout(timeout).
		SetModules(in)
	if opts.Run != "" {
		runner = runner.Filter(opts.Run)
	}
	// Each test has the time limit; the memory limit bounds the whole run
	// (a test that runs away stops it, and the rest are reported as errors).
	var out []*TestResult
	var compileErr error
	err = bounded(ctx, Limits{Timeout: -1, Memory: lim.Memory}, func(ctx context.Context) error {
		ch, err := runner.RunTests(ctx, nil)
		if err != nil {
			compileErr = astError("policies", err)
			return nil
		}
		for r := range ch {
			out = append(out, r)
		}
		return memoryStop(ctx)
	})
	if compileErr != nil {
		return nil, compileErr
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Location != nil && b.Location != nil {
			if a.Location.File != b.Location.File {
				return a.Location.File < b.Location.File
			}
			return a.Location.Row < b.Location.Row
		}
		return a.Package+a.Name < b.Package+b.Name
	})
	return out, nil
}

// testFileOf maps x.rego to x_test.rego.
func testFileOf(path string) string {
	if len(path) > 5 && path[len(path)-5:] == ".rego" {
		return path[:len(path)-5] + "_test.rego"
	}
	return path
}

// Failed reports whether any test failed or erred.
func Failed(results []*TestResult) bool {
	for _, r := range results {
		if r.Fail || r.Error != nil {
			return true
		}
	}
	return false
}

// WriteTestResults prints results the way `opa test` does: failures (every
// test with verbose) by file, then the counts.
func WriteTestResults(w io.Writer, results []*TestResult, verbose bool) error {
	ch := make(chan *TestResult, len(results))
	for _, r := range results {
		ch <- r
	}
	close(ch)
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "no tests found")
		return err
	}
	return tester.PrettyReporter{Output: w, Verbose: verbose, FailureLine: true}.Report(ch)
}
