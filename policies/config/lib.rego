# Helpers shared by the built-in config rules. User rules may import them
# too (import data.pipeguard.lib).
package pipeguard.lib

# finding is a finding at loc, an object with path and line.
finding(loc, msg) := {"path": loc.path, "line": loc.line, "message": msg}

# finding_key is a finding at loc with a fingerprint key (the normalized
# matched text), so that moving the code does not change its identity.
finding_key(loc, msg, key) := {"path": loc.path, "line": loc.line, "message": msg, "fingerprint_key": key}
