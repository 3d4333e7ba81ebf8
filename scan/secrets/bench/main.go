// Command bench compares pipeguard's secrets scanner with the gitleaks
// command of the same version: start-up ("version"), the working tree, the
// whole history, and a one-commit range (the pre-push path), on a generated
// corpus and on checkouts of real repositories. It prints medians of paired
// runs and the median of the per-run ratios, all measured in the same run,
// with the load average. It then measures what the structure-aware
// detector costs: a working-tree scan with it against the gitleaks rules
// alone (goal: at most 1.3x).
//
//	go run -tags gore2regex ./scan/secrets/bench [-files 1500] [-commits 5000] [-runs 3] [-structure-only]
//	go run -tags gore2regex ./scan/secrets/bench -skip-generated -repos DIR1,DIR2 [-targets startup,tree,range]
//
// Every side runs as a separate process, start-up included. There are two
// references: gitleaks built with -tags gore2regex from this module (the
// go-re2 pipeguard links) and gitleaks as "go install module@version"
// builds it (the standard library's regexp, gitleaks' own go.mod). On the
// generated corpus pipeguard's side is this program run again as "bench
// scan" (-pipeguard PATH times that pipeguard command instead); on -repos
// and for start-up it is the pipeguard command, built with this program's
// tags unless -pipeguard is given ("pipeguard scan --scanners secrets";
// findings print as all(gitleaks rules')). When gitleaks cannot be built
// the comparison is skipped with a message.
//
// The RE2 of -tags gore2regex is go-re2's WebAssembly build translated to
// Go at build time: no system library, no cgo, nothing compiled at start.
// -tags gore2regex,re2_cgo (with libre2-dev) links the system's RE2.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/zricethezav/gitleaks/v8/regexp"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/secrets"
	"github.com/pipeguard/pipeguard/scan/target"
)

const gitleaksPkg = "github.com/zricethezav/gitleaks/v8"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "scan" {
		if err := scanCmd(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench scan:", err)
			os.Exit(2)
		}
		return
	}
	var o options
	flag.IntVar(&o.files, "files", 1500, "files in the working tree")
	flag.IntVar(&o.commits, "commits", 5000, "commits in the history")
	flag.IntVar(&o.runs, "runs", 3, "paired runs of each tree and history measurement (medians count)")
	flag.IntVar(&o.rangeRuns, "range-runs", 5, "paired runs of the range and start-up measurements")
	flag.StringVar(&o.keep, "dir", "", "work folder to keep (default: a temporary one, removed)")
	flag.StringVar(&o.pipeguard, "pipeguard", "", "pipeguard binary to time instead of this harness")
	flag.BoolVar(&o.structureOnly, "structure-only", false, "measure only the structure detector's cost (no gitleaks command)")
	flag.StringVar(&o.real, "real", "", "also measure the structure detector's cost on this working tree (a checkout of a real repository)")
	flag.StringVar(&o.repos, "repos", "", "comma-separated checkouts of real repositories to time the pipeguard command on (builds it unless -pipeguard is given)")
	flag.StringVar(&o.targets, "targets", "startup,tree,history,range", "what to time: startup, tree, history, range")
	flag.BoolVar(&o.skipGenerated, "skip-generated", false, "time only the -repos, not the generated corpus")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	files, commits, runs, rangeRuns int
	keep, pipeguard, real, repos    string
	targets                         string
	structureOnly, skipGenerated    bool
}

func (o options) wants(target string) bool {
	return slices.Contains(strings.Split(o.targets, ","), target)
}

// scanCmd is pipeguard's side: one secrets scan, as a process of its own.
func scanCmd(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ExitOnError)
	mode := fs.String("mode", "tree", "tree, history, range or staged")
	rng := fs.String("range", "", "A..B")
	prof := fs.String("cpuprofile", "", "write a CPU profile to this file")
	exact := fs.Bool("exact", false, "run rules over whole files, as gitleaks does")
	gitleaksOnly := fs.Bool("gitleaks-only", false, "run the gitleaks rules alone, without the structure detector")
	_ = fs.Parse(args)
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	root := fs.Arg(0)
	ctx := context.Background()
	s, err := secrets.New(secrets.Options{Root: root, Exact: *exact, GitleaksOnly: *gitleaksOnly})
	if err != nil {
		return err
	}
	t := &scan.Target{Root: root, Mode: scan.Mode(*mode), Range: *rng, Tree: target.NewTree(root, 10<<20)}
	res, err := s.Scan(ctx, t)
	if err != nil {
		return err
	}
	fmt.Println(len(res.Findings))
	return nil
}

