# METADATA
# title: Credentials compared with a hard-coded value
# description: |
#   A password, API key or token is checked against a string literal
#   written in the comparison. Anyone who can read the code, its history
#   or the built image knows the credential, and it cannot be rotated
#   without a release. (A comparison with a constant is reported where the
#   constant is written, by hardcoded-secret.) As for
#   auth-timing-unsafe-compare, only comparisons in code that
#   authenticates a request count.
# related_resources:
#   - ref: https://cwe.mitre.org/data/definitions/798.html
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
#   - ref: https://fastapi.tiangolo.com/advanced/settings/
# custom:
#   id: auth-hardcoded-credentials
#   severity: high
#   confidence: high
#   remediation: Store a hash of the credential (or the credential itself) outside the code, in settings read from the environment or a secret manager, and compare with secrets.compare_digest.
#   tags: [auth, secrets]
package pipeguard.rules.auth_hardcoded_credentials

import data.pipeguard.lib

deny contains f if {
	some c in input.comparisons
	c.credential
	c.literal_side
	c.auth_context
	not lib.is_test(c.path)
	f := lib.report_range(c.path, c.line, c.end_line, sprintf("credential checked against a hard-coded value (%s %s %s)", [c.left, c.op, c.right]), concat(" ", [c.left, c.op, c.right]))
}
