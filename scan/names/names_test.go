package names

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"SECRET_KEY":    {"secret", "key"},
		"tokenUrl":      {"token", "url"},
		"X-API-Key":     {"x", "api", "key"},
		"APIToken":      {"api", "token"},
		"JWTSigningKey": {"jwt", "signing", "key"},
		"userID":        {"user", "id"},
		"db.password":   {"db", "password"},
		"":              nil,
	} {
		if got := Words(in); !slices.Equal(got, want) {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
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
		"username":                false,
	} {
		if got := IsSecret(name); got != want {
			t.Errorf("IsSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestIsTemplateOrText(t *testing.T) {
	for v, want := range map[string]bool{
		"Bearer %s":      true,
		"token=%v":       true, // Go's verbs too
		"%q":             true,
		"Bearer {token}": true,
		"done.":          true,
		"hunter2":        false,
		"s3cr3t-V4lue!x": false,
	} {
		if got := IsTemplateOrText(v); got != want {
			t.Errorf("IsTemplateOrText(%q) = %v, want %v", v, got, want)
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
