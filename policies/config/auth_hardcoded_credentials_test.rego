package pipeguard.rules.auth_hardcoded_credentials_test

import data.pipeguard.rules.auth_hardcoded_credentials as rule
import data.pipeguard.testlib as t

cmp(path, line, literal, const) := {"path": path, "line": line, "end_line": line, "op": "!=", "left": "password", "right": "\"hunt****\"", "credential": true, "literal_side": literal, "const_side": const, "function": "login", "auth_context": true}

test_literal if {
	i := {"files": [], "comparisons": [cmp("app/auth.py", 12, true, false)]}
	{f.line | some f in rule.deny} == {12} with input as i
}

test_constant_is_reported_where_it_is_written if {
	count(rule.deny) == 0 with input as {"files": [], "comparisons": [cmp("app/auth.py", 20, false, true)]}
}

test_outside_authentication_code if {
	# token == "RequestPolicy" while scanning a model's reply for words.
	i := {"files": [], "comparisons": [object.union(cmp("app/policy.py", 9, true, false), {"auth_context": false})]}
	count(rule.deny) == 0 with input as i
}

test_variable_compare if {
	count(rule.deny) == 0 with input as {"files": [], "comparisons": [cmp("app/auth.py", 12, false, false)]}
}

test_tests_do_not_count if {
	i := {"files": [t.testfile("tests/test_login.py")], "comparisons": [cmp("tests/test_login.py", 9, true, false)]}
	count(rule.deny) == 0 with input as i
}
