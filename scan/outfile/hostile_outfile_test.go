package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestHostileWrite(t *testing.T) {
	dir := t.TempDir()

	// A new file, then a regular file replaced whole, keeping its mode.
	p := filepath.Join(dir, "report.json")
	if err := Write(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "two" {
		t.Errorf("content %q", data)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", fi.Mode())
	}

	// A symlink stays one; its target is written.
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink("report.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("three"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	if data, _ := os.ReadFile(p); string(data) != "three" {
		t.Errorf("target content %q", data)
	}

	// A FIFO is written to, not replaced.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		data, _ := os.ReadFile(fifo)
		got <- string(data)
	}()
	if err := Write(fifo, []byte("through"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through" {
		t.Errorf("FIFO reader got %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode().Type() != fs.ModeNamedPipe {
		t.Errorf("FIFO is now %v", fi.Mode())
	}

	// A device like /dev/null, made here (root only), stays a device.
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err == nil {
		if err := Write(dev, []byte("gone"), 0o644); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Lstat(dev); fi.Mode().Type() != fs.ModeDevice|fs.ModeCharDevice {
			t.Errorf("device is now %v", fi.Mode())
		}
	}

	// A folder is an error, and stays a folder.
	if err := Write(dir, []byte("x"), 0o644); err == nil {
		t.Error("writing over a folder succeeded")
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".tmp" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
