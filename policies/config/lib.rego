# Helpers shared by the built-in config rules, over the facts document
# (policies/facts.schema.json). User rules may use them too:
#
#	import data.pipeguard.lib
package pipeguard.lib

# finding is a finding at loc, an object with path and line.
finding(loc, msg) := {"path": loc.path, "line": loc.line, "message": msg}

# finding_key is a finding at loc with a fingerprint key: the normalized
# matched text that identifies it whatever line it moves to.
finding_key(loc, msg, key) := report(loc.path, loc.line, msg, key)

# report is a finding at path:line with a fingerprint key. Prefer it to
# finding_key with a large fact as loc: OPA walks function arguments.
report(path, line, msg, key) := {"path": path, "line": line, "message": msg, "fingerprint_key": key}

# report_range is report with the last line of the statement to fix:
# line is where to change the code (an argument, a value), end_line where
# the statement ends, so that a review comment covers it.
report_range(path, line, end, msg, key) := object.union(report(path, line, msg, key), {"end_line": max([line, end])})

# at is the place (path, line) of a value written in file path: where the
# resolved value is written when it comes from elsewhere (a settings field,
# a constant), else where the expression is.
at(path, v) := {"path": v.def_path, "line": v.def_line} if {
	v.def_path
	v.def_line
} else := {"path": path, "line": v.def_line} if {
	v.def_line
} else := {"path": path, "line": v.line}

# testfile_paths are the paths of test files (tests/, test_*.py, conftest.py...):
# a set built once (a complete rule: a partial set looked up by key would
# walk every file for each lookup), so that is_test is a hash lookup.
testfile_paths := {f.path | some f in input.files; f.test}

# is_test reports whether path is a test file.
is_test(path) if path in testfile_paths

# example_code: code in a folder of examples, demos, samples or tutorials
# (examples/plugins/example_plugin_server/main.py): shown to readers, not
# deployed as the project's service.
example_code(path) if {
	parts := split(lower(path), "/")
	some dir in array.slice(parts, 0, count(parts) - 1)
	dir in {"example", "examples", "demo", "demos", "sample", "samples", "tutorial", "tutorials", "docs_src"}
}

# python_projects are the projects that hold Python code.
python_projects := {f.project | some f in input.files; f.kind == "python"}

# deploys reports whether the deployment files (nginx, compose...) of
# project p serve the apps of project q, as proxyApplies in scan/facts:
# p is q or a folder above it, or p holds no Python code at all (a
# deploy/ or nginx/ folder serves the repository's apps).
deploys(p, q) if p == q

deploys(p, _) if p == "."

deploys(p, q) if startswith(q, concat("", [p, "/"]))

deploys(p, _) if not p in python_projects

# probe_only: every route of the app (at least one) is a health,
# liveness, readiness or metrics probe, by its URL's last segment or its
# handler's name: a worker's probe server that only an orchestrator or a
# metrics scraper calls, never a browser.
probe_only(app) if {
	count(app.routes) > 0
	every r in app.routes {
		probe_route(r)
	}
}

probe_words := {"health", "healthz", "healthcheck", "livez", "readyz", "ready", "live", "ping", "status", "metrics"}

probe_route(r) if {
	segs := [s | some s in split(lower(r.url), "/"); s != ""]
	count(segs) > 0
	segs[count(segs) - 1] in probe_words
}

probe_route(r) if lower(r.handler) in probe_words

# loopback_only: an app created inside a function (not a module's
# service) is started in code on the loopback interface only
# (uvicorn.run(app, host="127.0.0.1")), and no deployment command serves
# it otherwise: a helper server a command line starts for itself (an
# OAuth callback during login), which no other machine reaches. A
# module-level app run on loopback in its __main__ block is the service
# started for development, and is still judged.
loopback_only(app) if {
	object.get(app, "function", "") != ""
	some c in input.calls
	c.callee == "uvicorn.run"
	c.path == app.path
	c.positional[0].text == app.var
	regex.match(`^(localhost|127\.[0-9.]+|::1)$`, lower(c.args.host.value))
	not served_by_command(app)
}

# served_by_command: a deployment command names the app (module:var).
served_by_command(app) if {
	target := sprintf("%s:%s", [app.module, app.var])
	some cmd in deployment_commands
	contains(cmd, target)
}

deployment_commands contains concat(" ", d.args) if some d in input.dockerfile

deployment_commands contains c.value if {
	some c in input.compose
	is_string(c.value)
}

deployment_commands contains p.command if some p in input.procfile

