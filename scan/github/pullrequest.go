package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/report"
)

// maxCommentBody is GitHub's limit on a comment body, less a margin.
const maxCommentBody = 65000

// inlinePlan is what the inline review of one run holds.
type inlinePlan struct {
	// news are the new, unsuppressed findings.
	news []scan.Finding
	// candidates are the news on changed lines, one per fingerprint.
	candidates []scan.Finding
	// posted, existing and leftOut count what became of them.
	posted, existing, leftOut int
	// outside counts new findings not on a changed line (no inline comment possible).
	outside int
	// failed is set when the changed lines or the review could not be had.
	failed string
}

// actionsBot is the author of what the Actions token (GITHUB_TOKEN) writes.
const actionsBot = "github-actions[bot]"

// identify learns who the token writes as, so that only comments it wrote
// count as pipeguard's: a comment by anyone else that starts with the
// summary marker, or carries a fingerprint marker, is not pipeguard's and
// is never edited or trusted. GET /user names the token's user; the Actions
// token cannot call it (403, "Resource not accessible by integration") and
// writes as github-actions[bot].
func (p *publisher) identify(ctx context.Context) error {
	if p.self != "" {
		return nil
	}
	if p.opts.Author != "" {
		p.self = p.opts.Author
		return nil
	}
	u, _, err := p.client.Users.Get(ctx, "")
	switch s := statusOf(err); {
	case err == nil && u.GetLogin() != "":
		p.self = u.GetLogin()
	case s == http.StatusForbidden || s == http.StatusNotFound:
		p.self = actionsBot
	case err == nil:
		return errors.New("GET /user named no login")
	default:
		return err
	}
	return nil
}

// ours reports whether a comment was written by the token's own user.
func (p *publisher) ours(u *gh.User) bool {
	return u != nil && p.self != "" && strings.EqualFold(u.GetLogin(), p.self)
}

// pullRequest posts the inline review and the summary comment.
func (p *publisher) pullRequest(ctx context.Context) *inlinePlan {
	if err := p.retryStep(ctx, func() error { return p.identify(ctx) }); err != nil {
		// Without knowing which comments are its own, pipeguard could edit
		// someone else's: post nothing, the step summary has it all.
		p.out.warn("%v", p.explain("tell which pull request comments are pipeguard's own (GET /user); nothing posted to the pull request", "pull-requests: write", err))
		return &inlinePlan{failed: "the token's user is unknown"}
	}
	plan := p.planInline(ctx)
	if plan.failed == "" && len(plan.candidates) > 0 && p.opts.MaxInline > 0 {
		err := p.retryStep(ctx, func() error { return p.postReview(ctx, plan) })
		if statusOf(err) == http.StatusUnprocessableEntity {
			// A line is not in GitHub's diff of the pull request (GitHub
			// refuses the whole review for it): take the changed lines from
			// GitHub's diff and try once more.
			if changed, aerr := p.apiChangedLines(ctx); aerr == nil {
				plan.filter(changed, p.repoPath)
				err = nil
				if len(plan.candidates) > 0 {
					err = p.retryStep(ctx, func() error { return p.postReview(ctx, plan) })
				}
			}
		}
		if err != nil {
			plan.failed = "the inline review could not be posted"
			p.out.warn("%v", p.explain("post the inline review", "pull-requests: write", err))
			if s := statusOf(err); s == http.StatusUnauthorized || s == http.StatusNotFound {
				return plan // the summary comment would fail the same way
			}
		}
	}
	p.out.Inline, p.out.InlineExisting, p.out.InlineLeftOut = plan.posted, plan.existing, plan.leftOut
	if err := p.retryStep(ctx, func() error { return p.upsertSummary(ctx, plan) }); err != nil {
		p.out.warn("%v", p.explain("write the summary comment on pull request #"+fmt.Sprint(p.ctx.PR), "pull-requests: write", err))
	}
	return plan
}

// isNew says whether f counts as introduced by the change: New true, or
// New unset (no only-new mode: every finding on a changed line counts).
func isNew(f scan.Finding) bool { return f.New == nil || *f.New }

