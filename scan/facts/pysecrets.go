package facts

// Hard-coded secrets in Python: string literals given to secret-like
// names wherever the code binds them (constants, settings defaults,
// keyword arguments, parameter defaults, config mappings, fallbacks of
// environment and mapping reads, JWT keys), and the literal values that
// only look like secrets (enum members, identifiers, placeholders).

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/pipeguard/pipeguard/scan/names"
)

// secretSite is where a secret literal is bound.
type secretSite struct {
	line    int
	name    string // the secret-like name: variable, argument, key
	kind    string // const, settings_default, getenv_default, fallback, argument, default_arg, config, session_secret, jwt_key
	context string // the call or mapping as written, when there is one
	inList  bool   // one element of a list bound to the name
}

// addSecret records a literal bound to a secret-like name, unless the value
// is evidently no secret.
func (a *fileAnalyzer) addSecret(line int, name, kind, value string) {
	a.addSecretSite(secretSite{line: line, name: name, kind: kind}, value)
}

func (a *fileAnalyzer) addSecretSite(s secretSite, value string) {
	if a.manualTest {
		return // test code, like a test file's
	}
	filterName := s.name
	switch s.kind {
	case "jwt_key":
		filterName = "key" // the call makes it a key, whatever the variable is called
	case "getenv_default", "fallback":
		// A password's or secret's fallback is the secret when the read
		// finds nothing, even when it repeats the name
		// (os.getenv("JWT_SECRET", "jwtsecret")); an API key's that
		// names the service or says it is a dummy ("lm-studio",
		// "dummy") is what a local server that takes no key is given.
		if holdsPassword(s.name) {
			filterName = ""
		} else if dummyWords[strings.ToLower(strings.TrimSpace(value))] {
			return
		}
	case "argument":
		// api_key="TEST" given to a call to probe a permission: a client
		// key that says it is a dummy is none.
		if l := strings.ToLower(strings.TrimSpace(value)); !holdsPassword(s.name) && (dummyWords[l] || l == "test") {
			return
		}
	}
	if notASecret(filterName, value, s.inList) {
		return
	}
	if !holdsPassword(s.name) && saysDummy(value) {
		return // a client's key for another service that says it is fake: sk-FAKE-OPENAI-API-KEY
	}
	if strings.TrimSpace(value) == "" && s.kind != "const" && s.kind != "getenv_default" {
		return // an empty argument or default is no value at all
	}
	for _, x := range a.f.secrets {
		if x.Line == s.line && x.Name == s.name {
			return // one literal, one finding (getenv read inside an assignment, ...)
		}
	}
	a.f.secrets = append(a.f.secrets, newSecretLiteral(a.f.path, s, value))
}

func newSecretLiteral(path string, s secretSite, value string) SecretLiteral {
	return SecretLiteral{Path: path, Line: s.line, Name: s.name, Kind: s.kind, Context: s.context,
		Masked: maskSecret(value), Length: len(value), Placeholder: names.IsPlaceholder(value), Empty: strings.TrimSpace(value) == ""}
}

// dummyWords are values given to a client's API key when the server
// takes none.
var dummyWords = map[string]bool{"dummy": true, "none": true, "empty": true, "not-needed": true, "not_needed": true,
	"no-key": true, "nokey": true, "unused": true, "na": true, "n/a": true, "sk-no-key-required": true, "fake": true,
	"fake-key": true, "dummy-key": true, "dummy_key": true, "placeholder": true}

// stateWords name the state of a credential, not the credential:
// INVALID_CREDENTIALS, ACCESS_TOKEN_MISSING, TOKEN_EXPIRED, WRONG_PASSWORD
// hold the message or code for that state.
var stateWords = map[string]bool{"invalid": true, "missing": true, "expired": true, "wrong": true, "incorrect": true,
	"mismatch": true, "mismatched": true, "revoked": true, "denied": true, "failed": true, "unauthorized": true,
	"forbidden": true, "rejected": true, "malformed": true, "absent": true, "blacklisted": true}

