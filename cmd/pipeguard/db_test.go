package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestDBBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "db")
	src := filepath.Join("..", "..", "testdata", "deps", "go", "vulndb", "ID")
	cmd := newDBCmd()
	var stdout bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetArgs([]string{"build", "--go", src, "--out", out})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "wrote 4 Go advisories") {
		t.Errorf("output %q", stdout.String())
	}
	for _, f := range []string{"index/db.json", "index/modules.json", "index/vulns.json", "ID/GO-2021-0113.json"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}

	for _, args := range [][]string{{"build", "--out", out}, {"build", "--go", filepath.Join(t.TempDir(), "none"), "--out", out}} {
		cmd := newDBCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(args)
		err := cmd.ExecuteContext(context.Background())
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != scan.ExitUsage {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
}
