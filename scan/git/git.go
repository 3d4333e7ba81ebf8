// Package git is the one place pipeguard runs git: every command gets the
// same environment and the same error handling, and every patch is read by
// the same diff parser.
//
// The environment is chosen so that what git prints, and what it runs,
// depends on the repository's objects and not on the machine or on the
// repository's own configuration:
//
//   - no repository hooks (core.hooksPath=/dev/null), no fsmonitor command,
//     no pager, no external diff or textconv programs, no prompts
//     (GIT_TERMINAL_PROMPT=0, no askpass), no LFS downloads;
//   - no system configuration (GIT_CONFIG_NOSYSTEM=1, GIT_ATTR_NOSYSTEM=1),
//     except its safe.directory entries, which say which repositories the
//     machine trusts; the user's global configuration is read, with every
//     setting that changes git's output overridden on the command line;
//   - no variables that point git at another repository, index or object
//     store, or inject configuration (GIT_DIR, GIT_CONFIG_PARAMETERS...);
//   - replace refs ignored (GIT_NO_REPLACE_OBJECTS=1): a history scan reads
//     the commits as they are, not as a refs/replace/ entry dresses them;
//   - messages in English (LC_ALL=C), so that errors can be recognized.
//
// A failure is an *Error carrying git's own words. A repository git will
// not open because another user owns it (git's "dubious ownership" check)
// is a *scan.ConfigError wrapping an *OwnershipError that says how to
// allow it.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// baseConfig are the -c settings of every command: they turn off whatever
// could run a program or change the output the parsers read.
var baseConfig = []string{
	"core.hooksPath=/dev/null",
	"core.fsmonitor=false",
	"core.pager=cat",
	"core.quotePath=false",
	"color.ui=false",
	"diff.noprefix=false",
	"diff.mnemonicPrefix=false",
	"diff.relative=false",
	"log.showSignature=false",
	"log.showRoot=true",
	"submodule.recurse=false",
	"protocol.ext.allow=never",
	"gc.auto=0",
	"maintenance.auto=false",
}

// fixedEnv are the variables every command gets.
var fixedEnv = []string{
	"GIT_TERMINAL_PROMPT=0",
	"GIT_OPTIONAL_LOCKS=0",
	"GIT_CONFIG_NOSYSTEM=1",
	"GIT_ATTR_NOSYSTEM=1",
	"GIT_NO_REPLACE_OBJECTS=1",
	"GIT_PAGER=cat",
	"PAGER=cat",
	"GIT_LFS_SKIP_SMUDGE=1",
	"GCM_INTERACTIVE=never",
	"LC_ALL=C",
}

// droppedEnv are variables of the caller's environment that git never
// sees: they would point it at another repository, inject configuration,
// or run programs.
var droppedEnv = map[string]bool{
	"GIT_DIR": true, "GIT_WORK_TREE": true, "GIT_INDEX_FILE": true, "GIT_COMMON_DIR": true,
	"GIT_OBJECT_DIRECTORY": true, "GIT_ALTERNATE_OBJECT_DIRECTORIES": true, "GIT_NAMESPACE": true,
	"GIT_PREFIX": true, "GIT_SHALLOW_FILE": true, "GIT_GRAFT_FILE": true, "GIT_REPLACE_REF_BASE": true,
	"GIT_CONFIG": true, "GIT_CONFIG_PARAMETERS": true, "GIT_CONFIG_COUNT": true, "GIT_CONFIG_SYSTEM": true,
	"GIT_EXTERNAL_DIFF": true, "GIT_DIFF_OPTS": true, "GIT_EDITOR": true, "GIT_SEQUENCE_EDITOR": true,
	"GIT_ASKPASS": true, "SSH_ASKPASS": true, "GIT_PAGER": true, "PAGER": true,
	"LC_ALL": true, "LANG": true, "LANGUAGE": true, "LC_MESSAGES": true,
}

// Runner runs git in one folder with pipeguard's environment. The zero
// value runs in the current folder. Env and Config add to the environment
// and settings (the audit's credential helper, a size threshold); they
// never remove any.
type Runner struct {
	// Dir is the folder git runs in; "" is the current folder.
	Dir string
	// Env are extra KEY=VALUE variables.
	Env []string
	// Config are extra key=value settings, given with -c.
	Config []string
	// HooksQuery keeps the repository's core.hooksPath, for a command that
	// asks where the hooks are (rev-parse --git-path hooks, for hook
	// install) and runs none.
	HooksQuery bool
}

// At returns a Runner for dir with r's extras.
func (r Runner) At(dir string) Runner {
	r.Dir = dir
	return r
}

// With returns a Runner with more -c settings.
func (r Runner) With(config ...string) Runner {
	r.Config = append(append([]string(nil), r.Config...), config...)
	return r
}

