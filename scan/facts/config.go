package facts

import (
	"bytes"
	"errors"
	"fmt"
	pathpkg "path"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan/names"
	"github.com/pipeguard/pipeguard/scan/pyreq"
)

// parseError is a malformed configuration file, with the line of the problem
// when the parser gives one.
type parseError struct {
	line int
	msg  string
}

func (e *parseError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("line %d: %s", e.line, e.msg)
	}
	return e.msg
}

// configOut collects the facts of one configuration file.
type configOut struct {
	env          []EnvEntry
	dockerfile   []DockerfileEntry
	compose      []ComposeEntry
	builds       []ComposeBuild
	procfile     []ProcfileEntry
	nginx        []NginxDirective
	requirements []Requirement
	pyproject    []PyprojectDependency
	lockfile     *Lockfile
	skipped      []Skipped
	proxies      []TLSProxy // TLS-terminating proxy configuration
	hsts         bool       // proxy configuration sends Strict-Transport-Security
}

// noEnv is an empty environment for shell word splitting.
type noEnv struct{}

func (noEnv) Get(string) (string, bool) { return "", false }
func (noEnv) Keys() []string            { return nil }

// shellWords splits a command line like a POSIX shell would, leaving
// variable references as written.
func shellWords(s string) []string {
	lex := shell.NewLex('\\')
	lex.SkipUnsetEnv = true
	words, err := lex.ProcessWords(s, noEnv{})
	if err != nil || len(words) == 0 {
		return strings.Fields(s)
	}
	return words
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// maskIfSecret returns the value masked when key names a secret.
func maskIfSecret(key, value string) (string, bool) {
	if value != "" && names.Python.IsSecret(key) {
		return maskSecret(value), true
	}
	return value, false
}

var envKeyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-]*$`)

// parseDotenv reads KEY=value lines; a line that is neither a comment nor an
// assignment is reported as skipped and the rest of the file is still read.
func parseDotenv(path, project string, src []byte) configOut {
	var out configOut
	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		eq := strings.IndexByte(line, '=')
		if eq <= 0 || !envKeyRe.MatchString(strings.TrimSpace(line[:eq])) {
			out.skipped = append(out.skipped, Skipped{Path: path, Line: i + 1, Reason: "malformed dotenv line (want KEY=value)"})
			continue
		}
		key := strings.TrimSpace(line[:eq])
		val := strings.TrimSpace(line[eq+1:])
		switch {
		case strings.HasPrefix(val, `"`) || strings.HasPrefix(val, `'`):
			q := val[0]
			if end := strings.IndexByte(val[1:], q); end >= 0 {
				val = val[1 : end+1]
			}
		default:
			if c := strings.Index(val, " #"); c >= 0 {
				val = strings.TrimSpace(val[:c])
			}
		}
		v, red := maskIfSecret(key, val)
		if isReference(val) {
			// AWS_SECRET_ACCESS_KEY="${COMMON_S3_SECRET}" names where the
			// secret is; it holds none.
			v, red = val, false
		}
		out.env = append(out.env, EnvEntry{Path: path, Line: i + 1, Project: project, Key: key, Value: v, Redacted: red,
			Placeholder: names.IsPlaceholder(val) || isReference(val)})
	}
	return out
}