# known_true and known_false: a resolved boolean, never one read from the
# environment (its value is unknown).
known_true(v) if {
	v.known
	v.value == true
}

known_false(v) if {
	v.known
	v.value == false
}

# known_string is the resolved string value of v.
known_string(v) := v.value if {
	v.known
	is_string(v.value)
}

# known_strings are the resolved strings of a list value, or of a single
# string value.
known_strings(v) := {s | some s in v.value; is_string(s)} if {
	v.known
	is_array(v.value)
} else := {v.value} if {
	v.known
	is_string(v.value)
}

# item_line is the line where string s is written inside list value v (the
# value's own line when the items are not known one by one).
item_line(v, s) := l if {
	some it in v.items
	it.known
	it.value == s
	l := it.line
} else := v.line

# truthy reports whether a configuration string means "on".
truthy(s) if lower(trim_space(s)) in {"1", "true", "yes", "on", "y"}

# named reports whether middleware (or call) class m is name, as written
# or resolved through imports.
named(m, name) if m.class == name

named(m, name) if endswith(m.qualname, concat("", [".", name]))

# routes are every route of every app (once per app), plus the routes of
# routers no app includes. (An array: a set would hash every route.)
routes := array.concat([r | some app in input.apps; some r in app.routes], input.unattached_routes)

# dev_file reports whether a deployment file is meant for development
# only, by its name: docker-compose.override.yml, compose.dev.yaml,
# Dockerfile.dev, .env.local, Procfile.dev...
dev_file(path) if {
	parts := split(path, "/")
	regex.match(`(?i)(^|[._-])(dev|devel|develop|development|local|override|test|testing|debug)([._-]|$)`, parts[count(parts) - 1])
}

# A file in a folder for development, tests or examples is one too:
# docker/dev/compose.yml, e2e/, docker/regtest/, examples/.
dev_file(path) if {
	parts := split(lower(path), "/")
	some dir in array.slice(parts, 0, count(parts) - 1)
	dev_folders[dir]
}

# A deployment file, or its folder, named with one of those words among
# others: docker-compose.integration-tests.yml, sample-app/compose.yml,
# sample_project/docker-compose.yml. (Python modules are not judged by
# such words: app/integration/settings.py is the app's.)
dev_file(path) if {
	not endswith(lower(path), ".py")
	parts := split(lower(path), "/")
	some part in parts
	some word in regex.split(`[._-]+`, part)
	dev_words[word]
}

dev_words := {"dev", "devel", "development", "test", "tests", "testing", "e2e", "integration", "example", "examples", "sample", "samples", "demo", "demos", "qa"}

dev_folders := {
	"dev", "devel", "development", "local", "test", "tests", "testing", "e2e", "regtest", "integration",
	"example", "examples", "sample", "samples", "demo", "demos", "fixtures", "testdata",
	".devcontainer", # the editor's development container
}

# committed_env are the dotenv entries of tracked files that are not
# templates (.env.example and the like).
committed_env contains e if {
	some e in input.env
	e.path in committed_paths
}

# committed_paths are the paths of tracked files that are not templates:
# a set built once (a complete rule: a partial set looked up by key would
# walk every file for each entry), so that committed_env is linear.
committed_paths := {f.path | some f in input.files; f.tracked; not f.template}

# deploy_env are the environment settings of deployment files: committed
# dotenv files, Dockerfile ENV, compose environment. Each is
# {path, line, project, key, value}.
deploy_env contains {"path": e.path, "line": e.line, "project": e.project, "key": e.key, "value": e.value} if {
	some e in committed_env
}

deploy_env contains {"path": d.path, "line": d.line, "project": d.project, "key": d.key, "value": d.value} if {
	some d in input.dockerfile
	d.instruction == "ENV"
}

deploy_env contains {"path": c.path, "line": c.line, "project": c.project, "key": c.name, "value": c.value} if {
	some c in input.compose
	c.key == "environment"
}

# commands are the command lines of deployment files: Dockerfile
# CMD/ENTRYPOINT, compose command/entrypoint, Procfile processes. Each is
# {path, line, project, args, where}.
commands contains {"path": d.path, "line": d.line, "project": d.project, "args": d.args, "where": concat("", ["Dockerfile ", d.instruction])} if {
	some d in input.dockerfile
	d.instruction in {"CMD", "ENTRYPOINT"}
}

commands contains {"path": c.path, "line": c.line, "project": c.project, "args": c.args, "where": sprintf("compose %s of service %s", [c.key, c.service])} if {
	some c in input.compose
	c.key in {"command", "entrypoint"}
}

