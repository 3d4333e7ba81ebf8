# METADATA
# title: Weak password hashing
# description: |
#   Passwords are hashed with a broken or fast scheme: a passlib
#   CryptContext whose default scheme is md5_crypt, des_crypt or plaintext
#   (or that accepts them without deprecating them), or hashlib.md5/sha1
#   over a password. Such hashes are cracked at billions of guesses per
#   second once the user table leaks.
# related_resources:
#   - ref: https://passlib.readthedocs.io/en/stable/lib/passlib.context.html
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
#   - ref: https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/#hash-and-verify-the-passwords
# custom:
#   id: password-hash-weak
#   severity: high
#   confidence: high
#   remediation: Use a slow, salted password hash (argon2 via pwdlib/argon2-cffi, or bcrypt), e.g. CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto").
#   tags: [auth, crypto]
package pipeguard.rules.password_hash_weak

import data.pipeguard.lib

weak_schemes := {"md5_crypt", "des_crypt", "plaintext", "ldap_plaintext", "ldap_md5", "hex_md5", "hex_sha1", "bsdi_crypt", "bigcrypt", "crypt16", "apr_md5_crypt"}

schemes_value(args, _) := args.schemes

schemes_value(args, positional) := positional[0] if not args.schemes

# deprecated reports whether a CryptContext whose deprecated= argument is
# d deprecates scheme s: then it only verifies old hashes and replaces them
# on login.
deprecated(d, _) if "auto" == lib.known_string(d)

deprecated(d, s) if s in lib.known_strings(d)

deny contains f if {
	some c in input.calls
	endswith(c.callee, "CryptContext")
	v := schemes_value(c.args, c.positional)
	v.known
	is_array(v.value)
	count(v.value) > 0
	weak := [s | some i, s in v.value; s in weak_schemes; not tolerated(object.get(c.args, "deprecated", null), i, s)]
	count(weak) > 0
	not lib.is_test(c.path)
	f := lib.report_span(c.path, v.line, lib.end_of(c), sprintf("%s hashes passwords with %s", [lib.written(c), concat(", ", weak)]), concat(",", weak))
}

# A weak scheme after the first one, deprecated, is a migration path.
tolerated(d, i, s) if {
	i > 0
	deprecated(d, s)
}

deny contains f if {
	some c in input.calls
	c.callee in {"hashlib.md5", "hashlib.sha1"}
	c.credential_arg
	not lib.is_test(c.path)
	f := lib.with_confidence(lib.report_span(c.path, c.line, lib.end_of(c), sprintf("%s over a password: a fast, unsalted hash", [lib.written(c)]), sprintf("%s:%s", [c.function, c.callee])), "medium")
}

deny contains f if {
	some c in input.calls
	c.callee == "hashlib.new"
	c.credential_arg
	algo := lower(lib.known_string(c.positional[0]))
	algo in {"md5", "sha1"}
	not lib.is_test(c.path)
	f := lib.with_confidence(lib.report_span(c.path, c.line, lib.end_of(c), sprintf("%s(%q) over a password: a fast, unsalted hash", [lib.written(c), algo]), sprintf("%s:hashlib.new:%s", [c.function, algo])), "medium")
}
