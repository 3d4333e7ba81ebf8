// Command bench compares pipeguard's secrets scanner with the gitleaks
// command of the same version on a generated corpus: the working tree, the
// whole history, and a one-commit range in a repository of many commits. It
// prints wall times and ratios measured in the same run. It then measures
// what the structure-aware detector costs: a working-tree scan with it
// against the gitleaks rules alone (goal: at most 1.3x).
//
//	go run -tags gore2regex ./scan/secrets/bench [-files 1500] [-commits 5000] [-runs 3] [-structure-only]
//
// Both sides run as separate processes, start-up included: gitleaks is built
// from the module cache with go build, pipeguard's side is this program run
// again as "bench scan". With -pipeguard PATH, the pipeguard command itself
// ("pipeguard scan --scanners secrets") is timed instead. When gitleaks
// cannot be built the comparison is skipped with a message.
//
// With -tags gore2regex,re2_cgo (and libre2-dev installed) pipeguard's side
// links the system's RE2 through cgo instead of RE2 compiled to WebAssembly:
// the WebAssembly module is compiled at every process start (about 0.3 s of
// CPU), which alone rules out a 0.12 s scan of a small range.
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
	files := flag.Int("files", 1500, "files in the working tree")
	commits := flag.Int("commits", 5000, "commits in the history")
	runs := flag.Int("runs", 3, "runs of each tree and history measurement (the best counts)")
	rangeRuns := flag.Int("range-runs", 10, "runs of the range measurement")
	keep := flag.String("dir", "", "work folder to keep (default: a temporary one, removed)")
	pipeguard := flag.String("pipeguard", "", "pipeguard binary to time instead of this harness")
	structureOnly := flag.Bool("structure-only", false, "measure only the structure detector's cost (no gitleaks command)")
	real := flag.String("real", "", "also measure the structure detector's cost on this working tree (a checkout of a real repository)")
	flag.Parse()
	if err := run(*files, *commits, *runs, *rangeRuns, *keep, *pipeguard, *structureOnly, *real); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
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

