package pipeguard.rules.auth_timing_unsafe_compare_test

import data.pipeguard.rules.auth_timing_unsafe_compare as rule
import data.pipeguard.testlib as t

cmp(path, line, left, right, literal, const) := {"path": path, "line": line, "end_line": line, "op": "==", "left": left, "right": right, "credential": true, "literal_side": literal, "const_side": const, "function": "check", "auth_context": true}

test_variable_compare if {
	i := {"files": [], "comparisons": [cmp("app/auth.py", 12, "api_key", "settings.api_key", false, false)]}
	{[f.path, f.line] | some f in rule.deny} == {["app/auth.py", 12]} with input as i
}

test_literal_and_constant_compares_too if {
	i := {"files": [], "comparisons": [cmp("app/auth.py", 12, "password", "\"hunt****\"", true, false), cmp("app/auth.py", 14, "token", "ADMIN_TOKEN", false, true)]}
	{f.line | some f in rule.deny} == {12, 14} with input as i
}

test_non_credential_comparisons_are_not_facts if {
	count(rule.deny) == 0 with input as {"files": [], "comparisons": [object.union(cmp("app/auth.py", 12, "a", "b", false, false), {"credential": false})]}
}

test_outside_authentication_code_does_not_count if {
	# secret_value == value in a function that looks secrets up to redact them.
	i := {"files": [], "comparisons": [object.union(cmp("app/redact.py", 7, "secret_value", "value", false, false), {"auth_context": false})]}
	count(rule.deny) == 0 with input as i
}

test_tests_do_not_count if {
	i := {"files": [t.testfile("tests/test_auth.py")], "comparisons": [cmp("tests/test_auth.py", 3, "token", "resp.token", false, false)]}
	count(rule.deny) == 0 with input as i
}
