// Command eval scores pipeguard's config findings on real applications
// against verdicts read by people: it scans each application of apps.tsv in
// a folder of checkouts, matches every finding to its verdict in
// verdicts.tsv by (repository, rule, path:line), and prints precision per
// rule and overall, what the default gate would block and how much of that
// is true, and every finding that has no verdict yet (new findings must be
// read, not assumed).
//
//	go run -tags gore2regex ./testdata/realworld/eval [flags] CHECKOUTS
//
// CHECKOUTS holds one checkout per application, named owner+name (see
// checkout.sh). Precision counts TP and posture findings as true, FP as
// false, and leaves debatable ones out. The exit code is 1 when a finding
// has no verdict, 2 when an application could not be scanned.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// The verdicts a finding can have.
const (
	verdictTP        = "TP"
	verdictPosture   = "posture"
	verdictFP        = "FP"
	verdictDebatable = "debatable"
)

var validVerdicts = map[string]bool{verdictTP: true, verdictPosture: true, verdictFP: true, verdictDebatable: true}

// app is one line of apps.tsv.
type app struct {
	Repo, Commit, Subfolder string
	// Set is "dev" (the applications read while fixing), "extra" (added
	// to check that fixes generalize) or "probe" (judged once untuned,
	// then fixed from); "" when the line names none.
	Set string
}

// key identifies a finding for its verdict.
type key struct {
	Repo, Rule, Loc string
}

type verdict struct {
	Verdict, Reason string
	Line            int // in verdicts.tsv
}

// finding is the part of pipeguard's JSON report the evaluation reads.
type finding struct {
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	Confidence string `json:"confidence"`
	Message    string `json:"message"`
	Path       string `json:"path"`
	Line       int    `json:"line"`
	Decision   string `json:"decision"`
}

type report struct {
	Verdict  string    `json:"verdict"`
	Findings []finding `json:"findings"`
	Errors   []struct {
		Scanner, Message string
	} `json:"errors"`
}

type scored struct {
	app app
	f   finding
	v   *verdict
}

func main() {
	here := flag.String("dir", "testdata/realworld", "folder of apps.tsv and verdicts.tsv")
	bin := flag.String("pipeguard", "", "pipeguard binary (default: build ./cmd/pipeguard with -tags gore2regex)")
	scanners := flag.String("scanners", "config", "scanners to run (--scanners)")
	only := flag.String("app", "", "evaluate only the applications whose repository contains this")
	set := flag.String("set", "", "evaluate only the applications of this set of apps.tsv (dev, extra or probe)")
	rules := flag.String("rules", "", "evaluate only the findings of these rules (comma-separated ids)")
	bandit := flag.Bool("bandit", false, "also time Bandit (bandit -r) on the same checkouts")
	todo := flag.String("todo", "", "write the findings without a verdict to this file, as verdicts.tsv lines to fill in")
	verbose := flag.Bool("v", false, "list every finding with its verdict, and the verdicts no finding matched")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: eval [flags] CHECKOUTS\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(3)
	}
	code, err := run(config{
		here: *here, bin: *bin, scanners: *scanners, only: *only, set: *set, rules: ruleSet(*rules), bandit: *bandit,
		todo: *todo, verbose: *verbose, checkouts: flag.Arg(0), out: os.Stdout,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(3)
	}
	os.Exit(code)
}

type config struct {
	here, bin, scanners, only, set, todo, checkouts string
	rules                                           map[string]bool // nil: every rule
	bandit, verbose                                 bool
	out                                             io.Writer
}

// ruleSet reads a comma-separated list of rule ids; nil for none.
func ruleSet(list string) map[string]bool {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	out := map[string]bool{}
	for _, r := range strings.Split(list, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out[r] = true
		}
	}
	return out
}

