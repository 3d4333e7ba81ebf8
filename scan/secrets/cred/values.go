package cred

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// reason says why a value is not a secret; "" when it may be one.
type reason string

const (
	fine         reason = ""
	tooShort     reason = "too short"
	hasSpace     reason = "prose, not a credential"
	isReference  reason = "a reference to a variable, not a value"
	isPlacehold  reason = "a placeholder"
	isOwnName    reason = "the key's own name"
	isPath       reason = "a file path"
	isURL        reason = "a URL"
	isCode       reason = "an identifier, attribute or call"
	isFormat     reason = "a format string"
	isKeyword    reason = "a type or keyword"
	notRandom    reason = "does not look generated"
	isRegex      reason = "a pattern"
	isRedacted   reason = "masked"
	nonPrintable reason = "not text"
	isCommon     reason = "one of the commonest passwords: a default anyone can guess, not a leaked secret"
	unbalanced   reason = "part of an expression"
)

// commonPasswords are the passwords at the top of every published list of
// the most used ones, and default account names used as passwords.
var commonPasswords = set("123456", "123456789", "12345678", "1234567", "12345", "1234", "1234567890", "123123",
	"111111", "000000", "qwerty", "qwerty123", "qwertyuiop", "1q2w3e4r", "1qaz2wsx", "qazwsx", "asdf", "zxcvbnm",
	"abc123", "password1", "password12", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "letmein", "welcome",
	"hello", "iloveyou", "monkey", "dragon", "master", "sunshine", "princess", "football", "baseball", "shadow",
	"superman", "trustno1", "freedom", "whatever", "starwars", "login", "admin", "admin123", "administrator",
	"root", "toor", "test", "test123", "testing", "guest", "user", "demo", "default")

// enumLike reports whether s is a short upper-case word, a marker such as
// "LDAP" or "OIDC" stored in a password field, not a password.
func enumLike(s string) bool {
	if len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] == '_') {
			return false
		}
	}
	return true
}

// numberLiteral reports whether s is a number written in code: 0x1F,
// 3221225580, 1.5.
func numberLiteral(s string) bool {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return hexLike(s[2:])
	}
	return false
}

// balanced reports whether the brackets of s pair up: "{SSHA" read off a
// line is a piece of something larger.
func balanced(s string) bool {
	var depth [3]int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth[0]++
		case ')':
			depth[0]--
		case '{':
			depth[1]++
		case '}':
			depth[1]--
		case '[':
			depth[2]++
		case ']':
			depth[2]--
		}
		if depth[0] < 0 || depth[1] < 0 || depth[2] < 0 {
			return false
		}
	}
	return depth == [3]int{}
}

// value is a candidate credential and what is known of where it was written.
type value struct {
	text string
	// quoted is set when the value was a string literal (or a quoted scalar).
	quoted bool
	// code is set when the value sits in a programming language, where an
	// unquoted value is an expression, not a literal.
	code bool
	// prose is set when the value was read off documentation or text.
	prose bool
}

// judge returns why v is not a credential for a key of class c, or fine.
func judge(c keyClass, key string, v value) reason {
	s := v.text
	if s == "" {
		return tooShort
	}
	if r := basic(s); r != fine {
		return r
	}
	if v.code && !v.quoted {
		return isCode
	}
	if r := shape(c, key, v); r != fine {
		return r
	}
	return fine
}

// basic holds the filters every candidate goes through, whatever its key.
func basic(s string) reason {
	switch {
	case s == "":
		return tooShort
	case !balanced(s):
		return unbalanced
	case !utf8.ValidString(s):
		return nonPrintable
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) }),
		strings.Contains(s, `\t`), strings.Contains(s, `\n`) && !strings.HasSuffix(s, `\n`):
		return hasSpace // escaped whitespace: text, not a value
	case reference(s):
		return isReference
	case strings.Contains(s, "://"):
		return isURL
	case formatString(s):
		return isFormat
	case pathLike(s), strings.Contains(s, ":/") && !strings.Contains(s, "://"):
		return isPath // texthash:/etc/postfix/sasl_passwd: a map's type and path
	case placeholder(s), envName(s):
		return isPlacehold
	case hashed(s), versionRange(s):
		return isKeyword
	case callLike(s), constantName(s):
		return isCode
	}
	return fine
}

