package facts

import (
	"strings"
	"unicode"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/names"
)

// weakWords are guessable secret values: dictionary passwords, service
// defaults, placeholders.
var weakWords = map[string]bool{
	"secret": true, "password": true, "passwd": true, "pass": true, "admin": true, "root": true, "changeme": true,
	"test": true, "testing": true, "default": true, "postgres": true, "postgresql": true, "mysql": true, "redis": true,
	"mongo": true, "mongodb": true, "rabbitmq": true, "guest": true, "user": true, "example": true, "dev": true,
	"development": true, "local": true, "qwerty": true, "letmein": true, "welcome": true, "token": true, "key": true,
	"secretkey": true, "supersecret": true, "mysecret": true, "dummy": true, "demo": true, "app": true, "django": true,
	"fastapi": true, "insecure": true, "toor": true, "abc123": true, "123456": true, "12345678": true, "password1": true,
}

// flagWords are the values of a switch, not of a secret:
// ALLOW_EMPTY_PASSWORD=yes, OAUTH2_PROXY_PASS_ACCESS_TOKEN=true.
var flagWords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"0": true, "1": true, "enabled": true, "disabled": true, "enable": true, "disable": true}

// weakSecret reports whether value, given to the secret-like key in a
// deployment file's environment, is a guessable literal: a common word or
// placeholder, the key's own words, a short letters-only word. References
// to other variables ($X, ${X}) are not literals.
func weakSecret(key, value string) bool {
	v := strings.TrimSpace(value)
	if v == "" || strings.Contains(v, "$") || !names.Python.IsSecret(key) {
		return false
	}
	l := strings.ToLower(v)
	if flagWords[l] || obviousPlaceholder(v) || markerValue(v) {
		return false // a flag (PASS_ACCESS_TOKEN=true), XXX, __KEY_PLACEHOLDER__
	}
	norm := strings.NewReplacer("-", "", "_", "", ".", "", " ", "").Replace(l)
	switch {
	case weakWords[l], weakWords[norm], names.IsPlaceholder(v):
		return true
	case strings.Contains(strings.Join(names.Python.Words(key), ""), norm) && len(norm) >= 3:
		return true // SECRET_KEY=secret_key, POSTGRES_PASSWORD=postgres
	case len(v) < 10 && !strings.ContainsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }):
		return true // a short word
	}
	return false
}

// maskSecret masks a secret the way every pipeguard output does.
func maskSecret(s string) string { return scan.Mask(s) }