func run(c config) (int, error) {
	apps, err := readApps(filepath.Join(c.here, "apps.tsv"))
	if err != nil {
		return 0, err
	}
	verdicts, err := readVerdicts(filepath.Join(c.here, "verdicts.tsv"))
	if err != nil {
		return 0, err
	}
	if c.bin == "" {
		if c.bin, err = build(); err != nil {
			return 0, err
		}
		defer os.RemoveAll(filepath.Dir(c.bin))
	}
	var (
		all       []scored
		failed    []string
		scanTime  time.Duration
		banditDur time.Duration
		used      = map[key]bool{}
	)
	for _, a := range apps {
		if c.only != "" && !strings.Contains(a.Repo, c.only) || c.set != "" && a.Set != c.set {
			continue
		}
		dir, err := checkout(c.checkouts, a)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", a.Repo, err))
			continue
		}
		rep, took, err := scanApp(c.bin, c.scanners, filepath.Join(dir, a.Subfolder))
		scanTime += took
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", a.Repo, err))
			continue
		}
		for _, e := range rep.Errors {
			failed = append(failed, fmt.Sprintf("%s: scan incomplete: %s: %s", a.Repo, e.Scanner, e.Message))
		}
		for _, f := range rep.Findings {
			if c.rules != nil && !c.rules[f.Rule] {
				continue
			}
			k := key{a.Repo, f.Rule, fmt.Sprintf("%s:%d", f.Path, f.Line)}
			s := scored{app: a, f: f}
			if v, ok := verdicts[k]; ok {
				s.v = &v
				used[k] = true
			}
			all = append(all, s)
		}
		if c.bandit {
			banditDur += timeBandit(filepath.Join(dir, a.Subfolder))
		}
	}
	printRules(c.out, all)
	printSets(c.out, all)
	printGate(c.out, all)
	printConfidence(c.out, all)
	fmt.Fprintf(c.out, "\nscan time (pipeguard scan --scanners %s, every application, one after the other): %.2f s\n", c.scanners, scanTime.Seconds())
	if c.bandit {
		fmt.Fprintf(c.out, "bandit -r on the same checkouts: %.2f s (ratio bandit/pipeguard %.1fx)\n", banditDur.Seconds(), banditDur.Seconds()/scanTime.Seconds())
	}
	if c.verbose {
		printAll(c.out, all)
		printUnused(c.out, verdicts, used, c.only, c.rules)
	}
	missing := printMissing(c.out, all)
	if c.todo != "" {
		if err := writeTodo(c.todo, all); err != nil {
			return 0, err
		}
	}
	for _, f := range failed {
		fmt.Fprintln(c.out, "FAILED", f)
	}
	switch {
	case len(failed) > 0:
		return 2, nil
	case missing > 0:
		return 1, nil
	}
	return 0, nil
}

// readApps reads apps.tsv: repository, commit, subfolder.
func readApps(path string) ([]app, error) {
	var apps []app
	err := eachRow(path, func(n int, cols []string) error {
		if len(cols) < 2 {
			return fmt.Errorf("%s:%d: want repository, commit[, subfolder]", path, n)
		}
		a := app{Repo: cols[0], Commit: cols[1], Subfolder: "."}
		if len(cols) > 2 && cols[2] != "" {
			a.Subfolder = cols[2]
		}
		if len(cols) > 3 {
			a.Set = cols[3]
		}
		apps = append(apps, a)
		return nil
	})
	return apps, err
}

// readVerdicts reads verdicts.tsv: repository, rule, path:line, verdict, reason.
func readVerdicts(path string) (map[key]verdict, error) {
	out := map[key]verdict{}
	err := eachRow(path, func(n int, cols []string) error {
		if len(cols) < 5 {
			return fmt.Errorf("%s:%d: want repository, rule, path:line, verdict, reason", path, n)
		}
		if !validVerdicts[cols[3]] {
			return fmt.Errorf("%s:%d: verdict %q is not one of TP, posture, FP, debatable", path, n, cols[3])
		}
		if strings.TrimSpace(cols[4]) == "" {
			return fmt.Errorf("%s:%d: a verdict needs its reason", path, n)
		}
		k := key{cols[0], cols[1], cols[2]}
		if prev, dup := out[k]; dup {
			return fmt.Errorf("%s:%d: same finding as line %d", path, n, prev.Line)
		}
		out[k] = verdict{Verdict: cols[3], Reason: cols[4], Line: n}
		return nil
	})
	return out, err
}

// eachRow calls fn with the tab-separated columns of every line of a TSV
// file that is neither blank nor a # comment.
func eachRow(path string, fn func(n int, cols []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(n, strings.Split(line, "\t")); err != nil {
			return err
		}
	}
	return sc.Err()
}

func build() (string, error) {
	dir, err := os.MkdirTemp("", "pipeguard-eval")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "pipeguard")
	cmd := exec.Command("go", "build", "-tags", "gore2regex", "-o", bin, "./cmd/pipeguard")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("build pipeguard: %w", err)
	}
	return bin, nil
}

