package pipeguard.rules.sql_string_formatting_test

import data.pipeguard.rules.sql_string_formatting as rule
import data.pipeguard.testlib as t

sql(callee, built, origin) := object.union(t.call(callee, 25, {}, [t.name_value("query", 25)]), {
	"sql_built_with": built, "sql_line": 24, "sql_end_line": 24, "sql_origin": origin,
	"sql_values": [
		{"text": "name", "line": 24, "origin": origin, "via": "parameter name of route search"},
		{"text": "Model.__tablename__", "line": 24, "origin": "internal"},
	],
})

test_formatted_from_the_request if {
	every built in ["fstring", "percent", "concat", "format"] {
		{f.line | some f in rule.deny} == {24} with input as {"files": [], "calls": [sql("cursor.execute", built, "request")]}
	}
	some f in rule.deny with input as {"files": [], "calls": [sql("sqlalchemy.text", "fstring", "request")]}
	f.confidence == "high"
	f.message == "SQL given to sqlalchemy.text is built with an f-string from name (parameter name of route search): the value can change the query"
}

test_formatted_from_a_parameter_is_a_guess if {
	some f in rule.deny with input as {"files": [], "calls": [sql("cursor.execute", "fstring", "param")]}
	not f.confidence
}

test_constants_and_identifiers_are_not_input if {
	count(rule.deny) == 0 with input as {"files": [], "calls": [sql("cursor.execute", "fstring", "internal")]}
}

test_parameterised_sql if {
	c := object.union(t.call("cursor.execute", 25, {}, [t.lit("SELECT 1", 25)]), {"sql_built_with": "none"})
	count(rule.deny) == 0 with input as {"files": [], "calls": [c]}
}

test_tests_do_not_count if {
	count(rule.deny) == 0 with input as {"files": [t.testfile("app/main.py")], "calls": [sql("cursor.execute", "fstring", "request")]}
}
