package github

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

// actionFile is the composite action's metadata, as far as the test reads it.
type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Env   map[string]string `yaml:"env"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) *actionFile {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

var (
	buildOnce   sync.Once
	builtBinary string
	buildErr    error
)

// pipeguardBinary builds ./cmd/pipeguard as the Action does, once per test
// binary; PIPEGUARD_TEST_BINARY names a binary built already.
func pipeguardBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PIPEGUARD_TEST_BINARY"); p != "" {
		return p
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pipeguard-action-test")
		if err != nil {
			buildErr = err
			return
		}
		builtBinary = filepath.Join(dir, "pipeguard")
		cmd := exec.Command("go", "build", "-tags", "gore2regex", "-o", builtBinary, "./cmd/pipeguard")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/pipeguard: %v", buildErr)
	}
	if out, err := exec.Command(builtBinary, "github", "publish", "--help").CombinedOutput(); err != nil {
		t.Fatalf("pipeguard github publish --help: %v\n%s\n(newGitHubCmd in cmd/pipeguard/github.go must be added to the root command)", err, out)
	}
	return builtBinary
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// expand evaluates ${{ }} expressions as GitHub would for the few contexts
// the action may use in env and with: inputs, github.token,
// github.action_ref, github.event.*, runner.temp. Anything else fails the
// test, so that the action cannot come to depend on something untested.
func expand(t *testing.T, s string, inputs map[string]string, event map[string]any, ghctx map[string]string) string {
	t.Helper()
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		expr := exprRE.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(expr, "inputs."):
			v, ok := inputs[strings.TrimPrefix(expr, "inputs.")]
			if !ok {
				t.Fatalf("unknown input in %q", expr)
			}
			return expand(t, v, inputs, event, ghctx)
		case strings.HasPrefix(expr, "github.event."):
			var cur any = event
			for _, k := range strings.Split(strings.TrimPrefix(expr, "github.event."), ".") {
				obj, _ := cur.(map[string]any)
				cur = obj[k]
			}
			switch v := cur.(type) {
			case nil:
				return ""
			case string:
				return v
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
			t.Fatalf("expression %q is not a scalar", expr)
		case ghctx[expr] != "" || expr == "github.action_ref":
			return ghctx[expr]
		}
		t.Fatalf("expression %q is not one the test knows how to evaluate", expr)
		return ""
	})
}

// runAction runs the action's steps after the build as the runner would:
// each run script with bash -eo pipefail, its env expanded, in the workspace.
func runAction(t *testing.T, a *actionFile, with map[string]string, env envMap, workspace string) (code int, stdout, stderr string) {
	t.Helper()
	inputs := map[string]string{}
	for name, in := range a.Inputs {
		inputs[name] = in.Default
	}
	for k, v := range with {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("input %q is not declared in action.yml", k)
		}
		inputs[k] = v
	}
	var event map[string]any
	data, err := os.ReadFile(env["GITHUB_EVENT_PATH"])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &event); err != nil {
		t.Fatal(err)
	}
	ghctx := map[string]string{"github.token": env["GITHUB_TOKEN"], "runner.temp": env["RUNNER_TEMP"]}
	built := false
	var outb, errb bytes.Buffer
	for _, step := range a.Runs.Steps {
		if step.Name == "Build pipeguard" {
			built = true
			continue
		}
		if !built || step.Run == "" {
			continue
		}
		if step.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", step.Name, step.Shell)
		}
		if strings.Contains(step.Run, "${{") {
			t.Fatalf("step %q pastes an expression into its script; pass it through env", step.Name)
		}
		script := filepath.Join(t.TempDir(), "step.sh")
		if err := os.WriteFile(script, []byte(step.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = workspace
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		for k, v := range step.Env {
			cmd.Env = append(cmd.Env, k+"="+expand(t, v, inputs, event, ghctx))
		}
		cmd.Stdout, cmd.Stderr = &outb, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return ee.ExitCode(), outb.String(), errb.String()
		case err != nil:
			t.Fatal(err)
		}
	}
	if !built {
		t.Fatal("action.yml has no step named \"Build pipeguard\"")
	}
	return 0, outb.String(), errb.String()
}

func TestActionSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pipeguard")
	}
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q", a.Runs.Using)
	}
	for _, name := range []string{"verdict", "findings", "blocking", "sarif-file"} {
		if !strings.Contains(a.Outputs[name].Value, "steps.scan.outputs."+name) {
			t.Errorf("output %s = %q", name, a.Outputs[name].Value)
		}
	}
	bin := pipeguardBinary(t)

	tests := []struct {
		name     string
		forbid   bool // the token cannot write comments (a fork's token)
		clean    bool // the pull request adds no secret
		with     map[string]string
		wantCode int
	}{
		{name: "pull request", with: map[string]string{"scanners": "secrets"}, wantCode: 1},
		{name: "read-only token", forbid: true, with: map[string]string{"scanners": "secrets"}, wantCode: 1},
		{name: "comment off", with: map[string]string{"scanners": "secrets", "comment": "false", "sarif-file": "out/pg.sarif"}, wantCode: 1},
		{name: "SARIF upload", with: map[string]string{"scanners": "secrets", "upload-sarif": "true"}, wantCode: 1},
		{name: "clean pull request", clean: true, with: map[string]string{"scanners": "secrets"}, wantCode: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gittest.New(t)
			dir := r.Dir
			r.Write("app/settings.py", "import os\nDEBUG = False\n")
			base := r.Commit("base")
			added := "aws_access_key_id = \"" + canary + "\"\n"
			if tt.clean {
				added = "aws_region = \"eu-west-1\"\n"
			}
			r.Write("app/settings.py", "import os\nDEBUG = False\n"+added)
			head := r.Commit("add key")

			api := newFakeAPI(t, testToken)
			if tt.forbid {
				api.fail("POST", `/issues/7/comments$`, 10, 403, nil, `{"message":"Resource not accessible by integration"}`)
				api.fail("POST", `/reviews$`, 10, 403, nil, `{"message":"Resource not accessible by integration"}`)
			}
			env := prEnv(api, eventFile(t, base, head))
			runnerTemp := t.TempDir()
			if err := os.MkdirAll(filepath.Join(runnerTemp, "pipeguard"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(bin, filepath.Join(runnerTemp, "pipeguard", "pipeguard")); err != nil {
				t.Fatal(err)
			}
			env["RUNNER_TEMP"] = runnerTemp
			env["GITHUB_WORKSPACE"] = dir
			env["GITHUB_OUTPUT"] = filepath.Join(runnerTemp, "github_output")
			env["GITHUB_STEP_SUMMARY"] = filepath.Join(runnerTemp, "step_summary")
			env["GITHUB_PATH"] = filepath.Join(runnerTemp, "github_path")

			code, stdout, stderr := runAction(t, a, tt.with, env, dir)
			t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			data, err := os.ReadFile(env["GITHUB_OUTPUT"])
			if err != nil {
				t.Fatalf("no outputs: %v\nstderr:\n%s", err, stderr)
			}
			out := parseOutputs(t, string(data))
			sarif := tt.with["sarif-file"]
			if sarif == "" {
				sarif = a.Inputs["sarif-file"].Default
			}
			want := map[string]string{"verdict": "fail", "findings": "1", "blocking": "1", "sarif-file": sarif}
			if tt.clean {
				want = map[string]string{"verdict": "pass", "findings": "0", "blocking": "0", "sarif-file": sarif}
			}
			if !reflect.DeepEqual(out, want) {
				t.Errorf("outputs = %q, want %q", out, want)
			}
			doc, err := os.ReadFile(filepath.Join(dir, sarif))
			if err != nil || !json.Valid(doc) || bytes.Contains(doc, []byte(canary)) {
				t.Errorf("SARIF %s: err %v, valid %v, canary %v", sarif, err, json.Valid(doc), bytes.Contains(doc, []byte(canary)))
			}
			verdictLine := "pipeguard failed"
			if tt.clean {
				verdictLine = "pipeguard passed"
			} else if !strings.Contains(stdout, "::error file=app/settings.py,line=3") {
				t.Errorf("no annotation on stdout:\n%s", stdout)
			}
			if summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"]); !bytes.Contains(summary, []byte(verdictLine)) {
				t.Errorf("step summary = %q", summary)
			}
			for _, s := range []string{stdout, stderr} {
				if strings.Contains(s, canary) || strings.Contains(s, testToken) {
					t.Errorf("the log shows a secret:\n%s", s)
				}
			}
			assertClean(t, api, nil)

			comments, reviews := api.calls("POST", `/issues/7/comments$`), api.calls("POST", `/reviews$`)
			switch {
			case tt.with["comment"] == "false":
				if len(api.allRequests()) != 0 {
					t.Errorf("comment off, yet %d requests", len(api.allRequests()))
				}
			case tt.forbid:
				if !strings.Contains(stderr, "pull-requests: write") {
					t.Errorf("no warning naming the permission:\n%s", stderr)
				}
			case tt.clean:
				if len(comments) != 1 || len(reviews) != 0 || !strings.Contains(api.issueComments()[0].Body, "No findings") {
					t.Errorf("%d comments, %d reviews; want 1 summary saying no findings and no review", len(comments), len(reviews))
				}
			default:
				if len(comments) != 1 || len(reviews) != 1 {
					t.Fatalf("%d comments, %d reviews; want 1 and 1\nstderr:\n%s", len(comments), len(reviews), stderr)
				}
				rc := api.reviewComments()
				if len(rc) != 1 || rc[0].Path != "app/settings.py" || rc[0].Line != 3 || rc[0].CommitID != head {
					t.Errorf("review comments = %+v", rc)
				}
				if strings.Contains(stderr, "warning") {
					t.Errorf("warnings:\n%s", stderr)
				}
			}
			if sarifs := api.calls("POST", `/code-scanning/sarifs$`); len(sarifs) != map[bool]int{true: 1}[tt.with["upload-sarif"] == "true"] {
				t.Errorf("%d SARIF uploads", len(sarifs))
			}
			for _, r := range api.allRequests() {
				if r.Auth != "Bearer "+testToken {
					t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
				}
			}
		})
	}
}
