# Builders of facts for the rules' unit tests (compiled by `policy test`
# only). They follow policies/facts.schema.json.
package pipeguard.testlib

# lit is a value written right there as a literal.
lit(v, line) := {"text": json.marshal(v), "line": line, "known": true, "value": v, "type": type_of(v), "source": "literal", "def_line": line}

# lits is a list literal whose items are written on line.
lits(vs, line) := object.union(lit(vs, line), {"items": [lit(v, line) | some v in vs], "type": "list"})

# from_env is a value read from an environment variable: never known.
from_env(name, line) := {"text": sprintf("os.getenv(%q)", [name]), "line": line, "known": false, "value": null, "type": "call", "source": "env", "env_var": name}

# settings_value is a use of a settings field whose default is v, written
# in def_path at def_line.
settings_value(v, line, def_path, def_line) := {"text": "settings.x", "line": line, "known": true, "value": v, "type": type_of(v), "source": "settings", "def_path": def_path, "def_line": def_line}

# name_value is a reference to something unknown (a variable).
name_value(text, line) := {"text": text, "line": line, "known": false, "value": null, "type": "name", "source": "expr"}

# qual is a name resolved through imports, e.g. ssl.CERT_NONE.
qual(q, line) := {"text": q, "line": line, "known": false, "value": null, "type": "attribute", "source": "expr", "qualname": q}

type_of(v) := "bool" if is_boolean(v)

else := "str" if is_string(v)

else := "int" if is_number(v)

else := "list" if is_array(v)

else := "dict" if is_object(v)

else := "none"

# file is a files entry.
file(path, kind) := {"path": path, "kind": kind, "project": ".", "tracked": true, "test": false, "template": false}

testfile(path) := object.union(file(path, "python"), {"test": true})

# middleware is a middleware entry of class cls added at line with args.
middleware(cls, line, args) := {
	"class": cls, "qualname": sprintf("starlette.middleware.x.%s", [cls]), "path": "app/main.py", "line": line, "end_line": line,
	"via": "add_middleware", "args": args, "positional": [], "headers_set": [],
}

# app is a FastAPI app at app/main.py:10 with the given fields replaced.
app(fields) := object.union(
	{
		"path": "app/main.py", "line": 10, "end_line": 10, "project": ".", "framework": "fastapi", "var": "app", "module": "app.main",
		"args": {}, "positional": [], "attributes": [],
		"docs": {
			"docs_url": {"state": "default", "path": "app/main.py", "line": 10},
			"redoc_url": {"state": "default", "path": "app/main.py", "line": 10},
			"openapi_url": {"state": "default", "path": "app/main.py", "line": 10},
		},
		"dependencies": [], "middleware": [], "http_middleware": [], "routes": [], "routers": [], "response_headers": [],
		"has_auth": false, "password_form": false, "rate_limiter": false,
		"tls": {"https_redirect": false, "hsts": false, "server_tls": false, "proxy_tls": false},
		"auth_middleware": [], "mounted_in": [],
	},
	fields,
)

# route is a route of app/routers/items.py with the given fields replaced.
route(fields) := object.union(
	{
		"path": "app/routers/items.py", "line": 20, "decorator_line": 19, "url": "/items/", "methods": ["POST"],
		"handler": "create_item", "async": true, "router": "router", "router_path": "app/routers/items.py", "router_line": 5,
		"dependencies": [], "auth": false, "params": [], "request_json_lines": [], "token_url": false, "password_form": false,
		"failure_returns": [], "write_lines": [], "verifies_signature": false,
	},
	fields,
)

# call is a calls entry at app/main.py:line.
call(callee, line, args, positional) := {
	"path": "app/main.py", "line": line, "end_line": line, "callee": callee, "written": callee, "method": method_of(callee), "function": "f",
	"args": args, "positional": positional, "sql_built_with": "none", "credential_arg": false,
}

method_of(callee) := m if {
	parts := split(callee, ".")
	m := parts[count(parts) - 1]
}

# header is a response header set in code.
header(name, value) := {"name": name, "value": value, "known": true, "path": "app/main.py", "line": 30, "function": "add_headers", "class": ""}

# conditional is `a if cond else b` written on line.
conditional(a, b, line) := {"text": "a if c else b", "line": line, "known": false, "value": null, "type": "conditional", "source": "expr", "items": [lit(a, line), lit(b, line)]}

# local is a local variable read on line whose last assignment, on
# def_line, is the literal v.
local(v, line, def_line) := {"text": "x", "line": line, "known": true, "value": v, "type": type_of(v), "source": "local", "def_line": def_line}