// fingerprint is f's identity for the inline marker.
func fingerprint(f scan.Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	return scan.Fingerprint(f.Scanner, f.Rule, f.Path, f.Title)
}

// planInline picks the findings that get an inline comment.
func (p *publisher) planInline(ctx context.Context) *inlinePlan {
	plan := &inlinePlan{}
	var news []scan.Finding
	for _, f := range p.rep.Findings {
		if f.Suppression == nil && isNew(f) && f.Path != "" {
			news = append(news, f)
		}
	}
	if len(news) == 0 || p.opts.MaxInline < 0 {
		return plan
	}
	if p.ctx.BaseSHA == "" || p.ctx.HeadSHA == "" {
		plan.failed = "the event names no base and head commits"
		return plan
	}
	changed, err := ChangedLines(ctx, p.opts.Root, p.ctx.BaseSHA, p.ctx.HeadSHA)
	if err != nil {
		// A shallow clone: ask GitHub for the pull request's diff instead.
		var aerr error
		if changed, aerr = p.apiChangedLines(ctx); aerr != nil {
			plan.failed = "the changed lines are unknown"
			p.out.warn("github: no inline comments: %v; %v", err, p.explain("list the pull request's files", "pull-requests: read", aerr))
			return plan
		}
	}
	plan.news = news
	plan.filter(changed, p.repoPath)
	return plan
}

// filter sets the candidates: the new findings on changed lines, one per fingerprint.
func (plan *inlinePlan) filter(changed scan.Changes, repoPath func(scan.Finding) string) {
	plan.candidates, plan.outside = nil, 0
	seen := map[string]bool{}
	for _, f := range plan.news {
		fp := fingerprint(f)
		if seen[fp] {
			continue
		}
		seen[fp] = true
		if f.Line <= 0 || !changed.Contains(repoPath(f), f.Line) {
			plan.outside++
			continue
		}
		plan.candidates = append(plan.candidates, f)
	}
}

// apiChangedLines reads the lines the pull request adds from GitHub's own
// diff: the patches of the pull request's files.
func (p *publisher) apiChangedLines(ctx context.Context) (scan.Changes, error) {
	changes := scan.Changes{}
	opt := &gh.ListOptions{PerPage: 100}
	for {
		files, resp, err := p.client.PullRequests.ListFiles(ctx, p.ctx.Owner, p.ctx.Repo, p.ctx.PR, opt)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if f.GetStatus() == "removed" || f.GetPatch() == "" {
				continue
			}
			if rs := parsePatch(f.GetPatch()); len(rs) > 0 {
				changes[f.GetFilename()] = rs
			}
		}
		if resp.NextPage == 0 {
			return changes, nil
		}
		opt.Page = resp.NextPage
	}
}

// existingFingerprints lists the pull request's review comments and
// returns the fingerprints pipeguard marked in them.
func (p *publisher) existingFingerprints(ctx context.Context) (map[string]bool, error) {
	fps := map[string]bool{}
	opt := &gh.PullRequestListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := p.client.PullRequests.ListComments(ctx, p.ctx.Owner, p.ctx.Repo, p.ctx.PR, opt)
		if err != nil {
			return nil, err
		}
		for _, c := range comments {
			// A marker in someone else's comment would silence pipeguard's
			// own comment on a new finding.
			if !p.ours(c.GetUser()) {
				continue
			}
			if fp, ok := fpFromBody(c.GetBody()); ok {
				fps[fp] = true
			}
		}
		if resp.NextPage == 0 {
			return fps, nil
		}
		opt.Page = resp.NextPage
	}
}

// fpFromBody finds the fingerprint marker in a comment body.
func fpFromBody(body string) (string, bool) {
	_, rest, ok := strings.Cut(body, fpMarkerOpen)
	if !ok {
		return "", false
	}
	fp, _, ok := strings.Cut(rest, fpMarkerClose)
	return strings.TrimSpace(fp), ok && strings.TrimSpace(fp) != ""
}

