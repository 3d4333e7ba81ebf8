package config

import (
	"slices"
	"testing"
)

// An unauthenticated write route is reported in the app that
// authenticates its other routes, not in a separate app of the same
// project (an internal worker, its own process) that authenticates
// nothing at all.
func TestRouteMissingAuthPerApp(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := gitRepo(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"api.py": `from fastapi import Depends, FastAPI, HTTPException, Header

api = FastAPI()


async def check_api_key(x_api_key: str = Header(None)):
    if x_api_key != "k":
        raise HTTPException(status_code=401)


@api.post("/v1/chat", dependencies=[Depends(check_api_key)])
async def chat():
    return {}


@api.post("/api/v1/chat")
async def chat_again():
    return {}
`,
		"worker.py": `from fastapi import FastAPI

worker = FastAPI()


@worker.post("/worker_generate")
async def generate():
    return {}
`,
	})
	got := locations(scanDir(t, s, root).Findings)
	tests := []struct {
		loc  string
		want bool
	}{
		{"route-missing-auth api.py:17", true},
		{"route-missing-auth worker.py:7", false},
	}
	for _, tt := range tests {
		if slices.Contains(got, tt.loc) != tt.want {
			t.Errorf("%s reported %v, want %v (findings %v)", tt.loc, !tt.want, tt.want, got)
		}
	}
}
