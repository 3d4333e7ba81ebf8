# METADATA
# title: Weak TLS/SSL protocol version allowed
# description: |
#   SSLv2, SSLv3, TLS 1.0 or TLS 1.1 can be negotiated: ssl.PROTOCOL_SSLv2,
#   PROTOCOL_SSLv3, PROTOCOL_TLSv1 or PROTOCOL_TLSv1_1 (or pyOpenSSL's
#   SSLv2/SSLv3/SSLv23/TLSv1/TLSv1_1 methods) given to any call (positional,
#   ssl_version=, method=) or as a function's default argument, a
#   minimum_version below TLS 1.2, or nginx ssl_protocols listing them.
#   These versions have known attacks (POODLE, BEAST) and are deprecated by
#   RFC 8996.
# related_resources:
#   - ref: https://docs.python.org/3/library/ssl.html#ssl.SSLContext.minimum_version
#   - ref: https://www.pyopenssl.org/en/stable/api/ssl.html#context-objects
#   - ref: https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_protocols
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html
#   - ref: https://datatracker.ietf.org/doc/html/rfc8996
# custom:
#   id: tls-weak-version
#   severity: high
#   confidence: high
#   remediation: Use ssl.create_default_context() (or PROTOCOL_TLS_CLIENT/SERVER, pyOpenSSL's TLS_METHOD) with minimum_version = ssl.TLSVersion.TLSv1_2; in nginx, ssl_protocols TLSv1.2 TLSv1.3.
#   tags: [tls, nginx]
package pipeguard.rules.tls_weak_version

import data.pipeguard.lib

weak_protocols := {"ssl.PROTOCOL_TLSv1", "ssl.PROTOCOL_TLSv1_1", "ssl.PROTOCOL_SSLv2", "ssl.PROTOCOL_SSLv3"}

# pyOpenSSL's methods (OpenSSL.SSL.X, however imported): SSLv23_METHOD
# negotiates down to SSLv3 unless options forbid it.
weak_methods := {"SSLv2_METHOD", "SSLv3_METHOD", "SSLv23_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD"}

weak_minimums := {"ssl.TLSVersion.TLSv1", "ssl.TLSVersion.TLSv1_1", "ssl.TLSVersion.SSLv3", "ssl.TLSVersion.MINIMUM_SUPPORTED"}

weak_nginx := {"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"}

weak(v) if v.qualname in weak_protocols

weak(v) if {
	parts := split(v.qualname, ".")
	n := count(parts)
	n >= 2
	parts[n - 2] == "SSL"
	parts[n - 1] in weak_methods
}

deny contains f if {
	some c in input.calls
	some v in array.concat([v | some v in c.args], c.positional)
	weak(v)
	not lib.is_test(c.path)
	f := lib.report_span(c.path, v.line, lib.end_of(c), sprintf("%s(%s) allows a deprecated protocol version", [lib.written(c), arg_text(c, v)]), v.qualname)
}

# arg_text is how the argument is written: name=value or value.
arg_text(c, v) := sprintf("%s=%s", [k, v.text]) if {
	some k, x in c.args
	x == v
} else := v.text

deny contains f if {
	some d in input.parameter_defaults
	weak(d.value)
	not lib.is_test(d.path)
	f := lib.report_span(d.path, d.line, lib.end_of(d), sprintf("parameter %s of %s defaults to %s, a deprecated protocol version", [d.param, d.function, d.value.text]), concat(":", [d.function, d.param]))
}

deny contains f if {
	some c in input.calls
	v := c.args.minimum_version
	v.qualname in weak_minimums
	not lib.is_test(c.path)
	f := lib.report_span(c.path, v.line, lib.end_of(c), sprintf("%s(minimum_version=%s) allows TLS versions below 1.2", [lib.written(c), v.text]), v.qualname)
}

deny contains f if {
	some a in input.attribute_assignments
	a.attr == "minimum_version"
	a.value.qualname in weak_minimums
	not lib.is_test(a.path)
	f := lib.report_span(a.path, a.line, lib.end_of(a), sprintf("%s = %s allows TLS versions below 1.2", [a.target, a.value.text]), a.target)
}

deny contains f if {
	some a in input.attribute_assignments
	weak(a.value)
	not lib.is_test(a.path)
	f := lib.report_span(a.path, a.line, lib.end_of(a), sprintf("%s = %s allows a deprecated protocol version", [a.target, a.value.text]), a.target)
}

deny contains f if {
	some d in input.nginx
	d.directive == "ssl_protocols"
	weak := [p | some p in d.args; p in weak_nginx]
	count(weak) > 0
	f := lib.report(d.path, d.line, sprintf("nginx ssl_protocols allows %s", [concat(", ", weak)]), concat(" ", d.args))
}
