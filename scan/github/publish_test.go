package github

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

const (
	testToken = "ghs_TESTtoken0123456789abcdefTOKENxyz"
	// canary is a planted secret: no request body may contain it.
	canary = "AKIAPGCANARY7Q3XK2LM"
)

// prRepo builds a repository with a base commit and a head commit that
// changes app/config.py lines 3-4 and adds app/new.py.
func prRepo(t *testing.T) (dir, base, head string) {
	t.Helper()
	r := gittest.New(t)
	dir = r.Dir
	r.Write("app/config.py", "import os\nDEBUG = False\nREGION = 'eu'\n")
	r.Write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n")
	base = r.Commit("base")
	r.Write("app/config.py", "import os\nDEBUG = False\nAWS_KEY = 'x'\nREGION = 'us'\n")
	r.Write("app/new.py", "print('hi')\n")
	head = r.Commit("head")
	return dir, base, head
}

// eventFile writes the pull_request fixture with the given commits.
func eventFile(t *testing.T, base, head string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/github/pull_request.json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(strings.ReplaceAll(string(data), "BASE_SHA", base), "HEAD_SHA", head)
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeScanner returns fixed findings, as a real scanner would.
type fakeScanner struct {
	name     string
	findings []scan.Finding
}

func (s fakeScanner) Name() string { return s.name }

func (s fakeScanner) Scan(context.Context, *scan.Target) (*scan.Result, error) {
	return &scan.Result{Findings: s.findings}, nil
}

// secretFinding is a leaked key at path:line whose raw value is the canary.
func secretFinding(path string, line int) scan.Finding {
	return scan.Finding{
		Scanner: scan.ScannerSecrets, Rule: "aws-access-token", Severity: scan.High,
		Title: "AWS access key", Message: "AWS access key " + canary + " committed",
		Path: path, Line: line, EndLine: line, Blocking: true,
		Fingerprint: scan.Fingerprint("aws-access-token", path, scan.HashSecret(canary)),
		Remediation: "Revoke the key and load it from the environment",
	}.WithRawSecret(canary)
}

// buildReport runs scan.Run over root, so that redaction happens as in production.
func buildReport(t *testing.T, root string, scanners ...scan.Scanner) *scan.Report {
	t.Helper()
	return scan.Run(context.Background(), &scan.Target{Root: root, Mode: scan.ModeTree}, scanners)
}

// standardReport has a blocking secret on a changed line, a warning on an
// unchanged line, and a suppressed finding.
func standardReport(t *testing.T, root string) *scan.Report {
	t.Helper()
	rep := buildReport(t, root,
		fakeScanner{name: scan.ScannerSecrets, findings: []scan.Finding{secretFinding("app/config.py", 3)}},
		fakeScanner{name: scan.ScannerConfig, findings: []scan.Finding{
			{Rule: "fastapi-docs-public", Severity: scan.Medium, Title: "Docs exposed", Message: "/docs is public",
				Path: "app/main.py", Line: 2, Fingerprint: "fp-docs"},
			{Rule: "cors-wildcard", Severity: scan.Low, Title: "CORS wildcard", Message: "allow_origins=*",
				Path: "app/main.py", Line: 1, Fingerprint: "fp-cors"},
		}},
	)
	for i := range rep.Findings {
		if rep.Findings[i].Rule == "cors-wildcard" {
			rep.Findings[i].Suppression = &scan.Suppression{Kind: "inline", Reason: "internal only", Owner: "team-api", Source: "app/main.py:1"}
		}
	}
	return rep
}

type envMap map[string]string

func (e envMap) get(k string) string { return e[k] }

func prEnv(api *fakeAPI, event string) envMap {
	return envMap{
		"GITHUB_ACTIONS":    "true",
		"GITHUB_API_URL":    api.URL(),
		"GITHUB_SERVER_URL": "https://github.example",
		"GITHUB_REPOSITORY": api.owner + "/" + api.repo,
		"GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_EVENT_PATH": event,
		"GITHUB_SHA":        "ffffffffffffffffffffffffffffffffffffffff",
		"GITHUB_REF":        fmt.Sprintf("refs/pull/%d/merge", api.pr),
		"GITHUB_TOKEN":      testToken,
	}
}

// publish runs Publish with a fake clock, annotations to a buffer and a step summary file.
func publish(t *testing.T, rep *scan.Report, env envMap, opts Options) (*Outcome, *fakeClock, string, string) {
	t.Helper()
	clock := newFakeClock()
	summary := filepath.Join(t.TempDir(), "step_summary.md")
	env["GITHUB_STEP_SUMMARY"] = summary
	var stdout bytes.Buffer
	opts.Env = env.get
	opts.Stdout = &stdout
	opts.Clock = clock
	out, err := Publish(context.Background(), rep, opts)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	sum, _ := os.ReadFile(summary)
	return out, clock, stdout.String(), string(sum)
}

// assertClean fails if any request carries the canary or the token in its
// body or URL, or if any warning quotes the token.
func assertClean(t *testing.T, api *fakeAPI, out *Outcome) {
	t.Helper()
	for _, r := range api.allRequests() {
		for _, s := range []string{r.Body, r.Path, r.Query} {
			if strings.Contains(s, canary) {
				t.Errorf("%s %s carries the canary secret", r.Method, r.Path)
			}
			if strings.Contains(s, testToken) {
				t.Errorf("%s %s carries the token outside the Authorization header", r.Method, r.Path)
			}
		}
	}
	if out != nil {
		for _, w := range out.Warnings {
			if strings.Contains(w, testToken) || strings.Contains(w, canary) {
				t.Errorf("warning quotes a secret: %s", w)
			}
		}
	}
}

func TestPublishPullRequestRuns(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	env := prEnv(api, eventFile(t, base, head))
	rep := standardReport(t, dir)
	if rep.Verdict != scan.Fail {
		t.Fatalf("fixture verdict %s, want fail", rep.Verdict)
	}

	// Run 1: one summary comment and one review with one inline comment.
	out, _, annotations, stepSummary := publish(t, rep, env, Options{})
	assertClean(t, api, out)
	if len(out.Warnings) != 0 {
		t.Errorf("warnings: %q", out.Warnings)
	}
	if out.Comment != "created" || out.Inline != 1 || out.InlineLeftOut != 0 {
		t.Errorf("outcome = %+v, want comment created and 1 inline", out)
	}
	if n := len(api.calls("POST", `/issues/7/comments$`)); n != 1 {
		t.Errorf("%d comment creations, want 1", n)
	}
	reviews := api.calls("POST", `/pulls/7/reviews$`)
	if len(reviews) != 1 {
		t.Fatalf("%d reviews, want 1", len(reviews))
	}
	var review struct {
		CommitID string `json:"commit_id"`
		Event    string `json:"event"`
		Comments []struct {
			Path, Side, Body string
			Line             int
		} `json:"comments"`
	}
	if err := json.Unmarshal([]byte(reviews[0].Body), &review); err != nil {
		t.Fatal(err)
	}
	if review.CommitID != head || review.Event != "COMMENT" || len(review.Comments) != 1 {
		t.Fatalf("review = %+v", review)
	}
	c := review.Comments[0]
	fp := rep.Findings[0].Fingerprint
	if c.Path != "app/config.py" || c.Line != 3 || c.Side != "RIGHT" || !strings.Contains(c.Body, "<!-- pipeguard:fp="+fp+" -->") {
		t.Errorf("inline comment = %+v", c)
	}
	if !strings.Contains(c.Body, scan.Mask(canary)) {
		t.Errorf("inline comment lacks the masked secret: %s", c.Body)
	}
	comments := api.issueComments()
	body := comments[0].Body
	for _, want := range []string{SummaryMarker, "pipeguard failed", "https://github.example/acme/api/blob/" + head + "/app/config.py#L3",
		"internal only", "Scanned commit " + head[:12]} {
		if !strings.Contains(body, want) {
			t.Errorf("summary comment lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(annotations, "::error file=app/config.py,line=3") {
		t.Errorf("annotations = %q", annotations)
	}
	if !strings.Contains(stepSummary, "pipeguard failed") || strings.Contains(stepSummary, SummaryMarker) {
		t.Errorf("step summary = %q", stepSummary)
	}
	for _, r := range api.allRequests() {
		if r.Auth != "Bearer "+testToken {
			t.Errorf("%s %s sent Authorization %q", r.Method, r.Path, r.Auth)
		}
	}

	// Run 2, after a new push: the comment is edited, the inline comment not repeated.
	r := gittest.Open(t, dir)
	r.Write("app/new.py", "print('hello')\n")
	head2 := r.Commit("more")
	env = prEnv(api, eventFile(t, base, head2))
	out, _, _, _ = publish(t, standardReport(t, dir), env, Options{})
	assertClean(t, api, out)
	if out.Comment != "updated" || out.Inline != 0 || out.InlineExisting != 1 {
		t.Errorf("run 2 outcome = %+v, want updated, 0 posted, 1 existing", out)
	}
	if n := len(api.calls("POST", `/issues/7/comments$`)); n != 1 {
		t.Errorf("run 2: %d comment creations in all, want 1", n)
	}
	if n := len(api.calls("PATCH", `/issues/comments/\d+$`)); n != 1 {
		t.Errorf("run 2: %d edits, want 1", n)
	}
	if n := len(api.calls("POST", `/reviews$`)); n != 1 {
		t.Errorf("run 2: %d reviews in all, want 1 (no duplicate inline comment)", n)
	}
	if n := len(api.reviewComments()); n != 1 {
		t.Errorf("%d review comments, want 1", n)
	}

	// Run 3, same commit and findings: nothing to edit.
	out, _, _, _ = publish(t, standardReport(t, dir), env, Options{})
	if out.Comment != "unchanged" {
		t.Errorf("run 3 comment = %q, want unchanged", out.Comment)
	}
	if n := len(api.calls("PATCH", `/issues/comments/\d+$`)); n != 1 {
		t.Errorf("run 3: %d edits in all, want 1", n)
	}

	// Run 4: the secret is fixed; the summary says so instead of disappearing.
	fixed := buildReport(t, dir, fakeScanner{name: scan.ScannerSecrets})
	out, _, _, _ = publish(t, fixed, env, Options{})
	if out.Comment != "updated" {
		t.Errorf("run 4 comment = %q, want updated", out.Comment)
	}
	comments = api.issueComments()
	if len(comments) != 1 {
		t.Fatalf("%d comments, want 1", len(comments))
	}
	if b := comments[0].Body; !strings.Contains(b, "is fixed") || !strings.Contains(b, "pipeguard passed") {
		t.Errorf("fixed summary = %s", b)
	}
	assertClean(t, api, out)
}

func TestPublishForbiddenFallsBack(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	forbidden := `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment"}`
	api.fail("POST", `/issues/7/comments$`, 10, 403, nil, forbidden)
	api.fail("POST", `/reviews$`, 10, 403, nil, forbidden)
	rep := standardReport(t, dir)
	code := rep.ExitCode()
	out, clock, annotations, stepSummary := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	assertClean(t, api, out)
	if rep.ExitCode() != code || rep.Verdict != scan.Fail {
		t.Errorf("publishing changed the verdict: %s, exit %d", rep.Verdict, rep.ExitCode())
	}
	if out.Comment != "" || out.Inline != 0 {
		t.Errorf("outcome = %+v, want nothing posted", out)
	}
	if len(out.Warnings) != 2 {
		t.Fatalf("warnings = %q, want 2", out.Warnings)
	}
	for _, w := range out.Warnings {
		if !strings.Contains(w, "403") || !strings.Contains(w, "pull-requests: write") {
			t.Errorf("warning does not name the permission: %s", w)
		}
	}
	if !out.Annotations || !strings.Contains(annotations, "::error file=app/config.py,line=3") {
		t.Errorf("no annotations to fall back on: %q", annotations)
	}
	if !out.StepSummary || !strings.Contains(stepSummary, "Blocking findings") {
		t.Errorf("no step summary to fall back on: %q", stepSummary)
	}
	if n := len(api.calls("POST", `/issues/7/comments$`)); n != 1 {
		t.Errorf("a 403 was retried: %d attempts", n)
	}
	if len(clock.slept()) != 0 {
		t.Errorf("waited %v on a permission error", clock.slept())
	}
}

func TestPublishRetries(t *testing.T) {
	secondary := `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	tests := []struct {
		name     string
		method   string
		path     string
		status   int
		header   func(now time.Time) map[string]string
		body     string
		wantWait time.Duration
		// wantCalls is how many requests matching method+path the run makes.
		wantCalls int
	}{
		{"502 then 200 on a listing", "GET", `/issues/7/comments$`, 502, nil, `{"message":"Server Error"}`, time.Second, 2},
		{"502 on creating the comment: relisted, created once", "POST", `/issues/7/comments$`, 502, nil, `{"message":"Server Error"}`, time.Second, 2},
		{"secondary limit with Retry-After", "POST", `/reviews$`, 403,
			func(time.Time) map[string]string { return map[string]string{"Retry-After": "7"} }, secondary, 7 * time.Second, 2},
		{"secondary limit with X-RateLimit-Reset", "GET", `/pulls/7/comments$`, 429,
			func(now time.Time) map[string]string {
				return map[string]string{"X-RateLimit-Reset": strconv.FormatInt(now.Add(42*time.Second).Unix(), 10)}
			}, secondary, 42 * time.Second, 2},
		{"primary limit waits for the reset", "GET", `/issues/7/comments$`, 403,
			func(now time.Time) map[string]string {
				return map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Add(90*time.Second).Unix(), 10)}
			}, `{"message":"API rate limit exceeded for installation ID 1."}`, 91 * time.Second, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, base, head := prRepo(t)
			api := newFakeAPI(t, testToken)
			clock := newFakeClock()
			api.now = clock.Now
			var h map[string]string
			if tt.header != nil {
				h = tt.header(clock.Now())
			}
			api.fail(tt.method, tt.path, 1, tt.status, h, tt.body)
			env := prEnv(api, eventFile(t, base, head))
			summary := filepath.Join(t.TempDir(), "summary.md")
			env["GITHUB_STEP_SUMMARY"] = summary
			out, err := Publish(context.Background(), standardReport(t, dir), Options{Env: env.get, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			assertClean(t, api, out)
			if len(out.Warnings) != 0 {
				t.Errorf("warnings: %q", out.Warnings)
			}
			if out.Comment != "created" || out.Inline != 1 {
				t.Errorf("outcome = %+v", out)
			}
			if n := len(api.issueComments()); n != 1 {
				t.Errorf("%d comments, want 1", n)
			}
			if n := len(api.reviewComments()); n != 1 {
				t.Errorf("%d review comments, want 1", n)
			}
			if n := len(api.calls(tt.method, tt.path)); n != tt.wantCalls {
				t.Errorf("%d %s requests, want %d", n, tt.method, tt.wantCalls)
			}
			slept := clock.slept()
			if len(slept) != 1 || slept[0] < tt.wantWait-time.Second || slept[0] > tt.wantWait+time.Second {
				t.Errorf("waited %v, want one wait of about %v", slept, tt.wantWait)
			}
		})
	}
}

// A successful response that exhausts the quota must not make go-github
// refuse the next call locally: the transport waits for the reset instead.
func TestPublishWaitsAfterLastQuota(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	clock := newFakeClock()
	api.now = clock.Now
	reset := strconv.FormatInt(clock.Now().Add(30*time.Second).Unix(), 10)
	api.fail("GET", `/pulls/7/comments$`, 1, 200, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, `[]`)
	env := prEnv(api, eventFile(t, base, head))
	out, err := Publish(context.Background(), standardReport(t, dir), Options{Env: env.get, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Warnings) != 0 || out.Comment != "created" || out.Inline != 1 {
		t.Errorf("outcome = %+v", out)
	}
	if s := clock.slept(); len(s) != 1 || s[0] < 30*time.Second || s[0] > 32*time.Second {
		t.Errorf("waited %v, want about 31s once", s)
	}
}

func TestPublishBudget(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	clock := newFakeClock()
	api.now = clock.Now
	reset := strconv.FormatInt(clock.Now().Add(time.Hour).Unix(), 10)
	api.fail("GET", `/comments$`, 100, 403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, `{"message":"API rate limit exceeded"}`)
	env := prEnv(api, eventFile(t, base, head))
	out, err := Publish(context.Background(), standardReport(t, dir), Options{Env: env.get, Clock: clock, Budget: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Warnings) == 0 || !strings.Contains(strings.Join(out.Warnings, "\n"), "rate limit") {
		t.Errorf("warnings = %q, want a rate limit warning", out.Warnings)
	}
	var total time.Duration
	for _, d := range clock.slept() {
		total += d
	}
	if total > 2*time.Minute {
		t.Errorf("waited %v beyond the 2m budget", total)
	}
	if n := len(api.calls("GET", `/comments$`)); n > 2 {
		t.Errorf("%d requests after the budget ran out", n)
	}
}

func TestPublishPagination(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	rep := standardReport(t, dir)
	for i := range 130 {
		if i == 117 {
			api.addIssueComment(SummaryMarker + "\nold summary")
			continue
		}
		api.addIssueComment(fmt.Sprintf("comment %d", i))
	}
	want := api.issueComments()[117].ID
	// Review comments over two pages too, pipeguard's on the second.
	for i := range 101 {
		api.review = append(api.review, apiComment{ID: int64(i + 1), Body: fmt.Sprintf("review note %d", i), Path: "app/new.py", Line: 1})
	}
	api.review = append(api.review, apiComment{ID: 5000, User: api.self(), Body: inlineBody(rep.Findings[0]), Path: "app/config.py", Line: 3})

	out, _, _, _ := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	assertClean(t, api, out)
	if out.Comment != "updated" || out.Inline != 0 || out.InlineExisting != 1 {
		t.Errorf("outcome = %+v", out)
	}
	if len(api.calls("POST", "")) != 0 {
		t.Errorf("created something: %+v", api.calls("POST", ""))
	}
	edits := api.calls("PATCH", "")
	if len(edits) != 1 || edits[0].Path != fmt.Sprintf("/repos/acme/api/issues/comments/%d", want) {
		t.Errorf("edits = %+v, want comment %d", edits, want)
	}
	for _, p := range []string{`/issues/7/comments$`, `/pulls/7/comments$`} {
		var pages []string
		for _, r := range api.calls("GET", p) {
			pages = append(pages, r.Query)
		}
		if len(pages) != 2 || !strings.Contains(pages[1], "page=2") {
			t.Errorf("%s fetched %q, want two pages", p, pages)
		}
	}
}

func TestPublishInlineCap(t *testing.T) {
	r := gittest.New(t)
	dir := r.Dir
	r.Write("keys.env", "\n")
	base := r.Commit("base")
	var lines []string
	var fs []scan.Finding
	for i := range 35 {
		lines = append(lines, fmt.Sprintf("KEY_%d=v", i))
		fs = append(fs, scan.Finding{Rule: "generic-api-key", Severity: scan.High, Title: "key", Path: "keys.env",
			Line: i + 1, Blocking: true, Fingerprint: fmt.Sprintf("fp%02d", i)})
	}
	r.Write("keys.env", strings.Join(lines, "\n")+"\n")
	head := r.Commit("keys")
	api := newFakeAPI(t, testToken)
	rep := buildReport(t, dir, fakeScanner{name: scan.ScannerSecrets, findings: fs})
	out, _, _, _ := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	if out.Inline != DefaultMaxInline || out.InlineLeftOut != 35-DefaultMaxInline {
		t.Errorf("outcome = %+v, want %d posted and %d left out", out, DefaultMaxInline, 35-DefaultMaxInline)
	}
	if n := len(api.reviewComments()); n != DefaultMaxInline {
		t.Errorf("%d review comments, want %d", n, DefaultMaxInline)
	}
	if body := api.issueComments()[0].Body; !strings.Contains(body, "5 new findings were left out") {
		t.Errorf("summary does not say how many were left out:\n%s", body)
	}
	// The next run posts the five left out, and only those.
	out, _, _, _ = publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	if out.Inline != 5 || out.InlineExisting != DefaultMaxInline {
		t.Errorf("second run = %+v, want the 5 left out", out)
	}
}

func TestPublishExplainsStatus(t *testing.T) {
	dir, base, head := prRepo(t)
	tests := []struct {
		name  string
		env   func(envMap)
		wants []string
	}{
		{"bad token", func(e envMap) { e["GITHUB_TOKEN"] = "ghp_wrongWRONGwrong0123456789" }, []string{"401", "GITHUB_TOKEN"}},
		{"token from another variable", func(e envMap) {
			delete(e, "GITHUB_TOKEN")
			e["PG_TOKEN"] = "ghp_otherOTHERother0123456789"
		}, []string{"401", "PG_TOKEN"}},
		{"unknown repository", func(e envMap) { e["GITHUB_REPOSITORY"] = "acme/other" }, []string{"404", "acme/other", "pull request #7", "not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, testToken)
			env := prEnv(api, eventFile(t, base, head))
			tt.env(env)
			opts := Options{}
			if env["PG_TOKEN"] != "" {
				opts.TokenEnv = "PG_TOKEN"
			}
			out, _, _, _ := publish(t, standardReport(t, dir), env, opts)
			if len(out.Warnings) == 0 {
				t.Fatal("no warning")
			}
			all := strings.Join(out.Warnings, "\n")
			for _, w := range tt.wants {
				if !strings.Contains(all, w) {
					t.Errorf("warnings lack %q:\n%s", w, all)
				}
			}
			for _, tok := range []string{env["GITHUB_TOKEN"], env["PG_TOKEN"]} {
				if tok != "" && strings.Contains(all, tok) {
					t.Errorf("warning quotes the token:\n%s", all)
				}
			}
		})
	}
}

func TestPublishPushUploadsSARIF(t *testing.T) {
	dir, _, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	env := prEnv(api, "../../testdata/github/push.json")
	env["GITHUB_EVENT_NAME"] = "push"
	env["GITHUB_SHA"] = head
	env["GITHUB_REF"] = "refs/heads/main"
	rep := standardReport(t, dir)
	out, _, annotations, stepSummary := publish(t, rep, env, Options{UploadSARIF: true})
	assertClean(t, api, out)
	if len(out.Warnings) != 0 {
		t.Errorf("warnings: %q", out.Warnings)
	}
	if n := len(api.calls("", `/issues/|/pulls/`)); n != 0 {
		t.Errorf("a push made %d pull request calls", n)
	}
	if !strings.Contains(annotations, "::error file=app/config.py") || !strings.Contains(stepSummary, "pipeguard failed") {
		t.Errorf("annotations %q / step summary %q", annotations, stepSummary)
	}
	if out.SARIFID != "sarif-1" || len(api.sarifs) != 1 {
		t.Fatalf("SARIF id %q, %d uploads", out.SARIFID, len(api.sarifs))
	}
	up := api.sarifs[0]
	if up["commit_sha"] != head || up["ref"] != "refs/heads/main" || up["tool_name"] != "pipeguard" {
		t.Errorf("upload = commit %v ref %v tool %v", up["commit_sha"], up["ref"], up["tool_name"])
	}
	zipped, err := base64.StdEncoding.DecodeString(up["sarif"].(string))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(doc, &sarif); err != nil {
		t.Fatal(err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) == 0 {
		t.Errorf("uploaded SARIF = %.200s", doc)
	}
	if bytes.Contains(doc, []byte(canary)) {
		t.Error("uploaded SARIF carries the canary")
	}
}

func TestPublishWithoutToken(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	env := prEnv(api, eventFile(t, base, head))
	delete(env, "GITHUB_TOKEN")
	out, _, annotations, stepSummary := publish(t, standardReport(t, dir), env, Options{})
	if len(api.allRequests()) != 0 {
		t.Errorf("%d requests without a token", len(api.allRequests()))
	}
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "GITHUB_TOKEN") {
		t.Errorf("warnings = %q", out.Warnings)
	}
	if annotations == "" || stepSummary == "" {
		t.Error("no annotations or step summary without a token")
	}
}

func TestPublishOutsideActions(t *testing.T) {
	rep := buildReport(t, t.TempDir(), fakeScanner{name: scan.ScannerSecrets})
	var stdout bytes.Buffer
	out, err := Publish(context.Background(), rep, Options{Env: envMap{}.get, Stdout: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "GITHUB_REPOSITORY") {
		t.Errorf("warnings = %q", out.Warnings)
	}
	if _, err := Publish(context.Background(), nil, Options{}); err == nil {
		t.Error("nil report: no error")
	}
}

func TestPublishEnterpriseServer(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	api.prefix = "/api/v3"
	env := prEnv(api, eventFile(t, base, head))
	env["GITHUB_SERVER_URL"] = "https://ghe.example.com"
	out, _, _, _ := publish(t, standardReport(t, dir), env, Options{})
	if len(out.Warnings) != 0 || out.Comment != "created" || out.Inline != 1 {
		t.Fatalf("outcome = %+v", out)
	}
	for _, r := range api.allRequests() {
		if !strings.HasPrefix(r.Path, "/api/v3/repos/acme/api/") && r.Path != "/api/v3/user" {
			t.Errorf("request outside the GHES API path: %s %s", r.Method, r.Path)
		}
	}
	if body := api.issueComments()[0].Body; !strings.Contains(body, "https://ghe.example.com/acme/api/blob/"+head+"/app/config.py#L3") {
		t.Errorf("links do not point at the server:\n%s", body)
	}
}

// With a shallow clone the base commit is missing: the changed lines come
// from GitHub's diff of the pull request instead.
func TestPublishShallowCloneUsesAPIDiff(t *testing.T) {
	dir, _, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	api.files = []apiFile{
		{Filename: "app/config.py", Status: "modified", Patch: "@@ -1,3 +1,4 @@\n import os\n DEBUG = False\n-REGION = 'eu'\n+AWS_KEY = 'x'\n+REGION = 'us'"},
		{Filename: "app/old.py", Status: "removed", Patch: "@@ -1 +0,0 @@\n-x"},
	}
	missing := "0123456789abcdef0123456789abcdef01234567"
	out, _, _, _ := publish(t, standardReport(t, dir), prEnv(api, eventFile(t, missing, head)), Options{})
	if out.Inline != 1 || out.Comment != "created" {
		t.Fatalf("outcome = %+v", out)
	}
	if rc := api.reviewComments(); len(rc) != 1 || rc[0].Path != "app/config.py" || rc[0].Line != 3 {
		t.Errorf("review comments = %+v", rc)
	}
	if n := len(api.calls("GET", `/pulls/7/files$`)); n != 1 {
		t.Errorf("%d file listings, want 1", n)
	}
}

// When GitHub refuses the review because a line is not in its diff, the
// changed lines are taken from GitHub's diff and the review posted again
// without that line.
func TestPublishReviewRefusedLine(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	api.diff = map[string][]int{"app/config.py": {4}}
	api.files = []apiFile{{Filename: "app/config.py", Status: "modified", Patch: "@@ -3,1 +3,2 @@\n REGION = 'eu'\n+REGION = 'us'"}}
	rep := buildReport(t, dir, fakeScanner{name: scan.ScannerSecrets, findings: []scan.Finding{
		secretFinding("app/config.py", 3),
		{Rule: "region", Severity: scan.Low, Title: "region", Path: "app/config.py", Line: 4, Fingerprint: "fp-region"},
	}})
	out, _, _, _ := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	if len(out.Warnings) != 0 || out.Inline != 1 {
		t.Fatalf("outcome = %+v", out)
	}
	if rc := api.reviewComments(); len(rc) != 1 || rc[0].Line != 4 {
		t.Errorf("review comments = %+v", rc)
	}
	if n := len(api.calls("POST", `/reviews$`)); n != 2 {
		t.Errorf("%d review posts, want 2 (refused, then without the line)", n)
	}
}

// A scan of a subfolder has paths relative to it; GitHub wants repository paths.
func TestPublishSubfolder(t *testing.T) {
	dir, base, head := prRepo(t)
	if got := RepoPrefix(context.Background(), filepath.Join(dir, "app")); got != "app" {
		t.Fatalf("RepoPrefix = %q, want app", got)
	}
	api := newFakeAPI(t, testToken)
	rep := buildReport(t, filepath.Join(dir, "app"), fakeScanner{name: scan.ScannerSecrets, findings: []scan.Finding{secretFinding("config.py", 3)}})
	out, _, annotations, _ := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	if out.Inline != 1 {
		t.Fatalf("outcome = %+v", out)
	}
	if rc := api.reviewComments(); rc[0].Path != "app/config.py" {
		t.Errorf("review comment on %q, want app/config.py", rc[0].Path)
	}
	if !strings.Contains(annotations, "file=app/config.py,line=3") {
		t.Errorf("annotations = %q", annotations)
	}
	if body := api.issueComments()[0].Body; !strings.Contains(body, "/blob/"+head+"/app/config.py#L3") {
		t.Errorf("summary links:\n%s", body)
	}
}
