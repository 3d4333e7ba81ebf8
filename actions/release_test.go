package actions

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// releaseWorkflow is .github/workflows/release.yml, as far as the test
// reads it.
type releaseWorkflow struct {
	Jobs map[string]struct {
		Permissions map[string]string `yaml:"permissions"`
		Strategy    struct {
			Matrix struct {
				Include []map[string]string `yaml:"include"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Uses string `yaml:"uses"`
			Run  string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestReleaseWorkflow checks the release against what the Action expects
// of it: the four platforms, archives and checksums from package.sh, an
// attestation signed by this very workflow file, made before the release
// is published.
func TestReleaseWorkflow(t *testing.T) {
	const path = ".github/workflows/release.yml"
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	var w releaseWorkflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}

	var platforms []string
	for _, m := range w.Jobs["build"].Strategy.Matrix.Include {
		platforms = append(platforms, m["goos"]+"/"+m["goarch"])
	}
	slices.Sort(platforms)
	if want := []string{"darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64"}; !slices.Equal(platforms, want) {
		t.Errorf("build matrix = %q, want %q", platforms, want)
	}
	var builds bool
	for _, s := range w.Jobs["build"].Steps {
		builds = builds || strings.Contains(s.Run, "actions/release/build.sh")
	}
	if !builds {
		t.Error("the build job does not run actions/release/build.sh")
	}

	rel := w.Jobs["release"]
	for perm, want := range map[string]string{"contents": "write", "id-token": "write", "attestations": "write"} {
		if rel.Permissions[perm] != want {
			t.Errorf("release job: permissions %s = %q, want %q", perm, rel.Permissions[perm], want)
		}
	}
	order := map[string]int{}
	for i, s := range rel.Steps {
		switch {
		case strings.Contains(s.Run, "actions/release/package.sh"):
			order["package"] = i + 1
		case strings.HasPrefix(s.Uses, "actions/attest-build-provenance@"):
			order["attest"] = i + 1
		case strings.Contains(s.Run, "gh release create"):
			order["publish"] = i + 1
		}
	}
	if !(order["package"] > 0 && order["package"] < order["attest"] && order["attest"] < order["publish"]) {
		t.Errorf("release job steps: package %d, attest %d, publish %d; want them in that order", order["package"], order["attest"], order["publish"])
	}

	install, err := os.ReadFile(filepath.Join(root, "actions", "release", "install.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(install), `--signer-workflow "$repo/`+path+`"`) {
		t.Errorf("install.sh does not verify attestations signed by %s", path)
	}
}
