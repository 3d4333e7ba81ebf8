package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// copyDir copies a folder tree.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fakeAPI is a fake GitHub REST API: an organization's repositories over
// two pages, and issues and labels that it keeps in memory. It records
// every request body.
type fakeAPI struct {
	t      *testing.T
	srv    *httptest.Server
	org    string
	repos  []map[string]any
	mu     sync.Mutex
	bodies []string
	issues map[string][]map[string]any // by OWNER/NAME
	labels map[string]bool             // OWNER/NAME/label
	calls  []string
	// fail502 is how many requests are answered 502 Bad Gateway before the
	// API behaves again.
	fail502 int
}

func newFakeAPI(t *testing.T, org string, repos []map[string]any) *fakeAPI {
	f := &fakeAPI{t: t, org: org, repos: repos, issues: map[string][]map[string]any{}, labels: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, string(body))
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	if f.fail502 > 0 {
		f.fail502--
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "orgs" && parts[2] == "repos":
		if parts[1] != f.org {
			http.Error(w, `{"message":"Not Found"}`, 404)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		half := (len(f.repos) + 1) / 2
		list := f.repos[:half]
		if page == 1 {
			w.Header().Set("Link", fmt.Sprintf(`<%s%s?page=2>; rel="next", <%s%s?page=2>; rel="last"`, f.srv.URL, r.URL.Path, f.srv.URL, r.URL.Path))
		} else {
			list = f.repos[half:]
		}
		json.NewEncoder(w).Encode(list)
	case len(parts) >= 4 && parts[0] == "repos" && parts[3] == "issues":
		f.serveIssues(w, r, parts[1]+"/"+parts[2], parts[4:], body)
	case len(parts) >= 4 && parts[0] == "repos" && parts[3] == "labels":
		key := parts[1] + "/" + parts[2]
		if r.Method == "GET" {
			if !f.labels[key+"/"+parts[4]] {
				http.Error(w, `{"message":"Not Found"}`, 404)
				return
			}
			fmt.Fprintf(w, `{"name":%q}`, parts[4])
			return
		}
		var l map[string]any
		json.Unmarshal(body, &l)
		f.labels[key+"/"+l["name"].(string)] = true
		w.WriteHeader(201)
		w.Write(body)
	default:
		http.Error(w, `{"message":"Not Found"}`, 404)
	}
}

func (f *fakeAPI) serveIssues(w http.ResponseWriter, r *http.Request, repo string, rest []string, body []byte) {
	switch {
	case r.Method == "GET" && len(rest) == 0:
		var out []map[string]any
		for _, is := range f.issues[repo] {
			if r.URL.Query().Get("labels") == IssueLabel {
				out = append(out, is)
			}
		}
		if out == nil {
			out = []map[string]any{}
		}
		json.NewEncoder(w).Encode(out)
	case r.Method == "POST" && len(rest) == 0:
		var req map[string]any
		json.Unmarshal(body, &req)
		var labels []map[string]any
		for _, l := range req["labels"].([]any) {
			labels = append(labels, map[string]any{"name": l})
		}
		req["labels"] = labels
		req["number"] = len(f.issues[repo]) + 1
		req["state"] = "open"
		f.issues[repo] = append(f.issues[repo], req)
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(req)
	case r.Method == "PATCH" && len(rest) == 1:
		n, _ := strconv.Atoi(rest[0])
		is := f.issues[repo][n-1]
		var req map[string]any
		json.Unmarshal(body, &req)
		for k, v := range req {
			is[k] = v
		}
		json.NewEncoder(w).Encode(is)
	case r.Method == "POST" && len(rest) == 2 && rest[1] == "comments":
		w.WriteHeader(201)
		w.Write(body)
	default:
		http.Error(w, `{"message":"Not Found"}`, 404)
	}
}

// issue returns the fake's issue n of repo.
func (f *fakeAPI) issue(repo string, n int) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n > len(f.issues[repo]) {
		return nil
	}
	return f.issues[repo][n-1]
}

// allBodies joins every request body received.
func (f *fakeAPI) allBodies() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.bodies, "\n")
}