// constantName reports whether s is an upper-case constant's name made of
// words: V1001_TODAY_MUSIC, GAR_JSON_KEY.
func constantName(s string) bool {
	parts := strings.Split(s, "_")
	if len(parts) < 2 || !(s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	words := 0
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !(p[i] >= 'A' && p[i] <= 'Z' || isDigit(p[i])) {
				return false
			}
		}
		if len(p) >= 3 && !hasDigit(p) && wordLike(p) {
			words++
		}
	}
	return words >= 2
}

// shape holds the filters that depend on the kind of credential.
func shape(c keyClass, key string, v value) reason {
	s := v.text
	if ownName(key, s) {
		return isOwnName
	}
	if keywords[strings.ToLower(strings.TrimRight(s, "!?"))] {
		return isKeyword
	}
	if numberLiteral(s) {
		return isKeyword
	}
	if regexLike(s) || validationRule(s) {
		return isRegex
	}
	switch c {
	case keyPassword:
		if utf8.RuneCountInString(s) < 4 {
			return tooShort
		}
		if commonPasswords[strings.ToLower(s)] {
			return isCommon
		}
		if numberedWord(s) || passTag(s) {
			return notRandom // pass1, test2, passw2, newpass, testpwd1: a test value
		}
		if enumLike(s) || !hasASCIIAlnum(s) || strings.Count(s, ".") >= 2 && numberish(s) {
			return isKeyword // LDAP, 你的密码, 1.2.840.113549
		}
		if dottedName(s) || callLike(s) {
			return isCode
		}
		if v.prose && !v.quoted && camelIdent(s) && namesCredential(s) {
			return isCode // password: hashedPassword in a comment: a variable's name
		}
		return fine
	case keySecret:
		if selfNamed(s) || namesCredential(s) || testWord(s) {
			return isPlacehold
		}
		if humanSecret(key) {
			// A secret a person chooses (a session or JWT secret, an
			// OAuth consumer secret) is judged like a password, but for
			// what only secrets' placeholders look like.
			switch {
			case len(s) < 6, commonPasswords[strings.ToLower(s)], enumLike(s), dottedName(s), callLike(s):
				return tooShort
			case numberish(s), credPrefixed(s), sequence(s), counting(s), len(words(s)) >= 2 && wordy(s):
				return notRandom
			case !v.quoted && v.prose && wordy(s):
				return notRandom
			}
			return fine
		}
		if len(s) < 8 {
			return tooShort
		}
		if !tokenChars(s) || !random(s, false) || sequence(s) || credPrefixed(s) || counting(s) {
			return notRandom
		}
		return fine
	case keyWeak:
		if len(s) < 16 {
			return tooShort
		}
		if !tokenChars(s) || !random(s, true) || sequence(s) || counting(s) {
			return notRandom
		}
		return fine
	}
	return notRandom
}