// Command returns the git command for args. Callers that only want the
// output use Run; Command is for streams (a log piped into the diff
// parser, a cat-file batch).
func (r Runner) Command(ctx context.Context, args ...string) *exec.Cmd {
	full := make([]string, 0, 2*(len(baseConfig)+len(r.Config))+len(args)+4)
	full = append(full, "--no-pager")
	for _, c := range baseConfig {
		if r.HooksQuery && strings.HasPrefix(c, "core.hooksPath=") {
			continue
		}
		full = append(full, "-c", c)
	}
	for _, d := range trustedDirs() {
		full = append(full, "-c", "safe.directory="+d)
	}
	for _, c := range r.Config {
		full = append(full, "-c", c)
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = r.Dir
	cmd.Env = environ(r.Env)
	// A killed git may leave children holding its pipes: do not wait for
	// them for ever.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Run runs git args and returns its standard output.
func (r Runner) Run(ctx context.Context, args ...string) ([]byte, error) {
	return r.RunInput(ctx, nil, args...)
}

// RunInput runs git args with stdin as its standard input.
func (r Runner) RunInput(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := r.Command(ctx, args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), r.failure(ctx, args, stderr.String(), err)
	}
	return stdout.Bytes(), nil
}

// Lines runs git args and returns the non-empty lines of its output.
func (r Runner) Lines(ctx context.Context, args ...string) ([]string, error) {
	return r.LinesInput(ctx, nil, args...)
}

// LinesInput is Lines with a standard input.
func (r Runner) LinesInput(ctx context.Context, stdin io.Reader, args ...string) ([]string, error) {
	out, err := r.RunInput(ctx, stdin, args...)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// failure turns a failed command into the error callers see: the
// context's error when the command was cancelled (never a made-up git
// failure), the ownership error when git refused the repository, and an
// *Error otherwise.
func (r Runner) failure(ctx context.Context, args []string, stderr string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// A terminal's Ctrl-C reaches the whole process group: a git child
	// killed by it was interrupted, it did not fail (an unknown revision
	// must not be reported for it).
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && (ws.Signal() == syscall.SIGINT || ws.Signal() == syscall.SIGTERM) {
			return fmt.Errorf("git %s: %w", args[0], scan.ErrInterrupted)
		}
	}
	if oe := ownership(stderr); oe != nil {
		return &scan.ConfigError{Err: oe}
	}
	return &Error{Args: args, Stderr: strings.TrimSpace(stderr), Err: err}
}

// Wait waits for a command started with Command and returns the same error
// Run would: stderr is the command's standard error, read only once the
// command has ended (its copy goroutine writes it until then).
func (r Runner) Wait(ctx context.Context, cmd *exec.Cmd, args []string, stderr fmt.Stringer) error {
	if err := cmd.Wait(); err != nil {
		return r.failure(ctx, args, stderr.String(), err)
	}
	return nil
}

// Error is a git command that failed.
type Error struct {
	Args   []string
	Stderr string // git's standard error, trimmed
	Err    error  // how the process ended
}

func (e *Error) Error() string {
	sub := "git"
	if len(e.Args) > 0 {
		sub = "git " + e.Args[0]
	}
	if msg := lastLines(e.Stderr, 3); msg != "" {
		return sub + ": " + msg
	}
	return fmt.Sprintf("%s: %v", sub, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// lastLines keeps the last n non-blank lines of s, joined with " / ":
// git puts the reason last ("fatal: ...").
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "hint:") {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}

// ErrDubiousOwnership is wrapped by an *OwnershipError.
var ErrDubiousOwnership = errors.New("dubious ownership")

// OwnershipError is a repository git refuses to read because it belongs to
// another user than the one running git, and no safe.directory entry
// allows it.
type OwnershipError struct {
	// Dir is the repository git named.
	Dir string
}

func (e *OwnershipError) Error() string {
	return fmt.Sprintf("git refuses to read the repository at %s: it is owned by another user than the one running pipeguard "+
		"(git's \"dubious ownership\" protection, common in CI containers that check out as one user and run as another); "+
		"if you trust this repository, allow it with: git config --global --add safe.directory %s", e.Dir, e.Dir)
}

func (e *OwnershipError) Unwrap() error { return ErrDubiousOwnership }

// ownership recognizes git's refusal to open a repository owned by
// another user.
func ownership(stderr string) *OwnershipError {
	const marker = "detected dubious ownership in repository at '"
	i := strings.Index(stderr, marker)
	if i < 0 {
		return nil
	}
	rest := stderr[i+len(marker):]
	dir, _, _ := strings.Cut(rest, "'\n")
	dir = strings.TrimSuffix(dir, "'")
	return &OwnershipError{Dir: dir}
}

// environ is the caller's environment without droppedEnv and injected
// configuration, plus fixedEnv and extra.
func environ(extra []string) []string {
	env := os.Environ()
	out := make([]string, 0, len(env)+len(fixedEnv)+len(extra))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if droppedEnv[k] || strings.HasPrefix(k, "GIT_CONFIG_KEY_") || strings.HasPrefix(k, "GIT_CONFIG_VALUE_") {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, fixedEnv...)
	return append(out, extra...)
}

var (
	trustedOnce sync.Once
	trusted     []string
)

// trustedDirs are the safe.directory entries of the system configuration,
// read once: the system configuration is otherwise ignored, but which
// repositories the machine trusts is the machine's to say (CI images often
// set safe.directory there).
func trustedDirs() []string {
	trustedOnce.Do(func() { trusted = systemSafeDirs() })
	return trusted
}

// systemSafeDirs reads the safe.directory entries of the system
// configuration (GIT_CONFIG_SYSTEM, or git's own file); none when
// GIT_CONFIG_NOSYSTEM is set.
func systemSafeDirs() []string {
	if os.Getenv("GIT_CONFIG_NOSYSTEM") != "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "config", "--system", "--get-all", "safe.directory")
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		return nil // no system file, or no entry
	}
	var dirs []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			dirs = append(dirs, l)
		}
	}
	return dirs
}

// Run runs git args in dir with the default Runner.
func Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return Runner{Dir: dir}.Run(ctx, args...)
}

// Lines runs git args in dir and returns the non-empty lines of its output.
func Lines(ctx context.Context, dir string, args ...string) ([]string, error) {
	return Runner{Dir: dir}.Lines(ctx, args...)
}

// Command returns the git command for args, run in dir.
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	return Runner{Dir: dir}.Command(ctx, args...)
}
