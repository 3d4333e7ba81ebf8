// Package cred finds credentials by the structure around them rather than
// by one regular expression per vendor: a password assigned to a
// password-named key, a token in a configuration file, a password in a URL
// or a connection string, an HTTP Basic or Bearer value written as a
// literal, curl -u user:password.
//
// Key/value pairs are read with the format's own parser where it has one:
// Python through tree-sitter (assignments, keyword arguments, dict
// literals, default arguments, comparisons, setter calls), YAML, JSON,
// TOML and XML through their decoders; INI, .cfg, .properties, .env, shell
// and Dockerfiles line by line, as their grammars are; other languages
// through a line-level reader of key = "value", key: value, "key":
// "value", key => 'value' and setPassword("value"). Key names are matched
// in every spelling (snake_case, camelCase, kebab-case, UPPER_CASE), and
// values go through filters: not empty, not a reference (${VAR}, $VAR,
// os.environ[...], {{ template }}, %(name)s, <placeholder>), not a
// placeholder (changeme, your-password, xxxx, ****, one repeated
// character, the key's own name), not an identifier, attribute access or
// call where the file's language makes it one, not a path, and, for
// generic secrets, generated-looking (length, character classes, entropy).
//
// Detect is the entry point; it is safe for concurrent use.
package cred

import (
	"path"
	"sort"
	"strings"
)

// The rules, as their ids appear in findings.
const (
	RulePassword         = "password-assignment"
	RuleGeneric          = "generic-secret-assignment"
	RuleURLCredentials   = "url-credentials"
	RuleConnectionString = "connection-string-password"
	RuleHTTPBasic        = "http-basic-auth"
	RuleHTTPBearer       = "http-bearer-token"
	RuleCurlUserPassword = "curl-user-password"
	RuleUUID             = "random-uuid"
)

// Rule describes one rule of the detector.
type Rule struct {
	ID    string
	Title string
	// Description says what the rule fires on, for documentation.
	Description string
}

// Rules lists the detector's rules.
func Rules() []Rule {
	return []Rule{
		{RulePassword, "Hard-coded password", "A password literal assigned to a password-named variable, key, argument, option or setter (password, passwd, pwd, pass, passphrase in any spelling), mysql -pPASSWORD, ConvertTo-SecureString \"...\" -AsPlainText."},
		{RuleGeneric, "Hard-coded secret", "A generated-looking literal assigned to a secret-named key: secret, token, api_key/apikey, access_key, private_key, client_secret, credential, auth, in any spelling."},
		{RuleURLCredentials, "Password in a URL", "scheme://user:password@host, in any scheme (postgres, mysql, redis, amqp, mongodb, https...)."},
		{RuleConnectionString, "Password in a connection string", "Password=...; or Pwd=...; in ADO.NET, ODBC and JDBC connection strings, password=... in libpq DSNs."},
		{RuleHTTPBasic, "HTTP Basic credentials", "An Authorization: Basic value written as a literal (base64 of user:password)."},
		{RuleHTTPBearer, "HTTP Bearer token", "An Authorization: Bearer value written as a literal."},
		{RuleCurlUserPassword, "Password on a curl command line", "curl -u user:password or --user user:password."},
		{RuleUUID, "Random UUID", "A random UUID, the shape many services give API keys, tokens and client secrets (Heroku, Azure, Postman, Jenkins credentials): it may as well be an identifier, so it is of low confidence. Placeholders (zeros, repeated or typed digits), well-known constants and the ids of credentials (key_id, credentialsId) are left out."},
	}
}

// priority orders rules when two find the same secret on a line: the more
// specific construct names it.
var priority = map[string]int{
	RuleURLCredentials: 6, RuleConnectionString: 5, RuleCurlUserPassword: 5, RuleHTTPBasic: 4, RuleHTTPBearer: 4,
	RulePassword: 2, RuleGeneric: 1, RuleUUID: 0,
}

