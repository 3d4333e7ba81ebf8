package hook

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinary writes a stand-in for pipeguard that records its arguments
// and standard input in a file next to it and exits with code.
func fakeBinary(t *testing.T, dir, name, code string) (bin, record string) {
	t.Helper()
	bin = filepath.Join(dir, name)
	record = bin + ".log"
	script := "#!/bin/sh\n{ echo \"args: $*\"; cat; } >> '" + record + "'\nexit " + code + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, record
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInstallRunsBinaryWithGitsArguments(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	bare := r.withRemote()
	bin, record := fakeBinary(t, t.TempDir(), "pipeguard", "0")
	got, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(r.Dir, ".git", "hooks", "pre-push"); got.Path != want {
		t.Errorf("Path = %s, want %s", got.Path, want)
	}
	if st, err := os.Stat(got.Path); err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Fatalf("hook not executable: %v %v", st, err)
	}
	c := r.commit("one", map[string]string{"a.txt": "a\n"})
	r.Git("push", "-q", "origin", "main")
	log := readFile(t, record)
	if !strings.Contains(log, "args: hook run pre-push origin "+bare) {
		t.Errorf("binary ran with %q, want hook run pre-push origin %s", log, bare)
	}
	if !strings.Contains(log, update("refs/heads/main", c, "refs/heads/main", zero)) {
		t.Errorf("binary's stdin %q lacks git's ref update", log)
	}
}

func TestInstallBlockingBinaryRefusesPush(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	bin, _ := fakeBinary(t, t.TempDir(), "pipeguard", "1")
	if _, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: bin}); err != nil {
		t.Fatal(err)
	}
	r.commit("one", nil)
	if out, err := r.try("push", "origin", "main"); err == nil {
		t.Fatalf("push went through a hook that exits 1:\n%s", out)
	}
	if out, err := r.try("push", "--no-verify", "origin", "main"); err != nil {
		t.Fatalf("push --no-verify: %v\n%s", err, out)
	}
}

func TestInstallFallsBackToPath(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	pathDir := t.TempDir()
	_, record := fakeBinary(t, pathDir, "pipeguard", "0")
	t.Setenv("PATH", pathDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	// The binary recorded at install time has gone since.
	if _, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: filepath.Join(t.TempDir(), "gone", "pipeguard")}); err != nil {
		t.Fatal(err)
	}
	r.commit("one", nil)
	r.Git("push", "-q", "origin", "main")
	if log := readFile(t, record); !strings.Contains(log, "args: hook run pre-push origin") {
		t.Errorf("pipeguard from PATH ran with %q", log)
	}
}

func TestInstallNoBinaryBlocks(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	t.Setenv("PATH", filepath.Dir(mustLookGit(t)))
	if _, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: ""}); err != nil {
		t.Fatal(err)
	}
	r.commit("one", nil)
	out, err := r.try("push", "origin", "main")
	if err == nil || !strings.Contains(out, "cannot find the pipeguard binary") {
		t.Fatalf("push without pipeguard: err %v, output:\n%s", err, out)
	}
}

func mustLookGit(t *testing.T) string {
	t.Helper()
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "git")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "pipeguard")); err == nil {
				t.Skip("pipeguard is installed next to git; cannot hide it from PATH")
			}
			return filepath.Join(d, "git")
		}
	}
	t.Skip("git not on PATH")
	return ""
}

func TestInstallHonoursHooksPath(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.Git("config", "core.hooksPath", "githooks")
	got, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: "/opt/pipeguard"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(r.Dir, "githooks", "pre-push"); got.Path != want {
		t.Errorf("Path = %s, want %s", got.Path, want)
	}
	if !strings.Contains(readFile(t, got.Path), "pipeguard='/opt/pipeguard'") {
		t.Errorf("script does not run the given binary:\n%s", readFile(t, got.Path))
	}
}

func TestInstallInLinkedWorktree(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one", nil)
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "-b", "side", wt)
	got, err := Install(ctx, InstallOptions{Dir: wt, Binary: "/opt/pipeguard"})
	if err != nil {
		t.Fatal(err)
	}
	// Hooks are shared by all worktrees: they live in the main .git.
	if want := filepath.Join(r.Dir, ".git", "hooks", "pre-push"); got.Path != want {
		t.Errorf("Path = %s, want %s", got.Path, want)
	}
}

func TestInstallLeavesForeignHookAlone(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	hooks, err := HooksDir(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(hooks, "pre-push")
	foreign := "#!/bin/sh\necho someone else's hook\n"
	if err := os.WriteFile(path, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}

	if _, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: "/opt/pipeguard"}); !errors.Is(err, ErrForeignHook) {
		t.Fatalf("Install over a foreign hook: err = %v, want ErrForeignHook", err)
	}
	if _, err := Uninstall(ctx, r.Dir); !errors.Is(err, ErrForeignHook) {
		t.Fatalf("Uninstall of a foreign hook: err = %v, want ErrForeignHook", err)
	}
	if got := readFile(t, path); got != foreign {
		t.Fatalf("foreign hook changed to:\n%s", got)
	}

	// --force moves it aside; uninstall puts it back.
	got, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: "/opt/pipeguard", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Backup != path+BackupSuffix || readFile(t, got.Backup) != foreign {
		t.Fatalf("Backup = %q, want the foreign hook at %s", got.Backup, path+BackupSuffix)
	}
	if !strings.Contains(readFile(t, path), Marker) {
		t.Fatal("forced install did not write pipeguard's hook")
	}
	// A second forced install must not overwrite the backup with our own hook.
	again, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: "/opt/pipeguard", Force: true})
	if err != nil || !again.Updated || again.Backup != "" {
		t.Fatalf("reinstall: %+v, %v; want an update without a new backup", again, err)
	}
	un, err := Uninstall(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !un.Restored || readFile(t, path) != foreign {
		t.Fatalf("Uninstall %+v; hook now:\n%s", un, readFile(t, path))
	}
	if _, err := os.Stat(path + BackupSuffix); !os.IsNotExist(err) {
		t.Errorf("backup still there: %v", err)
	}
}

func TestUninstall(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	if _, err := Uninstall(ctx, r.Dir); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("Uninstall with no hook: err = %v, want ErrNotInstalled", err)
	}
	got, err := Install(ctx, InstallOptions{Dir: r.Dir, Binary: "/opt/pipeguard"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Updated {
		t.Error("first install reported as an update")
	}
	un, err := Uninstall(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if un.Restored {
		t.Error("Restored set with no backup")
	}
	if _, err := os.Stat(got.Path); !os.IsNotExist(err) {
		t.Errorf("hook still there: %v", err)
	}
}

func TestScriptQuotesBinary(t *testing.T) {
	s := Script("/tmp/it's here/pipeguard")
	if !strings.Contains(s, `pipeguard='/tmp/it'\''s here/pipeguard'`) {
		t.Errorf("path not shell-quoted:\n%s", s)
	}
	if !strings.HasPrefix(s, "#!/bin/sh\n"+Marker+"\n") {
		t.Errorf("script does not start with the shebang and the marker:\n%s", s)
	}
}
