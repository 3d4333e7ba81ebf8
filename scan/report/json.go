package report

import (
	"encoding/json"
	"io"

	"github.com/pipeguard/pipeguard/scan"
)

// JSON writes the report's stable JSON form (the scan.Report struct tags),
// indented, findings in deterministic order. Findings, errors, skipped and
// scanners are always arrays, never null, so the output is valid for an
// empty or failed report too.
func JSON(w io.Writer, rep *scan.Report) error {
	v := newView(rep)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v.rep)
}
