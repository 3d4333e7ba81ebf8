package cred

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shape is what the detector's value filters say of a literal. The secrets
// scanner weighs it, with where the literal is, into a finding's
// confidence (scan/secrets/confidence.go); the detector's own filters stay
// here, in one place.
type Shape int

// The shapes of a value, from least to most like a live secret.
const (
	// ShapePlaceholder stands in for a value: YOUR_API_KEY, <token>,
	// sk-...xxxx, AKIAIOSFODNN7EXAMPLE, a long run of sequential characters.
	ShapePlaceholder Shape = iota
	// ShapeWeak is chosen by a person or a default: words (postgres,
	// keycloak_password, GoodNewsEveryone), a credential word with a
	// number (password123), a test word, short values.
	ShapeWeak
	// ShapeOther is neither weak nor clearly generated.
	ShapeOther
	// ShapeRandom looks generated: long enough, several character
	// classes, high entropy, not a chain of words.
	ShapeRandom
)

// ValueShape judges a literal value with the detector's filters.
func ValueShape(s string) Shape {
	switch {
	case s == "" || placeholder(s) || longRun(s):
		return ShapePlaceholder
	case wordy(s) || wordish(s) || nativeWord(s) || credPrefixed(s) || testWord(s) || namesCredential(s) || sequence(s) || len(s) < 8:
		return ShapeWeak
	case random(s, false):
		return ShapeRandom
	}
	return ShapeOther
}

// longRun reports whether s holds eight or more consecutive characters
// going up or down (abcdefgh, zyxwvuts, 87654321): typed to fill a field.
func longRun(s string) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		a, b := lower(s[i-1]), lower(s[i])
		if !isAlnum(b) {
			up, down = 1, 1
			continue
		}
		if b == a+1 {
			up++
		} else {
			up = 1
		}
		if b+1 == a {
			down++
		} else {
			down = 1
		}
		if up >= 8 || down >= 8 {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// nativeWord reports whether s is written mostly in letters, some of them
// outside ASCII, and without the mixed case of a generated value
// (salasõna, Contraseña, пароль2024, 密码): a word a person typed in their
// own language. Generated secrets (base64, hex, vendor tokens) are ASCII.
func nativeWord(s string) bool {
	native, upper, lower, n := 0, 0, 0, 0
	for _, r := range s {
		n++
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			native++
		}
	}
	if upper > 1 && lower > 0 {
		return false
	}
	letters := upper + lower + native
	return native > 0 && float64(letters)/float64(n) >= 0.6
}

// Identifier reports whether s is a name in snake_case or SCREAMING_SNAKE
// case: two parts or more, each letters then digits, all letters in one
// case (MCP_OAUTH2_CLIENT_ID, cache_ttl2): a variable or setting named
// where its value should be, not a generated secret.
func Identifier(s string) bool {
	parts := strings.Split(s, "_")
	if len(parts) < 2 {
		return false
	}
	upper, lower := false, false
	for _, p := range parts {
		if p == "" || !isLetter(p[0]) {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			switch {
			case c >= 'A' && c <= 'Z':
				upper = true
			case c >= 'a' && c <= 'z':
				lower = true
			case c >= '0' && c <= '9':
			default:
				return false
			}
		}
	}
	return !(upper && lower)
}