// stateMessage: a message or code for a credential's state, not the
// credential: the name says a state (INVALID_CREDENTIALS,
// ACCESS_TOKEN_MISSING) and the value is text for people ("Invalid
// Credentials!", "Access token missing in the response", "用户名或密码不正确")
// or a code that says the same state ("mcp-missing-access-token").
func stateMessage(name, value string) bool {
	states := map[string]bool{}
	for _, w := range names.Python.Words(name) {
		if stateWords[w] {
			states[w] = true
		}
	}
	if len(states) == 0 {
		return false
	}
	v := strings.TrimSpace(value)
	if strings.ContainsFunc(v, unicode.IsDigit) || !strings.ContainsFunc(v, unicode.IsLetter) {
		return false
	}
	if words := strings.Fields(v); len(words) >= 2 {
		for _, w := range words {
			if !strings.ContainsFunc(w, unicode.IsLetter) {
				return false
			}
		}
		return true
	}
	if !strings.ContainsFunc(v, func(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) }) {
		return true // words in a script written without spaces
	}
	if names.IdentLike(v) {
		for _, w := range names.Python.Words(v) {
			if states[w] {
				return true
			}
		}
	}
	return false
}

// sentinelHash: a short literal under a password hash's name
// (password_hash="!oauth", hashed_password="*"): no hash function writes
// it, so no password matches it; it locks the account, as "!" and "*" do
// in /etc/shadow. A literal long enough to be a hash is still reported:
// it is a crackable credential.
func sentinelHash(name, value string) bool {
	hash := false
	for _, w := range names.Python.Words(name) {
		hash = hash || w == "hash" || w == "hashed" || w == "digest"
	}
	v := strings.TrimSpace(value)
	return hash && v != "" && (len(v) < 20 || strings.ContainsAny(v, " \t"))
}

// switchedOff: a call's arguments turn the thing they configure off
// (enabled=False), so the secrets given beside are never checked.
func (a *fileAnalyzer) switchedOff(args []*node) bool {
	for _, x := range args {
		if x.kind != "keyword_argument" {
			continue
		}
		switch x.child("name").text(a.src) {
		case "enabled", "enable", "active":
			if v := unparen(x.child("value")); v != nil && v.kind == "false" {
				return true
			}
		}
	}
	return false
}

// saysDummy: a value one of whose words says it is no real key
// ("sk-FAKE-OPENAI-API-KEY", "dummy_token_for_tests").
func saysDummy(value string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(value), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		switch w {
		case "fake", "dummy", "placeholder", "mock", "mocked":
			return true
		}
	}
	return false
}

// holdsPassword: a name for a password or a secret (signing keys
// included), as opposed to an API key or token a client sends.
func holdsPassword(name string) bool {
	for _, w := range names.Python.Words(name) {
		switch w {
		case "password", "passwd", "pwd", "passphrase", "secret", "secrets", "passwords":
			return true
		}
	}
	return false
}

// awsCredentialNames are boto3/botocore credential arguments; the access
// key id is no secret alone but names the account, and always travels
// with the secret.
var awsCredentialNames = map[string]bool{"aws_access_key_id": true, "aws_secret_access_key": true, "aws_session_token": true}

// secretArgName: a keyword argument or mapping key that takes a secret:
// a password, a secret, a signing or API key, AWS credentials. A bare
// token= is left out: SDK clients are built with dummy tokens, and real
// tokens are the secrets scanner's.
func secretArgName(name string) bool {
	if awsCredentialNames[strings.ToLower(name)] {
		return true
	}
	if !names.Python.IsSecret(name) {
		return false
	}
	w := names.Python.Words(name)
	for i, x := range w {
		switch x {
		case "password", "passwd", "pwd", "passphrase", "secret", "secrets", "passwords":
			return true
		case "key", "keys":
			if i > 0 && names.KeyQualifier(w[i-1]) {
				return true
			}
		}
	}
	return false
}

