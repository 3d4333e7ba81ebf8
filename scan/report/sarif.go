package report

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/pipeguard/pipeguard/scan"
)

// SARIF identifiers that consumers key on: keep them stable.
const (
	// FingerprintKey names pipeguard's fingerprint in partialFingerprints.
	FingerprintKey = "pipeguard/v1"
	// srcRoot is the uriBaseId of every artifact location.
	srcRoot = "%SRCROOT%"
	// categoryPrefix starts every run's automationDetails.id.
	categoryPrefix = "pipeguard/"
)

// Category is the SARIF run category (automationDetails.id) of a scanner's
// run, such as "pipeguard/secrets/": GitHub code scanning keeps the alerts of
// different categories apart. An empty scanner gives "pipeguard/".
func Category(scanner string) string {
	if scanner == "" {
		return categoryPrefix
	}
	return categoryPrefix + scanner + "/"
}

// SecuritySeverity is the score GitHub code scanning reads from a rule's
// properties.security-severity to rank alerts as critical, high, medium or low.
func SecuritySeverity(s scan.Severity) float64 {
	switch s {
	case scan.Critical:
		return 9.5
	case scan.High:
		return 8.0
	case scan.Medium:
		return 5.5
	case scan.Low:
		return 3.0
	}
	return 0
}

// SARIF writes a SARIF 2.1.0 log: one run per scanner in the report (one
// run with no results when no scanner ran), each with its own category, its
// rules, its results and an invocation that records what was not scanned.
// No snippet is ever written: the only trace of a secret is the masked form
// in a result's properties.
func SARIF(w io.Writer, rep *scan.Report, opts Options) error {
	v := newView(rep)
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("new SARIF log: %w", err)
	}
	names := v.scanners
	if len(names) == 0 {
		names = []string{""}
	}
	for i, name := range names {
		log.AddRun(sarifRun(v, name, i == 0, opts))
	}
	var buf bytes.Buffer
	if err := log.PrettyWrite(&buf); err != nil {
		return fmt.Errorf("encode SARIF: %w", err)
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// sarifRun builds the run of one scanner. The first run also carries the
// errors and skipped entries that name no scanner.
func sarifRun(v *view, name string, first bool, opts Options) *sarif.Run {
	rep := v.rep
	toolName := rep.Tool.Name
	if toolName == "" {
		toolName = "pipeguard"
	}
	driver := sarif.NewDriver(toolName)
	if rep.Tool.Version != "" {
		driver.WithVersion(rep.Tool.Version)
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(Category(name)))
	if strings.HasPrefix(rep.Root, "/") && opts.PathPrefix == "" {
		root := (&url.URL{Scheme: "file", Path: strings.TrimSuffix(rep.Root, "/") + "/"}).String()
		run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{srcRoot: sarif.NewSimpleArtifactLocation(root)})
	}

	var fs []scan.Finding
	for _, f := range rep.Findings {
		if f.Scanner == name {
			fs = append(fs, f)
		}
	}
	for _, r := range sarifRules(name, fs) {
		driver.AddRule(r)
	}
	for _, f := range fs {
		run.AddResult(sarifResult(f, opts))
	}
	run.AddInvocations(sarifInvocation(v, name, first, opts))
	return run
}