// reference reports whether s names where a value comes from rather than
// being one: ${VAR}, $VAR, %VAR%, {{ template }}, %(name)s, <placeholder>,
// os.environ[...], getenv(...), process.env.X, ENV[...].
func reference(s string) bool {
	if len(s) >= 3 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1] // a shell-quoted value inside a string: "'$DOCKER_PASSWORD'"
	}
	if strings.HasPrefix(s, "@/") || strings.HasPrefix(s, "@./") || strings.HasPrefix(s, "file:") || strings.HasPrefix(s, "fd:") {
		return true // @/path (curl, HTTPie), file:path and fd:N (openssl -pass): where the value is read from
	}
	if len(s) >= 2 {
		first, last := s[0], s[len(s)-1]
		if (first == '<' && last == '>') || (first == '{' && last == '}') || (first == '[' && last == ']') ||
			(first == '%' && last == '%') || (first == '(' && last == ')') || (first == '@' && last == '@') ||
			(first == '_' && last == '_' && strings.HasPrefix(s, "__")) {
			return true
		}
	}
	if len(s) >= 6 {
		// ###ORACLE_PWD###, @@TOKEN@@, %%KEY%%: markers a build fills in.
		for _, m := range []string{"##", "@@", "%%", "__"} {
			if strings.HasPrefix(s, m) && strings.HasSuffix(s, m) {
				return true
			}
		}
	}
	if s[0] == '$' {
		if len(s) == 1 {
			return true
		}
		switch c := s[1]; {
		case c == '{' || c == '(' || c == '_' || c == '$' || c == '!':
			return true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			// $VAR, $var, $this->x: a variable. "$2a$10$..." (a bcrypt
			// hash) starts with a digit and stays.
			return true
		}
	}
	for _, m := range refMarks {
		if strings.Contains(s, m) {
			return true
		}
	}
	low := strings.ToLower(s)
	for _, m := range refCalls {
		if strings.Contains(low, m) {
			return true
		}
	}
	return false
}

var refMarks = []string{"${", "{{", "}}", "%(", "<%", "%>", "#{", "@{", "%{", "{%", "$(", "<<", ">>", "[[", "]]"}

var refCalls = []string{"environ", "getenv", "process.env", "env(", "env[", "env.", "env:", "secrets.", "vault:",
	"vars.", "var.", "config(", "settings.", "params.", "args.", "input(", "getpass", "secretkeyref", "valuefrom",
	"keyvault", "ssm:", "@microsoft.keyvault", "op://", "sops:", "enc[", "encrypted:", "!vault"}

// formatString reports whether s is a format or template string.
func formatString(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && strings.IndexByte("sdvqrfx", s[i+1]) >= 0 && (i+2 == len(s) || !isAlnum(s[i+2])) {
			return true
		}
		if s[i] == '{' {
			j := strings.IndexByte(s[i:], '}')
			if j > 0 && j <= 24 && identLike(s[i+1:i+j]) {
				return true // {}, {0}, {name}
			}
		}
	}
	return false
}

// pathLike reports whether s is a file path or a file name.
func pathLike(s string) bool {
	switch {
	case strings.HasPrefix(s, "/") && strings.Count(s, "/") >= 2 && !strings.ContainsAny(s, "+="),
		strings.HasPrefix(s, "./"), strings.HasPrefix(s, "../"), strings.HasPrefix(s, "~/"),
		strings.HasPrefix(s, "\\\\"), len(s) > 2 && s[1] == ':' && (s[2] == '\\' || s[2] == '/') && isLetter(s[0]):
		return true
	}
	if i := strings.LastIndexByte(s, '.'); i > 0 && i < len(s)-1 {
		ext := strings.ToLower(s[i+1:])
		if fileExts[ext] && identLike(strings.Trim(s[:i], "/._-")) {
			return true
		}
		// dir/name.ext
		if strings.Contains(s[:i], "/") && len(ext) >= 2 && len(ext) <= 5 && identLike(ext) && !hasDigit(ext) {
			return true
		}
	}
	return false
}

var fileExts = set("pem", "key", "crt", "cer", "der", "p12", "pfx", "jks", "keystore", "truststore", "txt", "json",
	"yml", "yaml", "xml", "env", "cfg", "conf", "ini", "properties", "gpg", "asc", "pub", "csr", "db", "sqlite",
	"log", "sh", "py", "js", "ts", "go", "rb", "php", "java", "html", "htm", "png", "jpg", "svg", "gif", "md",
	"toml", "lock", "bin", "dat", "p8", "ovpn", "kdbx", "secret", "token", "passwd")

