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
	"time"

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
			Name             string            `yaml:"name"`
			ID               string            `yaml:"id"`
			If               string            `yaml:"if"`
			Uses             string            `yaml:"uses"`
			Shell            string            `yaml:"shell"`
			WorkingDirectory string            `yaml:"working-directory"`
			Run              string            `yaml:"run"`
			Env              map[string]string `yaml:"env"`
			With             map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t testing.TB) *actionFile {
	t.Helper()
	return readActionFile(t, "../../action.yml")
}

func readActionFile(t testing.TB, path string) *actionFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("%s: %v", path, err)
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
func pipeguardBinary(t testing.TB) string {
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

// stepContext is what expressions in the action may read: inputs, the
// github context (token, action_*, event), runner.temp, and the outputs
// of the steps that ran.
type stepContext struct {
	inputs map[string]string
	event  map[string]any
	github map[string]string            // "github.token" -> value
	steps  map[string]map[string]string // step id -> outputs
}

// expand evaluates ${{ }} expressions as GitHub would for the contexts the
// action may use in env, with and outputs. Anything else fails the test,
// so that the action cannot come to depend on something untested.
func expand(t testing.TB, s string, c *stepContext) string {
	t.Helper()
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		return c.value(t, exprRE.FindStringSubmatch(m)[1])
	})
}

func (c *stepContext) value(t testing.TB, expr string) string {
	t.Helper()
	switch {
	case strings.HasPrefix(expr, "inputs."):
		v, ok := c.inputs[strings.TrimPrefix(expr, "inputs.")]
		if !ok {
			t.Fatalf("unknown input in %q", expr)
		}
		return expand(t, v, c)
	case strings.HasPrefix(expr, "github.event."):
		var cur any = c.event
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
	case strings.HasPrefix(expr, "steps."):
		parts := strings.Split(expr, ".")
		if len(parts) != 4 || parts[2] != "outputs" {
			t.Fatalf("expression %q: only steps.ID.outputs.NAME is known", expr)
		}
		return c.steps[parts[1]][parts[3]]
	}
	if v, ok := c.github[expr]; ok {
		return v
	}
	t.Fatalf("expression %q is not one the test knows how to evaluate", expr)
	return ""
}

var condRE = regexp.MustCompile(`^(steps\.[\w-]+\.outputs\.[\w-]+)\s*(==|!=)\s*'([^']*)'$`)

// cond evaluates a step's if: the conjunctions of output comparisons the
// action uses; an empty if: is true (every step before ran, or the run
// would have ended).
func (c *stepContext) cond(t testing.TB, expr string) bool {
	t.Helper()
	expr = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(expr), "${{"), "}}"))
	if expr == "" {
		return true
	}
	for _, term := range strings.Split(expr, "&&") {
		m := condRE.FindStringSubmatch(strings.TrimSpace(term))
		if m == nil {
			t.Fatalf("if: %q is not a condition the test knows how to evaluate", expr)
		}
		if (c.value(t, m[1]) == m[3]) != (m[2] == "==") {
			return false
		}
	}
	return true
}

// actionRun is what running the action's steps gave.
type actionRun struct {
	code           int
	stdout, stderr string
	outputs        map[string]string        // the action's outputs
	ran            map[string]bool          // step name -> it ran
	took           map[string]time.Duration // step name -> how long it ran
	cpu            map[string]time.Duration // step name -> CPU time (user+system) of its processes
}

// runOptions says how to run the action: its inputs, the runner's
// environment, the workspace, the action's own repository, ref and folder
// (default: the repository's root), what to do for a uses: step that runs
// (nil: fail the test), and which steps to run (nil: all).
type runOptions struct {
	with       map[string]string
	env        envMap
	workspace  string
	actionRepo string
	actionRef  string
	actionPath string
	uses       func(name, uses string)
	only       map[string]bool
}

