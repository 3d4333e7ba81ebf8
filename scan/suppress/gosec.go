package suppress

import (
	"slices"
	"strings"
)

// gosecRules maps gosec check ids to the pipeguard config rules that find
// the same weakness, so that `//nosec G402` written for gosec also
// suppresses tls-verify-disabled. Ids not listed name no pipeguard rule.
var gosecRules = map[string][]string{
	"G101": {"hardcoded-secret", "auth-hardcoded-credentials"},
	"G108": {"pprof-exposed"},
	"G112": {"server-timeouts-missing"},
	"G114": {"server-timeouts-missing"},
	"G201": {"sql-string-formatting"},
	"G202": {"sql-string-formatting"},
	"G402": {"tls-verify-disabled", "tls-weak-version"},
}

// GosecRules returns the pipeguard rule ids a gosec check id stands for
// (nil when it stands for none).
func GosecRules(id string) []string {
	return append([]string(nil), gosecRules[strings.ToUpper(id)]...)
}

// allGosecRules returns every pipeguard rule id some gosec check stands
// for, sorted.
func allGosecRules() []string {
	var all []string
	for _, rules := range gosecRules {
		all = appendNew(all, rules...)
	}
	slices.Sort(all)
	return all
}
