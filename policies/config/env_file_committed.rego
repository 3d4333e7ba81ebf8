# METADATA
# title: .env file with secrets committed
# description: |
#   A dotenv file that holds secrets (values of secret-like keys such as
#   SECRET_KEY, DATABASE_PASSWORD, API_TOKEN) is tracked by git. Every
#   clone, fork and CI log of the repository then has them. Templates
#   (.env.example, .env.sample, .env.template, .env.dist) are meant to be
#   committed and are not reported, nor are dotenv files without any
#   secret value (public URLs, ports, references to other variables such
#   as ${COMMON_S3_SECRET}). When every secret is a placeholder
#   (changeme), the file may only be a template not named as one, and the
#   finding is of medium confidence; so it is for a file the tests read
#   (.env.test, .env.testing, ci.env, or one in a test folder), whose
#   values are fixtures more often than secrets.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/advanced/settings/#reading-a-env-file
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
# custom:
#   id: env-file-committed
#   languages: [deployment]
#   severity: high
#   confidence: high
#   remediation: git rm --cached the file, add it to .gitignore, commit a .env.example without values, and rotate any secret it held.
#   tags: [secrets, deployment]
package pipeguard.rules.env_file_committed

import data.pipeguard.lib

deny contains f if {
	some file in input.files
	file.kind == "env"
	file.tracked
	not file.template
	path := file.path

	# The secret values of the file, [line, key, placeholder] in line order
	# (an indexed comprehension: one pass over the entries for all files).
	entries := [[e.line, e.key, e.placeholder] | some e in input.env; e.path == path; e.redacted]
	all := sort(entries)
	count(all) > 0
	real := [s | some s in all; s[2] == false]

	# Point at the first real secret (the line to remove), else the first placeholder.
	[line, key, _] := array.concat(real, all)[0]
	more := {true: "", false: sprintf(" and %d more secret value(s)", [count(all) - 1])}[count(all) == 1]
	conf := confidence(real, path)
	msg := sprintf("%s is tracked by git and holds %s%s", [file.path, key, more])
	f := object.union(lib.report(file.path, line, msg, file.path), {"confidence": conf})
}

# confidence is high when a real secret is in a file outside the tests.
confidence(real, path) := "high" if {
	count(real) > 0
	not for_tests(path)
} else := "medium"

# for_tests: a dotenv file the tests or CI read.
for_tests(path) if lib.is_test(path)

for_tests(path) if {
	parts := split(lower(path), "/")
	some word in regex.split(`[._-]+`, parts[count(parts) - 1])
	word in {"test", "tests", "testing", "ci", "e2e"}
}
