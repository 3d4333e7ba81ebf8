package pipeguard.rules.env_file_committed_test

import data.pipeguard.rules.env_file_committed as rule
import data.pipeguard.testlib as t

entry(path, line, key, redacted, placeholder) := {"path": path, "line": line, "project": ".", "key": key, "value": "x", "redacted": redacted, "placeholder": placeholder}

test_tracked_env_with_secrets if {
	i := {"files": [t.file(".env", "env"), t.file("app/main.py", "python")], "env": [
		entry(".env", 1, "DEBUG", false, false),
		entry(".env", 2, "SESSION_SECRET", true, true),
		entry(".env", 4, "DATABASE_PASSWORD", true, false),
	]}
	[f] := [f | some f in rule.deny] with input as i
	[f.path, f.line, f.confidence] == [".env", 4, "high"]
	f.message == ".env is tracked by git and holds DATABASE_PASSWORD and 1 more secret value(s)"
}

test_only_placeholders if {
	i := {"files": [t.file(".env", "env")], "env": [entry(".env", 3, "SECRET_KEY", true, true)]}
	[f] := [f | some f in rule.deny] with input as i
	[f.line, f.confidence, f.message] == [3, "medium", ".env is tracked by git and holds SECRET_KEY"]
}

test_no_secret_in_the_file if {
	i := {"files": [t.file("frontend/.env", "env")], "env": [entry("frontend/.env", 1, "VITE_API_URL", false, false)]}
	count(rule.deny) == 0 with input as i
}

test_template_untracked_and_other_files if {
	i := {
		"files": [
			object.union(t.file(".env.example", "env"), {"template": true}),
			object.union(t.file(".env", "env"), {"tracked": false}),
			t.file("requirements.txt", "requirements"),
		],
		"env": [entry(".env.example", 1, "SECRET_KEY", true, false), entry(".env", 1, "SECRET_KEY", true, false)],
	}
	count(rule.deny) == 0 with input as i
}

conf(path) := f.confidence if {
	i := {"files": [t.file(path, "env")], "env": [entry(path, 2, "POSTGRES_PWD", true, false)]}
	[f] := [f | some f in rule.deny] with input as i
}

test_files_the_tests_read_warn if {
	conf("server/.env") == "high"
	conf("server/.env.dev") == "high" # a developer's set-up may hold real keys
	conf("server/.env.testing") == "medium"
	conf("ci.env") == "medium"
}

test_env_in_a_test_folder_warns if {
	i := {"files": [object.union(t.file("tests/fixtures/.env", "env"), {"test": true})], "env": [entry("tests/fixtures/.env", 2, "POSTGRES_PWD", true, false)]}
	[f] := [f | some f in rule.deny] with input as i
	f.confidence == "medium"
}
