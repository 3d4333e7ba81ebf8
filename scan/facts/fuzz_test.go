package facts

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// FuzzExtractPython extracts the facts of one Python file: Extract never
// panics or fails on bad input (a file it cannot parse is Skipped), and
// the facts always encode as the JSON policies read. Seeds:
// testdata/fuzz/FuzzExtractPython.
func FuzzExtractPython(f *testing.F) {
	dir := f.TempDir()
	abs := filepath.Join(dir, "app.py")
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(abs, src, 0o644); err != nil {
			t.Fatal(err)
		}
		files := []scan.File{{Path: "app.py", Abs: abs, Size: int64(len(src))}}
		facts, err := Extract(context.Background(), files, Options{IsTracked: func(string) bool { return true }, Workers: 1})
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		var b bytes.Buffer
		if err := json.NewEncoder(&b).Encode(facts); err != nil {
			t.Fatalf("facts do not encode: %v", err)
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, c := range facts.Calls {
			if c.Path != "app.py" || c.Line < 1 || c.Line > lines {
				t.Fatalf("call at %s:%d of a %d-line file", c.Path, c.Line, lines)
			}
		}
	})
}
