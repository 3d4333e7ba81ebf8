# METADATA
# title: State-changing route without authentication
# description: |
#   The app authenticates somewhere, but this POST, PUT, PATCH or DELETE
#   route has no authentication dependency at any level: not as a
#   parameter, not in the decorator's dependencies, not on its APIRouter,
#   its include_router call or the app. Anyone can call it. Routes that
#   issue tokens or log users in (the OAuth2 token URL, handlers taking
#   OAuth2PasswordRequestForm, login/signup/register handlers) are exempt.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/security/
#   - ref: https://fastapi.tiangolo.com/tutorial/bigger-applications/#include-an-apirouter-with-a-custom-prefix-tags-responses-and-dependencies
#   - ref: https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/
# custom:
#   id: route-missing-auth
#   severity: medium
#   remediation: Add the authentication dependency (Depends(get_current_user), Security(...)) to the route, or to its router with APIRouter(dependencies=[...]).
#   tags: [fastapi, auth]
package pipeguard.rules.route_missing_auth

import data.pipeguard.lib

unsafe_methods := {"POST", "PUT", "PATCH", "DELETE"}

# Routes that let users in (the token URL, a password form, a login-like
# name) cannot require being in.
login_name(handler, _) if regex.match(`(?i)(^|_)(login|log_in|signin|sign_in|signup|sign_up|register|token|refresh)(_|$)`, handler)

login_name(_, url) if regex.match(`(?i)/(login|signin|sign-in|signup|sign-up|register|token|refresh)/?$`, url)

# unprotected are the unauthenticated state-changing routes, once per
# handler (a router included by two apps gives one finding).
unprotected contains [r.path, r.line, r.handler, r.url, m] if {
	some app in input.apps
	app.has_auth
	not lib.is_test(app.path)
	some r in app.routes
	not r.auth
	not r.token_url
	not r.password_form
	not login_name(r.handler, r.url)
	methods := {x | some x in r.methods; x in unsafe_methods}
	count(methods) > 0
	m := concat("/", sort(methods))
}

deny contains f if {
	some loc in {[p, l, h] | some [p, l, h, _, _] in unprotected}
	[path, line, handler] := loc
	desc := sort([sprintf("%s %s", [m, u]) | some [p, l, h, u, m] in unprotected; p == path; l == line; h == handler])
	f := lib.report(path, line, sprintf("%s (%s) changes state without any authentication dependency", [desc[0], handler]), handler)
}
