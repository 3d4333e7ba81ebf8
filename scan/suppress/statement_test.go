package suppress

import (
	"context"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// A suppression comment on the first line of a multi-line statement covers
// the findings on its other lines (the finding points at the offending
// argument); a comment on a compound statement's header (def, if, func)
// covers the header only, never the body.
func TestStatementSuppression(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		src     string
		scanner string
		rule    string
		line    int
		want    bool   // suppressed
		source  string // the comment's line, when suppressed
	}{
		// Python.
		{name: "py call, nosec on the first line", path: "a.py", src: `import requests
r = requests.get(  # nosec
    "https://x",
    verify=False,
)
`, rule: "tls-verify-disabled", line: 4, want: true, source: "a.py:2"},
		{name: "py call, nosec with Bandit id", path: "a.py", src: `requests.get(  # nosec B501
    url,
    verify=False)
`, rule: "tls-verify-disabled", line: 3, want: true, source: "a.py:1"},
		{name: "py call, Bandit id of another check", path: "a.py", src: `requests.get(  # nosec B608
    url,
    verify=False)
`, rule: "tls-verify-disabled", line: 3},
		{name: "py call, pipeguard:ignore on the first line", path: "a.py", src: `client = httpx.Client(  # pipeguard:ignore tls-verify-disabled reason="internal CA"
    verify=False,
)
`, rule: "tls-verify-disabled", line: 2, want: true, source: "a.py:1"},
		{name: "py call, pipeguard:ignore above the statement", path: "a.py", src: `# pipeguard:ignore tls-verify-disabled reason="internal CA"
client = httpx.Client(
    base_url=u,
    verify=False,
)
`, rule: "tls-verify-disabled", line: 4, want: true, source: "a.py:1"},
		{name: "py call, noqa on a middle line (Bandit: any line)", path: "a.py", src: `requests.get(
    url,  # noqa: S501
    verify=False)
`, rule: "tls-verify-disabled", line: 3, want: true, source: "a.py:2"},
		{name: "py comment on the previous statement", path: "a.py", src: `x = f(1,  # nosec
      2)
requests.get(url,
    verify=False)
`, rule: "tls-verify-disabled", line: 4},
		{name: "py def line does not cover the body", path: "a.py", src: `def handler(x):  # nosec
    return requests.get(
        x,
        verify=False)
`, rule: "tls-verify-disabled", line: 4},
		{name: "py def line, single-line body statement", path: "a.py", src: `def handler(x):  # pipeguard:ignore tls-verify-disabled reason="x"
    requests.get(x, verify=False)
`, rule: "tls-verify-disabled", line: 2},
		{name: "py decorator does not cover the function", path: "a.py", src: `@app.get(  # nosec
    "/x")
def handler(x):
    requests.get(x, verify=False)
`, rule: "tls-verify-disabled", line: 4},
		{name: "py comment above a def does not cover the body", path: "a.py", src: `# pipeguard:ignore tls-verify-disabled reason="x"
def handler(
    x,
):
    requests.get(x, verify=False)
`, rule: "tls-verify-disabled", line: 5},
		{name: "py def header covers its own lines", path: "a.py", src: `def connect(  # pipeguard:ignore tls-verify-disabled reason="test helper"
    url,
    verify=False,
):
    pass
`, rule: "tls-verify-disabled", line: 3, want: true, source: "a.py:1"},
		{name: "py if header does not cover the body", path: "a.py", src: `if debug:  # nosec
    requests.get(
        x, verify=False)
`, rule: "tls-verify-disabled", line: 3},
		{name: "py assignment of a dict", path: "a.py", src: `SETTINGS = {  # nosec B105
    "password": "hunter2hunter2",
}
`, rule: "hardcoded-secret", line: 2, want: true, source: "a.py:1"},
		// Go.
		{name: "go struct literal, #nosec G402", path: "m.go", src: `package main

import "crypto/tls"

func f() *tls.Config {
	cfg := &tls.Config{ // #nosec G402
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true,
	}
	return cfg
}
`, rule: "tls-verify-disabled", line: 8, want: true, source: "m.go:6"},
		{name: "go nested literal, nosec on the statement", path: "m.go", src: `package main

var tr = &http.Transport{ // #nosec G402 -- internal test server
	TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true,
	},
}
`, rule: "tls-verify-disabled", line: 5, want: true, source: "m.go:3"},
		{name: "go nested literal, nosec on its own line", path: "m.go", src: `package main

var tr = &http.Transport{
	TLSClientConfig: &tls.Config{ // #nosec G402
		InsecureSkipVerify: true,
	},
}
`, rule: "tls-verify-disabled", line: 5, want: true, source: "m.go:4"},
		{name: "go other gosec id", path: "m.go", src: `package main

var cfg = &tls.Config{ // #nosec G101
	InsecureSkipVerify: true,
}
`, rule: "tls-verify-disabled", line: 4},
		{name: "go pipeguard:ignore above the statement", path: "m.go", src: `package main

func f() {
	// pipeguard:ignore tls-verify-disabled reason="dev only"
	c := &tls.Config{
		InsecureSkipVerify: true,
	}
	_ = c
}
`, rule: "tls-verify-disabled", line: 6, want: true, source: "m.go:4"},
		{name: "go func line does not cover the body", path: "m.go", src: `package main

func f() { // #nosec G402
	c := &tls.Config{
		InsecureSkipVerify: true,
	}
	_ = c
}
`, rule: "tls-verify-disabled", line: 5},
		{name: "go call with a function literal does not cover its body", path: "m.go", src: `package main

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { // #nosec
		c := &tls.Config{InsecureSkipVerify: true}
		_ = c
	})
}
`, rule: "tls-verify-disabled", line: 5},
		{name: "go statement in a function literal", path: "m.go", src: `package main

func main() {
	go func() {
		c := &tls.Config{ // #nosec G402
			InsecureSkipVerify: true,
		}
		_ = c
	}()
}
`, rule: "tls-verify-disabled", line: 6, want: true, source: "m.go:5"},
		{name: "go grouped var: the group's line does not cover its specs", path: "m.go", src: `package main

var ( // #nosec G402
	a = 1
	c = &tls.Config{
		InsecureSkipVerify: true,
	}
)
`, rule: "tls-verify-disabled", line: 6},
		{name: "go if header does not cover the body", path: "m.go", src: `package main

func f(dev bool) {
	if dev { // #nosec
		c := &tls.Config{
			InsecureSkipVerify: true,
		}
		_ = c
	}
}
`, rule: "tls-verify-disabled", line: 6},
		{name: "go secrets finding in a struct literal, #nosec G101", path: "m.go", src: `package main

type DBConfig struct{ Password string }

func main() {
	_ = DBConfig{ // #nosec G101
		Password: "f62e5bcda4fae4f82370da0c6f20697b8f8447ef",
	}
}
`, scanner: scan.ScannerSecrets, rule: "generic-api-key", line: 7, want: true, source: "m.go:6"},
		{name: "go secrets finding, #nosec of another check", path: "m.go", src: `package main

func main() {
	_ = DBConfig{ // #nosec G402
		Password: "f62e5bcda4fae4f82370da0c6f20697b8f8447ef",
	}
}
`, scanner: scan.ScannerSecrets, rule: "generic-api-key", line: 5},
		{name: "go gitleaks:allow on the statement's first line", path: "m.go", src: `package main

var keys = map[string]string{ // gitleaks:allow
	"a": "f62e5bcda4fae4f82370da0c6f20697b8f8447ef",
}
`, scanner: scan.ScannerSecrets, rule: "generic-api-key", line: 4, want: true, source: "m.go:3"},
		{name: "not source code: line by line", path: "values.yaml", src: `tls: # nosec
  insecureSkipVerify: true
`, rule: "tls-verify-disabled", line: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			gittest.WriteFiles(t, dir, map[string]string{tt.path: tt.src})
			scanner := tt.scanner
			if scanner == "" {
				scanner = scan.ScannerConfig
			}
			rep := report(dir, scan.Finding{Scanner: scanner, Rule: tt.rule, Path: tt.path, Line: tt.line, EndLine: tt.line,
				Severity: scan.High, Fingerprint: "fp"})
			if err := Apply(context.Background(), rep, Options{Root: dir, Now: today, Partial: true}); err != nil {
				t.Fatal(err)
			}
			s := rep.Findings[0].Suppression
			if (s != nil) != tt.want {
				t.Fatalf("suppressed = %v, want %v (%+v; reasons %q)", s != nil, tt.want, s, rep.Findings[0].Reasons)
			}
			if s != nil && s.Source != tt.source {
				t.Errorf("suppression source = %s, want %s", s.Source, tt.source)
			}
		})
	}
}

