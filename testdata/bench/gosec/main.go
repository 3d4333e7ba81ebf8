// Command gosec scores pipeguard's Go config rules against gosec's own
// labelled samples, and gosec itself on the same samples in the same run.
//
//	go run -tags gore2regex ./testdata/bench/gosec [flags] GOSEC_CHECKOUT
//
// GOSEC_CHECKOUT is a checkout of securego/gosec (e.g. cloned from the
// search tool's mirror; its code stays out of this repository). The
// program reads the per-rule sample programs of the rules pipeguard
// overlaps (testutils/g101_samples.go ... g402_samples.go: each sample is
// a program and the number of issues gosec must report on it), writes
// each sample to its own folder of a temporary module, runs `pipeguard
// scan --scanners config,secrets` and `gosec -fmt=json` over the module,
// and prints, per gosec rule, the positive samples each tool detected, the
// issues it found out of those expected, and its findings on samples gosec
// labels clean. Suppression comments in the samples (#nosec G112) are
// honoured by both tools.
//
// A pipeguard finding counts for a gosec rule when its rule id is one that
// `//nosec <id>` maps to (scan/suppress: G402 -> tls-verify-disabled and
// tls-weak-version...); for G101 (hard-coded credentials) a finding of the
// secrets scanner counts too: pipeguard reports a credential once, and a
// secrets finding on the same line wins over the config one.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pipeguard/pipeguard/scan/suppress"
)

// sets are the sample variables scored, with the gosec rule they test.
var sets = []struct{ file, variable, rule string }{
	{"g101_samples.go", "SampleCodeG101", "G101"},
	{"g101_samples.go", "SampleCodeG101Values", "G101"},
	{"g108_samples.go", "SampleCodeG108", "G108"},
	{"g112_samples.go", "SampleCodeG112", "G112"},
	{"g114_samples.go", "SampleCodeG114", "G114"},
	{"g201_samples.go", "SampleCodeG201", "G201"},
	{"g202_samples.go", "SampleCodeG202", "G202"},
	{"g402_samples.go", "SampleCodeG402", "G402"},
}

type sample struct {
	set      string // variable name
	rule     string // gosec rule
	index    int
	files    []string
	expected int
	dir      string // relative to the module root
}

func main() {
	var (
		gosecBin = flag.String("gosec", "gosec", "gosec binary")
		pgBin    = flag.String("pipeguard", "", "pipeguard binary (default: built from this checkout)")
		keep     = flag.String("keep", "", "write the samples to this folder and keep it (default: a temporary folder, removed)")
		verbose  = flag.Bool("v", false, "list every sample where a tool differs from the label")
	)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run -tags gore2regex ./testdata/bench/gosec [flags] GOSEC_CHECKOUT\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(3)
	}
	if err := run(flag.Arg(0), *gosecBin, *pgBin, *keep, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "gosec bench:", err)
		os.Exit(2)
	}
}

func run(checkout, gosecBin, pgBin, keep string, verbose bool) error {
	var samples []*sample
	for _, s := range sets {
		got, err := readSamples(filepath.Join(checkout, "testutils", s.file), s.variable, s.rule)
		if err != nil {
			return err
		}
		samples = append(samples, got...)
	}
	root := keep
	if root != "" {
		if err := os.MkdirAll(root, 0o755); err != nil {
			return err
		}
		if abs, err := filepath.Abs(root); err == nil {
			root = abs
		}
	} else {
		tmp, err := os.MkdirTemp("", "gosec-samples-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		root = tmp
	}
	if err := writeSamples(root, samples); err != nil {
		return err
	}
	if pgBin == "" {
		pgBin = filepath.Join(root, ".bin", "pipeguard")
		build := exec.Command("go", "build", "-tags", "gore2regex", "-o", pgBin, "./cmd/pipeguard")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build pipeguard (run from the repository root): %w", err)
		}
	}
	pg, err := runPipeguard(pgBin, root)
	if err != nil {
		return err
	}
	gs, version, err := runGosec(gosecBin, root)
	if err != nil {
		return err
	}
	fmt.Printf("gosec samples from %s (%s); gosec %s; %d samples\n\n", checkout, commitOf(checkout), version, len(samples))
	report(samples, pg, gs, verbose)
	return nil
}