// parseDockerfile reads instructions with BuildKit's parser.
func parseDockerfile(path, project string, src []byte) (configOut, error) {
	var out configOut
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		line := 0
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		}
		return out, &parseError{line: line, msg: err.Error()}
	}
	for _, n := range res.AST.Children {
		instr := strings.ToUpper(n.Value)
		var words []string
		for a := n.Next; a != nil; a = a.Next {
			words = append(words, a.Value)
		}
		e := DockerfileEntry{Path: path, Line: n.StartLine, Project: project, Instruction: instr, Args: []string{}}
		switch instr {
		case "ENV":
			for i := 0; i+1 < len(words); i += 3 {
				key, val := words[i], unquote(words[i+1])
				v, red := maskIfSecret(key, val)
				ee := e
				ee.Key, ee.Value, ee.Redacted = key, v, red
				ee.WeakSecret = weakSecret(key, val)
				ee.Args = []string{key + "=" + v}
				out.dockerfile = append(out.dockerfile, ee)
			}
			continue
		case "ARG":
			for _, w := range words {
				key, val, _ := strings.Cut(w, "=")
				val = unquote(val)
				v, red := maskIfSecret(key, val)
				ee := e
				ee.Key, ee.Value, ee.Redacted = key, v, red
				ee.Args = []string{w}
				if red {
					ee.Args = []string{key + "=" + v}
				}
				out.dockerfile = append(out.dockerfile, ee)
			}
			continue
		case "CMD", "ENTRYPOINT", "RUN":
			if n.Attributes["json"] {
				e.Form = "exec"
				e.Args = append(e.Args, words...)
			} else {
				e.Form = "shell"
				e.Args = append(e.Args, shellWords(strings.Join(words, " "))...)
			}
		default:
			e.Args = append(e.Args, words...)
		}
		out.dockerfile = append(out.dockerfile, e)
	}
	return out, nil
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// parseCompose reads services' environment, command, entrypoint and build.
func parseCompose(path, project string, src []byte) (configOut, error) {
	var out configOut
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line := 0
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return out, &parseError{line: line, msg: err.Error()}
	}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	services := mapGet(root, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return out, nil
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		name := services.Content[i].Value
		svc := services.Content[i+1]
		if svc.Kind != yaml.MappingNode {
			continue
		}
		proxies, hsts := composeProxies(path, project, name, mapGet(svc, "labels"), mapGet(svc, "command"))
		out.proxies = append(out.proxies, proxies...)
		out.hsts = out.hsts || hsts
		image := ""
		if im := mapGet(svc, "image"); im != nil && im.Kind == yaml.ScalarNode {
			image = im.Value
		}
		first := len(out.compose)
		for j := 0; j+1 < len(svc.Content); j += 2 {
			key, val := svc.Content[j].Value, svc.Content[j+1]
			switch key {
			case "environment":
				out.compose = append(out.compose, composeEnv(path, project, name, val)...)
			case "build":
				if b, ok := composeBuild(path, project, name, svc.Content[j].Line, val); ok {
					out.builds = append(out.builds, b)
				}
			case "command", "entrypoint":
				e := ComposeEntry{Path: path, Line: val.Line, Project: project, Service: name, Key: key, Args: []string{}}
				switch val.Kind {
				case yaml.ScalarNode:
					e.Value = val.Value
					e.Args = shellWords(val.Value)
				case yaml.SequenceNode:
					for _, w := range val.Content {
						e.Args = append(e.Args, w.Value)
					}
					e.Value = strings.Join(e.Args, " ")
				default:
					continue
				}
				out.compose = append(out.compose, e)
			}
		}
		for k := first; k < len(out.compose); k++ {
			out.compose[k].Image = image
		}
	}
	return out, nil
}

// composeBuild reads a service's build: a context folder (short form) or
// a mapping of context, dockerfile and target; line is that of its key. Paths are resolved from the
// compose file's folder; ${VAR:-default} takes its default.
func composeBuild(path, project, service string, line int, val *yaml.Node) (ComposeBuild, bool) {
	b := ComposeBuild{Path: path, Line: line, Project: project, Service: service}
	context, dockerfile := ".", "Dockerfile"
	switch val.Kind {
	case yaml.ScalarNode:
		context = val.Value
	case yaml.MappingNode:
		if c := mapGet(val, "context"); c != nil && c.Kind == yaml.ScalarNode {
			context = c.Value
		}
		if d := mapGet(val, "dockerfile"); d != nil && d.Kind == yaml.ScalarNode {
			dockerfile = d.Value
		}
		if t := mapGet(val, "target"); t != nil && t.Kind == yaml.ScalarNode {
			b.Target, _, _ = expandDefaults(t.Value)
		}
		if mapGet(val, "dockerfile_inline") != nil {
			return b, true
		}
	default:
		return b, false
	}
	b.Dockerfile = buildFile(pathpkg.Dir(path), context, dockerfile)
	return b, true
}

