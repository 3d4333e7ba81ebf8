package actions

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

var (
	digestRE  = regexp.MustCompile(`^[^@\s]+:[^@\s]+@sha256:[0-9a-f]{64}$`)
	installRE = regexp.MustCompile(`(apk add|apt-get install)[^&;|]*\sgit(\s|$)`)
)

// stage is one FROM and the instructions after it.
type stage struct {
	base, name string
	line       int
	nodes      []*parser.Node
}

// args is an instruction's arguments.
func args(n *parser.Node) []string {
	var out []string
	for a := n.Next; a != nil; a = a.Next {
		out = append(out, a.Value)
	}
	return out
}

// lintDockerfile parses a Dockerfile with BuildKit's parser (the one
// docker build uses) and checks what the image must be: multi-stage, every
// base image pinned by tag and digest, the binary built by the release's
// build script, and a final stage that installs git, runs as a user other
// than root, and has an exec-form ENTRYPOINT. It returns one message per
// problem, with its line.
func lintDockerfile(data []byte) []string {
	var problems []string
	report := func(line int, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("Dockerfile:%d: %s", line, fmt.Sprintf(format, a...)))
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return []string{"Dockerfile: " + err.Error()}
	}
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil {
			line = w.Location.Start.Line
		}
		report(line, "%s", w.Short)
	}
	var stages []*stage
	for _, n := range res.AST.Children {
		if strings.EqualFold(n.Value, "from") {
			a := args(n)
			st := &stage{line: n.StartLine}
			if len(a) > 0 {
				st.base = a[0]
			}
			if len(a) == 3 && strings.EqualFold(a[1], "as") {
				st.name = a[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			continue // ARG before the first FROM
		}
		cur := stages[len(stages)-1]
		cur.nodes = append(cur.nodes, n)
	}
	if len(stages) < 2 {
		return append(problems, fmt.Sprintf("Dockerfile: %d stage(s); want a build stage and a small final one", len(stages)))
	}

	names := map[string]bool{}
	builds := false
	for i, st := range stages {
		if !names[st.base] && st.base != "scratch" && !digestRE.MatchString(st.base) {
			report(st.line, "FROM %s is not pinned by tag and digest (IMAGE:TAG@sha256:...)", st.base)
		}
		names[st.name] = true
		for _, n := range st.nodes {
			if strings.EqualFold(n.Value, "run") && i < len(stages)-1 && strings.Contains(strings.Join(args(n), " "), "actions/release/build.sh") {
				builds = true
			}
		}
	}
	if !builds {
		report(0, "no build stage runs actions/release/build.sh, the release's build (the README's build tags)")
	}

	final := stages[len(stages)-1]
	user, git, entrypoint := "", false, false
	for _, n := range final.nodes {
		a := args(n)
		switch strings.ToLower(n.Value) {
		case "user":
			if len(a) > 0 {
				user = a[0]
			}
		case "run":
			if installRE.MatchString(strings.Join(a, " ")) {
				git = true
			}
		case "entrypoint":
			entrypoint = n.Attributes["json"] && len(a) > 0 && strings.HasSuffix(a[0], "pipeguard")
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		report(final.line, "the final stage runs as root (USER %q); want an unprivileged user", user)
	}
	if !git {
		report(final.line, "the final stage does not install git, which pipeguard runs")
	}
	if !entrypoint {
		report(final.line, "the final stage has no exec-form ENTRYPOINT running pipeguard")
	}
	return problems
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lintDockerfile(data) {
		t.Error(p)
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^/?\.git/?$`).Match(ignore) {
		t.Error(".dockerignore does not leave .git out of the build context")
	}
}

// TestBuildTagsMatchREADME: the release, the Action's source build and the
// image all build with actions/release/build.sh; its tags start with the
// README's install command's.
func TestBuildTagsMatchREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`go install -tags (\S+) github.com/pipeguard/pipeguard/cmd/pipeguard`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no go install -tags ... command")
	}
	script, err := os.ReadFile(filepath.Join(root, "actions", "release", "build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	b := regexp.MustCompile(`(?m)^tags=(\S+)$`).FindSubmatch(script)
	if b == nil {
		t.Fatal("build.sh sets no tags=")
	}
	if string(b[1]) != string(m[1]) {
		t.Errorf("build.sh builds with -tags %s, the README's install command with -tags %s", b[1], m[1])
	}
}

func TestLintDockerfile(t *testing.T) {
	digest := "@sha256:" + strings.Repeat("a", 64)
	good := "FROM golang:1.26" + digest + " AS build\nRUN bash actions/release/build.sh dev /out/pipeguard\n" +
		"FROM alpine:3.24" + digest + "\nRUN apk add --no-cache git ca-certificates\nCOPY --from=build /out/pipeguard /usr/local/bin/\nUSER 10001\nENTRYPOINT [\"pipeguard\"]\n"
	if p := lintDockerfile([]byte(good)); len(p) != 0 {
		t.Fatalf("good Dockerfile: %q", p)
	}
	tests := []struct{ name, from, to, want string }{
		{"unpinned base", "alpine:3.24" + digest, "alpine:3.24", "FROM alpine:3.24 is not pinned"},
		{"root", "USER 10001", "USER root", "runs as root"},
		{"no user", "USER 10001\n", "", "runs as root"},
		{"no git", "git ca-certificates", "ca-certificates", "does not install git"},
		{"shell entrypoint", `ENTRYPOINT ["pipeguard"]`, "ENTRYPOINT pipeguard", "exec-form ENTRYPOINT"},
		{"other build", "bash actions/release/build.sh dev /out/pipeguard", "go build -o /out/pipeguard ./cmd/pipeguard", "actions/release/build.sh"},
		{"one stage", "FROM golang:1.26" + digest + " AS build\nRUN bash actions/release/build.sh dev /out/pipeguard\n", "", "stage(s)"},
		{"parser warning", "RUN apk add", "RUN \\\n\n apk add", "Empty continuation line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.from, tt.to, 1)
			if bad == good {
				t.Fatalf("%q is not in the good Dockerfile", tt.from)
			}
			p := lintDockerfile([]byte(bad))
			if !strings.Contains(strings.Join(p, "\n"), tt.want) {
				t.Errorf("problems = %q, want one with %q", p, tt.want)
			}
		})
	}
}
