# METADATA
# title: Hard-coded secret
# description: |
#   A string literal is bound to a secret-like name (secret, password,
#   token, api key, signing/private key): a constant, a settings default,
#   an os.getenv default, SessionMiddleware(secret_key=...) or the key of
#   jwt.encode/decode. Placeholders such as "changeme" count: they are what
#   runs when the environment forgets to set the real value. Empty strings
#   and test files do not count.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/advanced/settings/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
#   - ref: https://cwe.mitre.org/data/definitions/798.html
# custom:
#   id: hardcoded-secret
#   severity: high
#   remediation: Read the secret from the environment or a secret manager with no default (pydantic SecretStr field without default), so that a missing value fails at start-up; rotate the exposed one.
#   tags: [secrets]
package pipeguard.rules.hardcoded_secret

import data.pipeguard.lib

how := {
	"const": "constant",
	"settings_default": "settings default",
	"getenv_default": "os.getenv default",
	"session_secret": "SessionMiddleware secret_key",
	"jwt_key": "JWT key",
}

deny contains f if {
	some s in input.secret_literals
	not s.empty
	note := {true: ", a placeholder that still works as a key", false: ""}[s.placeholder]
	not lib.is_test(s.path)
	f := lib.report(s.path, s.line, sprintf("%s %s is hard-coded (%s%s)", [how[s.kind], s.name, s.masked, note]), concat(":", [s.kind, s.name]))
}