// buildFile is the Dockerfile a build reads, relative to the scanned root,
// or "" when it cannot be told.
func buildFile(dir, context, dockerfile string) string {
	c, _, ok := expandDefaults(context)
	d, _, dok := expandDefaults(dockerfile)
	if !ok || !dok || c == "" || d == "" || strings.Contains(c, "://") || strings.HasPrefix(c, "git@") || pathpkg.IsAbs(c) || pathpkg.IsAbs(d) {
		return ""
	}
	p := pathpkg.Join(dir, c, d)
	if p == ".." || strings.HasPrefix(p, "../") {
		return ""
	}
	return p
}

func composeEnv(path, project, service string, val *yaml.Node) []ComposeEntry {
	var out []ComposeEntry
	add := func(line int, k, v string) {
		vv, red := maskIfSecret(k, v)
		e := ComposeEntry{Path: path, Line: line, Project: project, Service: service, Key: "environment",
			Name: k, Value: vv, Args: []string{}, Redacted: red, WeakSecret: weakSecret(k, v)}
		if !e.WeakSecret {
			e.WeakSecret, e.DefaultOf, e.URLPassword = weakComposeValue(k, v)
		}
		out = append(out, e)
	}
	switch val.Kind {
	case yaml.SequenceNode:
		for _, it := range val.Content {
			k, v, _ := strings.Cut(it.Value, "=")
			add(it.Line, strings.TrimSpace(k), unquote(v))
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(val.Content); i += 2 {
			v := val.Content[i+1]
			value := v.Value
			if v.Tag == "!!null" {
				value = ""
			}
			add(val.Content[i].Line, val.Content[i].Value, value)
		}
	}
	return out
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// parseProcfile reads `process: command` lines.
func parseProcfile(path, project string, src []byte) configOut {
	var out configOut
	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, cmd, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(strings.TrimSpace(name), " \t") {
			out.skipped = append(out.skipped, Skipped{Path: path, Line: i + 1, Reason: "malformed Procfile line (want process: command)"})
			continue
		}
		cmd = strings.TrimSpace(cmd)
		out.procfile = append(out.procfile, ProcfileEntry{Path: path, Line: i + 1, Project: project,
			Process: strings.TrimSpace(name), Command: cmd, Args: shellWords(cmd)})
	}
	return out
}

// parseNginx tokenizes nginx configuration into directives with their
// enclosing block context.
func parseNginx(path, project string, src []byte) (configOut, error) {
	var out configOut
	var stack []string
	var words []string
	wordLine := 0
	line := 1
	s := string(src)
	flush := func(block bool) error {
		if len(words) == 0 {
			if block {
				return &parseError{line: line, msg: "block without a directive name"}
			}
			return nil
		}
		args := append([]string{}, words[1:]...)
		out.nginx = append(out.nginx, NginxDirective{Path: path, Line: wordLine, Project: project,
			Directive: words[0], Args: args, Context: strings.Join(stack, "/")})
		if block {
			stack = append(stack, words[0])
		}
		words = words[:0]
		return nil
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == ';':
			if err := flush(false); err != nil {
				return out, err
			}
			i++
		case c == '{':
			if err := flush(true); err != nil {
				return out, err
			}
			i++
		case c == '}':
			if len(words) > 0 {
				return out, &parseError{line: line, msg: "directive not terminated by ';'"}
			}
			if len(stack) == 0 {
				return out, &parseError{line: line, msg: "unexpected '}'"}
			}
			stack = stack[:len(stack)-1]
			i++
		case c == '"' || c == '\'':
			start := line
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				if s[j] == '\n' {
					line++
				}
				b.WriteByte(s[j])
				j++
			}
			if j >= len(s) {
				return out, &parseError{line: start, msg: "unterminated quoted string"}
			}
			if len(words) == 0 {
				wordLine = start
			}
			words = append(words, b.String())
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n;{}#\"'", rune(s[j])) {
				j++
			}
			if len(words) == 0 {
				wordLine = line
			}
			words = append(words, s[i:j])
			i = j
		}
	}
	if len(words) > 0 {
		return out, &parseError{line: wordLine, msg: "directive not terminated by ';'"}
	}
	if len(stack) > 0 {
		return out, &parseError{line: line, msg: fmt.Sprintf("block %q not closed", stack[len(stack)-1])}
	}
	out.proxies = nginxProxies(out.nginx)
	out.hsts = nginxHSTS(out.nginx)
	return out, nil
}

