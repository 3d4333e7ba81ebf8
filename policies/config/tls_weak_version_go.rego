# Go clauses of tls-weak-version (the rule's METADATA is in
# tls_weak_version.rego): a tls.Config whose MinVersion is below TLS 1.2
# (0 is Go's default, TLS 1.2 since Go 1.18, and is not reported), whose
# MaxVersion is TLS 1.1 or older, or that lists weak cipher suites: RC4,
# 3DES, CBC with SHA-256, or RSA key exchange (no forward secrecy; Go
# leaves these out of its defaults).
package pipeguard.rules.tls_weak_version

import data.pipeguard.golib
import data.pipeguard.lib

go_version_names := {768: "SSL 3.0", 769: "TLS 1.0", 770: "TLS 1.1"}

go_weak_version(v) := go_version_names[v.value] if {
	v.known
	is_number(v.value)
}

deny contains f if {
	some c in golib.composites("crypto/tls.Config")
	some field in ["MinVersion", "MaxVersion"]
	v := c.fields[field]
	name := go_weak_version(v)
	f := lib.report(c.path, v.line, sprintf("tls.Config %s is %s (%s): deprecated protocol versions can be negotiated", [field, v.text, name]), sprintf("go:%s:tls.Config.%s", [c.function, field]))
}

deny contains f if {
	some a in input.go.assignments
	a.field in {"MinVersion", "MaxVersion"}
	name := go_weak_version(a.value)
	not golib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = %s (%s): deprecated protocol versions can be negotiated", [a.target, a.value.text, name]), sprintf("go:%s:%s", [a.function, a.target]))
}

go_weak_cipher(name) := "RC4" if contains(name, "_RC4_")

else := "3DES" if contains(name, "_3DES_")

else := "CBC with SHA-256" if regex.match(`_CBC_SHA256$`, name)

else := "RSA key exchange, no forward secrecy" if startswith(name, "TLS_RSA_")

go_weak_ciphers(v) := [sprintf("%s (%s)", [name, why]) |
	some it in v.items
	startswith(it.qualname, "crypto/tls.")
	name := substring(it.qualname, count("crypto/tls."), -1)
	why := go_weak_cipher(name)
]

deny contains f if {
	some c in golib.composites("crypto/tls.Config")
	v := c.fields.CipherSuites
	weak := go_weak_ciphers(v)
	count(weak) > 0
	f := lib.report(c.path, v.line, sprintf("tls.Config CipherSuites lists weak suites: %s", [concat(", ", weak)]), sprintf("go:%s:tls.Config.CipherSuites", [c.function]))
}
