package pipeguard.rules.password_hash_weak_test

import data.pipeguard.rules.password_hash_weak as rule
import data.pipeguard.testlib as t

ctx(args) := {"files": [], "calls": [t.call("passlib.context.CryptContext", 8, args, [])]}

test_weak_default_scheme if {
	fs := rule.deny with input as ctx({"schemes": t.lits(["md5_crypt"], 8)})
	{f.line | some f in fs} == {8}
	count(rule.deny) == 1 with input as ctx({"schemes": t.lits(["plaintext", "bcrypt"], 8), "deprecated": t.lit("auto", 8)})
	count(rule.deny) == 1 with input as ctx({"schemes": t.lits(["bcrypt", "des_crypt"], 8)})
}

test_strong_or_migrating if {
	count(rule.deny) == 0 with input as ctx({"schemes": t.lits(["bcrypt"], 8), "deprecated": t.lit("auto", 8)})
	count(rule.deny) == 0 with input as ctx({"schemes": t.lits(["argon2", "md5_crypt"], 8), "deprecated": t.lit("auto", 8)})
	count(rule.deny) == 0 with input as ctx({"schemes": t.from_env("SCHEMES", 8)})
}

hash_call(callee, credential, positional) := {"files": [], "calls": [object.union(t.call(callee, 15, {}, positional), {"credential_arg": credential})]}

test_hashlib_over_password if {
	count(rule.deny) == 1 with input as hash_call("hashlib.md5", true, [t.name_value("password.encode()", 15)])
	count(rule.deny) == 1 with input as hash_call("hashlib.sha1", true, [t.name_value("pwd", 15)])
	count(rule.deny) == 1 with input as hash_call("hashlib.new", true, [t.lit("md5", 15), t.name_value("password", 15)])
}

test_hashlib_over_other_data if {
	count(rule.deny) == 0 with input as hash_call("hashlib.md5", false, [t.name_value("content", 15)])
	count(rule.deny) == 0 with input as hash_call("hashlib.new", true, [t.lit("sha3_256", 15)])
}