// looksLikeNginx reports whether a .conf file holds nginx configuration.
var nginxHintRe = regexp.MustCompile(`(?m)^\s*(server|http|location\s+[^{]*|upstream\s+\S+)\s*\{|^\s*(listen|server_name|proxy_pass|add_header|ssl_protocols|ssl_certificate)\s`)

func looksLikeNginx(src []byte) bool { return nginxHintRe.Match(src) }

var reqNameRe = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// normName normalises a distribution name as PEP 503 does.
func normName(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	prevSep := false
	for _, r := range s {
		if r == '-' || r == '_' || r == '.' {
			if !prevSep {
				b.WriteByte('-')
			}
			prevSep = true
			continue
		}
		prevSep = false
		b.WriteRune(r)
	}
	return b.String()
}

var pinnedRe = regexp.MustCompile(`^(===?)\s*[^\s,*;<>=!~]+$`)

// pinnedRefRe is a direct reference (name @ URL) to one artifact: a
// distribution file whose name carries a version (a wheel, an sdist), or
// a VCS URL at a full commit hash.
var pinnedRefRe = regexp.MustCompile(`^@\s*(\S*/[^/\s]*\d[^/\s]*\.(whl|tar\.gz|tgz|tar\.bz2|zip)|\S+@[0-9a-f]{40})(#\S*)?$`)

func isPinned(spec string) bool {
	spec = strings.TrimSpace(spec)
	return pinnedRe.MatchString(spec) || pinnedRefRe.MatchString(spec)
}

