package audit

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// The audit state written to a device or a FIFO is written to it, not
// replaced by a regular file (run as root, the atomic rename replaced
// /dev/null).
func TestHostileStateToDevice(t *testing.T) {
	dir := t.TempDir()
	targets := map[string]fs.FileMode{}
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err == nil {
		targets[dev] = fs.ModeDevice | fs.ModeCharDevice
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	targets[fifo] = fs.ModeNamedPipe
	for p, mode := range targets {
		done := make(chan []byte, 1)
		if p == fifo {
			go func() {
				data, _ := os.ReadFile(fifo)
				done <- data
			}()
		}
		if err := NewState().Save(p); err != nil {
			t.Fatalf("save to %s: %v", p, err)
		}
		if p == fifo && !strings.Contains(string(<-done), "repositories") {
			t.Error("the FIFO's reader got no state")
		}
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode().Type() != mode {
			t.Errorf("%s is now %v (%v)", p, fi.Mode(), err)
		}
	}
}

// An audit a signal stops ends with exit 130, writes its reports, and
// records the repositories it did not finish as not audited, keeping the
// state of the last complete audit for them.
func TestHostileAuditInterrupted(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	var targets []Target
	for _, name := range []string{"one", "two", "three"} {
		r := gittest.Init(t, filepath.Join(root, "src", name))
		r.CommitFiles("readme", map[string]string{"README.md": "# " + name + "\n"})
		tg, err := ParseSpec(r.Dir, "", "")
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	scanned := 0
	out := filepath.Join(root, "out")
	a, err := Run(ctx, Options{Targets: targets, Out: out, State: filepath.Join(root, "state.json"), Jobs: 1,
		ScanFunc: func(ctx context.Context, o engine.Options) (*scan.Report, error) {
			scanned++
			if scanned == 2 {
				cancel(errors.New("interrupt signal received"))
				return engine.Interrupt(ctx, nil, o.Root, "", scan.TargetInfo{}), nil
			}
			return engine.Scan(ctx, o)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Interrupted || a.ExitCode() != scan.ExitInterrupted {
		t.Errorf("interrupted %v, exit %d", a.Interrupted, a.ExitCode())
	}
	if a.Totals.Pass != 1 || a.Totals.Incomplete != 2 {
		t.Errorf("totals %+v", a.Totals)
	}
	for _, r := range a.Repositories {
		if r.Verdict != scan.Pass && !strings.Contains(r.Error, "interrupted") {
			t.Errorf("%s: verdict %s error %q", r.Name, r.Verdict, r.Error)
		}
	}
	if data, err := os.ReadFile(filepath.Join(out, "audit.json")); err != nil || !strings.Contains(string(data), `"interrupted": true`) {
		t.Errorf("audit.json: %v\n%s", err, data)
	}
}
