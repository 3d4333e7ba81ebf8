# METADATA
# title: Login endpoint without rate limiting
# description: |
#   The app has a password/token endpoint (a route taking
#   OAuth2PasswordRequestForm) and the project uses no rate limiter
#   (slowapi, fastapi-limiter, a RateLimit middleware). Passwords can then
#   be guessed at full speed, and credential-stuffing lists tried in bulk.
# related_resources:
#   - ref: https://slowapi.readthedocs.io/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
#   - ref: https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
# custom:
#   id: rate-limit-missing
#   severity: low
#   confidence: medium
#   remediation: Limit the login route per client and per account (slowapi's @limiter.limit("5/minute"), fastapi-limiter, or the proxy's limit_req).
#   tags: [fastapi, auth]
package pipeguard.rules.rate_limit_missing

import data.pipeguard.lib

# A limit_req zone in the project's nginx config also limits.
proxy_limit(app) if {
	some d in input.nginx
	d.project == app.project
	d.directive == "limit_req"
}

deny contains f if {
	some app in input.apps
	app.password_form
	not app.rate_limiter
	not proxy_limit(app)
	not lib.is_test(app.path)
	not lib.example_code(app.path)
	f := lib.report_range(app.path, app.line, app.end_line, "the app has a password login endpoint but no rate limiter (slowapi, fastapi-limiter)", app.var)
}
