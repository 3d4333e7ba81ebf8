package github

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

// The Action's own repository in these tests, and its release.
const (
	actionRepo = "pipeguard/pipeguard"
	releaseTag = "v1.2.3"
)

var (
	releaseOnce sync.Once
	releaseDir  string
	releaseErr  error
)

// testRelease packs the test's pipeguard binary as the release workflow
// does (actions/release/package.sh): the archive for this machine's
// platform and checksums.txt, once per test binary.
func testRelease(t testing.TB) string {
	t.Helper()
	bin := pipeguardBinary(t)
	releaseOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "pipeguard-release-test")
		if err != nil {
			releaseErr = err
			return
		}
		bins, out := filepath.Join(tmp, "bin"), filepath.Join(tmp, "dist")
		if err := os.MkdirAll(bins, 0o755); err != nil {
			releaseErr = err
			return
		}
		data, err := os.ReadFile(bin)
		if err != nil {
			releaseErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(bins, "pipeguard_"+runtime.GOOS+"_"+runtime.GOARCH), data, 0o755); err != nil {
			releaseErr = err
			return
		}
		cmd := exec.Command("bash", "actions/release/package.sh", releaseTag, bins, out)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
		if msg, err := cmd.CombinedOutput(); err != nil {
			releaseErr = fmt.Errorf("package.sh: %v\n%s", err, msg)
			return
		}
		releaseDir = out
	})
	if releaseErr != nil {
		t.Fatal(releaseErr)
	}
	return releaseDir
}

// releaseAsset is this machine's archive name in the test release.
func releaseAsset() string {
	ext := "tar.gz"
	if runtime.GOOS == "windows" {
		ext = "zip"
	}
	return fmt.Sprintf("pipeguard_%s_%s_%s.%s", strings.TrimPrefix(releaseTag, "v"), runtime.GOOS, runtime.GOARCH, ext)
}

// releaseServer answers like github.com for what the Action fetches, over
// HTTPS: the git protocol for the Action's repository (git http-backend),
// and release downloads, which redirect to object storage as GitHub's do.
// The Action's repository has release v1.2.3 (annotated tag, with the
// release's assets), its pre-release v1.2.3-rc.1 (no assets) and the moving
// tag v1 on the same commit, then a later
// commit tagged v1.3.0 whose release has no assets yet, then an unreleased
// commit at the head of main.
type releaseServer struct {
	*httptest.Server
	caFile  string
	commits map[string]string // release, later, unreleased

	mu       sync.Mutex
	tampered map[string]string // asset -> "corrupt" (one byte changed) or "replace" (another valid archive)
	requests []string
}

