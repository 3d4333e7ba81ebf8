package facts

import (
	"testing"
)

// A parameter whose default is a module constant holding a marker takes
// the marker's kind: the key comes from a header, not the query.
func TestSharedParamMarker(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"utils.py": `
import fastapi

api_key_header = fastapi.Header(None, alias="X-API-Key")
page = 3
`,
		"main.py": `
from fastapi import FastAPI

import utils

app = FastAPI()


@app.post("/work")
def work(api_key: str = utils.api_key_header, limit: int = utils.page, name: str = "x"):
    return {}
`,
	})
	f := extractDir(t, dir)
	if len(f.Apps) != 1 {
		t.Fatalf("apps = %d", len(f.Apps))
	}
	r := findRoute(t, f.Apps[0].Routes, "POST", "/work")
	want := map[string]string{"api_key": "header", "limit": "query", "name": "query"}
	for _, p := range r.Params {
		if p.Kind != want[p.Name] {
			t.Errorf("param %s: kind %q, want %q", p.Name, p.Kind, want[p.Name])
		}
	}
}

// A comparison that filters a list in a comprehension decides nothing
// about the caller; one in an if statement does.
func TestComprehensionFilterNoComparison(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"store.py": `
def revoke(tokens, access_token):
    return [t for t in tokens if t != access_token]


def check(stored_token, access_token):
    if stored_token != access_token:
        raise PermissionError()
`,
	})
	f := extractDir(t, dir)
	var got []string
	for _, c := range f.Comparisons {
		got = append(got, c.Left+" "+c.Op+" "+c.Right)
	}
	if len(got) != 1 || got[0] != "stored_token != access_token" {
		t.Errorf("comparisons %q, want the if statement's only", got)
	}
}
