# Go clause of tls-weak-version (the rule's METADATA is in
# tls_weak_version.rego): a tls.Config with PreferServerCipherSuites set to
# false (gosec G402). Before Go 1.18 that lets the client's order of cipher
# suites win, so a client (or a downgrading attacker) picks the weakest
# suite the server allows; since Go 1.18 the field is ignored and Go picks.
# It is reported when the file's module declares a go version below 1.18
# (it may be built by such a toolchain), with low confidence when no go.mod
# says which version, and not at all for go 1.18 and later. Medium severity:
# a weaker suite, not a weaker protocol version.
package pipeguard.rules.tls_weak_version

import data.pipeguard.golib
import data.pipeguard.lib

# go_minor is the minor version of a go directive: "1.17.3" -> 17.
go_minor(v) := to_number(m[0][1]) if {
	m := regex.find_all_string_submatch_n(`^1\.([0-9]+)`, v, 1)
	count(m) == 1
}

# go_module_version is the go directive of the module of the file at p
# ("" when unknown).
go_module_version(p) := v if {
	some f in input.go.files
	f.path == p
	v := object.get(f, "go_version", "")
} else := ""

# go_prefer_matters says, for a file, whether PreferServerCipherSuites still
# counts there, with the finding's confidence and what the message says of
# the version.
go_prefer_matters(p) := ["high", sprintf("the module declares go %s", [v])] if {
	v := go_module_version(p)
	go_minor(v) < 18
}

go_prefer_matters(p) := ["low", "no go.mod says which Go builds it"] if {
	not go_minor(go_module_version(p))
}

go_prefer_report(path, line, what, key) := f if {
	[confidence, why] := go_prefer_matters(path)
	msg := sprintf("%s is false and %s: before Go 1.18 the client's order of cipher suites wins, so a client can pick the weakest suite the server allows", [what, why])
	f := lib.with_confidence(object.union(lib.report(path, line, msg, key), {"severity": "medium"}), confidence)
}

deny contains f if {
	some c in golib.composites("crypto/tls.Config")
	v := c.fields.PreferServerCipherSuites
	v.known
	v.value == false
	f := go_prefer_report(c.path, v.line, "tls.Config PreferServerCipherSuites", sprintf("go:%s:tls.Config.PreferServerCipherSuites", [c.function]))
}

deny contains f if {
	some a in input.go.assignments
	a.field == "PreferServerCipherSuites"
	a.value.known
	a.value.value == false
	not golib.is_test(a.path)
	f := go_prefer_report(a.path, a.line, a.target, sprintf("go:%s:%s", [a.function, a.target]))
}