// parseRequirements reads a pip requirements file. Option lines (-r, -e,
// --index-url, ...) and local paths or URLs are left out; --hash options on
// a requirement (continuation lines included) set hashed.
func parseRequirements(path, project string, src []byte) configOut {
	var out configOut
	lines := strings.Split(string(src), "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		l := strings.TrimRight(lines[i], "\r")
		for strings.HasSuffix(l, `\`) && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, `\`) + " " + strings.TrimRight(lines[i], "\r")
		}
		if c := strings.Index(l, " #"); c >= 0 {
			l = l[:c]
		}
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "-") || strings.HasPrefix(l, ".") || strings.HasPrefix(l, "/") || strings.Contains(l, "://") && !strings.Contains(l, "@") {
			continue
		}
		hashed := strings.Contains(l, "--hash")
		if k := strings.Index(l, " --"); k >= 0 {
			l = strings.TrimSpace(l[:k])
		}
		if k := strings.IndexByte(l, ';'); k >= 0 {
			l = strings.TrimSpace(l[:k])
		}
		m := reqNameRe.FindStringSubmatch(l)
		if m == nil {
			out.skipped = append(out.skipped, Skipped{Path: path, Line: start, Reason: "unrecognised requirement line"})
			continue
		}
		spec := strings.TrimSpace(m[3])
		out.requirements = append(out.requirements, Requirement{Path: path, Line: start, Project: project,
			Name: normName(m[1]), Spec: spec, Pinned: isPinned(spec), Hashed: hashed})
	}
	if len(out.requirements) > 0 {
		all := true
		for _, r := range out.requirements {
			all = all && r.Hashed && r.Pinned
		}
		if all {
			out.lockfile = &Lockfile{Path: path, Project: project, Kind: "pip-hashes"}
		}
	}
	return out
}

// parsePyproject reads the dependencies of a pyproject.toml (PEP 621,
// PEP 735 groups, Poetry), as pyreq reads them for the dependency audit.
func parsePyproject(path, project string, src []byte) (configOut, error) {
	var out configOut
	deps, err := pyreq.Pyproject(src)
	if err != nil {
		var pe *pyreq.ParseError
		line := 0
		if errors.As(err, &pe) {
			line = pe.Line
		}
		return out, &parseError{line: line, msg: err.Error()}
	}
	for _, d := range deps {
		out.pyproject = append(out.pyproject, PyprojectDependency{Path: path, Line: d.Line, Project: project,
			Section: d.Section, Name: normName(d.Name), Spec: d.Spec, Pinned: d.Version != ""})
	}
	return out, nil
}

// referenceRe matches a value that only refers to another variable: ${X},
// $X, ${X:-default} is not one (it has a value).
var referenceRe = regexp.MustCompile(`^\$(\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$`)

// isReference reports whether a configuration value refers to another
// variable instead of holding a value.
func isReference(v string) bool { return referenceRe.MatchString(strings.TrimSpace(v)) }

// interpolationRe matches one compose interpolation: ${VAR}, $VAR, and
// ${VAR<op>word} with op :- or - (default when unset, or also when
// empty), :? or ? (error when unset), :+ or + (word when set).
var interpolationRe = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}$]*))?\}|([A-Za-z_][A-Za-z0-9_]*))`)

// expandDefaults returns a compose value as a fresh clone runs it, where
// no variable is set: each ${VAR:-default} and ${VAR-default} becomes its
// default, $$ a dollar. known is false when a part stays unknown: a
// ${VAR} or $VAR, a ${VAR:?error} (the deployer must set it), a
// ${VAR:+word}, or a nested interpolation. vars are the variables whose
// defaults were used, in order.
func expandDefaults(v string) (out string, vars []string, known bool) {
	const dollar = "\x00"
	v = strings.ReplaceAll(v, "$$", dollar)
	known = true
	out = interpolationRe.ReplaceAllStringFunc(v, func(m string) string {
		sm := interpolationRe.FindStringSubmatch(m)
		if sm[2] == ":-" || sm[2] == "-" {
			vars = append(vars, sm[1])
			return sm[3]
		}
		known = false
		return m
	})
	if strings.Contains(out, "$") {
		known = false // ${A:-${B}}, ${A:?msg with $}: not read
	}
	return strings.ReplaceAll(out, dollar, "$"), vars, known
}

// weakComposeValue judges a compose environment value that is not a
// literal, as it runs when the variables it reads are not set (on a fresh
// clone, or when the deployer forgets them): POSTGRES_PASSWORD:
// ${POSTGRES_PASSWORD:-rva} is the password "rva". It also judges the
// password of a URL's user information (postgresql://user:${DB_PASS:-rva}@db/x,
// or written there: postgresql://app:app@db/x) whatever the variable's
// name. It returns whether the value is guessable, the variable whose
// default it is ("" when written as a literal), and whether it is a URL's
// password.
func weakComposeValue(key, value string) (weak bool, defaultOf string, urlPassword bool) {
	if exp, vars, known := expandDefaults(value); known && len(vars) > 0 && weakSecret(key, exp) {
		return true, vars[0], false
	}
	user, pass, ok := urlUserinfo(value)
	if !ok {
		return false, "", false
	}
	p, vars, known := expandDefaults(pass)
	if !known || p == "" {
		return false, "", false
	}
	u, _, uknown := expandDefaults(user)
	if weakSecret("password", p) || uknown && u == p {
		if len(vars) > 0 {
			defaultOf = vars[0]
		}
		return true, defaultOf, true
	}
	return false, "", false
}

// urlUserinfo splits the user information of scheme://user:password@host
// (interpolations in it kept as written).
func urlUserinfo(v string) (user, pass string, ok bool) {
	i := strings.Index(v, "://")
	if i < 0 {
		return "", "", false
	}
	rest := v[i+3:]
	auth := rest[:outsideBraces(rest, "/?#", len(rest))]
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return "", "", false
	}
	info := auth[:at]
	colon := outsideBraces(info, ":", -1)
	if colon < 0 {
		return "", "", false
	}
	return info[:colon], info[colon+1:], true
}

// outsideBraces is the index of the first byte of s among chars that is
// not inside an interpolation's braces, else none.
func outsideBraces(s, chars string, none int) int {
	depth := 0
	for j := 0; j < len(s); j++ {
		switch c := s[j]; {
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case depth == 0 && strings.IndexByte(chars, c) >= 0:
			return j
		}
	}
	return none
}
