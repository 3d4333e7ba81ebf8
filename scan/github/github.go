// Package github reports a scan to GitHub: one summary comment per pull
// request (edited in place on every run), inline review comments for new
// findings on the lines a pull request changed, workflow annotations and the
// step summary (which need no token, and are the fallback when the token
// cannot write), and SARIF uploads to code scanning.
//
// Nothing here changes a report's verdict: a failure to post is a warning in
// the Outcome, never an error that would change the exit code. The token
// never appears in a log, an error or a URL.
package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/git"
	"github.com/pipeguard/pipeguard/scan/report"
)

// Markers are hidden HTML comments by which pipeguard finds its own
// comments again on later runs.
const (
	SummaryMarker = "<!-- pipeguard:summary -->"
	fpMarkerOpen  = "<!-- pipeguard:fp="
	fpMarkerClose = " -->"
)

// Defaults for Options.
const (
	DefaultMaxInline = 30
	DefaultBudget    = 2 * time.Minute
	DefaultTokenEnv  = "GITHUB_TOKEN"
)

// Options says where and how to publish. The zero value publishes
// everything a token allows, reading the process environment.
type Options struct {
	// Root is the scanned folder, a git work tree, where the changed lines of
	// a pull request are computed; default the report's Root.
	Root string
	// Env reads the environment; default os.Getenv. Tests inject it.
	Env func(string) string
	// TokenEnv names the variable holding the token; default GITHUB_TOKEN.
	TokenEnv string
	// Stdout receives workflow annotations (::error file=...::); nil writes none.
	Stdout io.Writer
	// NoComment skips the pull request's summary comment and review.
	NoComment bool
	// UploadSARIF uploads SARIF to code scanning through the API.
	UploadSARIF bool
	// SARIF is the SARIF document to upload; nil renders it from the report.
	SARIF []byte
	// MaxInline caps the inline review comments posted per run;
	// 0 means DefaultMaxInline, negative means none.
	MaxInline int
	// Budget bounds the total time spent on the API, waits for rate limits
	// included; 0 means DefaultBudget.
	Budget time.Duration
	// Clock is the time source for waits and the budget; nil means the wall clock.
	Clock Clock
	// Transport is the HTTP transport under the retrying one; nil means
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Author is the login the token writes as, when GET /user cannot tell
	// (a GitHub App's installation token writes as "app-slug[bot]"); ""
	// asks GET /user, and takes github-actions[bot] when the token may
	// not call it (the Actions token). Only comments by this author count
	// as pipeguard's own.
	Author string
}

// Outcome says what Publish did.
type Outcome struct {
	// Event is the GitHub event name; PR the pull request number (0 if none).
	Event string
	PR    int
	// Comment is "created", "updated", "unchanged" or "" (not posted).
	Comment string
	// CommentURL is the summary comment's address.
	CommentURL string
	// Inline is how many review comments were posted; InlineExisting how
	// many findings already had one from an earlier run; InlineLeftOut how
	// many were left out by the cap.
	Inline, InlineExisting, InlineLeftOut int
	// Annotations and StepSummary say whether those were written.
	Annotations, StepSummary bool
	// SARIFID is the code-scanning analysis id after an upload.
	SARIFID string
	// Warnings are what could not be done, for the command to print. They
	// never change the exit code.
	Warnings []string
}

func (o *Outcome) warn(format string, args ...any) {
	o.Warnings = append(o.Warnings, fmt.Sprintf(format, args...))
}

// publisher is one Publish call's state.
type publisher struct {
	opts     Options
	rep      *scan.Report
	ctx      *Context
	token    string
	tokenEnv string
	prefix   string // the root's path inside the repository, "" or "sub/dir"
	client   *gh.Client
	tr       *transport
	out      *Outcome
	// self is the login the token writes as (see identify).
	self string
}

