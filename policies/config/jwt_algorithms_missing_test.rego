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

# jwt.decode(token, **kwargs) or (*args): whether algorithms is passed is
# not known, so it is not reported missing. Keys the scanner could read
# from a dict literal are in args (with algorithms there, nothing).
test_splat_is_unknown if {
	kw := object.union(t.call("jwt.decode", 30, {}, [tk]), {"unknown_kwargs": true})
	count(rule.deny) == 0 with input as {"files": [], "calls": [kw]}
	pos := object.union(t.call("jwt.decode", 30, {}, [tk]), {"unknown_args": true})
	count(rule.deny) == 0 with input as {"files": [], "calls": [pos]}
}
