package pipeguard.rules.tls_weak_version_test

import data.pipeguard.rules.tls_weak_version as rule
import data.pipeguard.testlib as t

facts(calls, assigns, nginx) := {"files": [], "calls": calls, "attribute_assignments": assigns, "nginx": nginx}

ssl_protocols(args) := {"path": "nginx/nginx.conf", "line": 7, "project": ".", "directive": "ssl_protocols", "args": args, "context": "http/server"}

test_weak_protocol_constant if {
	i := facts([t.call("ssl.SSLContext", 12, {}, [t.qual("ssl.PROTOCOL_TLSv1", 12)])], [], [])
	{f.line | some f in rule.deny} == {12} with input as i
}

test_weak_minimum_version if {
	a := {"path": "app/main.py", "line": 14, "target": "ctx.minimum_version", "attr": "minimum_version", "value": t.qual("ssl.TLSVersion.TLSv1_1", 14), "function": ""}
	{f.line | some f in rule.deny} == {14} with input as facts([], [a], [])
}

test_modern_settings if {
	a := {"path": "app/main.py", "line": 14, "target": "ctx.minimum_version", "attr": "minimum_version", "value": t.qual("ssl.TLSVersion.TLSv1_2", 14), "function": ""}
	i := facts([t.call("ssl.SSLContext", 12, {}, [t.qual("ssl.PROTOCOL_TLS_CLIENT", 12)])], [a], [ssl_protocols(["TLSv1.2", "TLSv1.3"])])
	count(rule.deny) == 0 with input as i
}

test_nginx_old_protocols if {
	fs := rule.deny with input as facts([], [], [ssl_protocols(["TLSv1", "TLSv1.1", "TLSv1.2"])])
	count(fs) == 1
	some f in fs
	f.path == "nginx/nginx.conf"
	f.line == 7
	contains(f.message, "TLSv1, TLSv1.1")
}
