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

test_options_in_a_variable_or_dict_call if {
	fs := rule.deny with input as decode("jwt.decode", {"options": object.union(t.local({"verify_signature": false}, 31, 29), {"type": "dict"})})
	{f.line | some f in fs} == {29}
	v := {"text": "dict(verify_signature=False, verify_aud=aud)", "line": 31, "known": false, "value": null, "type": "call", "source": "expr"}
	count(rule.deny) == 1 with input as decode("jwt.decode", {"options": v})
	count(rule.deny) == 0 with input as decode("jwt.decode", {"options": t.local({"verify_signature": true}, 31, 29), "algorithms": t.lits(["HS256"], 32)})
}

test_encode_with_none if {
	i := {"files": [], "calls": [
		t.call("jwt.encode", 40, {"algorithm": t.lit("none", 41)}, [t.name_value("claims", 40), t.lit(null, 40)]),
		t.call("jwt.encode", 50, {}, [t.name_value("claims", 50), t.name_value("KEY", 50), t.lit("None", 50)]),
		t.call("jwt.encode", 60, {"algorithm": t.lit("HS256", 60)}, [t.name_value("claims", 60), t.name_value("KEY", 60)]),
	]}
	{f.line | some f in rule.deny} == {41, 50} with input as i
}

test_claim_peek_before_verification if {
	# jwt.decode(token, options={"verify_signature": False})["iss"] picks the verifier.
	i := decode("jwt.decode", {"options": t.lit({"verify_signature": false}, 31)})
	c := object.union(i.calls[0], {"claim_peek": true})
	count(rule.deny) == 0 with input as {"files": [], "calls": [c]}
}
