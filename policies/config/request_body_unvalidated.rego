# METADATA
# title: Request body parsed by hand
# description: |
#   A route reads the body with await request.json() (or .body()/.form())
#   instead of declaring a Pydantic model parameter. FastAPI then checks
#   neither types, nor required fields, nor sizes, and the OpenAPI schema
#   does not describe the input: mass assignment and type confusion follow.
#   Webhook handlers that verify the sender's signature are not reported:
#   they must read the raw body to check it, and the payload is the
#   sender's, authenticated; nor are handlers that validate what they read
#   against a schema (Model.model_validate(body), a TypeAdapter,
#   jsonschema.validate), as for a YAML or polymorphic body.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/body/
#   - ref: https://fastapi.tiangolo.com/advanced/using-request-directly/
#   - ref: https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/
# custom:
#   id: request-body-unvalidated
#   severity: low
#   confidence: medium
#   remediation: 'Declare the body as a Pydantic model parameter (def create(item: ItemIn)), with field constraints.'
#   tags: [fastapi, validation]
package pipeguard.rules.request_body_unvalidated

import data.pipeguard.lib

deny contains f if {
	some r in lib.routes
	some line in r.request_json_lines
	not r.verifies_signature
	not r.validates_body
	not lib.is_test(r.path)
	f := lib.report(r.path, line, sprintf("%s parses the request body by hand instead of declaring a Pydantic model", [r.handler]), r.handler)
}