func newReleaseServer(t testing.TB) *releaseServer {
	t.Helper()
	dist := testRelease(t)
	gittest.Setup(t)
	root := t.TempDir()
	r := gittest.Init(t, filepath.Join(root, actionRepo))
	s := &releaseServer{commits: map[string]string{}, tampered: map[string]string{}}
	s.commits["release"] = r.CommitFiles("release 1.2.3", map[string]string{"action.yml": "name: pipeguard\n"})
	r.Git("tag", releaseTag+"-rc.1") // no release assets: the final release wins
	r.Git("tag", "-a", releaseTag, "-m", "pipeguard "+releaseTag)
	r.Git("tag", "v1")
	s.commits["later"] = r.CommitFiles("later", map[string]string{"README.md": "later\n"})
	r.Git("tag", "-a", "v1.3.0", "-m", "pipeguard v1.3.0")
	s.commits["unreleased"] = r.CommitFiles("unreleased", map[string]string{"README.md": "unreleased\n"})

	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	backend := &cgi.Handler{
		Path: git,
		Args: []string{"http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	}
	download := "/" + actionRepo + "/releases/download/" + releaseTag + "/"
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, req.Method+" "+req.URL.Path)
		s.mu.Unlock()
		switch p := req.URL.Path; {
		case strings.HasPrefix(p, "/"+actionRepo+"/info/refs"), strings.HasPrefix(p, "/"+actionRepo+"/git-upload-pack"):
			backend.ServeHTTP(w, req)
		case strings.HasPrefix(p, download):
			name := strings.TrimPrefix(p, download)
			if _, err := os.Stat(filepath.Join(dist, name)); strings.Contains(name, "/") || err != nil {
				http.NotFound(w, req)
				return
			}
			http.Redirect(w, req, "/objects/"+name+"?sig=test", http.StatusFound)
		case strings.HasPrefix(p, "/objects/"):
			name := strings.TrimPrefix(p, "/objects/")
			data, err := os.ReadFile(filepath.Join(dist, filepath.Base(name)))
			if err != nil {
				http.NotFound(w, req)
				return
			}
			s.mu.Lock()
			switch s.tampered[name] {
			case "corrupt":
				data = bytes.Clone(data)
				data[len(data)/2] ^= 0x01
			case "replace":
				data = impostorArchive(t)
			}
			s.mu.Unlock()
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(data)
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(s.Close)
	s.caFile = filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	if err := os.WriteFile(s.caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

// tamper serves asset altered (how: "corrupt" or "replace") until the
// test ends.
func (s *releaseServer) tamper(t testing.TB, asset, how string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tampered[asset] = how
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.tampered, asset)
	})
}

// impostorArchive is what an attacker who can replace a release download
// would serve: a valid archive whose pipeguard leaves a mark in
// $RUNNER_TEMP/pwned when it runs, and passes every scan.
func impostorArchive(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	script := []byte("#!/bin/sh\ntouch \"$RUNNER_TEMP/pwned\"\necho 'pipeguard v1.2.3'\nexit 0\n")
	if err := tw.WriteHeader(&tar.Header{Name: "pipeguard", Mode: 0o755, Size: int64(len(script))}); err != nil {
		t.Error(err)
	}
	_, _ = tw.Write(script)
	if err := tw.Close(); err != nil {
		t.Error(err)
	}
	if err := zw.Close(); err != nil {
		t.Error(err)
	}
	return buf.Bytes()
}

func (s *releaseServer) served(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.requests {
		if strings.HasSuffix(r, path) {
			return true
		}
	}
	return false
}

// runnerEnv adds to env what a GitHub-hosted runner sets for the action's
// steps, with downloads going to the release server and the server's
// certificate trusted by curl and git. bin holds the fake tools that come
// first on the PATH.
func runnerEnv(t testing.TB, env envMap, srv *releaseServer, workspace, bin string) {
	t.Helper()
	runnerTemp := t.TempDir()
	osName := map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	for k, v := range map[string]string{
		"RUNNER_OS":                  osName,
		"RUNNER_ARCH":                arch,
		"RUNNER_TEMP":                runnerTemp,
		"GITHUB_WORKSPACE":           workspace,
		"GITHUB_STEP_SUMMARY":        filepath.Join(runnerTemp, "step_summary"),
		"PIPEGUARD_RELEASE_BASE_URL": srv.URL,
		"GITHUB_SERVER_URL":          srv.URL,
		"CURL_CA_BUNDLE":             srv.caFile,
		"GIT_SSL_CAINFO":             srv.caFile,
		"PATH":                       bin + string(os.PathListSeparator) + os.Getenv("PATH"),
	} {
		env[k] = v
	}
}

// fakeGH writes a gh that records its arguments in dir/gh.log and answers
// `attestation verify` with exit code verifyExit, as gh does for an
// attestation that verifies (0) or not (1).
func fakeGH(t testing.TB, dir string, verifyExit int) string {
	t.Helper()
	log := filepath.Join(dir, "gh.log")
	script := fmt.Sprintf(`#!/bin/sh
echo "$*" >> %q
case "$*" in
*--help*) echo "      --source-digest string   Enforce that the digest associated with the source repository matches"; exit 0 ;;
"attestation verify "*) [ %d -eq 0 ] && echo "Verification succeeded" || echo "Verification failed: no attestations found"; exit %d ;;
esac
exit 2
`, log, verifyExit, verifyExit)
	if err := os.WriteFile(filepath.Join(dir, "gh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return log
}

// fakeGo writes a go command that passes everything to the real one but
// `go build`, which it records in dir/go.log and answers by copying the
// test's pipeguard binary to the -o path: the source build's wiring is
// tested without compiling pipeguard again.
func fakeGo(t testing.TB, dir, pipeguard string) string {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not installed")
	}
	log := filepath.Join(dir, "go.log")
	script := fmt.Sprintf(`#!/bin/sh
if [ "$1" != build ]; then exec %q "$@"; fi
echo "$*" >> %q
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = -o ]; then out=$2; fi
  shift
done
cp %q "$out"
`, real, log, pipeguard)
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return log
}

func TestActionDownload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pipeguard")
	}
	a := readAction(t)
	srv := newReleaseServer(t)
	asset := releaseAsset()
	installed := "pipeguard/pipeguard"
	if runtime.GOOS == "windows" {
		installed += ".exe"
	}

	tests := []struct {
		name       string
		ref        string
		baseURL    string // instead of the server's
		serverURL  string // GITHUB_SERVER_URL, instead of the server's
		tamper     string // "corrupt" or "replace" the download
		ghExit     int    // gh attestation verify's exit code
		noGH       bool   // gh is not installed
		wantBuild  bool   // built from source
		wantCode   int
		wantError  string // the ::error the step fails with
		wantNotice string
	}{
		{name: "release tag", ref: releaseTag, wantCode: 1},
		{name: "commit SHA of a release", ref: "release", wantCode: 1},
		{name: "moving major tag", ref: "v1", wantCode: 1},
		{name: "branch builds from source", ref: "main", wantBuild: true, wantCode: 1},
		{name: "commit that is no release builds", ref: "unreleased", wantBuild: true, wantCode: 1},
		{name: "release without assets builds", ref: "v1.3.0", wantBuild: true, wantCode: 1, wantNotice: "::warning title=pipeguard::release v1.3.0 of pipeguard/pipeguard has no checksums.txt"},
		{name: "local action builds", ref: "", wantBuild: true, wantCode: 1},
		{name: "tampered binary is refused", ref: releaseTag, tamper: "replace", wantCode: 1,
			wantError: "::error title=pipeguard::checksum mismatch for " + asset + " of release " + releaseTag},
		{name: "corrupted download is refused", ref: releaseTag, tamper: "corrupt", wantCode: 1,
			wantError: "::error title=pipeguard::checksum mismatch for " + asset + " of release " + releaseTag},
		{name: "attestation that does not verify is refused", ref: releaseTag, ghExit: 1, wantCode: 1,
			wantError: "::error title=pipeguard::the build provenance attestation of " + asset + " does not verify"},
		{name: "without gh the checksum still counts", ref: releaseTag, noGH: true, wantCode: 1,
			wantNotice: "::notice title=pipeguard::the gh CLI is not installed"},
		{name: "enterprise server token is not used for github.com", ref: releaseTag, serverURL: "https://ghes.example", wantCode: 1,
			wantNotice: "::notice title=pipeguard::the runner's token is for https://ghes.example"},
		{name: "plain http is refused", ref: releaseTag, baseURL: "http://127.0.0.1:9", wantCode: 1,
			wantError: "::error title=pipeguard::PIPEGUARD_RELEASE_BASE_URL must be an https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.noGH {
				if _, err := exec.LookPath("gh"); err == nil {
					t.Skip("gh is installed on this machine")
				}
			}
			ref := tt.ref
			switch ref {
			case "release":
				ref = srv.commits["release"]
			case "unreleased":
				ref = srv.commits["unreleased"]
			}
			r := gittest.New(t)
			r.Write("app/settings.py", "import os\nDEBUG = False\n")
			base := r.Commit("base")
			r.Write("app/settings.py", "import os\nDEBUG = False\naws_access_key_id = \""+canary+"\"\n")
			head := r.Commit("add key")

			api := newFakeAPI(t, testToken)
			env := prEnv(api, eventFile(t, base, head))
			bin := t.TempDir()
			runnerEnv(t, env, srv, r.Dir, bin)
			if tt.baseURL != "" {
				env["PIPEGUARD_RELEASE_BASE_URL"] = tt.baseURL
			}
			if tt.serverURL != "" {
				env["GITHUB_SERVER_URL"] = tt.serverURL
			}
			ghLog := ""
			if !tt.noGH {
				ghLog = fakeGH(t, bin, tt.ghExit)
			}
			goLog := fakeGo(t, bin, pipeguardBinary(t))
			if tt.tamper != "" {
				srv.tamper(t, asset, tt.tamper)
			}
			var setupGo []string
			run := runAction(t, a, runOptions{
				with:       map[string]string{"scanners": "secrets", "comment": "false"},
				env:        env,
				workspace:  r.Dir,
				actionRepo: actionRepo,
				actionRef:  ref,
				uses: func(name, uses string) {
					if !strings.HasPrefix(uses, "actions/setup-go@") {
						t.Fatalf("step %q runs %s", name, uses)
					}
					setupGo = append(setupGo, name)
				},
			})
			t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", run.code, run.stdout, run.stderr)
			if run.code != tt.wantCode {
				t.Fatalf("exit %d, want %d", run.code, tt.wantCode)
			}
			goBuilds, _ := os.ReadFile(goLog)
			if built := run.ran["Build pipeguard"]; built != tt.wantBuild {
				t.Errorf("built from source: %v, want %v", built, tt.wantBuild)
			}
			if tt.wantBuild {
				if len(setupGo) != 1 || setupGo[0] != "Set up Go" {
					t.Errorf("setup-go steps = %q, want the one before the build", setupGo)
				}
				if !bytes.Contains(goBuilds, []byte("-tags gore2regex")) || !bytes.Contains(goBuilds, []byte("./cmd/pipeguard")) {
					t.Errorf("go build = %q", goBuilds)
				}
				if tt.ref == releaseTag {
					t.Error("a release tag was built from source")
				}
			} else if len(setupGo) != 0 || len(goBuilds) != 0 {
				t.Errorf("the download path set Go up (%q) or built (%q)", setupGo, goBuilds)
			}

			dest := filepath.Join(env["RUNNER_TEMP"], filepath.FromSlash(installed))
			if tt.wantError != "" {
				if !strings.Contains(run.stdout, tt.wantError) {
					t.Errorf("no %q in the log", tt.wantError)
				}
				if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a refused binary was installed at %s (%v)", dest, err)
				}
				if left, _ := filepath.Glob(filepath.Join(env["RUNNER_TEMP"], "pipeguard", "download.*")); len(left) != 0 {
					t.Errorf("the download was left behind: %q", left)
				}
				if run.ran["Scan"] {
					t.Error("the scan ran after the binary was refused")
				}
				if _, err := os.Stat(filepath.Join(env["RUNNER_TEMP"], "pwned")); err == nil {
					t.Error("the impostor binary ran")
				}
				return
			}
			if tt.wantNotice != "" && !strings.Contains(run.stdout, tt.wantNotice) {
				t.Errorf("no %q in the log", tt.wantNotice)
			}
			// The verdict: the scan ran with the installed binary.
			if !run.ran["Scan"] || run.outputs["verdict"] != "fail" || run.outputs["blocking"] != "1" {
				t.Fatalf("outputs = %q, want a fail verdict with 1 blocking finding", run.outputs)
			}
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("pipeguard not installed: %v", err)
			}
			if strings.Contains(run.stdout+run.stderr, canary) || strings.Contains(run.stdout+run.stderr, testToken) {
				t.Error("the log shows a secret")
			}
			if tt.wantBuild {
				return
			}
			if !srv.served("/objects/" + asset) {
				t.Errorf("%s was not downloaded", asset)
			}
			if !strings.Contains(run.stdout, "matches checksums.txt") {
				t.Error("no checksum verification in the log")
			}
			if gh, _ := os.ReadFile(ghLog); tt.serverURL != "" && bytes.Contains(gh, []byte("attestation verify /")) {
				t.Errorf("gh ran with another host's token:\n%s", gh)
			} else if ghLog != "" && tt.serverURL == "" {
				want := "attestation verify " + filepath.Join(env["RUNNER_TEMP"], "pipeguard")
				for _, arg := range []string{want, "--repo " + actionRepo, "--signer-workflow " + actionRepo + "/.github/workflows/release.yml",
					"--source-ref refs/tags/" + releaseTag, "--source-digest " + srv.commits["release"], "--deny-self-hosted-runners"} {
					if !bytes.Contains(gh, []byte(arg)) {
						t.Errorf("gh was not called with %q:\n%s", arg, gh)
					}
				}
			}
		})
	}
}

