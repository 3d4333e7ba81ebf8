# METADATA
# title: Session cookie sent without Secure or with SameSite=None
# description: |
#   SessionMiddleware is added without https_only=True (Starlette's
#   default is False, so the session cookie also travels over plain HTTP),
#   or with same_site="none" (the cookie is sent on cross-site requests,
#   which enables CSRF).
# related_resources:
#   - ref: https://www.starlette.io/middleware/#sessionmiddleware
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
# custom:
#   id: session-cookie-insecure
#   severity: medium
#   confidence: high
#   remediation: Pass https_only=True and keep same_site="lax" (the default) or "strict".
#   tags: [starlette, cookies]
package pipeguard.rules.session_cookie_insecure

import data.pipeguard.lib

problems(m) := [p |
	some [p, hit] in [
		["https_only is not True (the cookie is also sent over HTTP)", {true | not https_only(m)}],
		[`same_site="none" (the cookie is sent on cross-site requests)`, {true | same_site_none(m)}],
	]
	count(hit) > 0
]

# https_only is True, or comes from the environment (unknown: not reported).
https_only(m) if lib.known_true(m.args.https_only)

https_only(m) if {
	v := m.args.https_only
	not v.known
}

same_site_none(m) if lower(lib.known_string(m.args.same_site)) == "none"

deny contains f if {
	some m in lib.middleware
	lib.named(m, "SessionMiddleware")
	ps := problems(m)
	count(ps) > 0
	f := lib.report_range(m.path, problem_line(m), m.end_line, sprintf("SessionMiddleware: %s", [concat("; ", ps)]), concat(";", ps))
}

# problem_line is the line of the argument to change: https_only when it is
# written (False), same_site="none", else the middleware's line (where
# https_only=True goes).
problem_line(m) := m.args.https_only.line if {
	not https_only(m)
	m.args.https_only
} else := m.args.same_site.line if {
	same_site_none(m)
} else := m.line
