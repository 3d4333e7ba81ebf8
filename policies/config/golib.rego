# Helpers shared by the built-in rules over the Go facts (input.go, see
# policies/facts.schema.json). User rules may use them too:
#
#	import data.pipeguard.golib
package pipeguard.golib

import data.pipeguard.lib

# norm drops major-version path elements from a qualified name, so that
# one pattern matches every major version:
# github.com/labstack/echo/v4/middleware.CORSConfig -> github.com/labstack/echo/middleware.CORSConfig,
# github.com/golang-jwt/jwt/v5.Parse -> github.com/golang-jwt/jwt.Parse.
norm(q) := regex.replace(q, `/v[0-9]+(/|\.)`, "$1")

# testfile_paths are the Go test files (_test.go): a set built once (a
# complete rule), so that is_test is a hash lookup, not a walk of the files.
testfile_paths := {f.path | some f in input.go.files; f.test}

# is_test reports whether path is a Go test file.
is_test(path) if path in testfile_paths

# composites are the struct literals of type t (normalized), outside tests.
composites(t) := [c | by := composites_by_type; some c in by[t]]

# calls_to are the calls of package function q (normalized), outside tests.
calls_to(q) := [c | by := calls_by_callee; some c in by[q]]

# composites_by_type and calls_by_callee group the struct literals and the
# calls outside tests by normalized type and callee. Taken whole (by :=
# ...), each is built once per evaluation, so that composites and calls_to
# are lookups rather than a walk of every literal or call, with a regular
# expression replace each, at every use.
composites_by_type[t] contains c if {
	some c in input.go.composites
	not is_test(c.path)
	t := norm(c.type)
}

calls_by_callee[q] contains c if {
	some c in input.go.calls
	not is_test(c.path)
	q := norm(c.callee)
}

# returns_true reports whether a function value only ever returns true
# (an AllowOriginFunc that accepts every origin).
returns_true(v) if {
	v.type == "func"
	count(v.returns) > 0
	every r in v.returns {
		lib.known_true(r)
	}
}

# is_set reports whether struct literal c sets field name.
is_set(c, name) if c.fields[name]

# string_list is the known strings of a value: a []string literal, or a
# comma-separated string (fiber's AllowOrigins: "a, b").
string_list(v) := {trim_space(s) | some s in split(v.value, ",")} if {
	v.known
	is_string(v.value)
} else := lib.known_strings(v)

# Private: the CORS configuration of each library, normalized to
# {path, line, what, reason, credentials} where reason says how every
# origin is accepted ("" when it is not).
origin_funcs := {"AllowOriginFunc", "AllowOriginRequestFunc", "AllowOriginVaryRequestFunc", "AllowOriginsFunc"}

any_origin(c, list_field, default_star) := sprintf(`%s contains "*"`, [list_field]) if {
	"*" in string_list(c.fields[list_field])
} else := sprintf("%s returns true for every origin", [name]) if {
	some name in origin_funcs
	returns_true(c.fields[name])
} else := sprintf(`%s is not set (the default is "*")`, [list_field]) if {
	default_star
	not is_set(c, list_field)
	every name in origin_funcs {
		not is_set(c, name)
	}
} else := ""

cors_types := {
	"github.com/rs/cors.Options": ["rs/cors Options", "AllowedOrigins", true],
	"github.com/go-chi/cors.Options": ["go-chi/cors Options", "AllowedOrigins", true],
	"github.com/gin-contrib/cors.Config": ["gin-contrib/cors Config", "AllowOrigins", false],
	"github.com/labstack/echo/middleware.CORSConfig": ["echo CORSConfig", "AllowOrigins", true],
	"github.com/gofiber/fiber/middleware/cors.Config": ["fiber cors.Config", "AllowOrigins", true],
}

cors_configs contains {"path": c.path, "line": c.line, "what": spec[0], "reason": reason, "credentials": creds} if {
	some t, spec in cors_types
	some c in composites(t)
	reason := all_origins_reason(c, spec)
	creds := field_true(c, "AllowCredentials")
}

# field_true reports whether struct literal c sets field name to a known true.
field_true(c, name) if lib.known_true(c.fields[name])

default field_true(_, _) := false

all_origins_reason(c, _) := "AllowAllOrigins: true" if {
	lib.known_true(c.fields.AllowAllOrigins)
} else := any_origin(c, spec[1], spec[2]) if {
	spec := cors_types[norm(c.type)]
}

cors_defaults := {
	"github.com/rs/cors.Default": "rs/cors Default() allows every origin",
	"github.com/rs/cors.AllowAll": "rs/cors AllowAll() allows every origin",
	"github.com/go-chi/cors.AllowAll": "go-chi/cors AllowAll() allows every origin",
	"github.com/gin-contrib/cors.Default": "gin-contrib/cors Default() allows every origin",
	"github.com/labstack/echo/middleware.CORS": `echo middleware.CORS() allows every origin (AllowOrigins defaults to "*")`,
}

