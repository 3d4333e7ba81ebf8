package github

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// The summary comment is found by its marker and its author: a comment by
// someone else that starts with the marker is never edited, and pipeguard
// keeps its own (issue 12, item 15). The Actions token cannot call
// GET /user: its comments are github-actions[bot]'s.
func TestHostileSpoofedSummaryComment(t *testing.T) {
	for _, login := range []string{"", "ci-bot"} { // the Actions token, a personal token
		t.Run("token of "+map[string]string{"": actionsBot, "ci-bot": "ci-bot"}[login], func(t *testing.T) {
			dir, base, head := prRepo(t)
			api := newFakeAPI(t, testToken)
			api.login = login
			spoof := SummaryMarker + "\n✅ pipeguard: everything passes, merge away"
			mallory := api.addIssueCommentBy(&apiUser{Login: "mallory", Type: "User"}, spoof)
			other := "github-actions[bot]"
			if login == "" {
				other = "someone-else[bot]"
			}
			bot := api.addIssueCommentBy(&apiUser{Login: other, Type: "Bot"}, SummaryMarker+"\nanother tool's copy")
			env := prEnv(api, eventFile(t, base, head))

			out, _, _, _ := publish(t, standardReport(t, dir), env, Options{})
			if out.Comment != "created" {
				t.Fatalf("first run: comment %q, want created (warnings %q)", out.Comment, out.Warnings)
			}
			out, _, _, _ = publish(t, standardReport(t, dir), env, Options{})
			if out.Comment != "unchanged" && out.Comment != "updated" {
				t.Fatalf("second run: comment %q, want its own comment found again (warnings %q)", out.Comment, out.Warnings)
			}
			for _, r := range api.calls("PATCH", "") {
				if strings.HasSuffix(r.Path, "/"+itoa(mallory)) || strings.HasSuffix(r.Path, "/"+itoa(bot)) {
					t.Errorf("edited a comment pipeguard did not write: %s", r.Path)
				}
			}
			cs := api.issueComments()
			if cs[0].Body != spoof {
				t.Errorf("mallory's comment was changed:\n%s", cs[0].Body)
			}
			if len(cs) != 3 || cs[2].User.Login != api.self().Login {
				t.Errorf("comments = %+v, want pipeguard's own third", cs)
			}
			if n := len(api.calls("GET", `^/user$`)); n != 2 {
				t.Errorf("GET /user called %d times over two runs, want once per run", n)
			}
		})
	}
}

// A fingerprint marker in someone else's review comment does not stop
// pipeguard's inline comment on the new finding (issue 12, item 15).
func TestHostileSpoofedFingerprintMarker(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	rep := standardReport(t, dir)
	var secret scan.Finding
	for _, f := range rep.Findings {
		if f.Rule == "aws-access-token" {
			secret = f
		}
	}
	api.review = append(api.review, apiComment{ID: 1, User: &apiUser{Login: "mallory", Type: "User"},
		Body: inlineBody(secret) + "\nfalse positive, ignore", Path: "app/config.py", Line: 3})
	out, _, _, _ := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	if out.Inline != 1 || out.InlineExisting != 0 {
		t.Errorf("outcome = %+v, want pipeguard's own inline comment posted", out)
	}
}

// When the token's user cannot be learnt (GET /user keeps failing),
// nothing is posted or edited: pipeguard could not tell its comments from
// someone else's. The step summary is still written.
func TestHostileUnknownTokenUser(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	api.addIssueComment(SummaryMarker + "\nold")
	api.fail("GET", `^/user$`, 100, http.StatusBadGateway, nil, `{"message": "Bad Gateway"}`)
	out, _, _, summary := publish(t, standardReport(t, dir), prEnv(api, eventFile(t, base, head)), Options{})
	if n := len(api.calls("PATCH", "")) + len(api.calls("POST", "")); n != 0 {
		t.Errorf("%d writes without knowing the token's user", n)
	}
	if len(out.Warnings) == 0 || !strings.Contains(strings.Join(out.Warnings, " "), "GET /user") {
		t.Errorf("warnings = %q", out.Warnings)
	}
	if !strings.Contains(summary, "aws-access-token") {
		t.Errorf("the step summary lacks the findings:\n%s", summary)
	}
}

