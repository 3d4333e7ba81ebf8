# METADATA
# title: Auto-reload enabled in deployment
# description: |
#   The server is started with --reload in a Dockerfile CMD/ENTRYPOINT, a
#   compose command or a Procfile. The reloader is a development tool: it
#   watches the file system, restarts on any change and costs resources;
#   a process that reloads code it finds on disk should not serve
#   production traffic. Files named for development (Dockerfile.dev,
#   docker-compose.override.yml, compose.local.yaml) are not reported.
# related_resources:
#   - ref: https://www.uvicorn.org/settings/#development
#   - ref: https://fastapi.tiangolo.com/deployment/manually/
#   - ref: https://owasp.org/Top10/A05_2021-Security_Misconfiguration/
# custom:
#   id: autoreload-enabled
#   severity: medium
#   confidence: high
#   remediation: Drop --reload from deployment commands; use it only in a local development command.
#   tags: [deployment, uvicorn]
package pipeguard.rules.autoreload_enabled

import data.pipeguard.lib

deny contains f if {
	some c in lib.commands
	lib.has_flag(c.args, "--reload")
	not lib.dev_file(c.path)
	f := lib.report(c.path, c.line, sprintf("%s starts the server with --reload", [c.where]), c.where)
}
