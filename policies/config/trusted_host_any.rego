# METADATA
# title: TrustedHostMiddleware accepts any host
# description: |
#   TrustedHostMiddleware is added with allowed_hosts=["*"] (or without
#   allowed_hosts, which Starlette treats the same). It then checks
#   nothing, and Host-header attacks (poisoned password-reset links, cache
#   poisoning) stay possible while the code looks protected.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/advanced/middleware/#trustedhostmiddleware
#   - ref: https://www.starlette.io/middleware/#trustedhostmiddleware
#   - ref: https://portswigger.net/web-security/host-header
# custom:
#   id: trusted-host-any
#   severity: low
#   confidence: high
#   remediation: List the service's host names in allowed_hosts (wildcard subdomains like "*.example.com" are fine).
#   tags: [fastapi, starlette]
package pipeguard.rules.trusted_host_any

import data.pipeguard.lib

deny contains f if {
	some m in lib.middleware
	lib.named(m, "TrustedHostMiddleware")
	why := any_host(m)
	f := lib.report_range(m.path, hosts_line(m), m.end_line, sprintf("TrustedHostMiddleware accepts any Host header (%s)", [why]), why)
}

# hosts_line is where "*" is written in allowed_hosts, or the middleware's line.
hosts_line(m) := lib.item_line(m.args.allowed_hosts, "*") if {
	m.args.allowed_hosts
} else := m.line

any_host(m) := `allowed_hosts contains "*"` if {
	"*" in lib.known_strings(m.args.allowed_hosts)
} else := "allowed_hosts not set: Starlette defaults to [\"*\"]" if {
	not m.args.allowed_hosts
	count(m.positional) == 0
	not m.unknown_kwargs # **kwargs may set it
	not m.unknown_args
}
