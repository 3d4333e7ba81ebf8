# METADATA
# title: CORS allows any origin
# description: |
#   CORSMiddleware accepts every origin ("*" in allow_origins, or an
#   allow_origin_regex that matches anything), or nginx answers with
#   Access-Control-Allow-Origin "*" or reflects $http_origin. Any web site can then read the API's
#   responses from a visitor's browser. Without credentials this exposes
#   only what is public anyway, which is rarely what an internal or
#   per-user API intends.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/cors/
#   - ref: https://www.starlette.io/middleware/#corsmiddleware
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing
# custom:
#   id: cors-any-origin
#   severity: medium
#   confidence: high
#   remediation: List the origins that need access in allow_origins (from settings), or remove the CORS middleware if browsers do not call the API cross-origin.
#   tags: [fastapi, cors, nginx]
package pipeguard.rules.cors_any_origin

import data.pipeguard.lib

deny contains f if {
	some m in lib.cors_middleware
	not credentials(m)
	reason := lib.any_origin_reason(m)
	f := lib.report_range(m.path, lib.any_origin_line(m), m.end_line, sprintf("CORSMiddleware allows any origin (%s)", [reason]), reason)
}

nginx_any := {
	"*": "Access-Control-Allow-Origin *",
	"$http_origin": "Access-Control-Allow-Origin $http_origin reflects the caller's Origin",
}

# credentials reports whether m sets allow_credentials=True. (A value read
# from the environment is unknown: the any-origin finding still stands.)
credentials(m) if lib.known_true(m.args.allow_credentials)

deny contains f if {
	some d in input.nginx
	d.directive == "add_header"
	lower(d.args[0]) == "access-control-allow-origin"
	what := nginx_any[d.args[1]]
	not lib.dev_file(d.path)
	f := lib.report(d.path, d.line, sprintf("nginx answers every origin: %s", [what]), concat(":", ["nginx", d.args[1]]))
}
