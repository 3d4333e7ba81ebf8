package pipeguard.gate_test

import data.pipeguard.gate

secret := {"id": "0", "scanner": "secrets", "rule": "github-pat", "severity": "high", "path": "a.py", "line": 3}

go_vuln(reach) := {
	"id": "1", "scanner": "deps", "rule": "GO-2024-0001", "severity": "medium", "path": "go.mod", "line": 5,
	"reachability": reach, "dependency": {"ecosystem": "Go", "name": "golang.org/x/net", "version": "v0.1.0"},
}

py_vuln(sev, reach) := {
	"id": "2", "scanner": "deps", "rule": "PYSEC-2024-1", "severity": sev, "path": "requirements.txt", "line": 2,
	"reachability": reach, "dependency": {"ecosystem": "PyPI", "name": "jinja2", "version": "3.1.2"},
}

config(sev) := {"id": "3", "scanner": "config", "rule": "debug-enabled", "severity": sev, "path": "main.py", "line": 4}

ctx := {"event": "pull_request", "branch": "feature", "only_new": false}

decide(f) := d if {
	d := gate.decisions[f.id] with input as {"findings": [f], "context": ctx, "errors": []}
}

decide_ctx(f, c) := d if {
	d := gate.decisions[f.id] with input as {"findings": [f], "context": c, "errors": []}
}

test_any_secret_blocks if {
	decide(secret).decision == "block"
	decide(object.union(secret, {"severity": "low"})).decision == "block"
	decide(object.union(secret, {"confidence": "high"})).decision == "block"
}

test_secret_blocks_only_with_high_confidence if {
	docs := object.union(secret, {"rule": "curl-auth-header", "confidence": "low", "tags": ["secret", "evidence:docs", "evidence:placeholder"]})
	d := decide(docs)
	d.decision == "warn"
	d.reasons == ["secrets curl-auth-header is of low confidence (docs, placeholder): only high-confidence secrets block, so it warns"]
	ci := object.union(secret, {"rule": "password-assignment", "confidence": "medium", "tags": ["secret", "detector:structure"]})
	contains(decide(ci).reasons[0], "medium confidence (no evidence given)")
	decide(object.union(ci, {"confidence": "high", "tags": ["secret", "evidence:config-file"]})).decision == "block"

	# A lowered floor does not lower the confidence bar.
	c := object.union(ctx, {"fail_on": "info"})
	decide_ctx(docs, c).decision == "warn"

	# A threshold for the secrets scanner above the finding's severity makes it warn whatever its confidence.
	c2 := object.union(ctx, {"thresholds": {"secrets": "critical"}})
	decide_ctx(object.union(secret, {"confidence": "high"}), c2).decision == "warn"
}

test_secret_in_test_path_warns if {
	f := object.union(secret, {"rule": "password-assignment", "tags": ["secret", "detector:structure", "test-path"]})
	d := decide(f)
	d.decision == "warn"
	d.reasons == ["secrets password-assignment is in a test or example path: reported, but it warns by default"]
	decide(object.union(secret, {"tags": ["secret", "detector:structure"]})).decision == "block"
}

test_go_vulnerability_blocks_only_when_called if {
	decide(go_vuln("called")).decision == "block"
	decide(go_vuln("imported")).decision == "warn"
	decide(go_vuln("required")).decision == "warn"
	contains(decide(go_vuln("imported")).reasons[0], "not called")
}

test_python_vulnerability_blocks_when_high_and_imported if {
	decide(py_vuln("high", "imported")).decision == "block"
	decide(py_vuln("critical", "imported")).decision == "block"
	decide(py_vuln("medium", "imported")).decision == "warn"
	decide(py_vuln("critical", "required")).decision == "warn"
	decide(py_vuln("critical", "unknown")).decision == "warn"
}

test_config_blocks_at_high if {
	decide(config("critical")).decision == "block"
	decide(config("high")).decision == "block"
	decide(config("medium")).decision == "warn"
	decide(config("low")).decision == "warn"
}

test_config_blocks_only_with_high_confidence if {
	decide(object.union(config("high"), {"confidence": "high"})).decision == "block"
	decide(object.union(config("critical"), {"confidence": "medium"})).decision == "warn"
	decide(object.union(config("high"), {"confidence": "low"})).decision == "warn"
	contains(decide(object.union(config("high"), {"confidence": "medium"})).reasons[0], "medium confidence")

	# A lowered floor does not lower the confidence bar.
	c := object.union(ctx, {"fail_on": "low"})
	decide_ctx(object.union(config("medium"), {"confidence": "high"}), c).decision == "block"
	decide_ctx(object.union(config("medium"), {"confidence": "medium"}), c).decision == "warn"
}

test_confidence_does_not_change_deps if {
	decide(object.union(py_vuln("high", "imported"), {"confidence": "medium"})).decision == "block"
}

