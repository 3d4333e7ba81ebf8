# METADATA
# title: Security headers missing
# description: |
#   No middleware of the app (nor the proxy configuration of its project)
#   sets the basic protective response headers: X-Content-Type-Options
#   (no MIME sniffing), X-Frame-Options or a Content-Security-Policy with
#   frame-ancestors (no clickjacking), and Referrer-Policy (no URL leaks
#   to other sites). FastAPI sets none of them by default. An app mounted in
#   another (app.mount) is answered through the outer app's middleware, and
#   is reported there. An app whose only routes are health, readiness or
#   metrics probes serves no browser and is not reported.
# related_resources:
#   - ref: https://owasp.org/www-project-secure-headers/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
#   - ref: https://fastapi.tiangolo.com/tutorial/middleware/
# custom:
#   id: security-headers-missing
#   severity: low
#   confidence: medium
#   remediation: Add a middleware (or proxy add_header lines) that sets X-Content-Type-Options nosniff, X-Frame-Options DENY (or CSP frame-ancestors 'none') and Referrer-Policy strict-origin-when-cross-origin.
#   tags: [fastapi, headers]
package pipeguard.rules.security_headers_missing

import data.pipeguard.lib

# headers are the lower-cased header names (with values) app's responses get.
headers(response_headers, middleware, http_middleware, project) := (({[lower(h.name), h] | some h in response_headers} | {[lower(h.name), h] | some m in middleware; some h in m.headers_set}) | {[lower(h.name), h] | some m in http_middleware; some h in m.headers_set}) | {[lower(d.args[0]), {"value": concat(" ", array.slice(d.args, 1, count(d.args))), "known": true}] |
	some d in input.nginx
	lib.deploys(d.project, project)
	d.directive == "add_header"
}

# A third-party middleware made for the purpose (secure, starlette-security-headers...).
header_middleware(middleware) if {
	some m in middleware
	regex.match(`(?i)secur.*header|header.*secur|talisman`, m.class)
}

has(hs, name) if {
	some [n, _] in hs
	n == name
}

frame_protection(hs) if has(hs, "x-frame-options")

frame_protection(hs) if {
	some [n, h] in hs
	n == "content-security-policy"
	csp_frames(h)
}

csp_frames(h) if contains(lower(h.value), "frame-ancestors")

csp_frames(h) if not h.known # an unknown policy is given the benefit of the doubt

missing(hs) := [name |
	some [name, ok] in [
		["X-Content-Type-Options", {true | has(hs, "x-content-type-options")}],
		["X-Frame-Options (or CSP frame-ancestors)", {true | frame_protection(hs)}],
		["Referrer-Policy", {true | has(hs, "referrer-policy")}],
	]
	count(ok) == 0
]

deny contains f if {
	some app in input.apps
	count(app.mounted_in) == 0
	not header_middleware(app.middleware)
	m := missing(headers(app.response_headers, app.middleware, app.http_middleware, app.project))
	count(m) > 0
	not lib.is_test(app.path)
	not lib.example_code(app.path)
	not lib.loopback_only(app)
	not lib.probe_only(app)
	f := lib.report_range(app.path, app.line, app.end_line, sprintf("responses lack security headers: %s", [concat(", ", m)]), app.var)
}
