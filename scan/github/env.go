package github

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Context is what the GitHub Actions environment says about the run: the
// API to talk to, the repository, the event and, for pull requests, the
// pull request's number and commits.
type Context struct {
	// APIURL is the REST API root: https://api.github.com, or
	// https://HOST/api/v3 on GitHub Enterprise Server.
	APIURL string
	// ServerURL is the web root used for links: https://github.com or https://HOST.
	ServerURL string
	// Owner and Repo name the repository (from GITHUB_REPOSITORY).
	Owner, Repo string
	// Event is GITHUB_EVENT_NAME: push, pull_request, pull_request_target, schedule...
	Event string
	// SHA and Ref are GITHUB_SHA and GITHUB_REF: the commit and ref the workflow ran on.
	SHA, Ref string
	// PR is the pull request number, 0 when the event is not a pull request.
	PR int
	// BaseSHA and HeadSHA are the pull request's base and head commits.
	BaseSHA, HeadSHA string
	// Fork is true when the pull request comes from another repository (its token is read-only).
	Fork bool
}

// IsPullRequest reports whether the run is for a pull request.
func (c *Context) IsPullRequest() bool { return c.PR > 0 }

// Slug is owner/repo.
func (c *Context) Slug() string { return c.Owner + "/" + c.Repo }

// LinkSHA is the commit file links point at: the pull request's head, or the
// commit the workflow ran on.
func (c *Context) LinkSHA() string {
	if c.HeadSHA != "" {
		return c.HeadSHA
	}
	return c.SHA
}

// BlobURL is the base for links to files at LinkSHA, such as
// https://github.com/OWNER/REPO/blob/SHA, or "" when it cannot be formed.
func (c *Context) BlobURL() string {
	if c.ServerURL == "" || c.Owner == "" || c.LinkSHA() == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/%s/blob/%s", strings.TrimRight(c.ServerURL, "/"), c.Owner, c.Repo, c.LinkSHA())
}

// pullRequestEvents are the events whose payload carries a pull_request.
var pullRequestEvents = map[string]bool{"pull_request": true, "pull_request_target": true}

// eventPayload is the part of a webhook payload pipeguard reads.
type eventPayload struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
		Base   struct {
			SHA  string `json:"sha"`
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
		Head struct {
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
}

// ContextFromEnv reads the GitHub Actions environment through getenv. It
// fails when GITHUB_REPOSITORY is missing or malformed, or when a pull
// request event's payload cannot be read.
func ContextFromEnv(getenv func(string) string) (*Context, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Context{
		APIURL:    strings.TrimRight(orDefault(getenv("GITHUB_API_URL"), "https://api.github.com"), "/"),
		ServerURL: strings.TrimRight(orDefault(getenv("GITHUB_SERVER_URL"), "https://github.com"), "/"),
		Event:     getenv("GITHUB_EVENT_NAME"),
		SHA:       getenv("GITHUB_SHA"),
		Ref:       getenv("GITHUB_REF"),
	}
	slug := getenv("GITHUB_REPOSITORY")
	owner, repo, ok := strings.Cut(slug, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		if slug == "" {
			return nil, fmt.Errorf("GITHUB_REPOSITORY is not set (is this a GitHub Actions run?)")
		}
		return nil, fmt.Errorf("GITHUB_REPOSITORY %q: want OWNER/REPO", slug)
	}
	c.Owner, c.Repo = owner, repo
	if !pullRequestEvents[c.Event] {
		return c, nil
	}
	path := getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return nil, fmt.Errorf("%s event without GITHUB_EVENT_PATH", c.Event)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read event payload: %w", err)
	}
	var ev eventPayload
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("read event payload %s: %w", path, err)
	}
	if ev.PullRequest == nil {
		return nil, fmt.Errorf("event payload %s: %s event without a pull_request", path, c.Event)
	}
	c.PR = ev.PullRequest.Number
	if c.PR == 0 {
		c.PR = ev.Number
	}
	if c.PR <= 0 {
		return nil, fmt.Errorf("event payload %s: no pull request number", path)
	}
	c.BaseSHA = ev.PullRequest.Base.SHA
	c.HeadSHA = ev.PullRequest.Head.SHA
	base := ev.PullRequest.Base.Repo.FullName
	c.Fork = ev.PullRequest.Head.Repo == nil || (base != "" && !strings.EqualFold(ev.PullRequest.Head.Repo.FullName, base))
	return c, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
