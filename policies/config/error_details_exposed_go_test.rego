package pipeguard.rules.error_details_exposed_go_test

import data.pipeguard.rules.error_details_exposed as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

exposure(line, sink, status) := {"path": "h.go", "line": line, "function": "h", "sink": sink, "status": status, "what": "err.Error()"}

none(line) := {"text": "", "line": line, "known": false, "value": null, "type": "expr", "source": "none"}

test_server_errors_and_plain_writes if {
	i := t.go_input({"error_exposures": [
		exposure(10, "http.Error", t.go_qual("net/http.StatusInternalServerError", 500, 10)),
		exposure(20, "Context.JSON", t.go_lit(502, 20)),
		exposure(30, "ResponseWriter.Write", none(30)),
		exposure(40, "Context.JSON", t.go_qual("net/http.StatusBadRequest", 400, 40)),
		exposure(50, "Context.JSON", t.go_name("status", 50)),
	]})
	lines(rule.deny) == {10, 20, 30} with input as i
}
