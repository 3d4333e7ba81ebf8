package pipeguard.rules.error_details_exposed_test

import data.pipeguard.rules.error_details_exposed as rule
import data.pipeguard.testlib as t

exposure(path, line, kind, sink) := {
	"path": path, "line": line, "end_line": line, "kind": kind, "sink": sink, "function": "get_item",
	"status": 500, "caught": ["Exception"], "caught_kind": "broad",
}

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

test_validation_feedback_with_4xx_is_not_reported if {
	i := {"files": [], "exception_exposures": [
		object.union(exposure("app/main.py", 31, "str", "http_exception"), {"status": 400, "caught": ["ValueError"], "caught_kind": "validation"}),
		object.union(exposure("app/main.py", 35, "str", "http_exception"), {"status": 422, "caught": ["MfaError"], "caught_kind": "app"}),
	]}
	count(rule.deny) == 0 with input as i
}

test_validation_error_with_5xx_or_any_exception_with_4xx if {
	i := {"files": [], "exception_exposures": [
		object.union(exposure("app/main.py", 31, "str", "http_exception"), {"caught": ["ValueError"], "caught_kind": "validation"}),
		object.union(exposure("app/main.py", 35, "str", "http_exception"), {"status": 400}),
		object.union(exposure("app/main.py", 40, "str", "http_exception"), {"status": 400, "caught": ["RequestException"], "caught_kind": "other"}),
	]}
	{[f.line, f.confidence] | some f in rule.deny} == {[31, "medium"], [35, "high"], [40, "medium"]} with input as i
}

test_message_names_what_was_caught if {
	i := {"files": [], "exception_exposures": [exposure("app/main.py", 31, "str", "http_exception")]}
	[f] := [f | some f in rule.deny] with input as i
	f.message == "str(exc) (Exception) is sent to the client in an HTTPException detail, status 500"
}

test_one_finding_per_statement if {
	# raise HTTPException(500, detail={"message": str(e), "error": repr(e)}) over two lines.
	a := object.union(exposure("app/main.py", 31, "str", "http_exception"), {"end_line": 33})
	b := object.union(exposure("app/main.py", 32, "repr", "http_exception"), {"end_line": 33})
	{[f.path, f.line] | some f in rule.deny} == {["app/main.py", 31]} with input as {"files": [], "exception_exposures": [a, b]}
}