func run(nFiles, nCommits, runs, rangeRuns int, keep, pipeguard string, structureOnly bool, real string) error {
	work := keep
	if work == "" {
		d, err := os.MkdirTemp("", "pipeguard-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	gitleaks := filepath.Join(work, "gitleaks")
	if !structureOnly {
		fmt.Printf("building gitleaks (%s, -tags gore2regex)...\n", gitleaksPkg)
		if err := buildGitleaks(gitleaks); err != nil {
			fmt.Printf("SKIP: cannot build gitleaks: %v\n", err)
			return nil
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	repo := filepath.Join(work, "repo")
	fmt.Printf("generating %d files and %d commits in %s...\n", nFiles, nCommits, repo)
	start := time.Now()
	var size int64
	if _, err := os.Stat(filepath.Join(repo, ".git")); err == nil && keep != "" {
		fmt.Println("reusing the corpus there")
		size, err = treeSize(repo)
		if err != nil {
			return err
		}
	} else if size, err = generate(repo, nFiles, nCommits); err != nil {
		return err
	}
	fmt.Printf("corpus: %.1f MB working tree, generated in %s\n", float64(size)/(1<<20), time.Since(start).Round(time.Millisecond))
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average: %s", load)
	}
	fmt.Printf("regex engine of this harness: %s, %s build\n", regexp.Version, regexBuild)
	last, err := gitOut(repo, "rev-parse", "HEAD~1")
	if err != nil {
		return err
	}
	oneCommit := last + "..HEAD"

	ours := func(mode, rng string) []string {
		if pipeguard != "" {
			args := []string{pipeguard, "scan", "--scanners", "secrets", "--format", "json"}
			switch mode {
			case "history":
				args = append(args, "--history")
			case "range":
				args = append(args, "--range", rng)
			}
			return append(args, repo)
		}
		args := []string{self, "scan", "-mode", mode}
		if rng != "" {
			args = append(args, "-range", rng)
		}
		return append(args, repo)
	}
	report := filepath.Join(work, "gitleaks.json")
	theirs := func(args ...string) []string {
		return append([]string{gitleaks}, append(args, "--no-banner", "--log-level", "error", "--exit-code", "0",
			"--report-format", "json", "--report-path", report)...)
	}

	type row struct {
		name        string
		ours, their []string
		runs        int
		goal        string
	}
	rows := []row{
		{"working tree", ours("tree", ""), theirs("dir", repo), runs, ">= 5x"},
		{"full history", ours("history", ""), theirs("git", repo), runs, ">= 2x"},
		{"1-commit range", ours("range", oneCommit), theirs("git", repo, "--log-opts", oneCommit), rangeRuns, "<= 0.12 s"},
	}
	if structureOnly {
		rows = nil
	}
	fmt.Printf("\nbest of %d runs (range: %d); wall time, then CPU time (user+system, child processes included)\n", runs, rangeRuns)
	fmt.Printf("%-15s %12s %12s %8s %10s %10s %8s %9s %9s  %s\n", "target", "pipeguard", "gitleaks", "ratio",
		"cpu pg", "cpu gl", "ratio", "findings", "(gitleaks)", "goal")
	for _, r := range rows {
		// One untimed run each warms the page cache.
		if _, err := timeCmd(r.ours); err != nil {
			return fmt.Errorf("%s: pipeguard: %w", r.name, err)
		}
		if _, err := timeCmd(r.their); err != nil {
			return fmt.Errorf("%s: gitleaks: %w", r.name, err)
		}
		var ot, tt, oc, tc []time.Duration
		var found string
		for range r.runs {
			d, err := timeCmd(r.ours)
			if err != nil {
				return err
			}
			ot = append(ot, d.wall)
			oc = append(oc, d.cpu)
			found = d.out
			d, err = timeCmd(r.their)
			if err != nil {
				return err
			}
			tt = append(tt, d.wall)
			tc = append(tc, d.cpu)
		}
		theirFound := countReport(report)
		o, t := slices.Min(ot), slices.Min(tt)
		ocpu, tcpu := slices.Min(oc), slices.Min(tc)
		fmt.Printf("%-15s %11.3fs %11.3fs %7.1fx %9.3fs %9.3fs %7.1fx %9s %9d  %s\n", r.name,
			o.Seconds(), t.Seconds(), t.Seconds()/o.Seconds(),
			ocpu.Seconds(), tcpu.Seconds(), tcpu.Seconds()/ocpu.Seconds(),
			found, theirFound, r.goal)
	}
	if err := structureCost(self, "generated corpus", repo, runs); err != nil {
		return err
	}
	if real != "" {
		size, err := treeSize(real)
		if err != nil {
			return err
		}
		return structureCost(self, fmt.Sprintf("%s (%.1f MB)", real, float64(size)/(1<<20)), real, runs)
	}
	return nil
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
// links: from the current module when it requires gitleaks, else with go
// install module@version.
func buildGitleaks(out string) error {
	first, err := exec.Command("go", "build", "-tags", "gore2regex", "-o", out, gitleaksPkg).CombinedOutput()
	if err == nil {
		return nil
	}
	version := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == gitleaksPkg {
				version = d.Version
			}
		}
	}
	if version == "" {
		return fmt.Errorf("%v: %s", err, first)
	}
	cmd := exec.Command("go", "install", "-tags", "gore2regex", gitleaksPkg+"@"+version)
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Dir(out))
	if second, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s%s", err, first, second)
	}
	return os.Rename(filepath.Join(filepath.Dir(out), "v8"), out)
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
		var rep struct{ Findings []json.RawMessage }
		if json.Unmarshal(out, &rep) == nil {
			s = fmt.Sprint(len(rep.Findings))
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