// Match is one credential found.
type Match struct {
	Rule string
	// Line is the 1-based line of the secret in the text given to Detect.
	Line int
	// Column is the 1-based byte column of the secret in its line, 0 when
	// not known.
	Column int
	// Secret is the credential as written.
	Secret string
	// Key is the name the secret was assigned to, or the construct that
	// holds it ("postgres URL", "curl -u").
	Key string
	// Context says which structure held it (assignment, keyword argument,
	// yaml mapping...).
	Context string
}

// Detector finds credentials in files. The zero value is not usable; use New.
type Detector struct {
	py *pyParsers
}

// New returns a Detector.
func New() *Detector {
	return &Detector{py: newPyParsers()}
}

// Close releases the parsers the detector holds.
func (d *Detector) Close() { d.py.close() }

// format is how a file's content is read.
type format int

const (
	fmtText format = iota
	fmtCode
	fmtPython
	fmtYAML
	fmtJSON
	fmtXML
	fmtTOML
	fmtConfig
	fmtShell
)

var codeExts = set("js", "jsx", "ts", "tsx", "mjs", "cjs", "go", "java", "kt", "kts", "scala", "sc", "groovy",
	"gradle", "cs", "vb", "fs", "php", "rb", "rake", "rs", "swift", "c", "h", "cc", "cpp", "cxx", "hpp", "hh",
	"m", "mm", "dart", "lua", "pl", "pm", "ex", "exs", "erl", "hrl", "clj", "cljs", "cljc", "hs", "r", "jl",
	"vue", "svelte", "coffee", "elm", "nim", "zig", "v", "cr", "d", "ml", "mli", "tf", "hcl", "jsonnet",
	"libsonnet", "sol", "proto", "sql", "ps1", "psm1")

var configExts = set("ini", "cfg", "conf", "cnf", "properties", "env", "config", "settings", "prefs", "npmrc",
	"pypirc", "netrc", "htpasswd", "credentials", "rc", "editorconfig", "gitconfig", "service", "desktop")

var shellExts = set("sh", "bash", "zsh", "ksh", "fish", "bat", "cmd", "dockerfile", "containerfile", "mk", "make", "envrc")

// formatOf tells how to read the file at p from its name.
func formatOf(p string) format {
	base := strings.ToLower(path.Base(p))
	ext := strings.TrimPrefix(path.Ext(base), ".")
	switch {
	case ext == "py" || ext == "pyw" || ext == "pyi":
		return fmtPython
	case ext == "yml" || ext == "yaml":
		return fmtYAML
	case ext == "json" || ext == "har" || ext == "postman_collection" || ext == "postman_environment":
		return fmtJSON
	case ext == "xml" || ext == "csproj" || ext == "vbproj" || ext == "props" || ext == "targets" || ext == "wsdl" ||
		ext == "plist" || ext == "pom" || ext == "nuspec" || base == "web.config" || base == "app.config":
		return fmtXML
	case ext == "toml":
		return fmtTOML
	case base == "dockerfile" || strings.HasPrefix(base, "dockerfile.") || strings.HasSuffix(base, ".dockerfile") ||
		base == "containerfile" || base == "makefile" || base == "procfile" || shellExts[ext]:
		return fmtShell
	case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env") || configExts[ext] ||
		base == "credentials" || base == ".netrc" || base == ".npmrc" || base == ".pypirc" || base == "my.cnf":
		return fmtConfig
	case codeExts[ext]:
		return fmtCode
	}
	return fmtText
}

// lineMode is the line reader's mode for a format.
func (f format) lineMode() mode {
	switch f {
	case fmtCode, fmtPython:
		return modeCode
	case fmtYAML, fmtJSON, fmtTOML, fmtConfig:
		return modeConfig
	case fmtShell:
		return modeShell
	}
	return modeText
}

// Detect returns the credentials in text, the content of the file at path
// (a whole file, or the added lines of a diff hunk: structured formats
// that do not parse are read line by line).
func (d *Detector) Detect(p, text string) []Match {
	return d.DetectExcept(p, text, nil)
}

