// Package policies ships pipeguard's built-in Rego policies in the binary:
// the config rules (config/, one rule per file, each with a _test.rego) and
// the facts JSON Schema that documents their input.
package policies

import "embed"

// FS holds every built-in policy file, under its folder: config/*.rego,
// gate/*.rego.
//
//go:embed */*.rego
var FS embed.FS

// Folders of FS.
const (
	// ConfigDir holds the config scanner's rules.
	ConfigDir = "config"
	// GateDir holds the default gate policy.
	GateDir = "gate"
)
