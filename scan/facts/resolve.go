package facts

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/pipeguard/pipeguard/scan/names"
)

// pyProject is the Python files of one project, by module name.
type pyProject struct {
	root     string
	files    []*pyFile
	modules  map[string]*pyFile
	suffixes map[string][]*pyFile // "b.c" -> modules named "*.b.c"
	lookups  map[string]lookedUp  // lookup's answers, by qualified name
}

// lookedUp is one answer of lookup.
type lookedUp struct {
	s  symbol
	ok bool
}

func newPyProject(root string, files []*pyFile) *pyProject {
	p := &pyProject{root: root, files: files, modules: map[string]*pyFile{}, suffixes: map[string][]*pyFile{}, lookups: map[string]lookedUp{}}
	for _, f := range files {
		if _, dup := p.modules[f.module]; !dup {
			p.modules[f.module] = f
		}
		for i := 0; i < len(f.module); i++ {
			if f.module[i] == '.' {
				suf := f.module[i+1:]
				p.suffixes[suf] = append(p.suffixes[suf], f)
			}
		}
	}
	return p
}

// module finds a project module by name; a name that only matches the end
// of one module (a src/ layout, a nested package) is accepted when unique.
func (p *pyProject) module(name string) *pyFile {
	if f, ok := p.modules[name]; ok {
		return f
	}
	if fs := p.suffixes[name]; len(fs) == 1 {
		return fs[0]
	}
	// Module names leave a src/ layout folder out; code that imports it as
	// a package (src/__init__.py: from src.utils import x) names it.
	if rest, ok := strings.CutPrefix(name, "src."); ok {
		return p.module(rest)
	}
	return nil
}

// symbol is what a qualified name points to in the project.
type symbol struct {
	kind string // module, const, func, class
	f    *pyFile
	name string
	as   *assign
	fn   *pyFunc
	cls  *pyClass
	rest []string // attributes after the symbol
}

// lookup resolves a dotted name (already qualified through imports) to a
// project symbol, following re-exports. ok is false for names outside the
// project. Answers are kept: the project does not change once built, and
// the same names are asked for again and again (every class's bases, every
// call), while one answer can follow many re-exports.
func (p *pyProject) lookup(qual string, depth int) (symbol, bool) {
	if depth > 0 {
		return p.resolveName(qual, depth, nil)
	}
	if a, ok := p.lookups[qual]; ok {
		return a.s, a.ok
	}
	s, ok := p.resolveName(qual, 0, map[string]bool{})
	if p.lookups != nil {
		p.lookups[qual] = lookedUp{s, ok}
	}
	return s, ok
}

// resolveName is lookup's work. seen holds the names already followed in
// this answer: star imports that import each other (package/__init__.py:
// from .schemas import *, schemas.py: from . import *) would otherwise be
// followed to the depth bound along every path, exponentially many.
func (p *pyProject) resolveName(qual string, depth int, seen map[string]bool) (symbol, bool) {
	if qual == "" || depth > 8 {
		return symbol{}, false
	}
	if seen != nil {
		if seen[qual] {
			return symbol{}, false
		}
		seen[qual] = true
	}
	parts := strings.Split(qual, ".")
	for i := len(parts); i >= 1; i-- {
		f := p.module(strings.Join(parts[:i], "."))
		if f == nil {
			continue
		}
		rest := parts[i:]
		if len(rest) == 0 {
			return symbol{kind: "module", f: f}, true
		}
		name := rest[0]
		if fn := f.funcs[name]; fn != nil {
			return symbol{kind: "func", f: f, name: name, fn: fn, rest: rest[1:]}, true
		}
		if cls := f.classes[name]; cls != nil {
			return symbol{kind: "class", f: f, name: name, cls: cls, rest: rest[1:]}, true
		}
		if as := f.consts[name]; as != nil {
			return symbol{kind: "const", f: f, name: name, as: as, rest: rest[1:]}, true
		}
		if t, ok := f.alias[name]; ok {
			return p.resolveName(strings.Join(append([]string{t}, rest[1:]...), "."), depth+1, seen)
		}
		// A submodule imported as an attribute of its package.
		if sub := p.module(f.module + "." + name); sub != nil && len(rest) > 1 {
			continue
		}
		// Re-exported with `from .dependencies import *`.
		for _, star := range f.stars {
			if s, ok := p.resolveName(joinDot(star, strings.Join(rest, ".")), depth+1, seen); ok && s.kind != "module" {
				return s, true
			}
		}
		return symbol{}, false
	}
	return symbol{}, false
}

