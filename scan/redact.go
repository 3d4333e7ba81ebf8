package scan

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// maskKeep is how many leading characters of a secret stay visible.
const maskKeep = 4

// Mask returns the short form of a secret that outputs show: its first four
// characters then ****. Secrets of eight characters or fewer are masked
// whole, so that what is shown never exceeds half of the secret.
func Mask(secret string) string {
	if utf8.RuneCountInString(secret) <= 2*maskKeep {
		return "****"
	}
	r := []rune(secret)
	return string(r[:maskKeep]) + "****"
}

// redact is the one place where secrets leave a report: every finding that
// carries a raw secret gets it masked, and every raw secret found anywhere in
// the scan is scrubbed from every text field of the report (titles,
// messages, errors, skipped entries), so that no output can quote one.
//
// dropped holds the raw secrets of findings Run left out (outside the
// changed lines): they may still be quoted by another scanner's errors.
func redact(r *Report, dropped []string) {
	var raws []string
	seen := map[string]bool{}
	for _, raw := range dropped {
		if !seen[raw] && len(strings.TrimSpace(raw)) >= 4 {
			seen[raw] = true
			raws = append(raws, raw)
		}
	}
	for i := range r.Findings {
		raw := r.Findings[i].raw
		if raw == "" {
			continue
		}
		if r.Findings[i].Secret == "" {
			r.Findings[i].Secret = Mask(raw)
		}
		r.Findings[i].raw = ""
		if !seen[raw] && len(strings.TrimSpace(raw)) >= 4 {
			seen[raw] = true
			raws = append(raws, raw)
		}
	}
	if len(raws) == 0 {
		return
	}
	// Longest first, so a secret that contains another is scrubbed whole.
	sort.Slice(raws, func(i, j int) bool { return len(raws[i]) > len(raws[j]) })
	pairs := make([]string, 0, 2*len(raws))
	for _, raw := range raws {
		pairs = append(pairs, raw, Mask(raw))
	}
	rep := strings.NewReplacer(pairs...)
	s := func(p *string) {
		if *p != "" {
			*p = rep.Replace(*p)
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		s(&f.Title)
		s(&f.Message)
		s(&f.Remediation)
		s(&f.Path)
		s(&f.Secret)
		for j := range f.Reasons {
			s(&f.Reasons[j])
		}
		for j := range f.Tags {
			s(&f.Tags[j])
		}
		for j := range f.References {
			s(&f.References[j])
		}
		if d := f.Dependency; d != nil {
			s(&d.Name)
			s(&d.Version)
			s(&d.Manifest)
			for j := range d.CallPath {
				s(&d.CallPath[j])
			}
		}
		if sp := f.Suppression; sp != nil {
			s(&sp.Reason)
			s(&sp.Source)
		}
	}
	for i := range r.Errors {
		s(&r.Errors[i].Message)
		s(&r.Errors[i].Path)
	}
	for i := range r.Skipped {
		s(&r.Skipped[i].Reason)
		s(&r.Skipped[i].Path)
	}
	for i := range r.Scanners {
		for j := range r.Scanners[i].Notes {
			s(&r.Scanners[i].Notes[j])
		}
	}
	for i := range r.Notes {
		s(&r.Notes[i])
	}
}
