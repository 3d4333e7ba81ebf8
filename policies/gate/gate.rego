# METADATA
# title: pipeguard default gate
# description: |
#   One decision over the whole report. Input: {"findings": [...], "context": {...}, "errors": [...]}
#   (see scan/repoconf/README.md, "The gate"). Output: decisions[finding.id] = {"decision", "reasons"}
#   and verdict = {"verdict", "reasons"}.
#   Defaults: a secret blocks when its confidence is high (one of medium or low confidence warns: in
#   documentation, an API spec, a CI workflow, a dev set-up, a test or example path, a placeholder or
#   publishable value; the finding's evidence:* tags say why); a Go
#   vulnerability blocks when its vulnerable symbol is called; a Python vulnerability blocks when it is
#   high or critical and the package is imported; config findings block at high and above when their
#   confidence is high; everything else warns. A suppressed finding never blocks; in only-new mode only new
#   findings block. fail_on and thresholds (per finding, from .pipeguard.yaml and flags) move the severity
#   floors. Extend it with rules in package pipeguard.gate.extend (block, warn, fail); replace it with a
#   module of your own in package pipeguard.gate.
package pipeguard.gate

# rank orders severities; an unknown severity ranks 0 and never reaches a floor.
rank := {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}

at_least(sev, floor) if {
	rank[sev] >= rank[floor]
	rank[sev] > 0
}

# builtin_floor is the severity at and above which a finding blocks when no knob is set.
builtin_floor(f) := "info" if f.scanner == "secrets"

else := "info" if {
	f.scanner == "deps"
	ecosystem(f) == "Go"
}

else := "high"

ecosystem(f) := f.dependency.ecosystem

# floor is the finding's blocking floor: its scanner's threshold, then fail_on (both resolved for
# the finding's folder by pipeguard, then as given in context), then the built-in one.
floor(f) := f.thresholds[f.scanner] if f.thresholds[f.scanner] != ""

else := input.context.thresholds[f.scanner] if input.context.thresholds[f.scanner] != ""

else := f.fail_on if f.fail_on != ""

else := input.context.fail_on if input.context.fail_on != ""

else := builtin_floor(f)

# what names a finding in reasons.
what(f) := sprintf("%s %s in %s", [f.scanner, f.rule, ecosystem_pkg(f)]) if f.scanner == "deps"

else := sprintf("%s %s", [f.scanner, f.rule])

ecosystem_pkg(f) := sprintf("%s@%s", [f.dependency.name, f.dependency.version]) if f.dependency.name

else := "a dependency"

# secret_in_test_path: a secret judged by its shape (pipeguard's structure rules, gitleaks' generic
# ones) in test or example code; the secrets scanner tags it "test-path". It warns by default.
secret_in_test_path(f) if {
	f.scanner == "secrets"
	"test-path" in f.tags
}

# builtin_block is why the default rules block f; undefined when they do not.
builtin_block(f) := msg if {
	f.scanner == "secrets"
	not secret_in_test_path(f)
	at_least(f.severity, floor(f))
	confidence(f) == "high"
	msg := sprintf("a leaked secret (%s, %s) blocks: rotate it, then remove it", [f.rule, f.severity])
} else := msg if {
	f.scanner == "deps"
	ecosystem(f) == "Go"
	f.reachability == "called"
	at_least(f.severity, floor(f))
	msg := sprintf("%s: the vulnerable symbol is called, so it blocks (severity %s)", [what(f), f.severity])
} else := msg if {
	f.scanner == "deps"
	ecosystem(f) == "PyPI"
	f.reachability == "imported"
	at_least(f.severity, floor(f))
	msg := sprintf("%s: %s and the package is imported, so it blocks (floor %s)", [what(f), f.severity, floor(f)])
} else := msg if {
	f.scanner == "config"
	at_least(f.severity, floor(f))
	confidence(f) == "high"
	msg := sprintf("config finding %s is %s, at or above the floor %s, and of high confidence, so it blocks", [f.rule, f.severity, floor(f)])
}

# confidence is how sure the scanner is that f is true: high, medium or low.
# A finding that does not say (a scanner or rule from before confidence
# existed) is trusted as before.
confidence(f) := f.confidence if f.confidence != ""

else := "high"

