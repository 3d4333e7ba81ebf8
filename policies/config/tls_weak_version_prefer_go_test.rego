package pipeguard.rules.tls_weak_version_prefer_go_test

import data.pipeguard.rules.tls_weak_version as rule
import data.pipeguard.testlib as t

file(path, version) := {"path": path, "package": "main", "test": false, "go_version": version}

prefer(path, line, v) := t.go_composite(path, line, "crypto/tls.Config", {"PreferServerCipherSuites": v})

findings(fs) := {[f.path, f.line, f.severity, f.confidence] | some f in fs}

test_prefer_server_cipher_suites_by_go_version if {
	i := t.go_input({
		"files": [file("old/main.go", "1.17"), file("old3/main.go", "1.16.5"), file("new/main.go", "1.18"), file("newer/main.go", "1.22.3"), file("nomod/main.go", "")],
		"composites": [
			prefer("old/main.go", 10, t.go_lit(false, 11)),
			prefer("old3/main.go", 10, t.go_lit(false, 11)),
			prefer("new/main.go", 10, t.go_lit(false, 11)),
			prefer("newer/main.go", 10, t.go_lit(false, 11)),
			prefer("nomod/main.go", 10, t.go_lit(false, 11)),
			prefer("unlisted/main.go", 10, t.go_lit(false, 11)),
		],
	})
	findings(rule.deny) == {
		["old/main.go", 11, "medium", "high"],
		["old3/main.go", 11, "medium", "high"],
		["nomod/main.go", 11, "medium", "low"],
		["unlisted/main.go", 11, "medium", "low"],
	} with input as i
}

test_prefer_server_cipher_suites_true_or_unknown_is_fine if {
	i := t.go_input({
		"files": [file("old/main.go", "1.17")],
		"composites": [
			prefer("old/main.go", 10, t.go_lit(true, 11)),
			prefer("old/main.go", 20, t.go_name("prefer", 21)),
		],
	})
	count(rule.deny) == 0 with input as i
}

test_prefer_server_cipher_suites_assignment if {
	i := t.go_input({
		"files": [file("old/main.go", "1.15")],
		"assignments": [{"path": "old/main.go", "line": 40, "function": "main", "target": "srv.TLSConfig.PreferServerCipherSuites", "field": "PreferServerCipherSuites", "recv_from": "", "value": t.go_lit(false, 40)}],
	})
	findings(rule.deny) == {["old/main.go", 40, "medium", "high"]} with input as i
}
