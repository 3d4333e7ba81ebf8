package github

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is an httptest server that behaves like the parts of GitHub's
// REST API that pipeguard uses: issue comments, pull request review
// comments and reviews, SARIF uploads. It checks the token, paginates with
// Link headers, sends X-RateLimit-* headers, and records every request.
type fakeAPI struct {
	t     *testing.T
	srv   *httptest.Server
	token string
	owner string
	repo  string
	pr    int
	// prefix is the API's path, "/api/v3" on GitHub Enterprise Server.
	prefix string
	// login is the token's user, as GET /user answers; "" is the Actions
	// token, which cannot call GET /user and writes as github-actions[bot].
	login string
	// pageSize caps per_page, to force pagination.
	pageSize int
	now      func() time.Time
	// files is the pull request's files as GET .../pulls/N/files lists them.
	files []apiFile
	// diff, when set, holds the only lines a review comment may be on;
	// a review with a comment elsewhere fails with 422, as on GitHub.
	diff map[string][]int

	mu       sync.Mutex
	nextID   int64
	comments []apiComment // issue comments on the pull request
	review   []apiComment // review comments on the pull request
	reviews  int
	sarifs   []map[string]any
	requests []apiRequest
	faults   []fault
}

type apiComment struct {
	ID       int64    `json:"id"`
	User     *apiUser `json:"user,omitempty"`
	Body     string   `json:"body"`
	HTMLURL  string   `json:"html_url"`
	Path     string   `json:"path,omitempty"`
	Line     int      `json:"line,omitempty"`
	Side     string   `json:"side,omitempty"`
	CommitID string   `json:"commit_id,omitempty"`
}

type apiUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

// self is the author of what the token writes.
func (f *fakeAPI) self() *apiUser {
	if f.login == "" {
		return &apiUser{Login: actionsBot, Type: "Bot"}
	}
	return &apiUser{Login: f.login, Type: "User"}
}

type apiFile struct {
	Filename string `json:"filename"`
	Status   string `json:"status"`
	Patch    string `json:"patch,omitempty"`
}

type apiRequest struct {
	Method, Path, Query, Auth string
	Body                      string
}

// fault answers the next Times requests matching Method and a path regexp.
type fault struct {
	Method string
	Path   *regexp.Regexp
	Times  int
	Status int
	Header map[string]string
	Body   string
}

func newFakeAPI(t *testing.T, token string) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, token: token, owner: "acme", repo: "api", pr: 7, pageSize: 100, nextID: 1000, now: time.Now}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) URL() string { return f.srv.URL + f.prefix }

// fail queues a fault.
func (f *fakeAPI) fail(method, pathRE string, times, status int, header map[string]string, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{Method: method, Path: regexp.MustCompile(pathRE), Times: times, Status: status, Header: header, Body: body})
}

// calls returns the recorded requests matching method and a path regexp.
func (f *fakeAPI) calls(method, pathRE string) []apiRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	re := regexp.MustCompile(pathRE)
	var out []apiRequest
	for _, r := range f.requests {
		if (method == "" || r.Method == method) && re.MatchString(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeAPI) allRequests() []apiRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiRequest(nil), f.requests...)
}

func (f *fakeAPI) issueComments() []apiComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiComment(nil), f.comments...)
}

func (f *fakeAPI) reviewComments() []apiComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiComment(nil), f.review...)
}

// addIssueComment plants a comment as if the token's user had written it
// earlier (an earlier run of pipeguard, for a marked one).
func (f *fakeAPI) addIssueComment(body string) int64 {
	return f.addIssueCommentBy(f.self(), body)
}

// addIssueCommentBy plants a comment written by someone.
func (f *fakeAPI) addIssueCommentBy(u *apiUser, body string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.comments = append(f.comments, apiComment{ID: f.nextID, User: u, Body: body, HTMLURL: fmt.Sprintf("https://github.example/%s/%s/pull/%d#issuecomment-%d", f.owner, f.repo, f.pr, f.nextID)})
	return f.nextID
}

