# METADATA
# title: TLS certificate verification disabled
# description: |
#   An outgoing TLS connection does not check the server's certificate:
#   verify=False in requests/httpx (written there, through a variable, or
#   as one branch of a conditional), ssl=False in aiohttp,
#   ssl._create_unverified_context(), cert_reqs or verify_mode set to
#   CERT_NONE or CERT_OPTIONAL (or their names as strings, as urllib3
#   takes them), or check_hostname = False. Anyone on the network path can
#   then read and change the traffic, tokens included.
# related_resources:
#   - ref: https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification
#   - ref: https://www.python-httpx.org/advanced/ssl/
#   - ref: https://docs.aiohttp.org/en/stable/client_advanced.html#ssl-control-for-tcp-sockets
#   - ref: https://docs.python.org/3/library/ssl.html#security-considerations
#   - ref: https://urllib3.readthedocs.io/en/stable/reference/urllib3.util.html#urllib3.util.resolve_cert_reqs
#   - ref: https://cwe.mitre.org/data/definitions/295.html
# custom:
#   id: tls-verify-disabled
#   severity: high
#   confidence: high
#   remediation: Keep verification on; for a private CA pass its bundle (verify="/path/ca.pem", ssl.create_default_context(cafile=...)).
#   tags: [tls]
package pipeguard.rules.tls_verify_disabled

import data.pipeguard.lib

# jwt and jose also take verify=: that is the JWT rules' business.
tls_callee(callee) if {
	not startswith(callee, "jwt.")
	not startswith(callee, "jose.")
	not contains(callee, ".jwt.")
}

# verify_kw are the keyword arguments that turn certificate checks off
# when False, for a callee: verify= of requests/httpx and HTTP clients
# alike; ssl= and verify_ssl= only for aiohttp (elsewhere ssl=False may
# mean "no TLS" or "SMTP without SSL", another matter).
verify_kw(c) := "verify" if c.args.verify

verify_kw(c) := kw if {
	some kw in ["ssl", "verify_ssl"]
	c.args[kw]
	aiohttp_call(c)
}

aiohttp_call(c) if startswith(c.callee, "aiohttp.")

# A session's request method: session.get(url, ssl=False).
aiohttp_call(c) if c.method in {"get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect", "_request"}

deny contains f if {
	some c in input.calls
	kw := verify_kw(c)
	v := c.args[kw]
	lib.known_false(v)
	tls_callee(c.callee)
	not lib.is_test(c.path)
	f := lib.report_span(c.path, v.line, lib.end_of(c), sprintf("%s(%s=False) disables TLS certificate verification", [lib.written(c), kw]), sprintf("%s:%s", [c.callee, kw]))
}

# verify=False if debug else True: a path of the program turns checks off.
deny contains f if {
	some c in input.calls
	kw := verify_kw(c)
	v := c.args[kw]
	not lib.known_false(v)
	lib.maybe_false(v)
	tls_callee(c.callee)
	not lib.is_test(c.path)
	f := lib.with_confidence(
		lib.report_span(c.path, v.line, lib.end_of(c), sprintf("%s(%s=%s) may disable TLS certificate verification", [lib.written(c), kw, v.text]), sprintf("%s:%s", [c.callee, kw])),
		"medium",
	)
}

deny contains f if {
	some c in input.calls
	c.callee == "ssl._create_unverified_context"
	not lib.is_test(c.path)
	f := lib.report_span(c.path, c.line, lib.end_of(c), sprintf("%s() makes a context that checks no certificate", [lib.written(c)]), c.callee)
}

# A keyword argument that asks for no (or an optional) certificate check:
# cert_reqs=ssl.CERT_NONE, cert_reqs="NONE".
deny contains f if {
	some c in input.calls
	some kw, v in c.args
	how := cert_none(kw, v)
	not lib.is_test(c.path)
	f := lib.report_span(c.path, v.line, lib.end_of(c), sprintf("%s(%s=%s) %s", [lib.written(c), kw, v.text, how]), sprintf("%s:%s", [c.callee, kw]))
}

deny contains f if {
	some a in input.attribute_assignments
	a.attr == "verify_mode"
	how := cert_none("verify_mode", a.value)
	not lib.is_test(a.path)
	f := lib.report_span(a.path, a.line, lib.end_of(a), sprintf("%s = %s %s", [a.target, a.value.text, how]), a.target)
}

deny contains f if {
	some a in input.attribute_assignments
	a.attr == "check_hostname"
	lib.known_false(a.value)
	not lib.is_test(a.path)
	f := lib.report_span(a.path, a.line, lib.end_of(a), sprintf("%s = False accepts certificates for any host name", [a.target]), a.target)
}

deny contains f if {
	some a in input.attribute_assignments
	a.value.qualname == "ssl._create_unverified_context"
	not lib.is_test(a.path)
	f := lib.report_span(a.path, a.line, lib.end_of(a), sprintf("%s = %s turns certificate checks off process-wide", [a.target, a.value.text]), a.target)
}

cert_none_names := {"ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"}

cert_optional_names := {"ssl.CERT_OPTIONAL", "ssl.VerifyMode.CERT_OPTIONAL"}

# cert_none says how a cert_reqs/verify_mode value weakens the check: the
# ssl constants under any keyword, their names as strings (as urllib3
# resolves them: "CERT_NONE", "NONE", "CERT_OPTIONAL", "OPTIONAL") under
# the keywords that take them.
cert_none(kw, v) := "disables TLS certificate verification" if {
	kw
	v.qualname in cert_none_names
}

else := "accepts a connection without a valid certificate (CERT_OPTIONAL)" if v.qualname in cert_optional_names

else := "disables TLS certificate verification" if {
	kw in cert_kws
	upper(lib.known_string(v)) in {"CERT_NONE", "NONE"}
} else := "accepts a connection without a valid certificate (CERT_OPTIONAL)" if {
	kw in cert_kws
	upper(lib.known_string(v)) in {"CERT_OPTIONAL", "OPTIONAL"}
}

cert_kws := {"cert_reqs", "ssl_cert_reqs", "verify_mode"}
