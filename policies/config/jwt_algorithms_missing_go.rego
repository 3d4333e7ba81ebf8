# Go clauses of jwt-algorithms-missing (the rule's METADATA is in
# jwt_algorithms_missing.rego): jwt.Parse/ParseWithClaims whose key
# function (a literal, or a function of the same package) returns the key
# without looking at token.Method, with no jwt.WithValidMethods option
# (nor a Parser with ValidMethods). A key function pipeguard cannot read
# (from another package, or made by a call) is not reported.
package pipeguard.rules.jwt_algorithms_missing

import data.pipeguard.golib
import data.pipeguard.lib

go_restricts_methods(p) if {
	some o in p.options
	regex.match(`(^|\.)(WithValidMethods|ValidMethods)$`, o)
}

deny contains f if {
	some p in input.go.jwt_parses
	not p.unverified
	p.keyfunc.kind in {"literal", "func"}
	not p.keyfunc.checks_method
	not go_restricts_methods(p)
	not golib.is_test(p.path)
	f := lib.report(p.path, p.line, sprintf("%s: the key function (%s:%d) never checks token.Method and no jwt.WithValidMethods is given, so the token chooses its own algorithm", [p.callee, p.keyfunc.path, p.keyfunc.line]), sprintf("go:%s:%s", [p.function, p.method]))
}
