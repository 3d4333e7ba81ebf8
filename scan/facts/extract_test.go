package facts

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// git runs git in dir with a clean, local configuration.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+dir,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestTrackedFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := writeTree(t, map[string]string{
		"svc/.env":             "DEBUG=true\n",
		"svc/.env.local":       "DEBUG=false\n",
		"svc/requirements.txt": "fastapi\n",
		"svc/app.py":           "from fastapi import FastAPI\napp = FastAPI()\n",
	})
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "svc/.env", "svc/requirements.txt", "svc/app.py")
	git(t, dir, "commit", "-q", "-m", "init")

	for _, root := range []string{dir, filepath.Join(dir, "svc")} {
		f, err := Extract(context.Background(), listFiles(t, root), Options{Root: root})
		if err != nil {
			t.Fatal(err)
		}
		tracked := map[string]bool{}
		for _, fi := range f.Files {
			tracked[filepath.Base(fi.Path)] = fi.Tracked
		}
		want := map[string]bool{".env": true, ".env.local": false, "requirements.txt": true, "app.py": true}
		for k, v := range want {
			if tracked[k] != v {
				t.Errorf("root %s: %s tracked = %v, want %v", root, k, tracked[k], v)
			}
		}
	}
	// Outside a repository nothing is tracked, and the scan still works.
	plain := writeTree(t, map[string]string{".env": "DEBUG=1\n"})
	f, err := Extract(context.Background(), listFiles(t, plain), Options{Root: plain})
	if err != nil || len(f.Files) != 1 || f.Files[0].Tracked {
		t.Errorf("outside git: %v %+v", err, f)
	}
}

func TestProjectsSplitTheTree(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a/requirements.txt": "fastapi\n",
		"a/app/main.py":      "from fastapi import FastAPI\nfrom app.config import DEBUG\napp = FastAPI(debug=DEBUG)\n",
		"a/app/config.py":    "DEBUG = True\n",
		"b/Dockerfile":       "FROM python\nENV APP_ENV=production\n",
		"b/app/config.py":    "DEBUG = False\n",
		"b/app/main.py":      "from fastapi import FastAPI\nfrom app.config import DEBUG\napp = FastAPI(debug=DEBUG)\n",
		"tools/x.py":         "print(1)\n",
	})
	f := extractDir(t, dir)
	var roots []string
	for _, p := range f.Projects {
		roots = append(roots, p.Root)
	}
	if strings.Join(roots, ",") != ".,a,b" {
		t.Errorf("projects = %v", roots)
	}
	if len(f.Apps) != 2 {
		t.Fatalf("apps = %d", len(f.Apps))
	}
	for _, a := range f.Apps {
		want := a.Project == "a"
		if a.Args["debug"].Value != want || a.Args["debug"].DefPath != a.Project+"/app/config.py" {
			t.Errorf("%s: debug = %+v, want %v from its own project", a.Path, a.Args["debug"], want)
		}
	}
}

func TestCanarySecretsNeverInFacts(t *testing.T) {
	const canary = "CANARY7f3a9c2e1b5d"
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi\n",
		".env":             "SECRET_KEY=" + canary + "\nAPI_TOKEN=\"" + canary + "\"\n",
		"Dockerfile":       "FROM python\nENV JWT_SECRET=" + canary + "\nARG DB_PASSWORD=" + canary + "\n",
		"docker-compose.yml": "services:\n  api:\n    environment:\n      - CLIENT_SECRET=" + canary +
			"\n  db:\n    environment:\n      POSTGRES_PASSWORD: " + canary + "\n",
		"app.py": `
import os

import jwt
from fastapi import FastAPI
from pydantic_settings import BaseSettings
from starlette.middleware.sessions import SessionMiddleware

SECRET_KEY = "` + canary + `"
API_KEYS = ["` + canary + `"]
DB_PASSWORD = os.getenv("DB_PASSWORD", "` + canary + `")


class Settings(BaseSettings):
    signing_key: str = "` + canary + `"


settings = Settings()
app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key="` + canary + `")


def check(password):
    token = jwt.encode({}, "` + canary + `")
    use(settings.signing_key, SECRET_KEY, API_KEYS)
    return password == "` + canary + `"
`,
	})
	f := extractDir(t, dir)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), canary[4:]) {
		i := strings.Index(string(b), canary[4:])
		t.Errorf("facts contain the canary secret: ...%s...", string(b)[max(0, i-200):min(len(b), i+50)])
	}
	if len(f.SecretLiterals) != 6 {
		t.Errorf("secret literals = %+v, want 6", f.SecretLiterals)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Extract(ctx, listFiles(t, fixtures+"vulnerable"), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestMaxFileSize(t *testing.T) {
	dir := writeTree(t, map[string]string{"big.py": strings.Repeat("x = 1\n", 100), "small.py": "y = 2\n"})
	f, err := Extract(context.Background(), listFiles(t, dir), Options{MaxFileSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Skipped) != 1 || f.Skipped[0].Path != "big.py" || !strings.Contains(f.Skipped[0].Reason, "larger") {
		t.Errorf("skipped = %+v", f.Skipped)
	}
}

func TestVirtualenvsAreLeftOut(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app.py":                            "SECRET_KEY = 'abcdefghijkl'\n",
		"env/pyvenv.cfg":                    "home = /usr/bin\n",
		"env/lib/python3.12/x/mod.py":       "SECRET_KEY = 'abcdefghijkl'\n",
		"vendor/lib/site-packages/y/mod.py": "SECRET_KEY = 'abcdefghijkl'\n",
		"web/node_modules/z/build.py":       "SECRET_KEY = 'abcdefghijkl'\n",
		"envelope/mod.py":                   "SECRET_KEY = 'abcdefghijkl'\n",
	})
	f := extractDir(t, dir)
	var paths []string
	for _, fi := range f.Files {
		paths = append(paths, fi.Path)
	}
	if strings.Join(paths, " ") != "app.py envelope/mod.py" {
		t.Errorf("files = %v, want the project's own files only", paths)
	}
}
