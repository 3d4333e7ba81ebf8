# METADATA
# title: CORS allows the "null" origin
# description: |
#   "null" is among CORSMiddleware's allow_origins. Browsers send
#   Origin: null from sandboxed iframes, data: URLs and local files, which
#   any attacker can produce, so allowing it is close to allowing every
#   origin.
# related_resources:
#   - ref: https://www.starlette.io/middleware/#corsmiddleware
#   - ref: https://portswigger.net/web-security/cors#whitelisted-null-origin-value
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
# custom:
#   id: cors-null-origin
#   severity: medium
#   confidence: high
#   remediation: Remove "null" from allow_origins; serve local tools from a real origin.
#   tags: [fastapi, cors]
package pipeguard.rules.cors_null_origin

import data.pipeguard.lib

deny contains f if {
	some m in lib.cors_middleware
	some o in lib.known_strings(m.args.allow_origins)
	lower(o) == "null"
	f := lib.report_range(m.path, lib.item_line(m.args.allow_origins, o), m.end_line, `CORSMiddleware allows the "null" origin, which sandboxed iframes and local files send`, "null")
}
