package repoconf

import (
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// FuzzParse feeds .pipeguard.yaml files to the parser, as the root file
// and as a subfolder's: it never panics, and refuses with a
// *scan.ConfigError naming the file. Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, root := range []bool{true, false} {
			l, err := Parse(".pipeguard.yaml", data, root)
			if err != nil {
				if !scan.IsConfigError(err) || !strings.HasPrefix(err.Error(), ".pipeguard.yaml") {
					t.Fatalf("error %v is not a configuration error naming the file", err)
				}
				continue
			}
			if _, err := merge(nil, "", ".pipeguard.yaml", l); err != nil && !strings.Contains(err.Error(), "glob") {
				t.Fatalf("a parsed file does not merge: %v", err)
			}
		}
	})
}

// FuzzFloor lays any parsed .pipeguard.yaml over pipeguard's defaults as an
// audit does (LoadFloor): whatever the file says, no rule is disabled, no
// path excluded, no scanner turned off, no blocking floor raised and no
// finding hidden by the report floor. Seeds: testdata/fuzz/FuzzFloor.
func FuzzFloor(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(".pipeguard.yaml", data, true)
		if err != nil {
			return
		}
		s := &Set{}
		base, _ := merge(nil, "", "", nil)
		c, err := merge(base, "", ".pipeguard.yaml", s.tighten(base, ".pipeguard.yaml", l))
		if err != nil {
			return // a bad glob: the load fails as a configuration error
		}
		for _, id := range l.DisableRules {
			if c.RuleDisabled(&scan.Finding{Rule: id}) {
				t.Fatalf("rule %q disabled", id)
			}
		}
		for _, e := range l.Exclude {
			if c.Excluded(strings.TrimSuffix(strings.TrimPrefix(e, "./"), "/")) {
				t.Fatalf("path %q excluded", e)
			}
		}
		for _, n := range scan.AllScanners {
			if !c.Enabled(n) {
				t.Fatalf("scanner %s turned off", n)
			}
			if floorOf(c, n).Rank() > builtinFloor(n).Rank() {
				t.Fatalf("%s floor raised to %s", n, floorOf(c, n))
			}
		}
		if c.Report != "" || c.OnlyNew || c.Baseline != "" || len(c.Policies) > 0 || c.GoVulnDB != "" || c.OSVDB != "" {
			t.Fatalf("a loosening was kept: %+v", c)
		}
		if c.MaxFileSize != 0 && c.MaxFileSize < defaultMaxFileSize {
			t.Fatalf("max_file_size lowered to %d", c.MaxFileSize)
		}
	})
}
