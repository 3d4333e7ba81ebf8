package pipeguard.rules.tls_weak_version_go_test

import data.pipeguard.rules.tls_weak_version as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

test_weak_versions if {
	i := t.go_input({"composites": [
		t.go_composite("main.go", 10, "crypto/tls.Config", {"MinVersion": t.go_qual("crypto/tls.VersionTLS10", 769, 11)}),
		t.go_composite("main.go", 20, "crypto/tls.Config", {"MaxVersion": t.go_qual("crypto/tls.VersionTLS11", 770, 21)}),
	]})
	lines(rule.deny) == {11, 21} with input as i
}

test_default_and_modern_versions_are_fine if {
	i := t.go_input({"composites": [
		t.go_composite("main.go", 10, "crypto/tls.Config", {"MinVersion": t.go_lit(0, 11), "MaxVersion": t.go_lit(0, 12)}),
		t.go_composite("main.go", 20, "crypto/tls.Config", {"MinVersion": t.go_qual("crypto/tls.VersionTLS12", 771, 21)}),
		t.go_composite("main.go", 30, "crypto/tls.Config", {"MinVersion": t.go_name("getVersion()", 31)}),
	]})
	count(rule.deny) == 0 with input as i
}

test_weak_cipher_suites if {
	suites := t.go_list([
		t.go_qual("crypto/tls.TLS_RSA_WITH_AES_128_GCM_SHA256", 47, 12),
		t.go_qual("crypto/tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 49195, 13),
	], 11)
	strong := t.go_list([t.go_qual("crypto/tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 49200, 21)], 21)
	i := t.go_input({"composites": [
		t.go_composite("main.go", 10, "crypto/tls.Config", {"CipherSuites": suites}),
		t.go_composite("main.go", 20, "crypto/tls.Config", {"CipherSuites": strong}),
	]})
	lines(rule.deny) == {11} with input as i
}

test_assignment if {
	i := t.go_input({"assignments": [{"path": "main.go", "line": 40, "function": "main", "target": "cfg.MinVersion", "field": "MinVersion", "recv_from": "", "value": t.go_qual("crypto/tls.VersionSSL30", 768, 40)}]})
	lines(rule.deny) == {40} with input as i
}