// DetectExcept is Detect for a caller that already knows some secrets:
// known(line, secret) reports whether another rule found the secret on
// that line. Such candidates are left out, and do not make a file worth
// parsing.
func (d *Detector) DetectExcept(p, text string, known func(line int, secret string) bool) []Match {
	f := formatOf(p)
	lines := splitLines(text)
	lows := lowerLines(text, lines)
	var out []Match
	emit := func(m Match) { out = append(out, m) }
	ls := &lineScanner{m: f.lineMode()}
	keys := !translations(p)
	var pairs, inStrings []pair
	for i, line := range lines {
		if len(line) > maxLine {
			continue // minified code or data: no key/value structure to read
		}
		low := lows[i]
		uuids(line, i+1, emit)
		if len(line) >= 58 {
			nkeySeeds(line, i+1, emit)
		}
		flags := lineFlags(low)
		if flags&hasOTP != 0 {
			otpSecrets(line, low, i+1, emit)
		}
		if flags&^hasOTP == 0 {
			continue
		}
		literals(line, low, flags, i+1, f == fmtCode || f == fmtPython, emit)
		if !keys || flags&hasKey == 0 {
			continue
		}
		if f == fmtShell && strings.HasPrefix(strings.TrimSpace(low), "env ") {
			line, low = dockerEnv(line), asciiLower(dockerEnv(line))
		}
		ls.scanLower(line, low, i+1, func(p pair) {
			pairs = append(pairs, p)
			if p.inString {
				inStrings = append(inStrings, p)
			}
		})
	}
	if strings.Contains(text, "kty") {
		jwkMembers(lows, lines, emit)
	}
	if d.worthParsing(f, ls, pairs, known) {
		if parsed, ok := d.structured(f, p, text, lines); ok {
			// The parser's pairs replace the line reader's, but for keys
			// inside string literals (a DSN, a JSON body in a Python
			// string) and, in YAML and TOML, commented-out settings and
			// lines the parser holds no pair on: a command in a string
			// (run: mysql -pX, - docker run -e PASSWORD=x), a
			// multi-line string's lines.
			read := pairs
			pairs = append(parsed, inStrings...)
			if f == fmtYAML || f == fmtTOML {
				pairs = append(pairs, commented(pairs[:0:0], lines, ls)...)
				pairs = append(pairs, uncovered(parsed, read)...)
			}
		}
	}
	for _, p := range pairs {
		m, ok := judgePair(p)
		if !ok {
			continue
		}
		if m.Rule == RulePassword && p.line-1 < len(lines) && defaultCredential(lows[p.line-1], m.Secret) {
			continue
		}
		out = append(out, m)
	}
	out = dedupe(out)
	if known != nil {
		kept := out[:0]
		for _, m := range out {
			if !known(m.Line, m.Secret) {
				kept = append(kept, m)
			}
		}
		out = kept
	}
	return out
}

// defaultCredential reports whether a password repeats the user or
// database name written beside it on its line (user: beth, password:
// beth; FIREBIRD_USER=booktest FIREBIRD_PASSWORD=booktest): a default,
// not a leak.
func defaultCredential(low, pass string) bool {
	if len(pass) < 2 {
		return false
	}
	lp := strings.ToLower(pass)
	for i := range occurrences(low, lp) {
		before := low[max(0, i-24):i]
		end := i + len(lp)
		if (i > 0 && isAlnum(low[i-1])) || (end < len(low) && isAlnum(low[end])) {
			continue // a part of a longer word
		}
		for _, k := range []string{"user", "login", "name", "database", "db", "account"} {
			if j := strings.LastIndex(before, k); j >= 0 && !strings.Contains(before[j:], "pass") && !strings.Contains(before[j:], "pwd") {
				return true
			}
		}
	}
	return false
}

// uncovered returns the pairs the line reader found on lines where the
// parser found none.
func uncovered(parsed, read []pair) []pair {
	covered := make(map[int]bool, len(parsed))
	for _, p := range parsed {
		covered[p.line] = true
	}
	var out []pair
	for _, p := range read {
		if !covered[p.line] && !p.inString {
			out = append(out, p)
		}
	}
	return out
}

