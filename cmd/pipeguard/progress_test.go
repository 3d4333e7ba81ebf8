package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

// syncBuffer is a terminal stand-in that the bar's goroutine and the test
// may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestStepBar(t *testing.T) {
	tests := []struct {
		name  string
		delay time.Duration
		ticks func(b *stepBar)
		want  []string // in the output
		none  bool     // nothing drawn
	}{
		{"a step with a total", 0, func(b *stepBar) {
			b.tick("commits", 0, 10)
			b.tick("commits", 3, 10)
		}, []string{"commits", "3/10"}, false},
		{"two steps at once", 0, func(b *stepBar) {
			b.tick("commits", 2, 10)
			b.tick("Go modules audited", 0, 1)
			b.tick("commits", 4, 10)
		}, []string{"commits; Go modules audited 0/1", "4/10"}, false},
		{"a quick step draws nothing", time.Hour, func(b *stepBar) {
			b.tick("commits", 0, 10)
			b.tick("commits", 10, 10)
		}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w syncBuffer
			b := newStepBar(&w, tt.delay)
			tt.ticks(b)
			time.Sleep(300 * time.Millisecond) // past the throttle
			b.tick("late", 1, 2)               // redraws
			out := w.String()
			b.close()
			if tt.none {
				if out != "" {
					t.Errorf("drew %q", out)
				}
				return
			}
			for _, s := range tt.want {
				if !strings.Contains(out, s) {
					t.Errorf("output %q lacks %q", out, s)
				}
			}
		})
	}
}

func TestStepBarCloseTwiceAndNil(t *testing.T) {
	var nilBar *stepBar
	nilBar.close()
	b := newStepBar(&syncBuffer{}, 0)
	b.close()
	b.close()
	b.tick("commits", 1, 2) // after close: ignored
}

// TestHistoryProgress runs a history scan as a user would on a terminal
// (a fake one) and in a pipe: only the terminal gets the bar.
func TestHistoryProgress(t *testing.T) {
	r := gittest.New(t)
	for i := range 30 {
		r.CommitFiles(fmt.Sprintf("c%d", i), map[string]string{"app.py": fmt.Sprintf("print(%d)\n", i)})
	}
	old := progressDelay
	progressDelay = 0
	t.Cleanup(func() { progressDelay = old })
	for _, terminal := range []bool{true, false} {
		t.Run(fmt.Sprintf("terminal=%v", terminal), func(t *testing.T) {
			t.Chdir(r.Dir)
			var out, errb syncBuffer
			code := Main(context.Background(), []string{"scan", "--scanners", "secrets", "--history"}, Streams{
				In: strings.NewReader(""), Out: &out, Err: &errb,
				Getenv:     func(string) string { return "" },
				IsTerminal: func(io.Writer) bool { return terminal },
			})
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			got := errb.String()
			if terminal && !strings.Contains(got, "commits") {
				t.Errorf("no progress bar on a terminal: %q", got)
			}
			if !terminal && strings.Contains(got, "commits") {
				t.Errorf("a bar in a pipe: %q", got)
			}
		})
	}
}
