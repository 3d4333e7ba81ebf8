package gofacts

import (
	"os"
	"path"

	"golang.org/x/mod/modfile"

	"github.com/pipeguard/pipeguard/scan"
)

// assumedGoVersion is the language version the go command assumes for a
// go.mod without a go directive.
const assumedGoVersion = "1.16"

// goVersions maps each folder holding a go.mod among files to the go
// directive it declares (assumedGoVersion when it has none). A go.mod that
// cannot be read or parsed, or is larger than maxSize, is left out: the
// version of its files is then unknown.
func goVersions(files []scan.File, maxSize int64) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		if path.Base(f.Path) != "go.mod" || maxSize > 0 && f.Size > maxSize {
			continue
		}
		data, err := os.ReadFile(f.Abs)
		if err != nil {
			continue
		}
		mf, err := modfile.ParseLax(f.Path, data, nil)
		if err != nil {
			continue
		}
		v := assumedGoVersion
		if mf.Go != nil && mf.Go.Version != "" {
			v = mf.Go.Version
		}
		out[path.Dir(f.Path)] = v
	}
	return out
}

// goVersionOf is the go directive of the go.mod nearest above file p (""
// when there is none).
func goVersionOf(versions map[string]string, p string) string {
	for d := path.Dir(p); ; d = path.Dir(d) {
		if v, ok := versions[d]; ok {
			return v
		}
		if d == "." || d == "/" || d == "" {
			return ""
		}
	}
}

// setGoVersions records, on each file, the Go version its module declares.
func (f *Facts) setGoVersions(files []scan.File, maxSize int64) {
	versions := goVersions(files, maxSize)
	for i := range f.Files {
		f.Files[i].GoVersion = goVersionOf(versions, f.Files[i].Path)
	}
}
