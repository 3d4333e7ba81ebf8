package pipeguard.rules.autoreload_enabled_test

import data.pipeguard.rules.autoreload_enabled as rule

docker(instruction, args) := {"dockerfile": [{"path": "Dockerfile", "line": 8, "project": ".", "instruction": instruction, "args": args, "form": "exec", "key": "", "value": "", "redacted": false}], "compose": [], "procfile": []}

test_dockerfile_cmd if {
	fs := rule.deny with input as docker("CMD", ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"])
	count(fs) == 1
	some f in fs
	f.path == "Dockerfile"
	f.line == 8
}

test_shell_string if {
	count(rule.deny) == 1 with input as docker("ENTRYPOINT", ["sh", "-c", "uvicorn app.main:app --reload --port 80"])
}

test_no_reload if {
	count(rule.deny) == 0 with input as docker("CMD", ["uvicorn", "app.main:app", "--host", "0.0.0.0"])
	count(rule.deny) == 0 with input as docker("CMD", ["uvicorn", "app.main:app", "--reload-delay", "1"])
	count(rule.deny) == 0 with input as docker("RUN", ["pip", "install", "--reload"])
}

test_compose_and_procfile if {
	i := {
		"dockerfile": [],
		"compose": [
			{"path": "compose.yaml", "line": 6, "project": ".", "service": "api", "key": "command", "name": "", "value": "uvicorn app.main:app --reload", "args": ["uvicorn", "app.main:app", "--reload"], "redacted": false},
			{"path": "compose.yaml", "line": 7, "project": ".", "service": "api", "key": "environment", "name": "ARGS", "value": "--reload", "args": ["--reload"], "redacted": false},
		],
		"procfile": [{"path": "Procfile", "line": 1, "project": ".", "process": "web", "command": "gunicorn app:app --reload", "args": ["gunicorn", "app:app", "--reload"]}],
	}
	{[f.path, f.line] | some f in rule.deny} == {["compose.yaml", 6], ["Procfile", 1]} with input as i
}

test_development_files if {
	i := {
		"dockerfile": [{"path": "Dockerfile.dev", "line": 8, "project": ".", "instruction": "CMD", "args": ["uvicorn", "app:app", "--reload"], "form": "exec", "key": "", "value": "", "redacted": false}],
		"compose": [{"path": "docker-compose.override.yml", "line": 6, "project": ".", "service": "api", "key": "command", "name": "", "value": "uvicorn app:app --reload", "args": ["uvicorn", "app:app", "--reload"], "redacted": false}],
		"procfile": [],
	}
	count(rule.deny) == 0 with input as i
}
