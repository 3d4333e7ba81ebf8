package gofacts

import (
	"regexp"
	"strings"

	"github.com/pipeguard/pipeguard/scan/names"
)

// Go's own filters, on top of those shared with the Python facts
// (scan/names).

var bearerRe = regexp.MustCompile(`(?i)^bearer[: ]+\S{8,}$`)

// goSecretName is names.Go.IsSecret plus the short names Go code uses (pw,
// cred, creds) and a bearer token written with its scheme.
func goSecretName(name, value string) bool {
	if names.Go.IsSecret(name) {
		return true
	}
	w := names.Go.Words(name)
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

// sharesWord reports whether the word lists a and b have a word in common.
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

// namesKey is names.Go.NamesItself in any word order: a value made only of the
// name's own words is the name of a configuration key, not a secret
// (ConfigLearnerTokenAuth = "learner_auth_token_config").
func namesKey(name, value string) bool {
	if names.Go.NamesItself(name, value) {
		return true
	}
	nws := names.Go.Words(name)
	if names.IsEnvName(value) && sharesWord(nws, names.Go.Words(value)) {
		return true
	}
	if !names.IdentLike(value) || strings.ContainsAny(value, "0123456789") {
		return false
	}
	// A lookup key (authTokenContextKey, sessionCookieKey, UserTokenHeaderKey):
	// "key" not qualified as a secret key names where a value is stored.
	if n := len(nws); n >= 2 && (nws[n-1] == "key" || nws[n-1] == "keys") && !names.KeyQualifier(nws[n-2]) {
		return true
	}
	vw := names.Go.Words(value)
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