// Publish reports rep to GitHub as the environment describes: workflow
// annotations and the step summary always; on a pull request, the summary
// comment and inline review comments when a token can write them; and the
// SARIF upload when asked. Failures are warnings in the Outcome; Publish
// returns an error only for a nil report.
func Publish(ctx context.Context, rep *scan.Report, opts Options) (*Outcome, error) {
	if rep == nil {
		return nil, errors.New("github: publish: no report")
	}
	// The comment, the review, the annotations and the step summary all
	// come from rep: masked once more before any of them is written.
	scan.Redact(rep)
	if opts.Env == nil {
		opts.Env = os.Getenv
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.MaxInline == 0 {
		opts.MaxInline = DefaultMaxInline
	}
	if opts.Root == "" {
		opts.Root = rep.Root
	}
	p := &publisher{opts: opts, rep: rep, out: &Outcome{}, tokenEnv: orDefault(opts.TokenEnv, DefaultTokenEnv)}
	p.token = strings.TrimSpace(opts.Env(p.tokenEnv))
	p.prefix = RepoPrefix(ctx, opts.Root)

	gctx, err := ContextFromEnv(opts.Env)
	if err != nil {
		p.out.warn("github: %v; only annotations and the step summary are written", err)
		gctx = nil
	} else {
		p.ctx = gctx
		p.out.Event, p.out.PR = gctx.Event, gctx.PR
	}

	p.annotate()

	var inline *inlinePlan
	wantPR := p.ctx != nil && p.ctx.IsPullRequest() && !opts.NoComment
	wantSARIF := p.ctx != nil && opts.UploadSARIF
	if wantPR || wantSARIF {
		if p.token == "" {
			p.out.warn("github: no token in %s: nothing posted to the pull request or code scanning; the findings are in the workflow annotations and the step summary", p.tokenEnv)
		} else if err := p.connect(); err != nil {
			p.out.warn("%s", p.scrub(err.Error()))
		} else {
			bctx, cancel := context.WithTimeout(ctx, opts.Budget)
			defer cancel()
			if wantPR {
				inline = p.pullRequest(bctx)
			}
			if wantSARIF {
				p.uploadSARIF(bctx)
			}
		}
	}
	p.stepSummary(inline)
	return p.out, nil
}

// connect builds the API client for the environment's API URL.
func (p *publisher) connect() error {
	base := p.opts.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	p.tr = &transport{
		base:       base,
		clock:      p.opts.Clock,
		deadline:   p.opts.Clock.Now().Add(p.opts.Budget),
		maxRetries: defaultMaxRetries,
	}
	c := gh.NewClient(&http.Client{Transport: p.tr}).WithAuthToken(p.token)
	// GITHUB_API_URL is the API root as is (https://api.github.com, or
	// https://HOST/api/v3 on GitHub Enterprise Server).
	u, err := url.Parse(p.ctx.APIURL + "/")
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("github: GITHUB_API_URL %q is not a URL", p.ctx.APIURL)
	}
	c.BaseURL = u
	p.client = c
	return nil
}

// linkOptions are the report options for markdown and annotations.
func (p *publisher) linkOptions() report.Options {
	o := report.Options{PathPrefix: p.prefix}
	if p.ctx != nil {
		o.Links = p.ctx.BlobURL()
	}
	return o
}

// annotate writes workflow annotations to Stdout.
func (p *publisher) annotate() {
	if p.opts.Stdout == nil {
		return
	}
	if err := report.Annotations(p.opts.Stdout, p.rep, p.linkOptions()); err != nil {
		p.out.warn("github: write annotations: %v", err)
		return
	}
	p.out.Annotations = true
}

// stepSummary appends the markdown summary to $GITHUB_STEP_SUMMARY.
func (p *publisher) stepSummary(inline *inlinePlan) {
	file := p.opts.Env("GITHUB_STEP_SUMMARY")
	if file == "" {
		return
	}
	var buf bytes.Buffer
	if err := p.summary(&buf, inline, false); err != nil {
		p.out.warn("github: step summary: %v", err)
		return
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		p.out.warn("github: step summary: %v", err)
		return
	}
	_, werr := f.Write(buf.Bytes())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		p.out.warn("github: step summary %s: %v", file, werr)
		return
	}
	p.out.StepSummary = true
}

// RepoPrefix is root's path inside its git repository, such as "services/api",
// or "" at the top or outside git: what report.Options.PathPrefix needs so
// that SARIF, annotations and links name repository paths.
func RepoPrefix(ctx context.Context, root string) string {
	if root == "" {
		return ""
	}
	prefix, err := git.Prefix(ctx, root)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(prefix, "/")
}

// repoPath is a finding's path from the repository's top level.
func (p *publisher) repoPath(f scan.Finding) string {
	if p.prefix == "" {
		return f.Path
	}
	return path.Join(p.prefix, f.Path)
}
