# METADATA
# title: CORS allows credentials from any origin
# description: |
#   CORSMiddleware is configured with allow_credentials=True and accepts
#   every origin ("*" in allow_origins, or an allow_origin_regex that
#   matches anything). Starlette then reflects the caller's Origin header
#   instead of "*", so any web site a logged-in user visits can send
#   credentialed requests to the API and read the answers.
# related_resources:
#   - ref: https://www.starlette.io/middleware/#corsmiddleware
#   - ref: https://fastapi.tiangolo.com/tutorial/cors/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
# custom:
#   id: cors-credentials-any-origin
#   severity: high
#   confidence: high
#   remediation: List the trusted origins explicitly in allow_origins (read them from settings), or drop allow_credentials.
#   tags: [fastapi, cors]
package pipeguard.rules.cors_credentials_any_origin

import data.pipeguard.lib

deny contains f if {
	some m in lib.cors_middleware
	lib.known_true(m.args.allow_credentials)
	reason := lib.any_origin_reason(m)
	f := lib.report_range(m.path, lib.any_origin_line(m), m.end_line, sprintf("CORSMiddleware allows credentials from any origin (%s): Starlette reflects the caller's Origin, so any site can make authenticated requests", [reason]), reason)
}
