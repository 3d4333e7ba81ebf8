package report

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func render(t *testing.T, format string, rep *scan.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(format, &buf, rep, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func TestWriteFormats(t *testing.T) {
	if got, want := Formats, []string{"text", "json", "sarif", "markdown", "github"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Formats = %v, want %v", got, want)
	}
	for _, f := range Formats {
		for _, rep := range []*scan.Report{sampleReport(), emptyReport()} {
			if out := render(t, f, rep, Options{}); strings.TrimSpace(out) == "" && f != FormatGitHub {
				t.Errorf("%s: empty output", f)
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	for _, f := range []string{"xml", "", "sarif2", "text,json"} {
		err := Write(f, &bytes.Buffer{}, sampleReport(), Options{})
		if !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Write(%q) error = %v, want ErrUnknownFormat", f, err)
		}
		if !scan.IsConfigError(err) {
			t.Errorf("Write(%q) error is not a ConfigError (exit 3): %v", f, err)
		}
		if CheckFormat(f) == nil {
			t.Errorf("CheckFormat(%q) = nil", f)
		}
	}
	for _, f := range []string{"SARIF", " json "} {
		if err := CheckFormat(f); err != nil {
			t.Errorf("CheckFormat(%q) = %v", f, err)
		}
	}
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		spec, format, path string
		wantErr            bool
	}{
		{spec: "sarif=out/pipeguard.sarif", format: "sarif", path: "out/pipeguard.sarif"},
		{spec: "Markdown=summary.md", format: "markdown", path: "summary.md"},
		{spec: "json=a=b.json", format: "json", path: "a=b.json"},
		{spec: "sarif", wantErr: true},
		{spec: "sarif=", wantErr: true},
		{spec: "yaml=x.yaml", wantErr: true},
	}
	for _, tt := range tests {
		f, p, err := ParseSpec(tt.spec)
		if tt.wantErr {
			if err == nil || !scan.IsConfigError(err) {
				t.Errorf("ParseSpec(%q) error = %v, want a ConfigError", tt.spec, err)
			}
			continue
		}
		if err != nil || f != tt.format || p != tt.path {
			t.Errorf("ParseSpec(%q) = %q, %q, %v; want %q, %q", tt.spec, f, p, err, tt.format, tt.path)
		}
	}
}

func TestNilReport(t *testing.T) {
	if err := Write(FormatJSON, &bytes.Buffer{}, nil, Options{}); err == nil {
		t.Fatal("Write(nil report) = nil error")
	}
}

// TestDeterministic renders the same report twice, and once more with its
// findings, errors and skipped entries shuffled: every format must give the
// same bytes each time.
func TestDeterministic(t *testing.T) {
	for _, f := range Formats {
		opts := Options{Links: "https://github.com/o/r/blob/abc", MaxAnnotations: 4}
		first := render(t, f, sampleReport(), opts)
		if again := render(t, f, sampleReport(), opts); again != first {
			t.Errorf("%s: two renders differ", f)
		}
		shuffled := sampleReport()
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(shuffled.Findings), func(i, j int) {
			shuffled.Findings[i], shuffled.Findings[j] = shuffled.Findings[j], shuffled.Findings[i]
		})
		r.Shuffle(len(shuffled.Skipped), func(i, j int) { shuffled.Skipped[i], shuffled.Skipped[j] = shuffled.Skipped[j], shuffled.Skipped[i] })
		r.Shuffle(len(shuffled.Scanners), func(i, j int) {
			shuffled.Scanners[i], shuffled.Scanners[j] = shuffled.Scanners[j], shuffled.Scanners[i]
		})
		if got := render(t, f, shuffled, opts); got != first {
			t.Errorf("%s: output depends on the order of the report's slices", f)
		}
	}
}

// TestDoesNotMutate checks that renderers leave the caller's report as it was.
func TestDoesNotMutate(t *testing.T) {
	rep := sampleReport()
	rep.Findings[0], rep.Findings[len(rep.Findings)-1] = rep.Findings[len(rep.Findings)-1], rep.Findings[0]
	before := render(t, FormatJSON, rep, Options{})
	order := []string{rep.Findings[0].Fingerprint, rep.Findings[len(rep.Findings)-1].Fingerprint}
	for _, f := range Formats {
		render(t, f, rep, Options{})
	}
	if got := []string{rep.Findings[0].Fingerprint, rep.Findings[len(rep.Findings)-1].Fingerprint}; !reflect.DeepEqual(got, order) {
		t.Errorf("findings reordered in the caller's report: %v, was %v", got, order)
	}
	if after := render(t, FormatJSON, rep, Options{}); after != before {
		t.Error("report changed by rendering")
	}
}
