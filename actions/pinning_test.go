// Package actions checks what pipeguard ships around its binary: the
// Action, the ready workflows, the release workflow and the container
// image.
package actions

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// root is the repository's root, from this package's folder.
const root = ".."

// selfAction is the project's own action. The ready workflows are
// templates that name it by tag: the user pins it to the commit SHA of the
// release they adopt (actions/README.md says how), which this repository
// cannot do for them before that release exists.
const selfAction = "pipeguard/pipeguard"

var (
	pinnedRE     = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$`)
	dockerRE     = regexp.MustCompile(`^docker://[^@\s]+@sha256:[0-9a-f]{64}$`)
	tagCommentRE = regexp.MustCompile(`^#\s*v[0-9]+(\.[0-9]+)*(-[0-9A-Za-z.-]+)?\s*$`)
	selfTagRE    = regexp.MustCompile(`^` + regexp.QuoteMeta(selfAction) + `(/[^@\s]+)?@v[0-9]+(\.[0-9]+)*$`)
)

// unpinned returns a message for each uses: in a workflow or action file
// that is not pinned to a full commit SHA with its tag in a comment, as
// file:line:col. Local actions (./) and docker:// images pinned by digest
// pass; so does the project's own action in the ready workflow templates
// (template true), by tag.
func unpinned(name string, data []byte, template bool) ([]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var problems []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "uses" && v.Kind == yaml.ScalarNode {
					if msg := checkUses(v.Value, v.LineComment, template); msg != "" {
						problems = append(problems, fmt.Sprintf("%s:%d:%d: %s", name, v.Line, v.Column, msg))
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return problems, nil
}

func checkUses(uses, comment string, template bool) string {
	switch {
	case strings.HasPrefix(uses, "./"):
		return ""
	case strings.HasPrefix(uses, "docker://"):
		if dockerRE.MatchString(uses) {
			return ""
		}
		return fmt.Sprintf("uses: %s is not pinned by digest (docker://IMAGE@sha256:...)", uses)
	case template && selfTagRE.MatchString(uses):
		return ""
	case !pinnedRE.MatchString(uses):
		return fmt.Sprintf("uses: %s is not pinned to a full commit SHA (OWNER/REPO@<40 hex> # vX.Y.Z): a tag or branch can be moved to other code", uses)
	case !tagCommentRE.MatchString(comment):
		return fmt.Sprintf("uses: %s has no tag comment (# vX.Y.Z) saying which release the SHA is", uses)
	}
	return ""
}

// actionFiles lists the files whose uses: must be pinned: action.yml,
// every YAML file under actions/ and .github/.
func actionFiles(t *testing.T) []string {
	t.Helper()
	files := []string{filepath.Join(root, "action.yml")}
	for _, dir := range []string{"actions", ".github"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == filepath.Join(root, dir) {
					return filepath.SkipDir
				}
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestActionsPinned fails when an action that action.yml, actions/ or
// .github/ use is not pinned by full commit SHA: the tj-actions and
// reviewdog compromises of 2025 went through moved tags.
func TestActionsPinned(t *testing.T) {
	files := actionFiles(t)
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		template := strings.HasPrefix(rel, "actions/") && !strings.HasSuffix(rel, "action.yml")
		problems, err := unpinned(rel, data, template)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
		checked += strings.Count(string(data), "uses:")
	}
	if len(files) < 6 || checked < 20 {
		t.Fatalf("checked %d uses: in %d files; the walk missed the workflows", checked, len(files))
	}
}

func TestCheckUses(t *testing.T) {
	sha := strings.Repeat("a", 40)
	tests := []struct {
		uses, comment string
		template      bool
		ok            bool
	}{
		{uses: "actions/checkout@" + sha, comment: "# v4.2.2", ok: true},
		{uses: "github/codeql-action/upload-sarif@" + sha, comment: "# v4.36.2", ok: true},
		{uses: "./.github/actions/local", ok: true},
		{uses: "docker://alpine:3.24@sha256:" + strings.Repeat("b", 64), ok: true},
		{uses: "pipeguard/pipeguard@v1", template: true, ok: true},
		{uses: "pipeguard/pipeguard/actions/audit@v1.2.3", template: true, ok: true},
		{uses: "actions/checkout@v4", comment: "# v4.2.2"},
		{uses: "actions/checkout@main"},
		{uses: "actions/checkout@" + sha[:7], comment: "# v4.2.2"},
		{uses: "actions/checkout@" + strings.ToUpper(sha), comment: "# v4.2.2"},
		{uses: "actions/checkout@" + sha},
		{uses: "actions/checkout@" + sha, comment: "# pinned"},
		{uses: "docker://alpine:3.24"},
		{uses: "pipeguard/pipeguard@v1"},
		{uses: "pipeguard/pipeguard@main", template: true},
		{uses: "tj-actions/changed-files@v45", template: true},
	}
	for _, tt := range tests {
		msg := checkUses(tt.uses, tt.comment, tt.template)
		if (msg == "") != tt.ok {
			t.Errorf("checkUses(%q, %q, template %v) = %q, want ok %v", tt.uses, tt.comment, tt.template, msg, tt.ok)
		}
	}
}

func TestUnpinnedPosition(t *testing.T) {
	doc := "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@" + strings.Repeat("c", 40) + " # v7.0.0\n"
	problems, err := unpinned("w.yml", []byte(doc), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "w.yml:4:15: uses: actions/checkout@v4 is not pinned") {
		t.Errorf("problems = %q", problems)
	}
}