// checkout finds an application's checkout and says when it is not at the
// pinned commit (the verdicts are for that commit).
func checkout(root string, a app) (string, error) {
	dir := filepath.Join(root, strings.Replace(a.Repo, "/", "+", 1))
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("no checkout at %s (testdata/realworld/checkout.sh makes them)", dir)
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", fmt.Errorf("%s: not a git checkout: %w", dir, err)
	}
	if head := strings.TrimSpace(string(out)); head != a.Commit {
		return "", fmt.Errorf("%s is at %s, apps.tsv pins %s", dir, head, a.Commit)
	}
	return dir, nil
}

// scanApp runs pipeguard on one application and reads its JSON report.
func scanApp(bin, scanners, dir string) (*report, time.Duration, error) {
	tmp, err := os.CreateTemp("", "pipeguard-eval-*.json")
	if err != nil {
		return nil, 0, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command(bin, "scan", dir, "--scanners", scanners, "--offline", "--format", "json", "-o", tmp.Name())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() <= 2) {
		return nil, took, fmt.Errorf("pipeguard: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		return nil, took, err
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, took, fmt.Errorf("read report: %w", err)
	}
	return &rep, took, nil
}

func timeBandit(dir string) time.Duration {
	start := time.Now()
	cmd := exec.Command("bandit", "-q", "-r", dir, "-f", "json", "-o", os.DevNull)
	_ = cmd.Run() // bandit exits 1 when it finds issues
	return time.Since(start)
}

// tally counts verdicts.
type tally struct {
	n, tp, posture, fp, debatable, none int
}

func (t *tally) add(s scored) {
	t.n++
	if s.v == nil {
		t.none++
		return
	}
	switch s.v.Verdict {
	case verdictTP:
		t.tp++
	case verdictPosture:
		t.posture++
	case verdictFP:
		t.fp++
	case verdictDebatable:
		t.debatable++
	}
}

// precision is (TP+posture)/(TP+posture+FP); debatable findings and those
// without a verdict are left out.
func (t tally) precision() string {
	d := t.tp + t.posture + t.fp
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(t.tp+t.posture)/float64(d))
}

func (t tally) row(name string) string {
	return fmt.Sprintf("%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s", name, t.n, t.tp, t.posture, t.fp, t.debatable, t.none, t.precision())
}

