package deps

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// pyPkg is one pinned Python distribution and where it is declared.
type pyPkg struct {
	Name    string // PEP 503 normalized
	Display string // as written
	Version string
	File    string // relative to the root, '/'-separated
	Line    int
}

// pyUnpinned is a requirement without an exact version, which cannot be matched.
type pyUnpinned struct {
	File string
	Line int
	Req  string
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
	case "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "pylock.toml":
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
	case base == "Pipfile.lock":
		pkgs, err := parsePipfileLock(rel, b)
		return pkgs, nil, err
	case base == "poetry.lock", base == "uv.lock", base == "pdm.lock":
		pkgs, err := parseTOMLLock(rel, b, "package")
		return pkgs, nil, err
	default: // pylock.toml, PEP 751
		pkgs, err := parseTOMLLock(rel, b, "packages")
		return pkgs, nil, err
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

// exactPin returns the version of "==1.2.3" or "===1.2.3" (alone in the
// specifier set), and false for ranges and wildcards.
func exactPin(spec string) (string, bool) {
	spec = strings.TrimSpace(spec)
	if strings.Contains(spec, ",") {
		// "==1.2.3,<2" still pins; take the == clause.
		for _, part := range strings.Split(spec, ",") {
			if v, ok := exactPin(part); ok {
				return v, true
			}
		}
		return "", false
	}
	var v string
	switch {
	case strings.HasPrefix(spec, "==="):
		v = spec[3:]
	case strings.HasPrefix(spec, "=="):
		v = spec[2:]
	default:
		return "", false
	}
	v = strings.TrimSpace(v)
	if v == "" || strings.Contains(v, "*") {
		return "", false
	}
	return v, true
}

// parseTOMLLock reads the array of tables key ("package" in poetry.lock,
// uv.lock and pdm.lock, "packages" in pylock.toml) and finds the line of
// each entry's name: the n-th [[key]] header of the file is the n-th entry.
func parseTOMLLock(rel string, b []byte, key string) ([]pyPkg, error) {
	var doc map[string]toml.Primitive
	md, err := toml.Decode(string(b), &doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	var entries []struct {
		Name    string         `toml:"name"`
		Version string         `toml:"version"`
		Source  map[string]any `toml:"source"`
	}
	if prim, ok := doc[key]; ok {
		if err := md.PrimitiveDecode(prim, &entries); err != nil {
			return nil, fmt.Errorf("%s: [[%s]]: %w", rel, key, err)
		}
	}
	lines := tomlEntryLines(b, key)
	var out []pyPkg
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
		out = append(out, pyPkg{Name: normalize(e.Name), Display: e.Name, Version: e.Version, File: rel, Line: line})
	}
	return out, nil
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
func parsePipfileLock(rel string, b []byte) ([]pyPkg, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	text := string(b)
	var out []pyPkg
	for _, section := range []string{"default", "develop"} {
		raw, ok := doc[section]
		if !ok {
			continue
		}
		var pkgs map[string]struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(raw, &pkgs); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", rel, section, err)
		}
		secStart := strings.Index(text, `"`+section+`"`)
		for name, p := range pkgs {
			v, ok := exactPin(p.Version)
			if !ok {
				continue
			}
			out = append(out, pyPkg{Name: normalize(name), Display: name, Version: v, File: rel, Line: jsonKeyLine(text, secStart, name)})
		}
	}
	return out, nil
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