func commitOf(dir string) string {
	out, err := exec.Command("git", "-C", dir, "describe", "--tags", "--always").Output()
	if err != nil {
		return "unknown commit"
	}
	return strings.TrimSpace(string(out))
}

// readSamples reads `var <variable> = []CodeSample{{[]string{...}, N, cfg}, ...}`.
func readSamples(path, variable, rule string) ([]*sample, error) {
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("read gosec samples: %w", err)
	}
	var out []*sample
	found := false
	ast.Inspect(af, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != variable || len(vs.Values) != 1 {
			return true
		}
		found = true
		list, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			return false
		}
		for i, el := range list.Elts {
			cl, ok := el.(*ast.CompositeLit)
			if !ok || len(cl.Elts) < 2 {
				continue
			}
			s := &sample{set: variable, rule: rule, index: i}
			code, ok := cl.Elts[0].(*ast.CompositeLit)
			if !ok {
				continue
			}
			for _, c := range code.Elts {
				if bl, ok := c.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					if src, err := strconv.Unquote(bl.Value); err == nil {
						s.files = append(s.files, src)
					}
				}
			}
			if bl, ok := cl.Elts[1].(*ast.BasicLit); ok {
				s.expected, _ = strconv.Atoi(bl.Value)
			}
			if len(cl.Elts) > 2 && !isDefaultConfig(cl.Elts[2]) {
				continue // scored with gosec's default configuration only
			}
			out = append(out, s)
		}
		return false
	})
	if !found {
		return nil, fmt.Errorf("%s: no variable %s", path, variable)
	}
	return out, nil
}

