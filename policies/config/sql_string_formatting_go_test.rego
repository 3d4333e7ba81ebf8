package pipeguard.rules.sql_string_formatting_go_test

import data.pipeguard.rules.sql_string_formatting as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

sql(line, built, kinds) := {"path": "db.go", "line": line, "function": "f", "callee": "db.Query", "method": "Query", "query": "SELECT * FROM t WHERE a =",
	"built_with": built, "looks_like_sql": true, "origins": [{"kind": k, "text": "x", "line": line} | some k in kinds]}

test_tainted_and_built if {
	i := t.go_input({"sql": [
		sql(10, "sprintf", ["request"]),
		sql(20, "concat", ["unknown", "param"]),
		sql(30, "builder", ["input"]),
		sql(40, "sprintf", ["unknown"]),
		sql(50, "none", ["param"]),
		sql(60, "concat", []),
	]})
	lines(rule.deny) == {10, 20, 30} with input as i
}

test_one_finding_per_call if {
	count(rule.deny) == 1 with input as t.go_input({"sql": [sql(10, "sprintf", ["request", "param", "input"])]})
}