// runAction runs the action's steps as the runner would: each step's if:
// evaluated; each run script with bash -eo pipefail, its env expanded, in
// the workspace or its working-directory; a fresh $GITHUB_OUTPUT per step
// whose lines become steps.ID.outputs; $GITHUB_PATH added to the PATH of
// the steps after; the first failing step ends the run.
func runAction(t testing.TB, a *actionFile, o runOptions) *actionRun {
	t.Helper()
	c := &stepContext{inputs: map[string]string{}, steps: map[string]map[string]string{}}
	for name, in := range a.Inputs {
		c.inputs[name] = in.Default
	}
	for k, v := range o.with {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("input %q is not declared in action.yml", k)
		}
		c.inputs[k] = v
	}
	data, err := os.ReadFile(o.env["GITHUB_EVENT_PATH"])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &c.event); err != nil {
		t.Fatal(err)
	}
	if o.actionPath == "" {
		o.actionPath = "../.."
	}
	actionPath, err := filepath.Abs(o.actionPath)
	if err != nil {
		t.Fatal(err)
	}
	c.github = map[string]string{
		"github.token":             o.env["GITHUB_TOKEN"],
		"github.action_path":       actionPath,
		"github.action_repository": o.actionRepo,
		"github.action_ref":        o.actionRef,
		"runner.temp":              o.env["RUNNER_TEMP"],
	}
	run := &actionRun{ran: map[string]bool{}, took: map[string]time.Duration{}, cpu: map[string]time.Duration{}}
	path := o.env["PATH"]
	if path == "" {
		path = os.Getenv("PATH")
	}
	var outb, errb bytes.Buffer
	for i, step := range a.Runs.Steps {
		if (o.only != nil && !o.only[step.Name]) || !c.cond(t, step.If) {
			continue
		}
		run.ran[step.Name] = true
		if step.Uses != "" {
			if o.uses == nil {
				t.Fatalf("step %q would run %s", step.Name, step.Uses)
			}
			o.uses(step.Name, step.Uses)
			continue
		}
		if step.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", step.Name, step.Shell)
		}
		if strings.Contains(step.Run, "${{") {
			t.Fatalf("step %q pastes an expression into its script; pass it through env", step.Name)
		}
		dir := t.TempDir()
		script, outputFile, pathFile := filepath.Join(dir, "step.sh"), filepath.Join(dir, "output"), filepath.Join(dir, "path")
		if err := os.WriteFile(script, []byte(step.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = o.workspace
		if step.WorkingDirectory != "" {
			cmd.Dir = expand(t, step.WorkingDirectory, c)
		}
		cmd.Env = []string{"HOME=" + t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}
		for k, v := range o.env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, "PATH="+path, "GITHUB_OUTPUT="+outputFile, "GITHUB_PATH="+pathFile, "GITHUB_ACTION_PATH="+actionPath)
		for k, v := range step.Env {
			cmd.Env = append(cmd.Env, k+"="+expand(t, v, c))
		}
		cmd.Stdout, cmd.Stderr = &outb, &errb
		start := time.Now()
		err := cmd.Run()
		run.took[step.Name] = time.Since(start)
		if cmd.ProcessState != nil {
			run.cpu[step.Name] = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		if data, _ := os.ReadFile(outputFile); step.ID != "" && len(data) > 0 {
			c.steps[step.ID] = parseOutputs(t, string(data))
		}
		if data, _ := os.ReadFile(pathFile); len(data) > 0 {
			for _, p := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				path = p + string(os.PathListSeparator) + path
			}
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			run.code = ee.ExitCode()
			t.Logf("step %d %q failed with exit %d", i, step.Name, run.code)
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	// The action's outputs are those of the steps that ran, even when one
	// failed: the scan step fails the job on blocking findings.
	run.stdout, run.stderr = outb.String(), errb.String()
	run.outputs = map[string]string{}
	for name, out := range a.Outputs {
		run.outputs[name] = expand(t, out.Value, c)
	}
	return run
}

// shallowClone makes a depth-1 clone of the repository at dir, whose
// origin is a bare copy of it (git fetch works, offline), and returns the
// clone's folder.
func shallowClone(t *testing.T, dir string) string {
	t.Helper()
	tmp := t.TempDir()
	origin := filepath.Join(tmp, "origin.git")
	gittest.Run(t, tmp, "clone", "-q", "--bare", dir, origin)
	clone := filepath.Join(tmp, "work")
	gittest.Run(t, tmp, "clone", "-q", "--depth=1", "file://"+origin, clone)
	if got := strings.TrimSpace(gittest.Run(t, clone, "rev-parse", "--is-shallow-repository")); got != "true" {
		t.Fatalf("the clone is not shallow: %s", got)
	}
	return clone
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
	srv := newReleaseServer(t)

	tests := []struct {
		name     string
		forbid   bool // the token cannot write comments (a fork's token)
		clean    bool // the pull request adds no secret
		shallow  bool // the workspace is a depth-1 clone, as actions/checkout makes by default
		with     map[string]string
		wantCode int
	}{
		{name: "pull request", with: map[string]string{"scanners": "secrets"}, wantCode: 1},
		{name: "read-only token", forbid: true, with: map[string]string{"scanners": "secrets"}, wantCode: 1},
		{name: "comment off", with: map[string]string{"scanners": "secrets", "comment": "false", "sarif-file": "out/pg.sarif"}, wantCode: 1},
		{name: "SARIF upload", with: map[string]string{"scanners": "secrets", "upload-sarif": "true"}, wantCode: 1},
		{name: "clean pull request", clean: true, with: map[string]string{"scanners": "secrets"}, wantCode: 0},
		// The base is not in a depth-1 clone and the commits between base
		// and head are past its boundary: the action fetches what the range
		// needs instead of failing the scan as incomplete (exit 2).
		{name: "shallow checkout", shallow: true, clean: true, with: map[string]string{"scanners": "secrets"}, wantCode: 0},
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
			if tt.shallow {
				dir = shallowClone(t, dir)
			}

			api := newFakeAPI(t, testToken)
			if tt.forbid {
				api.fail("POST", `/issues/7/comments$`, 10, 403, nil, `{"message":"Resource not accessible by integration"}`)
				api.fail("POST", `/reviews$`, 10, 403, nil, `{"message":"Resource not accessible by integration"}`)
			}
			env := prEnv(api, eventFile(t, base, head))
			bin := t.TempDir()
			runnerEnv(t, env, srv, dir, bin)
			fakeGH(t, bin, 0)

			run := runAction(t, a, runOptions{with: tt.with, env: env, workspace: dir, actionRepo: actionRepo, actionRef: releaseTag})
			code, stdout, stderr := run.code, run.stdout, run.stderr
			t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			out := run.outputs
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
