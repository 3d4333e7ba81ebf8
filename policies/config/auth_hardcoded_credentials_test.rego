package pipeguard.rules.auth_hardcoded_credentials_test

import data.pipeguard.rules.auth_hardcoded_credentials as rule
import data.pipeguard.testlib as t

cmp(path, line, literal, const) := {"path": path, "line": line, "op": "!=", "left": "password", "right": "\"hunt****\"", "credential": true, "literal_side": literal, "const_side": const, "function": "login"}

test_literal_and_constant if {
	i := {"files": [], "comparisons": [cmp("app/auth.py", 12, true, false), cmp("app/auth.py", 20, false, true)]}
	{f.line | some f in rule.deny} == {12, 20} with input as i
}

test_variable_compare if {
	count(rule.deny) == 0 with input as {"files": [], "comparisons": [cmp("app/auth.py", 12, false, false)]}
}

test_tests_do_not_count if {
	i := {"files": [t.testfile("tests/test_login.py")], "comparisons": [cmp("tests/test_login.py", 9, true, false)]}
	count(rule.deny) == 0 with input as i
}