commands contains {"path": p.path, "line": p.line, "project": p.project, "args": p.args, "where": sprintf("Procfile process %s", [p.process])} if {
	some p in input.procfile
}

# has_flag reports whether command words args pass flag (alone, as
# flag=value, or inside a shell string such as sh -c "uvicorn ... --reload").
has_flag(args, flag) if {
	some a in args
	regex.match(sprintf(`(^|\s)%s(\s|=|$)`, [flag]), a)
}

# flag_value is the value given to flag in command words args: the next
# word, or what follows "flag=" (also inside a shell string).
flag_value(args, flag) := v if {
	some i, a in args
	a == flag
	v := args[i + 1]
} else := v if {
	some a in args
	m := regex.find_all_string_submatch_n(sprintf(`(?:^|\s)%s(?:=|\s+)("[^"]*"|'[^']*'|\S+)`, [flag]), a, 1)
	count(m) > 0
	v := trim(m[0][1], `"'`)
}

# is_cors reports whether middleware m is Starlette's CORSMiddleware.
is_cors(m) if named(m, "CORSMiddleware")

# apps are the applications built outside test files: an app a test
# builds (tests/test_startup.py: app = FastAPI()) is a fixture, never
# deployed.
apps := [app | some app in input.apps; not is_test(app.path)]

# middleware are the middleware entries of those apps added outside test
# files.
middleware := [m | some app in apps; some m in app.middleware; not is_test(m.path)]

# cors_middleware are the CORSMiddleware entries among them.
cors_middleware := [m | some m in middleware; is_cors(m)]

# regex_matches_any reports whether an allow_origin_regex accepts origins
# of any site: Starlette full-matches it against the Origin header, so it
# is tried, anchored, against two unrelated origins.
regex_matches_any(re) if {
	full := concat("", ["^(?:", re, ")$"])
	regex.match(full, "https://attacker.invalid")
	regex.match(full, "http://pipeguard-probe.example.org")
}

# any_origin_line is the line of the argument that makes CORS middleware m
# accept every origin (see any_origin_reason).
any_origin_line(m) := item_line(m.args.allow_origins, "*") if {
	"*" in known_strings(m.args.allow_origins)
} else := m.args.allow_origin_regex.line

# any_origin_reason says how CORS middleware m accepts every origin: "*"
# among allow_origins, or an allow_origin_regex that matches anything.
any_origin_reason(m) := `allow_origins contains "*"` if {
	"*" in known_strings(m.args.allow_origins)
} else := sprintf("allow_origin_regex %q matches any origin", [re]) if {
	re := known_string(m.args.allow_origin_regex)
	regex_matches_any(re)
}

# jwt_decodes are the calls that decode a JWT with PyJWT or python-jose.
jwt_decodes := [c |
	some c in input.calls
	c.method in {"decode", "decode_complete"}
	jwt_module(c.callee)
]

jwt_module(callee) if startswith(callee, "jwt.")

jwt_module(callee) if startswith(callee, "jose.")

jwt_module(callee) if contains(callee, ".jwt.")

# jwt_verification_off lists how the keyword arguments of a jwt.decode call
# turn verification off, each as [line, what]: the line where the value
# is written (options={...} assigned to a variable the call passes).
jwt_verification_off(args) := array.concat(
	[[object.get(v, "def_line", v.line), "options disable verify_signature"] | v := args.options; signature_off(v)],
	[[object.get(v, "def_line", v.line), "verify=False"] | v := args.verify; known_false(v)],
)

signature_off(v) if {
	v.known
	v.value.verify_signature == false
}

signature_off(v) if regex.match(`verify_signature['"]?\s*[:=]\s*False`, v.text)

# report_span is report with end_line, the last line of the statement to
# fix (line is where the value to change is written).
report_span(path, line, end_line, msg, key) := {"path": path, "line": line, "end_line": max([line, end_line]), "message": msg, "fingerprint_key": key}

# with_confidence sets a finding's confidence (high, medium, low) where it
# differs from its rule's METADATA custom.confidence.
with_confidence(f, c) := object.union(f, {"confidence": c})

# maybe_false reports whether a value is False, or a conditional value
# (x if c else y, possibly through a local variable) one of whose values is.
maybe_false(v) if known_false(v)

maybe_false(v) if {
	v.type == "conditional"
	some it in v.items
	known_false(it)
}

# end_of is the last line of an entry's statement (its line in facts
# written before end_line existed).
end_of(x) := object.get(x, "end_line", x.line)

# written is a call's callee as the code writes it (the resolved callee in
# facts written before that field existed).
written(c) := object.get(c, "written", c.callee)
