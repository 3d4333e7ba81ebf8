// Package policy runs pipeguard's Rego policies: it loads the built-in
// policies (package policies) and the user's folders, compiles them once in
// a sandbox, and evaluates prepared queries over many inputs. It is a small
// wrapper around OPA (github.com/open-policy-agent/opa/v1), in the manner
// of conftest.
//
// # Sandbox
//
// Policies are Rego v1. They are compiled without http.send, any net.*
// function and opa.runtime (which exposes the environment, CI tokens
// included), and with no host allowed for network access. A policy that
// calls one of them is refused with a *scan.ConfigError naming its file,
// line and the built-in; so is a syntax or compile error. JSON Schema
// built-ins take inline schemas only (sandbox.go). print() is erased
// outside tests. Every evaluation is bounded in time and memory, and stops
// when its context is done (Limits).
//
// # Rule contract
//
// A rule is a Rego package whose METADATA declares custom.id. The built-in
// rules live under pipeguard.rules.<name>; a user's rules may use any
// prefix, and should have a segment named "rules" (acme.rules.<name>,
// user.rules.<name>): a package with such a segment must declare a rule,
// so that a forgotten METADATA block is an error rather than a rule that
// silently never runs. Packages without custom.id and without a "rules"
// segment are helper libraries (or the gate).
//
// The package's METADATA block (scope package, written right above the
// package line) declares the rule:
//
//	# METADATA
//	# title: CORS allows credentials from any origin
//	# description: Starlette reflects the caller's Origin when ...
//	# related_resources:
//	#   - ref: https://www.starlette.io/middleware/#corsmiddleware
//	# custom:
//	#   id: cors-credentials-any-origin
//	#   severity: high
//	#   confidence: high
//	#   remediation: List the trusted origins explicitly.
//	#   tags: [fastapi, cors]
//	package pipeguard.rules.cors_credentials_any_origin
//
// title, custom.id and custom.severity (critical, high, medium, low, info)
// are required; custom.confidence (high, medium, low: how sure the rule is
// that a finding is true) defaults to high; references may be given as related_resources (OPA's field)
// or custom.references (a list of URLs). Ids are unique: a user rule with
// the id of a built-in rule replaces it (the built-in package, and its
// tests, are then left out), and rules can be disabled by id.
//
// The rule reports through a partial set named deny (or findings), over
// the facts document as input:
//
//	deny contains f if {
//		some m in input.middleware
//		...
//		f := {"path": m.path, "line": m.line, "message": "..."}
//	}
//
// Each element is an object with path (string, relative to the scanned
// root), line (integer, 1-based; 0 for the whole file) and message
// (string); optional end_line, column, severity and confidence (they
// override the rule's), tags (added to the rule's) and fingerprint_key: the
// normalized matched text that identifies the finding whatever line it
// moves to. The engine adds the rule's id, title, severity, confidence,
// remediation and references and fingerprints the finding with
// scan.Fingerprint(id, path, fingerprint_key or message). An element that breaks the contract is reported as an error
// of that rule; the other rules go on.
//
// Rules (and the packages they use, and only those) are compiled against
// the facts JSON Schema (policies/facts.schema.json): a reference to a fact
// that does not exist is a *scan.ConfigError at its file and line.
//
// Unit tests are test_* rules in files named *_test.rego; Test runs them
// like `opa test`.
package policy
