package deps

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pipeguard/pipeguard/scan/pyreq"
)

// pyPkg is one pinned Python distribution and where it is declared.
type pyPkg struct {
	Name    string // PEP 503 normalized
	Display string // as written
	Version string
	File    string // relative to the root, '/'-separated
	Line    int
}

// pyUnpinned is a requirement without an exact version, which cannot be
// matched, or a lockfile entry that names no package (Reason says so).
type pyUnpinned struct {
	File string
	Line int
	Req  string
	// Reason, when set, is why the entry is not audited, other than the lack
	// of an exact pin.
	Reason string
}

// validName matches a distribution name as PEP 508 allows it.
var validName = regexp.MustCompile(`^(?i:[a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$`)

// badName is a lockfile entry whose name is not a distribution name: it
// cannot be audited, and the audit says so.
func badName(rel string, line int, name string) pyUnpinned {
	reason := "an empty package name"
	if name != "" {
		reason = "an invalid package name"
	}
	return pyUnpinned{File: rel, Line: line, Req: name, Reason: reason}
}

var nonAlnum = regexp.MustCompile(`[-_.]+`)

// normalize is the PEP 503 normalized form of a distribution name.
func normalize(name string) string {
	return strings.ToLower(nonAlnum.ReplaceAllString(strings.TrimSpace(name), "-"))
}

// isPythonManifest reports whether rel is a file the Python audit reads.
func isPythonManifest(rel string) bool {
	base := path.Base(rel)
	switch base {
	case "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "pylock.toml", "pyproject.toml", "Pipfile", "setup.cfg":
		return true
	}
	if strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml") {
		return true
	}
	if strings.HasSuffix(base, ".txt") {
		if strings.HasPrefix(base, "requirements") {
			return true
		}
		if path.Base(path.Dir(rel)) == "requirements" {
			return true
		}
	}
	return false
}

// parseManifest reads one requirement or lock file. root is the scan root,
// rel the file relative to it.
func parseManifest(root, rel string) ([]pyPkg, []pyUnpinned, error) {
	abs := filepath.Join(root, filepath.FromSlash(rel))
	base := path.Base(rel)
	if strings.HasSuffix(base, ".txt") {
		p := &reqParser{root: root, seen: map[string]bool{}}
		err := p.parse(rel, 0)
		return p.pkgs, p.unpinned, err
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case base == "pyproject.toml":
		return parsePyproject(rel, b)
	case base == "Pipfile":
		return parsePipfile(rel, b)
	case base == "setup.cfg":
		return nil, nil, nil // install_requires ranges: see scanPython's notes
	case base == "Pipfile.lock":
		return parsePipfileLock(rel, b)
	case base == "poetry.lock", base == "uv.lock", base == "pdm.lock":
		return parseTOMLLock(rel, b, "package")
	default: // pylock.toml, PEP 751
		return parseTOMLLock(rel, b, "packages")
	}
}

// reqParser reads requirements files and the files they include with -r.
type reqParser struct {
	root     string
	seen     map[string]bool
	pkgs     []pyPkg
	unpinned []pyUnpinned
}

// reqLine splits a requirement into name, extras-free specifier and marker.
var reqLine = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

