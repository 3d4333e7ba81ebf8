package pipeguard.rules.tls_verify_disabled_test

import data.pipeguard.rules.tls_verify_disabled as rule
import data.pipeguard.testlib as t

facts(calls, assigns) := {"files": [], "calls": calls, "attribute_assignments": assigns}

attr_set(target, line, value) := {"path": "app/main.py", "line": line, "end_line": line, "target": target, "attr": split(target, ".")[1], "value": value, "function": ""}

lines(fs) := {f.line | some f in fs}

test_verify_false if {
	i := facts([
		t.call("requests.get", 20, {"verify": t.lit(false, 21)}, []),
		t.call("httpx.AsyncClient", 30, {"verify": t.lit(false, 30)}, []),
		t.call("session.get", 40, {"ssl": t.lit(false, 40)}, []),
	], [])
	lines(rule.deny) == {21, 30, 40} with input as i
}

test_verify_true_or_bundle_or_env if {
	i := facts([
		t.call("requests.get", 20, {"verify": t.lit(true, 21)}, []),
		t.call("httpx.Client", 30, {"verify": t.lit("/etc/ssl/ca.pem", 30)}, []),
		t.call("requests.post", 35, {"verify": t.from_env("VERIFY_TLS", 35)}, []),
		t.call("requests.get", 50, {}, []),
	], [])
	count(rule.deny) == 0 with input as i
}

test_jwt_verify_is_not_tls if {
	count(rule.deny) == 0 with input as facts([t.call("jwt.decode", 20, {"verify": t.lit(false, 20)}, [])], [])
}

test_unverified_context_and_cert_none if {
	i := facts(
		[
			t.call("ssl._create_unverified_context", 12, {}, []),
			t.call("urllib3.PoolManager", 14, {"cert_reqs": t.qual("ssl.CERT_NONE", 14)}, []),
		],
		[
			{"path": "app/main.py", "line": 16, "target": "ctx.verify_mode", "attr": "verify_mode", "value": t.qual("ssl.CERT_NONE", 16), "function": "", "end_line": 0},
			{"path": "app/main.py", "line": 17, "target": "ctx.check_hostname", "attr": "check_hostname", "value": t.lit(false, 17), "function": "", "end_line": 0},
		],
	)
	lines(rule.deny) == {12, 14, 16, 17} with input as i
}

test_secure_context if {
	i := facts(
		[t.call("ssl.create_default_context", 12, {}, [])],
		[
			{"path": "app/main.py", "line": 16, "target": "ctx.verify_mode", "attr": "verify_mode", "value": t.qual("ssl.CERT_REQUIRED", 16), "function": "", "end_line": 0},
			{"path": "app/main.py", "line": 17, "target": "ctx.check_hostname", "attr": "check_hostname", "value": t.lit(true, 17), "function": "", "end_line": 0},
		],
	)
	count(rule.deny) == 0 with input as i
}

test_test_files_do_not_count if {
	i := {"files": [t.testfile("app/main.py")], "calls": [t.call("requests.get", 20, {"verify": t.lit(false, 21)}, [])], "attribute_assignments": []}
	count(rule.deny) == 0 with input as i
}

test_verify_through_a_variable_or_a_conditional if {
	i := facts([
		t.call("requests.get", 20, {"verify": t.local(false, 20, 18)}, []),
		t.call("httpx.Client", 30, {"verify": t.conditional(false, true, 30)}, []),
		t.call("httpx.Client", 40, {"verify": t.conditional(true, "/ca.pem", 40)}, []),
	], [])
	lines(rule.deny) == {20, 30} with input as i
	some f in rule.deny with input as i
	f.line == 30
	f.confidence == "medium"
}

test_cert_optional_and_strings if {
	i := facts(
		[
			t.call("urllib3.PoolManager", 10, {"cert_reqs": t.qual("ssl.CERT_OPTIONAL", 10)}, []),
			t.call("urllib3.connection_from_url", 11, {"cert_reqs": t.lit("NONE", 11)}, []),
			t.call("urllib3.connection_from_url", 12, {"cert_reqs": t.lit("CERT_OPTIONAL", 12)}, []),
			t.call("urllib3.connection_from_url", 13, {"cert_reqs": t.lit("CERT NONE", 13)}, []),
			t.call("urllib3.connection_from_url", 14, {"cert_reqs": t.lit("CERT_REQUIRED", 14)}, []),
			t.call("urllib3.proxy_from_url", 15, {"cert_reqs": t.lit(null, 15)}, []),
		],
		[attr_set("ctx.verify_mode", 20, t.qual("ssl.CERT_OPTIONAL", 20))],
	)
	lines(rule.deny) == {10, 11, 12, 20} with input as i
}

test_messages_name_the_call_as_written if {
	c := object.union(t.call("python.lang.x.context.wrap_socket", 10, {"cert_reqs": t.qual("ssl.CERT_NONE", 11)}, []), {"written": "context.wrap_socket", "end_line": 12})
	some f in rule.deny with input as facts([c], [])
	f.message == "context.wrap_socket(cert_reqs=ssl.CERT_NONE) disables TLS certificate verification"
	f.line == 11
	f.end_line == 12
}