// Neither a database URL's password nor a secret in a file name reaches
// the comment, the review, the annotations or the step summary, even when
// the text was added to the report after the scan (issue 12, items 1, 2).
func TestHostileRedactedPullRequestOutputs(t *testing.T) {
	const pw = "MIRRORpw12345"
	const raw = "ghp_NAMEcanary0123456789abcdefABCDEF0123"
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	rep := standardReport(t, dir)
	rep.Errors = append(rep.Errors, scan.Error{Scanner: "deps", Message: "go vulnerability database https://ci:" + pw + "@mirror.internal unreachable"})
	rep.Findings = append(rep.Findings, scan.Finding{Scanner: "secrets", Rule: "github-pat", Severity: scan.High, Title: "token in a file name",
		Path: "app/" + raw + ".txt", Line: 1, Blocking: true, Fingerprint: "name"}.WithRawSecret(raw))
	rep.Notes = append(rep.Notes, "warning: stale suppression at app/"+raw+".txt:1")
	out, _, annotations, summary := publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	assertClean(t, api, out)
	for _, leak := range []string{pw, raw[4:]} {
		for _, r := range api.allRequests() {
			if strings.Contains(r.Body, leak) {
				t.Errorf("%s %s carries %q", r.Method, r.Path, leak)
			}
		}
		if strings.Contains(annotations, leak) || strings.Contains(summary, leak) {
			t.Errorf("annotations or step summary carry %q", leak)
		}
	}
	if !strings.Contains(summary, `https://\*\*\*\*@`) || !strings.Contains(summary, "mirror.internal") {
		t.Errorf("the step summary should name the masked mirror:\n%s", summary)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Text a pull request controls (a rule id or title from its own policy, a
// message quoting its code) cannot inject markdown, HTML, mentions or a
// fake marker into the summary comment or the inline review comments: both
// go through report's one markdown escaping (issue 12, one owner for
// markdown).
func TestHostileMarkdownInPullRequestComments(t *testing.T) {
	dir, base, head := prRepo(t)
	api := newFakeAPI(t, testToken)
	rep := standardReport(t, dir)
	const (
		title = "Docs <img src=x onerror=alert(1)> [click](https://evil.example) @octo-org/admins"
		msg   = "line one\n" + SummaryMarker + "\n**Verdict: PASS** <script>x</script>"
	)
	for i := range rep.Findings {
		if rep.Findings[i].Scanner == scan.ScannerSecrets {
			rep.Findings[i].Title = title
			rep.Findings[i].Message = msg
		}
	}
	publish(t, rep, prEnv(api, eventFile(t, base, head)), Options{})
	var bodies []string
	for _, c := range api.reviewComments() {
		bodies = append(bodies, c.Body)
	}
	if len(bodies) == 0 {
		t.Fatal("no inline review comment was posted: the test does not reach inlineBody")
	}
	for _, c := range api.issueComments() {
		bodies = append(bodies, c.Body)
	}
	hostile := false
	for _, body := range bodies {
		if !strings.Contains(body, "line one") {
			continue
		}
		hostile = true
		for _, raw := range []string{"<img", "<script", "[click](", "@octo-org/admins", "**Verdict: PASS**", "\n" + SummaryMarker} {
			if strings.Contains(body, raw) {
				t.Errorf("a comment carries %q unescaped:\n%s", raw, body)
			}
		}
		if strings.Count(body, SummaryMarker) > 1 || (strings.Contains(body, SummaryMarker) && !strings.HasPrefix(body, SummaryMarker)) {
			t.Errorf("the hostile message planted a second summary marker:\n%s", body)
		}
	}
	if !hostile {
		t.Fatal("no comment mentions the hostile finding")
	}
}
