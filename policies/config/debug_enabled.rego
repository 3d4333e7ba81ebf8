# METADATA
# title: Debug mode enabled
# description: |
#   The application runs with debug on: FastAPI/Starlette(debug=True),
#   app.debug = True, a settings field debug defaulting to True, or
#   DEBUG=true in a committed .env file, a Dockerfile ENV or a compose
#   environment when the application's code gives that variable to the
#   framework's debug switch (FastAPI(debug=settings.DEBUG), app.debug =
#   os.getenv("APP_DEBUG")); a DEBUG the code reads only for a log level
#   is not debug mode (files named for development, such as
#   docker-compose.override.yml or .env.local, or in development, test and
#   example folders, excepted; so are settings classes for development or
#   tests, such as DevAppSettings in settings/development.py). Starlette's debug
#   mode answers every unhandled error with the traceback and local source
#   code.
# related_resources:
#   - ref: https://www.starlette.io/applications/
#   - ref: https://fastapi.tiangolo.com/reference/fastapi/#fastapi.FastAPI--debug
#   - ref: https://owasp.org/Top10/A05_2021-Security_Misconfiguration/
# custom:
#   id: debug-enabled
#   severity: high
#   confidence: high
#   remediation: Leave debug off (the default); if it must be switchable, read it from the environment with a False default.
#   tags: [fastapi, starlette, deployment]
package pipeguard.rules.debug_enabled

import data.pipeguard.lib

framework := {"fastapi": "FastAPI", "starlette": "Starlette"}

# hits are the places where a true debug value is written.
hits contains h if {
	some app in lib.apps
	v := app.args.debug
	lib.known_true(v)
	loc := lib.at(app.path, v)
	h := {"path": loc.path, "line": loc.line, "what": sprintf("%s(debug=%s)", [framework[app.framework], v.text]), "confidence": "high", "end": end_of(loc, app)}
}

hits contains h if {
	some app in lib.apps
	some a in app.attributes
	a.attr == "debug"
	not lib.is_test(a.path)
	lib.known_true(a.value)
	loc := lib.at(a.path, a.value)
	h := {"path": loc.path, "line": loc.line, "what": sprintf("%s = %s", [a.target, a.value.text]), "confidence": "high", "end": loc.line}
}

hits contains h if {
	some s in input.settings
	lower(s.field) == "debug"
	lib.known_true(s.value)
	not dev_settings(s)
	loc := lib.at(s.path, s.value)

	# The environment may override a default.
	h := {"path": loc.path, "line": loc.line, "what": sprintf("settings field %s.%s defaults to True", [s.class, s.field]), "confidence": "medium", "end": loc.line}
}

hits contains h if {
	some e in lib.deploy_env
	debug_key(e.key)
	lib.truthy(e.value)
	not lib.dev_file(e.path)
	not other_tool(e)
	turns_debug_on(e.key)

	# Which environment a deployment file sets up is a guess.
	h := {"path": e.path, "line": e.line, "what": sprintf("%s=%s", [e.key, e.value]), "confidence": "medium", "end": e.line}
}

# turns_debug_on: the application's code turns framework debug on from
# the environment variable key: FastAPI(debug=...), Starlette(debug=...),
# app.debug = ... or uvicorn.run(debug=...) is given that variable (read
# with os.getenv, or a settings field of its name, with or without an
# env_prefix such as APP_). A DEBUG the code only reads for its own
# purposes (a log level, SQL echo) is not debug mode.
turns_debug_on(key) if {
	some v in debug_values
	reads(v, upper(key))
}

# debug_values are the values written to a framework's debug switch.
debug_values contains app.args.debug if some app in lib.apps

debug_values contains a.value if {
	some app in lib.apps
	some a in app.attributes
	a.attr == "debug"
	not lib.is_test(a.path)
}

debug_values contains c.args.debug if {
	some c in input.calls
	c.callee == "uvicorn.run"
	not lib.is_test(c.path)
}

# reads: value v comes from the environment variable key.
reads(v, key) if upper(object.get(v, "env_var", "")) == key

# An environment read whose variable name is not known may be any.
reads(v, _) if {
	v.source == "env"
	object.get(v, "env_var", "") == ""
}

# A settings field, or an attribute named for the variable (config.DEBUG).
reads(v, key) if {
	not v.known
	name := upper(last_name(v))
	name != ""
	name_of_key(name, key)
}

reads(v, key) if {
	v.source == "settings"
	name_of_key(upper(last_name(v)), key)
}

name_of_key(name, key) if name == key

name_of_key(name, key) if endswith(key, concat("", ["_", name]))

# last_name is the last segment of the name a value is read from.
last_name(v) := n if {
	parts := split(object.get(v, "qualname", ""), ".")
	n := parts[count(parts) - 1]
	n != ""
} else := n if {
	regex.match(`^[A-Za-z_][A-Za-z0-9_.]*$`, v.text)
	parts := split(v.text, ".")
	n := parts[count(parts) - 1]
}

# dev_settings: a settings class for development or tests (DevAppSettings,
# TestSettings, LocalConfig), or one in a file named so (settings/dev.py).
dev_settings(s) if lib.dev_file(s.path)

dev_settings(s) if regex.match(`^(Dev|Devel|Development|Local|Test|Testing)[A-Z_]|(Dev|Development|Local|Test|Testing)(App)?(Settings|Config)$`, s.class)

debug_key(k) if upper(k) == "DEBUG"

# other_tool: the debug switch of the tool a compose service runs from
# its image (SOKETI_DEBUG=1 on quay.io/soketi/soketi): that tool's logs,
# not the application's debug mode.
other_tool(e) if {
	some c in input.compose
	c.path == e.path
	c.line == e.line
	c.image != ""
	prefix := lower(split(upper(e.key), "_")[0])
	prefix != "debug"
	contains(lower(c.image), prefix)
}

# APP_DEBUG, FASTAPI_DEBUG, MYSERVICE_DEBUG (a settings env_prefix)... but
# not the debug switches of other tools (SQLALCHEMY_DEBUG echoes SQL).
debug_key(k) if {
	endswith(upper(k), "_DEBUG")
	not regex.match(`^(SQL|SQLALCHEMY|DB|DATABASE|LOG|LOGGING|PYDEVD|PYTHON|CELERY|REDIS)_`, upper(k))
}

deny contains f if {
	some hit in hits
	path := hit.path
	line := hit.line

	# The hits at one place, grouped by an indexed comprehension (a plain
	# assignment that closes over path and line): one pass over the hits.
	group := [[h.what, h.confidence, h.end] | some h in hits; h.path == path; h.line == line]
	here := sort(group)
	[what, _, end] := here[0]
	conf := {true: "high", false: "medium"}[count([1 | some [_, c, _] in here; c == "high"]) > 0]
	f := object.union(lib.report_range(path, line, end, sprintf("debug mode is on: %s", [what]), what), {"confidence": conf})
}

# end_of is the end of the app's construction when the value is written
# in it, else the value's own line.
end_of(loc, app) := app.end_line if {
	loc.path == app.path
	loc.line >= app.line
	loc.line <= app.end_line
} else := loc.line
