// Package names tells, from an identifier and the value given to it,
// whether the value is a secret: the name's words (SECRET_KEY, apiToken,
// X-API-Key), the words that make it secret-like or only describe a
// secret (TOKEN_URL, PASSWORD_MIN_LENGTH), placeholders and templates.
// The Python facts (scan/facts) and the Go facts (scan/gofacts) both read
// names through it, each with its Lang: the filters are the same, only
// how names split and which format verbs make a template differ.
package names

import (
	"regexp"
	"strings"
	"unicode"
)

// KeyQualifier reports whether w makes "<w> key" secret-like (api key,
// signing key, ...).
func KeyQualifier(w string) bool { return keyQualifiers[w] }

// NotCredentialQualifier reports whether w, before "token" or "key", names
// something that is no credential (a pagination token, an idempotency
// key), or reads a claim from one (user_id_in_token).
func NotCredentialQualifier(w string) bool { return notCredentialQualifier[w] }

// Lang is how a language writes names and templates; the filters are the
// same for every language.
type Lang struct {
	// initialisms splits a run of capitals before a word: "APIToken" ->
	// [api token] in Go; Python names are read as they always were
	// ("APIKeyValidator" -> [apikey validator]).
	initialisms bool
	// format finds the templates of the language's string formatting.
	format *regexp.Regexp
}

var (
	// Python reads Python names; its templates are printf and str.format
	// directives.
	Python = &Lang{format: formatRe("sdrifx")}
	// Go reads Go names (with initialisms); its templates are fmt verbs
	// (%v and %q too) and the Python ones, which Go code also builds.
	Go = &Lang{initialisms: true, format: formatRe("sdrifxvq")}
)

// formatRe finds printf directives with one of verbs, %(name)s and
// str.format fields: a value holding one is a template to fill in
// ("tokens:%s", "Bearer {token}"), not a secret.
func formatRe(verbs string) *regexp.Regexp {
	return regexp.MustCompile(`%[-#0 +]*\d*(?:\.\d+)?[` + verbs + `]|%\([A-Za-z_]\w*\)[sdrifx]|\{[A-Za-z_]?\w*(?:![rsa])?(?::[^{}]*)?\}`)
}

