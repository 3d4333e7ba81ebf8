package pipeguard.rules.tls_weak_version_test

import data.pipeguard.rules.tls_weak_version as rule
import data.pipeguard.testlib as t

facts(calls, assigns, nginx) := {"files": [], "calls": calls, "attribute_assignments": assigns, "nginx": nginx, "parameter_defaults": []}

ssl_protocols(args) := {"path": "nginx/nginx.conf", "line": 7, "project": ".", "directive": "ssl_protocols", "args": args, "context": "http/server"}

test_weak_protocol_constant if {
	i := facts([t.call("ssl.SSLContext", 12, {}, [t.qual("ssl.PROTOCOL_TLSv1", 12)])], [], [])
	{f.line | some f in rule.deny} == {12} with input as i
}

test_weak_minimum_version if {
	a := {"path": "app/main.py", "line": 14, "target": "ctx.minimum_version", "attr": "minimum_version", "value": t.qual("ssl.TLSVersion.TLSv1_1", 14), "function": "", "end_line": 14}
	{f.line | some f in rule.deny} == {14} with input as facts([], [a], [])
}

test_modern_settings if {
	a := {"path": "app/main.py", "line": 14, "target": "ctx.minimum_version", "attr": "minimum_version", "value": t.qual("ssl.TLSVersion.TLSv1_2", 14), "function": "", "end_line": 14}
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

test_any_call_with_a_weak_version if {
	i := facts(
		[
			t.call("herp_derp", 8, {"ssl_version": t.qual("ssl.PROTOCOL_SSLv2", 8)}, []),
			t.call("OpenSSL.SSL.Context", 9, {"method": t.qual("OpenSSL.SSL.SSLv23_METHOD", 9)}, []),
			t.call("pyOpenSSL.SSL.Context", 10, {}, [t.qual("pyOpenSSL.SSL.TLSv1_1_METHOD", 10)]),
			t.call("herp_derp", 11, {"method": t.qual("SSL.TLSv1_METHOD", 11)}, []),
			t.call("ssl.wrap_socket", 12, {"ssl_version": t.qual("ssl.PROTOCOL_TLSv1_2", 12)}, []),
			t.call("OpenSSL.SSL.Context", 13, {}, [t.qual("OpenSSL.SSL.TLS_METHOD", 13)]),
			t.call("mylib.connect", 14, {"method": t.qual("mylib.SSLv2_METHOD", 14)}, []),
		],
		[], [],
	)
	{f.line | some f in rule.deny} == {8, 9, 10, 11} with input as i
	some f in rule.deny with input as i
	f.line == 8
	f.message == "herp_derp(ssl_version=ssl.PROTOCOL_SSLv2) allows a deprecated protocol version"
}

weak_default(line, q) := {"path": "app/tls.py", "line": line, "end_line": line, "function": "open_ssl_socket", "param": "version", "value": t.qual(q, line)}

test_weak_default_argument if {
	i := object.union(facts([], [], []), {"parameter_defaults": [
		weak_default(32, "ssl.PROTOCOL_SSLv2"), weak_default(35, "OpenSSL.SSL.SSLv2_METHOD"), weak_default(41, "OpenSSL.SSL.TLSv1_1_METHOD"),
		weak_default(45, "OpenSSL.SSL.TLSv1_2_METHOD"), weak_default(50, "ssl.PROTOCOL_TLS_CLIENT"),
	]})
	{f.line | some f in rule.deny} == {32, 35, 41} with input as i
}
