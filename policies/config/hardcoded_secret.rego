# METADATA
# title: Hard-coded secret
# description: |
#   A string literal is bound to a secret-like name (secret, password,
#   token, api key, signing/private key): a constant, a settings default,
#   the fallback of an environment or mapping read
#   (os.getenv("SECRET_KEY", "dev-secret"), settings.get("jwt_secret",
#   "...")), a keyword argument of any call (password=,
#   aws_secret_access_key=, SessionMiddleware's secret_key=), a parameter's
#   default, a config mapping (app.config["SECRET_KEY"] = ...), or the key
#   of jwt.encode/decode (written there, or in a variable it passes); or a
#   guessable value given to a secret-like variable in a Dockerfile ENV or
#   a compose environment (SECRET_KEY=secret, ADMIN_PASSWORD=password),
#   also as the default of an interpolation, which runs when the variable
#   is not set (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}), and as
#   the password of a URL there (postgresql://app:${DB_PASS:-app}@db/app).
#   Placeholders that still work as a key ("changeme") count: they are what
#   runs when the environment forgets to set the real value. Empty strings,
#   values that cannot be secrets (enum members, identifiers, key and event
#   names, URLs, "****", "<...>", "${VAR}", "${VAR:?error}"), test files and folders of
#   documentation, examples, fixtures, scripts and benchmarks do not.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/advanced/settings/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
#   - ref: https://cwe.mitre.org/data/definitions/798.html
# custom:
#   id: hardcoded-secret
#   severity: high
#   confidence: high
#   remediation: Read the secret from the environment or a secret manager with no default (pydantic SecretStr field without default), so that a missing value fails at start-up; rotate the exposed one.
#   tags: [secrets]
package pipeguard.rules.hardcoded_secret

import data.pipeguard.lib

# message says where the literal is bound, as the code writes it.
message(s) := sprintf("%s falls back to a hard-coded literal when the environment does not set it (%s%s)", [s.name, s.masked, note[s.placeholder]]) if {
	s.kind == "getenv_default"
} else := sprintf("%s(%q) falls back to a hard-coded literal (%s%s)", [object.get(s, "context", "get"), s.name, s.masked, note[s.placeholder]]) if {
	s.kind == "fallback"
} else := sprintf("%s is hard-coded (%s%s)", [what(s), s.masked, note[s.placeholder]])

what(s) := sprintf("constant %s", [s.name]) if s.kind == "const"

else := sprintf("settings default %s", [s.name]) if s.kind == "settings_default"

else := sprintf("argument %s= of %s", [s.name, object.get(s, "context", "a call")]) if s.kind == "argument"

else := sprintf("default of parameter %s of %s", [s.name, object.get(s, "context", "a function")]) if s.kind == "default_arg"

else := sprintf("%s %s", [object.get(s, "context", "config"), s.name]) if s.kind == "config"

else := "SessionMiddleware secret_key" if s.kind == "session_secret"

else := sprintf("%s key", [object.get(s, "context", "JWT")]) if {
	s.kind == "jwt_key"
	s.name == "key"
} else := sprintf("%s key %s", [object.get(s, "context", "JWT"), s.name]) if s.kind == "jwt_key"

else := s.name

note := {true: ", a placeholder that still works as a key", false: ""}

deny contains f if {
	some s in input.secret_literals
	not s.empty
	not lib.is_test(s.path)
	not outside_app(s.path)
	f := confidence(lib.report_span(s.path, s.line, lib.end_of(s), message(s), concat(":", [s.kind, s.name])), s.kind)
}

# A default (of a settings field, an environment or config read, a
# parameter) is what runs when the deployment does not set the value:
# whether it does is a guess. A literal used as the secret is certain.
confidence(f, kind) := lib.with_confidence(f, "medium") if {
	kind in {"settings_default", "getenv_default", "fallback", "default_arg"}
} else := f

# Guessable secrets in deployment environments: Dockerfile ENV and compose
# environment (not files meant for development or tests only, by their
# name or their folder). Whether the file deploys to production is a
# guess: medium confidence.
deny contains f if {
	some d in input.dockerfile
	d.instruction == "ENV"
	d.weak_secret
	not nonproduction(d.path)
	f := lib.with_confidence(lib.report(d.path, d.line, sprintf("Dockerfile ENV %s is set to a guessable literal (%s)", [d.key, d.value]), concat(":", ["dockerfile", d.key])), "medium")
}

deny contains f if {
	some c in input.compose
	c.key == "environment"
	c.weak_secret
	not nonproduction(c.path)
	f := lib.with_confidence(lib.report(c.path, c.line, compose_message(c), concat(":", ["compose", c.service, c.name])), "medium")
}

# compose_message says which part of the value is guessable: the value
# itself, the default of a ${VAR:-default} interpolation (what runs when
# the deployment does not set VAR), or a URL's password. The value is not
# shown where it is not masked (a URL's, the default's).
compose_message(c) := sprintf("compose environment %s of service %s holds a URL whose password is %s", [c.name, c.service, compose_what(c)]) if {
	c.url_password
} else := sprintf("compose environment %s of service %s is %s", [c.name, c.service, compose_what(c)]) if {
	c.default_of
} else := sprintf("compose environment %s of service %s is set to a guessable literal (%s)", [c.name, c.service, c.value])

compose_what(c) := sprintf("the guessable default of ${%s:-...}, used when %s is not set", [c.default_of, c.default_of]) if {
	c.default_of
} else := "a guessable literal"

# outside_app: code in a folder of documentation, examples, test fixtures,
# developers' scripts (seeding, previews) or benchmarks, which the
# deployed service does not run.
outside_app(path) if in_folder(path, `(?i)^(docs?|examples?|samples?|demos?|fixtures?|tests?|testing|\w*test|e2e|qa|scripts?|bench|benches|benchmarks?)$`)

# nonproduction: a deployment file meant for development or tests only,
# by its name or its folder.
nonproduction(path) if lib.dev_file(path)

nonproduction(path) if in_folder(path, `(?i)^(\.devcontainer|docs?|tests?|testing|\w*test|e2e|integration|examples?|samples?|demos?|fixtures?|dev|development|local|sandbox)$`)

in_folder(path, re) if {
	parts := split(path, "/")
	some i, dir in parts
	i < count(parts) - 1
	regex.match(re, dir)
}
