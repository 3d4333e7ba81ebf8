package deps

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// ccLog puts a C compiler in CC that records each call in the returned
// file before running the real one, so a test can tell whether C was
// compiled. It skips without a C compiler, and empties GOCACHE so that no
// earlier cgo run is reused.
func ccLog(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("gcc")
	if err != nil {
		if cc, err = exec.LookPath("cc"); err != nil {
			t.Skip("no C compiler")
		}
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "cc.log")
	script := filepath.Join(dir, "cc")
	body := "#!/bin/sh\necho \"$@\" >> " + log + "\nexec " + cc + " \"$@\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CC", script)
	t.Setenv("CGO_ENABLED", "1")
	t.Setenv("GOCACHE", filepath.Join(dir, "gocache"))
	return log
}

// TestGoCgoLeftOut: a package with cgo files that imports nothing
// vulnerable is loaded without cgo; no C is compiled and a note names it.
func TestGoCgoLeftOut(t *testing.T) {
	needGo(t)
	log := ccLog(t)
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t)}), testdata(t, "go", "cgo-unrelated"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	sameBriefs(t, res.Findings, callsWant)
	if !hasNote(res.Notes, "loaded without cgo (CGO_ENABLED=0, no C compiled): the cgo files of example.com/cgo-unrelated/native were left out") {
		t.Errorf("no note on the cgo files left out: %q", res.Notes)
	}
	if b, err := os.ReadFile(log); err == nil {
		t.Errorf("C was compiled:\n%s", b)
	}
}

// TestGoCgoNeeded: the only call path to a vulnerable symbol runs through
// a cgo file, so the audit analyses the module with cgo and says why.
func TestGoCgoNeeded(t *testing.T) {
	needGo(t)
	log := ccLog(t)
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t)}), testdata(t, "go", "cgo-needed"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	var called []string
	for _, f := range res.Findings {
		if f.Dependency != nil && f.Dependency.Reachability == ReachCalled {
			called = append(called, f.Rule)
		}
	}
	if strings.Join(called, ",") != "GO-2021-0113" {
		t.Errorf("called %q, want GO-2021-0113 (through the cgo file)", called)
	}
	if !hasNote(res.Notes, "analysed with cgo (C code of example.com/cgo-needed/native compiled): the Go code of cgo files can reach vulnerable packages (golang.org/x/text/language)") {
		t.Errorf("no note on why C was compiled: %q", res.Notes)
	}
	if _, err := os.ReadFile(log); err != nil {
		t.Errorf("C was not compiled: %v", err)
	}
}

func TestCgoNeeded(t *testing.T) {
	osvs := map[string]*osvEntry{
		"GO-1": {ID: "GO-1", Affected: []osvAffected{{Package: osvPackage{Name: "example.com/v"},
			EcosystemSpecific: &osvEcosystemSpecific{Imports: []struct {
				Path    string   `json:"path" yaml:"path"`
				Symbols []string `json:"symbols,omitempty" yaml:"symbols"`
			}{{Path: "example.com/v/bad"}}}}}},
		"GO-2": {ID: "GO-2", Affected: []osvAffected{{Package: osvPackage{Name: "example.com/whole"}}}},
	}
	finding := func(osv, mod string) *gvFinding {
		return &gvFinding{OSV: osv, Trace: []*gvFrame{{Module: mod}}}
	}
	tests := []struct {
		name     string
		cgo      []cgoPackage
		findings []*gvFinding
		want     string
	}{
		{"no advisory", []cgoPackage{{Path: "example.com/c", Deps: []string{"example.com/v/bad"}}}, nil, ""},
		{"imports the vulnerable package", []cgoPackage{{Path: "example.com/c", Deps: []string{"fmt", "example.com/v/bad"}}}, []*gvFinding{finding("GO-1", "example.com/v")}, "example.com/v/bad"},
		{"imports another package of the module", []cgoPackage{{Path: "example.com/c", Deps: []string{"example.com/v/good"}}}, []*gvFinding{finding("GO-1", "example.com/v")}, ""},
		{"is the vulnerable package", []cgoPackage{{Path: "example.com/v/bad"}}, []*gvFinding{finding("GO-1", "example.com/v")}, "example.com/v/bad"},
		{"a module only cgo files import", []cgoPackage{{Path: "example.com/c", Modules: []string{"example.com/c", "example.com/cgoonly"}}}, nil, "module example.com/cgoonly, imported by cgo files only"},
		{"module vulnerable as a whole", []cgoPackage{{Path: "example.com/c", Deps: []string{"example.com/whole/x"}}}, []*gvFinding{finding("GO-2", "example.com/whole")}, "example.com/whole/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			graph := map[string]bool{"example.com/c": true, "example.com/v": true, "example.com/whole": true}
			got := cgoNeeded(tt.cgo, &gvOutput{OSVs: osvs, Findings: tt.findings, Modules: graph})
			if strings.Join(got, ",") != tt.want {
				t.Errorf("cgoNeeded = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGoCgoListFails: when the list of cgo packages cannot be had (here a
// go command that fails on "go list"; govulncheck's own loading uses the
// real one in PATH), which cgo files the run without cgo left out is
// unknown, so the audit analyses with cgo and finds the call path that
// runs through a cgo file.
func TestGoCgoListFails(t *testing.T) {
	needGo(t)
	log := ccLog(t)
	dir := testdata(t, "go", "cgo-needed")
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	failing := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(failing, []byte("#!/bin/sh\necho 'go list: broken on purpose' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a := &goAuditor{dbURL: goScanner(t, Options{}).dbURL, run: &runner{exec: selfExec(t)}, goBin: failing}
	res, err := a.audit(context.Background(), &goModule{Dir: dir, Rel: "go.mod", File: f}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Level != levelSymbol {
		t.Fatalf("level %s, want symbol (notes %q)", res.Level, res.Notes)
	}
	var called []string
	for _, v := range res.Vulns {
		if v.Reach == ReachCalled {
			called = append(called, v.OSV)
		}
	}
	if strings.Join(called, ",") != "GO-2021-0113" {
		t.Errorf("called %q, want GO-2021-0113 (through the cgo file)", called)
	}
	if _, err := os.ReadFile(log); err != nil {
		t.Errorf("C was not compiled: %v", err)
	}
}
