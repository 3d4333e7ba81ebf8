package secrets

import (
	"context"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/secrets/cred"
)

// Tags that say where a finding comes from and what the gate should know.
const (
	// TagStructure marks findings of the structure-aware detector.
	TagStructure = "detector:structure"
	// TagTestPath marks a finding of a rule that judges values by shape
	// (the structure detector's, gitleaks' generic ones) in a test or
	// example path: still reported, but the default gate only warns.
	TagTestPath = "test-path"
	// TagFileName marks a secret found in a file's name.
	TagFileName = scan.TagFileName
)

// structure runs the credential detector over one fragment and merges
// its findings with the gitleaks rules' (gl): one finding per secret, the
// gitleaks rule's when it is specific, the detector's over a generic
// rule's. Generic gitleaks findings whose value is code (an identifier,
// an attribute access or a call) are dropped here too.
func (s *Scanner) structure(rs *ruleSet, st *scanStats, f sources.Fragment, gl []report.Finding) []report.Finding {
	gl = dropCodeValues(f.FilePath, gl)
	if s.opts.GitleaksOnly || s.cred == nil {
		return gl
	}
	gl = judgeGeneric(gl)
	// Secrets a specific gitleaks rule found stay that rule's: the
	// detector need not report them, nor parse a file for them.
	known := func(line int, secret string) bool {
		abs := f.StartLine + line - 1
		for _, g := range gl {
			if !isGeneric(g.RuleID) && g.StartLine <= abs && abs <= g.EndLine && overlaps(g.Secret, secret) {
				return true
			}
		}
		return false
	}
	ms, err := detectSafely(s.cred, f, known)
	if err != nil {
		// A bug in the detector costs its findings in this file, never
		// the scan, and it is said.
		st.fail(scan.Error{Path: f.FilePath, Message: err.Error()})
		return gl
	}
	if len(ms) == 0 {
		return gl
	}
	lines := strings.Split(f.Raw, "\n")
	var own []report.Finding
	for _, m := range ms {
		line := ""
		if m.Line-1 < len(lines) {
			line = strings.TrimSuffix(lines[m.Line-1], "\r")
		}
		if !s.opts.IgnoreAllowComments && strings.Contains(line, "gitleaks:allow") {
			continue
		}
		fd := report.Finding{
			RuleID:      m.Rule,
			Description: describe(m),
			StartLine:   f.StartLine + m.Line - 1,
			EndLine:     f.StartLine + m.Line - 1,
			StartColumn: m.Column,
			EndColumn:   m.Column + len(m.Secret),
			Line:        line,
			Match:       m.Secret,
			Secret:      m.Secret,
			File:        f.FilePath,
			Commit:      f.CommitSHA,
			Tags:        []string{TagStructure},
		}
		if m.Column == 0 {
			if i := strings.Index(line, m.Secret); i >= 0 {
				fd.StartColumn = i + 1
				fd.EndColumn = i + 1 + len(m.Secret)
			}
		}
		if c := f.CommitInfo; c != nil {
			fd.Author, fd.Email, fd.Date, fd.Message = c.AuthorName, c.AuthorEmail, c.Date, c.Message
		}
		if globallyAllowed(rs, fd) {
			continue
		}
		own = append(own, fd)
	}
	return mergeFindings(gl, own)
}

// detectSafely runs the detector, turning a panic into an error.
func detectSafely(d *cred.Detector, f sources.Fragment, known func(int, string) bool) (ms []cred.Match, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("structure detector failed on %s: %v", f.FilePath, p)
		}
	}()
	return d.DetectExcept(f.FilePath, f.Raw, known), nil
}

// describe says what a detector match is, without its value.
func describe(m cred.Match) string {
	var what string
	switch m.Rule {
	case cred.RulePassword:
		what = "Hard-coded password"
	case cred.RuleGeneric:
		what = "Hard-coded secret"
	case cred.RuleURLCredentials:
		return "Password in a " + m.Key
	case cred.RuleConnectionString:
		return "Password in a connection string (" + m.Key + "=)"
	case cred.RuleHTTPBasic:
		return "HTTP Basic credentials written as a literal"
	case cred.RuleHTTPBearer:
		return "HTTP Bearer token written as a literal"
	case cred.RuleCurlUserPassword:
		return "Password on a curl command line (" + m.Key + ")"
	case cred.RuleUUID:
		return "Random UUID that may be an API key or token"
	default:
		what = "Hard-coded credential"
	}
	if m.Key == "" {
		return what
	}
	where := ""
	if m.Context != "" {
		where = " (" + m.Context + ")"
	}
	return what + " assigned to " + m.Key + where
}

// mergeFindings returns gl and own with one finding per secret and line:
// a specific gitleaks rule's wins over the detector's, the detector's
// over a generic gitleaks rule's.
func mergeFindings(gl, own []report.Finding) []report.Finding {
	out := make([]report.Finding, 0, len(gl)+len(own))
	drop := make([]bool, len(gl))
	for _, o := range own {
		keep := true
		for i, g := range gl {
			if g.StartLine > o.StartLine || g.EndLine < o.StartLine || !overlaps(g.Secret, o.Secret) {
				continue
			}
			if isGeneric(g.RuleID) {
				drop[i] = true
			} else {
				keep = false
			}
		}
		if keep {
			out = append(out, o)
		}
	}
	for i, g := range gl {
		if !drop[i] {
			out = append(out, g)
		}
	}
	return out
}

func overlaps(a, b string) bool {
	return a != "" && b != "" && (strings.Contains(a, b) || strings.Contains(b, a))
}

