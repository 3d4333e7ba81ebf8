package pipeguard.rules.tls_verify_disabled_go_test

import data.pipeguard.rules.tls_verify_disabled as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

test_literal_and_later_set if {
	i := t.go_input({"composites": [
		t.go_composite("main.go", 10, "crypto/tls.Config", {"InsecureSkipVerify": t.go_lit(true, 11)}),
		object.union(t.go_composite("main.go", 20, "crypto/tls.Config", {"InsecureSkipVerify": t.go_lit(true, 22)}), {"var": "cfg", "set_later": ["InsecureSkipVerify"]}),
	]})
	lines(rule.deny) == {11, 22} with input as i
}

test_assignment_on_a_field_chain if {
	i := t.go_input({"assignments": [{"path": "main.go", "line": 30, "function": "main", "target": "tr.TLSClientConfig.InsecureSkipVerify", "field": "InsecureSkipVerify", "recv_from": "", "value": t.go_lit(true, 30)}]})
	lines(rule.deny) == {30} with input as i
}

test_false_or_configured_is_fine if {
	i := t.go_input({"composites": [
		t.go_composite("main.go", 10, "crypto/tls.Config", {"InsecureSkipVerify": t.go_lit(false, 11)}),
		t.go_composite("main.go", 20, "crypto/tls.Config", {"InsecureSkipVerify": t.go_name("cfg.Insecure", 21)}),
		t.go_composite("main.go", 30, "crypto/tls.Config", {"MinVersion": t.go_qual("crypto/tls.VersionTLS12", 771, 31)}),
	]})
	count(rule.deny) == 0 with input as i
}

test_go_test_files_do_not_count if {
	i := t.go_input({
		"files": [t.go_testfile("main_test.go")],
		"composites": [t.go_composite("main_test.go", 10, "crypto/tls.Config", {"InsecureSkipVerify": t.go_lit(true, 11)})],
	})
	count(rule.deny) == 0 with input as i
}