// references are the gitleaks commands pipeguard is timed against: the
// one built with the RE2 backend from this module (the go-re2 that
// pipeguard links), and the one "go install gitleaks@version" gives its
// users (the standard library's regexp).
type references struct {
	re2, std string
}

func run(o options) error {
	work := o.keep
	if work == "" {
		d, err := os.MkdirTemp("", "pipeguard-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	var refs references
	if !o.structureOnly {
		refs.re2 = filepath.Join(work, "gitleaks")
		fmt.Printf("building gitleaks (%s, -tags gore2regex)...\n", gitleaksPkg)
		if err := buildGitleaks(refs.re2); err != nil {
			fmt.Printf("SKIP: cannot build gitleaks: %v\n", err)
			return nil
		}
		refs.std = filepath.Join(work, "gitleaks-std")
		fmt.Printf("building gitleaks as go install builds it (no tags)...\n")
		if err := installGitleaks(refs.std, ""); err != nil {
			fmt.Printf("no go-install reference: %v\n", err)
			refs.std = ""
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if o.pipeguard == "" && (o.repos != "" || o.wants("startup")) && !o.structureOnly {
		o.pipeguard = filepath.Join(work, "pipeguard")
		fmt.Printf("building pipeguard (%s)...\n", buildTags())
		if err := buildPipeguard(o.pipeguard); err != nil {
			return err
		}
	}
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average: %s", load)
	}
	fmt.Printf("regex engine of this harness: %s, %s build\n", regexp.Version, regexBuild)

	report := filepath.Join(work, "gitleaks.json")
	b := &bencher{refs: refs, report: report, runs: o.runs, rangeRuns: o.rangeRuns}
	if !o.structureOnly {
		b.header()
		if o.wants("startup") {
			if err := b.row(row{name: "start-up", ours: []string{o.pipeguard, "version"},
				theirs: func(gl string) []string { return []string{gl, "version"} }, runs: o.rangeRuns, goal: "<= 2x gitleaks (ratio >= 0.5)", noReport: true}); err != nil {
				return err
			}
		}
	}

	if !o.skipGenerated {
		repo := filepath.Join(work, "repo")
		fmt.Printf("generating %d files and %d commits in %s...\n", o.files, o.commits, repo)
		start := time.Now()
		var size int64
		if _, err := os.Stat(filepath.Join(repo, ".git")); err == nil && o.keep != "" {
			fmt.Println("reusing the corpus there")
			size, err = treeSize(repo)
			if err != nil {
				return err
			}
		} else if size, err = generate(repo, o.files, o.commits); err != nil {
			return err
		}
		fmt.Printf("corpus: %.1f MB working tree, generated in %s\n", float64(size)/(1<<20), time.Since(start).Round(time.Millisecond))
		if !o.structureOnly {
			harness := func(mode, rng string) []string {
				args := []string{self, "scan", "-mode", mode}
				if rng != "" {
					args = append(args, "-range", rng)
				}
				return append(args, repo)
			}
			if o.pipeguard != "" && o.repos == "" {
				harness = func(mode, rng string) []string { return pipeguardArgs(o.pipeguard, repo, mode, rng) }
			}
			if err := b.repo("generated", repo, harness, o); err != nil {
				return err
			}
		}
		if err := structureCost(self, "generated corpus", repo, o.runs); err != nil {
			return err
		}
	}
	for _, dir := range strings.Split(o.repos, ",") {
		if dir == "" || o.structureOnly {
			continue
		}
		ours := func(mode, rng string) []string { return pipeguardArgs(o.pipeguard, dir, mode, rng) }
		if err := b.repo(filepath.Base(dir), dir, ours, o); err != nil {
			return err
		}
	}
	if o.real != "" {
		size, err := treeSize(o.real)
		if err != nil {
			return err
		}
		return structureCost(self, fmt.Sprintf("%s (%.1f MB)", o.real, float64(size)/(1<<20)), o.real, o.runs)
	}
	return nil
}

// pipeguardArgs runs the pipeguard command's secrets scanner on repo.
func pipeguardArgs(pipeguard, repo, mode, rng string) []string {
	args := []string{pipeguard, "scan", "--scanners", "secrets", "--format", "json"}
	switch mode {
	case "history":
		args = append(args, "--history")
	case "range":
		args = append(args, "--range", rng)
	}
	return append(args, repo)
}

type row struct {
	name     string
	ours     []string
	theirs   func(gitleaks string) []string
	runs     int
	goal     string
	noReport bool // the gitleaks command writes no report (version)
}

// bencher times rows: pipeguard and each gitleaks reference in turns.
type bencher struct {
	refs            references
	report          string
	runs, rangeRuns int
}

func (b *bencher) header() {
	fmt.Printf("\nmedians of paired runs (A, B, C in turns); ratio = the median of the per-run ratios gitleaks/pipeguard (> 1: pipeguard faster)\n")
	fmt.Printf("%-28s %9s %9s %7s %9s %7s %8s %8s %9s %9s  %s\n", "target", "pipeguard", "gl re2", "ratio",
		"gl std", "ratio", "cpu pg", "cpu gl", "findings", "(gitleaks)", "goal")
}

// repo times the rows of one repository.
func (b *bencher) repo(name, dir string, ours func(mode, rng string) []string, o options) error {
	theirs := func(args ...string) func(string) []string {
		return func(gl string) []string {
			return append([]string{gl}, append(args, "--no-banner", "--log-level", "error", "--exit-code", "0",
				"--report-format", "json", "--report-path", b.report)...)
		}
	}
	var rows []row
	if o.wants("tree") {
		rows = append(rows, row{name: name + " tree", ours: ours("tree", ""), theirs: theirs("dir", dir), runs: b.runs, goal: ">= 8x"})
	}
	if o.wants("history") {
		rows = append(rows, row{name: name + " history", ours: ours("history", ""), theirs: theirs("git", dir), runs: b.runs, goal: ">= 3x"})
	}
	if o.wants("range") {
		last, err := gitOut(dir, "rev-parse", "HEAD~1")
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		one := last + "..HEAD"
		rows = append(rows, row{name: name + " 1-commit range", ours: ours("range", one), theirs: theirs("git", dir, "--log-opts", one),
			runs: b.rangeRuns, goal: ">= 1x (aim 2x)"})
	}
	for _, r := range rows {
		if err := b.row(r); err != nil {
			return err
		}
	}
	return nil
}

// row times one row: each run runs pipeguard, then each reference.
func (b *bencher) row(r row) error {
	cmds := [][]string{r.ours, r.theirs(b.refs.re2)}
	if b.refs.std != "" {
		cmds = append(cmds, r.theirs(b.refs.std))
	}
	for _, c := range cmds { // one untimed run each warms the page cache
		if _, err := timeCmd(c); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
	}
	walls := make([][]float64, len(cmds))
	cpus := make([][]float64, len(cmds))
	ratios := make([][]float64, len(cmds))
	var found string
	theirFound := -1
	for range r.runs {
		for i, c := range cmds {
			d, err := timeCmd(c)
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			walls[i] = append(walls[i], d.wall.Seconds())
			cpus[i] = append(cpus[i], d.cpu.Seconds())
			switch {
			case i == 0:
				found = d.out
			case i == 1 && !r.noReport:
				theirFound = countReport(b.report)
			}
			if i > 0 {
				ratios[i] = append(ratios[i], d.wall.Seconds()/walls[0][len(walls[0])-1])
			}
		}
	}
	std, stdRatio := "-", "-"
	if len(cmds) > 2 {
		std, stdRatio = fmt.Sprintf("%.3fs", median(walls[2])), fmt.Sprintf("%.2fx", median(ratios[2]))
	}
	glFound := fmt.Sprint(theirFound)
	if r.noReport {
		found, glFound = "", ""
	}
	fmt.Printf("%-28s %8.3fs %8.3fs %6.2fx %9s %7s %7.3fs %7.3fs %9s %9s  %s\n", r.name,
		median(walls[0]), median(walls[1]), median(ratios[1]), std, stdRatio,
		median(cpus[0]), median(cpus[1]), found, glFound, r.goal)
	return nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// structureCost times a working-tree scan with the structure detector
// against the gitleaks rules alone, both through this harness, in turns.
func structureCost(self, name, repo string, runs int) error {
	with := []string{self, "scan", "-mode", "tree", repo}
	without := []string{self, "scan", "-mode", "tree", "-gitleaks-only", repo}
	for _, args := range [][]string{with, without} { // warm the page cache
		if _, err := timeCmd(args); err != nil {
			return err
		}
	}
	var wt, wot, wc, woc []time.Duration
	var foundWith, foundWithout string
	for range max(runs, 5) {
		d, err := timeCmd(with)
		if err != nil {
			return err
		}
		wt, wc, foundWith = append(wt, d.wall), append(wc, d.cpu), d.out
		d, err = timeCmd(without)
		if err != nil {
			return err
		}
		wot, woc, foundWithout = append(wot, d.wall), append(woc, d.cpu), d.out
	}
	a, b := slices.Min(wt), slices.Min(wot)
	ac, bc := slices.Min(wc), slices.Min(woc)
	fmt.Printf("\nstructure detector, working tree of %s, best of %d runs in turns:\n", name, max(runs, 5))
	fmt.Printf("%-32s %10s %10s %9s\n", "configuration", "wall", "cpu", "findings")
	fmt.Printf("%-32s %9.3fs %9.3fs %9s\n", "gitleaks rules + structure", a.Seconds(), ac.Seconds(), foundWith)
	fmt.Printf("%-32s %9.3fs %9.3fs %9s\n", "gitleaks rules only", b.Seconds(), bc.Seconds(), foundWithout)
	fmt.Printf("ratio (with / without): wall %.2fx, cpu %.2fx (goal <= 1.3x)\n", a.Seconds()/b.Seconds(), ac.Seconds()/bc.Seconds())
	return nil
}

// buildGitleaks builds the gitleaks command of the version this program
// links, with the RE2 backend: from the current module when it requires
// gitleaks, else with go install module@version.
func buildGitleaks(out string) error {
	first, err := exec.Command("go", "build", "-tags", "gore2regex", "-o", out, gitleaksPkg).CombinedOutput()
	if err == nil {
		return nil
	}
	if second := installGitleaks(out, "gore2regex"); second != nil {
		return fmt.Errorf("%v: %s; %w", err, first, second)
	}
	return nil
}

// installGitleaks builds gitleaks as "go install module@version" does,
// with its own go.mod and the given tags.
func installGitleaks(out, tags string) error {
	version := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == gitleaksPkg {
				version = d.Version
			}
		}
	}
	if version == "" {
		return fmt.Errorf("this program does not link %s", gitleaksPkg)
	}
	bin, err := os.MkdirTemp(filepath.Dir(out), "gobin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	cmd := exec.Command("go", "install", "-tags", tags, gitleaksPkg+"@"+version)
	cmd.Dir = bin // outside any module: gitleaks' own go.mod decides
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go install %s@%s: %v: %s", gitleaksPkg, version, err, msg)
	}
	return os.Rename(filepath.Join(bin, "gitleaks"), out) // go names v8 after gitleaks
}

// buildTags returns the build tags this program was built with.
func buildTags() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-tags" {
				return s.Value
			}
		}
	}
	return ""
}

