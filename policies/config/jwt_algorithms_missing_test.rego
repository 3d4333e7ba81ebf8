package pipeguard.rules.jwt_algorithms_missing_test

import data.pipeguard.rules.jwt_algorithms_missing as rule
import data.pipeguard.testlib as t

decode(callee, args, positional) := {"files": [], "calls": [t.call(callee, 30, args, positional)]}

tk := t.name_value("token", 30)

key := t.name_value("KEY", 30)

test_missing if {
	{f.line | some f in rule.deny} == {30} with input as decode("jwt.decode", {}, [tk, key])
	count(rule.deny) == 1 with input as decode("jose.jwt.decode", {}, [tk, key])
}

test_given if {
	count(rule.deny) == 0 with input as decode("jwt.decode", {"algorithms": t.lits(["HS256"], 30)}, [tk, key])
	count(rule.deny) == 0 with input as decode("jwt.decode", {}, [tk, key, t.lits(["HS256"], 30)])
	count(rule.deny) == 0 with input as decode("jwt.decode", {"algorithms": t.name_value("settings.jwt_algorithms", 30)}, [tk, key])
}

test_verification_off_is_the_critical_rule if {
	count(rule.deny) == 0 with input as decode("jwt.decode", {"options": t.lit({"verify_signature": false}, 30)}, [tk])
}

test_not_a_jwt_call if {
	count(rule.deny) == 0 with input as decode("base64.decode", {}, [tk])
	count(rule.deny) == 0 with input as decode("jwt.encode", {}, [tk, key])
}
