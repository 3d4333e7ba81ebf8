package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Object is one answer of git cat-file --batch or --batch-check.
type Object struct {
	// Name is what was asked for: an object id or "<rev>:<path>".
	Name string
	// ID, Type and Size describe the object; Type is "" when git has no
	// such object.
	ID   string
	Type string
	Size int64
}

// Stat returns what each name (an object id, or "<rev>:./<path>") is,
// with one git cat-file --batch-check.
func (r Runner) Stat(ctx context.Context, names []string) ([]Object, error) {
	if len(names) == 0 {
		return nil, nil
	}
	for _, n := range names {
		if strings.ContainsAny(n, "\n\r") {
			return nil, fmt.Errorf("look up objects: name %q holds a line break", n)
		}
	}
	lines, err := r.LinesInput(ctx, strings.NewReader(strings.Join(names, "\n")+"\n"),
		"cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)")
	if err != nil {
		return nil, fmt.Errorf("look up %d object(s): %w", len(names), err)
	}
	if len(lines) != len(names) {
		return nil, fmt.Errorf("git cat-file answered %d lines for %d objects", len(lines), len(names))
	}
	out := make([]Object, len(names))
	for i, l := range lines {
		out[i] = Object{Name: names[i]}
		f := strings.Fields(l)
		if len(f) == 3 {
			if n, err := strconv.ParseInt(f[2], 10, 64); err == nil {
				out[i].ID, out[i].Type, out[i].Size = f[0], f[1], n
			}
		}
	}
	return out, nil
}

// ReadObjects reads the objects names name with one git cat-file --batch,
// and calls fn with each one that exists, its content readable from body
// (fn may read all of it, part of it or none: the rest is skipped).
// Objects that do not exist are passed with Type "" and an empty body.
func (r Runner) ReadObjects(ctx context.Context, names []string, fn func(o Object, body io.Reader) error) error {
	if len(names) == 0 {
		return nil
	}
	// git cat-file reads one name a line: a name with a line break (a
	// file named so) cannot be asked for, and reads as missing.
	var asked []string
	for _, n := range names {
		if !strings.ContainsAny(n, "\n\r") {
			asked = append(asked, n)
		}
	}
	args := []string{"cat-file", "--batch"}
	cmd := r.Command(ctx, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	go func() {
		w := bufio.NewWriter(stdin)
		for _, n := range asked {
			w.WriteString(n + "\n")
		}
		w.Flush()
		stdin.Close()
	}()
	br := bufio.NewReaderSize(stdout, 64<<10)
	readErr := func() error {
		for _, n := range names {
			if strings.ContainsAny(n, "\n\r") {
				if err := fn(Object{Name: n}, bytes.NewReader(nil)); err != nil {
					return err
				}
				continue
			}
			header, err := br.ReadString('\n')
			if err != nil {
				return fmt.Errorf("git cat-file: read %s: %w", n, err)
			}
			f := strings.Fields(header)
			if len(f) != 3 {
				// "<name> missing" or "ambiguous"
				if err := fn(Object{Name: n}, bytes.NewReader(nil)); err != nil {
					return err
				}
				continue
			}
			size, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil || size < 0 {
				return fmt.Errorf("git cat-file: bad header %q", strings.TrimSpace(header))
			}
			body := io.LimitReader(br, size)
			ferr := fn(Object{Name: n, ID: f[0], Type: f[1], Size: size}, body)
			// Skip what fn left, and the newline after the content.
			if _, err := io.Copy(io.Discard, body); err != nil {
				return fmt.Errorf("git cat-file: read %s: %w", n, err)
			}
			if _, err := br.Discard(1); err != nil {
				return fmt.Errorf("git cat-file: read %s: %w", n, err)
			}
			if ferr != nil {
				return ferr
			}
		}
		return nil
	}()
	if readErr != nil {
		cmd.Process.Kill()
		cmd.Wait()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return readErr
	}
	return r.Wait(ctx, cmd, args, &stderr)
}

// ReadFilesAt reads many files at many commits with one git process: specs
// are "commit:path", path relative to dir. Files that do not exist at their
// commit, or are not files, are absent from the result.
func ReadFilesAt(ctx context.Context, dir string, specs []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(specs))
	names := make([]string, len(specs))
	for i, s := range specs {
		// "<rev>:./<path>" is relative to the command's folder, which may
		// be a subfolder of the repository.
		rev, p, _ := strings.Cut(s, ":")
		names[i] = rev + ":./" + p
	}
	i := 0
	err := Runner{Dir: dir}.ReadObjects(ctx, names, func(o Object, body io.Reader) error {
		spec := specs[i]
		i++
		if o.Type != "blob" {
			return nil
		}
		data, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		out[spec] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
