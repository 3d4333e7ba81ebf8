package pipeguard.rules.sql_string_formatting_test

import data.pipeguard.rules.sql_string_formatting as rule
import data.pipeguard.testlib as t

sql(callee, built) := object.union(t.call(callee, 25, {}, [t.name_value("query", 25)]), {"sql_built_with": built, "sql_line": 24})

test_formatted_sql if {
	every built in ["fstring", "percent", "concat", "format"] {
		{f.line | some f in rule.deny} == {25} with input as {"files": [], "calls": [sql("cursor.execute", built)]}
	}
	count(rule.deny) == 1 with input as {"files": [], "calls": [sql("sqlalchemy.text", "fstring")]}
}

test_parameterised_sql if {
	count(rule.deny) == 0 with input as {"files": [], "calls": [sql("cursor.execute", "none"), sql("sqlalchemy.text", "none")]}
}

test_not_a_sql_sink if {
	count(rule.deny) == 0 with input as {"files": [], "calls": [sql("logger.info", "fstring")]}
}
