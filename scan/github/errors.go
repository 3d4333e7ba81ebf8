package github

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// APIError is a failed GitHub API call, explained: what pipeguard tried,
// the HTTP status, and what to do about it. Its message never holds the
// token, and it does not unwrap to the underlying error (whose text could).
type APIError struct {
	// Op is what was attempted: "create the summary comment", "upload SARIF"...
	Op string
	// Status is the HTTP status code, 0 when no response came.
	Status int
	msg    string
}

func (e *APIError) Error() string { return e.msg }

// statusOf returns the HTTP status behind a go-github error, or 0.
func statusOf(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return ab.Response.StatusCode
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// explain turns an error from a GitHub call into an *APIError with a clear
// message, the token scrubbed from it. perm names the permission the call
// needs, as a workflow's permissions block spells it (pull-requests: write).
func (p *publisher) explain(op, perm string, err error) error {
	if err == nil {
		return nil
	}
	status := statusOf(err)
	var hint string
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		hint = "GitHub API rate limit exhausted; pipeguard waited as long as its time budget allowed"
	case errors.As(err, &ab):
		hint = "GitHub secondary rate limit; pipeguard waited as long as its time budget allowed"
	case errors.Is(err, errBudget):
		hint = "retries stopped at the time budget"
	case status == http.StatusUnauthorized:
		hint = fmt.Sprintf("GitHub rejected the token (401 Bad credentials): check that %s holds a valid token", p.tokenEnv)
	case status == http.StatusForbidden:
		hint = fmt.Sprintf("the token may not do this (403): the workflow needs `permissions: %s`", perm)
		if p.ctx != nil && p.ctx.Fork {
			hint += "; pull requests from forks get a read-only token, so the findings are in the workflow annotations and the step summary instead"
		}
	case status == http.StatusNotFound:
		what := "repository " + p.ctx.Slug()
		if p.ctx.IsPullRequest() {
			what += fmt.Sprintf(" or pull request #%d", p.ctx.PR)
		}
		hint = fmt.Sprintf("%s not found, or the token cannot see it (404; it needs `permissions: %s`)", what, perm)
	case status == http.StatusUnprocessableEntity:
		hint = "GitHub refused the request (422)"
	case status >= 500:
		hint = fmt.Sprintf("GitHub failed (%d) and kept failing after retries", status)
	}
	detail := p.scrub(err.Error())
	msg := fmt.Sprintf("github: %s: %s", op, detail)
	if hint != "" {
		msg = fmt.Sprintf("github: %s: %s (%s)", op, hint, detail)
	}
	return &APIError{Op: op, Status: status, msg: msg}
}

// scrub removes the token from s.
func (p *publisher) scrub(s string) string {
	if len(p.token) >= 4 {
		s = strings.ReplaceAll(s, p.token, "****")
	}
	return s
}