// buildPipeguard builds the pipeguard command with this program's tags.
func buildPipeguard(out string) error {
	msg, err := exec.Command("go", "build", "-tags", buildTags(), "-o", out, "github.com/pipeguard/pipeguard/cmd/pipeguard").CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build pipeguard: %v: %s", err, msg)
	}
	return nil
}

type timing struct {
	wall, cpu time.Duration
	out       string
}

func timeCmd(args []string) (timing, error) {
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			err = nil // pipeguard exits 1 on blocking findings
		} else {
			return timing{}, fmt.Errorf("%s: %v", strings.Join(args, " "), err)
		}
	}
	s := strings.TrimSpace(string(out))
	if strings.HasPrefix(s, "{") {
		var rep struct{ Findings []struct{ Tags []string } }
		if json.Unmarshal(out, &rep) == nil {
			rules := 0 // the gitleaks rules' findings, without the structure detector's
			for _, f := range rep.Findings {
				if !slices.Contains(f.Tags, "detector:structure") {
					rules++
				}
			}
			s = fmt.Sprintf("%d(%d)", len(rep.Findings), rules)
		}
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return timing{wall: d, cpu: cpu, out: s}, nil
}

func treeSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			size += info.Size()
		}
		return nil
	})
	return size, err
}

func countReport(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	var fs []json.RawMessage
	if json.Unmarshal(data, &fs) != nil {
		return -1
	}
	return len(fs)
}