// canonical returns the identity of an object named by a qualified name:
// module.name of where it is defined, following imports and re-exports.
func (p *pyProject) canonical(qual string) string {
	s, ok := p.lookup(qual, 0)
	if !ok || s.kind == "module" {
		return qual
	}
	id := s.f.module + "." + s.name
	if len(s.rest) > 0 {
		id += "." + strings.Join(s.rest, ".")
	}
	return id
}

// resolver turns exprs into Values within one project.
type resolver struct {
	p        *pyProject
	settings map[*pyClass]bool
}

func newResolver(p *pyProject) *resolver {
	r := &resolver{p: p, settings: map[*pyClass]bool{}}
	for _, f := range p.files {
		for _, c := range f.classes {
			if c != nil && r.isSettings(c, 0) {
				r.settings[c] = true
			}
		}
	}
	return r
}

func (r *resolver) isSettings(c *pyClass, depth int) bool {
	return r.inherits(c, func(base string) bool { return base == "BaseSettings" }, depth)
}

// inherits reports whether class c, or one of its project bases, has a base
// whose last name segment (resolved through imports) matches.
func (r *resolver) inherits(c *pyClass, match func(base string) bool, depth int) bool {
	if c == nil || depth > 6 {
		return false
	}
	for _, b := range c.bases {
		if b == nil || b.dot == "" {
			continue
		}
		q := qualify(c.file, b.dot)
		if match(lastSeg(q)) {
			return true
		}
		if s, ok := r.p.lookup(q, 0); ok && s.kind == "class" && s.cls != c && r.inherits(s.cls, match, depth+1) {
			return true
		}
	}
	return false
}

// classOf returns the project class a qualified name points to.
func (r *resolver) classOf(f *pyFile, dot string) *pyClass {
	if dot == "" {
		return nil
	}
	if s, ok := r.p.lookup(qualify(f, dot), 0); ok && s.kind == "class" && len(s.rest) == 0 {
		return s.cls
	}
	return nil
}

// settingsInstance returns the settings class whose instance e is:
// `settings` (= Settings()), `get_settings()`, `Settings()`, `config.settings`.
func (r *resolver) settingsInstance(e *expr, f *pyFile, depth int) (*pyClass, *pyFile) {
	if e == nil || depth > 6 || e.local {
		return nil, nil
	}
	switch e.kind {
	case "call":
		if e.fn == nil {
			return nil, nil
		}
		q := qualify(f, e.fn.dot)
		s, ok := r.p.lookup(q, 0)
		if !ok || len(s.rest) > 0 {
			return nil, nil
		}
		switch s.kind {
		case "class":
			if r.settings[s.cls] {
				return s.cls, s.f
			}
		case "func":
			if s.fn.returnsCall != nil {
				return r.settingsInstance(s.fn.returnsCall, s.f, depth+1)
			}
		}
	case "name", "attribute":
		if e.dot == "" {
			return nil, nil
		}
		s, ok := r.p.lookup(qualify(f, e.dot), 0)
		if ok && len(s.rest) == 0 && s.kind == "const" {
			return r.settingsInstance(s.as.e, s.f, depth+1)
		}
		if e.kind == "attribute" && e.obj != nil {
			return r.nestedModel(e, f, depth)
		}
	}
	return nil, nil
}

// nestedModel is the model class a settings field holds (settings.project
// where project: ProjectSettings, or = ProjectSettings()), so that
// settings.project.allow_origins resolves to ProjectSettings' default, as
// pydantic fills it when the environment or the file leaves it out.
func (r *resolver) nestedModel(e *expr, f *pyFile, depth int) (*pyClass, *pyFile) {
	cls, _ := r.settingsInstance(e.obj, f, depth+1)
	if cls == nil {
		return nil, nil
	}
	fl, owner := r.field(cls, e.attr, 0)
	if fl == nil {
		return nil, nil
	}
	var c *pyClass
	if d := fieldDefault(fl.value); d != nil && d.kind == "call" && d.fn != nil {
		c = r.classOf(owner.file, d.fn.dot)
	}
	if c == nil {
		c = r.classOf(owner.file, modelAnnotation(fl.annotation))
	}
	if c == nil || c == cls {
		return nil, nil
	}
	return c, c.file
}

// modelAnnotation is the class an annotation names, Optional or not
// ("ProjectSettings", "Optional[ProjectSettings]", "ProjectSettings |
// None"); "" for anything else (lists, unions of classes).
func modelAnnotation(a string) string {
	a = strings.Trim(strings.TrimSpace(a), `"'`)
	if in, ok := strings.CutPrefix(a, "Optional["); ok {
		a = strings.TrimSuffix(in, "]")
	}
	a = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(a), "| None"))
	if !dottedIdentRe.MatchString(a) {
		return ""
	}
	return a
}

var dottedIdentRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// field finds a settings field in the class or its project bases.
func (r *resolver) field(c *pyClass, name string, depth int) (*classField, *pyClass) {
	if c == nil || depth > 6 {
		return nil, nil
	}
	for i := len(c.fields) - 1; i >= 0; i-- {
		if c.fields[i].name == name {
			return &c.fields[i], c
		}
	}
	for _, b := range c.bases {
		if b == nil {
			continue
		}
		if bc := r.classOf(c.file, b.dot); bc != nil && bc != c {
			if fl, owner := r.field(bc, name, depth+1); fl != nil {
				return fl, owner
			}
		}
	}
	return nil, nil
}

// fieldDefault unwraps Field(default=...) / Field(x).
func fieldDefault(e *expr) *expr {
	if e == nil || e.kind != "call" || e.fn == nil || lastSeg(e.fn.dot) != "Field" {
		return e
	}
	if d := e.kwArg("default"); d != nil {
		return d
	}
	// Field(default_factory=lambda: ["*"]): the lambda's body.
	if d := e.kwArg("default_factory"); d != nil && strings.HasPrefix(d.text, "lambda") && len(d.items) == 1 {
		return d.items[0]
	}
	if len(e.args) > 0 && e.args[0] != nil && e.args[0].text != "..." {
		return e.args[0]
	}
	return nil
}

// value resolves e for a fact. name is the argument or binding name, used
// to mask values in secret-like places.
func (r *resolver) value(e *expr, f *pyFile, name string) Value {
	if e == nil {
		return Value{Text: "", Line: 1, Type: "other", Source: "expr"}
	}
	v := r.resolve(e, f, 0)
	if names.Python.IsSecret(name) || (v.Qualname != "" && names.Python.IsSecret(lastSeg(v.Qualname))) {
		redact(&v)
	}
	return v
}

// redact masks every string of v.
func redact(v *Value) {
	changed := false
	if s, ok := v.Value.(string); ok && s != "" {
		v.Value = maskSecret(s)
		changed = true
	}
	if s, ok := v.Default.(string); ok && s != "" {
		v.Default = maskSecret(s)
		changed = true
	}
	if v.Type == "str" && v.Source == "literal" || strings.ContainsAny(v.Text, `"'`) {
		v.Text = maskQuoted(v.Text)
		changed = true
	}
	if arr, ok := v.Value.([]any); ok {
		for i, x := range arr {
			if s, ok := x.(string); ok && s != "" {
				arr[i] = maskSecret(s)
				changed = true
			}
		}
	}
	for i := range v.Items {
		redact(&v.Items[i])
		changed = true
	}
	if changed {
		v.Redacted = true
	}
}

// maskQuoted masks the contents of quoted strings in source text.
func maskQuoted(t string) string {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '"' && c != '\'' {
			b.WriteByte(c)
			continue
		}
		j := strings.IndexByte(t[i+1:], c)
		if j < 0 {
			b.WriteString(t[i:])
			break
		}
		b.WriteByte(c)
		b.WriteString(maskSecret(t[i+1 : i+1+j]))
		b.WriteByte(c)
		i += j + 1
	}
	return b.String()
}

