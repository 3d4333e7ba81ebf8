package suppress

import (
	"slices"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		line        string
		kinds       []string
		rules       []string
		reason      string
		until       string
		err         string
		commentOnly bool
	}{
		{line: `x = 1  # pipeguard:ignore a-rule reason="it is \"fine\"" until=2027-01-02 owner=@bob`,
			kinds: []string{KindInline}, rules: []string{"a-rule"}, reason: `it is "fine"`, until: "2027-01-02"},
		{line: `  // pipeguard:ignore r1,r2 reason="short"`, kinds: []string{KindInline}, rules: []string{"r1", "r2"}, reason: "short", commentOnly: true},
		{line: `/* pipeguard:ignore r1 reason="c style" */`, kinds: []string{KindInline}, rules: []string{"r1"}, reason: "c style", commentOnly: true},
		{line: `<!-- pipeguard:ignore r1 reason="html" -->`, kinds: []string{KindInline}, rules: []string{"r1"}, reason: "html", commentOnly: true},
		{line: `-- pipeguard:ignore sql-string-formatting reason="sql"`, kinds: []string{KindInline}, rules: []string{"sql-string-formatting"}, reason: "sql", commentOnly: true},
		{line: `x  # pipeguard:ignore * reason="all"`, kinds: []string{KindInline}, err: `"*" is not accepted`},
		{line: `x  # pipeguard:ignore reason="no rule"`, kinds: []string{KindInline}, err: "needs a rule id"},
		{line: `x  # pipeguard:ignore r1 because="x"`, kinds: []string{KindInline}, err: `unknown key "because"`},
		{line: `x  # pipeguard:ignore r1 reason="open`, kinds: []string{KindInline}, err: "unterminated quote"},
		{line: `x  # pipeguard:ignore r1 reason="x" until=tomorrow`, kinds: []string{KindInline}, err: "not a date"},
		{line: `x  # pipeguard:ignore r1 reason="x" sk_live_SECRETVALUE`, kinds: []string{KindInline}, err: "word 2"},
		{line: `url = "http://x/#pipeguard:ignore"`, kinds: nil},
		{line: `k = "a"  # gitleaks:allow`, kinds: []string{KindGitleaksAllow}},
		{line: `h = "0.0.0.0"  # nosec B104`, kinds: []string{KindNosec}},
		{line: `h = "0.0.0.0"  //nosec G101 cors-any-origin`, kinds: []string{KindNosec}, rules: []string{"hardcoded-secret", "auth-hardcoded-credentials", "cors-any-origin"}},
		{line: `q = f"SELECT {x}"  # nosec: B608, B105`, kinds: []string{KindNosec}, rules: []string{"sql-string-formatting", "hardcoded-secret"}},
		{line: `q = f"SELECT {x}"  # nosec hardcoded_sql_expressions`, kinds: []string{KindNosec}, rules: []string{"sql-string-formatting"}},
		{line: `q = f"SELECT {x}"  # noqa: S608`, kinds: []string{KindNoqa}, rules: []string{"sql-string-formatting"}},
		{line: `r = get(u, verify=False)  # NOQA:E501,S501`, kinds: []string{KindNoqa}, rules: []string{"tls-verify-disabled"}},
		{line: `ctx = wrap(ssl_version=v)  # noqa: S502 S503, S504`, kinds: []string{KindNoqa}, rules: []string{"tls-weak-version"}},
		{line: `P = "x"  # noqa: S105 S106 S107`, kinds: []string{KindNoqa}, rules: []string{"hardcoded-secret"}},
		{line: `import os  # noqa`, kinds: []string{KindNoqa}},
		{line: `x = 1  # noqa: E501`, kinds: []string{KindNoqa}},
		{line: `cfg := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test server`, kinds: []string{KindNosec},
			rules: []string{"auth-hardcoded-credentials", "hardcoded-secret", "pprof-exposed", "server-timeouts-missing", "sql-string-formatting", "tls-verify-disabled", "tls-weak-version"}},
		{line: `x := f() //nolint:errcheck,gosec`, kinds: []string{KindNosec},
			rules: []string{"auth-hardcoded-credentials", "hardcoded-secret", "pprof-exposed", "server-timeouts-missing", "sql-string-formatting", "tls-verify-disabled", "tls-weak-version"}},
		{line: `x := f() //nolint:errcheck`, kinds: nil},
		{line: `x := f() //nolint`, kinds: nil},
		{line: `noqa = 1`, kinds: nil},
		{line: `nosecurity = 1`, kinds: nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			ds := parseLine(tt.line)
			var kinds []string
			for _, d := range ds {
				kinds = append(kinds, d.kind)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Fatalf("kinds = %v, want %v", kinds, tt.kinds)
			}
			if len(ds) == 0 {
				return
			}
			d := ds[0]
			if tt.err != "" {
				if d.err == nil || !strings.Contains(d.err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", d.err, tt.err)
				}
				if d.err != nil && strings.Contains(d.err.Error(), "SECRET") {
					t.Errorf("error quotes the comment: %v", d.err)
				}
				return
			}
			if d.err != nil {
				t.Fatalf("err = %v", d.err)
			}
			if !slices.Equal(d.rules, tt.rules) || d.reason != tt.reason || d.until != tt.until || d.commentOnly != tt.commentOnly {
				t.Errorf("got rules %v reason %q until %q commentOnly %v", d.rules, d.reason, d.until, d.commentOnly)
			}
		})
	}
}

func TestInRealComment(t *testing.T) {
	tests := []struct {
		path, line string
		want       bool
	}{
		{"app/main.py", `x = 1  # pipeguard:ignore debug-enabled reason="local only"`, true},
		{"app/main.py", `msg = "add # pipeguard:ignore debug-enabled to silence it"`, false},
		{"main.go", `	x := 1 // pipeguard:ignore G101 reason="fixture"`, true},
		{"main.go", `	src := "x = 1  # pipeguard:ignore debug-enabled reason=\"x\""`, false},
		{"main.go", "	src := `// pipeguard:ignore github-pat reason=\"x\"`", false},
		{"main.go", `	# pipeguard:ignore github-pat reason="not Go"`, false},
		{"docker-compose.yml", `  DEBUG: "1"  # pipeguard:ignore debug-enabled reason="dev"`, true},
		{"Dockerfile", `ENV DEBUG=1 # pipeguard:ignore debug-enabled reason="dev image"`, true},
		{".env.local", `DEBUG=1 # pipeguard:ignore debug-enabled reason="dev"`, true},
		{"README.md", `    x = 1  # pipeguard:ignore debug-enabled reason="example"`, false},
		{"weird.ext", `foo -- pipeguard:ignore x reason="y"`, true},
	}
	for _, tt := range tests {
		if got := inRealComment(tt.path, tt.line); got != tt.want {
			t.Errorf("inRealComment(%q, %q) = %v, want %v", tt.path, tt.line, got, tt.want)
		}
	}
}
