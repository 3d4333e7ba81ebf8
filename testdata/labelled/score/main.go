// Command score measures recall on public, per-line labelled Python
// examples of TLS, JWT and CORS weaknesses (Semgrep's rule tests, Bandit's
// examples): which labelled lines pipeguard finds, with one or more
// binaries (before and after a change, in the same run), and which Bandit
// finds.
//
//	go run ./testdata/labelled/score [flags] MIRRORS
//
// MIRRORS holds the bare mirrors the search tool's fetch verb gives
// (MIRRORS/<owner>+<name>/repo). The files of sources.tsv are copied from
// them at their pinned commits into a temporary folder, never into this
// repository. A labelled line counts as found when a finding's line range
// (line to end_line) holds it. Findings on "ok" lines are counted apart, as
// false alarms.
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
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// source is one line of sources.tsv.
type source struct {
	Set, Repo, Commit, Path, Labels string
}

// label is one labelled line of a file.
type label struct {
	Path string // in the scanned folder: <set>/<repo path>
	Line int
	Pos  bool
	Set  string
}

// hit is a finding's line range in a file, and what found it.
type hit struct {
	Path       string
	Line, End  int
	Rule, Tool string
}

func main() {
	here := flag.String("dir", "testdata/labelled", "folder of sources.tsv and labels.tsv")
	bins := flag.String("pipeguard", "", "pipeguard binaries to score, comma-separated, each NAME=PATH or PATH")
	rules := flag.String("rules", "tls-verify-disabled,tls-weak-version,jwt-verification-disabled,jwt-algorithms-missing,hardcoded-secret,cors-credentials-any-origin,cors-any-origin",
		"pipeguard rules that count (the others are posture findings about the whole app)")
	bandit := flag.Bool("bandit", true, "also score Bandit (bandit on PATH)")
	verbose := flag.Bool("v", false, "list every positive label with who found it")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: score [flags] MIRRORS\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *bins == "" && !*bandit {
		flag.Usage()
		os.Exit(3)
	}
	if err := run(*here, flag.Arg(0), *bins, *rules, *bandit, *verbose, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(3)
	}
}