func (r *resolver) resolve(e *expr, f *pyFile, depth int) Value {
	v := Value{Text: e.text, Line: e.line, Type: e.kind, Source: "expr"}
	if depth > 8 {
		return v
	}
	switch e.kind {
	case "str", "int", "float", "bool", "none":
		v.Known, v.Value, v.Source, v.DefLine = true, e.lit, "literal", e.line
	case "bytes":
		v.Known, v.Source, v.DefLine = true, "literal", e.line
		if s, ok := e.lit.(string); ok {
			v.Value = s
		}
	case "list", "tuple", "set":
		v.Source, v.DefLine = "literal", e.line
		v.Known = true
		vals := make([]any, 0, len(e.items))
		v.Items = make([]Value, 0, len(e.items))
		for _, it := range e.items {
			if it == nil {
				v.Known = false
				continue
			}
			iv := r.resolve(it, f, depth+1)
			v.Items = append(v.Items, iv)
			if !iv.Known {
				v.Known = false
				if iv.Source == "env" && v.Source == "literal" {
					v.Source = "expr"
				}
				continue
			}
			vals = append(vals, iv.Value)
		}
		if v.Known {
			v.Value = vals
		} else {
			v.Value = nil
		}
	case "dict":
		m := map[string]any{}
		known := true
		for i, k := range e.keys {
			ks, ok := k.strLit()
			if !ok {
				known = false
				break
			}
			iv := r.resolve(e.items[i], f, depth+1)
			if !iv.Known {
				known = false
				break
			}
			m[ks] = iv.Value
		}
		if known {
			v.Known, v.Value, v.Source, v.DefLine = true, m, "literal", e.line
		}
	case "fstring":
		if e.partsOK {
			var b strings.Builder
			known, i := true, 0
			for _, part := range e.parts {
				if part != nil {
					b.WriteString(*part)
					continue
				}
				if i >= len(e.items) || e.items[i] == nil {
					known = false
					break
				}
				iv := r.resolve(e.items[i], f, depth+1)
				i++
				switch x := iv.Value.(type) {
				case string:
					b.WriteString(x)
				case int64:
					b.WriteString(strconv.FormatInt(x, 10))
				default:
					known = false
				}
				if !iv.Known {
					known = false
				}
				if iv.Source == "env" {
					v.Source = "env"
				}
			}
			if known && i == len(e.items) {
				v.Known, v.Value, v.Type = true, b.String(), "str"
			}
		}
	case "name", "attribute":
		if e.local && e.val != nil {
			r.resolveLocal(e, f, depth, &v)
			return v
		}
		r.resolveRef(e, f, depth, &v)
	case "conditional":
		// x if cond else y: either may be the value.
		if len(e.items) == 3 && e.items[0] != nil && e.items[2] != nil {
			v.Items = []Value{r.resolve(e.items[0], f, depth+1), r.resolve(e.items[2], f, depth+1)}
		}
	case "call":
		if e.fn != nil && e.fn.dot != "" {
			v.Qualname = qualify(f, e.fn.dot)
		}
		if r.envValue(e, f, depth, &v) {
			return v
		}
		if v.Qualname == "dict" && len(e.args) == 0 {
			r.dictCall(e, f, depth, &v)
			return v
		}
		switch lastSeg(v.Qualname) {
		case "str", "int", "bool", "float":
			if len(e.args) == 1 && v.Qualname == lastSeg(v.Qualname) {
				inner := r.resolve(e.args[0], f, depth+1)
				if inner.Source == "env" {
					v.Source, v.EnvVar, v.Default, v.DefaultLine = "env", inner.EnvVar, inner.Default, inner.DefaultLine
				}
			}
		}
	case "subscript":
		if e.obj != nil && qualify(f, e.obj.dot) == "os.environ" {
			v.Source = "env"
			if s, ok := e.sub.strLit(); ok {
				v.EnvVar = s
			}
		}
	default:
		if r.readsEnv(e, f) {
			v.Source = "env"
		}
	}
	if v.Source == "expr" && e.kind != "name" && e.kind != "attribute" && r.readsEnv(e, f) {
		v.Source = "env"
	}
	return v
}

// resolveLocal resolves a local name through the value it was last
// assigned in its function: v keeps the place of the read, def_line is
// where the value is written.
func (r *resolver) resolveLocal(e *expr, f *pyFile, depth int, v *Value) {
	dv := r.resolve(e.val, f, depth+1)
	v.Known, v.Value, v.Items, v.Qualname = dv.Known, dv.Value, dv.Items, dv.Qualname
	if dv.Known {
		v.Type = dv.Type
	} else if dv.Type == "conditional" {
		v.Type = dv.Type
	}
	v.Source = "local"
	if dv.Source == "env" {
		v.Source, v.EnvVar, v.Default, v.DefaultLine = "env", dv.EnvVar, dv.Default, dv.DefaultLine
	}
	v.DefPath, v.DefLine = dv.DefPath, dv.DefLine
	if v.DefLine == 0 {
		v.DefLine = e.val.line
	}
}

// dictCall resolves dict(key=value, ...) like a dict display.
func (r *resolver) dictCall(e *expr, f *pyFile, depth int, v *Value) {
	m := map[string]any{}
	for _, k := range e.kw {
		iv := r.resolve(k.val, f, depth+1)
		if !iv.Known {
			return
		}
		m[k.name] = iv.Value
	}
	v.Known, v.Value, v.Type, v.Source, v.DefLine = true, m, "dict", "literal", e.line
}

// readsEnv reports whether an environment variable is read anywhere in e.
func (r *resolver) readsEnv(e *expr, f *pyFile) bool {
	found := false
	e.walk(func(x *expr) bool {
		if found {
			return false
		}
		switch x.kind {
		case "call":
			if n, d := envReadQ(x, func(s string) string { return qualify(f, s) }); n != "" || d != nil || r.isConfigCall(x, f) {
				found = true
			}
			if x.fn != nil && strings.HasPrefix(qualify(f, x.fn.dot), "os.getenv") {
				found = true
			}
		case "subscript":
			if x.obj != nil && qualify(f, x.obj.dot) == "os.environ" {
				found = true
			}
		}
		return !found
	})
	return found
}