func gitOut(dir string, args ...string) (string, error) {
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	return strings.TrimSpace(string(out)), err
}

// generate writes a repository with nFiles files whose history has nCommits
// commits (the first adds every file, each later one edits a few), through
// git fast-import, and checks it out. It returns the size of the tree.
func generate(dir string, nFiles, nCommits int) (int64, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if out, err := exec.Command("git", "-C", dir, "init", "-q", "-b", "main").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("git init: %v: %s", err, out)
	}
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(stdin, 1<<20)

	names := make([]string, nFiles)
	contents := make([][]string, nFiles)
	exts := []string{".py", ".go", ".js", ".yaml", ".json", ".md", ".toml", ".env.example"}
	for i := range names {
		names[i] = fmt.Sprintf("src/pkg%02d/module_%04d%s", i%40, i, exts[i%len(exts)])
		n := 150 + rng.IntN(300)
		lines := make([]string, n)
		for j := range lines {
			lines[j] = codeLine(rng)
		}
		contents[i] = lines
	}
	var size int64
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for c := range nCommits {
		var changed []int
		if c == 0 {
			for i := range nFiles {
				changed = append(changed, i)
			}
		} else {
			for range 1 + rng.IntN(3) {
				i := rng.IntN(nFiles)
				lines := contents[i]
				for range 5 + rng.IntN(20) {
					lines[rng.IntN(len(lines))] = codeLine(rng)
				}
				if rng.IntN(4) == 0 {
					lines = append(lines, codeLine(rng), codeLine(rng))
				}
				contents[i] = lines
				changed = append(changed, i)
			}
		}
		msg := fmt.Sprintf("change %d", c)
		fmt.Fprintf(w, "commit refs/heads/main\nauthor Bench <bench@example.com> %d +0000\ncommitter Bench <bench@example.com> %d +0000\n", when, when)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		for _, i := range changed {
			body := strings.Join(contents[i], "\n") + "\n"
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", names[i], len(body), body)
		}
		when += 3600
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("git fast-import: %w", err)
	}
	if out, err := exec.Command("git", "-C", dir, "checkout", "-q", "-f", "main").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("git checkout: %v: %s", err, out)
	}
	for _, lines := range contents {
		for _, l := range lines {
			size += int64(len(l) + 1)
		}
	}
	return size, nil
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func token(rng *rand.Rand, prefix string, n int, alphabet string) string {
	b := []byte(prefix)
	for range n {
		b = append(b, alphabet[rng.IntN(len(alphabet))])
	}
	return string(b)
}

