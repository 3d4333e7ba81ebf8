# Go clauses of hardcoded-secret (the rule's METADATA is in
# hardcoded_secret.rego): a string literal bound to a secret-like name in
# Go: a constant or package variable, a struct field, a map key, a local
# variable, an assignment, os.Setenv. As in Python, placeholders count in
# package-level bindings (they run when configuration forgets the real
# value), not in local variables, struct fields and map entries, where
# they are demo and example values; empty strings and tests never count.
package pipeguard.rules.hardcoded_secret

import data.pipeguard.golib
import data.pipeguard.lib

go_how := {
	"const": "constant", "var": "package variable", "local": "variable", "assign": "assignment to",
	"field": "struct field", "map_key": "map entry", "setenv": "os.Setenv of",
}

deny contains f if {
	some s in input.go.secret_literals
	not s.empty
	not go_demo(s)
	note := {true: ", a placeholder that still works as a key", false: ""}[s.placeholder]
	not golib.is_test(s.path)
	f := lib.report(s.path, s.line, sprintf("%s %s is hard-coded (%s%s)", [go_how[s.kind], s.name, s.masked, note]), concat(":", ["go", s.kind, s.name]))
}

go_demo(s) if {
	s.kind in {"local", "field", "map_key"}
	s.placeholder
}
