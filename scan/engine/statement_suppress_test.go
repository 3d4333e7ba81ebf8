package engine

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// TestStatementSuppression scans a repository whose findings sit on later
// lines of multi-line statements (the offending argument, the struct
// field), suppressed by a comment on the statement's first line, next to
// the same code without one and a comment on a function's line that must
// not cover its body.
func TestStatementSuppression(t *testing.T) {
	r := gittest.New(t)
	r.Write("client.py", `import requests


def fetch(url):
    ok = requests.get(  # nosec B501 -- internal CA
        url,
        verify=False,
    )
    bad = requests.get(
        url,
        verify=False,
    )
    return ok, bad


def other(url):  # nosec
    return requests.get(url, verify=False)
`)
	r.Write("tlsconf/tls.go", `package tlsconf

import "crypto/tls"

func Dev() *tls.Config {
	cfg := &tls.Config{ // #nosec G402 -- local development
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true,
	}
	return cfg
}

func Prod() *tls.Config { // #nosec G402
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true,
	}
}
`)
	r.Commit("clients")
	rep := scanRepo(t, Options{Root: r.Dir, Scanners: []string{scan.ScannerConfig}, Offline: true})
	if len(rep.Errors) != 0 {
		t.Fatalf("errors: %+v", rep.Errors)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Rule != "tls-verify-disabled" {
			continue
		}
		s := "open"
		if f.Suppression != nil {
			s = "suppressed at " + f.Suppression.Source
		}
		got = append(got, fmt.Sprintf("%s:%d %s", f.Path, f.Line, s))
	}
	want := []string{
		"client.py:7 suppressed at client.py:5",
		"client.py:11 open",
		"client.py:17 open",
		"tlsconf/tls.go:8 suppressed at tlsconf/tls.go:6",
		"tlsconf/tls.go:16 open",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("tls-verify-disabled findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