// postReview posts one review holding a comment for each candidate that
// has none yet, up to the cap.
func (p *publisher) postReview(ctx context.Context, plan *inlinePlan) error {
	have, err := p.existingFingerprints(ctx)
	if err != nil {
		return err
	}
	plan.existing, plan.leftOut, plan.posted = 0, 0, 0
	var comments []*gh.DraftReviewComment
	for _, f := range plan.candidates {
		if have[fingerprint(f)] {
			plan.existing++
			continue
		}
		if len(comments) >= p.opts.MaxInline {
			plan.leftOut++
			continue
		}
		comments = append(comments, &gh.DraftReviewComment{
			Path: gh.String(p.repoPath(f)),
			Line: gh.Int(f.Line),
			Side: gh.String("RIGHT"),
			Body: gh.String(inlineBody(f)),
		})
	}
	if len(comments) == 0 {
		return nil
	}
	body := fmt.Sprintf("pipeguard: %s on lines this pull request changed.", plural(len(comments), "new finding", "new findings"))
	if plan.leftOut > 0 {
		body += fmt.Sprintf(" %s left out (at most %d inline comments per run); the summary comment lists every finding.",
			plural(plan.leftOut, "more was", "more were"), p.opts.MaxInline)
	}
	_, _, err = p.client.PullRequests.CreateReview(ctx, p.ctx.Owner, p.ctx.Repo, p.ctx.PR, &gh.PullRequestReviewRequest{
		CommitID: gh.String(p.ctx.HeadSHA),
		Body:     gh.String(body),
		Event:    gh.String("COMMENT"),
		Comments: comments,
	})
	if err != nil {
		return err
	}
	plan.posted = len(comments)
	return nil
}

// inlineBody is one finding as a review comment.
func inlineBody(f scan.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s%s\n", fpMarkerOpen, fingerprint(f), fpMarkerClose)
	verb := "warns"
	if f.Blocking {
		verb = "blocks"
	}
	fmt.Fprintf(&b, "**pipeguard %s** · %s · %s · %s\n\n", verb, report.EscapeMarkdown(string(f.Severity)), code(f.Rule), report.EscapeMarkdown(orDefault(f.Title, f.Rule)))
	if f.Message != "" && f.Message != f.Title {
		b.WriteString(report.EscapeMarkdown(f.Message) + "\n\n")
	}
	if f.Secret != "" {
		fmt.Fprintf(&b, "Secret (masked): %s\n\n", code(f.Secret))
	}
	if d := f.Dependency; d != nil {
		fmt.Fprintf(&b, "Package %s", code(d.Name+"@"+d.Version))
		if d.Fixed != "" {
			fmt.Fprintf(&b, ", fixed in %s", code(d.Fixed))
		}
		b.WriteString("\n\n")
	}
	if f.Remediation != "" {
		fmt.Fprintf(&b, "**Fix:** %s\n", report.EscapeMarkdown(f.Remediation))
	}
	return b.String()
}

