// Package policies ships pipeguard's built-in Rego policies in the binary:
// the config rules (config/, one rule per file, each with a _test.rego),
// the default gate (gate/), and the JSON Schemas that document the config
// rules' input (facts.schema.json) and the repository configuration
// (pipeguard.schema.json). README.md explains how to write rules.
package policies

import "embed"

// FS holds every built-in policy file under its folder (config/*.rego,
// gate/*.rego) and the schemas at its root.
//
//go:embed */*.rego *.schema.json
var FS embed.FS

// Names within FS.
const (
	// ConfigDir holds the config scanner's rules.
	ConfigDir = "config"
	// GateDir holds the default gate policy.
	GateDir = "gate"
	// FactsSchema is the JSON Schema of the facts, the input of config rules.
	FactsSchema = "facts.schema.json"
)
