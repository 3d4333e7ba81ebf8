# Go clauses of tls-verify-disabled (the rule's METADATA is in
# tls_verify_disabled.rego): InsecureSkipVerify: true in a tls.Config,
# written in the literal, set later on its variable, or assigned to any
# field chain (tr.TLSClientConfig.InsecureSkipVerify = true).
package pipeguard.rules.tls_verify_disabled

import data.pipeguard.golib
import data.pipeguard.lib

deny contains f if {
	some c in golib.composites("crypto/tls.Config")
	v := c.fields.InsecureSkipVerify
	lib.known_true(v)
	f := lib.report(c.path, v.line, sprintf("tls.Config InsecureSkipVerify is %s: any certificate is accepted, so anyone on the network path can read and change the traffic", [v.text]), sprintf("go:%s:tls.Config.InsecureSkipVerify", [c.function]))
}

deny contains f if {
	some a in input.go.assignments
	a.field == "InsecureSkipVerify"
	lib.known_true(a.value)
	not golib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = %s: any certificate is accepted, so anyone on the network path can read and change the traffic", [a.target, a.value.text]), sprintf("go:%s:%s", [a.function, a.target]))
}