// configReceiver: a mapping read for configuration (settings.get,
// config.get, os.environ.get), not a data dict (a JSON response, a form).
func configReceiver(recv string) bool {
	for _, w := range names.Python.Words(recv) {
		switch w {
		case "settings", "setting", "config", "configs", "conf", "cfg", "configuration", "env", "environ", "environment",
			"secrets", "vault", "options", "opts", "ssm", "dotenv":
			return true
		}
	}
	return false
}

// configMethods fill a configuration mapping: app.config.update(SECRET_KEY=...).
var configMethods = map[string]bool{"update": true, "setdefault": true, "from_mapping": true}

// callSecrets records the secret literals a call is given: keyword
// arguments with secret-like names (password=, aws_secret_access_key=,
// SessionMiddleware's secret_key=), config mappings filled with them, and
// literal fallbacks of reads of a secret-like key.
func (a *fileAnalyzer) callSecrets(n *node, written, q string, c *fctx) {
	args := n.child("arguments")
	if args == nil || args.kind != "argument_list" {
		return
	}
	method := lastSeg(written)
	as := args.namedChildren()
	kind := "argument"
	if configMethods[method] {
		kind = "config"
	}
	if a.switchedOff(as) {
		return // AuthSettings(enabled=False, secret="secret-key"): never checked
	}
	session := strings.HasSuffix(q, "SessionMiddleware")
	for i, x := range as {
		if i == 0 && x.kind != "keyword_argument" && lastSeg(dotted(x, a.src)) == "SessionMiddleware" {
			session = true
		}
	}
	for _, x := range as {
		switch {
		case x.kind == "keyword_argument":
			name := x.child("name").text(a.src)
			v, _, ok := stringLit(x.child("value"), a.src)
			if !ok || !secretArgName(name) {
				continue
			}
			k := kind
			if session && name == "secret_key" {
				k = "session_secret"
			}
			a.addSecretSite(secretSite{line: x.child("value").line, name: name, kind: k, context: written}, v)
		case kind == "config" && unparen(x).kind == "dictionary":
			a.mappingSecrets(unparen(x), written)
		}
	}
	a.fallbackSecret(n, q, "")
}

// mappingSecrets records {"SECRET_KEY": "..."} given to a config mapping.
func (a *fileAnalyzer) mappingSecrets(d *node, context string) {
	for _, p := range d.namedChildren() {
		if p.kind != "pair" {
			continue
		}
		k, _, ok := stringLit(p.child("key"), a.src)
		if !ok || !secretArgName(k) {
			continue
		}
		if v, _, ok := stringLit(p.child("value"), a.src); ok {
			a.addSecretSite(secretSite{line: p.child("value").line, name: k, kind: "config", context: context}, v)
		}
	}
}

// fallbackSecret records the literal default of a read of a secret-like
// key: os.getenv("SECRET_KEY", "dev-secret"), settings.get("jwt_secret",
// "super-secret"), config("API_TOKEN", default="..."). target is the name
// the read is assigned to, which names the secret when the key does not.
func (a *fileAnalyzer) fallbackSecret(call *node, q, target string) {
	if a.compared[call] {
		return // cfg.get("jwt_secret_key", "super-secret") in (...): a check for the default
	}
	switch q {
	case "os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config":
	default:
		switch m := lastSeg(q); m {
		case "get", "getenv", "get_secret", "config", "setdefault":
			if recv := strings.TrimSuffix(q, "."+m); recv == q || !configReceiver(recv) {
				return
			}
		default:
			return // not a read with a fallback: no expression to build
		}
	}
	e := a.b.build(call)
	if e == nil || e.fn == nil {
		return
	}
	name, def := a.envRead(e)
	kind := "getenv_default"
	if def == nil {
		m := lastSeg(q)
		if m != "get" && m != "getenv" && m != "get_secret" && m != "config" && m != "setdefault" {
			return
		}
		if recv := strings.TrimSuffix(q, "."+m); recv == q || !configReceiver(recv) {
			return
		}
		name, _ = e.arg(0, "key").strLit()
		def = e.arg(1, "default")
		kind = "fallback"
		if def == nil || name == "" {
			return
		}
	}
	s, ok := def.strLit()
	if !ok {
		return
	}
	switch {
	case secretArgName(name):
	case names.Python.IsSecret(target) && kind == "getenv_default":
		name = target
	default:
		return
	}
	a.addSecretSite(secretSite{line: def.line, name: name, kind: kind, context: a.writtenCallee(call)}, s)
}

