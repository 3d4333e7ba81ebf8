package pipeguard.rules.env_file_committed_test

import data.pipeguard.rules.env_file_committed as rule
import data.pipeguard.testlib as t

test_tracked_env if {
	fs := rule.deny with input as {"files": [t.file(".env", "env"), t.file("app/main.py", "python")]}
	{[f.path, f.line] | some f in fs} == {[".env", 1]}
}

test_template_untracked_and_other_files if {
	i := {"files": [
		object.union(t.file(".env.example", "env"), {"template": true}),
		object.union(t.file(".env", "env"), {"tracked": false}),
		t.file("requirements.txt", "requirements"),
	]}
	count(rule.deny) == 0 with input as i
}
