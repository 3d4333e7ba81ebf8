# METADATA
# title: Weak TLS/SSL protocol version allowed
# description: |
#   SSLv2, SSLv3, TLS 1.0 or TLS 1.1 can be negotiated: ssl.PROTOCOL_TLSv1,
#   PROTOCOL_TLSv1_1, PROTOCOL_SSLv2/SSLv3, a minimum_version below TLS 1.2,
#   or nginx ssl_protocols listing them. These versions have known attacks
#   (POODLE, BEAST) and are deprecated by RFC 8996.
# related_resources:
#   - ref: https://docs.python.org/3/library/ssl.html#ssl.SSLContext.minimum_version
#   - ref: https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_protocols
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html
#   - ref: https://datatracker.ietf.org/doc/html/rfc8996
# custom:
#   id: tls-weak-version
#   severity: high
#   remediation: Use ssl.create_default_context() (or PROTOCOL_TLS_CLIENT/SERVER) with minimum_version = ssl.TLSVersion.TLSv1_2; in nginx, ssl_protocols TLSv1.2 TLSv1.3.
#   tags: [tls, nginx]
package pipeguard.rules.tls_weak_version

import data.pipeguard.lib

weak_protocols := {"ssl.PROTOCOL_TLSv1", "ssl.PROTOCOL_TLSv1_1", "ssl.PROTOCOL_SSLv2", "ssl.PROTOCOL_SSLv3"}

weak_minimums := {"ssl.TLSVersion.TLSv1", "ssl.TLSVersion.TLSv1_1", "ssl.TLSVersion.SSLv3", "ssl.TLSVersion.MINIMUM_SUPPORTED"}

weak_nginx := {"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"}

deny contains f if {
	some c in input.calls
	some v in array.concat([v | some v in c.args], c.positional)
	v.qualname in weak_protocols
	not lib.is_test(c.path)
	f := lib.report(c.path, v.line, sprintf("%s(%s) allows a deprecated protocol version", [c.callee, v.qualname]), v.qualname)
}

deny contains f if {
	some c in input.calls
	v := c.args.minimum_version
	v.qualname in weak_minimums
	not lib.is_test(c.path)
	f := lib.report(c.path, v.line, sprintf("%s(minimum_version=%s) allows TLS versions below 1.2", [c.callee, v.qualname]), v.qualname)
}

deny contains f if {
	some a in input.attribute_assignments
	a.attr == "minimum_version"
	a.value.qualname in weak_minimums
	not lib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = %s allows TLS versions below 1.2", [a.target, a.value.qualname]), a.target)
}

deny contains f if {
	some a in input.attribute_assignments
	a.value.qualname in weak_protocols
	not lib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = %s allows a deprecated protocol version", [a.target, a.value.qualname]), a.target)
}

deny contains f if {
	some d in input.nginx
	d.directive == "ssl_protocols"
	weak := [p | some p in d.args; p in weak_nginx]
	count(weak) > 0
	f := lib.report(d.path, d.line, sprintf("nginx ssl_protocols allows %s", [concat(", ", weak)]), concat(" ", d.args))
}
