# METADATA
# title: Failed authentication is not rejected
# description: |
#   An authentication dependency returns None or False when the
#   credentials are wrong instead of raising HTTPException(401/403), or a
#   login handler answers failed credentials with an ordinary response.
#   The route then runs anyway (with user=None) or the client gets a 200
#   that some clients treat as success. Dependencies for optional
#   authentication, which serve anonymous users by design (named so, like
#   get_optional_user or try_get_current_user, or returning Optional[...]
#   to routes that declare it Optional), are not reported.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/security/get-current-user/
#   - ref: https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/
#   - ref: https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/
# custom:
#   id: auth-failure-not-rejected
#   severity: high
#   confidence: medium
#   remediation: 'Raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"}) (or 403) on every failure path.'
#   tags: [fastapi, auth]
package pipeguard.rules.auth_failure_not_rejected

import data.pipeguard.lib

value_text(r) := "a bare return" if r.value == ""

else := sprintf("return %s", [r.value])

deny contains f if {
	some d in input.auth_dependencies
	not d.optional
	some r in d.returns_on_failure
	not lib.is_test(d.path)
	f := lib.report(d.path, r.line, sprintf("authentication dependency %s lets a failed authentication through (%s) instead of raising 401/403", [d.function, value_text(r)]), d.qualname)
}

deny contains f if {
	some route in lib.routes
	some r in route.failure_returns
	not lib.is_test(route.path)
	f := lib.report(route.path, r.line, sprintf("%s answers failed credentials with a normal response (%s) instead of raising 401", [route.handler, value_text(r)]), route.handler)
}
