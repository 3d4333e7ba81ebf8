package pipeguard.rules.https_not_enforced_test

import data.pipeguard.rules.https_not_enforced as rule
import data.pipeguard.testlib as t

tls(k) := object.union({"https_redirect": false, "hsts": false, "server_tls": false, "proxy_tls": false}, {k: true})

test_nothing if {
	fs := rule.deny with input as {"files": [], "apps": [t.app({})]}
	{[f.path, f.line] | some f in fs} == {["app/main.py", 10]}
}

test_any_measure if {
	every k in ["https_redirect", "hsts", "server_tls", "proxy_tls"] {
		count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"tls": tls(k)})]}
	}
}

test_example_code_is_not_the_service if {
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"path": "examples/plugins/server/main.py"})]}
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"path": "docs_src/first_steps/main.py"})]}
	count(rule.deny) == 1 with input as {"files": [], "apps": [t.app({"path": "app/examples.py"})]}
}

run(host) := object.union(t.call("uvicorn.run", 40, {"host": t.lit(host, 40)}, [t.name_value("app", 40)]), {"function": "start"})

test_helper_server_on_loopback if {
	# A CLI's OAuth callback server: uvicorn.run(app, host="127.0.0.1").
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"function": "login"})], "calls": [run("127.0.0.1")], "dockerfile": [], "compose": [], "procfile": []}
	count(rule.deny) == 1 with input as {"files": [], "apps": [t.app({"function": "login"})], "calls": [run("0.0.0.0")], "dockerfile": [], "compose": [], "procfile": []}
}

test_loopback_run_but_deployed_by_a_command if {
	p := {"path": "Procfile", "line": 1, "project": ".", "process": "web", "command": "uvicorn app.main:app --host 0.0.0.0", "args": []}
	count(rule.deny) == 1 with input as {"files": [], "apps": [t.app({"function": "login"})], "calls": [run("localhost")], "dockerfile": [], "compose": [], "procfile": [p]}
}

test_module_level_app_run_on_loopback_is_still_the_service if {
	# if __name__ == "__main__": uvicorn.run(app, host="127.0.0.1") starts the service for development.
	count(rule.deny) == 1 with input as {"files": [], "apps": [t.app({})], "calls": [run("127.0.0.1")], "dockerfile": [], "compose": [], "procfile": []}
}

test_probe_only_app if {
	rs := [t.route({"url": "/health", "handler": "health"}), t.route({"url": "/metrics", "handler": "metrics"})]
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"routes": rs})]}
}

test_app_with_probes_and_other_routes if {
	rs := [t.route({"url": "/health", "handler": "health"}), t.route({})]
	count(rule.deny) == 1 with input as {"files": [], "apps": [t.app({"routes": rs})]}
}
