package pipeguard.rules.dependency_unpinned_test

import data.pipeguard.rules.dependency_unpinned as rule

req(line, name, spec, pinned) := {"path": "requirements.txt", "line": line, "project": ".", "name": name, "spec": spec, "pinned": pinned, "hashed": false}

reqs := [req(1, "fastapi", "", false), req(2, "pyjwt", "==2.8.0", true), req(3, "httpx", ">=0.27", false)]

test_unpinned_without_lockfile if {
	fs := rule.deny with input as {"requirements": reqs, "lockfiles": []}
	{[f.path, f.line] | some f in fs} == {["requirements.txt", 1], ["requirements.txt", 3]}
}

test_lockfile_in_project if {
	count(rule.deny) == 0 with input as {"requirements": reqs, "lockfiles": [{"path": "poetry.lock", "project": ".", "kind": "poetry"}]}
}

test_lockfile_of_another_project if {
	count(rule.deny) == 2 with input as {"requirements": reqs, "lockfiles": [{"path": "svc/uv.lock", "project": "svc", "kind": "uv"}]}
}