// orFallback records `os.getenv("SECRET_KEY") or "dev-secret"` and
// `settings.get("secret") or "..."`: a literal used when the read finds
// nothing.
func (a *fileAnalyzer) orFallback(n *node) {
	op := n.child("operator")
	if op == nil || op.text(a.src) != "or" {
		return
	}
	left, right := unparen(n.child("left")), unparen(n.child("right"))
	s, _, ok := stringLit(right, a.src)
	if !ok || left == nil || left.kind != "call" {
		return
	}
	e := a.b.build(left)
	name, _ := a.envRead(e)
	kind := "getenv_default"
	if name == "" && e.fn != nil && e.fn.kind == "attribute" && e.fn.attr == "get" && configReceiver(e.fn.obj.text) {
		name, _ = e.arg(0, "key").strLit()
		kind = "fallback"
	}
	if name == "" || !secretArgName(name) {
		return
	}
	a.addSecretSite(secretSite{line: right.line, name: name, kind: kind, context: a.writtenCallee(left)}, s)
}

// writtenCallee is a call's callee as written.
func (a *fileAnalyzer) writtenCallee(call *node) string {
	fnN := call.child("function")
	if d := dotted(fnN, a.src); d != "" {
		return d
	}
	return clip(fnN.bytes(a.src), maxTextLen)
}

// subscriptSecret records app.config["SECRET_KEY"] = "..." (and any
// mapping filled with a secret-like key).
func (a *fileAnalyzer) subscriptSecret(left, right *node) {
	k, _, ok := stringLit(unparen(left.child("subscript")), a.src)
	if !ok || !secretArgName(k) {
		return
	}
	v, _, ok := stringLit(right, a.src)
	if !ok {
		return
	}
	ctx := dotted(left.child("value"), a.src)
	if ctx == "" {
		ctx = clip(left.child("value").bytes(a.src), maxTextLen)
	}
	a.addSecretSite(secretSite{line: unparen(right).line, name: k, kind: "config", context: ctx + "[...]"}, v)
}

// paramSecret records def login(user, password="admin123"): a secret
// literal as a parameter's default.
func (a *fileAnalyzer) paramSecret(fn *pyFunc, name string, def *node) {
	if !names.Python.IsSecret(name) {
		return
	}
	if v, _, ok := stringLit(def, a.src); ok {
		a.addSecretSite(secretSite{line: unparen(def).line, name: name, kind: "default_arg", context: fn.name}, v)
	}
}

// jwtKey records the literal key of a JWT call: written in the call, or
// in a local variable or a module constant the call passes (a constant
// whose name is secret-like is reported where it is written). Public keys
// are no secret.
func (a *fileAnalyzer) jwtKey(cd *callDecl, c *fctx) {
	q := cd.callee
	if !(q == "jwt.encode" || q == "jwt.decode" || strings.HasSuffix(q, ".jwt.encode") || strings.HasSuffix(q, ".jwt.decode")) {
		return
	}
	k := cd.e.arg(1, "key")
	if k == nil {
		return
	}
	val, how := k, "literal"
	switch {
	case k.kind == "name" && k.local && k.val != nil:
		val, how = k.val, "local"
	case k.kind == "name" && !k.local:
		as := a.f.consts[k.dot]
		if as == nil || names.Python.IsSecret(k.dot) {
			return
		}
		val, how = as.e, "const"
	}
	s, ok := val.strLit()
	if !ok || strings.Contains(s, "PUBLIC KEY") || strings.HasPrefix(s, "ssh-") {
		return
	}
	name := "key"
	if how != "literal" {
		name = k.dot
	}
	a.addSecretSite(secretSite{line: k.line, name: name, kind: "jwt_key", context: cd.written}, s)
}

