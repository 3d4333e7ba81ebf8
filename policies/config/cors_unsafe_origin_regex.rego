# METADATA
# title: CORS origin regex accepts attacker domains
# description: |
#   The allow_origin_regex of CORSMiddleware can be satisfied by a domain
#   an attacker can register: an unescaped "." before the domain
#   ("https://app.example.com" also matches "https://appxexample.com"), or
#   ".*" right before the registrable domain ("https://.*example\.com"
#   also matches "https://evilexample.com"). Starlette full-matches the
#   regex against the Origin header and then trusts that origin.
# related_resources:
#   - ref: https://www.starlette.io/middleware/#corsmiddleware
#   - ref: https://portswigger.net/web-security/cors#errors-parsing-origin-headers
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
# custom:
#   id: cors-unsafe-origin-regex
#   severity: medium
#   confidence: high
#   remediation: Escape every dot (\.) and anchor subdomain wildcards on a dot, e.g. https://([a-z0-9-]+\.)?example\.com; better, list the origins in allow_origins.
#   tags: [fastapi, cors]
package pipeguard.rules.cors_unsafe_origin_regex

import data.pipeguard.lib

deny contains f if {
	some m in lib.cors_middleware
	v := m.args.allow_origin_regex
	re := lib.known_string(v)
	not lib.regex_matches_any(re) # reported by the any-origin rules
	some why in weaknesses(re)
	f := lib.report_range(m.path, v.line, m.end_line, sprintf("allow_origin_regex %q %s", [re, why]), re)
}

# weaknesses are the ways an attacker's domain can satisfy re. Only the
# first one found is reported.
weaknesses(re) := {w} if {
	w := [x | some x in all_weaknesses(re)][0]
}

all_weaknesses(re) := [w |
	some check in [
		{"pattern": `[A-Za-z0-9\-\])*+]\.[A-Za-z0-9-]+\\?\.[A-Za-z]`, "why": `has an unescaped "." before the domain: another registrable domain matches it`},
		{"pattern": `\.[*+][A-Za-z0-9]`, "why": `has ".*" directly before the domain name: any domain ending with that name matches it`},
	]
	regex.match(check.pattern, re)
	w := check.why
]
