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
