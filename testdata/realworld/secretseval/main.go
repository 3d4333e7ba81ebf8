// Command secretseval scores pipeguard's secret findings on real
// applications against verdicts read by people: it runs pipeguard scan
// --scanners secrets on each application of secrets-apps.tsv in a folder of
// checkouts, matches every finding to its verdict in secrets-verdicts.tsv by
// (repository, rule, path:line), and prints, per application, the findings,
// what the default gate blocks and how much of that is a false positive.
//
//	go run -tags gore2regex ./testdata/realworld/secretseval [flags] CHECKOUTS
//
// CHECKOUTS holds one checkout per application, named owner+name (see
// checkout.sh; -apps secrets-apps.tsv). Verdicts are TP (a credential
// someone must rotate), FP (not a live credential: a placeholder, a
// documented example, a public key, code) and debatable (a local-dev
// default, a test fixture). The verdict file never holds a secret's value.
// The exit code is 1 when a blocked finding has no verdict, 2 when an
// application could not be scanned.
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
)

var verdicts = map[string]bool{"TP": true, "FP": true, "debatable": true}

type key struct{ Repo, Rule, Loc string }

type verdict struct {
	Verdict, Reason string
	Line            int
}

type finding struct {
	Rule       string   `json:"rule"`
	Confidence string   `json:"confidence"`
	Path       string   `json:"path"`
	Line       int      `json:"line"`
	Decision   string   `json:"decision"`
	Tags       []string `json:"tags"`
}

type report struct {
	Findings []finding `json:"findings"`
	Errors   []struct {
		Scanner, Message string
	} `json:"errors"`
}

func main() {
	here := flag.String("dir", "testdata/realworld", "folder of secrets-apps.tsv and secrets-verdicts.tsv")
	bin := flag.String("pipeguard", "", "pipeguard binary (default: build ./cmd/pipeguard with -tags gore2regex)")
	only := flag.String("app", "", "evaluate only the applications whose repository contains this")
	verbose := flag.Bool("v", false, "list every blocked finding with its verdict")
	todo := flag.String("todo", "", "write the findings without a verdict to this file, as lines to fill in")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: secretseval [flags] CHECKOUTS")
		os.Exit(3)
	}
	code, err := run(*here, *bin, *only, *todo, *verbose, flag.Arg(0), os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "secretseval:", err)
		os.Exit(3)
	}
	os.Exit(code)
}