// placeholder reports whether s stands in for a value: changeme, xxxx,
// ****, one character repeated, your-password, <something>.
func placeholder(s string) bool {
	low := strings.ToLower(s)
	if placeholders[low] {
		return true
	}
	if repeated(low) || strings.Contains(low, "xxxx") || strings.Contains(low, "**") || strings.Contains(low, "...") ||
		strings.Contains(low, "…") || strings.Contains(low, "••") || strings.Contains(low, "<") && strings.Contains(low, ">") {
		return true
	}
	for _, p := range placeholderParts {
		if strings.Contains(low, p) {
			return true
		}
	}
	// "your_password", "enter-api-key", "some-token", "insert_secret_here"
	ws := words(s)
	if len(ws) == 0 {
		return false
	}
	if describes(ws) {
		return true
	}
	cred, here := false, false
	if len(ws) == 1 {
		// somepassword, yourtoken, enterapikey: filler and credential run together.
		for _, f := range []string{"some", "your", "enter", "insert", "example", "dummy", "fake", "sample"} {
			if strings.HasPrefix(low, f) && wordClass(strings.TrimPrefix(low, f), ws, 1) != keyNone {
				return true
			}
		}
	}
	for i, w := range ws {
		cred = cred || (i > 0 && wordClass(w, ws, i) != keyNone)
		here = here || w == "here" || w == "value"
	}
	return len(ws) >= 2 && cred && (here || fillerWords[ws[0]])
}

var placeholders = set("changeme", "change_me", "change-me", "changethis", "change_this", "change-this",
	"changemeplease", "replaceme", "replace_me", "replace-me", "example", "placeholder", "redacted", "removed",
	"hidden", "masked", "none", "null", "nil", "undefined", "empty", "notset", "not_set", "not-set", "unset",
	"todo", "tbd", "fixme", "n/a", "na", "xxx", "dummy", "sample", "password", "passwd", "passphrase",
	"pass", "pwd", "token", "apikey", "api_key", "api-key", "key", "auth", "credentials", "credential",
	"foo", "bar", "foobar", "baz", "qux", "abc", "abcd", "abcdef", "default", "defaults", "generated", "random",
	"blank", "optional", "required", "missing", "invalid", "wrong", "bad", "incorrect", "unknown", "anonymous",
	"fail", "failed", "failure", "success", "succeeded", "passed", "ok", "okay", "error")

var placeholderParts = []string{"changeme", "change_me", "change-me", "changethis", "replace_with", "replace-with",
	"replaceme", "placeholder", "your_", "your-", "yourown", "redacted", "example", "dummy", "fake", "sample",
	"not_a_real", "not-a-real", "notreal", "insert_", "insert-", "enter_", "enter-", "put_your", "fixme",
	"todo", "<your", "[your", "deleted", "sensitive"}

// describes reports whether a value is made of words that describe a
// value rather than being one: some-long-string, base64-something-random,
// a-random-secret-value.
func describes(ws []string) bool {
	describing := false
	for _, w := range ws {
		switch w {
		case "some", "something", "random", "long", "string", "base64", "hex", "value", "generated", "unique",
			"characters", "chars":
			describing = true
		case "here", "a", "an", "the", "very", "of", "with", "at", "least", "goes", "this", "is", "secret", "key",
			"token", "password", "super", "strong":
		default:
			return false
		}
	}
	return describing && len(ws) >= 2
}

// fillerWords open placeholder values: "your-password", "some-token".
var fillerWords = set("your", "some", "enter", "insert", "put", "add", "example", "sample", "dummy", "fake",
	"the", "a", "an", "new", "old", "test", "my", "default", "secret", "super", "random", "generated", "real",
	"valid", "invalid", "wrong", "bad", "good", "correct", "incorrect", "different", "other", "another", "user",
	"admin", "app", "service", "local", "dev", "prod", "production", "staging")