// code is s as an inline code span (report's, the one way markdown is escaped).
func code(s string) string { return report.MarkdownCode(s) }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// findSummary returns pipeguard's summary comment on the pull request, or
// nil: the first comment that starts with the marker and was written by
// the token's own user.
func (p *publisher) findSummary(ctx context.Context) (*gh.IssueComment, error) {
	opt := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := p.client.Issues.ListComments(ctx, p.ctx.Owner, p.ctx.Repo, p.ctx.PR, opt)
		if err != nil {
			return nil, err
		}
		for _, c := range comments {
			if p.ours(c.GetUser()) && strings.HasPrefix(strings.TrimSpace(c.GetBody()), SummaryMarker) {
				return c, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opt.Page = resp.NextPage
	}
}

// upsertSummary creates the summary comment, or edits the one an earlier
// run left.
func (p *publisher) upsertSummary(ctx context.Context, plan *inlinePlan) error {
	old, err := p.findSummary(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(SummaryMarker + "\n")
	if old != nil && len(activeFindings(p.rep)) == 0 {
		b.WriteString("✅ **Everything pipeguard reported on this pull request earlier is fixed.**\n\n")
	}
	if err := p.summary(&b, plan, true); err != nil {
		return err
	}
	body := b.String()
	if len(body) > maxCommentBody {
		body = body[:maxCommentBody] + "\n\n… (cut at GitHub's comment size limit; the step summary and the SARIF report have everything)\n"
	}
	if old == nil {
		c, _, err := p.client.Issues.CreateComment(ctx, p.ctx.Owner, p.ctx.Repo, p.ctx.PR, &gh.IssueComment{Body: gh.String(body)})
		if err != nil {
			return err
		}
		p.out.Comment, p.out.CommentURL = "created", c.GetHTMLURL()
		return nil
	}
	if old.GetBody() == body {
		p.out.Comment, p.out.CommentURL = "unchanged", old.GetHTMLURL()
		return nil
	}
	c, _, err := p.client.Issues.EditComment(ctx, p.ctx.Owner, p.ctx.Repo, old.GetID(), &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return err
	}
	p.out.Comment, p.out.CommentURL = "updated", c.GetHTMLURL()
	return nil
}

// activeFindings are the findings not suppressed.
func activeFindings(rep *scan.Report) []scan.Finding {
	var out []scan.Finding
	for _, f := range rep.Findings {
		if f.Suppression == nil {
			out = append(out, f)
		}
	}
	return out
}

// summary writes the markdown summary (report.Markdown) and what became of
// the inline comments; forComment adds the commit the comment describes.
func (p *publisher) summary(w io.Writer, plan *inlinePlan, forComment bool) error {
	if err := report.Markdown(w, p.rep, p.linkOptions()); err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	var notes []string
	if plan != nil {
		if n := plan.posted + plan.existing; n > 0 {
			notes = append(notes, fmt.Sprintf("Inline review comments on changed lines: %d (%d posted by this run).", n, plan.posted))
		}
		if plan.leftOut > 0 {
			notes = append(notes, fmt.Sprintf("%s left out of the inline review (at most %d per run); the tables list every finding.",
				plural(plan.leftOut, "new finding was", "new findings were"), p.opts.MaxInline))
		}
		if plan.outside > 0 {
			notes = append(notes, fmt.Sprintf("%s not on a line this pull request changed, so not commented inline.",
				plural(plan.outside, "new finding is", "new findings are")))
		}
		if plan.failed != "" {
			notes = append(notes, "No inline comments: "+plan.failed+".")
		}
	}
	if forComment && p.ctx != nil {
		if sha := p.ctx.LinkSHA(); sha != "" {
			notes = append(notes, fmt.Sprintf("Scanned commit %s; this comment is updated on every run.", short(sha)))
		}
	}
	if len(notes) == 0 {
		return nil
	}
	_, err := io.WriteString(w, "\n<sub>"+strings.Join(notes, " ")+"</sub>\n")
	return err
}

// maxStepRetries bounds the retries of a whole step (list, then create).
const maxStepRetries = 3

// retryStep runs a step that lists before it writes, so that it can be
// repeated without duplicating anything, again after a 5xx answer to its
// write (the write may or may not have happened: the new listing tells).
func (p *publisher) retryStep(ctx context.Context, step func() error) error {
	var err error
	for attempt := 0; ; attempt++ {
		err = step()
		if err == nil || attempt >= maxStepRetries || !retryable(err) || ctx.Err() != nil {
			return err
		}
		d := backoff(attempt)
		if !p.tr.deadline.IsZero() && p.opts.Clock.Now().Add(d).After(p.tr.deadline) {
			return err
		}
		if serr := p.tr.sleep(ctx, d); serr != nil {
			return err
		}
	}
}

// retryable reports whether a step failed on a server error.
func retryable(err error) bool {
	if errors.Is(err, errBudget) {
		return false
	}
	s := statusOf(err)
	return s >= 500 && s != http.StatusNotImplemented
}
