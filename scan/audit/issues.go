package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/github"
)

// APIBudget bounds the time the audit's GitHub calls may spend retrying
// and waiting for rate limits.
const APIBudget = 15 * time.Minute

// IssueLabel is the label of pipeguard's tracking issues.
const IssueLabel = "pipeguard"

// issueMarker is the hidden comment by which a tracking issue is found again.
func issueMarker(repo string) string {
	return "<!-- pipeguard:audit repo=" + strings.NewReplacer("-->", "", "\n", " ").Replace(repo) + " -->"
}

// NewClient returns a go-github client for apiURL (https://api.github.com,
// or https://HOST/api/v3 on GitHub Enterprise Server) authenticated with
// token. transport is the HTTP transport (nil: http.DefaultTransport).
func NewClient(apiURL, token string, transport http.RoundTripper) (*gh.Client, error) {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimSuffix(apiURL, "/") + "/")
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, &scan.ConfigError{Err: fmt.Errorf("GitHub API URL %q is not a URL", apiURL)}
	}
	// Retries on 5xx and waits out primary and secondary rate limits, as
	// pull-request publishing does.
	c := gh.NewClient(&http.Client{Transport: github.NewTransport(transport, APIBudget, nil)})
	if token != "" {
		c = c.WithAuthToken(token)
	}
	c.BaseURL = u
	return c, nil
}

// IssueOptions configure SyncIssues.
type IssueOptions struct {
	// Repo, OWNER/NAME, holds every tracking issue; "" puts each in the
	// audited repository itself (which then must be OWNER/NAME).
	Repo string
	// Label marks the issues; "" means IssueLabel.
	Label string
	// ReportURL, when set, is linked from every issue (the workflow run).
	ReportURL string
}

// IssueOutcome says what SyncIssues did, per repository.
type IssueOutcome struct {
	Created, Updated, Reopened, Closed, Unchanged []string
	// Warnings are repositories whose issue could not be written, and why.
	Warnings []string
}

// SyncIssues keeps one tracking issue per repository with blocking
// findings: created, or found again by its hidden marker and updated in
// place (reopened if it was closed); closed with a comment once the
// repository is clean. A repository that could not be audited is left as
// is. Issues list the findings' rule, place and title, never a secret, not
// even masked. A failure for one repository is a warning; the rest go on.
func SyncIssues(ctx context.Context, c *gh.Client, a *Audit, opts IssueOptions) *IssueOutcome {
	if opts.Label == "" {
		opts.Label = IssueLabel
	}
	out := &IssueOutcome{}
	s := &issueSyncer{c: c, opts: opts, lists: map[string]map[string]*gh.Issue{}, labels: map[string]bool{}}
	for i := range a.Repositories {
		r := &a.Repositories[i]
		if r.Error != "" {
			continue
		}
		where := opts.Repo
		if where == "" {
			where = r.Name
		}
		owner, name, ok := strings.Cut(where, "/")
		if !ok || !ownerName.MatchString(where) {
			if len(r.Blocking()) > 0 {
				out.Warnings = append(out.Warnings, fmt.Sprintf("%s: not a GitHub repository (OWNER/NAME): no tracking issue; give an issues repository", r.Name))
			}
			continue
		}
		verb, err := s.sync(ctx, owner, name, r)
		if err != nil {
			out.Warnings = append(out.Warnings, fmt.Sprintf("%s: tracking issue: %v", r.Name, err))
			continue
		}
		switch verb {
		case "created":
			out.Created = append(out.Created, r.Name)
		case "updated":
			out.Updated = append(out.Updated, r.Name)
		case "reopened":
			out.Reopened = append(out.Reopened, r.Name)
		case "closed":
			out.Closed = append(out.Closed, r.Name)
		case "unchanged":
			out.Unchanged = append(out.Unchanged, r.Name)
		}
	}
	return out
}

type issueSyncer struct {
	c      *gh.Client
	opts   IssueOptions
	lists  map[string]map[string]*gh.Issue // by OWNER/NAME, then marker
	labels map[string]bool
}

