package cred

import (
	"strings"
	"unicode"
)

// keyClass is what a key name says its value is.
type keyClass int

const (
	keyNone     keyClass = iota
	keyPassword          // a password or passphrase, often chosen by a person
	keySecret            // a secret, a token, an API or access key, a credential
	keyWeak              // "key", "auth" alone: a secret only when the value looks like one
)

// words splits a key name into lower-case words at every spelling
// boundary: snake_case, kebab-case, camelCase, dotted.names, UPPER_CASE
// ("MYSQL_ROOT_PASSWORD", "dbPassword", "x-api-key", "APIKey" all split).
func words(key string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0:
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// metaWords are last words that make a key about a credential rather than
// the credential itself: password_length, token_url, secret_name...
var metaWords = set("name", "names", "id", "ids", "file", "files", "filename", "path", "paths", "dir", "directory",
	"url", "uri", "urls", "endpoint", "host", "length", "len", "size", "type", "types", "kind", "field", "fields",
	"header", "headers", "prefix", "suffix", "env", "var", "vars", "variable", "policy", "policies", "format",
	"regex", "regexp", "pattern", "min", "max", "minimum", "maximum", "count", "timeout", "expire", "expires",
	"expiry", "expiration", "expired", "ttl", "enabled", "enable", "disabled", "disable", "required", "label",
	"placeholder", "hint", "question", "validator", "validation", "validate", "strength", "mode", "method",
	"methods", "algorithm", "algorithms", "algo", "rounds", "iterations", "version", "index", "column", "param",
	"params", "parameter", "parameters", "arg", "args", "argument", "attr", "attribute", "input", "form", "message",
	"messages", "msg", "error", "errors", "err", "text", "title", "description", "desc", "help", "template",
	"provider", "providers", "manager", "storage", "class", "rule", "rules", "location", "ref", "reference",
	"refs", "source", "sources", "selector", "store", "generator", "handler", "service", "callback", "command",
	"cmd", "script", "option", "options", "flag", "flags", "setting", "settings", "schema", "mapping", "count",
	"level", "status", "state", "user", "username", "login", "email", "owner", "created", "updated", "date",
	"time", "timestamp", "at", "on", "changed", "lifetime", "duration", "age", "interval", "period", "scope",
	"scopes", "audience", "issuer", "usage", "hash", "hashed", "digest", "encoding", "encoder", "length",
	"reset", "sent", "verify", "verified", "visible", "hidden", "show", "display", "dialog", "button", "box",
	"view", "page", "screen", "window", "modal", "link", "icon", "tooltip", "caption", "prompt", "test", "tests",
	"exists", "present", "set", "list", "ttl", "rotation", "rotate", "backend", "plugin", "module", "mount",
	"volume", "annotation", "annotations", "keyid", "kid", "commit", "branch", "here", "repo", "tag", "image", "arn", "alias", "region", "bucket",
	"namespace", "secretref", "configmap", "role", "permission", "permissions", "lock", "policy",
	// What a key is made of or how it is used, not the key: a KMS key's
	// spec, a password's salt, when a password was last used.
	"spec", "specs", "salt", "salts", "used", "cache")

// compound password words, and the prefixes "pass" may follow in one word
// (dbpass, rootpass: bypass and compass are not passwords).
var passPrefixes = set("db", "root", "admin", "user", "my", "sql", "mysql", "pg", "redis", "smtp", "mail", "ftp",
	"ldap", "sa", "app", "api", "proxy", "bind", "key", "store", "trust", "master", "server", "client")

// keyQualifiers are the words that make "key" a credential: api key,
// access key, secret key, private key...
var keyQualifiers = set("api", "access", "secret", "private", "app", "application", "client", "auth",
	"authentication", "master", "signing", "sign", "encryption", "encrypt", "crypt", "crypto", "consumer",
	"subscription", "license", "account", "shared", "hmac", "session", "service", "admin", "developer",
	"dev", "server", "storage", "cipher", "aes", "des", "rsa", "jwt", "webhook", "partner", "merchant",
	"ssh", "gpg", "pgp", "security", "token", "x", "n", "root", "secure")

// notSecretWords make a key name something that is not secret, wherever
// they stand: a public key, a password hash, a token's checksum.
var notSecretWords = set("public", "publishable", "pub", "hash", "hashed", "checksum", "fingerprint", "digest",
	"no", "without", "disable", "skip", "forgot", "forgotten", "reset", "change", "verify", "check", "validate",
	"prompt", "ask", "show", "hide", "toggle", "remember", "require", "generate", "encrypted", "crypted", "is",
	"has", "use", "uses", "allow", "with",
	// Anti-forgery values tied to a session, not credentials.
	"csrf", "xsrf", "anticsrf", "mock", "dummy", "fake", "example", "sample", "placeholder", "pull", "from", "username", "update", "scheme", "schemes", "encryption",
	"attrs", "attributes", "attribute",
	// Conditions and error codes about a password: NERR_PasswordTooShort,
	// STATUS_PWD_HISTORY_CONFLICT, ERROR_PASSWORD_RESTRICTION.
	"too", "short", "invalid", "incorrect", "wrong", "mismatch", "history", "restriction", "restrictions",
	"needed", "need", "conflict", "error", "status", "weak", "strong", "complexity", "requirements", "missing",
	"empty", "matches", "match", "equal", "equals", "differs", "changed", "expire", "expired", "must",
	// Digests of a password, not the password: root_password_sha2.
	"sha", "sha1", "sha2", "sha256", "sha512", "md5", "bcrypt", "scrypt", "pbkdf2", "argon2", "crypt")

// notCredentialBefore are words that, before "token" or "key", name
// something that is no credential (the same as scan/names'
// notCredentialQualifier, for the words a key name can hold).
var notCredentialBefore = set("next", "page", "continuation", "pagination", "cursor", "lock", "cancel",
	"cancellation", "idempotency", "cache", "dedup", "dedupe", "sync", "url")

// classify says what kind of credential the key names, if any.
func classify(key string) keyClass {
	// A dotted key names its last part: cfg.Net.SASL.Password,
	// spring.datasource.password; subject.password.should.equal is a
	// method, not a password.
	if i := strings.LastIndexByte(key, '.'); i >= 0 && i < len(key)-1 {
		key = key[i+1:]
	}
	ws := words(key)
	if len(ws) == 0 || len(ws) > 8 {
		return keyNone // empty, or a sentence
	}
	last := ws[len(ws)-1]
	if metaWords[last] || len(ws) > 1 && len(last) >= 6 && hexLike(last) && hasDigit(last) {
		return keyNone // cattle-credentials-5ec1f7e700: an object's generated name
	}
	for _, w := range ws {
		if notSecretWords[w] {
			return keyNone
		}
	}
	switch last {
	case "passwords", "tokens", "secrets", "passwds":
		return keyNone // flags and lists about them
	}
	class := keyNone
	for i, w := range ws {
		switch c := wordClass(w, ws, i); {
		case c == keyPassword:
			class = keyPassword
		case c == keySecret && class != keyPassword:
			class = keySecret
		case c == keyWeak && class == keyNone:
			class = keyWeak
		}
	}
	if class == keyNone {
		return keyNone
	}
	// "token" or "key" after a word that makes it no credential: a
	// pagination or continuation token, a URL slug (url_token), a lock,
	// cache or idempotency key.
	if (last == "token" || last == "key") && len(ws) > 1 && notCredentialBefore[ws[len(ws)-2]] {
		return keyNone
	}
	// "key" last, after a word that is not a credential qualifier: a
	// cache key, a map key, a primary key. password_key, secret_key stay.
	if (last == "key" || last == "keys") && class == keyWeak && len(ws) > 1 && !keyQualifiers[ws[len(ws)-2]] {
		return keyNone
	}
	if last == "keys" && class != keyPassword {
		return keyNone // a list or a map of them
	}
	return class
}

// wordClass is the class of one word of a key.
func wordClass(w string, ws []string, i int) keyClass {
	if w == "nopasswd" || w == "nopassword" {
		return keyNone // sudoers' NOPASSWD: no password at all
	}
	switch {
	case strings.Contains(w, "password"), strings.Contains(w, "passwd"), strings.Contains(w, "passphrase"),
		strings.Contains(w, "passwort"), strings.Contains(w, "passcode"), strings.HasPrefix(w, "passw"):
		for _, suf := range []string{"less", "protected", "file", "field", "hash", "policy", "length", "reset", "expired", "changed", "required"} {
			if strings.HasSuffix(w, suf) {
				return keyNone // passwordless, passwordfile, passwordhash
			}
		}
		return keyPassword
	case w == "pass", w == "pw", w == "pwd", w == "pword", w == "senha", w == "contrasena", w == "parola", w == "mdp":
		return keyPassword
	case strings.HasSuffix(w, "pwd") && len(w) <= 10 && w != "oldpwd":
		return keyPassword
	case strings.HasSuffix(w, "pass") && passPrefixes[strings.TrimSuffix(w, "pass")]:
		return keyPassword
	case w == "nopass":
		return keyNone
	case strings.HasPrefix(w, "secrets") && len(w) > len("secrets"):
		return keyNone // secretsmanager: a service's name
	case strings.Contains(w, "secret") && !strings.Contains(w, "secretar"):
		return keySecret
	case w == "token", strings.HasSuffix(w, "token") && len(w) <= 16:
		return keySecret
	case w == "apikey", w == "apikeys", w == "accesskey", w == "secretkey", w == "privatekey", w == "appkey",
		w == "clientkey", w == "authkey", w == "masterkey", w == "signingkey", w == "encryptionkey",
		w == "consumerkey", w == "subscriptionkey", w == "licensekey", w == "accountkey", w == "sharedkey",
		w == "hmackey", w == "apisecret", w == "nkey", w == "seed" && i > 0 && (ws[i-1] == "nkey" || ws[i-1] == "private"):
		return keySecret
	case w == "key" && i > 0 && keyQualifiers[ws[i-1]]:
		return keySecret
	case strings.Contains(w, "credential"), w == "creds", w == "cred":
		return keySecret
	case w == "jwt", w == "bearer", w == "authorization", w == "apitoken":
		return keySecret
	case w == "key", w == "auth":
		return keyWeak
	}
	return keyNone
}

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}
