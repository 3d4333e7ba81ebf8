# Builders of Go facts (input.go) for the rules' unit tests, next to the
# Python ones of testlib_test.rego. They follow policies/facts.schema.json.
package pipeguard.testlib

# go_empty is an empty Go facts object.
go_empty := {
	"files": [], "imports": [], "composites": [], "calls": [], "assignments": [], "refs": [],
	"header_writes": [], "sql": [], "error_exposures": [], "secret_literals": [], "comparisons": [],
	"jwt_parses": [], "skipped": [],
}

# go_input is a facts document with only the given Go facts set.
go_input(fields) := {"files": [], "env": [], "dockerfile": [], "compose": [], "go": object.union(go_empty, fields)}

# go_lit is a Go literal value written at line.
go_lit(v, line) := {"text": json.marshal(v), "line": line, "known": true, "value": v, "type": go_type_of(v), "source": "literal"}

# go_name is an unresolved name (a variable).
go_name(text, line) := {"text": text, "line": line, "known": false, "value": null, "type": "name", "source": "expr"}

# go_qual is a package-level name of another package, e.g. tls.VersionTLS10 with its value.
go_qual(q, v, line) := {"text": q, "line": line, "known": true, "value": v, "type": go_type_of(v), "source": "known", "qualname": q}

# go_list is a slice literal of values.
go_list(items, line) := {"text": "[]T{...}", "line": line, "known": false, "value": null, "type": "list", "source": "expr", "items": items}

# go_func returns a function literal that returns the given values.
go_func(returns, line) := {"text": "func(...) {...}", "line": line, "known": false, "value": null, "type": "func", "source": "expr", "returns": returns}

go_type_of(v) := "bool" if is_boolean(v)
else := "string" if is_string(v)
else := "number" if is_number(v)
else := "list" if is_array(v)
else := "nil"

# go_composite is a struct literal of type typ with fields.
go_composite(path, line, typ, fields) := {"path": path, "line": line, "function": "main", "type": typ, "var": "", "fields": fields, "set_later": []}

# go_call is a call of package function callee.
go_call(path, line, callee, args) := {"path": path, "line": line, "function": "main", "callee": callee, "method": "", "recv": "", "recv_from": "", "args": args}

# go_method is a method call on recv.
go_method(path, line, recv, method, args) := {"path": path, "line": line, "function": "main", "callee": "", "method": method, "recv": recv, "recv_from": "", "args": args}

# go_testfile is a files entry for a Go test file.
go_testfile(path) := {"path": path, "package": "main", "test": true}
