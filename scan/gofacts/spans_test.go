package gofacts

import (
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestStatements(t *testing.T) {
	const src = `package main

var (
	a = 1
	b = &tls.Config{
		InsecureSkipVerify: true,
	}
)

func f(
	x int,
) {
	go func() {
		c := 1
		_ = c
	}()
	if err := g(&tls.Config{
		MinVersion: 0,
	}); err != nil {
		return
	}
}
`
	stmts := Statements([]byte(src))
	tests := []struct {
		line int
		want scan.Statement
		ok   bool
	}{
		{3, scan.Statement{}, false},                      // "var (": no statement of its own
		{6, scan.Statement{Line: 5, EndLine: 7}, true},    // one spec of the group
		{11, scan.Statement{Line: 10, EndLine: 12}, true}, // func header
		{14, scan.Statement{Line: 14, EndLine: 14}, true}, // inside a function literal
		{16, scan.Statement{Line: 13, EndLine: 16}, true}, // the go statement's own last line
		{18, scan.Statement{Line: 17, EndLine: 19}, true}, // the if's init statement
		{19, scan.Statement{Line: 17, EndLine: 19}, true},
		{20, scan.Statement{Line: 20, EndLine: 20}, true},
	}
	for _, tt := range tests {
		got, ok := scan.InnermostStatement(stmts, tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("line %d: statement %+v (%v), want %+v (%v)", tt.line, got, ok, tt.want, tt.ok)
		}
	}
	// A file that does not parse in full keeps the statements before the error.
	broken := Statements([]byte("package main\n\nvar c = &tls.Config{\n\tInsecureSkipVerify: true,\n}\n\nfunc (\n"))
	if got, ok := scan.InnermostStatement(broken, 4); !ok || got != (scan.Statement{Line: 3, EndLine: 5}) {
		t.Errorf("broken file: statement %+v (%v)", got, ok)
	}
}
