package pipeguard.rules.security_headers_missing_test

import data.pipeguard.rules.security_headers_missing as rule
import data.pipeguard.testlib as t

all_headers := [t.header("X-Content-Type-Options", "nosniff"), t.header("X-Frame-Options", "DENY"), t.header("Referrer-Policy", "no-referrer")]

test_none_set if {
	fs := rule.deny with input as {"files": [], "nginx": [], "apps": [t.app({})]}
	count(fs) == 1
	some f in fs
	f.line == 10
	contains(f.message, "X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors), Referrer-Policy")
}

test_all_set_by_http_middleware if {
	mw := {"function": "add_headers", "path": "app/main.py", "line": 20, "headers_set": all_headers}
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"http_middleware": [mw]})]}
}

test_all_set_by_app_response_headers_case_insensitive if {
	hs := [t.header("x-content-type-options", "nosniff"), t.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"), t.header("referrer-policy", "no-referrer")]
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"response_headers": hs})]}
}

test_csp_without_frame_ancestors if {
	hs := [t.header("X-Content-Type-Options", "nosniff"), t.header("Content-Security-Policy", "default-src 'self'"), t.header("Referrer-Policy", "no-referrer")]
	fs := rule.deny with input as {"files": [], "nginx": [], "apps": [t.app({"response_headers": hs})]}
	some f in fs
	f.message == "responses lack security headers: X-Frame-Options (or CSP frame-ancestors)"
}

d(line, name, value) := {"path": "nginx.conf", "line": line, "project": ".", "directive": "add_header", "args": [name, value, "always"], "context": "http/server"}

test_set_by_nginx_of_the_project if {
	i := {"files": [], "apps": [t.app({})], "nginx": [d(3, "X-Content-Type-Options", "nosniff"), d(4, "X-Frame-Options", "SAMEORIGIN"), d(5, "Referrer-Policy", "same-origin")]}
	count(rule.deny) == 0 with input as i
}

test_security_header_middleware if {
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"middleware": [t.middleware("SecurityHeadersMiddleware", 14, {})]})]}
}

test_example_code_is_not_the_service if {
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"path": "demo/app/main.py"})]}
}

test_helper_server_on_loopback if {
	c := t.call("uvicorn.run", 40, {"host": t.lit("localhost", 40)}, [t.name_value("app", 40)])
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"function": "login"})], "calls": [c], "dockerfile": [], "compose": [], "procfile": []}
}

# An nginx folder of its own (no Python) proxies the backend project's app.
test_set_by_nginx_of_a_deploy_folder if {
	ds := [object.union(x, {"project": "nginx"}) | some x in [d(3, "X-Content-Type-Options", "nosniff"), d(4, "X-Frame-Options", "SAMEORIGIN"), d(5, "Referrer-Policy", "same-origin")]]
	files := [{"path": "backend/app/main.py", "kind": "python", "project": "backend"}]
	i := {"files": files, "apps": [t.app({"project": "backend", "path": "backend/app/main.py"})], "nginx": ds}
	count(rule.deny) == 0 with input as i
}

# The nginx of a sibling Python project serves its own app, not this one.
test_not_set_by_nginx_of_a_sibling_python_project if {
	ds := [object.union(x, {"project": "frontend"}) | some x in [d(3, "X-Content-Type-Options", "nosniff"), d(4, "X-Frame-Options", "SAMEORIGIN"), d(5, "Referrer-Policy", "same-origin")]]
	files := [{"path": "backend/app/main.py", "kind": "python", "project": "backend"}, {"path": "frontend/srv.py", "kind": "python", "project": "frontend"}]
	i := {"files": files, "apps": [t.app({"project": "backend", "path": "backend/app/main.py"})], "nginx": ds}
	count(rule.deny) == 1 with input as i
}

test_probe_only_apps if {
	every urls in [["/health"], ["/healthz", "/readyz", "/livez"], ["/metrics", "/api/v1/ping"]] {
		rs := [t.route({"url": u, "handler": "h"}) | some u in urls]
		count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"routes": rs})]}
	}
}

test_probe_by_handler_name if {
	rs := [t.route({"url": "/", "handler": "health"})]
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"routes": rs})]}
}

test_app_with_probes_and_other_routes_or_none if {
	every rs in [[t.route({"url": "/health", "handler": "h"}), t.route({})], []] {
		count(rule.deny) == 1 with input as {"files": [], "nginx": [], "apps": [t.app({"routes": rs})]}
	}
}
