# METADATA
# title: jwt.decode without an algorithm list
# description: |
#   jwt.decode is called without algorithms=. The accepted algorithm must
#   be fixed by the server, not read from the token's header: otherwise
#   alg-confusion attacks (a token signed with HS256 using the public RSA
#   key as secret, or alg "none" in older libraries) can forge tokens.
#   PyJWT 2 refuses such calls at run time; python-jose and PyJWT 1 accept
#   them (high confidence for python-jose).
# related_resources:
#   - ref: https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode
#   - ref: https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html
# custom:
#   id: jwt-algorithms-missing
#   severity: high
#   confidence: medium
#   remediation: 'Pass the algorithms you issue, e.g. jwt.decode(token, key, algorithms=["HS256"]).'
#   tags: [jwt, auth]
package pipeguard.rules.jwt_algorithms_missing

import data.pipeguard.lib

has_algorithms(c) if c.args.algorithms

has_algorithms(c) if count(c.positional) >= 3

# A ** argument whose keys are not known, or a * argument, may pass
# algorithms: whether it is missing is not known.
has_algorithms(c) if c.unknown_kwargs

has_algorithms(c) if c.unknown_args

deny contains f if {
	some c in lib.jwt_decodes
	not has_algorithms(c)
	count(lib.jwt_verification_off(c.args)) == 0 # reported by jwt-verification-disabled
	not lib.is_test(c.path)
	f := with_library_confidence(lib.report_span(c.path, c.line, lib.end_of(c), sprintf("%s is called without algorithms=: the token chooses its own algorithm", [lib.written(c)]), sprintf("%s:%s", [c.function, c.callee])), c.callee)
}

# python-jose then accepts whatever algorithm the token names: the weakness
# is certain. PyJWT 2 refuses such a call at run time (it fails rather than
# accepts), PyJWT 1 accepts it: which one runs is a guess.
with_library_confidence(f, callee) := lib.with_confidence(f, "high") if {
	startswith(callee, "jose.")
} else := f
