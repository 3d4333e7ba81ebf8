# METADATA
# title: JWT signature verification disabled
# description: |
#   jwt.decode is told not to verify the token: options={"verify_signature":
#   False} (written in the call, held in a variable or built with dict()),
#   verify=False (PyJWT 1.x), or "none" among the accepted algorithms; or
#   jwt.encode issues unsigned tokens with algorithm="none". Anyone can then
#   forge a token with any claims (any user, any role) and the API accepts it.
#   Not reported: an unverified decode whose result is only read for the
#   claims that choose how to verify the token (aud, iss, kid), the peek
#   before the real verification.
# related_resources:
#   - ref: https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode
#   - ref: https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html
#   - ref: https://cwe.mitre.org/data/definitions/347.html
# custom:
#   id: jwt-verification-disabled
#   severity: critical
#   confidence: high
#   remediation: 'Decode with the verification key and an explicit algorithm list: jwt.decode(token, key, algorithms=["HS256"]); sign with a real algorithm: jwt.encode(claims, key, algorithm="HS256").'
#   tags: [jwt, auth]
package pipeguard.rules.jwt_verification_disabled

import data.pipeguard.lib

deny contains f if {
	some c in lib.jwt_decodes
	some [line, what] in lib.jwt_verification_off(c.args)
	not lib.is_test(c.path)
	not c.claim_peek
	f := lib.report_span(c.path, line, lib.end_of(c), sprintf("%s(%s): tokens are accepted without checking their signature", [lib.written(c), what]), sprintf("%s:%s:%s", [c.function, c.callee, what]))
}

algorithms(args, _) := args.algorithms

algorithms(args, positional) := positional[2] if not args.algorithms

deny contains f if {
	some c in lib.jwt_decodes
	v := algorithms(c.args, c.positional)
	some a in lib.known_strings(v)
	lower(a) == "none"
	not lib.is_test(c.path)
	f := lib.report_span(c.path, lib.item_line(v, a), lib.end_of(c), sprintf(`%s accepts the "none" algorithm: unsigned tokens pass`, [lib.written(c)]), sprintf("%s:%s:none", [c.function, c.callee]))
}

# jwt.encode(claims, key, algorithm="none"): unsigned tokens, which any
# verifier accepting "none" takes from anyone.
deny contains f if {
	some c in input.calls
	c.method == "encode"
	lib.jwt_module(c.callee)
	v := encode_algorithm(c)
	lower(lib.known_string(v)) == "none"
	not lib.is_test(c.path)
	f := lib.report_span(c.path, v.line, lib.end_of(c), sprintf(`%s(algorithm="none") issues unsigned tokens: anyone can forge them`, [lib.written(c)]), sprintf("%s:%s:none", [c.function, c.callee]))
}

encode_algorithm(c) := c.args.algorithm

encode_algorithm(c) := c.positional[2] if not c.args.algorithm