var (
	reIssueComments = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	reIssueComment  = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$`)
	rePullComments  = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/comments$`)
	rePullFiles     = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/files$`)
	rePullReviews   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/reviews$`)
	reSarifs        = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/code-scanning/sarifs$`)
)

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, apiRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: string(body)})
	var flt *fault
	for i := range f.faults {
		fl := &f.faults[i]
		if fl.Times > 0 && fl.Method == r.Method && fl.Path.MatchString(r.URL.Path) {
			fl.Times--
			flt = fl
			break
		}
	}
	f.mu.Unlock()

	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4999")
	h.Set("X-RateLimit-Used", "1")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(f.now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	if flt != nil {
		for k, v := range flt.Header {
			h.Set(k, v)
		}
		w.WriteHeader(flt.Status)
		io.WriteString(w, flt.Body)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		// Echo what was sent, as a careless proxy might: the client must
		// still never show it.
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"message":           "Bad credentials: " + r.Header.Get("Authorization"),
			"documentation_url": "https://docs.github.com/rest",
		})
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, f.prefix)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	switch {
	case path == "/user" && r.Method == http.MethodGet:
		if f.login == "" {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration",
				"documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"login": f.login, "id": 1, "type": "User"})
	case reIssueComments.MatchString(path):
		if !f.known(reIssueComments.FindStringSubmatch(path), w) {
			return
		}
		switch r.Method {
		case http.MethodGet:
			f.paginate(w, r, f.issueComments())
		case http.MethodPost:
			var in apiComment
			if err := json.Unmarshal(body, &in); err != nil || in.Body == "" {
				writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request"})
				return
			}
			id := f.addIssueComment(in.Body)
			writeJSON(w, http.StatusCreated, f.issueComment(id))
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	case reIssueComment.MatchString(path) && r.Method == http.MethodPatch:
		m := reIssueComment.FindStringSubmatch(path)
		if !f.known(m, w) {
			return
		}
		id, _ := strconv.ParseInt(m[3], 10, 64)
		var in apiComment
		if err := json.Unmarshal(body, &in); err != nil || in.Body == "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request"})
			return
		}
		f.mu.Lock()
		found := false
		for i := range f.comments {
			// A token that can write to the pull request can edit anyone's
			// comment on it: what makes a spoofed marker dangerous.
			if f.comments[i].ID == id {
				f.comments[i].Body = in.Body
				found = true
			}
		}
		f.mu.Unlock()
		if !found {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, http.StatusOK, f.issueComment(id))
	case rePullComments.MatchString(path) && r.Method == http.MethodGet:
		if !f.known(rePullComments.FindStringSubmatch(path), w) {
			return
		}
		f.paginate(w, r, f.reviewComments())
	case rePullFiles.MatchString(path) && r.Method == http.MethodGet:
		if !f.known(rePullFiles.FindStringSubmatch(path), w) {
			return
		}
		f.mu.Lock()
		files := append([]apiFile(nil), f.files...)
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, files)
	case rePullReviews.MatchString(path) && r.Method == http.MethodPost:
		if !f.known(rePullReviews.FindStringSubmatch(path), w) {
			return
		}
		var in struct {
			CommitID string       `json:"commit_id"`
			Body     string       `json:"body"`
			Event    string       `json:"event"`
			Comments []apiComment `json:"comments"`
		}
		if err := json.Unmarshal(body, &in); err != nil || in.Event == "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request"})
			return
		}
		if f.diff != nil {
			for _, c := range in.Comments {
				if !slices.Contains(f.diff[c.Path], c.Line) {
					writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity",
						"errors": []string{"Line could not be resolved"}, "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"})
					return
				}
			}
		}
		f.mu.Lock()
		f.reviews++
		for _, c := range in.Comments {
			f.nextID++
			c.ID, c.CommitID, c.User = f.nextID, in.CommitID, f.self()
			f.review = append(f.review, c)
		}
		id := f.reviews
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "body": in.Body, "state": "COMMENTED", "commit_id": in.CommitID})
	case reSarifs.MatchString(path) && r.Method == http.MethodPost:
		if !f.known(reSarifs.FindStringSubmatch(path), w) {
			return
		}
		var in map[string]any
		if err := json.Unmarshal(body, &in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		f.mu.Lock()
		f.sarifs = append(f.sarifs, in)
		n := len(f.sarifs)
		f.mu.Unlock()
		writeJSON(w, http.StatusAccepted, map[string]string{"id": fmt.Sprintf("sarif-%d", n), "url": f.srv.URL + path + fmt.Sprintf("/sarif-%d", n)})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
	}
}

// known answers 404 for another repository or pull request.
func (f *fakeAPI) known(m []string, w http.ResponseWriter) bool {
	if m[1] != f.owner || m[2] != f.repo {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return false
	}
	isPR := reIssueComments.MatchString(m[0]) || rePullComments.MatchString(m[0]) || rePullReviews.MatchString(m[0]) || rePullFiles.MatchString(m[0])
	if isPR {
		if n, _ := strconv.Atoi(m[3]); n != f.pr {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return false
		}
	}
	return true
}

func (f *fakeAPI) issueComment(id int64) apiComment {
	for _, c := range f.issueComments() {
		if c.ID == id {
			return c
		}
	}
	return apiComment{}
}

// paginate writes one page of items with GitHub's Link header.
func (f *fakeAPI) paginate(w http.ResponseWriter, r *http.Request, items []apiComment) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, f.pageSize)
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	last := max((len(items)+per-1)/per, 1)
	start := min((page-1)*per, len(items))
	end := min(start+per, len(items))
	link := func(p int, rel string) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		qq := u.Query()
		qq.Set("page", strconv.Itoa(p))
		qq.Set("per_page", strconv.Itoa(per))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, items[start:end])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// fakeClock is a Clock whose Sleep advances time at once and records the wait.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}
