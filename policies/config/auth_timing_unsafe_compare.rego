# METADATA
# title: Credentials compared in non-constant time
# description: |
#   A password, API key or token is compared with == or !=. String
#   comparison stops at the first differing character, so response times
#   leak how much of a guess is right, and a secret can be recovered
#   character by character. (A comparison with a string literal is also
#   reported by auth-hardcoded-credentials.) Only comparisons in code that
#   authenticates a request count: a route handler, an authentication
#   dependency, a function named for checking credentials
#   (verify_api_key, credentials_valid, login) or within one; elsewhere a
#   credential compared with == is looked up, redacted, matched or
#   compared with configuration, where no client times the answer.
# related_resources:
#   - ref: https://docs.python.org/3/library/secrets.html#secrets.compare_digest
#   - ref: https://fastapi.tiangolo.com/advanced/security/http-basic-auth/#timing-attacks
#   - ref: https://cwe.mitre.org/data/definitions/208.html
# custom:
#   id: auth-timing-unsafe-compare
#   severity: medium
#   confidence: medium
#   remediation: Compare with secrets.compare_digest(a.encode(), b.encode()) (or hmac.compare_digest); for passwords, verify a hash with passlib/argon2.
#   tags: [auth]
package pipeguard.rules.auth_timing_unsafe_compare

import data.pipeguard.lib

deny contains f if {
	some c in input.comparisons
	c.credential
	c.auth_context
	not lib.is_test(c.path)
	f := lib.report_range(c.path, c.line, c.end_line, sprintf("credential compared with %s (%s %s %s): not constant-time", [c.op, c.left, c.op, c.right]), concat(" ", [c.left, c.op, c.right]))
}