// Words splits an identifier or header name into lower-case words:
// "SECRET_KEY" -> [secret key], "tokenUrl" -> [token url], "X-API-Key" -> [x api key].
func (l *Lang) Words(s string) []string {
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
			l.initialisms && unicode.IsUpper(r) && i > 0 && unicode.IsUpper(runes[i-1]) && i+1 < len(runes) && unicode.IsLower(runes[i+1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// secretWords make a name secret-like on their own.
var secretWords = map[string]bool{
	"secret": true, "password": true, "passwd": true, "pwd": true, "token": true, "apikey": true,
	"passphrase": true, "credential": true, "credentials": true,
}

// keyQualifiers make "<q> key" secret-like (api key, signing key, ...).
var keyQualifiers = map[string]bool{
	"api": true, "signing": true, "private": true, "secret": true, "access": true, "jwt": true, "encryption": true,
	"hmac": true, "master": true, "auth": true, "session": true, "client": true, "app": true, "fernet": true,
}

// notSecretSuffix ends names that describe a secret rather than hold one:
// TOKEN_URL, ACCESS_TOKEN_EXPIRE_MINUTES, API_KEY_HEADER, PASSWORD_MIN_LENGTH.
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
	// What a token or key is for, not the token: JWT audiences and issuers,
	// audit event and action names, scopes, claims, notes.
	"audience": true, "aud": true, "issuer": true, "iss": true, "event": true, "events": true, "action": true,
	"actions": true, "scope": true, "scopes": true, "claim": true, "claims": true, "status": true, "state": true,
	"topic": true, "channel": true, "note": true, "notes": true, "hint": true, "question": true, "purpose": true,
	"alg": true, "algs": true, "comment": true, "comments": true, "samesite": true, "httponly": true, "domain": true,
	"supported": true, "method": true, "methods": true, "endpoint_auth": true, "display": true, "placeholder": true,
	// What a program does with a secret, or text about one: how it is
	// handled, error details and replies, code samples and snippets,
	// patterns, masks, salts and iteration counts.
	"handling": true, "outcome": true, "reply": true, "response": true, "reason": true, "detail": true, "details": true,
	"error": true, "errors": true, "failure": true, "failures": true, "sample": true, "samples": true, "example": true,
	"examples": true, "js": true, "css": true, "html": true, "script": true, "snippet": true, "rule": true, "rules": true,
	"filter": true, "sentinel": true, "markers": true, "words": true, "template": true, "selector": true, "mask": true,
	"style": true, "salt": true, "iterations": true, "ids": true, "identity": true, "identities": true,
	// Identifiers of a token or key, public by design: the JWT ID claim
	// (current_token_jti), key ids (kid), uuids.
	"jti": true, "kid": true, "uuid": true, "guid": true,
}

// notSecretPrefix starts names of values that stand in for a secret:
// PLACEHOLDER_SECRET_KEY, DUMMY_PASSWORD, REDACTED_TOKEN.
var notSecretPrefix = map[string]bool{
	"placeholder": true, "dummy": true, "fake": true, "example": true, "sample": true, "mock": true, "redacted": true,
	"masked": true,
}

// notCredentialQualifier words before "token" or "key" name something
// that is no credential: pagination and continuation tokens, lock and
// cancellation tokens, idempotency and cache keys, a URL slug (Zhihu's
// url_token names a user's page); and "in", "from",
// "of" make the name a claim read from a token (user_id_in_token).
var notCredentialQualifier = map[string]bool{
	"next": true, "page": true, "continuation": true, "pagination": true, "cursor": true, "lock": true, "cancel": true,
	"cancellation": true, "idempotency": true, "cache": true, "dedup": true, "dedupe": true, "sync": true,
	"in": true, "from": true, "of": true, "url": true,
}

// IsSecret reports whether an identifier names a secret value: a
// secret word (or "<qualifier> key") with no describing word after it
// (TOKEN_URL, ID_TOKEN_SIGNING_ALG_VALUES_SUPPORTED, PASSWORD_MIN_LENGTH
// describe a secret, they do not hold one).
func (l *Lang) IsSecret(name string) bool {
	w := l.Words(name)
	if len(w) == 0 {
		return false
	}
	found := -1
	for i, x := range w {
		if secretWords[x] || x == "secrets" || x == "passwords" {
			found = i
		}
		if (x == "key" || x == "keys") && i > 0 && keyQualifiers[w[i-1]] {
			found = i
		}
	}
	if found < 0 || notSecretPrefix[w[0]] {
		return false
	}
	if found > 0 && notCredentialQualifier[w[found-1]] && (w[found] == "token" || w[found] == "key") {
		return false
	}
	for _, x := range w[found+1:] {
		if describes(x) {
			return false
		}
	}
	// Two words or more after the secret word describe something about
	// it (RAW_SECRET_REFUSAL_SENTINEL, CREDENTIAL_WRITE_CONFLICT_DETAIL).
	return len(w)-found-1 < 2
}

// describes reports whether w, after a secret word, says the value
// describes secrets rather than holding one: notSecretSuffix, in the
// singular or the plural (LOG_SECRET_PATTERNS, TOKEN_HEADERS,
// PASSWORD_REGEXES).
func describes(w string) bool {
	if notSecretSuffix[w] {
		return true
	}
	one, ok := strings.CutSuffix(w, "s")
	if !ok {
		return false
	}
	if notSecretSuffix[one] {
		return true
	}
	one, ok = strings.CutSuffix(one, "e")
	return ok && notSecretSuffix[one]
}

// IsCredential is IsSecret plus the Authorization header, for
// comparisons.
func (l *Lang) IsCredential(name string) bool {
	if l.IsSecret(name) {
		return true
	}
	w := l.Words(name)
	return len(w) > 0 && (w[len(w)-1] == "authorization")
}

// IsPassword reports whether a name holds a password (for hashing checks).
func (l *Lang) IsPassword(name string) bool {
	w := l.Words(name)
	if len(w) == 0 || notSecretSuffix[w[len(w)-1]] {
		return false
	}
	for _, x := range w {
		if x == "password" || x == "passwd" || x == "pwd" || x == "passphrase" {
			return true
		}
	}
	return false
}

var placeholderRe = regexp.MustCompile(`(?i)^(change[-_ .]?me.*|change[-_ .]?this.*|your[-_ .]?.*|my[-_ .]?secret.*|secret|secret[-_ .]?key|password|passw0rd|pass|x{3,}|todo.*|replace[-_ .]?me.*|replace[-_ .]?with.*|placeholder.*|dummy.*|example.*|insecure.*|default|test|testing|<.*>|\*+|1234.*|admin|super[-_ .]?secret.*|notasecret|not[-_ .]?secret|fixme.*|set[-_ .]?me.*|\$\{.*\}|\{\{.*\}\})$`)

// IsPlaceholder reports whether a secret value is a placeholder.
func IsPlaceholder(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	if placeholderRe.MatchString(s) {
		return true
	}
	l := strings.ToLower(s)
	for _, p := range []string{"changeme", "change-me", "change_me", "your-secret", "your_secret", "replace-me", "replace_me", "placeholder", "fillmein", "fill-me-in", "fill_me_in"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// IsTemplateOrText reports whether a string bound to a secret-like name is
// evidently not a credential: a format template, or a short word ended like
// a sentence ("done.", "token:") with no digit in it. Real secrets, however
// weak ("hunter2", "changeme"), still count.
func (l *Lang) IsTemplateOrText(s string) bool {
	s = strings.TrimSpace(s)
	if l.format.MatchString(s) {
		return true
	}
	if s == "" || strings.ContainsAny(s, "0123456789") {
		return false
	}
	last := s[len(s)-1]
	body := strings.TrimRight(s, ".:!?")
	return strings.ContainsRune(".:!?", rune(last)) && body != "" && !strings.ContainsAny(body, ".:!?") && IdentLike(body)
}

var envNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)

// IsEnvName reports whether s is an environment variable's name
// (APP_GIT_TOKEN): given to a secret-like name, it names where the secret
// is.
func IsEnvName(s string) bool { return envNameRe.MatchString(s) }

// IdentLike: a string that could be a key or header name (no spaces or punctuation but - and _).
func IdentLike(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-')
	})
}

// NamesItself: a value that is a key or field name rather than a secret,
// e.g. REFRESH_TOKEN_KEY = "refresh_token", PASSWORD_FIELD = "password".
func (l *Lang) NamesItself(name, value string) bool {
	if !IdentLike(value) || strings.ContainsAny(value, "0123456789") {
		return false
	}
	v := strings.Join(l.Words(value), "_")
	n := strings.Join(l.Words(name), "_")
	if v == "" {
		return false
	}
	// Also without separators: CSRF_TOKEN_KEY = "csrftoken".
	if strings.Contains(n, v) || strings.Contains(strings.ReplaceAll(n, "_", ""), strings.ReplaceAll(v, "_", "")) {
		return true
	}
	return prefixedName(l.Words(name), l.Words(value))
}

// prefixedName reports whether value is the name a key of that name
// stores, behind an application prefix: COOKIE_REFRESH_TOKEN_KEY =
// "fba_refresh_token". The name ends with a word for a key or a name, and
// the value, without its first word, ends with the secret word and is
// found in the name as it is. (SECRET_KEY = "super_secret_key" is no such
// name: it ends with key, not with the secret word.)
func prefixedName(name, value []string) bool {
	if len(name) < 2 || len(value) < 3 || !nameKeyWords[name[len(name)-1]] || !secretWords[value[len(value)-1]] {
		return false
	}
	return strings.Contains("_"+strings.Join(name, "_")+"_", "_"+strings.Join(value[1:], "_")+"_")
}

// nameKeyWords are the last words of a name for the key or name under
// which something is stored.
var nameKeyWords = map[string]bool{"key": true, "name": true, "field": true, "cookie": true, "header": true}
