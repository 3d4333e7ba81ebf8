package pipeguard.rules.hardcoded_secret_test

import data.pipeguard.rules.hardcoded_secret as rule
import data.pipeguard.testlib as t

lit(path, line, kind, placeholder, empty) := {"path": path, "line": line, "name": "SECRET_KEY", "kind": kind, "masked": "chan****", "length": 8, "placeholder": placeholder, "empty": empty}

test_every_kind if {
	i := {"files": [], "secret_literals": [
		lit("app/main.py", 7, "const", false, false),
		lit("app/config.py", 8, "settings_default", true, false),
		lit("app/config.py", 9, "getenv_default", false, false),
		lit("app/main.py", 20, "session_secret", false, false),
		lit("app/auth.py", 30, "jwt_key", false, false),
	]}
	{[f.path, f.line] | some f in rule.deny} == {["app/main.py", 7], ["app/config.py", 8], ["app/config.py", 9], ["app/main.py", 20], ["app/auth.py", 30]} with input as i
}

test_message_is_masked if {
	some f in rule.deny with input as {"files": [], "secret_literals": [lit("app/main.py", 7, "const", true, false)]}
	contains(f.message, "chan****")
	contains(f.message, "placeholder")
}

test_empty_and_tests_do_not_count if {
	i := {"files": [t.testfile("tests/conftest.py")], "secret_literals": [lit("app/main.py", 7, "const", false, true), lit("tests/conftest.py", 3, "const", false, false)]}
	count(rule.deny) == 0 with input as i
}

secret(kind, name, context) := {"path": "app/main.py", "line": 7, "end_line": 8, "name": name, "kind": kind, "context": context, "masked": "dev-****", "length": 10, "placeholder": false, "empty": false}

test_messages_name_things_as_written if {
	msgs := {f.message | some f in rule.deny} with input as {"files": [], "secret_literals": [
		secret("jwt_key", "key", "jwt.encode"),
		secret("jwt_key", "signing", "jwt.encode"),
		secret("argument", "aws_secret_access_key", "boto3.client"),
		secret("config", "SECRET_KEY", "app.config[...]"),
		secret("default_arg", "password", "login"),
		secret("getenv_default", "SECRET_KEY", "os.getenv"),
		secret("fallback", "jwt_secret_key", "settings.get"),
	]}
	msgs == {
		"jwt.encode key is hard-coded (dev-****)",
		"jwt.encode key signing is hard-coded (dev-****)",
		"argument aws_secret_access_key= of boto3.client is hard-coded (dev-****)",
		"app.config[...] SECRET_KEY is hard-coded (dev-****)",
		"default of parameter password of login is hard-coded (dev-****)",
		"SECRET_KEY falls back to a hard-coded literal when the environment does not set it (dev-****)",
		`settings.get("jwt_secret_key") falls back to a hard-coded literal (dev-****)`,
	}
}

test_weak_secrets_in_deployment_environments if {
	i := {"files": [], "secret_literals": [], "dockerfile": [
		{"path": "Dockerfile", "line": 5, "project": ".", "instruction": "ENV", "args": ["SECRET_KEY=****"], "form": "", "key": "SECRET_KEY", "value": "****", "redacted": true, "weak_secret": true},
		{"path": "Dockerfile", "line": 6, "project": ".", "instruction": "ENV", "args": ["API_KEY=k3Y****"], "form": "", "key": "API_KEY", "value": "k3Y****", "redacted": true},
	], "compose": [
		{"path": "docker-compose.yml", "line": 9, "project": ".", "service": "api", "key": "environment", "name": "ADMIN_PASSWORD", "value": "pass****", "args": [], "redacted": true, "weak_secret": true},
		{"path": "docker-compose.dev.yml", "line": 9, "project": ".", "service": "api", "key": "environment", "name": "ADMIN_PASSWORD", "value": "pass****", "args": [], "redacted": true, "weak_secret": true},
	]}
	{[f.path, f.line] | some f in rule.deny} == {["Dockerfile", 5], ["docker-compose.yml", 9]} with input as i
}

test_defaults_are_a_guess if {
	fs := rule.deny with input as {"files": [], "secret_literals": [
		secret("settings_default", "SECRET_KEY", "Settings"),
		secret("const", "SECRET_KEY", ""),
	]}
	{[f.message, object.get(f, "confidence", "rule")] | some f in fs} == {
		["settings default SECRET_KEY is hard-coded (dev-****)", "medium"],
		["constant SECRET_KEY is hard-coded (dev-****)", "rule"],
	}
}

compose_entry(path, line, name, value, extra) := object.union({"path": path, "line": line, "project": ".", "service": "db", "key": "environment", "name": name, "value": value, "args": [], "redacted": false}, extra)

# Guessable defaults of compose interpolations: reported at medium
# confidence, saying the default runs when the variable is not set, and
# not showing a URL's password; references and development files are not.
test_compose_interpolation_defaults if {
	cases := [
		# [entry, message part or "" for not reported]
		[compose_entry("docker-compose.yml", 12, "POSTGRES_PASSWORD", "${PO****", {"redacted": true, "weak_secret": true, "default_of": "POSTGRES_PASSWORD"}), "default of ${POSTGRES_PASSWORD:-...}, used when POSTGRES_PASSWORD is not set"],
		[compose_entry("docker-compose.yml", 39, "DB_URL", "postgresql://${U:-rva}:${POSTGRES_PASSWORD:-rva}@db/x", {"weak_secret": true, "default_of": "POSTGRES_PASSWORD", "url_password": true}), "URL whose password is the guessable default of ${POSTGRES_PASSWORD:-...}"],
		[compose_entry("docker-compose.yml", 40, "DATABASE_URL", "postgresql://app:app@db/x", {"weak_secret": true, "url_password": true}), "URL whose password is a guessable literal"],
		[compose_entry("docker-compose.yml", 41, "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}", {}), ""],
		[compose_entry("docker-compose.dev.yml", 12, "POSTGRES_PASSWORD", "${PO****", {"redacted": true, "weak_secret": true, "default_of": "POSTGRES_PASSWORD"}), ""],
	]
	bad := [[c[0].line, fs] |
		some c in cases
		fs := [[f.message, f.confidence] | some f in rule.deny] with input as {"compose": [c[0]], "files": []}
		not compose_case_ok(fs, c[1])
	]
	bad == []
}

compose_case_ok(fs, "") if fs == []

compose_case_ok(fs, want) if {
	want != ""
	count(fs) == 1
	contains(fs[0][0], want)
	not contains(fs[0][0], "rva")
	fs[0][1] == "medium"
}