// commented reads the comment lines of a YAML or TOML file: a
// commented-out password is still in the repository.
func commented(out []pair, lines []string, ls *lineScanner) []pair {
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") || len(t) > maxLine {
			continue
		}
		if lineFlags(ls.lower(t))&hasKey == 0 {
			continue
		}
		ls.scan(strings.TrimLeft(t, "# "), i+1, func(p pair) {
			p.tag = "comment"
			p.col = 0
			out = append(out, p)
		})
	}
	return out
}

// translations reports whether p is a localization file, whose keys name
// fields ("LABEL_PASSWORD": "Passwort") and whose values are prose.
func translations(p string) bool {
	for _, part := range strings.Split(strings.ToLower(p), "/") {
		switch part {
		case "i18n", "l10n", "locale", "locales", "lang", "langs", "language", "languages", "translations",
			"translation", "localization", "localizations", "messages":
			return true
		}
	}
	base := strings.ToLower(path.Base(p))
	return strings.HasPrefix(base, "translation") || strings.HasPrefix(base, "messages_") ||
		strings.HasSuffix(base, ".po") || strings.HasSuffix(base, ".pot") || strings.HasSuffix(base, ".resx") ||
		strings.HasSuffix(base, ".strings") || strings.HasSuffix(base, ".xlf")
}

// worthParsing says whether to parse the file: a configuration format
// when a line names a credential key (its parser is cheap, and finds what
// lines hide: a Kubernetes env entry's name and value); Python only when
// the line reader found a candidate that passes the filters, which the
// syntax tree then confirms or rejects (a docstring's example, code in a
// string). Parsing every Python file would cost more than the gitleaks
// rules do.
func (d *Detector) worthParsing(f format, ls *lineScanner, pairs []pair, known func(int, string) bool) bool {
	if !ls.sawKey {
		return false
	}
	if f != fmtPython {
		return true
	}
	for _, p := range pairs {
		if m, ok := judgePair(p); ok && (known == nil || !known(m.Line, m.Secret)) {
			return true
		}
	}
	return false
}

// maxLine is the longest line read for key/value pairs.
const maxLine = 16384

// structured reads the pairs of a file with its format's parser. ok is
// false when the format has none or the text does not parse: the line
// reader's pairs stand then.
func (d *Detector) structured(f format, p, text string, lines []string) ([]pair, bool) {
	switch f {
	case fmtPython:
		return d.py.pairs(text, lines)
	case fmtYAML:
		return yamlPairs(text, lines)
	case fmtJSON:
		return jsonPairs(text, lines)
	case fmtXML:
		return xmlPairs(text, lines)
	case fmtTOML:
		return tomlPairs(text, lines)
	}
	return nil, false
}

// judgePair turns a pair into a match when its key names a credential and
// its value passes the filters.
func judgePair(p pair) (Match, bool) {
	c := classify(p.key)
	if c == keyNone {
		return Match{}, false
	}
	if judge(c, p.key, p.val) != fine {
		return Match{}, false
	}
	rule := RuleGeneric
	if c == keyPassword {
		rule = RulePassword
	}
	return Match{Rule: rule, Line: p.line, Column: p.col, Secret: p.val.text, Key: p.key, Context: p.tag}, true
}