cors_configs contains {"path": c.path, "line": c.line, "what": what, "reason": what, "credentials": false} if {
	some q, what in cors_defaults
	some c in calls_to(q)
}

# fiber's cors.New() without a Config allows every origin.
cors_configs contains {"path": c.path, "line": c.line, "what": "fiber cors.New()", "reason": `fiber cors.New() without a Config allows every origin`, "credentials": false} if {
	some c in calls_to("github.com/gofiber/fiber/middleware/cors.New")
	count(c.args) == 0
}

# gorilla/handlers.CORS(options...): AllowedOrigins defaults to "*".
cors_configs contains {"path": c.path, "line": c.line, "what": "gorilla handlers.CORS", "reason": reason, "credentials": creds} if {
	some c in calls_to("github.com/gorilla/handlers.CORS")
	reason := gorilla_any(c)
	creds := gorilla_credentials(c)
}

gorilla_any(c) := `AllowedOrigins contains "*"` if {
	some a in c.args
	norm(a.qualname) == "github.com/gorilla/handlers.AllowedOrigins"
	"*" in lib.known_strings(a.args[0])
} else := `no AllowedOrigins option (the default is "*")` if {
	every a in c.args {
		not norm(a.qualname) in {"github.com/gorilla/handlers.AllowedOrigins", "github.com/gorilla/handlers.AllowedOriginValidator"}
	}
} else := ""

gorilla_credentials(c) if {
	some a in c.args
	norm(a.qualname) == "github.com/gorilla/handlers.AllowCredentials"
}

default gorilla_credentials(_) := false

# origin_reflections are handlers that copy the request's Origin header
# into Access-Control-Allow-Origin without checking it first, with whether
# the same function allows credentials.
origin_reflections contains {"path": h.path, "line": h.line, "function": h.function, "credentials": creds} if {
	some h in input.go.header_writes
	lower(h.name) == "access-control-allow-origin"
	lower(h.value.request_header) == "origin"
	not h.guarded
	not is_test(h.path)
	creds := allows_credentials(h.path, h.function)
}

allows_credentials(path, function) if {
	some h in input.go.header_writes
	h.path == path
	h.function == function
	lower(h.name) == "access-control-allow-credentials"
	lower(lib.known_string(h.value)) == "true"
}

default allows_credentials(_, _) := false

# star_headers are handlers that answer Access-Control-Allow-Origin: *.
star_headers contains h if {
	some h in input.go.header_writes
	lower(h.name) == "access-control-allow-origin"
	lib.known_string(h.value) == "*"
	not is_test(h.path)
}

# servers_default_mux are the servers that serve http.DefaultServeMux:
# http.ListenAndServe(addr, nil), http.Serve(l, nil), an http.Server
# without Handler. Each is {path, line, addr} (addr "" when unknown).
servers_default_mux contains {"path": c.path, "line": c.line, "addr": addr(c.args[0])} if {
	some q in {"net/http.ListenAndServe", "net/http.ListenAndServeTLS"}
	some c in calls_to(q)
	nil_handler(c.args[count(c.args) - 1])
}

servers_default_mux contains {"path": c.path, "line": c.line, "addr": ""} if {
	some q in {"net/http.Serve", "net/http.ServeTLS"}
	some c in calls_to(q)
	nil_handler(c.args[1])
}

servers_default_mux contains {"path": c.path, "line": c.line, "addr": server_addr(c)} if {
	some c in composites("net/http.Server")
	not c.fields.Handler
	not handler_set_elsewhere(c.path)
}

# handler_set_elsewhere: the file sets a Handler field through another
# path (s.server.Handler = h), so a literal without one is not evidence.
handler_set_elsewhere(path) if {
	some a in input.go.assignments
	a.path == path
	a.field == "Handler"
}

servers_default_mux contains {"path": c.path, "line": c.line, "addr": server_addr(c)} if {
	some c in composites("net/http.Server")
	nil_handler(c.fields.Handler)
}

server_addr(c) := a if {
	a := lib.known_string(c.fields.Addr)
} else := ""

nil_handler(v) if {
	v.known
	v.value == null
}

nil_handler(v) if norm(v.qualname) == "net/http.DefaultServeMux"

addr(v) := a if {
	a := lib.known_string(v)
} else := ""

# loopback reports whether a listen address only accepts local connections.
loopback(a) if regex.match(`^(localhost|127\.[0-9.]+|\[::1\])(:|$)`, a)

# dir is the folder (the Go package) of a path.
dir(path) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(path, "/")
	count(parts) > 1
} else := "."
