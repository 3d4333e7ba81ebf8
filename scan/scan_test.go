package scan

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

type fakeScanner struct {
	name  string
	res   *Result
	err   error
	panic string
}

func (f fakeScanner) Name() string { return f.name }

func (f fakeScanner) Scan(context.Context, *Target) (*Result, error) {
	if f.panic != "" {
		panic(f.panic)
	}
	return f.res, f.err
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "****"},
		{"short", "****"},
		{"12345678", "****"},
		{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_****"},
		{"éééééééééé", "éééé****"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunRedactsEverywhere(t *testing.T) {
	const canary = "sk_live_CANARY0123456789abcdefXYZ"
	leaky := fakeScanner{name: ScannerSecrets, res: &Result{
		Findings: []Finding{(Finding{
			Rule: "stripe-access-token", Severity: High, Path: "a.py", Line: 3,
			Title:   "Stripe token " + canary,
			Message: "found " + canary + " in a.py",
		}).WithRawSecret(canary)},
		Errors:  []Error{{Message: "could not decode " + canary}},
		Skipped: []Skipped{{Path: "b.bin", Reason: "binary near " + canary}},
		Notes:   []string{"note " + canary},
	}}
	// Another scanner quoting the same value must be scrubbed too.
	other := fakeScanner{name: ScannerConfig, res: &Result{Findings: []Finding{{
		Rule: "hardcoded-secret", Severity: High, Path: "a.py", Line: 3, Message: "literal " + canary,
	}}}}
	rep := Run(context.Background(), &Target{Root: "/r", Mode: ModeTree}, []Scanner{leaky, other})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), canary) {
		t.Fatalf("report contains the canary:\n%s", b)
	}
	if !strings.Contains(string(b), `"secret":"sk_l****"`) {
		t.Errorf("masked secret missing from %s", b)
	}
	for _, f := range rep.Findings {
		if f.raw != "" {
			t.Errorf("finding %s still holds the raw secret", f.Rule)
		}
	}
}

func TestRunIsolatesFailures(t *testing.T) {
	ok := fakeScanner{name: ScannerConfig, res: &Result{Findings: []Finding{{Rule: "r", Severity: Low, Path: "x"}}}}
	failing := fakeScanner{name: ScannerDeps, err: errors.New("database unreachable")}
	panicking := fakeScanner{name: ScannerSecrets, panic: "boom"}
	rep := Run(context.Background(), &Target{Root: "/r"}, []Scanner{ok, failing, panicking})
	if len(rep.Findings) != 1 {
		t.Fatalf("findings = %d, want the healthy scanner's 1", len(rep.Findings))
	}
	if len(rep.Errors) != 2 {
		t.Fatalf("errors = %+v, want 2", rep.Errors)
	}
	if rep.Verdict != Incomplete || rep.ExitCode() != ExitIncomplete {
		t.Errorf("verdict = %s (exit %d), want incomplete (2)", rep.Verdict, rep.ExitCode())
	}
	var panicMsg string
	for _, e := range rep.Errors {
		if e.Scanner == ScannerSecrets {
			panicMsg = e.Message
		}
	}
	if !strings.Contains(panicMsg, "panicked: boom") {
		t.Errorf("panic not reported: %q", panicMsg)
	}
	status := map[string]string{}
	for _, s := range rep.Scanners {
		status[s.Name] = s.Status
	}
	if status[ScannerDeps] != "failed" || status[ScannerSecrets] != "failed" || status[ScannerConfig] != "ok" {
		t.Errorf("scanner statuses = %v", status)
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		name     string
		blocking bool
		errs     bool
		want     Verdict
		code     int
	}{
		{"clean", false, false, Pass, ExitPass},
		{"blocking", true, false, Fail, ExitFail},
		{"incomplete", false, true, Incomplete, ExitIncomplete},
		{"fail wins over incomplete", true, true, Fail, ExitFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport("/r", Tool{}, TargetInfo{})
			r.Findings = append(r.Findings, Finding{Rule: "x", Blocking: tt.blocking})
			if tt.errs {
				r.Errors = append(r.Errors, Error{Scanner: "deps", Message: "x"})
			}
			r.Decide()
			if r.Verdict != tt.want || r.ExitCode() != tt.code {
				t.Errorf("got %s/%d, want %s/%d", r.Verdict, r.ExitCode(), tt.want, tt.code)
			}
		})
	}
}