// TestAuditActionDownload runs the audit action's install steps: the same
// verified download for a release, a build from source for a branch.
func TestAuditActionDownload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pipeguard")
	}
	a := readActionFile(t, "../../actions/audit/action.yml")
	srv := newReleaseServer(t)
	for _, tt := range []struct {
		ref, tamper string
		wantBuild   bool
		wantCode    int
	}{
		{ref: "v1", wantBuild: false},
		{ref: "main", wantBuild: true},
		{ref: releaseTag, tamper: "replace", wantCode: 1},
	} {
		t.Run(tt.ref+tt.tamper, func(t *testing.T) {
			workspace := t.TempDir()
			event := filepath.Join(workspace, "event.json")
			if err := os.WriteFile(event, []byte(`{}`), 0o644); err != nil {
				t.Fatal(err)
			}
			env := envMap{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": event, "GITHUB_TOKEN": testToken}
			bin := t.TempDir()
			runnerEnv(t, env, srv, workspace, bin)
			fakeGH(t, bin, 0)
			goLog := fakeGo(t, bin, pipeguardBinary(t))
			if tt.tamper != "" {
				srv.tamper(t, releaseAsset(), tt.tamper)
			}
			run := runAction(t, a, runOptions{
				env: env, workspace: workspace, actionRepo: actionRepo, actionRef: tt.ref,
				actionPath: "../../actions/audit",
				only:       map[string]bool{"Download pipeguard": true, "Set up Go": true, "Build pipeguard": true},
				uses:       func(string, string) {},
			})
			t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", run.code, run.stdout, run.stderr)
			if run.code != tt.wantCode {
				t.Fatalf("exit %d, want %d", run.code, tt.wantCode)
			}
			installed := filepath.Join(env["RUNNER_TEMP"], "pipeguard", "pipeguard")
			_, err := os.Stat(installed)
			if tt.wantCode != 0 {
				if err == nil || !strings.Contains(run.stdout, "::error title=pipeguard::checksum mismatch") {
					t.Errorf("the tampered download was not refused (installed: %v)", err == nil)
				}
				return
			}
			if err != nil {
				t.Fatalf("pipeguard not installed: %v", err)
			}
			goBuilds, _ := os.ReadFile(goLog)
			if run.ran["Build pipeguard"] != tt.wantBuild || (len(goBuilds) > 0) != tt.wantBuild {
				t.Errorf("built from source: step %v, go build %q; want %v", run.ran["Build pipeguard"], goBuilds, tt.wantBuild)
			}
		})
	}
}

// TestMain removes what the tests built once for the whole package.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, p := range []string{builtBinary, releaseDir} {
		if p != "" {
			_ = os.RemoveAll(filepath.Dir(p))
		}
	}
	os.Exit(code)
}