// codeLine is one line of code-like text, with the words secret rules look
// for (key, token, secret, password, api...) and, rarely, a fake secret.
func codeLine(rng *rand.Rand) string {
	id := func() string { return token(rng, "", 4+rng.IntN(8), "abcdefghijklmnopqrstuvwxyz_") }
	if rng.IntN(2000) == 0 {
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprintf("GITHUB_TOKEN = %q", token(rng, "ghp_", 36, alnum))
		case 1:
			return fmt.Sprintf("aws_access_key_id = %s", token(rng, "AKIA", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
		default:
			return fmt.Sprintf("stripe_key: %s", token(rng, "sk_live_", 24, alnum))
		}
	}
	// About one line in twelve names a credential, as in application code.
	switch rng.IntN(120) {
	case 3, 4, 5:
		return fmt.Sprintf("    api_key = os.environ.get(%q)", strings.ToUpper(id()))
	case 6, 7:
		return fmt.Sprintf("    token = request.headers.get(\"Authorization\")  # %s", id())
	case 8, 9:
		return fmt.Sprintf("password: ${%s_PASSWORD}", strings.ToUpper(id()))
	case 10, 11:
		return fmt.Sprintf("  \"checksum\": \"%s\",", token(rng, "", 40, "0123456789abcdef"))
	case 12:
		return fmt.Sprintf("secret_name = \"%s-%s\"", id(), id())
	}
	var b strings.Builder
	b.WriteString(strings.Repeat("    ", rng.IntN(3)))
	for i := range 3 + rng.IntN(8) {
		if i > 0 {
			b.WriteByte(" .(,=+"[rng.IntN(6)])
		}
		b.WriteString(id())
	}
	return b.String()
}
