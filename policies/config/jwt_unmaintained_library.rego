# METADATA
# title: Unmaintained JWT library python-jose
# description: |
#   The code imports jose (python-jose), which has had long gaps without
#   releases and known vulnerabilities (algorithm confusion, JWE decompression
#   bombs: CVE-2024-33663, CVE-2024-33664). FastAPI's documentation moved to
#   PyJWT for this reason.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/#install-pyjwt
#   - ref: https://github.com/fastapi/fastapi/discussions/9587
#   - ref: https://pyjwt.readthedocs.io/en/stable/
# custom:
#   id: jwt-unmaintained-library
#   severity: low
#   confidence: high
#   remediation: Replace python-jose with PyJWT (import jwt; jwt.encode/jwt.decode with algorithms=[...]).
#   tags: [jwt, dependencies]
package pipeguard.rules.jwt_unmaintained_library

import data.pipeguard.lib

jose(m) if m == "jose"

jose(m) if startswith(m, "jose.")

# jose_imports are the imports of python-jose, by file.
jose_imports[i.path] contains [i.line, i.module] if {
	some i in input.imports
	i.level == 0
	jose(i.module)
	not lib.is_test(i.path)
}

# One finding per file, at its first import of jose.
deny contains f if {
	some path, imports in jose_imports
	[line, module] := sort(imports)[0]
	f := lib.report(path, line, sprintf("imports %s (python-jose, unmaintained): use PyJWT", [module]), "jose")
}