func run(here, mirrors, bins, rules string, bandit, verbose bool, out io.Writer) error {
	srcs, err := readSources(filepath.Join(here, "sources.tsv"))
	if err != nil {
		return err
	}
	listed, err := readListed(filepath.Join(here, "labels.tsv"))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "pipeguard-labelled-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var labels []label
	for _, s := range srcs {
		data, err := exec.Command("git", "--git-dir", filepath.Join(mirrors, strings.Replace(s.Repo, "/", "+", 1), "repo"), "show", s.Commit+":"+s.Path).Output()
		if err != nil {
			return fmt.Errorf("%s %s at %s: %w (fetch github:%s first)", s.Repo, s.Path, s.Commit, err, s.Repo)
		}
		rel := filepath.ToSlash(filepath.Join(s.Set, s.Path))
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
			return err
		}
		switch s.Labels {
		case "annotations":
			labels = append(labels, annotations(s.Set, rel, data)...)
		case "listed":
			for _, l := range listed[s.Repo+"\t"+s.Path] {
				l.Path, l.Set = rel, s.Set
				labels = append(labels, l)
			}
		default:
			return fmt.Errorf("sources.tsv: %s: unknown labels kind %q", s.Path, s.Labels)
		}
	}
	type tool struct {
		name string
		hits []hit
	}
	var tools []tool
	keep := map[string]bool{}
	for _, r := range strings.Split(rules, ",") {
		keep[strings.TrimSpace(r)] = true
	}
	for _, b := range strings.Split(bins, ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		name, path, ok := strings.Cut(b, "=")
		if !ok {
			name, path = filepath.Base(b), b
		}
		hs, err := pipeguard(path, dir, keep)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		tools = append(tools, tool{"pipeguard " + name, hs})
	}
	if bandit {
		hs, err := banditHits(dir)
		if err != nil {
			return err
		}
		tools = append(tools, tool{"bandit", hs})
	}
	found := func(hs []hit, l label) []string {
		var by []string
		for _, h := range hs {
			if h.Path == l.Path && h.Line <= l.Line && l.Line <= max(h.Line, h.End) {
				by = append(by, h.Rule)
			}
		}
		return by
	}
	sets := []string{}
	seenSet := map[string]bool{}
	for _, s := range srcs {
		if !seenSet[s.Set] {
			seenSet[s.Set] = true
			sets = append(sets, s.Set)
		}
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "set\tlabelled weak lines\t")
	for _, t := range tools {
		fmt.Fprintf(tw, "%s\t", t.name)
	}
	fmt.Fprint(tw, "any tool\tflags on ok lines (")
	for i, t := range tools {
		if i > 0 {
			fmt.Fprint(tw, ", ")
		}
		fmt.Fprint(tw, t.name)
	}
	fmt.Fprintln(tw, ")\t")
	var detail []string
	for _, set := range append(sets, "all") {
		var pos, any int
		per := make([]int, len(tools))
		fa := make([]int, len(tools))
		for _, l := range labels {
			if set != "all" && l.Set != set {
				continue
			}
			someone := false
			var who []string
			for i, t := range tools {
				by := found(t.hits, l)
				if len(by) == 0 {
					continue
				}
				if l.Pos {
					per[i]++
					someone = true
					who = append(who, t.name+" ("+strings.Join(by, ",")+")")
				} else {
					fa[i]++
				}
			}
			if l.Pos {
				pos++
				if someone {
					any++
				}
				if verbose && set == "all" {
					w := strings.Join(who, "; ")
					if w == "" {
						w = "MISSED by all"
					}
					detail = append(detail, fmt.Sprintf("  %s:%d: %s", l.Path, l.Line, w))
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t", set, pos)
		for i := range tools {
			fmt.Fprintf(tw, "%d\t", per[i])
		}
		fmt.Fprintf(tw, "%d\t", any)
		for i := range tools {
			if i > 0 {
				fmt.Fprint(tw, ", ")
			}
			fmt.Fprint(tw, fa[i])
		}
		fmt.Fprintln(tw, "\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if verbose {
		fmt.Fprintln(out, "\nlabelled weak lines:")
		for _, d := range detail {
			fmt.Fprintln(out, d)
		}
	}
	return nil
}

var annotationRe = regexp.MustCompile(`^\s*#\s*(ruleid|ok|todoruleid|todook)\s*:`)

// annotations reads Semgrep's test annotations: a "# ruleid:" comment marks
// the next line that is not itself a comment as a weakness, "# ok:" as
// fine ("todo" variants alike: the rule's own misses and false alarms).
func annotations(set, path string, data []byte) []label {
	lines := strings.Split(string(data), "\n")
	var out []label
	for i, l := range lines {
		m := annotationRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "#") {
			j++
		}
		if j < len(lines) {
			out = append(out, label{Path: path, Line: j + 1, Pos: m[1] == "ruleid" || m[1] == "todoruleid", Set: set})
		}
	}
	return out
}

func readSources(path string) ([]source, error) {
	var out []source
	err := eachRow(path, 5, func(f []string) error {
		out = append(out, source{Set: f[0], Repo: f[1], Commit: f[2], Path: f[3], Labels: f[4]})
		return nil
	})
	return out, err
}

func readListed(path string) (map[string][]label, error) {
	out := map[string][]label{}
	err := eachRow(path, 4, func(f []string) error {
		n, err := strconv.Atoi(f[2])
		if err != nil || (f[3] != "pos" && f[3] != "neg") {
			return fmt.Errorf("want repository, path, line, pos|neg: %q", strings.Join(f, "\t"))
		}
		k := f[0] + "\t" + f[1]
		out[k] = append(out[k], label{Line: n, Pos: f[3] == "pos"})
		return nil
	})
	return out, err
}

func eachRow(path string, min int, f func([]string) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
			continue
		}
		fields := strings.Split(l, "\t")
		if len(fields) < min {
			return fmt.Errorf("%s:%d: want %d tab-separated fields", path, n, min)
		}
		if err := f(fields); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// pipeguard scans dir with the config scanner and returns its findings of
// the rules kept.
func pipeguard(bin, dir string, keep map[string]bool) ([]hit, error) {
	cmd := exec.Command(bin, "scan", dir, "--scanners", "config", "--offline", "--format", "json")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() <= 2) {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var rep struct {
		Findings []struct {
			Rule    string `json:"rule"`
			Path    string `json:"path"`
			Line    int    `json:"line"`
			EndLine int    `json:"end_line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var out []hit
	for _, f := range rep.Findings {
		if keep[f.Rule] {
			out = append(out, hit{Path: f.Path, Line: f.Line, End: f.EndLine, Rule: f.Rule})
		}
	}
	return out, nil
}

// banditHits runs Bandit over dir and returns every issue it reports.
func banditHits(dir string) ([]hit, error) {
	cmd := exec.Command("bandit", "-q", "-r", ".", "-f", "json")
	cmd.Dir = dir
	data, _ := cmd.Output() // bandit exits 1 when it finds issues
	var rep struct {
		Results []struct {
			Filename  string `json:"filename"`
			Line      int    `json:"line_number"`
			LineRange []int  `json:"line_range"`
			TestID    string `json:"test_id"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("bandit: read report: %w", err)
	}
	var out []hit
	for _, r := range rep.Results {
		h := hit{Path: filepath.ToSlash(strings.TrimPrefix(r.Filename, "./")), Line: r.Line, End: r.Line, Rule: r.TestID}
		if n := len(r.LineRange); n > 0 {
			sort.Ints(r.LineRange)
			h.Line, h.End = min(h.Line, r.LineRange[0]), max(h.End, r.LineRange[n-1])
		}
		out = append(out, h)
	}
	return out, nil
}
