package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Scanner names, as they appear in Finding.Scanner and in --scanners.
const (
	ScannerSecrets = "secrets"
	ScannerDeps    = "deps"
	ScannerConfig  = "config"
)

// AllScanners lists every scanner name in the order reports show them.
var AllScanners = []string{ScannerSecrets, ScannerDeps, ScannerConfig}

// TagFileName is the tag of a secret found in a file's name rather than its
// content: redaction then masks it in every path, however short it is.
const TagFileName = "file-name"

// Severity ranks how bad a finding is.
type Severity string

// The severities, from worst to mildest.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank orders severities: critical is 5, info is 1, an unknown severity 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// AtLeast reports whether s is as bad as or worse than min.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() >= min.Rank() && s.Rank() > 0 }

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
	}
	return sev, nil
}

// Confidence says how sure a scanner is that a finding is true: high where
// the weakness is certain from what was read (verify=False on a request, a
// pinned version an advisory names), lower where the analysis guesses (a
// value that may come from outside, an inferred authentication gap).
// Config findings take it from their rule; secrets are high but for
// gitleaks' generic (name and entropy) rules; dependency findings are high,
// as advisories are matched on exact versions (their reachability says
// whether the vulnerable code is used).
type Confidence string

// The confidence levels, from surest to least sure.
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceLow    Confidence = "low"
)

// Rank orders confidence levels: high is 3, low is 1, an unknown level 0.
func (c Confidence) Rank() int {
	switch c {
	case ConfidenceHigh:
		return 3
	case ConfidenceMedium:
		return 2
	case ConfidenceLow:
		return 1
	}
	return 0
}

// ParseConfidence reads a confidence level, case-insensitively.
func ParseConfidence(s string) (Confidence, error) {
	c := Confidence(strings.ToLower(strings.TrimSpace(s)))
	if c.Rank() == 0 {
		return "", fmt.Errorf("unknown confidence %q (want high, medium or low)", s)
	}
	return c, nil
}

// Finding is one problem found by any scanner. It is the single currency of
// pipeguard: suppressions, the gate and every reporter work on Findings.
//
// A Finding never holds a secret in clear once Run has returned: Secret is
// the masked form, and Run scrubs the raw value from every text field.
type Finding struct {
	Scanner     string     `json:"scanner"`
	Rule        string     `json:"rule"`
	Severity    Severity   `json:"severity"`
	Confidence  Confidence `json:"confidence"`
	Title       string     `json:"title"`
	Message     string     `json:"message"`
	Path        string     `json:"path"`
	Line        int        `json:"line"`
	EndLine     int        `json:"end_line"`
	Column      int        `json:"column,omitempty"`
	Commit      string     `json:"commit"`
	Fingerprint string     `json:"fingerprint"`
	Blocking    bool       `json:"blocking"`
	Remediation string     `json:"remediation"`

	// Secret is the masked secret (first characters then ****) for secret findings.
	Secret string `json:"secret,omitempty"`
	// Author and Date describe the commit for findings in history.
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"`
	// References are links that explain the rule or advisory.
	References []string `json:"references,omitempty"`
	// Dependency is set for deps findings.
	Dependency *Dependency `json:"dependency,omitempty"`
	// Tags are free-form labels (e.g. "fastapi", "jwt").
	Tags []string `json:"tags,omitempty"`

	// Decision is the gate's word on this finding: "block", "warn" or "" before the gate ran.
	Decision string `json:"decision,omitempty"`
	// Reasons explains the decision.
	Reasons []string `json:"reasons,omitempty"`
	// New is set in only-new mode (--new-since, --baseline): whether the change introduced the finding.
	New *bool `json:"new,omitempty"`
	// Suppression is set when a suppression matched; the finding then does not block.
	Suppression *Suppression `json:"suppression,omitempty"`

	// raw is the secret in clear, known only inside this package's redaction step.
	raw string
}

// Dependency describes the vulnerable package behind a deps finding.
type Dependency struct {
	Ecosystem string   `json:"ecosystem"` // "Go" or "PyPI"
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Fixed     string   `json:"fixed,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	// Reachability is "called", "imported" or "required" (Go), "imported" or "required" (Python), or "unknown".
	Reachability string `json:"reachability,omitempty"`
	// CallPath is one short call path to the vulnerable symbol, outermost first.
	CallPath []string `json:"call_path,omitempty"`
	// Manifest is the file that declares the dependency (go.mod, requirements.txt, poetry.lock...).
	Manifest string `json:"manifest,omitempty"`
}

// Suppression records why a finding does not count.
type Suppression struct {
	Kind   string `json:"kind"` // "inline", "file", "baseline", "gitleaks:allow", "nosec", ...
	Reason string `json:"reason,omitempty"`
	Owner  string `json:"owner,omitempty"`
	Until  string `json:"until,omitempty"`
	Source string `json:"source,omitempty"` // where the suppression is written: path:line
}

// WithRawSecret returns f carrying the clear-text secret so that Run can scrub
// it from every text field and mask it. Only the secrets scanner calls this.
func (f Finding) WithRawSecret(raw string) Finding {
	f.raw = raw
	return f
}

// Location is path:line, or path alone when there is no line.
func (f Finding) Location() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	return f.Path
}

// Fingerprint derives a stable, content-based identity from its parts: the
// same parts give the same fingerprint, whatever line or commit the finding
// is on. Callers pass the rule, the path and a hash or normalized form of the
// matched content, never a raw secret on its own (HashSecret it first).
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// HashSecret is a one-way digest of a secret, for use in fingerprints.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IDs returns the identifiers the finding answers to: its rule and, for a
// dependency, the advisory's aliases (CVE, GHSA, PYSEC...).
func (f *Finding) IDs() []string {
	ids := []string{f.Rule}
	if f.Dependency != nil {
		ids = append(ids, f.Dependency.Aliases...)
	}
	return ids
}

// HasID reports whether id (case-insensitively) is the finding's rule or
// one of its advisory aliases: how suppressions, baselines and disabled
// rules name a finding.
func (f *Finding) HasID(id string) bool {
	for _, x := range f.IDs() {
		if strings.EqualFold(x, id) {
			return true
		}
	}
	return false
}