// sarifRules describes each rule the findings use, sorted by id. A rule's
// severity is the worst of its findings'.
func sarifRules(scanner string, fs []scan.Finding) []*sarif.ReportingDescriptor {
	byRule := map[string][]scan.Finding{}
	var ids []string
	for _, f := range fs {
		if _, ok := byRule[f.Rule]; !ok {
			ids = append(ids, f.Rule)
		}
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	slices.Sort(ids)
	var rules []*sarif.ReportingDescriptor
	for _, id := range ids {
		group := byRule[id]
		first := group[0]
		worst := first.Severity
		sameMsg := true
		remediation := ""
		var refs []string
		tagSet := map[string]bool{"security": true}
		if scanner != "" {
			tagSet[scanner] = true
		}
		for _, f := range group {
			if f.Severity.Rank() > worst.Rank() {
				worst = f.Severity
			}
			if f.Message != first.Message {
				sameMsg = false
			}
			if remediation == "" {
				remediation = strings.TrimSpace(f.Remediation)
			}
			for _, r := range f.References {
				if !slices.Contains(refs, r) {
					refs = append(refs, r)
				}
			}
			for _, t := range f.Tags {
				if t != "" {
					tagSet[t] = true
				}
			}
		}
		title := strings.TrimSpace(first.Title)
		if title == "" {
			title = id
		}
		full := title
		if sameMsg && strings.TrimSpace(first.Message) != "" {
			full = first.Message
		}
		tags := make([]string, 0, len(tagSet))
		for t := range tagSet {
			tags = append(tags, t)
		}
		slices.Sort(tags)

		rule := sarif.NewRule(id).
			WithName(title).
			WithShortDescription(sarif.NewMultiformatMessageString(title)).
			WithFullDescription(sarif.NewMultiformatMessageString(full)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(severityLevel(worst)))
		helpText, helpMD := ruleHelp(remediation, refs)
		rule.WithHelp(sarif.NewMultiformatMessageString(helpText).WithMarkdown(helpMD))
		if u := firstHTTPURL(refs); u != "" {
			rule.WithHelpURI(u)
		}
		rule.WithProperties(sarif.Properties{
			"tags":              tags,
			"security-severity": strconv.FormatFloat(SecuritySeverity(worst), 'f', 1, 64),
			"severity":          string(worst),
		})
		rules = append(rules, rule)
	}
	return rules
}

// ruleHelp is a rule's help: the remediation, then the references.
func ruleHelp(remediation string, refs []string) (text, md string) {
	if remediation == "" {
		remediation = "No remediation is known for this rule."
	}
	text, md = remediation, mdText(remediation)
	if len(refs) > 0 {
		text += "\n\nReferences:"
		md += "\n\n**References**\n"
		for _, r := range refs {
			text += "\n- " + r
			if firstHTTPURL([]string{r}) != "" {
				md += "\n- <" + r + ">"
			} else {
				md += "\n- " + mdText(r)
			}
		}
	}
	return text, md
}

// firstHTTPURL returns the first absolute http(s) URL in refs.
func firstHTTPURL(refs []string) string {
	for _, r := range refs {
		u, err := url.Parse(r)
		if err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(r, " <>\"") {
			return r
		}
	}
	return ""
}

// severityLevel maps a severity to a SARIF level when nothing else decides.
func severityLevel(s scan.Severity) string {
	switch s {
	case scan.Critical, scan.High:
		return "error"
	case scan.Info:
		return "note"
	}
	return "warning"
}

// resultLevel is error for a blocking finding, note for info, warning otherwise.
func resultLevel(f scan.Finding) string {
	switch {
	case f.Blocking:
		return "error"
	case f.Severity == scan.Info:
		return "note"
	}
	return "warning"
}

func sarifResult(f scan.Finding, opts Options) *sarif.Result {
	msg := findingText(f)
	if f.Commit != "" {
		msg += " (in commit " + shortSHA(f.Commit) + ")"
	}
	res := sarif.NewRuleResult(f.Rule).
		WithLevel(resultLevel(f)).
		WithMessage(sarif.NewTextMessage(msg))
	res.AddLocation(resultLocation(f, opts))
	if f.Fingerprint != "" {
		res.WithPartialFingerPrints(map[string]any{FingerprintKey: f.Fingerprint})
	}
	if s := f.Suppression; s != nil {
		res.AddSuppression(sarifSuppression(f, opts))
	}
	props := sarif.Properties{
		"scanner":  f.Scanner,
		"severity": string(f.Severity),
		"blocking": f.Blocking,
	}
	if f.Confidence != "" {
		props["confidence"] = string(f.Confidence)
	}
	if f.Commit != "" {
		props["commit"] = f.Commit
	}
	if f.New != nil {
		props["new"] = *f.New
	}
	if f.Decision != "" {
		props["decision"] = f.Decision
	}
	if len(f.Reasons) > 0 {
		props["reasons"] = f.Reasons
	}
	if f.Secret != "" {
		props["secret"] = f.Secret // masked by scan.Run; never the raw value
	}
	if f.Title != "" {
		props["title"] = f.Title
	}
	if f.Dependency != nil {
		props["dependency"] = f.Dependency
	}
	if f.Path == "" {
		props["repositoryLevel"] = true
	}
	res.Properties = props
	return res
}

// sarifLocation is a physical location relative to %SRCROOT%, with a region
// only when the line is known.
func sarifLocation(p string, line, endLine, col int, opts Options) *sarif.Location {
	if p == "" {
		return nil
	}
	al := sarif.NewSimpleArtifactLocation(uriOf(joinPath(opts.PathPrefix, p))).WithUriBaseId(srcRoot)
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(al)
	if line > 0 {
		region := sarif.NewRegion().WithStartLine(line).WithEndLine(max(endLine, line))
		if col > 0 {
			region.WithStartColumn(col)
		}
		pl.WithRegion(region)
	}
	return sarif.NewLocationWithPhysicalLocation(pl)
}

// RepositoryAnchor is the file a SARIF result points at when its finding
// names no file (and no manifest): GitHub code scanning rejects a whole
// upload if any result lacks a location, so a repository-level finding is
// anchored at the repository's pipeguard configuration, where it would be
// accepted or suppressed. Such results carry properties.repositoryLevel.
const RepositoryAnchor = ".pipeguard.yaml"

// resultLocation is where a result points: the finding's file and lines,
// else the manifest of its dependency, else RepositoryAnchor.
func resultLocation(f scan.Finding, opts Options) *sarif.Location {
	if loc := sarifLocation(f.Path, f.Line, f.EndLine, f.Column, opts); loc != nil {
		return loc
	}
	if f.Dependency != nil {
		if loc := sarifLocation(f.Dependency.Manifest, 0, 0, 0, opts); loc != nil {
			return loc
		}
	}
	return sarifLocation(RepositoryAnchor, 0, 0, 0, opts)
}

// uriOf escapes a relative '/'-separated path as a URI reference.
func uriOf(p string) string {
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	return (&url.URL{Path: p}).String()
}

// inSourceKinds are suppression kinds written in the scanned file itself.
var inSourceKinds = []string{"inline", "gitleaks:allow", "nosec", "pipeguard:ignore"}

// sarifSuppression records a suppression. go-sarif's Suppression writes
// status, guid, location and justification even when unset (as null, which
// the schema rejects), so every one of them is filled: status accepted, a
// guid derived from the fingerprint and suppression, the place the
// suppression is written (or a message naming its kind) and a justification.
func sarifSuppression(f scan.Finding, opts Options) *sarif.Suppression {
	s := f.Suppression
	kind := "external"
	if slices.Contains(inSourceKinds, strings.ToLower(s.Kind)) {
		kind = "inSource"
	}
	justification := s.Reason
	if justification == "" {
		justification = "suppressed by " + s.Kind
	}
	var loc *sarif.Location
	if p, line, ok := parseSource(s.Source); ok {
		loc = sarifLocation(p, line, line, 0, opts)
	}
	if loc == nil {
		loc = sarif.NewLocation()
	}
	loc.WithDescriptionText("pipeguard suppression: " + s.Kind)
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte("pipeguard:suppression\x00"+f.Fingerprint+"\x00"+f.Rule+"\x00"+f.Path+"\x00"+s.Kind+"\x00"+s.Source)).String()
	sup := sarif.NewSuppression(kind).
		WithStatus("accepted").
		WithJustifcation(justification).
		WithLocation(loc).
		WithGuid(id)
	props := sarif.Properties{"kind": s.Kind}
	if s.Owner != "" {
		props["owner"] = s.Owner
	}
	if s.Until != "" {
		props["until"] = s.Until
	}
	sup.Properties = props
	return sup
}

