package config

import (
	"slices"
	"testing"
)

// PreferServerCipherSuites: false is reported (tls-weak-version, medium)
// where the module's go directive is below 1.18, with low confidence where
// no go.mod says, and not for go 1.18 and later, which ignore the field.
func TestPreferServerCipherSuitesByGoVersion(t *testing.T) {
	const src = `package main

import "crypto/tls"

func config() *tls.Config {
	return &tls.Config{
		MinVersion:               tls.VersionTLS12,
		PreferServerCipherSuites: false,
	}
}
`
	root := gitRepo(t, map[string]string{
		"old/go.mod":    "module old\n\ngo 1.17\n",
		"old/main.go":   src,
		"nogo/go.mod":   "module nogo\n", // no go directive: 1.16 is assumed
		"nogo/main.go":  src,
		"new/go.mod":    "module new\n\ngo 1.22.3\n",
		"new/main.go":   src,
		"new/sub/x.go":  src,
		"loose/main.go": src,
	})
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := scanDir(t, s, root)
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "tls-weak-version" {
			got = append(got, f.Location()+" "+string(f.Severity)+" "+string(f.Confidence))
		}
	}
	slices.Sort(got)
	want := []string{"loose/main.go:8 medium low", "nogo/main.go:8 medium high", "old/main.go:8 medium high"}
	if !slices.Equal(got, want) {
		t.Errorf("tls-weak-version findings = %q, want %q", got, want)
	}
}
