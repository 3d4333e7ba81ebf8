package pipeguard.rules.tls_verify_disabled_test

import data.pipeguard.rules.tls_verify_disabled as rule
import data.pipeguard.testlib as t

facts(calls, assigns) := {"files": [], "calls": calls, "attribute_assignments": assigns}

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
			{"path": "app/main.py", "line": 16, "target": "ctx.verify_mode", "attr": "verify_mode", "value": t.qual("ssl.CERT_NONE", 16), "function": ""},
			{"path": "app/main.py", "line": 17, "target": "ctx.check_hostname", "attr": "check_hostname", "value": t.lit(false, 17), "function": ""},
		],
	)
	lines(rule.deny) == {12, 14, 16, 17} with input as i
}

test_secure_context if {
	i := facts(
		[t.call("ssl.create_default_context", 12, {}, [])],
		[
			{"path": "app/main.py", "line": 16, "target": "ctx.verify_mode", "attr": "verify_mode", "value": t.qual("ssl.CERT_REQUIRED", 16), "function": ""},
			{"path": "app/main.py", "line": 17, "target": "ctx.check_hostname", "attr": "check_hostname", "value": t.lit(true, 17), "function": ""},
		],
	)
	count(rule.deny) == 0 with input as i
}

test_test_files_do_not_count if {
	i := {"files": [t.testfile("app/main.py")], "calls": [t.call("requests.get", 20, {"verify": t.lit(false, 21)}, [])], "attribute_assignments": []}
	count(rule.deny) == 0 with input as i
}
