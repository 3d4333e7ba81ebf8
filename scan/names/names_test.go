package names

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"APIKeyValidator": {"apikey", "validator"}, // Python: as it always read
		"OAuthToken":      {"oauth", "token"},
		"SECRET_KEY":      {"secret", "key"},
		"tokenUrl":        {"token", "url"},
		"X-API-Key":       {"x", "api", "key"},
		"APIToken":        {"apitoken"},
		"JWTSigningKey":   {"jwtsigning", "key"},
		"userID":          {"user", "id"},
		"db.password":     {"db", "password"},
		"":                nil,
	} {
		if got := Python.Words(in); !slices.Equal(got, want) {
			t.Errorf("Python.Words(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"APIToken":      {"api", "token"},
		"JWTSigningKey": {"jwt", "signing", "key"},
		"userID":        {"user", "id"},
		"SECRET_KEY":    {"secret", "key"},
	} {
		if got := Go.Words(in); !slices.Equal(got, want) {
			t.Errorf("Go.Words(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIsSecret covers the filters both languages now share: describing
// words after the secret word, placeholders and lookup qualifiers before
// it, Go's initialisms.
func TestIsSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"SECRET_KEY":              true,
		"apiToken":                true,
		"APIToken":                true,
		"JWTSigningKey":           true,
		"dbPassword":              true,
		"TOKEN_URL":               false,
		"PASSWORD_MIN_LENGTH":     false,
		"tokenIssuer":             false,
		"passwordResetErrors":     false,
		"DummyPassword":           false,
		"nextPageToken":           false,
		"idempotencyKey":          false,
		"userIDInToken":           false,
		"secretRefusalSentinelID": false,
		"LOG_SECRET_PATTERNS":     false, // plural describing words too
		"TOKEN_HEADERS":           false,
		"PASSWORD_REGEXES":        false,
		"SECRET_KEYS":             true,
		"DB_PASSWORDS":            true,
		"username":                false,
		"currentTokenJti":         false, // the JWT ID claim: an identifier
		"SIGNING_KEY_KID":         false,
		"apiKeyUuid":              false,
	} {
		if got := Go.IsSecret(name); got != want {
			t.Errorf("Go.IsSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestIsTemplateOrText(t *testing.T) {
	for v, want := range map[string]bool{
		"Bearer %s":      true,
		"Bearer {token}": true,
		"done.":          true,
		"hunter2":        false,
		"s3cr3t-V4lue!x": false,
	} {
		for _, l := range []*Lang{Python, Go} {
			if got := l.IsTemplateOrText(v); got != want {
				t.Errorf("IsTemplateOrText(%q) = %v, want %v", v, got, want)
			}
		}
	}
	// fmt's %v and %q are templates in Go, and could be a secret's
	// characters in Python, which has no such directive.
	for v, want := range map[string]bool{"token=%v": true, "%q": true, "ab%vQ9zLm2": true} {
		if got := Go.IsTemplateOrText(v); got != want {
			t.Errorf("Go.IsTemplateOrText(%q) = %v, want %v", v, got, want)
		}
		if got := Python.IsTemplateOrText(v); got {
			t.Errorf("Python.IsTemplateOrText(%q) = true, want false", v)
		}
	}
}

func TestIsPlaceholder(t *testing.T) {
	for v, want := range map[string]bool{
		"changeme":           true,
		"<your-token>":       true,
		"${DB_PASSWORD}":     true,
		"fill-me-in":         true,
		"xK3pQ9vL2mN8rT5wZ7": false,
	} {
		if got := IsPlaceholder(v); got != want {
			t.Errorf("IsPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestNamesItself(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		want        bool
	}{
		{"REFRESH_TOKEN_KEY", "refresh_token", true},
		{"CSRF_TOKEN_KEY", "csrftoken", true},
		{"COOKIE_REFRESH_TOKEN_KEY", "fba_refresh_token", true}, // behind an app prefix
		{"SECRET_KEY", "super_secret_key", false},               // a guessable secret, not a name
		{"SECRET_KEY", "my_secret", false},                      // two words: no prefix to drop
		{"SESSION_COOKIE_NAME", "app_session_token", false},     // session_token is not in the name
		{"JWT_SECRET", "fba_jwt_secret", false},                 // the name does not end with key or name
	} {
		if got := Python.NamesItself(tt.name, tt.value); got != tt.want {
			t.Errorf("NamesItself(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}