// repeated reports whether s is one character repeated (three or more).
func repeated(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// ownName reports whether the value merely repeats its key: password:
// "password", db_password = "db_password", apiKey: "api-key", a password
// that is "pass". POSTGRES_PASSWORD: postgres is not: the value repeats a
// part of the key that is not the credential word, a default password.
func ownName(key, s string) bool {
	vs := words(s)
	if len(vs) == 0 {
		return true
	}
	ks := words(key)
	if strings.Join(vs, "") == strings.Join(ks, "") {
		return true
	}
	kw := set(ks...)
	cred := false
	for i, w := range vs {
		switch {
		case credWords[w] || wordClass(w, vs, i) != keyNone && len(w) <= 8 && credWords[strings.TrimRight(w, "s")]:
			cred = true
		case !kw[w]:
			return false
		}
	}
	return cred
}

// credWords are the words that name a credential on their own.
var credWords = set("password", "passwd", "pass", "pwd", "pw", "passphrase", "secret", "token", "key", "apikey",
	"auth", "credential", "credentials", "creds", "cred")

// selfNamed reports whether a letters-only value spells out a credential
// word: api_password, MAVEN_PASSWORD, containrrr-pass, sometrustpwd,
// wrongpassword. A name for a secret, not one.
func selfNamed(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	low := strings.ToLower(s)
	for _, w := range []string{"password", "passwd", "pass", "pwd", "secret", "token", "apikey", "api_key", "credential"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// envName reports whether s is the name of an environment variable or a
// setting that holds a credential (MAVEN_PASSWORD, DB_PASS,
// AWS_SECRET_ACCESS_KEY): where the value is, not the value.
func envName(s string) bool {
	if len(s) < 4 || !(s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return strings.Contains(s, "_") && selfNamed(s)
}

// hashed reports whether s is a password hash (crypt, LDAP, Django
// formats): the digest of a secret, not the secret.
func hashed(s string) bool {
	low := strings.ToLower(s)
	for _, p := range []string{"$1$", "$2a$", "$2b$", "$2y$", "$2x$", "$5$", "$6$", "$7$", "$y$", "$argon2", "$pbkdf2",
		"$sha1$", "$scrypt$", "{ssha}", "{sha}", "{crypt}", "{bcrypt}", "{md5}", "{smd5}", "{ssha256}", "{ssha512}",
		"{noop}", "pbkdf2_sha256$", "pbkdf2_sha1$", "argon2$", "bcrypt$", "bcrypt_sha256$", "sha1:", "md5:", "sha256:",
		"sha512:", "phpass:"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	// crypt's $N$... ($8$rounds=...), Django's algorithm$salt$hash (sha1$1b11b$edeb0a...).
	if len(s) > 3 && s[0] == '$' && isDigit(s[1]) && strings.Count(s, "$") >= 3 {
		return true
	}
	if parts := strings.Split(s, "$"); len(parts) == 3 && identLike(parts[0]) && len(parts[2]) >= 20 && hexLike(parts[2]) {
		return true
	}
	return false
}

// versionRange reports whether s is a version or a version range, as
// package manifests write them: ^1.0.0, ~2.3, >=1.2.
func versionRange(s string) bool {
	t := strings.TrimLeft(s, "^~>=<v")
	if t == s && !strings.Contains(s, ".") || t == "" || !isDigit(t[0]) {
		return false
	}
	return strings.Count(t, ".") >= 1 && numberish(strings.SplitN(t, "-", 2)[0])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

var keywords = set("true", "false", "yes", "no", "on", "off", "null", "nil", "none", "undefined", "nan",
	"string", "str", "int", "integer", "bool", "boolean", "bytes", "byte", "char", "object", "any", "void",
	"function", "func", "lambda", "var", "let", "const", "self", "this", "super", "new", "return", "static",
	"private", "public", "protected", "final", "readonly", "optional", "required", "secure", "securestring",
	"text", "password", "hidden", "number", "float", "double", "long", "short", "list", "dict", "map", "array",
	"password_hash", "sha256", "sha512", "md5", "bcrypt", "argon2", "pbkdf2", "plain", "plaintext", "basic",
	"bearer", "digest", "oauth", "oauth2", "jwt", "hmac", "rsa", "aes", "ecdsa", "ed25519", "hs256", "rs256")

// regexLike reports whether s is a regular expression.
func regexLike(s string) bool {
	return strings.Contains(s, "(?") || strings.Contains(s, "\\d") || strings.Contains(s, "\\w") ||
		strings.Contains(s, "\\s") || strings.Contains(s, "[a-z") || strings.Contains(s, "[A-Z") ||
		strings.Contains(s, "[0-9") || (strings.HasPrefix(s, "^") && strings.HasSuffix(s, "$"))
}

// validationRule reports whether s is a form validation rule:
// required|min:8, confirmed|string.
func validationRule(s string) bool {
	if !strings.Contains(s, "|") {
		return false
	}
	for _, part := range strings.Split(s, "|") {
		name, _, _ := strings.Cut(part, ":")
		if !identLike(name) || strings.ToLower(name) != name {
			return false
		}
	}
	return true
}

// dottedName reports whether s is a dotted name (a.b.c, letters only):
// an attribute access or a setting's name, not a password.
func dottedName(s string) bool {
	if !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !identLike(part) || hasDigit(part) {
			return false
		}
	}
	return true
}

// callLike reports whether s is a call: name(...), @word(6), $fn(x).
func callLike(s string) bool {
	i := strings.IndexByte(s, '(')
	return i > 0 && strings.HasSuffix(s, ")") && identLike(strings.TrimLeft(strings.ReplaceAll(s[:i], ".", "_"), "@$"))
}

// hasASCIIAlnum reports whether s holds an ASCII letter or digit.
func hasASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			return true
		}
	}
	return false
}

// identifier reports whether s is an identifier, an attribute access or a
// call in most languages: max_tokens, self.token, get_token(), cfg.Secret.
func identifier(s string) bool {
	if s == "" {
		return false
	}
	if i := strings.IndexByte(s, '('); i > 0 {
		if !strings.HasSuffix(s, ")") {
			return false
		}
		s = s[:i]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "!"), "?")
	for _, part := range strings.Split(s, ".") {
		part = strings.TrimPrefix(part, "$")
		if p, _, ok := strings.Cut(part, "["); ok && strings.HasSuffix(part, "]") {
			part = p
		}
		if !identLike(part) {
			return false
		}
	}
	return true
}

// camelIdent reports whether s is a camelCase identifier: hashedPassword.
func camelIdent(s string) bool {
	if !identLike(s) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// identLike reports whether s is made of word characters, starting with a
// letter or an underscore.
func identLike(s string) bool {
	if s == "" || !(isLetter(s[0]) || s[0] == '_') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// random reports whether s looks generated rather than written by a
// person: long enough, several classes of characters, high entropy, and
// not a chain of words. weak asks for more (the key said little).
func random(s string, weak bool) bool {
	n := len(s)
	if uuidLike(s) {
		return !weak && randomUUID(s)
	}
	if u, ok := taggedUUID(s); ok {
		return !weak && randomUUID(u) // Grafana's "Q-<uuid>-0" query keys
	}
	if numberish(s) && strings.Contains(s, ".") {
		return false // 0.6080434247960143: a number
	}
	var lower, upper, digit, other int
	for i := 0; i < n; i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= '0' && c <= '9':
			digit++
		case c > 0x7e || c < 0x21:
			return false
		default:
			other++
		}
	}
	letters := lower + upper
	h := entropy(s)
	if sameRun(s, 6) {
		return false // ffffffffffffffff00000000: filler, not a key
	}
	if hexLike(s) && digit > 0 && letters > 0 {
		if weak {
			return n >= 32
		}
		return n >= 16 || (n >= 10 && h >= 3)
	}
	if wordy(s) || wordish(s) {
		return false
	}
	classes := 0
	for _, k := range []int{lower, upper, digit, other} {
		if k > 0 {
			classes++
		}
	}
	if weak {
		return n >= 16 && classes >= 2 && digit > 0 && h >= 3.5
	}
	switch {
	case n >= 20:
		return classes >= 2 && h >= 3.2
	case n >= 12:
		return classes >= 2 && h >= 2.7 && (digit > 0 || (upper > 0 && lower > 0 && other == 0))
	default:
		return classes >= 2 && h >= 2.3 && digit > 0 && letters > 0
	}
}

// namesCredential reports whether s spells out a credential word inside
// it: secret123, webhooksecret123, this_is_a_secret, 1234token.
func namesCredential(s string) bool {
	low := strings.ToLower(s)
	for _, w := range []string{"secret", "token", "passw", "apikey", "api_key", "api-key", "credential"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// testWord reports whether s has a word saying it is a test or example
// value: sk_test_123, demo-key-1.
func testWord(s string) bool {
	for _, w := range words(s) {
		switch w {
		case "test", "testing", "demo", "example", "sample", "dummy", "fake", "mock", "foo", "bar", "baz":
			return true
		}
	}
	return false
}

// numberish reports whether s is a number: 123123123, 0.1693.
func numberish(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-') {
			return false
		}
	}
	return true
}

// humanSecret reports whether a key names a secret a person may choose:
// a "secret" (client_secret, jwt_secret, SECRET_KEY), not a token or an
// API or access key, which services generate.
func humanSecret(key string) bool {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	secret := false
	for _, w := range words(key) {
		switch {
		case strings.Contains(w, "token"), w == "access", w == "api", strings.HasPrefix(w, "apikey"), w == "private":
			return false
		case strings.Contains(w, "secret"):
			secret = true
		}
	}
	return secret
}

// tokenChars reports whether s is made of the characters generated
// tokens use: letters, digits and +/=_-.~ (base64, hex, base32, URL-safe).
func tokenChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && strings.IndexByte("+/=_-.~", c) < 0 {
			return false
		}
	}
	// "=" only as base64 padding or in a key=value... the latter is not one value.
	if i := strings.IndexByte(s, '='); i >= 0 && strings.TrimRight(s[i:], "=") != "" {
		return false
	}
	return true
}

