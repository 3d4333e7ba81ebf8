// Package scan holds pipeguard's vocabulary: the one Finding type that every
// scanner produces, the Report that reporters render, the Scanner interface,
// and Run, which runs scanners concurrently over a Target.
//
// The flow is one-directional:
//
//	options -> target -> scanners (secrets, deps, config) -> findings
//	        -> suppressions -> gate -> reporters and publishers
//
// Package scan knows nothing of gitleaks, OPA or GitHub; those live in the
// sub-packages that plug into it.
package scan