func isDefaultConfig(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok || len(c.Args) != 0 {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "NewConfig"
}

// writeSamples lays out one module with one folder per sample.
func writeSamples(root string, samples []*sample) error {
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module samples\n\ngo 1.24\n"), 0o644); err != nil {
		return err
	}
	for _, s := range samples {
		s.dir = fmt.Sprintf("%s/%02d", strings.ToLower(strings.TrimPrefix(s.set, "SampleCode")), s.index)
		d := filepath.Join(root, filepath.FromSlash(s.dir))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		for i, src := range s.files {
			if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("file%d.go", i)), []byte(src), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// finding is a tool's finding: the rule and the sample folder it is in.
type finding struct {
	rule    string
	scanner string
	dir     string
}

func runPipeguard(bin, root string) ([]finding, error) {
	cmd := exec.Command(bin, "scan", "--scanners", "config,secrets", "--format", "json", root)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		return nil, fmt.Errorf("pipeguard: %w: %s", err, errb.String())
	}
	var rep struct {
		Findings []struct {
			Rule        string          `json:"rule"`
			Scanner     string          `json:"scanner"`
			Path        string          `json:"path"`
			Suppression json.RawMessage `json:"suppression"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("pipeguard output: %w", err)
	}
	var fs []finding
	for _, f := range rep.Findings {
		if len(f.Suppression) > 0 && string(f.Suppression) != "null" {
			continue
		}
		fs = append(fs, finding{rule: f.Rule, scanner: f.Scanner, dir: filepath.ToSlash(filepath.Dir(f.Path))})
	}
	return fs, nil
}

func runGosec(bin, root string) ([]finding, string, error) {
	if p, err := exec.LookPath(bin); err == nil {
		bin = p
	}
	// A binary made by go install carries its module version.
	version := "unknown version"
	if out, err := exec.Command("go", "version", "-m", bin).Output(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "mod" && f[1] == "github.com/securego/gosec/v2" {
				version = f[2]
			}
		}
	}
	outFile := filepath.Join(root, ".gosec.json")
	cmd := exec.Command(bin, "-fmt=json", "-out="+outFile, "-no-fail", "-quiet", "-include=G101,G108,G112,G114,G201,G202,G402", "./...")
	cmd.Dir = root
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return nil, "", fmt.Errorf("gosec: %w: %s", err, errb.String())
	}
	data, err := os.ReadFile(outFile)
	if err != nil {
		return nil, "", err
	}
	var rep struct {
		Issues []struct {
			RuleID string `json:"rule_id"`
			File   string `json:"file"`
		} `json:"Issues"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, "", fmt.Errorf("gosec output: %w", err)
	}
	var fs []finding
	for _, is := range rep.Issues {
		rel, err := filepath.Rel(root, is.File)
		if err != nil {
			continue
		}
		fs = append(fs, finding{rule: is.RuleID, dir: filepath.ToSlash(filepath.Dir(rel))})
	}
	return fs, version, nil
}

// counts scores one tool on one gosec rule.
type counts struct {
	positives, detected, expected, found, clean, falsePos int
}

func report(samples []*sample, pg, gs []finding, verbose bool) {
	pgCount := func(s *sample) int {
		n := 0
		ids := suppress.GosecRules(s.rule)
		for _, f := range pg {
			if f.dir != s.dir {
				continue
			}
			if contains(ids, f.rule) || s.rule == "G101" && f.scanner == "secrets" {
				n++
			}
		}
		return n
	}
	gsCount := func(s *sample, rule string) int {
		n := 0
		for _, f := range gs {
			if f.dir == s.dir && f.rule == rule {
				n++
			}
		}
		return n
	}
	// sibling reports whether another gosec rule that maps to the same
	// pipeguard rules flags the sample (G202 on a G201 sample).
	sibling := func(s *sample) string {
		for _, r := range []string{"G101", "G108", "G112", "G114", "G201", "G202", "G402"} {
			if r == s.rule || !overlap(suppress.GosecRules(r), suppress.GosecRules(s.rule)) {
				continue
			}
			if gsCount(s, r) > 0 {
				return r
			}
		}
		return ""
	}
	rules := []string{}
	by := map[string][2]*counts{}
	var notes []string
	for _, s := range samples {
		c, ok := by[s.rule]
		if !ok {
			c = [2]*counts{{}, {}}
			by[s.rule] = c
			rules = append(rules, s.rule)
		}
		got := [2]int{pgCount(s), gsCount(s, s.rule)}
		sib := sibling(s)
		for i, n := range got {
			if s.expected > 0 {
				c[i].positives++
				c[i].expected += s.expected
				c[i].found += min(n, s.expected)
				if n > 0 {
					c[i].detected++
				}
			} else if sib == "" {
				c[i].clean++
				if n > 0 {
					c[i].falsePos++
				}
			}
		}
		tool := [2]string{"pipeguard", "gosec"}
		for i, n := range got {
			switch {
			case s.expected > 0 && n == 0:
				notes = append(notes, fmt.Sprintf("%s %s[%d]: missed (expected %d)", tool[i], s.set, s.index, s.expected))
			case s.expected == 0 && n > 0 && sib == "":
				notes = append(notes, fmt.Sprintf("%s %s[%d]: %d finding(s) on a clean sample", tool[i], s.set, s.index, n))
			case s.expected == 0 && n > 0:
				notes = append(notes, fmt.Sprintf("%s %s[%d]: %d finding(s); not counted: gosec's %s flags this sample", tool[i], s.set, s.index, n, sib))
			}
		}
	}
	sort.Strings(rules)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "gosec rule\tpipeguard rules\tpositive samples\tpipeguard detected\tgosec detected\tpipeguard issues\tgosec issues\tclean samples\tpipeguard FP\tgosec FP")
	var tot [2]counts
	for _, r := range rules {
		c := by[r]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d/%d\t%d/%d\t%d\t%d\t%d\n", r, strings.Join(suppress.GosecRules(r), ","), c[0].positives,
			c[0].detected, c[1].detected, c[0].found, c[0].expected, c[1].found, c[1].expected, c[0].clean, c[0].falsePos, c[1].falsePos)
		for i := range 2 {
			tot[i].positives += c[i].positives
			tot[i].detected += c[i].detected
			tot[i].found += c[i].found
			tot[i].expected += c[i].expected
			tot[i].clean += c[i].clean
			tot[i].falsePos += c[i].falsePos
		}
	}
	fmt.Fprintf(tw, "all\t\t%d\t%d\t%d\t%d/%d\t%d/%d\t%d\t%d\t%d\n", tot[0].positives, tot[0].detected, tot[1].detected,
		tot[0].found, tot[0].expected, tot[1].found, tot[1].expected, tot[0].clean, tot[0].falsePos, tot[1].falsePos)
	tw.Flush()
	if verbose {
		fmt.Println()
		sort.Strings(notes)
		for _, n := range notes {
			fmt.Println(n)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}