// isConfigCall recognises config("NAME", default=...) where config is a
// starlette.config.Config instance of the project.
func (r *resolver) isConfigCall(e *expr, f *pyFile) bool {
	if e == nil || e.fn == nil || e.fn.kind != "name" {
		return false
	}
	s, ok := r.p.lookup(qualify(f, e.fn.dot), 0)
	if !ok || s.kind != "const" || s.as.e == nil || s.as.e.kind != "call" || s.as.e.fn == nil {
		return false
	}
	q := qualify(s.f, s.as.e.fn.dot)
	return q == "starlette.config.Config" || q == "decouple.AutoConfig" || q == "decouple.Config"
}

func (r *resolver) envValue(e *expr, f *pyFile, depth int, v *Value) bool {
	name, def := envReadQ(e, func(s string) string { return qualify(f, s) })
	isEnv := name != "" || def != nil
	if !isEnv && e.fn != nil {
		switch qualify(f, e.fn.dot) {
		case "os.getenv", "os.environ.get", "decouple.config":
			isEnv = true
		}
	}
	if !isEnv && r.isConfigCall(e, f) {
		isEnv = true
		name, _ = e.arg(0, "key").strLit()
		def = e.kwArg("default")
	}
	if !isEnv {
		return false
	}
	v.Source = "env"
	v.EnvVar = name
	if def != nil {
		dv := r.resolve(def, f, depth+1)
		if dv.Known {
			v.Default, v.DefaultLine = dv.Value, def.line
			if v.Default == nil {
				v.DefaultLine = def.line
			}
		}
	}
	return true
}

// resolveRef resolves names and attributes: module constants, imported
// constants, settings fields.
func (r *resolver) resolveRef(e *expr, f *pyFile, depth int, v *Value) {
	if e.local {
		return
	}
	if e.kind == "attribute" && e.obj != nil {
		if cls, cf := r.settingsInstance(e.obj, f, depth+1); cls != nil {
			if fl, owner := r.field(cls, e.attr, 0); fl != nil {
				if e.obj.dot != "" {
					v.Qualname = joinDot(qualify(f, e.obj.dot), e.attr)
				} else {
					v.Qualname = owner.file.module + "." + owner.name + "." + e.attr
				}
				d := fieldDefault(fl.value)
				if d == nil {
					v.Source = "settings"
					return
				}
				of := owner.file
				if of == nil {
					of = cf
				}
				dv := r.resolve(d, of, depth+1)
				v.Known, v.Value, v.Source = dv.Known, dv.Value, "settings"
				if dv.Source == "env" {
					v.Source = "env"
					v.EnvVar, v.Default, v.DefaultLine = dv.EnvVar, dv.Default, dv.DefaultLine
				}
				if dv.Known {
					v.Type = dv.Type
				}
				v.DefPath, v.DefLine = of.path, d.line
				return
			}
		}
	}
	if e.dot == "" {
		return
	}
	q := qualify(f, e.dot)
	v.Qualname = q
	s, ok := r.p.lookup(q, 0)
	if !ok || s.kind != "const" || len(s.rest) > 0 || s.as.e == nil {
		return
	}
	dv := r.resolve(s.as.e, s.f, depth+1)
	v.Qualname = s.f.module + "." + s.name
	v.Known, v.Value = dv.Known, dv.Value
	if dv.Known {
		v.Type = dv.Type
	}
	switch dv.Source {
	case "literal":
		if s.f == f {
			v.Source = "const"
		} else {
			v.Source = "import"
		}
	default:
		v.Source = dv.Source
	}
	v.EnvVar, v.Default, v.DefaultLine = dv.EnvVar, dv.Default, dv.DefaultLine
	v.DefPath, v.DefLine = s.f.path, dv.DefLine
	if v.DefLine == 0 {
		v.DefLine = s.as.line
	}
	if dv.Known && len(dv.Items) > 0 {
		v.Items = dv.Items
	}
}

// defaultFacts lists the parameters of a file whose default is a dotted name.
func (m *model) defaultFacts(f *pyFile) {
	for _, d := range f.defaults {
		m.out.ParamDefaults = append(m.out.ParamDefaults, ParamDefault{Path: f.path, Line: d.line, EndLine: f.endOf(d.line),
			Function: d.function, Param: d.param, Value: m.r.value(d.e, f, d.param)})
	}
}
