package hook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipeguard/pipeguard/scan/git"
)

// Marker is the line that marks a hook script as pipeguard's own: install
// overwrites and uninstall removes only scripts that carry it.
const Marker = "# pipeguard-managed-hook: pre-push"

// BackupSuffix is appended to a foreign hook's name when install --force
// moves it aside; uninstall puts it back.
const BackupSuffix = ".pipeguard-backup"

// ErrForeignHook is wrapped by the errors of Install and Uninstall when the
// repository's pre-push hook is not pipeguard's.
var ErrForeignHook = errors.New("pre-push hook not written by pipeguard")

// ErrNotInstalled is wrapped by Uninstall's error when there is no pre-push hook.
var ErrNotInstalled = errors.New("no pre-push hook installed")

// InstallOptions configures Install.
type InstallOptions struct {
	// Dir is any folder of the repository; default the current directory.
	Dir string
	// Binary is the absolute path of the pipeguard executable the hook
	// runs; when it is empty or no longer there, the hook looks for
	// pipeguard on PATH.
	Binary string
	// Force replaces a hook pipeguard did not write, after moving it aside
	// to its name plus BackupSuffix.
	Force bool
}

// Installed says what Install did.
type Installed struct {
	// Path is the hook script written.
	Path string
	// Backup is where a foreign hook was moved; empty when none was.
	Backup string
	// Updated is set when an earlier pipeguard hook was replaced.
	Updated bool
}

// HooksDir returns the folder git reads hooks from for the repository at
// dir, honouring core.hooksPath and linked worktrees.
func HooksDir(ctx context.Context, dir string) (string, error) {
	if dir == "" {
		dir = "."
	}
	// The hooks folder git reads (core.hooksPath, when set): the one
	// command run with the repository's own hooks setting, and it runs none.
	lines, err := git.Runner{Dir: dir, HooksQuery: true}.Lines(ctx, "rev-parse", "--git-path", "hooks")
	if err != nil || len(lines) != 1 {
		return "", fmt.Errorf("find the git hooks folder of %s: %w", dir, err)
	}
	p := lines[0]
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Abs(p)
}

// Script is the pre-push hook script that runs binary, or pipeguard from
// PATH when binary is empty or gone.
func Script(binary string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(Marker + "\n")
	b.WriteString("# Written by `pipeguard hook install`; remove it with `pipeguard hook uninstall`.\n")
	b.WriteString("# It scans the commits a push would send for secrets and unsafe configuration.\n")
	b.WriteString("# Bypass it once with: git push --no-verify\n")
	fmt.Fprintf(&b, "pipeguard=%s\n", shellQuote(binary))
	b.WriteString(`if [ -z "$pipeguard" ] || [ ! -x "$pipeguard" ]; then
	pipeguard=$(command -v pipeguard) || {
		echo "pipeguard: the pre-push hook cannot find the pipeguard binary; install it on PATH or run 'pipeguard hook install' again (bypass once with: git push --no-verify)" >&2
		exit 1
	}
fi
exec "$pipeguard" hook run pre-push "$@"
`)
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isOurs reports whether the hook file at path was written by pipeguard.
func isOurs(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	for _, l := range bytes.Split(data, []byte("\n")) {
		if string(bytes.TrimSpace(l)) == Marker {
			return true, nil
		}
	}
	return false, nil
}

// Install writes pipeguard's pre-push hook. It replaces an earlier
// pipeguard hook, and refuses to touch any other pre-push hook unless
// opts.Force is set, in which case that hook is first moved aside.
func Install(ctx context.Context, opts InstallOptions) (*Installed, error) {
	hooks, err := HooksDir(ctx, opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		return nil, fmt.Errorf("create hooks folder: %w", err)
	}
	res := &Installed{Path: filepath.Join(hooks, "pre-push")}
	switch ours, err := isOurs(res.Path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read existing hook: %w", err)
	case ours:
		res.Updated = true
	case !opts.Force:
		return nil, fmt.Errorf("%s: %w; it is left alone (use --force to move it to %s and install pipeguard's)", res.Path, ErrForeignHook, filepath.Base(res.Path)+BackupSuffix)
	default:
		res.Backup = res.Path + BackupSuffix
		if _, err := os.Lstat(res.Backup); err == nil {
			return nil, fmt.Errorf("%s: %w, and a backup %s already exists: move one of them away first", res.Path, ErrForeignHook, res.Backup)
		}
		if err := os.Rename(res.Path, res.Backup); err != nil {
			return nil, fmt.Errorf("back up existing hook: %w", err)
		}
	}
	// Write a temporary file and rename it, so that a push running now
	// never sees half a script.
	tmp, err := os.CreateTemp(hooks, ".pre-push.pipeguard-*")
	if err != nil {
		return nil, fmt.Errorf("write hook: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(Script(opts.Binary)); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write hook %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("make hook executable: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write hook %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), res.Path); err != nil {
		return nil, fmt.Errorf("install hook: %w", err)
	}
	return res, nil
}

// Uninstalled says what Uninstall did.
type Uninstalled struct {
	// Path is the hook script removed.
	Path string
	// Restored is set when a hook moved aside by install --force was put back.
	Restored bool
}

// Uninstall removes pipeguard's pre-push hook, and puts back the hook that
// install --force moved aside, if any. Any other hook is left alone.
func Uninstall(ctx context.Context, dir string) (*Uninstalled, error) {
	hooks, err := HooksDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	res := &Uninstalled{Path: filepath.Join(hooks, "pre-push")}
	ours, err := isOurs(res.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", res.Path, ErrNotInstalled)
	case err != nil:
		return nil, fmt.Errorf("read hook: %w", err)
	case !ours:
		return nil, fmt.Errorf("%s: %w; it is left alone", res.Path, ErrForeignHook)
	}
	if err := os.Remove(res.Path); err != nil {
		return nil, fmt.Errorf("remove hook: %w", err)
	}
	backup := res.Path + BackupSuffix
	if _, err := os.Lstat(backup); err == nil {
		if err := os.Rename(backup, res.Path); err != nil {
			return nil, fmt.Errorf("restore %s: %w", backup, err)
		}
		res.Restored = true
	}
	return res, nil
}
