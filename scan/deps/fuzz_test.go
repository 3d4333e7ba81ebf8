package deps

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// checkPkgs holds for any lockfile: every package read has a normalized
// name and a version, and a line inside the file.
func checkPkgs(t *testing.T, data []byte, pkgs []pyPkg) {
	t.Helper()
	lines := bytes.Count(data, []byte("\n")) + 1
	for _, p := range pkgs {
		if p.Name == "" || p.Version == "" || p.Name != normalize(p.Name) {
			t.Fatalf("package %+v", p)
		}
		if p.Line < 0 || p.Line > lines {
			t.Fatalf("package %s at line %d of a %d-line file", p.Name, p.Line, lines)
		}
	}
}

// FuzzRequirements feeds requirements files to the parser (through the
// file system, as a scan reads them): it never panics and what it reads
// holds together. Seeds: testdata/fuzz/FuzzRequirements.
func FuzzRequirements(f *testing.F) {
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs, unpinned, err := parseManifest(dir, "requirements.txt")
		if err != nil {
			return
		}
		checkPkgs(t, data, pkgs)
		for _, u := range unpinned {
			if u.Line < 1 {
				t.Fatalf("unpinned requirement %+v", u)
			}
		}
	})
}

// FuzzLockfile feeds the TOML and JSON lockfiles to their parsers: name is
// one of poetry.lock, uv.lock, pdm.lock, pylock.toml, Pipfile.lock (others
// are read as pylock.toml, as parseManifest does). Seeds:
// testdata/fuzz/FuzzLockfile.
func FuzzLockfile(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		var pkgs []pyPkg
		var bad []pyUnpinned
		var err error
		switch name {
		case "Pipfile.lock":
			pkgs, bad, err = parsePipfileLock(name, data)
		case "poetry.lock", "uv.lock", "pdm.lock":
			pkgs, bad, err = parseTOMLLock(name, data, "package")
		default:
			pkgs, bad, err = parseTOMLLock("pylock.toml", data, "packages")
		}
		if err != nil {
			return
		}
		checkPkgs(t, data, pkgs)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, b := range bad {
			if b.Reason == "" || b.File == "" || b.Line < 0 || b.Line > lines {
				t.Fatalf("skipped entry %+v", b)
			}
		}
	})
}
