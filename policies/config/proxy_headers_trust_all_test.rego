package pipeguard.rules.proxy_headers_trust_all_test

import data.pipeguard.rules.proxy_headers_trust_all as rule
import data.pipeguard.testlib as t

base := {"calls": [], "dockerfile": [], "compose": [], "procfile": [], "env": [], "files": []}

run(v) := object.union(base, {"calls": [t.call("uvicorn.run", 40, {"forwarded_allow_ips": v, "proxy_headers": t.lit(true, 41)}, [])]})

docker(args) := object.union(base, {"dockerfile": [{"path": "Dockerfile", "line": 9, "project": ".", "instruction": "CMD", "args": args, "form": "exec", "key": "", "value": "", "redacted": false}]})

test_uvicorn_run_star if {
	{[f.path, f.line] | some f in rule.deny} == {["app/main.py", 42]} with input as run(t.lit("*", 42))
}

test_uvicorn_run_proxy_address if {
	count(rule.deny) == 0 with input as run(t.lit("10.0.0.5", 42))
	count(rule.deny) == 0 with input as run(t.from_env("FORWARDED_ALLOW_IPS", 42))
}

test_command_line if {
	count(rule.deny) == 1 with input as docker(["uvicorn", "app.main:app", "--proxy-headers", "--forwarded-allow-ips", "*"])
	count(rule.deny) == 1 with input as docker(["uvicorn", "app.main:app", "--forwarded-allow-ips=*"])
	count(rule.deny) == 1 with input as docker(["sh", "-c", `uvicorn app.main:app --forwarded-allow-ips '*'`])
}

test_command_line_specific if {
	count(rule.deny) == 0 with input as docker(["uvicorn", "app.main:app", "--forwarded-allow-ips", "10.0.0.0/8"])
	count(rule.deny) == 0 with input as docker(["uvicorn", "app.main:app", "--proxy-headers"])
}

test_environment if {
	i := object.union(base, {"compose": [{"path": "compose.yaml", "line": 12, "project": ".", "service": "api", "key": "environment", "name": "FORWARDED_ALLOW_IPS", "value": "*", "args": [], "redacted": false}]})
	{[f.path, f.line] | some f in rule.deny} == {["compose.yaml", 12]} with input as i
}

test_development_files_are_not_deployments if {
	d := docker(["uvicorn", "app.main:app", "--forwarded-allow-ips", "*"])
	dev := object.union(d, {"dockerfile": [object.union(d.dockerfile[0], {"path": ".devcontainer/Dockerfile"})]})
	count(rule.deny) == 0 with input as dev
	e := {"path": ".devcontainer/Dockerfile", "line": 5, "project": ".", "instruction": "ENV", "args": ["FORWARDED_ALLOW_IPS=*"], "form": "", "key": "FORWARDED_ALLOW_IPS", "value": "*", "redacted": false}
	count(rule.deny) == 0 with input as object.union(base, {"dockerfile": [e]})
	count(rule.deny) == 1 with input as object.union(base, {"dockerfile": [object.union(e, {"path": "Dockerfile"})]})
}
