# METADATA
# title: .env file committed
# description: |
#   A dotenv file is tracked by git. Such files hold the real
#   configuration of an environment, passwords and keys included, and
#   every clone, fork and CI log of the repository then has them.
#   Templates (.env.example, .env.sample, .env.template, .env.dist) are
#   meant to be committed and are not reported.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/advanced/settings/#reading-a-env-file
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
# custom:
#   id: env-file-committed
#   languages: [deployment]
#   severity: high
#   remediation: git rm --cached the file, add it to .gitignore, commit a .env.example without values, and rotate any secret it held.
#   tags: [secrets, deployment]
package pipeguard.rules.env_file_committed

import data.pipeguard.lib

deny contains f if {
	some file in input.files
	file.kind == "env"
	file.tracked
	not file.template
	f := lib.report(file.path, 1, sprintf("%s is tracked by git", [file.path]), file.path)
}
