package main

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/secrets"
	"github.com/pipeguard/pipeguard/scan/target"
)

// config is one configuration of the scanner to score.
type config struct {
	name         string
	gitleaksOnly bool
}

var configs = []config{
	{name: "gitleaks rules only", gitleaksOnly: true},
	{name: "gitleaks rules + structure detector", gitleaksOnly: false},
}

// tally counts one configuration's outcome, overall or for a category.
type tally struct {
	T, Found    int // true lines, and those reported
	TP          int // reported lines on a true line
	FPLabelled  int // reported lines on a false (F or X) line only
	FPUnlabeled int // reported lines on no labelled line
}

func (t tally) precision() float64 {
	n := t.TP + t.FPLabelled + t.FPUnlabeled
	if n == 0 {
		return 0
	}
	return float64(t.TP) / float64(n)
}

func (t tally) precisionLabelled() float64 {
	n := t.TP + t.FPLabelled
	if n == 0 {
		return 0
	}
	return float64(t.TP) / float64(n)
}

func (t tally) recall() float64 {
	if t.T == 0 {
		return 0
	}
	return float64(t.Found) / float64(t.T)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// result is what one configuration scored.
type result struct {
	overall tally
	// noUUID leaves out the labels whose only category is UUID: CredData
	// marks every random-looking UUID true ("id": "361708ee-..."), which
	// no secret scanner that blocks builds should report.
	noUUID tally
	byCat  map[string]*tally
	took   time.Duration
	detail []string
}

func (r *result) cat(c string) *tally {
	t := r.byCat[c]
	if t == nil {
		t = &tally{}
		r.byCat[c] = t
	}
	return t
}

func score(creddata, data, detailFile, only string) error {
	repos, err := readRepos(filepath.Join(data, "repos.tsv"))
	if err != nil {
		return err
	}
	if only != "" {
		keep := map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			keep[strings.TrimSpace(n)] = true
		}
		repos = slicesFilter(repos, func(p prepared) bool { return keep[p.Name] })
	}
	results := make([]*result, len(configs))
	for i := range results {
		results[i] = &result{byCat: map[string]*tally{}}
	}
	var files, labels, trueLines int
	byRepo := map[string]map[string][]label{} // repo id -> path -> labels
	names := map[string]string{}
	for _, r := range repos {
		if isHeldOut(r.repo) {
			return fmt.Errorf("%s is held out and must not be scored", r.Name)
		}
		ls, err := loadLabels(creddata, r.ID)
		if err != nil {
			return err
		}
		byFile, err := mapLabels(filepath.Join(data, r.ID), ls)
		if err != nil {
			return err
		}
		byRepo[r.ID], names[r.ID] = byFile, r.Name
		files += len(byFile)
		for _, rows := range byFile {
			labels += len(rows)
			for _, l := range rows {
				if l.Truth == "T" {
					trueLines++
				}
			}
		}
	}
	// One scan of the whole folder per configuration: the rules are
	// compiled once, as in a scan of one large repository.
	ctx := context.Background()
	for i, c := range configs {
		start := time.Now()
		found, err := scanDir(ctx, data, c)
		if err != nil {
			return err
		}
		results[i].took = time.Since(start)
		split := map[string][]hit{}
		for _, h := range found {
			id, rel, ok := strings.Cut(h.path, "/")
			if !ok || byRepo[id] == nil {
				continue // repos.tsv, or a repository not asked for
			}
			h.path = rel
			split[id] = append(split[id], h)
		}
		for _, r := range repos {
			tallyRepo(results[i], r.Name, byRepo[r.ID], split[r.ID])
		}
	}
	printResults(os.Stdout, len(repos), files, labels, trueLines, results)
	if detailFile != "" {
		var b strings.Builder
		for i, c := range configs {
			fmt.Fprintf(&b, "## %s\n", c.name)
			for _, d := range results[i].detail {
				b.WriteString(d + "\n")
			}
		}
		return os.WriteFile(detailFile, []byte(b.String()), 0o644)
	}
	return nil
}

func slicesFilter[T any](s []T, keep func(T) bool) []T {
	var out []T
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// mapLabels maps the labels of one repository to the files prepare wrote,
// by CredData's file id (a hash of the path).
func mapLabels(dir string, ls []label) (map[string][]label, error) {
	ids := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		ids[fileID(rel)] = rel
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]label{}
	for _, l := range ls {
		if rel, ok := ids[l.FileID]; ok {
			out[rel] = append(out[rel], l)
		}
	}
	return out, nil
}