// dedupe keeps one match per secret and line: the most specific rule's.
func dedupe(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Line != ms[j].Line {
			return ms[i].Line < ms[j].Line
		}
		return priority[ms[i].Rule] > priority[ms[j].Rule]
	})
	out := ms[:0]
	for _, m := range ms {
		dup := false
		for k := len(out) - 1; k >= 0 && out[k].Line == m.Line; k-- {
			if strings.Contains(out[k].Secret, m.Secret) || strings.Contains(m.Secret, out[k].Secret) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out
}

// lowerLines returns lines lower-cased (ASCII letters only, so that every
// offset stays), from one lower-cased copy of text.
func lowerLines(text string, lines []string) []string {
	low := asciiLower(text)
	out := make([]string, len(lines))
	off := 0
	for i, l := range lines {
		end := off + len(l)
		out[i] = low[off:end]
		if end < len(low) && low[end] == '\r' {
			end++ // splitLines dropped it
		}
		off = end + 1 // past the newline
	}
	return out
}

// splitLines splits text into lines without their line endings.
func splitLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// dockerEnv rewrites a Dockerfile's legacy "ENV KEY value" as "ENV KEY=value".
func dockerEnv(line string) string {
	rest := strings.TrimSpace(line)[4:]
	rest = strings.TrimSpace(rest)
	if strings.Contains(rest, "=") {
		return line
	}
	k, v, ok := strings.Cut(rest, " ")
	if !ok {
		return line
	}
	return "ENV " + k + "=" + strings.TrimSpace(v)
}

// IsCode reports whether the file at p is in a programming language,
// where an unquoted value is an expression.
func IsCode(p string) bool {
	f := formatOf(p)
	return f == fmtCode || f == fmtPython
}

// CodeValue reports whether secret, found on line, is code rather than a
// literal: an identifier, an attribute access or a call that is not inside
// quotes (max_tokens=max_tokens, token=self.token, key=get_key()).
func CodeValue(line, secret string) bool {
	i := strings.Index(line, secret)
	if i < 0 || secret == "" {
		return false
	}
	if i > 0 && isQuote(line[i-1]) {
		return false
	}
	if stringState(line)[i] != 0 {
		return false // inside a string literal
	}
	if inComment(line[:i]) {
		return false
	}
	end := i + len(secret)
	// Take in what follows the match: a call's arguments, more attributes.
	j := end
	for j < len(line) && (isAlnum(line[j]) || line[j] == '_' || line[j] == '.') {
		j++
	}
	expr := line[i:j]
	if j < len(line) && line[j] == '(' {
		return identifier(strings.TrimSuffix(expr, "."))
	}
	return identifier(expr)
}

// inComment reports whether the text after prefix is in a line comment.
func inComment(prefix string) bool {
	st := stringState(prefix)
	for i := 0; i < len(prefix); i++ {
		if st[i] != 0 {
			continue
		}
		switch {
		case prefix[i] == '#' && (i == 0 || prefix[i-1] == ' ' || prefix[i-1] == '\t'):
			return true
		case strings.HasPrefix(prefix[i:], "//"), strings.HasPrefix(prefix[i:], "/*"), strings.HasPrefix(prefix[i:], "--"):
			return true
		}
	}
	t := strings.TrimSpace(prefix)
	return strings.HasPrefix(t, "*")
}

// Title returns the title of a rule of the detector, or "" for another id.
func Title(rule string) string {
	for _, r := range Rules() {
		if r.ID == rule {
			return r.Title
		}
	}
	return ""
}

// RejectGeneric reports whether a generic rule's finding (gitleaks'
// generic-api-key) fails the detector's judgement: match is the text the
// rule matched, secret the value it captured. It rejects on evidence
// only: a value that is a reference, a placeholder, a path, a sequence or
// a test value, or a key that names something other than a secret (a
// hash, a checksum, an encrypted or public value, a mock).
func RejectGeneric(match, secret string) bool {
	if secret == "" {
		return false
	}
	if basic(secret) != fine || sequence(secret) || testWord(secret) || namesCredential(secret) {
		return true
	}
	i := strings.LastIndex(match, secret)
	if i <= 0 {
		return false
	}
	key := strings.TrimRight(match[:i], " \t\"'`=:>,|?")
	j := len(key)
	for j > 0 && (isKeyChar(key[j-1]) || key[j-1] == '$' || key[j-1] == '@') {
		j--
	}
	key = strings.Trim(key[j:], "-.$@")
	if key == "" {
		return false
	}
	if i := strings.LastIndexByte(key, '.'); i > 0 && fileExts[strings.ToLower(key[i+1:])] && (j == 0 || match[j-1] == '/' || strings.Contains(key[:i], "_")) {
		return true // a file's name: "lib/keys_spec.rb": "<checksum>"
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 && i < len(key)-1 {
		key = key[i+1:]
	}
	ws := words(key)
	if len(ws) == 0 {
		return false
	}
	if metaWords[ws[len(ws)-1]] {
		return true
	}
	for _, w := range ws {
		if notSecretWords[w] || w == "nonce" || w == "salt" {
			return true
		}
	}
	return false
}