// existing lists the labelled issues of a repository, open and closed, by marker.
func (s *issueSyncer) existing(ctx context.Context, owner, name string) (map[string]*gh.Issue, error) {
	key := owner + "/" + name
	if m, ok := s.lists[key]; ok {
		return m, nil
	}
	m := map[string]*gh.Issue{}
	opt := &gh.IssueListByRepoOptions{State: "all", Labels: []string{s.opts.Label}, ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		issues, resp, err := s.c.Issues.ListByRepo(ctx, owner, name, opt)
		if err != nil {
			return nil, fmt.Errorf("list issues: %w", err)
		}
		for _, is := range issues {
			if is.IsPullRequest() {
				continue
			}
			body := is.GetBody()
			i := strings.Index(body, "<!-- pipeguard:audit repo=")
			if i < 0 {
				continue
			}
			j := strings.Index(body[i:], " -->")
			if j < 0 {
				continue
			}
			mk := body[i : i+j+4]
			// Keep the open one, or the newest.
			if cur, ok := m[mk]; !ok || cur.GetState() != "open" && (is.GetState() == "open" || is.GetNumber() > cur.GetNumber()) {
				m[mk] = is
			}
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	s.lists[key] = m
	return m, nil
}

// ensureLabel creates the label when the repository lacks it.
func (s *issueSyncer) ensureLabel(ctx context.Context, owner, name string) error {
	key := owner + "/" + name
	if s.labels[key] {
		return nil
	}
	_, _, err := s.c.Issues.GetLabel(ctx, owner, name, s.opts.Label)
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
		_, _, err = s.c.Issues.CreateLabel(ctx, owner, name, &gh.Label{Name: gh.String(s.opts.Label), Color: gh.String("d93f0b"),
			Description: gh.String("pipeguard audit findings")})
	}
	if err != nil {
		return fmt.Errorf("label %s: %w", s.opts.Label, err)
	}
	s.labels[key] = true
	return nil
}

func (s *issueSyncer) sync(ctx context.Context, owner, name string, r *Repository) (string, error) {
	m, err := s.existing(ctx, owner, name)
	if err != nil {
		return "", err
	}
	marker := issueMarker(r.Name)
	cur := m[marker]
	blocking := dedupe(r.Blocking())
	if len(blocking) == 0 {
		if cur == nil || cur.GetState() != "open" {
			return "", nil
		}
		msg := fmt.Sprintf("pipeguard's audit of %s at %s found no blocking findings: closing.", r.Name, short(r.Head))
		if s.opts.ReportURL != "" {
			msg += " [Audit report](" + s.opts.ReportURL + ")"
		}
		if _, _, err := s.c.Issues.CreateComment(ctx, owner, name, cur.GetNumber(), &gh.IssueComment{Body: gh.String(msg)}); err != nil {
			return "", fmt.Errorf("comment on #%d: %w", cur.GetNumber(), err)
		}
		_, _, err := s.c.Issues.Edit(ctx, owner, name, cur.GetNumber(), &gh.IssueRequest{State: gh.String("closed"), StateReason: gh.String("completed")})
		if err != nil {
			return "", fmt.Errorf("close #%d: %w", cur.GetNumber(), err)
		}
		return "closed", nil
	}
	title := fmt.Sprintf("pipeguard: %d blocking %s in %s", len(blocking), plural(len(blocking), "finding", "findings"), r.Name)
	body := issueBody(r, marker, s.opts.ReportURL)
	if cur == nil {
		if err := s.ensureLabel(ctx, owner, name); err != nil {
			return "", err
		}
		is, _, err := s.c.Issues.Create(ctx, owner, name, &gh.IssueRequest{Title: gh.String(title), Body: gh.String(body), Labels: &[]string{s.opts.Label}})
		if err != nil {
			return "", fmt.Errorf("create issue: %w", err)
		}
		m[marker] = is
		return "created", nil
	}
	if cur.GetState() == "open" && cur.GetTitle() == title && cur.GetBody() == body {
		return "unchanged", nil
	}
	req := &gh.IssueRequest{Title: gh.String(title), Body: gh.String(body)}
	verb := "updated"
	if cur.GetState() != "open" {
		req.State = gh.String("open")
		verb = "reopened"
	}
	is, _, err := s.c.Issues.Edit(ctx, owner, name, cur.GetNumber(), req)
	if err != nil {
		return "", fmt.Errorf("update #%d: %w", cur.GetNumber(), err)
	}
	m[marker] = is
	return verb, nil
}

// maxIssueBody keeps a body under GitHub's 65,536-character limit.
const maxIssueBody = 60000

// issueBody is the tracking issue's text. It is built from the rule, the
// place and the title of each finding: never from its Secret.
func issueBody(r *Repository, marker, reportURL string) string {
	var b strings.Builder
	b.WriteString(marker + "\n")
	blocking := dedupe(r.Blocking())
	fmt.Fprintf(&b, "pipeguard's scheduled audit found **%d blocking %s** in %s at commit %s.\n\n",
		len(blocking), plural(len(blocking), "finding", "findings"), mdCode(r.Name), mdCode(short(r.Head)))
	if len(r.New) > 0 || len(r.Fixed) > 0 {
		fmt.Fprintf(&b, "Since the last audit: %d new, %d fixed.\n\n", len(r.New), len(r.Fixed))
	}
	var t strings.Builder
	writeFindingTable(&t, blocking, newSet(r.New), 200)
	table := t.String()
	if len(table) > maxIssueBody-2000 {
		table = table[:strings.LastIndex(table[:maxIssueBody-2000], "\n")+1] + "\n…the list is cut here; the audit report has all of it.\n"
	}
	b.WriteString(table)
	b.WriteString("Secrets found in history stay in every clone: rotate them first, then purge the history or suppress the finding.\n")
	if reportURL != "" {
		fmt.Fprintf(&b, "\n[Audit report](%s)\n", reportURL)
	}
	b.WriteString("\nThis issue is updated by every audit and closed when the repository is clean.\n")
	return b.String()
}
