package pipeguard.rules.hardcoded_secret_go_test

import data.pipeguard.rules.hardcoded_secret as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

secret(line, kind, placeholder, empty) := {"path": "config.go", "line": line, "name": "Password", "kind": kind, "masked": "hu****", "length": 7, "placeholder": placeholder, "empty": empty}

test_kinds if {
	i := object.union(t.go_input({"secret_literals": [
		secret(10, "const", false, false),
		secret(11, "const", true, false),
		secret(12, "field", false, false),
		secret(13, "field", true, false),
		secret(14, "local", true, false),
		secret(15, "setenv", false, false),
		secret(16, "var", false, true),
	]}), {"secret_literals": []})
	lines(rule.deny) == {10, 11, 12, 15} with input as i
}

test_auth_comparison if {
	i := object.union(t.go_input({"comparisons": [{"path": "auth.go", "line": 20, "function": "login", "op": "==", "name": "password", "masked": "hu****"}]}), {"comparisons": []})
	count(data.pipeguard.rules.auth_hardcoded_credentials.deny) == 1 with input as i
}