func run(here, bin, only, todo string, verbose bool, checkouts string, w io.Writer) (int, error) {
	apps, err := readTSV(filepath.Join(here, "secrets-apps.tsv"), 2)
	if err != nil {
		return 0, err
	}
	rows, err := readTSV(filepath.Join(here, "secrets-verdicts.tsv"), 5)
	if err != nil {
		return 0, err
	}
	vs := map[key]verdict{}
	for _, r := range rows {
		c := r.cols
		if !verdicts[c[3]] {
			return 0, fmt.Errorf("secrets-verdicts.tsv:%d: verdict %q is not one of TP, FP, debatable", r.n, c[3])
		}
		k := key{c[0], c[1], c[2]}
		if prev, dup := vs[k]; dup {
			return 0, fmt.Errorf("secrets-verdicts.tsv:%d: same finding as line %d", r.n, prev.Line)
		}
		vs[k] = verdict{c[3], c[4], r.n}
	}
	if bin == "" {
		dir, err := os.MkdirTemp("", "secretseval")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "pipeguard")
		cmd := exec.Command("go", "build", "-tags", "gore2regex", "-o", bin, "./cmd/pipeguard")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("build pipeguard: %w", err)
		}
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "application\tfindings\thigh\tmedium\tlow\tblocked\tblocked TP\tblocked FP\tblocked debatable\tblocked no verdict\t")
	var (
		total         [9]int
		failed        []string
		missing, list []string
		byVerdict     = map[string]int{}
	)
	for _, a := range apps {
		repo := a.cols[0]
		if only != "" && !strings.Contains(repo, only) {
			continue
		}
		dir := filepath.Join(checkouts, strings.Replace(repo, "/", "+", 1))
		if err := atCommit(dir, a.cols[1]); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", repo, err))
			continue
		}
		sub := "."
		if len(a.cols) > 2 && a.cols[2] != "" {
			sub = a.cols[2]
		}
		rep, err := scanApp(bin, filepath.Join(dir, sub))
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", repo, err))
			continue
		}
		for _, e := range rep.Errors {
			failed = append(failed, fmt.Sprintf("%s: scan incomplete: %s: %s", repo, e.Scanner, e.Message))
		}
		var n [9]int
		for _, f := range rep.Findings {
			loc := fmt.Sprintf("%s:%d", f.Path, f.Line)
			v, ok := vs[key{repo, f.Rule, loc}]
			n[0]++
			switch f.Confidence {
			case "high":
				n[1]++
			case "medium":
				n[2]++
			case "low":
				n[3]++
			}
			if ok {
				byVerdict[v.Verdict]++
			}
			if f.Decision != "block" {
				continue
			}
			n[4]++
			switch {
			case !ok:
				n[8]++
				missing = append(missing, fmt.Sprintf("%s\t%s\t%s\t?\t%s confidence, tags %s", repo, f.Rule, loc, f.Confidence, strings.Join(f.Tags, " ")))
			case v.Verdict == "TP":
				n[5]++
			case v.Verdict == "FP":
				n[6]++
			default:
				n[7]++
			}
			if ok && (verbose || v.Verdict == "FP") {
				list = append(list, fmt.Sprintf("  %-9s %s %s %s [%s] %s", v.Verdict, repo, f.Rule, loc, f.Confidence, v.Reason))
			}
		}
		for i := range n {
			total[i] += n[i]
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", repo, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8])
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", total[0], total[1], total[2], total[3], total[4], total[5], total[6], total[7], total[8])
	tw.Flush()
	fmt.Fprintf(w, "\nverdicts of the findings reported: %d TP, %d FP, %d debatable (findings without one are not read yet: %d)\n",
		byVerdict["TP"], byVerdict["FP"], byVerdict["debatable"], total[0]-byVerdict["TP"]-byVerdict["FP"]-byVerdict["debatable"])
	if len(list) > 0 {
		fmt.Fprintln(w, "\nblocked findings (FP always, every one with -v):")
		fmt.Fprintln(w, strings.Join(list, "\n"))
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "\nblocked findings without a verdict (read each one in the code): %d\n", len(missing))
		if todo != "" {
			if err := os.WriteFile(todo, []byte(strings.Join(missing, "\n")+"\n"), 0o644); err != nil {
				return 0, err
			}
		}
	}
	for _, f := range failed {
		fmt.Fprintln(w, "FAILED", f)
	}
	switch {
	case len(failed) > 0:
		return 2, nil
	case len(missing) > 0:
		return 1, nil
	}
	return 0, nil
}

type row struct {
	n    int
	cols []string
}

// readTSV reads the rows of a tab-separated file that are neither blank
// nor # comments, each with at least min columns.
func readTSV(path string, min int) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []row
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < min {
			return nil, fmt.Errorf("%s:%d: want %d tab-separated columns", path, n, min)
		}
		out = append(out, row{n, cols})
	}
	return out, sc.Err()
}

// atCommit checks that a checkout is at the pinned commit: the verdicts are
// for that commit.
func atCommit(dir, commit string) error {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return fmt.Errorf("no git checkout at %s (checkout.sh makes them): %w", dir, err)
	}
	if head := strings.TrimSpace(string(out)); head != commit {
		return fmt.Errorf("%s is at %s, secrets-apps.tsv pins %s", dir, head, commit)
	}
	return nil
}

func scanApp(bin, dir string) (*report, error) {
	tmp, err := os.CreateTemp("", "secretseval-*.json")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command(bin, "scan", dir, "--scanners", "secrets", "--offline", "--format", "json", "-o", tmp.Name())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() <= 2) {
		return nil, fmt.Errorf("pipeguard: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		return nil, err
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Path < rep.Findings[j].Path })
	return &rep, nil
}
