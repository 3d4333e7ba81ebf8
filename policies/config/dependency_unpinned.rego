# METADATA
# title: Dependency not pinned
# description: |
#   A requirements file names a package without an exact version while
#   the project has no lock file. Every build may then install a
#   different, possibly compromised or breaking, release, and what was
#   tested is not what runs.
# related_resources:
#   - ref: https://pip.pypa.io/en/stable/topics/repeatable-installs/
#   - ref: https://pip.pypa.io/en/stable/topics/secure-installs/
#   - ref: https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/
# custom:
#   id: dependency-unpinned
#   severity: low
#   confidence: high
#   remediation: Pin exact versions (package==1.2.3), or generate a lock file (pip-compile --generate-hashes, poetry lock, uv lock).
#   tags: [dependencies]
package pipeguard.rules.dependency_unpinned

import data.pipeguard.lib

locked_projects contains l.project if some l in input.lockfiles

deny contains f if {
	some r in input.requirements
	not r.pinned
	not r.project in locked_projects
	spec := object.get({"": "no version"}, r.spec, r.spec)
	f := lib.report(r.path, r.line, sprintf("%s is not pinned to an exact version (%s) and the project has no lock file", [r.name, spec]), r.name)
}