func (p *reqParser) parse(rel string, depth int) error {
	if p.seen[rel] {
		return nil
	}
	p.seen[rel] = true
	if depth > 20 {
		return fmt.Errorf("%s: requirement includes nested too deep", rel)
	}
	abs := filepath.Join(p.root, filepath.FromSlash(rel))
	b, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	lineNo := 0
	start := 0
	var logical strings.Builder
	var errs []string
	flush := func() {
		text := logical.String()
		logical.Reset()
		if err := p.line(rel, start, text, depth); err != nil {
			errs = append(errs, err.Error())
		}
	}
	for sc.Scan() {
		lineNo++
		raw := sc.Text()
		if logical.Len() == 0 {
			start = lineNo
		}
		if strings.HasSuffix(raw, `\`) {
			logical.WriteString(strings.TrimSuffix(raw, `\`))
			logical.WriteString(" ")
			continue
		}
		logical.WriteString(raw)
		flush()
	}
	if logical.Len() > 0 {
		flush()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// line handles one logical line of a requirements file.
func (p *reqParser) line(rel string, lineNo int, text string, depth int) error {
	// Comments: a '#' at the start or after whitespace.
	for i := 0; i < len(text); i++ {
		if text[i] == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t') {
			text = text[:i]
			break
		}
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if strings.HasPrefix(text, "-") {
		f := strings.Fields(text)
		opt, arg := f[0], ""
		if k, v, ok := strings.Cut(opt, "="); ok {
			opt, arg = k, v
		} else if len(f) > 1 {
			arg = f[1]
		}
		switch opt {
		case "-r", "--requirement":
			if arg == "" {
				return fmt.Errorf("%s:%d: %s without a file", rel, lineNo, opt)
			}
			inc := path.Clean(path.Join(path.Dir(rel), filepath.ToSlash(arg)))
			if strings.HasPrefix(inc, "../") || inc == ".." {
				return fmt.Errorf("%s:%d: include %s is outside the scanned root", rel, lineNo, arg)
			}
			if err := p.parse(inc, depth+1); err != nil {
				return fmt.Errorf("%s:%d: include %s: %w", rel, lineNo, arg, err)
			}
		}
		// Other options (-c, -e, -i, --hash alone...) declare no pin we can audit.
		return nil
	}
	// Drop per-requirement options such as --hash=sha256:...
	if i := strings.Index(text, " --"); i >= 0 {
		text = strings.TrimSpace(text[:i])
	}
	// URLs, paths and "name @ url" are not version pins.
	if strings.Contains(text, "://") || strings.HasPrefix(text, ".") || strings.HasPrefix(text, "/") {
		p.unpinned = append(p.unpinned, pyUnpinned{File: rel, Line: lineNo, Req: text})
		return nil
	}
	spec := text
	if i := strings.Index(spec, ";"); i >= 0 {
		spec = strings.TrimSpace(spec[:i])
	}
	m := reqLine.FindStringSubmatch(spec)
	if m == nil {
		return fmt.Errorf("%s:%d: cannot read requirement %q", rel, lineNo, text)
	}
	name, rest := m[1], strings.TrimSpace(m[3])
	rest = strings.Trim(rest, "()")
	if v, ok := exactPin(rest); ok {
		p.pkgs = append(p.pkgs, pyPkg{Name: normalize(name), Display: name, Version: v, File: rel, Line: lineNo})
		return nil
	}
	p.unpinned = append(p.unpinned, pyUnpinned{File: rel, Line: lineNo, Req: text})
	return nil
}

// exactPin returns the version of "==1.2.3" or "===1.2.3" (also "==1.2.3,<2"),
// and false for ranges and wildcards.
func exactPin(spec string) (string, bool) { return pyreq.ExactPin(spec) }

// parsePyproject reads the dependencies a pyproject.toml pins exactly
// ([project] and its optional dependencies, dependency groups, Poetry's
// dependencies and groups); the others cannot be audited.
func parsePyproject(rel string, b []byte) ([]pyPkg, []pyUnpinned, error) {
	deps, err := pyreq.Pyproject(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rel, err)
	}
	var pkgs []pyPkg
	var unpinned []pyUnpinned
	for _, d := range deps {
		if d.Version == "" {
			unpinned = append(unpinned, pyUnpinned{File: rel, Line: d.Line, Req: strings.TrimSpace(d.Name + " " + d.Spec)})
			continue
		}
		pkgs = append(pkgs, pyPkg{Name: normalize(d.Name), Display: d.Name, Version: d.Version, File: rel, Line: d.Line})
	}
	return pkgs, unpinned, nil
}

// parsePipfile reads the exact pins of a Pipfile's [packages] and
// [dev-packages] ("==1.2.3", or {version = "==1.2.3"}).
func parsePipfile(rel string, b []byte) ([]pyPkg, []pyUnpinned, error) {
	var doc map[string]map[string]any
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rel, err)
	}
	lines := strings.Split(string(b), "\n")
	var pkgs []pyPkg
	var unpinned []pyUnpinned
	for _, section := range []string{"packages", "dev-packages"} {
		names := make([]string, 0, len(doc[section]))
		for n := range doc[section] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			spec := ""
			switch v := doc[section][name].(type) {
			case string:
				spec = v
			case map[string]any:
				spec, _ = v["version"].(string)
			}
			line := keyLine(lines, section, name)
			if v, ok := exactPin(spec); ok {
				pkgs = append(pkgs, pyPkg{Name: normalize(name), Display: name, Version: v, File: rel, Line: line})
			} else {
				unpinned = append(unpinned, pyUnpinned{File: rel, Line: line, Req: strings.TrimSpace(name + " " + spec)})
			}
		}
	}
	return pkgs, unpinned, nil
}

// keyLine is the line of key = ... in the [section] of a TOML file's lines.
func keyLine(lines []string, section, key string) int {
	in := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			in = t == "["+section+"]"
			continue
		}
		if in && (strings.HasPrefix(t, key+" ") || strings.HasPrefix(t, key+"=") || strings.HasPrefix(t, `"`+key+`"`)) {
			return i + 1
		}
	}
	return 0
}

// parseTOMLLock reads the array of tables key ("package" in poetry.lock,
// uv.lock and pdm.lock, "packages" in pylock.toml) and finds the line of
// each entry's name: the n-th [[key]] header of the file is the n-th entry.
func parseTOMLLock(rel string, b []byte, key string) ([]pyPkg, []pyUnpinned, error) {
	var doc map[string]toml.Primitive
	md, err := toml.Decode(string(b), &doc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rel, err)
	}
	var entries []struct {
		Name    string         `toml:"name"`
		Version string         `toml:"version"`
		Source  map[string]any `toml:"source"`
	}
	if prim, ok := doc[key]; ok {
		if err := md.PrimitiveDecode(prim, &entries); err != nil {
			return nil, nil, fmt.Errorf("%s: [[%s]]: %w", rel, key, err)
		}
	}
	lines := tomlEntryLines(b, key)
	var out []pyPkg
	var bad []pyUnpinned
	for i, e := range entries {
		if e.Name == "" || e.Version == "" {
			continue // the project itself (uv: editable/virtual) or a path dependency
		}
		if _, ok := e.Source["editable"]; ok {
			continue
		}
		if _, ok := e.Source["virtual"]; ok {
			continue
		}
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		if !validName.MatchString(strings.TrimSpace(e.Name)) {
			bad = append(bad, badName(rel, line, e.Name))
			continue
		}
		out = append(out, pyPkg{Name: normalize(e.Name), Display: e.Name, Version: e.Version, File: rel, Line: line})
	}
	return out, bad, nil
}

// tomlEntryLines returns, for each [[key]] table in order, the line of its
// name = ... key (or of the header when the name comes later than the next
// table header).
func tomlEntryLines(b []byte, key string) []int {
	var out []int
	header := "[[" + key + "]]"
	inEntry := false
	lineNo := 0
	for _, l := range strings.Split(string(b), "\n") {
		lineNo++
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			if t == header || strings.HasPrefix(t, header+" ") || strings.HasPrefix(t, header+"#") {
				out = append(out, lineNo)
				inEntry = true
			} else {
				inEntry = false
			}
			continue
		}
		if inEntry && (strings.HasPrefix(t, "name ") || strings.HasPrefix(t, "name=")) {
			out[len(out)-1] = lineNo
			inEntry = false
		}
	}
	return out
}

// parsePipfileLock reads the default and develop sections of a Pipfile.lock.
// An entry whose key is not a package name (empty, as a hand edit or a
// broken tool may leave it) is not audited, and returned in bad.
func parsePipfileLock(rel string, b []byte) (out []pyPkg, bad []pyUnpinned, err error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rel, err)
	}
	text := string(b)
	for _, section := range []string{"default", "develop"} {
		raw, ok := doc[section]
		if !ok {
			continue
		}
		var pkgs map[string]struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(raw, &pkgs); err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", rel, section, err)
		}
		secStart := strings.Index(text, `"`+section+`"`)
		for _, name := range slices.Sorted(maps.Keys(pkgs)) {
			if !validName.MatchString(strings.TrimSpace(name)) {
				bad = append(bad, badName(rel, jsonKeyLine(text, secStart, name), name))
				continue
			}
			v, ok := exactPin(pkgs[name].Version)
			if !ok {
				continue
			}
			out = append(out, pyPkg{Name: normalize(name), Display: name, Version: v, File: rel, Line: jsonKeyLine(text, secStart, name)})
		}
	}
	return out, bad, nil
}

// jsonKeyLine is the line of the first "key": after offset from.
func jsonKeyLine(text string, from int, key string) int {
	if from < 0 {
		from = 0
	}
	q, _ := json.Marshal(key)
	i := strings.Index(text[from:], string(q)+":")
	if i < 0 {
		return 0
	}
	return strings.Count(text[:from+i], "\n") + 1
}