func printRules(w io.Writer, all []scored) {
	by := map[string]*tally{}
	var total tally
	for _, s := range all {
		if by[s.f.Rule] == nil {
			by[s.f.Rule] = &tally{}
		}
		by[s.f.Rule].add(s)
		total.add(s)
	}
	rules := make([]string, 0, len(by))
	for r := range by {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		if by[rules[i]].n != by[rules[j]].n {
			return by[rules[i]].n > by[rules[j]].n
		}
		return rules[i] < rules[j]
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rule\tfindings\tTP\tposture\tFP\tdebatable\tno verdict\tprecision\t")
	for _, r := range rules {
		fmt.Fprintln(tw, by[r].row(r)+"\t")
	}
	fmt.Fprintln(tw, total.row("all")+"\t")
	tw.Flush()
}

// printSets prints, for each set of apps.tsv, the precision overall and
// the false positives per rule, and what the default gate blocks.
func printSets(w io.Writer, all []scored) {
	type sums struct {
		total, block tally
		rules        map[string]*tally
	}
	by := map[string]*sums{}
	var names []string
	for _, s := range all {
		set := s.app.Set
		if set == "" {
			set = "-"
		}
		if by[set] == nil {
			by[set] = &sums{rules: map[string]*tally{}}
			names = append(names, set)
		}
		x := by[set]
		x.total.add(s)
		if s.f.Decision == "block" {
			x.block.add(s)
		}
		if x.rules[s.f.Rule] == nil {
			x.rules[s.f.Rule] = &tally{}
		}
		x.rules[s.f.Rule].add(s)
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	fmt.Fprintln(w, "\nper set (FP/findings by rule, where a rule has a false positive):")
	for _, n := range names {
		x := by[n]
		var fps []string
		for r, t := range x.rules {
			if t.fp > 0 {
				fps = append(fps, fmt.Sprintf("%s %d/%d", r, t.fp, t.n))
			}
		}
		sort.Strings(fps)
		fmt.Fprintf(w, "  %s: %d findings, precision %s; gate blocks %d (%d FP); %s\n", n, x.total.n, x.total.precision(), x.block.n, x.block.fp, strings.Join(fps, ", "))
	}
}

// printGate says what the default gate would block, and how much of it is true.
func printGate(w io.Writer, all []scored) {
	var block tally
	for _, s := range all {
		if s.f.Decision == "block" {
			block.add(s)
		}
	}
	fmt.Fprintf(w, "\ndefault gate blocks %d finding(s): %d TP, %d posture, %d FP, %d debatable, %d without a verdict; precision of what blocks %s\n",
		block.n, block.tp, block.posture, block.fp, block.debatable, block.none, block.precision())
	by := map[string]*tally{}
	var rules []string
	for _, s := range all {
		if s.f.Decision != "block" {
			continue
		}
		if by[s.f.Rule] == nil {
			by[s.f.Rule] = &tally{}
			rules = append(rules, s.f.Rule)
		}
		by[s.f.Rule].add(s)
	}
	sort.Strings(rules)
	for _, r := range rules {
		t := by[r]
		fmt.Fprintf(w, "  %s: %d blocked (%d TP, %d posture, %d FP, %d debatable, %d without a verdict)\n", r, t.n, t.tp, t.posture, t.fp, t.debatable, t.none)
	}
}

func printConfidence(w io.Writer, all []scored) {
	by := map[string]*tally{}
	for _, s := range all {
		c := s.f.Confidence
		if c == "" {
			return // a pipeguard without the confidence field
		}
		if by[c] == nil {
			by[c] = &tally{}
		}
		by[c].add(s)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "confidence\tfindings\tTP\tposture\tFP\tdebatable\tno verdict\tprecision\t")
	for _, c := range []string{"high", "medium", "low"} {
		if t := by[c]; t != nil {
			fmt.Fprintln(tw, t.row(c)+"\t")
		}
	}
	tw.Flush()
}

func printAll(w io.Writer, all []scored) {
	fmt.Fprintln(w, "\nevery finding:")
	for _, s := range all {
		v, why := "?", ""
		if s.v != nil {
			v, why = s.v.Verdict, s.v.Reason
		}
		fmt.Fprintf(w, "  %-9s %s %s %s:%d [%s/%s/%s] %s -- %s\n", v, s.app.Repo, s.f.Rule, s.f.Path, s.f.Line,
			s.f.Severity, orDash(s.f.Confidence), orDash(s.f.Decision), s.f.Message, why)
	}
}

// printUnused lists verdicts no finding matched: fixed findings, or
// findings that moved to another line and need their verdict carried over.
func printUnused(w io.Writer, verdicts map[key]verdict, used map[key]bool, only string, rules map[string]bool) {
	var keys []key
	for k := range verdicts {
		if !used[k] && (only == "" || strings.Contains(k.Repo, only)) && (rules == nil || rules[k.Rule]) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return verdicts[keys[i]].Line < verdicts[keys[j]].Line })
	fmt.Fprintf(w, "\nverdicts no finding matched (gone, or moved to another line): %d\n", len(keys))
	for _, k := range keys {
		v := verdicts[k]
		fmt.Fprintf(w, "  verdicts.tsv:%d %s %s %s %s\n", v.Line, k.Repo, k.Rule, k.Loc, v.Verdict)
	}
}

func printMissing(w io.Writer, all []scored) int {
	n := 0
	for _, s := range all {
		if s.v != nil {
			continue
		}
		if n == 0 {
			fmt.Fprintln(w, "\nfindings without a verdict (read each one in the code):")
		}
		n++
		fmt.Fprintf(w, "  %s %s %s:%d: %s\n", s.app.Repo, s.f.Rule, s.f.Path, s.f.Line, s.f.Message)
	}
	if n == 0 {
		fmt.Fprintln(w, "\nevery finding has a verdict")
	}
	return n
}

func writeTodo(path string, all []scored) error {
	var b strings.Builder
	for _, s := range all {
		if s.v == nil {
			fmt.Fprintf(&b, "%s\t%s\t%s:%d\t?\t%s\n", s.app.Repo, s.f.Rule, s.f.Path, s.f.Line, strings.ReplaceAll(s.f.Message, "\t", " "))
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