// parseSource splits a suppression source "path:line" (or a bare path).
func parseSource(src string) (string, int, bool) {
	src = strings.TrimSpace(src)
	if src == "" {
		return "", 0, false
	}
	if i := strings.LastIndexByte(src, ':'); i > 0 {
		if n, err := strconv.Atoi(src[i+1:]); err == nil && n > 0 {
			return src[:i], n, true
		}
	}
	return src, 0, true
}

// sarifInvocation records how the scanner went: unsuccessful when it
// failed or reported errors, with a notification for each error, each
// skipped input and each note.
func sarifInvocation(v *view, name string, first bool, opts Options) *sarif.Invocation {
	rep := v.rep
	ok := true
	inv := sarif.NewInvocation()
	var props sarif.Properties
	for _, s := range rep.Scanners {
		if s.Name != name {
			continue
		}
		if s.Status == "failed" || s.Status == "interrupted" {
			ok = false
		}
		props = sarif.Properties{"status": s.Status, "duration_ms": s.DurationMS, "findings": s.Findings}
		for _, n := range s.Notes {
			inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("note").WithTextMessage(n))
		}
	}
	mine := func(scanner string) bool { return scanner == name || (first && !slices.Contains(v.scanners, scanner)) }
	for _, e := range rep.Errors {
		if !mine(e.Scanner) {
			continue
		}
		ok = false
		n := sarif.NewNotification().WithLevel("error").WithTextMessage(errorText(e))
		if loc := sarifLocation(e.Path, 0, 0, 0, opts); loc != nil {
			n.AddLocation(loc)
		}
		inv.AddTToolExecutionNotification(n)
	}
	for _, s := range rep.Skipped {
		if !mine(s.Scanner) {
			continue
		}
		n := sarif.NewNotification().WithLevel("warning").WithTextMessage("not scanned: " + skippedText(s))
		if loc := sarifLocation(s.Path, s.Line, s.Line, 0, opts); loc != nil {
			n.AddLocation(loc)
		}
		inv.AddTToolExecutionNotification(n)
	}
	inv.WithExecutionSuccess(ok)
	if !rep.StartedAt.IsZero() {
		inv.WithStartTimeUTC(rep.StartedAt)
		inv.WithEndTimeUTC(rep.StartedAt.Add(time.Duration(rep.DurationMS) * time.Millisecond))
	}
	if props != nil {
		inv.Properties = props
	}
	return inv
}

// errorText is how an Error reads on one line.
func errorText(e scan.Error) string {
	s := e.Scanner
	if s == "" {
		s = "scan"
	}
	s += ": " + e.Message
	if e.Path != "" {
		s += " (" + e.Path + ")"
	}
	return s
}

// skippedText is how a Skipped entry reads on one line.
func skippedText(s scan.Skipped) string {
	loc := s.Path
	if s.Line > 0 {
		loc = fmt.Sprintf("%s:%d", s.Path, s.Line)
	}
	return loc + " (" + s.Reason + ")"
}