// Values that are no secret, whatever name holds them.
var (
	// dottedNameRe: event names, audiences and dotted paths
	// ("user.password_reset", "fastapi-users:reset", "auth.token.refresh");
	// dottedNameRe2 tells them from a short dotted word ("tok.en").
	dottedNameRe  = regexp.MustCompile(`^[a-z][a-z0-9_-]*([.:/][a-z0-9_-]+)+$`)
	dottedNameRe2 = regexp.MustCompile(`[:/_-]|\.[a-z0-9]+\.`)
	// urlRe: a URL without credentials in it (an issuer, an audience, an endpoint).
	urlRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^@\s]*$`)
	// extensionRe: a file extension (".pem", ".key").
	extensionRe = regexp.MustCompile(`^\.[A-Za-z0-9]{1,8}$`)
	// urlPathRe: the path of a route ("/oauth/token", "/users/{id}/password").
	urlPathRe = regexp.MustCompile(`^(/([a-z0-9_.-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))+/?$`)
	// regexMetaRe: the syntax of a regular expression: a character class
	// with a quantifier, a group, an escape class, an alternation of words.
	regexMetaRe = regexp.MustCompile(`\][+*?{]|\(\?[:P<=!]|\\[dwsbDWSB]|^\^.*\$$|[a-z]{3,}\|[a-z]{3,}\|`)
	// markerRe: a marker put where a secret was or will be: [REDACTED],
	// [raw credentials redacted], __API_KEY_PLACEHOLDER__, @SECRET@, %TOKEN%.
	markerRe = regexp.MustCompile(`^(\[[^\[\]]+\]|__[A-Za-z0-9_]+__|@[A-Z][A-Z0-9_]*@|%[A-Z][A-Z0-9_]*%)$`)
	// sentenceEndRe: the end of a sentence.
	sentenceEndRe = regexp.MustCompile(`[.!?:]["')]?$`)
)

// proseOrCode: text written for people or a program to read, not a
// secret: several lines (a code sample, a script; a PEM key excepted),
// or a sentence of four words or more.
func proseOrCode(v string) bool {
	if strings.Contains(v, "\n") {
		return !strings.Contains(v, "PRIVATE KEY") && !strings.Contains(v, "BEGIN ")
	}
	return len(strings.Fields(v)) >= 4 && sentenceEndRe.MatchString(v)
}

// regexLike: a regular expression (a pattern that finds secrets, the
// characters of a token).
func regexLike(v string) bool { return regexMetaRe.MatchString(v) }

// markerValue: a bracketed or delimited marker, never the secret itself.
func markerValue(v string) bool { return markerRe.MatchString(v) }

// publicKeyPrefixes start keys that are public by design: PostHog
// project keys and Stripe publishable keys are sent from browsers.
var publicKeyPrefixes = []string{"phc_", "pk_live_", "pk_test_"}

func publicKey(v string) bool {
	for _, p := range publicKeyPrefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// fieldWords make up the names of credential fields, headers and grant
// types ("access_token", "x-api-key", "hashed_password"): a value made of
// them only is a key name, not a secret. "secret" is not among them:
// "super_secret" is a (weak) secret.
var fieldWords = map[string]bool{
	"access": true, "refresh": true, "id": true, "api": true, "x": true, "auth": true, "bearer": true, "hashed": true,
	"hash": true, "client": true, "user": true, "reset": true, "csrf": true, "xsrf": true, "session": true, "token": true,
	"tokens": true, "password": true, "key": true, "jwt": true, "oauth": true, "oauth2": true, "cookie": true,
	"header": true, "new": true, "old": true, "current": true, "confirm": true, "verification": true, "verify": true,
	"email": true, "username": true, "login": true, "type": true, "grant": true, "code": true, "authorization": true,
	"basic": true, "digest": true, "private": true, "public": true, "signing": true, "remember": true, "me": true,
}

// notASecret reports whether a literal bound to a secret-like name is
// evidently not a secret: a key or field name, a template, an identifier,
// an obvious placeholder that cannot work as a secret, a URL; for one
// element of a list, also a bare word or a file extension.
func notASecret(name, value string, inList bool) bool {
	v := strings.TrimSpace(value)
	switch {
	case v == "":
		return false // reported as empty, and not a finding
	case names.Python.NamesItself(name, v), names.Python.IsTemplateOrText(v), obviousPlaceholder(v):
		return true
	case names.IsEnvName(v), dottedNameRe.MatchString(v) && dottedNameRe2.MatchString(v), urlRe.MatchString(v):
		return true
	case fieldName(v), proseOrCode(v), regexLike(v), markerValue(v), urlPathRe.MatchString(v), publicKey(v):
		return true
	case stateMessage(name, v), sentinelHash(name, v):
		return true
	case inList && (extensionRe.MatchString(v) || names.IdentLike(v) && !strings.ContainsAny(v, "0123456789")):
		return true
	}
	switch strings.ToLower(v) {
	case "none", "null", "nil", "undefined", "false", "true", "n/a", "-":
		return true
	}
	return false
}

// fieldName: a value made only of credential field words, two or more
// ("access_token", "X-API-Key", "refreshToken").
func fieldName(v string) bool {
	if !names.IdentLike(v) {
		return false
	}
	w := names.Python.Words(v)
	if len(w) < 2 {
		return false
	}
	for _, x := range w {
		if !fieldWords[x] {
			return false
		}
	}
	return true
}

// obviousPlaceholder: a value that stands for a secret to fill in and
// cannot work as one: one repeated character ("****", "xxxxxxxx"), x's
// then anything ("xxx-your-key"), <...>, ${...}, {{...}}, "...".
func obviousPlaceholder(v string) bool {
	if len(v) >= 3 && strings.Count(v, v[:1]) == len(v) {
		return true
	}
	l := strings.ToLower(v)
	switch {
	case strings.HasPrefix(l, "xxx"), strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">"),
		strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}"), strings.HasPrefix(v, "{{") && strings.HasSuffix(v, "}}"),
		strings.HasPrefix(v, "..."), strings.HasPrefix(v, "$") && names.IsEnvName(strings.TrimPrefix(v, "$")):
		return true
	}
	return !strings.ContainsFunc(v, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// isEnumClass: an enum (its members are names with values, never secrets).
func (r *resolver) isEnumClass(c *pyClass) bool {
	return r.inherits(c, func(base string) bool {
		switch base {
		case "Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "TextChoices", "IntegerChoices", "Choices":
			return true
		}
		return false
	}, 0)
}

// secretFacts lists the secret literals of a file, each ending where its
// statement ends.
func (m *model) secretFacts(f *pyFile) {
	for _, s := range f.secrets {
		s.EndLine = f.endOf(s.Line)
		m.out.SecretLiterals = append(m.out.SecretLiterals, s)
	}
}

// classSecrets returns the secret literals of a class body: settings
// defaults and class constants bound to secret-like names, but no enum
// member.
func (m *model) classSecrets(f *pyFile, c *pyClass, settings bool) []SecretLiteral {
	if m.r.isEnumClass(c) {
		return nil
	}
	var out []SecretLiteral
	for _, fl := range c.fields {
		if !names.Python.IsSecret(fl.name) {
			continue
		}
		d := fl.value
		if settings {
			d = fieldDefault(d)
		}
		s, ok := d.strLit()
		if !ok {
			continue
		}
		kind, filterName := "const", fl.name
		if settings {
			kind = "settings_default"
			switch {
			case holdsPassword(fl.name):
				filterName = "" // the default is the secret, even named like the field
			case dummyWords[strings.ToLower(strings.TrimSpace(s))]:
				continue
			}
		}
		if notASecret(filterName, s, false) {
			continue
		}
		sl := newSecretLiteral(f.path, secretSite{line: d.line, name: fl.name, kind: kind, context: c.name}, s)
		sl.EndLine = f.endOf(sl.Line)
		out = append(out, sl)
	}
	return out
}
