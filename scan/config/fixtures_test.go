package config

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fixtureDirs hold the fixture projects (FastAPI and Go services); their
// README lists the exact findings each must give.
var fixtureDirs = []string{"../../testdata/fastapi", "../../testdata/go"}

// expectations reads the README.md of a fixture folder: for each "##
// name/" section, the lines of its fenced blocks ("rule path:line", or
// "skipped path:line").
func expectations(t *testing.T, fixtureDir string) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtureDir, "README.md"))
	if err != nil {
		t.Skipf("no fixtures: %v", err)
	}
	defer f.Close()
	out := map[string][]string{}
	var project string
	fenced := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "```"):
			fenced = !fenced
		case fenced && project != "" && line != "":
			out[project] = append(out[project], line)
		case !fenced && strings.HasPrefix(line, "## "):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "## "), " ")
			project = strings.TrimSuffix(name, "/")
			out[project] = []string{}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// copyProject copies a fixture project into a new git repository (so that
// its .env is tracked, as in a real repository) and commits it.
func copyProject(t *testing.T, fixtureDir, name string) string {
	t.Helper()
	files := map[string]string{}
	src := filepath.Join(fixtureDir, name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return gitRepo(t, files)
}

// TestFixtureProjects scans each fixture project and compares the findings
// (rule path:line) and skipped files with its README list, exactly.
func TestFixtureProjects(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range fixtureDirs {
		want := expectations(t, dir)
		if len(want) == 0 {
			t.Fatalf("%s/README.md lists no project", dir)
		}
		for name, lines := range want {
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				root := copyProject(t, dir, name)
				res := scanDir(t, s, root)
				got := locations(res.Findings)
				for _, sk := range res.Skipped {
					got = append(got, fmt.Sprintf("skipped %s:%d", sk.Path, sk.Line))
				}
				sort.Strings(got)
				exp := append([]string(nil), lines...)
				sort.Strings(exp)
				missing, extra := diff(exp, got)
				for _, m := range missing {
					t.Errorf("missing: %s", m)
				}
				for _, x := range extra {
					t.Errorf("unexpected: %s", x)
				}
			})
		}
	}
}

// diff returns what is in want and not in got, and the reverse (multisets).
func diff(want, got []string) (missing, extra []string) {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		count[g]--
	}
	for k, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, k)
		}
		for ; n < 0; n++ {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}
