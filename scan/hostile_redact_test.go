package scan

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestMaskURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://ci:PASSWORD@mirror.internal/", "https://****@mirror.internal/"},
		{"https://ci:PASSWORD@mirror.internal", "https://****@mirror.internal"},
		{"https://ghp_tokenAsUser@github.com/o/r.git", "https://****@github.com/o/r.git"},
		{"postgres://app:s3cr3t@db:5432/app?sslmode=disable", "postgres://****@db:5432/app?sslmode=disable"},
		{"redis://:pw@cache:6379/0", "redis://****@cache:6379/0"},
		{"https://mirror/vuln?token=abc123&v=2", "https://mirror/vuln?token=****&v=2"},
		{"https://h/x?access_token=abc&key=AIzaXYZ&sig=zz&X-Amz-Signature=ff&X-Amz-Credential=AK%2F1", "https://h/x?access_token=****&key=****&sig=****&X-Amz-Signature=****&X-Amz-Credential=****"},
		{"https://h/cb#access_token=abc&state=1", "https://h/cb#access_token=****&state=1"},
		{"https://h/x?client_secret=a;api-key=b", "https://h/x?client_secret=****;api-key=****"},
		{"https://vuln.go.dev", "https://vuln.go.dev"},
		{"https://h/@scope/pkg", "https://h/@scope/pkg"},
		{"file:///srv/db", "file:///srv/db"},
		{"https://h/x?page=2&per_page=100", "https://h/x?page=2&per_page=100"},
	}
	for _, tt := range tests {
		if got := MaskURL(tt.in); got != tt.want {
			t.Errorf("MaskURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := MaskURL(MaskURL(tt.in)); got != tt.want {
			t.Errorf("MaskURL is not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestMaskURLsInText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`go vulnerability database https://ci:PASSWORD@mirror.internal unreachable: Get "https://ci:PASSWORD@mirror.internal/index/db.json.gz": dial tcp: lookup mirror.internal`,
			`go vulnerability database https://****@mirror.internal unreachable: Get "https://****@mirror.internal/index/db.json.gz": dial tcp: lookup mirror.internal`},
		{"open app:hunter22@tcp(db:3306)/app failed", "open app:****@tcp(db:3306)/app failed"},
		{"dsn host=db user=app password=hunter22 dbname=x", "dsn host=db user=app password=**** dbname=x"},
		{"Server=db;User Id=app;Password=hunter22;PWD='x y'", "Server=db;User Id=app;Password=****;PWD=****"},
		{"(see https://x.example/?token=abc).", "(see https://x.example/?token=****)."},
		{"nothing to mask here: a=b, c@d", "nothing to mask here: a=b, c@d"},
	}
	for _, tt := range tests {
		if got := MaskURLs(tt.in); got != tt.want {
			t.Errorf("MaskURLs(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// A URL with credentials in an error, a note, a skipped entry or a finding
// (the --go-vulndb and osv_db regression cases of issue 12) leaves Run masked.
func TestHostileURLCredentialsRedacted(t *testing.T) {
	const pw = "PASSWORDcanary42"
	db := "https://ci:" + pw + "@mirror.internal/"
	deps := fakeScanner{name: ScannerDeps, res: &Result{
		Errors:  []Error{{Message: "go vulnerability database " + db + " unreachable"}},
		Notes:   []string{"go: go.mod audited against " + db + "?token=tok" + pw},
		Skipped: []Skipped{{Path: "requirements.txt", Reason: "index " + db}},
	}, err: nil}
	rep := Run(context.Background(), &Target{Root: "/r", Mode: ModeTree}, []Scanner{deps})
	rep.Notes = append(rep.Notes, "added after Run: "+db)
	rep.Errors = append(rep.Errors, Error{Message: "gate: " + db})
	Redact(rep)
	b, _ := json.Marshal(rep)
	if strings.Contains(string(b), pw) {
		t.Fatalf("the password survived Redact:\n%s", b)
	}
	if !strings.Contains(string(b), "https://****@mirror.internal/") {
		t.Errorf("the masked URL is not in the report:\n%s", b)
	}
}

// A secret in a file name is scrubbed from every path of the report, those
// of notes and errors added after Run (stale suppressions, gate errors)
// included.
func TestHostileSecretInPathRedacted(t *testing.T) {
	const raw = "ghp_PATHcanary0123456789abcdefABCDEF0123"
	p := "config/" + raw + ".txt"
	sec := fakeScanner{name: ScannerSecrets, res: &Result{
		Findings: []Finding{(Finding{Rule: "github-pat", Severity: High, Path: p, Line: 0, Title: "token in a file name", Tags: []string{TagFileName}}).WithRawSecret(raw)},
		Skipped:  []Skipped{{Path: p + ".bak", Reason: "too large"}},
	}}
	cfg := fakeScanner{name: ScannerConfig, res: &Result{
		Findings: []Finding{{Rule: "debug-enabled", Severity: Medium, Path: p, Line: 2, Message: "in " + p}},
		Errors:   []Error{{Path: p, Message: "parse " + p + ": bad"}},
	}}
	rep := Run(context.Background(), &Target{Root: "/r", Mode: ModeTree}, []Scanner{sec, cfg})
	rep.Notes = append(rep.Notes, "warning: stale suppression at "+p+":3 (rule x) matches no finding")
	rep.Findings[0].Reasons = append(rep.Findings[0].Reasons, "baseline entry for "+p)
	Redact(rep)
	b, _ := json.Marshal(rep)
	if strings.Contains(string(b), raw) || strings.Contains(string(b), raw[4:]) {
		t.Fatalf("the secret in the path survived:\n%s", b)
	}
	for _, f := range rep.Findings {
		if f.Path != "config/ghp_****.txt" {
			t.Errorf("path = %q, want the masked name", f.Path)
		}
	}
}

// A short, word-like password found in a file's content (POSTGRES_PASSWORD:
// mealie in the mealie repository) is masked where it stands as a word of
// free text, but not inside the paths and names it is part of: masking it
// there hid nothing and garbled every path ("****-recipes"). The same
// word found in a file name is masked in paths too.
func TestWeakSecretsKeepPaths(t *testing.T) {
	const weak = "mealie"
	sec := fakeScanner{name: ScannerSecrets, res: &Result{
		Findings: []Finding{
			(Finding{Rule: "password-assignment", Severity: High, Path: "mealie/db.py", Line: 3,
				Message: `password "mealie" assigned to POSTGRES_PASSWORD in mealie-recipes`}).WithRawSecret(weak),
		},
	}}
	cfg := fakeScanner{name: ScannerConfig, res: &Result{
		Findings: []Finding{{Rule: "debug-enabled", Severity: Medium, Path: "mealie/app.py", Line: 2, Message: "debug on in mealie/app.py"}},
		Skipped:  []Skipped{{Path: "mealie/big.bin", Reason: "too large"}},
	}}
	rep := Run(context.Background(), &Target{Root: "/src/mealie-recipes+mealie", Mode: ModeTree}, []Scanner{sec, cfg})
	Redact(rep)
	if rep.Root != "/src/mealie-recipes+mealie" {
		t.Errorf("root = %q, want it unchanged", rep.Root)
	}
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.Path, "mealie/") {
			t.Errorf("path = %q, want it unchanged", f.Path)
		}
	}
	if rep.Skipped[0].Path != "mealie/big.bin" {
		t.Errorf("skipped path = %q", rep.Skipped[0].Path)
	}
	var pw Finding
	for _, f := range rep.Findings {
		if f.Rule == "password-assignment" {
			pw = f
		}
	}
	if want := `password "****" assigned to POSTGRES_PASSWORD in ****-recipes`; pw.Message != want {
		t.Errorf("message = %q, want %q", pw.Message, want)
	}
	if pw.Secret != "****" {
		t.Errorf("secret = %q", pw.Secret)
	}

	// Found in a file name, the same word is masked in every path.
	named := fakeScanner{name: ScannerSecrets, res: &Result{
		Findings: []Finding{(Finding{Rule: "password-assignment", Severity: High, Path: "keys/mealie.txt", Tags: []string{TagFileName}}).WithRawSecret(weak)},
	}}
	rep = Run(context.Background(), &Target{Root: "/r", Mode: ModeTree}, []Scanner{named, cfg})
	Redact(rep)
	for _, f := range rep.Findings {
		if strings.Contains(f.Path, weak) {
			t.Errorf("path %q still holds the secret found in a file name", f.Path)
		}
	}
}

func TestReplaceWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{"admin", "X"},
		{"user admin logs in", "user X logs in"},
		{`"admin"`, `"X"`},
		{"administrator", "administrator"},
		{"sysadmin", "sysadmin"},
		{"admin_user", "admin_user"},
		{"admin-panel admin", "X-panel X"},
		{"éadmin", "éadmin"},
	}
	for _, tt := range tests {
		if got := replaceWord(tt.in, "admin", "X"); got != tt.want {
			t.Errorf("replaceWord(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A secret found in content that is also the name of one of the
// repository's folders (a database password equal to the project's
// package name) leaves that folder readable in paths; elsewhere, and when
// the secret was found in a file name, it is masked.
func TestSecretEqualToFolderName(t *testing.T) {
	const pw = "reworkd_platform"
	const named = "ghp_NAMEcanary0123456789abcdefABCDEF0123"
	for _, tt := range []struct{ path, want string }{
		{"platform/reworkd_platform/settings.py", "platform/reworkd_platform/settings.py"},
		{"reworkd_platform/x.py", "reworkd_platform/x.py"},
		{"docs/reworkd_platform.md", "docs/reworkd_platform.md"},
		{"docs/reworkd_platform-notes.md", "docs/" + Mask(pw) + "-notes.md"},
		{"keys/" + named + ".txt", "keys/" + Mask(named) + ".txt"},
		{"a/" + named + "/reworkd_platform/b", "a/" + Mask(named) + "/reworkd_platform/b"},
	} {
		// A token found in content is masked in a path even where it is a
		// whole segment: only name-like secrets are left to folder names.
		tok := "Tok3nValue9876543210xyz"
		rep := NewReport("/r", Tool{}, TargetInfo{Mode: string(ModeTree)})
		rep.Findings = []Finding{
			(Finding{Scanner: ScannerSecrets, Rule: "password-assignment", Path: tt.path, Line: 1, Message: "password " + pw}).WithRawSecret(pw),
			(Finding{Scanner: ScannerSecrets, Rule: "github-pat", Path: "keys/" + named + ".txt", Tags: []string{TagFileName}}).WithRawSecret(named),
			(Finding{Scanner: ScannerSecrets, Rule: "generic-api-key", Path: "tokens/" + tok + ".txt"}).WithRawSecret(tok),
		}
		Redact(rep)
		if got := rep.Findings[2].Path; got != "tokens/"+Mask(tok)+".txt" {
			t.Errorf("a token that is a file's name, found in content: path %q", got)
		}
		if got := rep.Findings[0].Path; got != tt.want {
			t.Errorf("path %q: got %q, want %q", tt.path, got, tt.want)
		}
		if strings.Contains(rep.Findings[0].Message, pw) {
			t.Errorf("message keeps the secret: %q", rep.Findings[0].Message)
		}
	}
}

// A weak secret that is also a word of one of the report's paths is masked
// in free text, but not where the text quotes that path.
func TestWeakSecretInQuotedPath(t *testing.T) {
	const weak = "dispatch"
	rep := NewReport("/r", Tool{}, TargetInfo{Mode: string(ModeTree)})
	rep.Findings = []Finding{
		(Finding{Scanner: ScannerSecrets, Rule: "password-assignment", Path: "src/db.py", Line: 3,
			Message: `password "dispatch" for user dispatch`}).WithRawSecret(weak),
		{Scanner: ScannerSecrets, Rule: "random-uuid", Path: "data/dispatch-sample-data.dump", Line: 8036,
			Message: "Random UUID at data/dispatch-sample-data.dump:8036. Confidence low"},
	}
	Redact(rep)
	if want := `password "****" for user ****`; rep.Findings[0].Message != want {
		t.Errorf("message = %q, want %q", rep.Findings[0].Message, want)
	}
	if want := "Random UUID at data/dispatch-sample-data.dump:8036. Confidence low"; rep.Findings[1].Message != want {
		t.Errorf("message = %q, want %q", rep.Findings[1].Message, want)
	}
}

func TestPathOfToken(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.py:12.":   "a/b.py",
		"(a/b.py:3:4)": "a/b.py",
		`"a/b.py",`:    "a/b.py",
		"a/b.py":       "a/b.py",
		"http://x:80":  "http://x",
	} {
		if got := pathOfToken(in); got != want {
			t.Errorf("pathOfToken(%q) = %q, want %q", in, got, want)
		}
	}
}
