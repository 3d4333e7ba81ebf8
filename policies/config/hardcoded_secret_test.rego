package pipeguard.rules.hardcoded_secret_test

import data.pipeguard.rules.hardcoded_secret as rule
import data.pipeguard.testlib as t

lit(path, line, kind, placeholder, empty) := {"path": path, "line": line, "name": "SECRET_KEY", "kind": kind, "masked": "chan****", "length": 8, "placeholder": placeholder, "empty": empty}

test_every_kind if {
	i := {"files": [], "secret_literals": [
		lit("app/main.py", 7, "const", false, false),
		lit("app/config.py", 8, "settings_default", true, false),
		lit("app/config.py", 9, "getenv_default", false, false),
		lit("app/main.py", 20, "session_secret", false, false),
		lit("app/auth.py", 30, "jwt_key", false, false),
	]}
	{[f.path, f.line] | some f in rule.deny} == {["app/main.py", 7], ["app/config.py", 8], ["app/config.py", 9], ["app/main.py", 20], ["app/auth.py", 30]} with input as i
}

test_message_is_masked if {
	some f in rule.deny with input as {"files": [], "secret_literals": [lit("app/main.py", 7, "const", true, false)]}
	contains(f.message, "chan****")
	contains(f.message, "placeholder")
}

test_empty_and_tests_do_not_count if {
	i := {"files": [t.testfile("tests/conftest.py")], "secret_literals": [lit("app/main.py", 7, "const", false, true), lit("tests/conftest.py", 3, "const", false, false)]}
	count(rule.deny) == 0 with input as i
}
