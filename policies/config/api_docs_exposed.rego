# METADATA
# title: API docs exposed in production
# description: |
#   The interactive documentation (/docs, /redoc) and the OpenAPI schema
#   (/openapi.json) are left on (by default or explicitly) while the
#   project shows it runs in production: a committed .env, Dockerfile ENV
#   or compose environment sets ENV, APP_ENV or ENVIRONMENT to prod or
#   production. They map every endpoint and parameter for an attacker.
#   Also reported: docs_url=None while openapi_url still serves the schema
#   (and redoc_url, unless set, the ReDoc page), which hides the page but
#   not what it shows. An app that publishes its docs on purpose is not
#   reported: it disables /docs but sets redoc_url to serve ReDoc instead,
#   or serves a docs page of its own (a route returning
#   get_swagger_ui_html or get_redoc_html, or its own /docs route in place
#   of the built-in one).
# related_resources:
#   - ref: https://fastapi.tiangolo.com/how-to/conditional-openapi/
#   - ref: https://fastapi.tiangolo.com/tutorial/metadata/#docs-urls
#   - ref: https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/
# custom:
#   id: api-docs-exposed
#   severity: low
#   confidence: medium
#   remediation: In production pass docs_url=None, redoc_url=None and openapi_url=None (e.g. from a setting), or protect them with authentication.
#   tags: [fastapi]
package pipeguard.rules.api_docs_exposed

import data.pipeguard.lib

served(d) if d.state in {"default", "set"}

# production is the first deployment setting that marks app's project as
# production.
production(project) := production_hints[project]

# production_hints maps each project to its first production setting: a
# map built once (a complete rule whose inner comprehension OPA indexes by
# project), so that production(project) is a lookup, not a walk of every
# deployment setting for each app.
production_hints := {project: hints[0] |
	some e in production_settings
	project := e[0]
	hints := sort([h | some [p, h] in production_settings; p == project])
}

production_settings := [[e.project, sprintf("%s:%d sets %s=%s", [e.path, e.line, e.key, e.value])] |
	some e in lib.deploy_env
	upper(e.key) in {"ENV", "APP_ENV", "ENVIRONMENT"}
	lower(trim(trim_space(e.value), `"'`)) in {"prod", "production"}
]

problem(project, docs) := msg if {
	not on_purpose(docs)
	hint := production(project)
	on := [name | some name in ["docs_url", "redoc_url", "openapi_url"]; served(docs[name])]
	count(on) > 0
	msg := sprintf("API docs are served in production (%s on; %s)", [concat(", ", on), hint])
} else := msg if {
	docs.docs_url.state == "disabled"
	not on_purpose(docs)
	served(docs.openapi_url)
	msg := hidden_message(docs.redoc_url.state)
}

# on_purpose: the app chose how to publish its docs: it turns the
# built-in page off and serves ReDoc at a URL it sets, or it serves a docs
# page of its own (see docs.pages).
on_purpose(docs) if {
	docs.docs_url.state == "disabled"
	docs.redoc_url.state == "set"
}

on_purpose(docs) if count(object.get(docs, "pages", [])) > 0

hidden_message("disabled") := "docs_url=None and redoc_url=None hide the docs pages, but openapi_url still serves the whole API schema"

hidden_message("default") := "docs_url=None hides the docs page, but ReDoc (/redoc) and openapi_url still serve the whole API schema"

deny contains f if {
	some app in lib.apps
	app.framework == "fastapi"
	msg := problem(app.project, app.docs)
	f := lib.report_range(app.path, problem_line(app), app.end_line, msg, app.var)
}

# problem_line is where docs_url=None is written when the schema is left
# served (openapi_url=None goes there too), else the app's line.
problem_line(app) := app.docs.docs_url.line if {
	not production(app.project)
	app.docs.docs_url.state == "disabled"
} else := app.line
