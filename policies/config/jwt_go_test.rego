package pipeguard.rules.jwt_go_test

import data.pipeguard.rules.jwt_algorithms_missing as algs
import data.pipeguard.rules.jwt_verification_disabled as verify
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

parse(line, method, keyfunc, options) := {"path": "auth.go", "line": line, "function": sprintf("f%d", [line]), "callee": "github.com/golang-jwt/jwt/v5.Parse",
	"method": method, "unverified": method == "ParseUnverified", "options": options, "keyfunc": keyfunc, "verified_in_function": false,
	"token_passed_on": false}

kf(kind, checks) := {"kind": kind, "path": "auth.go", "line": 5, "checks_method": checks}

test_algorithms_missing if {
	i := t.go_input({"jwt_parses": [
		parse(10, "Parse", kf("literal", false), []),
		parse(20, "ParseWithClaims", kf("func", false), []),
		parse(30, "Parse", kf("literal", true), []),
		parse(40, "Parse", kf("literal", false), ["github.com/golang-jwt/jwt/v5.WithValidMethods"]),
		parse(50, "Parse", kf("unknown", false), []),
		parse(60, "Parse", kf("literal", false), ["ValidMethods"]),
	]})
	lines(algs.deny) == {10, 20} with input as i
}

test_unverified if {
	checked := object.union(parse(20, "ParseUnverified", kf("none", false), []), {"verified_in_function": true})
	handed := object.union(parse(25, "ParseUnverified", kf("none", false), []), {"token_passed_on": true})
	i := t.go_input({
		"jwt_parses": [parse(10, "ParseUnverified", kf("none", false), []), checked, handed],
		"refs": [
			{"path": "auth.go", "line": 30, "function": "f", "qualname": "github.com/golang-jwt/jwt/v5.UnsafeAllowNoneSignatureType"},
			{"path": "auth.go", "line": 31, "function": "f", "qualname": "github.com/golang-jwt/jwt/v5.SigningMethodNone"},
		],
		"calls": [
			t.go_call("auth.go", 40, "github.com/golang-jwt/jwt/v5.NewWithClaims", [object.union(t.go_name("jwt.SigningMethodNone", 40), {"qualname": "github.com/golang-jwt/jwt/v5.SigningMethodNone"})]),
			t.go_call("auth.go", 41, "github.com/golang-jwt/jwt/v5.NewWithClaims", [object.union(t.go_name("jwt.SigningMethodHS256", 41), {"qualname": "github.com/golang-jwt/jwt/v5.SigningMethodHS256"})]),
		],
	})
	lines(verify.deny) == {10, 30, 40} with input as i
}

test_unverified_in_a_file_that_verifies_is_medium if {
	# peekAudience reads aud with ParseUnverified; parseJWT in the same file verifies.
	peek := object.union(parse(10, "ParseUnverified", kf("none", false), []), {"function": "peekAudience"})
	verified := parse(20, "ParseWithClaims", kf("func", false), ["github.com/golang-jwt/jwt/v5.WithValidMethods"])
	fs := verify.deny with input as t.go_input({"jwt_parses": [peek, verified]})
	[f] := [f | some f in fs]
	f.line == 10
	f.confidence == "medium"
	gs := verify.deny with input as t.go_input({"jwt_parses": [peek]})
	[g] := [g | some g in gs]
	object.get(g, "confidence", "high") == "high"
}

test_unverified_helper_whose_callers_verify_is_not_reported if {
	# peekAudience reads aud; every caller then verifies the same token (facts: verified_by_caller).
	peek := object.union(parse(10, "ParseUnverified", kf("none", false), []), {"function": "peekAudience", "verified_by_caller": true})
	count(verify.deny) == 0 with input as t.go_input({"jwt_parses": [peek]})
}
