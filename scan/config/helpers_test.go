package config

import (
	"slices"
	"testing"
)

// CORS that a helper in another module adds to the app given to it, two
// helpers down from the app factory, is checked like CORS added where
// the app is built: the finding points at the helper.
func TestCORSAddedByHelperInAnotherModule(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := gitRepo(t, map[string]string{
		"requirements.txt":        "fastapi==0.110.0\n",
		"middlewares/__init__.py": "",
		"middlewares/cors_middleware.py": `from fastapi.middleware.cors import CORSMiddleware


def add_cors_middleware(app):
    origins = ["*"]
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)
`,
		"middlewares/handle.py": `from middlewares.cors_middleware import add_cors_middleware


def handle_middleware(app):
    add_cors_middleware(app)
`,
		"server.py": `from fastapi import FastAPI

from middlewares.handle import handle_middleware


def create_app():
    app = FastAPI()
    handle_middleware(app)
    return app
`,
		"app.py": `from server import create_app

app = create_app()
`,
	})
	got := locations(scanDir(t, s, root).Findings)
	if want := "cors-credentials-any-origin middlewares/cors_middleware.py:5"; !slices.Contains(got, want) {
		t.Errorf("findings %v, want %q among them", got, want)
	}
}
