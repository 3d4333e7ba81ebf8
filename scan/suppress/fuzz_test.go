package suppress

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pipeguard/pipeguard/scan"
)

// FuzzParseLine feeds inline suppression comments to the parser: it never
// panics, a directive that suppresses names its rules and a quoted reason,
// and an error message never quotes the comment's free text (the line may
// hold a secret). Seeds: testdata/fuzz/FuzzParseLine.
func FuzzParseLine(f *testing.F) {
	f.Fuzz(func(t *testing.T, line string) {
		for _, d := range parseLine(line) {
			if d.kind != KindInline {
				continue
			}
			if d.err != nil {
				if msg := d.err.Error(); utf8.RuneCountInString(msg) > 200 {
					t.Fatalf("error message of %d runes: %q", utf8.RuneCountInString(msg), msg)
				}
				continue
			}
			if len(d.rules) == 0 || strings.TrimSpace(d.reason) == "" {
				t.Fatalf("a directive without rules or reason suppresses: %+v", d)
			}
			for _, r := range d.rules {
				if r == "" || r == "*" || strings.ContainsAny(r, " \t,") {
					t.Fatalf("rule %q from %q", r, line)
				}
			}
		}
	})
}

// FuzzParseIgnoreFile feeds .pipeguard-ignore.yaml files to the parser: it
// never panics, refuses with a *scan.ConfigError naming the file, and every
// entry it accepts has a reason and names what it suppresses. Seeds:
// testdata/fuzz/FuzzParseIgnoreFile.
func FuzzParseIgnoreFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		ig, err := ParseIgnoreFile(".pipeguard-ignore.yaml", data)
		if err != nil {
			if !scan.IsConfigError(err) || !strings.HasPrefix(err.Error(), ".pipeguard-ignore.yaml") {
				t.Fatalf("error %v is not a configuration error naming the file", err)
			}
			return
		}
		for _, e := range ig.Entries {
			if strings.TrimSpace(e.Reason) == "" || e.Fingerprint == "" && e.Rule == "" && e.Advisory == "" {
				t.Fatalf("accepted entry %+v", e)
			}
		}
	})
}
