package gofacts

import (
	"regexp"
	"strings"
	"unicode"
)

// The filters below are those of the Python facts (scan/facts/names.go),
// so that a name is secret-like, and a value a placeholder or a template,
// in Go exactly as in Python. They are copied rather than shared while
// scan/facts is being restructured; see the report of issue 15.

// nameWords splits an identifier into lower-case words:
// "SECRET_KEY" -> [secret key], "apiToken" -> [api token].
func nameWords(s string) []string {
	var words []string
	var cur []rune
	runes := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range runes {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]),
			// Go initialisms: "APIToken" -> [api token] (not in the Python copy).
			unicode.IsUpper(r) && i > 0 && unicode.IsUpper(runes[i-1]) && i+1 < len(runes) && unicode.IsLower(runes[i+1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

var secretWords = map[string]bool{
	"secret": true, "password": true, "passwd": true, "pwd": true, "token": true, "apikey": true,
	"passphrase": true, "credential": true, "credentials": true,
}

var keyQualifiers = map[string]bool{
	"api": true, "signing": true, "private": true, "secret": true, "access": true, "jwt": true, "encryption": true,
	"hmac": true, "master": true, "auth": true, "session": true, "client": true, "app": true, "fernet": true,
}

var notSecretSuffix = map[string]bool{
	"url": true, "uri": true, "endpoint": true, "expire": true, "expires": true, "expiry": true, "expiration": true,
	"minutes": true, "seconds": true, "hours": true, "days": true, "ttl": true, "lifetime": true, "length": true,
	"len": true, "size": true, "type": true, "types": true, "name": true, "header": true, "field": true, "algorithm": true,
	"algorithms": true, "algo": true, "scheme": true, "schemes": true, "prefix": true, "file": true, "path": true,
	"dir": true, "env": true, "var": true, "count": true, "max": true, "min": true, "limit": true, "regex": true,
	"pattern": true, "format": true, "location": true, "enabled": true, "required": true, "timeout": true, "age": true,
	"version": true, "id": true, "policy": true, "rounds": true, "context": true, "ctx": true, "hasher": true,
	"model": true, "form": true, "class": true, "bearer": true, "query": true, "cookie": true, "in": true,
	"separator": true, "sep": true, "delimiter": true, "end": true, "start": true, "ref": true, "fingerprint": true,
	"placement": true, "suffix": true, "re": true, "char": true, "chars": true, "marker": true, "kind": true,
	"index": true, "idx": true, "pos": true, "position": true, "list": true, "names": true, "fields": true,
	"param": true, "params": true, "attr": true, "attribute": true, "label": true, "title": true, "text": true,
	"message": true, "msg": true, "description": true, "help": true, "prompt": true, "mode": true, "source": true,
	"provider": true, "backend": true, "store": true, "storage": true, "manager": true, "service": true,
}

// isSecretName reports whether an identifier names a secret value.
func isSecretName(name string) bool {
	w := nameWords(name)
	if len(w) == 0 || notSecretSuffix[w[len(w)-1]] {
		return false
	}
	for i, x := range w {
		if secretWords[x] || x == "secrets" || x == "passwords" {
			return true
		}
		if (x == "key" || x == "keys") && i > 0 && keyQualifiers[w[i-1]] {
			return true
		}
	}
	return false
}

var placeholderRe = regexp.MustCompile(`(?i)^(change[-_ .]?me.*|change[-_ .]?this.*|your[-_ .]?.*|my[-_ .]?secret.*|secret|secret[-_ .]?key|password|passw0rd|pass|x{3,}|todo.*|replace[-_ .]?me.*|replace[-_ .]?with.*|placeholder.*|dummy.*|example.*|insecure.*|default|test|testing|<.*>|\*+|1234.*|admin|super[-_ .]?secret.*|notasecret|not[-_ .]?secret|fixme.*|set[-_ .]?me.*|\$\{.*\}|\{\{.*\}\})$`)

// isPlaceholder reports whether a secret value is a placeholder.
func isPlaceholder(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	if placeholderRe.MatchString(s) {
		return true
	}
	l := strings.ToLower(s)
	for _, p := range []string{"changeme", "change-me", "change_me", "your-secret", "your_secret", "replace-me", "replace_me", "placeholder"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

var formatRe = regexp.MustCompile(`%[-#0 +]*\d*(?:\.\d+)?[sdrifxvq]|%\([A-Za-z_]\w*\)[sdrifx]|\{[A-Za-z_]?\w*(?:![rsa])?(?::[^{}]*)?\}`)

// isTemplateOrText reports whether a string bound to a secret-like name is
// evidently not a credential: a format template, or a short word ended like
// a sentence ("done.", "token:") with no digit in it.
func isTemplateOrText(s string) bool {
	s = strings.TrimSpace(s)
	if formatRe.MatchString(s) {
		return true
	}
	if s == "" || strings.ContainsAny(s, "0123456789") {
		return false
	}
	last := s[len(s)-1]
	body := strings.TrimRight(s, ".:!?")
	return strings.ContainsRune(".:!?", rune(last)) && body != "" && !strings.ContainsAny(body, ".:!?") && identLike(body)
}

func identLike(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-')
	})
}

// namesItself: a value that is a key or field name rather than a secret,
// e.g. RefreshTokenKey = "refresh_token", PasswordField = "password".
func namesItself(name, value string) bool {
	if !identLike(value) || strings.ContainsAny(value, "0123456789") {
		return false
	}
	v := strings.Join(nameWords(value), "_")
	n := strings.Join(nameWords(name), "_")
	return v != "" && strings.Contains(n, v)
}

// Go additions to the Python filters.

var bearerRe = regexp.MustCompile(`(?i)^bearer[: ]+\S{8,}$`)

// goSecretName is isSecretName plus the short names Go code uses (pw,
// cred, creds) and a bearer token written with its scheme.
func goSecretName(name, value string) bool {
	if isSecretName(name) {
		return true
	}
	w := nameWords(name)
	if len(w) == 0 {
		return false
	}
	switch w[len(w)-1] {
	case "pw", "cred", "creds":
		return true
	case "bearer":
		return bearerRe.MatchString(strings.TrimSpace(value))
	}
	return false
}

// clauseRe is a clause of a query or command language: an upper-case
// keyword followed by plain words ("IAM_ROLE default", "ON DELETE
// CASCADE"), the text a credential variable holds when no credential is
// configured. A secret has no spaces between keyword-like words.
var clauseRe = regexp.MustCompile(`^[A-Z][A-Z_]+( +[A-Za-z_]+)+$`)

// keywordClause reports whether a value is such a clause.
func keywordClause(s string) bool { return clauseRe.MatchString(strings.TrimSpace(s)) }

// envNameRe is an environment variable name: APP_GIT_TOKEN.
var envNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)

func sharesWord(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// plainWordRe is a lower-case word: a status or enum value ("skipped",
// "none", "enabled"), not a credential, when a credential is compared
// with it.
var plainWordRe = regexp.MustCompile(`^[a-z]+$`)

// namesKey is namesItself in any word order: a value made only of the
// name's own words is the name of a configuration key, not a secret
// (ConfigLearnerTokenAuth = "learner_auth_token_config").
func namesKey(name, value string) bool {
	if namesItself(name, value) {
		return true
	}
	nws := nameWords(name)
	if envNameRe.MatchString(value) && sharesWord(nws, nameWords(value)) {
		return true
	}
	if !identLike(value) || strings.ContainsAny(value, "0123456789") {
		return false
	}
	// A lookup key (authTokenContextKey, sessionCookieKey, UserTokenHeaderKey):
	// "key" not qualified as a secret key names where a value is stored.
	if n := len(nws); n >= 2 && (nws[n-1] == "key" || nws[n-1] == "keys") && !keyQualifiers[nws[n-2]] {
		return true
	}
	vw := nameWords(value)
	if len(vw) < 2 {
		return false
	}
	nw := map[string]bool{}
	for _, x := range nws {
		nw[x] = true
	}
	for _, x := range vw {
		if !nw[x] {
			return false
		}
	}
	return true
}