test_other_ecosystems_warn if {
	f := object.union(py_vuln("critical", "imported"), {"dependency": {"ecosystem": "npm", "name": "x", "version": "1"}})
	decide(f).decision == "warn"
}

test_suppressed_never_blocks if {
	f := object.union(secret, {"suppressed": true, "suppression": {"kind": "inline", "source": "a.py:3", "reason": "fixture"}})
	d := decide(f)
	d.decision == "warn"
	d.reasons == ["suppressed (inline at a.py:3): fixture"]
}

test_only_new_blocks_only_new_findings if {
	c := object.union(ctx, {"only_new": true})
	decide_ctx(object.union(secret, {"new": false}), c).decision == "warn"
	decide_ctx(object.union(secret, {"new": true}), c).decision == "block"
	decide_ctx(secret, c).decision == "block" # unknown counts as new
	decide(object.union(secret, {"new": false})).decision == "block" # only-new off
}

test_fail_on_moves_every_floor if {
	c := object.union(ctx, {"fail_on": "critical"})
	decide_ctx(config("high"), c).decision == "warn"
	decide_ctx(config("critical"), c).decision == "block"
	decide_ctx(secret, c).decision == "warn"
	decide_ctx(py_vuln("critical", "imported"), c).decision == "block"
}

test_thresholds_win_over_fail_on if {
	c := object.union(ctx, {"fail_on": "critical", "thresholds": {"config": "medium"}})
	decide_ctx(config("medium"), c).decision == "block"
	decide_ctx(config("low"), c).decision == "warn"
	decide_ctx(secret, c).decision == "warn"
}

test_finding_knobs_win_over_context if {
	c := object.union(ctx, {"thresholds": {"config": "low"}})
	f := object.union(config("medium"), {"thresholds": {"config": "critical"}})
	decide_ctx(f, c).decision == "warn"
	decide_ctx(config("medium"), c).decision == "block"
	g := object.union(config("medium"), {"fail_on": "medium"})
	decide(g).decision == "block"
}

test_reachability_stays_with_knobs if {
	c := object.union(ctx, {"thresholds": {"deps": "low"}})
	decide_ctx(py_vuln("medium", "imported"), c).decision == "block"
	decide_ctx(py_vuln("critical", "required"), c).decision == "warn"
	decide_ctx(go_vuln("required"), c).decision == "warn"
}

test_extension_block_and_warn if {
	d := gate.decisions with input as {"findings": [config("low"), secret], "context": ctx, "errors": []}
		with data.pipeguard.gate.extend.block as [{"finding": "3", "reason": "team rule: no debug"}]
		with data.pipeguard.gate.extend.warn as [{"finding": "0", "reason": "accepted on this branch"}]
	d["3"] == {"decision": "block", "reasons": ["team rule: no debug"]}
	d["0"] == {"decision": "warn", "reasons": ["accepted on this branch"]}
}

test_extension_block_respects_suppression_and_only_new if {
	f := object.union(config("low"), {"new": false})
	c := object.union(ctx, {"only_new": true})
	d := gate.decisions with input as {"findings": [f], "context": c, "errors": []}
		with data.pipeguard.gate.extend.block as [{"finding": "3", "reason": "team rule"}]
	d["3"].decision == "warn"
}

test_verdict_fail_lists_reasons if {
	v := gate.verdict with input as {"findings": [secret, config("low")], "context": ctx, "errors": []}
	v == {"verdict": "fail", "reasons": ["1 finding(s) block"]}
}

test_verdict_incomplete_on_errors if {
	v := gate.verdict with input as {"findings": [config("low")], "context": ctx, "errors": [{"scanner": "deps", "message": "database unreachable"}]}
	v.verdict == "incomplete"
	v.reasons == ["scanner deps failed: database unreachable"]
}

test_verdict_fail_wins_over_errors if {
	v := gate.verdict with input as {"findings": [secret], "context": ctx, "errors": [{"scanner": "deps", "message": "x"}]}
	v.verdict == "fail"
}

test_verdict_pass if {
	v := gate.verdict with input as {"findings": [config("low")], "context": ctx, "errors": []}
	v.verdict == "pass"
}

test_extension_fail if {
	v := gate.verdict with input as {"findings": [], "context": ctx, "errors": []}
		with data.pipeguard.gate.extend.fail as ["release branches need a review"]
	v == {"verdict": "fail", "reasons": ["release branches need a review"]}
}

test_pass_reason_counts_suppressed_apart if {
	v := data.pipeguard.gate.verdict with input as {
		"findings": [
			{"scanner": "config", "rule": "cors-any-origin", "severity": "medium", "suppressed": false},
			{"scanner": "secrets", "rule": "github-pat", "severity": "high", "suppressed": true},
		],
		"errors": [],
		"context": {},
	}
	v.verdict == "pass"
	v.reasons == ["no finding blocks (1 warn, 1 suppressed)"]
}
