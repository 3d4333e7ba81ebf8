// Package outfile writes the files pipeguard is asked to write (reports,
// baselines, the audit state) the one way: a regular file is replaced
// atomically, so that a reader never sees half of it; anything else (a
// device such as /dev/null, a FIFO, a terminal) is written in place, and
// never replaced by a regular file.
package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path. A missing or regular file is written to a
// temporary file next to it and renamed over it (a new file gets perm, an
// existing one keeps its mode); a symlink is followed to its target; a
// device, FIFO or socket is written in place; a folder is an error.
func Write(path string, data []byte, perm fs.FileMode) error {
	if err := write(path, data, perm, 0); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// maxLinks bounds the symlinks followed.
const maxLinks = 40

func write(path string, data []byte, perm fs.FileMode, depth int) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return replace(path, data, perm)
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		dest, err := os.Readlink(path)
		if err != nil || depth >= maxLinks {
			return inPlace(path, data, perm)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		if _, err := os.Lstat(filepath.Dir(dest)); err != nil {
			// Not a path on this file system (/dev/stdout -> pipe:[123]).
			return inPlace(path, data, perm)
		}
		return write(dest, data, perm, depth+1)
	case fi.IsDir():
		return errors.New("is a folder")
	case fi.Mode().IsRegular():
		return replace(path, data, fi.Mode().Perm())
	}
	// A device, a FIFO, a socket: write to it, do not replace it.
	return inPlace(path, data, perm)
}

// replace writes data to a temporary file in path's folder and renames it
// over path.
func replace(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// inPlace writes data to path as it is.
func inPlace(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
