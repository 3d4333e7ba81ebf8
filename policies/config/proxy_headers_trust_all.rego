# METADATA
# title: Proxy headers trusted from any client
# description: |
#   The server trusts X-Forwarded-For/X-Forwarded-Proto from every peer:
#   forwarded_allow_ips="*" in uvicorn.run, --forwarded-allow-ips "*" on
#   the command line, or FORWARDED_ALLOW_IPS=*. Any client can then spoof
#   its IP address (defeating rate limits and IP allow-lists) and the
#   request scheme. Files that set up development (.devcontainer/,
#   docker-compose.dev.yml) are not deployments and are not reported.
# related_resources:
#   - ref: https://www.uvicorn.org/deployment/#proxies-and-forwarded-headers
#   - ref: https://www.uvicorn.org/settings/#http
#   - ref: https://fastapi.tiangolo.com/advanced/behind-a-proxy/
# custom:
#   id: proxy-headers-trust-all
#   severity: medium
#   confidence: high
#   remediation: Set forwarded_allow_ips to the address of the proxy in front of the app (uvicorn trusts only 127.0.0.1 by default).
#   tags: [deployment, uvicorn]
package pipeguard.rules.proxy_headers_trust_all

import data.pipeguard.lib

star(s) if trim(trim_space(s), `"'`) == "*"

deny contains f if {
	some c in input.calls
	startswith(c.callee, "uvicorn.")
	v := c.args.forwarded_allow_ips
	star(lib.known_string(v))
	f := lib.report_range(c.path, v.line, c.end_line, sprintf(`%s(forwarded_allow_ips="*") trusts proxy headers from any client`, [c.written]), c.callee)
}

deny contains f if {
	some c in lib.commands
	star(lib.flag_value(c.args, "--forwarded-allow-ips"))
	not lib.dev_file(c.path)
	f := lib.report(c.path, c.line, sprintf(`%s passes --forwarded-allow-ips "*": proxy headers are trusted from any client`, [c.where]), c.where)
}

deny contains f if {
	some e in lib.deploy_env
	upper(e.key) == "FORWARDED_ALLOW_IPS"
	star(e.value)
	not lib.dev_file(e.path)
	f := lib.report(e.path, e.line, "FORWARDED_ALLOW_IPS=* trusts proxy headers from any client", "FORWARDED_ALLOW_IPS")
}
