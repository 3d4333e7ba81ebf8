package pipeguard.rules.jwt_verification_disabled_test

import data.pipeguard.rules.jwt_verification_disabled as rule
import data.pipeguard.testlib as t

decode(callee, args) := {"files": [], "calls": [t.call(callee, 30, args, [t.name_value("token", 30), t.name_value("KEY", 30)])]}

test_options_verify_signature_false if {
	fs := rule.deny with input as decode("jwt.decode", {"options": t.lit({"verify_signature": false}, 31), "algorithms": t.lits(["HS256"], 32)})
	{f.line | some f in fs} == {31}
}

test_options_partly_unknown if {
	v := {"text": `{"verify_signature": False, "verify_aud": AUD}`, "line": 31, "known": false, "value": null, "type": "dict", "source": "literal"}
	count(rule.deny) == 1 with input as decode("jose.jwt.decode", {"options": v})
}

test_verify_false if {
	count(rule.deny) == 1 with input as decode("jwt.decode", {"verify": t.lit(false, 30)})
}

test_none_algorithm if {
	count(rule.deny) == 1 with input as decode("jwt.decode", {"algorithms": t.lits(["HS256", "none"], 33)})
}

test_verified_decode if {
	count(rule.deny) == 0 with input as decode("jwt.decode", {"algorithms": t.lits(["HS256"], 32)})
	count(rule.deny) == 0 with input as decode("jwt.decode", {"options": t.lit({"verify_aud": false}, 31), "algorithms": t.lits(["RS256"], 32)})
	count(rule.deny) == 0 with input as decode("jwt.encode", {"algorithm": t.lit("HS256", 32)})
}