func TestRunKeepsOnlyChangedLines(t *testing.T) {
	s := fakeScanner{name: ScannerConfig, res: &Result{Findings: []Finding{
		{Rule: "a", Path: "app.py", Line: 3},
		{Rule: "b", Path: "app.py", Line: 10},
		{Rule: "c", Path: "new.py", Line: 7},
		{Rule: "d", Path: "untouched.py", Line: 1},
		{Rule: "e", Path: "gone.py", Line: 4, Commit: "abc123"}, // from a commit: kept
	}}}
	changed := Changes{"app.py": {{Start: 2, End: 4}}, "new.py": nil}
	rep := Run(context.Background(), &Target{Root: "/r", Changed: changed}, []Scanner{s})
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Rule)
	}
	if strings.Join(got, ",") != "a,e,c" {
		t.Errorf("kept %v, want [a e c]", got)
	}
}

func TestEmptyReportJSONHasArrays(t *testing.T) {
	b, err := json.Marshal(NewReport("/r", Tool{Name: "pipeguard"}, TargetInfo{Mode: "tree"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"findings":[]`, `"errors":[]`, `"skipped":[]`, `"verdict":"pass"`, `"version":1`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("empty report JSON lacks %s: %s", key, b)
		}
	}
}

func TestFingerprintIsContentBased(t *testing.T) {
	a := Fingerprint("github-pat", "app/config.py", HashSecret("ghp_x"))
	b := Fingerprint("github-pat", "app/config.py", HashSecret("ghp_x"))
	c := Fingerprint("github-pat", "app/config.py", HashSecret("ghp_y"))
	// Parts are separated, so shifting a boundary changes the fingerprint.
	d := Fingerprint("github-pa", "tapp/config.py", HashSecret("ghp_x"))
	if a != b || a == c || a == d {
		t.Errorf("fingerprints: a=%s b=%s c=%s d=%s", a, b, c, d)
	}
	if strings.Contains(a, "ghp_x") || len(a) != 32 {
		t.Errorf("fingerprint %q", a)
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []string{"critical", "HIGH", " medium ", "low", "info"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Errorf("ParseSeverity(%q): %v", s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) succeeded")
	}
	if !High.AtLeast(Medium) || Low.AtLeast(Medium) || Severity("").AtLeast(Info) {
		t.Error("AtLeast ordering is wrong")
	}
}

func TestHasID(t *testing.T) {
	dep := Finding{Rule: "PYSEC-2021-100", Dependency: &Dependency{Aliases: []string{"CVE-2021-32677", "GHSA-8h2j-cgx8-6xv7"}}}
	plain := Finding{Rule: "github-pat"}
	tests := []struct {
		f    Finding
		id   string
		want bool
	}{
		{dep, "PYSEC-2021-100", true},
		{dep, "cve-2021-32677", true},
		{dep, "GHSA-8h2j-cgx8-6xv7", true},
		{dep, "CVE-2020-0001", false},
		{plain, "github-pat", true},
		{plain, "GitHub-PAT", true},
		{plain, "generic-api-key", false},
	}
	for _, tt := range tests {
		if got := tt.f.HasID(tt.id); got != tt.want {
			t.Errorf("%s.HasID(%q) = %v, want %v", tt.f.Rule, tt.id, got, tt.want)
		}
	}
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{Path: "b.py", Line: 1, Scanner: "config", Rule: "r"},
		{Path: "a.py", Line: 9, Scanner: "secrets", Rule: "x", Commit: "2"},
		{Path: "a.py", Line: 9, Scanner: "secrets", Rule: "x", Commit: "1"},
		{Path: "a.py", Line: 9, Scanner: "config", Rule: "z"},
		{Path: "a.py", Line: 2, Scanner: "secrets", Rule: "y"},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Path+":"+strconv.Itoa(f.Line)+":"+f.Scanner+":"+f.Rule+":"+f.Commit)
	}
	want := "a.py:2:secrets:y: a.py:9:config:z: a.py:9:secrets:x:1 a.py:9:secrets:x:2 b.py:1:config:r:"
	if strings.Join(got, " ") != want {
		t.Errorf("order:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

// TestRunRedactsLeftOutSecrets checks that a secret whose finding falls
// outside the changed lines is still scrubbed from what other scanners say.
func TestRunRedactsLeftOutSecrets(t *testing.T) {
	const canary = "ghp_LEFTOUTcanary0123456789abcdefghijklm"
	leak := fakeScanner{name: ScannerSecrets, res: &Result{Findings: []Finding{
		(Finding{Rule: "github-pat", Path: "old.py", Line: 40}).WithRawSecret(canary),
	}}}
	quoting := fakeScanner{name: ScannerDeps, res: &Result{
		Errors: []Error{{Message: "cannot parse requirements.txt line 3: git+https://" + canary + "@github.com/x/y", Path: "requirements.txt"}},
		Findings: []Finding{{Rule: "PYSEC-1", Path: "requirements.txt", Line: 3,
			Dependency: &Dependency{Name: "y", Manifest: "requirements.txt", CallPath: []string{"x " + canary}},
			References: []string{"https://example.com/?t=" + canary}}},
	}}
	rep := Run(context.Background(), &Target{Root: "/r", Changed: Changes{"requirements.txt": nil}}, []Scanner{leak, quoting})
	b, _ := json.Marshal(rep)
	if strings.Contains(string(b), canary) {
		t.Fatalf("the report quotes a secret whose finding was left out:\n%s", b)
	}
	if len(rep.Findings) != 1 {
		t.Errorf("findings %d, want the deps one only", len(rep.Findings))
	}
}

// stuckScanner never returns on its own and ignores its context, as a
// computation that does not look at it would.
type stuckScanner struct{ release chan struct{} }

func (stuckScanner) Name() string { return ScannerConfig }

func (s stuckScanner) Scan(context.Context, *Target) (*Result, error) {
	<-s.release
	return &Result{Findings: []Finding{{Rule: "late", Severity: High, Path: "a.py", Line: 1}}}, nil
}

// An interrupt ends the run even when a scanner does not stop: Run waits
// InterruptGrace, then reports that scanner as interrupted, without its
// results, beside the scanners that did finish.
func TestRunInterruptLeavesStuckScanner(t *testing.T) {
	defer func(g time.Duration) { InterruptGrace = g }(InterruptGrace)
	InterruptGrace = 10 * time.Millisecond
	stuck := stuckScanner{release: make(chan struct{})}
	defer close(stuck.release)
	quick := fakeScanner{name: ScannerSecrets, res: &Result{Findings: []Finding{{Rule: "r", Severity: Low, Path: "b.py", Line: 2}}}}

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	rep := Run(ctx, &Target{Root: "/r", Mode: ModeTree}, []Scanner{quick, stuck})
	if !rep.Interrupted {
		t.Error("report not marked interrupted")
	}
	status := map[string]string{}
	for _, r := range rep.Scanners {
		status[r.Name] = r.Status
	}
	if status[ScannerConfig] != "interrupted" || status[ScannerSecrets] != "ok" {
		t.Errorf("scanner status = %v, want config interrupted and secrets ok", status)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Rule != "r" {
		t.Errorf("findings = %+v, want the finished scanner's only", rep.Findings)
	}
}
