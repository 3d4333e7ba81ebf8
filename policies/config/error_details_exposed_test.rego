package pipeguard.rules.error_details_exposed_test

import data.pipeguard.rules.error_details_exposed as rule
import data.pipeguard.testlib as t

exposure(path, line, kind, sink) := {"path": path, "line": line, "kind": kind, "sink": sink, "function": "get_item"}

test_exposures if {
	i := {"files": [], "exception_exposures": [exposure("app/main.py", 31, "str", "http_exception"), exposure("app/main.py", 40, "traceback", "response")]}
	{[f.path, f.line] | some f in rule.deny} == {["app/main.py", 31], ["app/main.py", 40]} with input as i
}

test_none if {
	count(rule.deny) == 0 with input as {"files": [], "exception_exposures": []}
}

test_test_files_do_not_count if {
	i := {"files": [t.testfile("tests/test_api.py")], "exception_exposures": [exposure("tests/test_api.py", 5, "str", "return")]}
	count(rule.deny) == 0 with input as i
}
