package audit

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/repoconf"
	"github.com/pipeguard/pipeguard/scan/report"
)

// The report files WriteReports writes.
const (
	JSONFile     = "audit.json"
	MarkdownFile = "audit.md"
	HTMLFile     = "audit.html"
)

// WriteReports writes audit.json, audit.md and audit.html into dir.
func WriteReports(dir string, a *Audit) error {
	for _, out := range []struct {
		name  string
		write func(io.Writer, *Audit) error
	}{{JSONFile, WriteJSON}, {MarkdownFile, WriteMarkdown}, {HTMLFile, WriteHTML}} {
		var b bytes.Buffer
		if err := out.write(&b, a); err != nil {
			return fmt.Errorf("render %s: %w", out.name, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, out.name), b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the audit as indented JSON.
func WriteJSON(w io.Writer, a *Audit) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(a)
}

// ReadJSON reads an audit.json.
func ReadJSON(r io.Reader) (*Audit, error) {
	var a Audit
	dec := json.NewDecoder(r)
	if err := dec.Decode(&a); err != nil {
		return nil, err
	}
	if a.Version != Version {
		return nil, fmt.Errorf("audit report version %d, want %d", a.Version, Version)
	}
	return &a, nil
}

// maxMarkdownRows caps the findings listed per repository in audit.md.
const maxMarkdownRows = 20

// WriteMarkdown writes a summary: totals, then one row per repository,
// then the blocking findings of each failing repository.
func WriteMarkdown(w io.Writer, a *Audit) error {
	var b strings.Builder
	t := a.Totals
	fmt.Fprintf(&b, "# pipeguard audit\n\n")
	fmt.Fprintf(&b, "%s", "Generated "+a.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if a.Shard != "" {
		fmt.Fprintf(&b, ", shard %s", a.Shard)
	}
	if len(a.Shards) > 0 {
		fmt.Fprintf(&b, ", merged from %d shards", len(a.Shards))
	}
	fmt.Fprintf(&b, ".\n\n")
	fmt.Fprintf(&b, "**%d repositories**: %d fail, %d pass, %d incomplete (%d could not be audited). "+
		"**%d open findings** (%d blocking): %d new, %d fixed since the last audit.\n\n",
		t.Repositories, t.Fail, t.Pass, t.Incomplete, t.Errors, t.New+t.Open, t.Blocking, t.New, t.Fixed)
	if len(a.Repositories) > 0 {
		b.WriteString("| Repository | Verdict | Findings | Blocking | New | Fixed | Head | Note |\n")
		b.WriteString("|---|---|---:|---:|---:|---:|---|---|\n")
		for _, r := range a.Repositories {
			note := r.Error
			if note == "" && len(r.Errors) > 0 {
				note = r.Errors[0].Scanner + ": " + r.Errors[0].Message
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %s | %s |\n", md(r.Name), verdictMark(r.Verdict),
				len(dedupe(r.Findings)), len(dedupe(r.Blocking())), len(r.New), len(r.Fixed), mdCode(short(r.Head)), md(cut(note, 160)))
		}
		b.WriteString("\n")
	}
	for _, r := range a.Repositories {
		bl := r.Blocking()
		if len(bl) == 0 && r.Config == nil {
			continue
		}
		fmt.Fprintf(&b, "## %s\n\n", md(r.Name))
		if len(bl) > 0 {
			writeFindingTable(&b, bl, newSet(r.New), maxMarkdownRows)
		}
		writeRepoConfig(&b, r.Config)
	}
	if len(a.Skipped) > 0 {
		fmt.Fprintf(&b, "<details><summary>%d repositories left out</summary>\n\n", len(a.Skipped))
		for _, s := range a.Skipped {
			fmt.Fprintf(&b, "- %s (%s)\n", md(s.Name), md(s.Reason))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFindingTable writes findings as a markdown table, capped at max rows.
// It never shows a secret, not even masked.
func writeFindingTable(b *strings.Builder, fs []scan.Finding, isNew map[string]bool, maxRows int) {
	b.WriteString("| Severity | Scanner | Rule | Location | Commit | Title | |\n|---|---|---|---|---|---|---|\n")
	for i, f := range fs {
		if i == maxRows {
			fmt.Fprintf(b, "\n…and %d more.\n", len(fs)-maxRows)
			break
		}
		mark := ""
		if isNew[f.Fingerprint] {
			mark = "new"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", f.Severity, md(f.Scanner), mdCode(f.Rule),
			mdCode(f.Location()), mdCode(short(f.Commit)), md(cut(f.Title, 160)), mark)
	}
	b.WriteString("\n")
}

// writeRepoConfig lists what a repository's configuration asked for and
// was not honoured, and the suppressions that applied.
func writeRepoConfig(b *strings.Builder, c *RepoConfig) {
	if c == nil {
		return
	}
	refusals := func(title string, rs []repoconf.Refusal) {
		if len(rs) == 0 {
			return
		}
		fmt.Fprintf(b, "%s (not honoured: a repository may tighten the audit's configuration, never loosen it):\n\n", title)
		for _, r := range rs {
			fmt.Fprintf(b, "- %s in %s: %s\n", mdCode(r.Setting+": "+r.Value), mdCode(r.Source), md(r.Why))
		}
		b.WriteString("\n")
	}
	refusals("Rules it disables", c.DisabledRules)
	refusals("Paths it excludes", c.Excludes)
	refusals("Other settings", c.NotHonoured)
	if len(c.Suppressions) > 0 {
		b.WriteString("Suppressions:\n\n| Kind | Where | Rules | Findings | Reason | Owner | Until |\n|---|---|---|---:|---|---|---|\n")
		for _, s := range c.Suppressions {
			until := s.Until
			if until == "" {
				until = "no expiry"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %d | %s | %s | %s |\n", md(s.Kind), mdCode(s.Source), mdCode(strings.Join(s.Rules, ", ")),
				s.Findings, md(cut(s.Reason, 160)), md(s.Owner), md(until))
		}
		b.WriteString("\n")
	}
}

func newSet(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

func verdictMark(v scan.Verdict) string {
	switch v {
	case scan.Fail:
		return "❌ fail"
	case scan.Pass:
		return "✅ pass"
	}
	return "⚠️ " + string(v)
}

// md and mdCode are report's escaping, the one used by every markdown
// pipeguard writes.
var (
	md     = report.EscapeMarkdown
	mdCode = report.MarkdownCode
)

// cut shortens s to n runes.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

//go:embed audit.html.tmpl
var htmlTemplate string

// WriteHTML writes a self-contained page: totals, a chart of open findings
// over time (inline SVG), and a sortable table of repositories (a few lines
// of inline script) with each repository's findings. Everything is escaped
// by html/template; the page loads nothing from elsewhere.
func WriteHTML(w io.Writer, a *Audit) error {
	tmpl, err := template.New("audit").Funcs(template.FuncMap{
		"short":    short,
		"count":    func(fs []scan.Finding) int { return len(dedupe(fs)) },
		"blocking": func(r Repository) int { return len(dedupe(r.Blocking())) },
		"isNew":    func(r Repository, fp string) bool { return newSet(r.New)[fp] },
		"date":     func(p Point) string { return p.At.UTC().Format("2006-01-02") },
		"rank": func(v scan.Verdict) int {
			return map[scan.Verdict]int{scan.Fail: 3, scan.Incomplete: 2, scan.Pass: 1}[v]
		},
	}).Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("parse page template: %w", err)
	}
	return tmpl.Execute(w, struct {
		*Audit
		Chart chart
	}{a, newChart(a.History)})
}

// chart is the inline SVG chart of open and blocking findings over time.
type chart struct {
	Width, Height  int
	Open, Blocking string // polyline points
	Max            int
	Ticks          []tick
	Dots           []dot
}

type tick struct {
	X     float64
	Label string
}

type dot struct {
	X, Y  float64
	Title string
}

// Chart geometry.
const (
	chartW, chartH = 720, 220
	padL, padR     = 48, 16
	padT, padB     = 12, 28
)

func newChart(h []Point) chart {
	c := chart{Width: chartW, Height: chartH}
	if len(h) == 0 {
		return c
	}
	for _, p := range h {
		c.Max = max(c.Max, p.Open)
	}
	if c.Max == 0 {
		c.Max = 1
	}
	x := func(i int) float64 {
		if len(h) == 1 {
			return float64(padL+chartW-padR) / 2
		}
		return padL + float64(i)*float64(chartW-padL-padR)/float64(len(h)-1)
	}
	y := func(v int) float64 {
		return padT + float64(chartH-padT-padB)*(1-float64(v)/float64(c.Max))
	}
	var open, blocking strings.Builder
	step := max(1, len(h)/8)
	for i, p := range h {
		fmt.Fprintf(&open, "%.1f,%.1f ", x(i), y(p.Open))
		fmt.Fprintf(&blocking, "%.1f,%.1f ", x(i), y(p.Blocking))
		c.Dots = append(c.Dots, dot{X: x(i), Y: y(p.Open), Title: fmt.Sprintf("%s: %d open, %d blocking, %d new, %d fixed",
			p.At.UTC().Format("2006-01-02"), p.Open, p.Blocking, p.New, p.Fixed)})
		if i%step == 0 || i == len(h)-1 {
			c.Ticks = append(c.Ticks, tick{X: x(i), Label: p.At.UTC().Format("01-02")})
		}
	}
	c.Open = strings.TrimSpace(open.String())
	c.Blocking = strings.TrimSpace(blocking.String())
	return c
}