# builtin_warn says why the default rules let f pass.
builtin_warn(f) := sprintf("%s is in a test or example path: reported, but it warns by default", [what(f)]) if {
	secret_in_test_path(f)
} else := sprintf("%s is of %s confidence (%s): only high-confidence secrets block, so it warns", [what(f), confidence(f), evidence(f)]) if {
	f.scanner == "secrets"
	at_least(f.severity, floor(f))
	confidence(f) != "high"
} else := sprintf("%s: the vulnerable symbol is not called (reachability %s), so it warns", [what(f), reach(f)]) if {
	f.scanner == "deps"
	ecosystem(f) == "Go"
	f.reachability != "called"
} else := sprintf("%s: the package is not imported by the project's code (reachability %s), so it warns", [what(f), reach(f)]) if {
	f.scanner == "deps"
	ecosystem(f) == "PyPI"
	f.reachability != "imported"
} else := sprintf("%s: no default rule blocks this ecosystem, so it warns", [what(f)]) if {
	f.scanner == "deps"
	not ecosystem(f) in {"Go", "PyPI"}
} else := sprintf("%s is %s but of %s confidence: only high-confidence config findings block, so it warns", [what(f), f.severity, confidence(f)]) if {
	f.scanner == "config"
	at_least(f.severity, floor(f))
	confidence(f) != "high"
} else := sprintf("%s is %s, below the floor %s, so it warns", [what(f), f.severity, floor(f)])

# evidence lists what lowered a secret's confidence, from its evidence:* tags.
evidence(f) := concat(", ", [trim_prefix(t, "evidence:") | some t in f.tags; startswith(t, "evidence:")]) if {
	count([t | some t in f.tags; startswith(t, "evidence:")]) > 0
} else := "no evidence given"

reach(f) := f.reachability if f.reachability != ""

else := "unknown"

# Extension points: modules in package pipeguard.gate.extend may define
#   block contains {"finding": id, "reason": msg}   make a finding block (unless suppressed, or existing in only-new mode)
#   warn contains {"finding": id, "reason": msg}    make a finding warn whatever the default says
#   fail contains msg                               fail the whole report
extend_block(f) := [x.reason | some x in data.pipeguard.gate.extend.block; x.finding == f.id]

extend_warn(f) := [x.reason | some x in data.pipeguard.gate.extend.warn; x.finding == f.id]

# decision is the gate's word on one finding, first matching case wins.
decision(f) := {"decision": "warn", "reasons": [suppressed_reason(f)]} if {
	f.suppressed
} else := {"decision": "warn", "reasons": extend_warn(f)} if {
	count(extend_warn(f)) > 0
} else := {"decision": "warn", "reasons": ["existing finding, not introduced by this change: in only-new mode only new findings block"]} if {
	input.context.only_new
	f.new == false
} else := {"decision": "block", "reasons": extend_block(f)} if {
	count(extend_block(f)) > 0
} else := {"decision": "block", "reasons": [builtin_block(f)]} if {
	builtin_block(f)
} else := {"decision": "warn", "reasons": [builtin_warn(f)]}

suppressed_reason(f) := sprintf("suppressed (%s at %s): %s", [f.suppression.kind, f.suppression.source, f.suppression.reason]) if {
	f.suppression.source
} else := sprintf("suppressed (%s): %s", [f.suppression.kind, f.suppression.reason]) if {
	f.suppression.kind
} else := "suppressed"

# decisions maps each finding's id to its decision.
# (A comprehension, not a partial object rule: OPA checks a partial rule's keys for collisions
# pairwise, which is quadratic in the number of findings.)
decisions := {f.id: decision(f) | some f in input.findings}

blocking := [id | some id, d in decisions; d.decision == "block"]

fail_reasons contains sprintf("%d finding(s) block", [count(blocking)]) if count(blocking) > 0

fail_reasons contains msg if some msg in data.pipeguard.gate.extend.fail

# verdict is the overall outcome. pipeguard also makes a scan with errors
# incomplete unless something blocks, whatever a replacement gate says.
verdict := {"verdict": "fail", "reasons": sort(fail_reasons)} if {
	count(fail_reasons) > 0
} else := {"verdict": "incomplete", "reasons": sort([sprintf("scanner %s failed: %s", [e.scanner, e.message]) | some e in input.errors])} if {
	count(input.errors) > 0
} else := {"verdict": "pass", "reasons": [pass_reason]}

# pass_reason counts what warns, apart from what was suppressed.
pass_reason := sprintf("no finding blocks (%d warn, %d suppressed)", [
	count([f | some f in input.findings; not f.suppressed]),
	count([f | some f in input.findings; f.suppressed]),
])