// Under --trusted-config-from, a comment on a statement's first line counts
// when the trusted revision holds it over the same statement; copied onto a
// new statement it does not.
func TestStatementSuppressionTrusted(t *testing.T) {
	r := gittest.New(t)
	const stmt = "c := &tls.Config{ // #nosec G402 -- test server\n\t\tInsecureSkipVerify: true,\n\t}\n"
	r.Write("m.go", "package main\n\nfunc f() {\n\t"+stmt+"\t_ = c\n}\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "pr")
	r.Write("m.go", "package main\n\nfunc f() {\n\t"+stmt+"\t_ = c\n}\n\nfunc g() {\n\t"+
		strings.Replace(stmt, "InsecureSkipVerify: true,", "InsecureSkipVerify: true, MinVersion: tls.VersionTLS10,", 1)+"\t_ = c\n}\n")
	r.Commit("pr: a copy over other code")
	rep := report(r.Dir,
		scan.Finding{Scanner: "config", Rule: "tls-verify-disabled", Path: "m.go", Line: 5, EndLine: 5, Fingerprint: "old", Severity: scan.High},
		scan.Finding{Scanner: "config", Rule: "tls-verify-disabled", Path: "m.go", Line: 12, EndLine: 12, Fingerprint: "new", Severity: scan.High},
	)
	if err := Apply(context.Background(), rep, Options{Root: r.Dir, TrustedRev: "main", Now: today, Partial: true}); err != nil {
		t.Fatal(err)
	}
	if s := rep.Findings[0].Suppression; s == nil || s.Source != "m.go:4" {
		t.Errorf("the trusted comment should cover its statement: %+v (reasons %q)", s, rep.Findings[0].Reasons)
	}
	if s := rep.Findings[1].Suppression; s != nil {
		t.Errorf("a copied comment over other code suppressed a finding: %+v", s)
	}
	if !strings.Contains(strings.Join(rep.Findings[1].Reasons, " "), "covers other code") {
		t.Errorf("reasons = %q", rep.Findings[1].Reasons)
	}
}
