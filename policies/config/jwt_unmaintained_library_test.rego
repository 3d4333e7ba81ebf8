package pipeguard.rules.jwt_unmaintained_library_test

import data.pipeguard.rules.jwt_unmaintained_library as rule

imp(line, module, names) := {"path": "app/auth.py", "line": line, "module": module, "names": names, "level": 0}

test_jose_imports_once_per_file if {
	other := object.union(imp(4, "jose.jwt", []), {"path": "app/other.py"})
	i := {"files": [], "imports": [imp(2, "jose.exceptions", ["ExpiredSignatureError"]), imp(1, "jose", ["jwt", "JWTError"]), imp(3, "fastapi", ["Depends"]), other]}
	{[f.path, f.line] | some f in rule.deny} == {["app/auth.py", 1], ["app/other.py", 4]} with input as i
}

test_pyjwt_and_lookalikes if {
	i := {"files": [], "imports": [imp(1, "jwt", []), imp(2, "josepy", []), {"path": "app/auth.py", "line": 3, "module": "jose", "names": ["x"], "level": 1}]}
	count(rule.deny) == 0 with input as i
}
