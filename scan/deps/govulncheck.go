package deps

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	vulnscan "golang.org/x/vuln/scan"
)

// The govulncheck JSON stream (golang.org/x/vuln/internal/govulncheck, which
// cannot be imported): one object per message, exactly one field set.
type gvMessage struct {
	Config   *gvConfig `json:"config,omitempty"`
	Progress *struct{} `json:"progress,omitempty"`
	SBOM     *struct {
		Modules []struct {
			Path    string `json:"path"`
			Version string `json:"version"`
		} `json:"modules"`
	} `json:"SBOM,omitempty"`
	OSV     *osvEntry  `json:"osv,omitempty"`
	Finding *gvFinding `json:"finding,omitempty"`
}

type gvConfig struct {
	ProtocolVersion string     `json:"protocol_version"`
	ScannerName     string     `json:"scanner_name,omitempty"`
	ScannerVersion  string     `json:"scanner_version,omitempty"`
	DB              string     `json:"db,omitempty"`
	DBLastModified  *time.Time `json:"db_last_modified,omitempty"`
	GoVersion       string     `json:"go_version,omitempty"`
	ScanLevel       string     `json:"scan_level,omitempty"`
	ScanMode        string     `json:"scan_mode,omitempty"`
}

type gvFinding struct {
	OSV          string     `json:"osv,omitempty"`
	FixedVersion string     `json:"fixed_version,omitempty"`
	Trace        []*gvFrame `json:"trace,omitempty"`
}

type gvFrame struct {
	Module   string `json:"module"`
	Version  string `json:"version,omitempty"`
	Package  string `json:"package,omitempty"`
	Function string `json:"function,omitempty"`
	Receiver string `json:"receiver,omitempty"`
	Position *struct {
		Filename string `json:"filename,omitempty"`
		Line     int    `json:"line"`
	} `json:"position,omitempty"`
}

// gvOutput is what one govulncheck run said.
type gvOutput struct {
	Config   *gvConfig
	OSVs     map[string]*osvEntry
	Findings []*gvFinding
	// Modules are the modules of the analysed package graph (the SBOM message).
	Modules map[string]bool
	// PeakRSS is the child's peak resident memory in bytes (isolated runs only).
	PeakRSS int64
}

// errMemoryBudget is returned when a govulncheck run went past the memory budget.
var errMemoryBudget = errors.New("memory budget exceeded")

// RunGovulncheck runs govulncheck in this process with args (as given to the
// govulncheck command, e.g. "-format", "json", "-db", URL, "-C", dir,
// "./..."), writing its output to stdout and its diagnostics to stderr, and
// returns the exit code a command should end with. A panic inside the
// calling goroutine becomes exit code 2. It is the body of the hidden
// subcommand that Options.Exec names: run there, a panic in one of
// govulncheck's own goroutines or running out of memory only kills the
// child, never the scan.
func RunGovulncheck(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	err := runInProcess(ctx, args, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		var ec interface{ ExitCode() int }
		if errors.As(err, &ec) && ec.ExitCode() != 0 {
			return ec.ExitCode()
		}
		return 2
	}
	return 0
}

// runInProcess runs govulncheck through golang.org/x/vuln/scan and turns a
// panic in the goroutine that waits for it into an error.
func runInProcess(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("govulncheck panicked: %v\n%s", p, firstLines(debug.Stack(), 10))
		}
	}()
	cmd := vulnscan.Command(ctx, args...)
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Wait()
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// decodeStream reads govulncheck's JSON messages from r as they come.
func decodeStream(r io.Reader, out *gvOutput) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	for {
		var m gvMessage
		err := dec.Decode(&m)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("decode govulncheck output: %w", err)
		}
		switch {
		case m.Config != nil:
			out.Config = m.Config
		case m.OSV != nil:
			out.OSVs[m.OSV.ID] = m.OSV
		case m.Finding != nil:
			out.Findings = append(out.Findings, m.Finding)
		case m.SBOM != nil:
			if out.Modules == nil {
				out.Modules = map[string]bool{}
			}
			for _, mod := range m.SBOM.Modules {
				out.Modules[mod.Path] = true
			}
		}
	}
}

// runner runs govulncheck, in this process or isolated in a child.
type runner struct {
	exec   []string // argv prefix of the isolated child; nil runs in process
	budget int64    // bytes; 0 means none
	env    []string // extra environment for package loading
}

// run runs govulncheck with args and decodes its stream.
func (rn *runner) run(ctx context.Context, args []string) (*gvOutput, error) {
	out := &gvOutput{OSVs: map[string]*osvEntry{}}
	if len(rn.exec) == 0 {
		return out, rn.runHere(ctx, args, out)
	}
	return out, rn.runChild(ctx, args, out)
}

func (rn *runner) runHere(ctx context.Context, args []string, out *gvOutput) error {
	pr, pw := io.Pipe()
	var stderr strings.Builder
	errc := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("govulncheck panicked: %v", p)
			}
			pw.CloseWithError(err)
			errc <- err
		}()
		cmd := vulnscan.Command(ctx, args...)
		cmd.Stdin = strings.NewReader("")
		cmd.Stdout = pw
		cmd.Stderr = &lockedWriter{w: &stderr}
		cmd.Env = append(os.Environ(), rn.env...)
		if err = cmd.Start(); err == nil {
			err = cmd.Wait()
		}
	}()
	derr := decodeStream(pr, out)
	if derr != nil {
		pr.CloseWithError(derr)
	}
	err := <-errc
	if err != nil {
		return gvError(err, stderr.String())
	}
	return derr
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func gvError(err error, stderr string) error {
	msg := strings.TrimSpace(stderr)
	if msg == "" || strings.Contains(err.Error(), msg) {
		return err
	}
	if len(msg) > 2000 {
		msg = msg[:2000] + "..."
	}
	return fmt.Errorf("%w: %s", err, msg)
}

func (rn *runner) runChild(ctx context.Context, args []string, out *gvOutput) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, rn.exec[0], append(append([]string{}, rn.exec[1:]...), args...)...)
	cmd.Env = append(os.Environ(), rn.env...)
	if rn.budget > 0 {
		// The soft limit makes the child's GC work harder before the
		// watcher below has to kill it (see membudget.go).
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+strconv.FormatInt(softLimit(rn.budget), 10))
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start govulncheck child %s: %w", rn.exec[0], err)
	}
	var over bool
	var peak int64
	done := make(chan struct{})
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				rss := processRSS(cmd.Process.Pid)
				if rss > peak {
					peak = rss
				}
				if rn.budget > 0 && rss > rn.budget {
					over = true
					cancel()
					return
				}
			}
		}
	}()
	derr := decodeStream(stdout, out)
	if derr != nil {
		cancel()
	}
	werr := cmd.Wait()
	close(done)
	<-watchDone
	if maxRSS := childMaxRSS(cmd.ProcessState); maxRSS > peak {
		peak = maxRSS
	}
	out.PeakRSS = peak
	if over {
		return fmt.Errorf("%w (%d MiB)", errMemoryBudget, rn.budget>>20)
	}
	if werr != nil {
		if ctx.Err() != nil && derr == nil {
			return ctx.Err()
		}
		return gvError(fmt.Errorf("govulncheck: %w", werr), stderr.String())
	}
	return derr
}

// processRSS is the resident memory of pid in bytes, read from /proc on
// Linux; 0 elsewhere (the budget is then enforced by GOMEMLIMIT alone).
func processRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