// hit is one reported line.
type hit struct {
	path      string
	line, end int
	rule      string
}

// scanDir runs the secrets scanner over dir as a working tree.
func scanDir(ctx context.Context, dir string, c config) ([]hit, error) {
	s, err := secrets.New(secrets.Options{Root: dir, GitleaksOnly: c.gitleaksOnly, Workers: runtime.GOMAXPROCS(0)})
	if err != nil {
		return nil, err
	}
	t := &scan.Target{Root: dir, Mode: scan.ModeTree, Tree: target.NewTree(dir, 10<<20)}
	// The scanner itself, not scan.Run: Run masks every secret wherever it
	// occurs in the report, paths included, and a short password ("test")
	// would hide the paths the labels are matched on. Nothing is printed
	// in clear here: hits keep the rule only.
	res, err := s.Scan(ctx, t)
	if err != nil {
		return nil, err
	}
	for _, e := range res.Errors {
		return nil, fmt.Errorf("scan: %s", e.Message)
	}
	var out []hit
	for _, f := range res.Findings {
		out = append(out, hit{path: f.Path, line: f.Line, end: max(f.EndLine, f.Line), rule: f.Rule})
	}
	return out, nil
}

// tallyRepo scores the hits of one repository: each reported line (a
// finding's first line, once however many findings share it) is true when
// it lies on a true label's line range.
func tallyRepo(res *result, name string, byFile map[string][]label, hits []hit) {
	type place struct {
		path string
		line int
	}
	reported := map[place][]hit{}
	for _, h := range hits {
		if _, ok := byFile[h.path]; !ok && h.line > 0 {
			// A file prepare did not write cannot be reported (the tree
			// holds only labelled files); be safe anyway.
			continue
		}
		p := place{h.path, h.line}
		reported[p] = append(reported[p], h)
	}
	on := func(l label, hs []hit) bool {
		for _, h := range hs {
			if h.line <= l.LineEnd && h.end >= l.LineStart {
				return true
			}
		}
		return false
	}
	// Recall: every true label.
	for path, rows := range byFile {
		var hs []hit
		for p, h := range reported {
			if p.path == path {
				hs = append(hs, h...)
			}
		}
		for _, l := range rows {
			if l.Truth != "T" {
				continue
			}
			found := on(l, hs)
			uuidOnly := len(l.Categories) == 1 && l.Categories[0] == "UUID"
			if !uuidOnly {
				res.noUUID.T++
				if found {
					res.noUUID.Found++
				}
			}
			res.overall.T++
			for _, c := range l.Categories {
				res.cat(c).T++
			}
			if found {
				res.overall.Found++
				for _, c := range l.Categories {
					res.cat(c).Found++
				}
			} else {
				res.detail = append(res.detail, fmt.Sprintf("MISS\t%s\t%s:%d\t%s", name, path, l.LineStart, strings.Join(l.Categories, ":")))
			}
		}
	}
	// Precision: every reported line.
	keys := make([]place, 0, len(reported))
	for p := range reported {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].path != keys[j].path {
			return keys[i].path < keys[j].path
		}
		return keys[i].line < keys[j].line
	})
	for _, p := range keys {
		hs := reported[p]
		var trueCats, falseCats []string
		onlyUUID := false // the line holds true labels, all UUID-only
		for _, l := range byFile[p.path] {
			if !on(l, hs) {
				continue
			}
			if l.Truth == "T" {
				if len(trueCats) == 0 || onlyUUID {
					onlyUUID = len(l.Categories) == 1 && l.Categories[0] == "UUID"
				}
				trueCats = append(trueCats, l.Categories...)
			} else {
				falseCats = append(falseCats, l.Categories...)
			}
		}
		switch {
		case len(trueCats) > 0 && !onlyUUID:
			res.noUUID.TP++
		case len(trueCats) > 0:
		case len(falseCats) > 0:
			res.noUUID.FPLabelled++
		default:
			res.noUUID.FPUnlabeled++
		}
		verdict := "TP"
		switch {
		case len(trueCats) > 0:
			res.overall.TP++
			for _, c := range uniq(trueCats) {
				res.cat(c).TP++
			}
		case len(falseCats) > 0:
			verdict = "FP"
			res.overall.FPLabelled++
			for _, c := range uniq(falseCats) {
				res.cat(c).FPLabelled++
			}
		default:
			verdict = "FP-unlabelled"
			res.overall.FPUnlabeled++
		}
		rules := make([]string, 0, len(hs))
		for _, h := range hs {
			rules = append(rules, h.rule)
		}
		res.detail = append(res.detail, fmt.Sprintf("%s\t%s\t%s:%d\t%s\t%s", verdict, name, p.path, p.line,
			strings.Join(uniq(append(trueCats, falseCats...)), ":"), strings.Join(rules, " ")))
	}
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func printResults(f *os.File, repos, files, labels, trueLines int, results []*result) {
	w := bufio.NewWriter(f)
	defer w.Flush()
	fmt.Fprintf(w, "CredData: %d repositories, %d files, %d labelled lines (%d true)\n\n", repos, files, labels, trueLines)
	fmt.Fprintf(w, "| configuration | reported lines | TP | FP (labelled F/X) | FP (unlabelled) | precision | precision (labelled lines only) | recall | F1 | scan time |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|\n")
	for i, c := range configs {
		t := results[i].overall
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f (%d/%d) | %.3f | %s |\n", c.name,
			t.TP+t.FPLabelled+t.FPUnlabeled, t.TP, t.FPLabelled, t.FPUnlabeled,
			t.precision(), t.precisionLabelled(), t.recall(), t.Found, t.T, f1(t.precision(), t.recall()),
			results[i].took.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "\nThe same, leaving out the %d true labels whose only category is UUID (CredData counts every random UUID, \"id\": \"361708ee-...\", as a credential) and the reported lines that fall only on them:\n\n", results[0].overall.T-results[0].noUUID.T)
	fmt.Fprintf(w, "| configuration | reported lines | TP | FP (labelled F/X) | FP (unlabelled) | precision | precision (labelled lines only) | recall | F1 |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|\n")
	for i, c := range configs {
		t := results[i].noUUID
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f (%d/%d) | %.3f |\n", c.name,
			t.TP+t.FPLabelled+t.FPUnlabeled, t.TP, t.FPLabelled, t.FPUnlabeled,
			t.precision(), t.precisionLabelled(), t.recall(), t.Found, t.T, f1(t.precision(), t.recall()))
	}
	// Categories, most true lines first.
	cats := map[string]int{}
	for _, r := range results {
		for c, t := range r.byCat {
			cats[c] = max(cats[c], t.T)
		}
	}
	names := make([]string, 0, len(cats))
	for c := range cats {
		names = append(names, c)
	}
	sort.Slice(names, func(i, j int) bool {
		if cats[names[i]] != cats[names[j]] {
			return cats[names[i]] > cats[names[j]]
		}
		return names[i] < names[j]
	})
	fmt.Fprintf(w, "\nBy category (a label counts in each category it names; precision here counts reported lines on that category's true and false labels):\n\n")
	fmt.Fprintf(w, "| category | true lines |")
	for _, c := range configs {
		fmt.Fprintf(w, " %s: recall | precision |", c.name)
	}
	fmt.Fprintf(w, "\n|---|---|")
	for range configs {
		fmt.Fprintf(w, "---|---|")
	}
	fmt.Fprintln(w)
	for _, n := range names {
		fmt.Fprintf(w, "| %s | %d |", n, cats[n])
		for _, r := range results {
			t := r.byCat[n]
			if t == nil {
				t = &tally{}
			}
			rec := "-"
			if t.T > 0 {
				rec = fmt.Sprintf("%.2f (%d)", t.recall(), t.Found)
			}
			prec := "-"
			if t.TP+t.FPLabelled > 0 {
				prec = fmt.Sprintf("%.2f (%d/%d)", t.precisionLabelled(), t.TP, t.TP+t.FPLabelled)
			}
			fmt.Fprintf(w, " %s | %s |", rec, prec)
		}
		fmt.Fprintln(w)
	}
}

// findings prints what each configuration reports on dir, secrets masked.
func findings(dir string) error {
	for _, c := range configs {
		hits, err := scanDir(context.Background(), dir, c)
		if err != nil {
			return err
		}
		fmt.Printf("## %s: %d findings\n", c.name, len(hits))
		for _, h := range hits {
			fmt.Printf("%s:%d\t%s\n", h.path, h.line, h.rule)
		}
	}
	return nil
}
