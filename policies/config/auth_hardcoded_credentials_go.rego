# Go clauses of auth-hardcoded-credentials (the rule's METADATA is in
# auth_hardcoded_credentials.rego): a credential compared with a string
# literal (password == "hunter2").
package pipeguard.rules.auth_hardcoded_credentials

import data.pipeguard.golib
import data.pipeguard.lib

deny contains f if {
	some c in input.go.comparisons
	not golib.is_test(c.path)
	f := lib.report(c.path, c.line, sprintf("credential checked against a hard-coded value (%s %s %s)", [c.name, c.op, c.masked]), concat(" ", ["go", c.function, c.name, c.op]))
}