// sequence reports whether s holds a run of five or more consecutive
// characters (12345, abcde): typed by a person to fill a field.
func sequence(s string) bool {
	run := 1
	low := strings.ToLower(s)
	for i := 1; i < len(low); i++ {
		if low[i] == low[i-1]+1 && isAlnum(low[i]) {
			run++
			if run >= 5 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// passTag reports whether s is a short password word with a number after
// it or a test filler before it: passw, passw2, pass_1, pass4321, pwd1,
// testpass, newpass, testpwd1. The values tests give passwords, not
// chosen ones.
func passTag(s string) bool {
	low := strings.ToLower(s)
	filler := false
	for _, f := range []string{"test", "new"} {
		if strings.HasPrefix(low, f) {
			low, filler = low[len(f):], true
			break
		}
	}
	stem := ""
	for _, w := range []string{"passw", "pass", "pwd", "pw"} {
		if strings.HasPrefix(low, w) {
			stem = w
			break
		}
	}
	if stem == "" {
		return false
	}
	rest := strings.TrimLeft(low[len(stem):], "-_.")
	if rest != "" && (len(rest) > 4 || !numeric(rest)) {
		return false
	}
	return filler || rest != "" || stem == "passw"
}

// numberedWord reports whether s is a short lower-case word and a number
// of one or two digits: pass1, test2, pwd12, the numbered values of tests.
func numberedWord(s string) bool {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	return i >= 2 && i <= 4 && len(s)-i >= 1 && len(s)-i <= 2 && numeric(s[i:])
}

// sameRun reports whether s holds n equal letters or digits in a row
// (base64's runs of / are data).
func sameRun(s string, n int) bool {
	run := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] && isAlnum(s[i]) {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// counting reports whether s encodes a run of counting bytes, in hex or
// base64 (000102030405..., AQIDBAUGBwgJ...): a test vector, not a key.
func counting(s string) bool {
	var b []byte
	if hexLike(s) && len(s)%2 == 0 {
		b, _ = hex.DecodeString(s)
	} else if d, err := base64.StdEncoding.DecodeString(s); err == nil {
		b = d
	} else if d, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err == nil {
		b = d
	}
	if len(b) < 8 {
		return false
	}
	run := 1
	for i := 1; i < len(b); i++ {
		if b[i] == b[i-1]+1 {
			run++
			if run >= 8 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// credPrefixed reports whether s is a credential word followed by a
// number or a short tag: token1234, secret-01, key_abc.
func credPrefixed(s string) bool {
	low := strings.ToLower(s)
	for _, w := range []string{"password", "passwd", "pass", "secret", "token", "apikey", "key", "auth", "test", "demo", "example", "sample", "dummy", "fake", "mock", "my", "your", "some", "foo", "bar", "baz", "abc", "xyz"} {
		if strings.HasPrefix(low, w) {
			rest := strings.TrimLeft(low[len(w):], "-_.")
			return len(rest) <= 8
		}
	}
	return false
}

// wordish reports whether most of s is made of words (runs of three or
// more letters with vowels, in one case or capitalized): a name like
// Minus10Converter or V1001_TODAY_SINGER, not a generated value.
func wordish(s string) bool {
	var runs []string
	start := -1
	for i := 0; i <= len(s); i++ {
		boundary := i == len(s) || !isLetter(s[i]) ||
			(i > start && start >= 0 && s[i] >= 'A' && s[i] <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z')
		if boundary {
			if start >= 0 {
				runs = append(runs, s[start:i])
				start = -1
			}
			if i < len(s) && isLetter(s[i]) {
				start = i
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	inWords := 0
	for _, r := range runs {
		if len(r) >= 3 && wordLike(r) {
			inWords += len(r)
		}
	}
	return len(s) > 0 && float64(inWords)/float64(len(s)) >= 0.6
}

// wordLike reports whether a run of letters reads like a word: one case
// (or capitalized), and vowels in a natural proportion.
func wordLike(r string) bool {
	upper, lower, vowels := 0, 0, 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		if c >= 'A' && c <= 'Z' {
			upper++
			c += 'a' - 'A'
		} else {
			lower++
		}
		if strings.IndexByte("aeiouy", c) >= 0 {
			vowels++
		}
	}
	if upper > 1 && lower > 0 {
		return false // mixed case inside: generated
	}
	ratio := float64(vowels) / float64(len(r))
	return ratio >= 0.2 && ratio <= 0.7
}

// wordy reports whether s is a chain of words: letters-only parts joined
// by separators or camel case (admin-token, cilium-clustermesh,
// HelixApiAccessToken), a name rather than a generated value.
func wordy(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/') {
			return false
		}
	}
	ws := words(s)
	if len(ws) == 0 {
		return true
	}
	// Long runs of letters in mixed case with no word structure
	// (base64-like, "aGVsbG8gd29ybGQ") are not words.
	for _, w := range ws {
		if len(w) > 24 {
			return false
		}
	}
	if len(ws) == 1 {
		// One word: a generated value has mixed case inside it, which
		// words() would have split; a lower-case one (fjdkslafjdk) is
		// ambiguous: low entropy words stay names.
		return entropy(s) < 3.3 || len(s) < 10
	}
	// Several: words joined (admin-token, HelixApiAccessToken), unless the
	// pieces are not words at all (kQwIOrYvnXmSDkwEiFngrKid, split at
	// every case change).
	return wordish(s)
}

// TaggedUUID reports whether s is a UUID with a short tag before or
// after it ("Q-<uuid>-0", "req_<uuid>").
func TaggedUUID(s string) bool {
	_, ok := taggedUUID(s)
	return ok
}

// taggedUUID finds a UUID with a short tag before or after it, joined by
// a dash or an underscore ("Q-<uuid>-0", "req_<uuid>"): an identifier
// like the UUID itself.
func taggedUUID(s string) (string, bool) {
	if len(s) <= 36 || len(s) > 36+10 {
		return "", false
	}
	for i := 0; i+36 <= len(s); i++ {
		u := s[i : i+36]
		if !uuidLike(u) {
			continue
		}
		pre, post := s[:i], s[i+36:]
		if (pre == "" || strings.HasSuffix(pre, "-") || strings.HasSuffix(pre, "_")) &&
			(post == "" || post[0] == '-' || post[0] == '_') && alnumOnly(strings.NewReplacer("-", "", "_", "").Replace(pre+post)) {
			return u, true
		}
	}
	return "", false
}

func alnumOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func uuidLike(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

func hexLike(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }
func isHex(c byte) bool    { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
