package facts

import (
	"math/rand"
	"strings"
	"testing"
)

// TestMayVerify: the quick test before verifyRe never says no to a name the
// expression matches.
func TestMayVerify(t *testing.T) {
	names := []string{"verify_token", "VerifyToken", "authenticate_user", "decode_jwt", "validate_api_key", "validateApiKey",
		"check_credentials", "parse_session", "token_decode", "jwtVerify", "APIKEY_CHECK", "get_user", "save", "",
		"velocity", "parſe_ſeſſion", "Decode_JWT", "handle", "apiKeyValidate", "credential_check"}
	r := rand.New(rand.NewSource(2))
	parts := []string{"verify", "decode", "_", "jwt", "token", "api", "key", "check", "session", "parse", "user", "get", "X", "ſ", "K"}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for k := 1 + r.Intn(4); k > 0; k-- {
			b.WriteString(parts[r.Intn(len(parts))])
		}
		names = append(names, b.String())
	}
	matched := 0
	for _, n := range names {
		if verifyRe.MatchString(n) {
			matched++
			if !mayVerify(n) {
				t.Errorf("mayVerify(%q) = false, but verifyRe matches it", n)
			}
		}
	}
	if matched < 100 || mayVerify("get_user") || mayVerify("save") {
		t.Errorf("matched %d names; mayVerify(get_user) = %v", matched, mayVerify("get_user"))
	}
}
