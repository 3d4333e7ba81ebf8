package facts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// bigPython is a valid Python module of about n bytes.
func bigPython(n int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "def handler_%d(request, value=%d):\n    if value > %d:\n        return {'n': value, 'k': [1, 2, 3]}\n    return None\n\n", i, i, i/2)
	}
	return []byte(b.String())
}

// A context cancelled before or during a parse stops it with the context's
// error; it never panics (go-tree-sitter's ParseCtx stored through a nil
// cancellation flag, killing the process on SIGINT during a config scan),
// and the parser is fit for the next file.
func TestHostileParseCancelled(t *testing.T) {
	lang := newPyLang()
	p, err := lang.newParser()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := p.parse(ctx, []byte("x = 1\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: %v, want context.Canceled", err)
	}

	// Cancel while a large module is being parsed; whichever wins, the
	// parse ends, and the next one works.
	src := bigPython(4 << 20)
	for _, after := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(after); cancel() }()
		n, _, err := p.parse(ctx, src)
		switch {
		case err == nil && n == nil:
			t.Errorf("cancel after %v: no tree and no error", after)
		case err != nil && !errors.Is(err, context.Canceled):
			t.Errorf("cancel after %v: %v, want context.Canceled", after, err)
		}
		cancel()
		n, _, err = p.parse(context.Background(), []byte("def f():\n    return 1\n"))
		if err != nil || n == nil || len(n.children) == 0 {
			t.Fatalf("parse after a cancelled one: %v %v", n, err)
		}
	}
}

// Extract over many Python files, cancelled half-way, returns the
// context's error and nothing else.
func TestHostileExtractCancelled(t *testing.T) {
	dir := t.TempDir()
	var files []scan.File
	src := bigPython(64 << 10)
	for i := range 200 {
		rel := fmt.Sprintf("pkg/m%03d.py", i)
		abs := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, src, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, scan.File{Path: rel, Abs: abs, Size: int64(len(src))})
	}
	for _, after := range []time.Duration{0, 2 * time.Millisecond, 30 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(after); cancel() }()
		_, err := Extract(ctx, files, Options{IsTracked: func(string) bool { return true }, Workers: 2})
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("cancel after %v: %v", after, err)
		}
		cancel()
	}
}
