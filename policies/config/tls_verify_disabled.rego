# METADATA
# title: TLS certificate verification disabled
# description: |
#   An outgoing TLS connection does not check the server's certificate:
#   verify=False in requests/httpx, ssl=False in aiohttp,
#   ssl._create_unverified_context(), verify_mode = ssl.CERT_NONE or
#   check_hostname = False. Anyone on the network path can then read and
#   change the traffic, tokens included.
# related_resources:
#   - ref: https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification
#   - ref: https://www.python-httpx.org/advanced/ssl/
#   - ref: https://docs.aiohttp.org/en/stable/client_advanced.html#ssl-control-for-tcp-sockets
#   - ref: https://docs.python.org/3/library/ssl.html#security-considerations
#   - ref: https://cwe.mitre.org/data/definitions/295.html
# custom:
#   id: tls-verify-disabled
#   severity: high
#   remediation: Keep verification on; for a private CA pass its bundle (verify="/path/ca.pem", ssl.create_default_context(cafile=...)).
#   tags: [tls]
package pipeguard.rules.tls_verify_disabled

import data.pipeguard.lib

# jwt and jose also take verify=: that is the JWT rules' business.
tls_callee(callee) if {
	not startswith(callee, "jwt.")
	not startswith(callee, "jose.")
}

deny contains f if {
	some c in input.calls
	some kw in ["verify", "ssl"]
	v := c.args[kw]
	lib.known_false(v)
	tls_callee(c.callee)
	not lib.is_test(c.path)
	f := lib.report(c.path, v.line, sprintf("%s(%s=False) disables TLS certificate verification", [c.callee, kw]), sprintf("%s:%s", [c.callee, kw]))
}

deny contains f if {
	some c in input.calls
	c.callee == "ssl._create_unverified_context"
	not lib.is_test(c.path)
	f := lib.report(c.path, c.line, "ssl._create_unverified_context() makes a context that checks no certificate", c.callee)
}

# A keyword argument that asks for no certificate check: cert_reqs=ssl.CERT_NONE.
deny contains f if {
	some c in input.calls
	some kw, v in c.args
	cert_none(v)
	not lib.is_test(c.path)
	f := lib.report(c.path, v.line, sprintf("%s(%s=CERT_NONE) disables TLS certificate verification", [c.callee, kw]), sprintf("%s:%s", [c.callee, kw]))
}

deny contains f if {
	some a in input.attribute_assignments
	a.attr == "verify_mode"
	cert_none(a.value)
	not lib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = ssl.CERT_NONE disables TLS certificate verification", [a.target]), a.target)
}

deny contains f if {
	some a in input.attribute_assignments
	a.attr == "check_hostname"
	lib.known_false(a.value)
	not lib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = False accepts certificates for any host name", [a.target]), a.target)
}

deny contains f if {
	some a in input.attribute_assignments
	a.value.qualname == "ssl._create_unverified_context"
	not lib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("%s = ssl._create_unverified_context turns certificate checks off process-wide", [a.target]), a.target)
}

cert_none(v) if v.qualname == "ssl.CERT_NONE"

cert_none(v) if v.qualname == "ssl.VerifyMode.CERT_NONE"

cert_none(v) if lib.known_string(v) == "CERT_NONE"