// isGeneric reports whether a gitleaks rule judges values by their shape
// rather than by a vendor's token format.
func isGeneric(rule string) bool { return strings.Contains(strings.ToLower(rule), "generic") }

// dropCodeValues removes generic rules' findings whose value, in a
// programming language, is an identifier, an attribute access or a call
// (max_tokens=max_tokens, token=self.token, key=get_key()): code, not a
// secret.
func dropCodeValues(file string, fs []report.Finding) []report.Finding {
	if len(fs) == 0 || !cred.IsCode(file) {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if isGeneric(f.RuleID) && cred.CodeValue(f.Line, f.Secret) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// judgeGeneric drops the generic rules' findings that the detector's
// filters reject: references, placeholders, test values, hashes and other
// values that are not secrets.
func judgeGeneric(fs []report.Finding) []report.Finding {
	out := fs[:0]
	for _, f := range fs {
		if isGeneric(f.RuleID) && cred.RejectGeneric(f.Match, f.Secret) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// globallyAllowed reports whether a global allowlist of the gitleaks
// configuration covers a detector finding, as gitleaks would a rule's.
func globallyAllowed(rs *ruleSet, f report.Finding) bool {
	for _, a := range rs.allowlists {
		target := f.Secret
		switch a.RegexTarget {
		case "match":
			target = f.Match
		case "line":
			target = f.Line
		}
		commit, _ := a.CommitAllowed(f.Commit)
		pathOK := a.PathAllowed(f.File)
		regexOK := a.RegexAllowed(target)
		stop, _ := a.ContainsStopWord(f.Secret)
		if a.MatchCondition != config.AllowlistMatchAnd {
			if commit || pathOK || regexOK || stop {
				return true
			}
			continue
		}
		var checks []bool
		if len(a.Commits) > 0 {
			checks = append(checks, commit)
		}
		if len(a.Paths) > 0 {
			checks = append(checks, pathOK)
		}
		if len(a.Regexes) > 0 {
			checks = append(checks, regexOK)
		}
		if len(a.StopWords) > 0 {
			checks = append(checks, stop)
		}
		all := len(checks) > 0
		for _, c := range checks {
			all = all && c
		}
		if all {
			return true
		}
	}
	return false
}

// testPathDirs and testPathNames mark test and example code.
var testPathDirs = map[string]bool{
	"test": true, "tests": true, "testing": true, "__tests__": true, "spec": true, "specs": true, "testdata": true,
	"test-data": true, "test_data": true, "fixtures": true, "fixture": true, "__fixtures__": true, "mocks": true,
	"mock": true, "__mocks__": true, "example": true, "examples": true, "sample": true, "samples": true,
	"demo": true, "demos": true, "e2e": true, "integration-tests": true, "integration_tests": true, "itest": true,
	"testutil": true, "testutils": true, "test_utils": true, "testhelpers": true, "stubs": true, "stub": true,
}

// isTestPath reports whether p is test or example code or data.
func isTestPath(p string) bool {
	dir, base := path.Split(p)
	for _, d := range strings.Split(strings.Trim(strings.ToLower(dir), "/"), "/") {
		if testPathDirs[d] {
			return true
		}
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	low, lowBase := strings.ToLower(stem), strings.ToLower(base)
	for _, suf := range []string{"Test", "Tests", "Spec", "IT"} {
		// FooTest.java, FooTests.cs, FooSpec.scala
		if strings.HasSuffix(stem, suf) && len(stem) > len(suf) {
			return true
		}
	}
	switch {
	case strings.HasPrefix(low, "test_"), strings.HasSuffix(low, "_test"), strings.HasSuffix(low, ".test"),
		strings.HasSuffix(low, ".spec"), strings.HasSuffix(low, "_spec"), strings.HasSuffix(low, "-test"),
		strings.HasSuffix(low, "_tests"), low == "conftest":
		return true
	}
	for _, m := range []string{".example", ".sample", ".dist", ".template", ".tmpl"} {
		if strings.HasSuffix(lowBase, m) || strings.Contains(lowBase, m+".") {
			return true
		}
	}
	return false
}

// nameSet remembers the (commit, file) pairs whose names were scanned.
type nameSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

// newNameSet returns a set that already holds names, scanned on their own.
func newNameSet(names []string) *nameSet {
	ns := &nameSet{seen: make(map[string]bool, len(names))}
	for _, n := range names {
		ns.seen["\x00"+n] = true
	}
	return ns
}

// add reports whether the name of file at commit is new.
func (ns *nameSet) add(commit, file string) bool {
	k := commit + "\x00" + file
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.seen[k] {
		return false
	}
	ns.seen[k] = true
	return true
}

// nameFindings runs the gitleaks rules over a file's path: a token in a
// file's name is as leaked as one in its content. The findings carry the
// secret like any other, so that it is masked wherever the path is shown.
func (s *Scanner) nameFindings(ctx context.Context, eng *engine, rs *ruleSet, name, commit string, info *sources.CommitInfo) []report.Finding {
	if name == "" || pathAllowed(rs, name) {
		return nil
	}
	var out []report.Finding
	for _, fd := range eng.detect(ctx, sources.Fragment{Raw: name}) {
		fd.File = name
		fd.StartLine, fd.EndLine, fd.StartColumn, fd.EndColumn = 0, 0, 0, 0
		fd.Line, fd.Match = "", ""
		fd.Commit = commit
		if info != nil {
			fd.Author, fd.Email, fd.Date, fd.Message = info.AuthorName, info.AuthorEmail, info.Date, info.Message
		}
		fd.Tags = append(fd.Tags, TagFileName)
		out = append(out, fd)
	}
	return out
}
