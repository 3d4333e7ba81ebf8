package github

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// WriteOutputs appends the Action's step outputs to path ($GITHUB_OUTPUT):
// verdict, findings (not suppressed), blocking and sarif-file.
func WriteOutputs(path string, rep *scan.Report, sarifFile string) error {
	if path == "" {
		return fmt.Errorf("write step outputs: no GITHUB_OUTPUT file")
	}
	if rep == nil {
		return fmt.Errorf("write step outputs: no report")
	}
	var b strings.Builder
	for _, kv := range [][2]string{
		{"verdict", string(rep.Verdict)},
		{"findings", fmt.Sprint(len(activeFindings(rep)))},
		{"blocking", fmt.Sprint(len(rep.Blocking()))},
		{"sarif-file", sarifFile},
	} {
		if err := writeOutput(&b, kv[0], kv[1]); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("write step outputs: %w", err)
	}
	_, werr := f.WriteString(b.String())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write step outputs %s: %w", path, werr)
	}
	return nil
}

// writeOutput writes name=value, or the delimiter form for a value with a
// line break, so that no value can inject another output.
func writeOutput(b *strings.Builder, name, value string) error {
	if !strings.ContainsAny(value, "\r\n") {
		fmt.Fprintf(b, "%s=%s\n", name, value)
		return nil
	}
	var r [12]byte
	if _, err := rand.Read(r[:]); err != nil {
		return fmt.Errorf("write step output %s: %w", name, err)
	}
	delim := "ghadelimiter_" + hex.EncodeToString(r[:])
	fmt.Fprintf(b, "%s<<%s\n%s\n%s\n", name, delim, value, delim)
	return nil
}
