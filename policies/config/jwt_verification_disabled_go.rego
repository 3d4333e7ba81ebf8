# Go clauses of jwt-verification-disabled (the rule's METADATA is in
# jwt_verification_disabled.rego): golang-jwt's ParseUnverified in a
# function that never parses the token with verification and does not
# hand the token string to another call (reading the key id before a
# verifying Parse, or before a verifier elsewhere, is fine), nor a helper
# whose every caller verifies the same token afterwards (peekAudience),
# UnsafeAllowNoneSignatureType, and tokens issued with SigningMethodNone.
package pipeguard.rules.jwt_verification_disabled

import data.pipeguard.golib
import data.pipeguard.lib

deny contains f if {
	some p in input.go.jwt_parses
	p.unverified
	not p.verified_in_function
	not p.token_passed_on
	not object.get(p, "verified_by_caller", false)
	not golib.is_test(p.path)
	f0 := lib.report(p.path, p.line, sprintf("%s reads the token's claims without checking its signature, and %s never verifies it: anyone can forge them", [p.callee, function_name(p.function)]), sprintf("go:%s:ParseUnverified", [p.function]))
	f := unverified_confidence(f0, p)
}

# unverified_confidence: when the same file also parses tokens with
# verification, the unverified parse is most likely a helper that peeks
# at a claim choosing the verifier (peekAudience reads aud, then
# parseJWT verifies): reported, at medium confidence.
unverified_confidence(f, p) := lib.with_confidence(f, "medium") if {
	some q in input.go.jwt_parses
	q.path == p.path
	not q.unverified
} else := f

function_name(fn) := sprintf("function %s", [fn]) if fn != ""

else := "the package level"

deny contains f if {
	some r in input.go.refs
	endswith(golib.norm(r.qualname), ".UnsafeAllowNoneSignatureType")
	not golib.is_test(r.path)
	f := lib.report(r.path, r.line, "jwt.UnsafeAllowNoneSignatureType accepts unsigned tokens (alg none): anyone can forge them", sprintf("go:%s:none", [r.function]))
}

deny contains f if {
	some c in input.go.calls
	regex.match(`^(github\.com/golang-jwt/jwt|github\.com/dgrijalva/jwt-go|github\.com/form3tech-oss/jwt-go)\.New(WithClaims)?$`, golib.norm(c.callee))
	endswith(c.args[0].qualname, ".SigningMethodNone")
	not golib.is_test(c.path)
	f := lib.report(c.path, c.line, "tokens are issued with jwt.SigningMethodNone: unsigned, anyone can forge them", sprintf("go:%s:SigningMethodNone", [c.function]))
}
