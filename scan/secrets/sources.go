package secrets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/h2non/filetype"
	"github.com/zricethezav/gitleaks/v8/cmd/scm"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect/codec"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/pipeguard/pipeguard/scan"
	pgit "github.com/pipeguard/pipeguard/scan/git" // aliased: the tests have a git helper
)

// treeSource yields each file of the working tree as one fragment, leaving
// out binary files and the paths a global allowlist skips.
func (s *Scanner) treeSource(files []scan.File, l *loaded) source {
	return func(ctx context.Context, rs *ruleSet, st *scanStats, emit func(sources.Fragment) error) error {
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if f.Path == rs.path || pathAllowed(rs, f.Path) {
				continue
			}
			data, err := os.ReadFile(f.Abs)
			if err != nil {
				st.skip(scan.Skipped{Path: f.Path, Reason: "unreadable: " + err.Error(), Kind: scan.SkipUnreadable})
				continue
			}
			if len(data) == 0 || isBinary(data) {
				continue
			}
			if err := emit(sources.Fragment{Raw: string(data), FilePath: f.Path, StartLine: 1}); err != nil {
				return err
			}
		}
		return nil
	}
}

// pathAllowed reports whether a global allowlist skips path.
func pathAllowed(rs *ruleSet, path string) bool {
	for _, a := range rs.allowlists {
		if a.MatchCondition == config.AllowlistMatchOr && a.PathAllowed(path) {
			return true
		}
	}
	return false
}

// isBinary tells binary files the way gitleaks does: by their magic
// numbers, an "application" type being binary.
func isBinary(data []byte) bool {
	head := data
	if len(head) > 8192 {
		head = head[:8192]
	}
	kind, err := filetype.Match(head)
	return err == nil && kind.MIME.Type == "application"
}

// logSource yields the lines each commit of revs adds, from git log -p,
// and tells the meter of ctx (scan.Tick) how many commits are done.
func logSource(repo *pgit.Repo, revs []string, maxSize int64) source {
	return patchSource(repo, maxSize, func(ctx context.Context, fn func(*pgit.FileDiff) error) error {
		tick := commitTicker(ctx, repo, revs)
		defer tick(nil)
		return repo.Log(ctx, revs, pgit.PatchOptions{MaxFileSize: maxSize}, func(f *pgit.FileDiff) error {
			tick(f)
			return fn(f)
		})
	})
}

// commitTicker counts the commits of a log as their files come, for
// scan.Tick; nil, at the end, completes the count (commits without files).
func commitTicker(ctx context.Context, repo *pgit.Repo, revs []string) func(*pgit.FileDiff) {
	if !scan.Metered(ctx) {
		return func(*pgit.FileDiff) {}
	}
	commits, _ := repo.Commits(ctx, revs...)
	total, done, last := len(commits), 0, ""
	scan.Tick(ctx, "commits", 0, total)
	return func(f *pgit.FileDiff) {
		switch {
		case f == nil:
			scan.Tick(ctx, "commits", total, total)
		case f.Commit != nil && f.Commit.ID != last:
			last, done = f.Commit.ID, done+1
			scan.Tick(ctx, "commits", min(done, total), total)
		}
	}
}

// stagedSource yields the lines the index adds relative to HEAD.
func stagedSource(repo *pgit.Repo, maxSize int64) source {
	return patchSource(repo, maxSize, func(ctx context.Context, fn func(*pgit.FileDiff) error) error {
		return repo.Staged(ctx, pgit.PatchOptions{MaxFileSize: maxSize}, fn)
	})
}

// patchSource yields the added lines of each file of a patch, hunk by
// hunk. Files larger than maxSize are not read (git shows them as binary)
// and are reported as skipped. A file git shows as binary is read from
// its blob and scanned whole when it is in fact text: a .gitattributes
// "-diff" must not hide a file from the scan. A git failure (a corrupt
// repository, a missing object) is an error, since the scan would be
// silently incomplete otherwise; a part of the patch that cannot be read
// is recorded in the scan's errors and the rest is scanned.
func patchSource(repo *pgit.Repo, maxSize int64, read func(context.Context, func(*pgit.FileDiff) error) error) source {
	return func(ctx context.Context, rs *ruleSet, st *scanStats, emit func(sources.Fragment) error) error {
		var blobs []*pgit.FileDiff
		err := read(ctx, func(f *pgit.FileDiff) error {
			switch {
			case f.Deleted || f.Submodule || f.NewPath == "" || f.NewPath == rs.path || pathAllowed(rs, f.NewPath):
				return nil
			case f.TooLarge:
				st.skip(tooLarge(f, f.Added, maxSize, "added lines"))
				return nil
			case f.Binary:
				if f.NewID != "" {
					blobs = append(blobs, f)
				}
				return nil
			}
			return emitFile(f, emit)
		})
		var (
			perr pgit.ParseErrors
			gerr *pgit.Error
		)
		switch {
		case errors.As(err, &perr):
			st.fail(scan.Error{Message: perr.Error()})
		case errors.As(err, &gerr):
			return fmt.Errorf("%w (is the repository corrupt?)", err)
		case err != nil:
			return err
		}
		return emitBlobs(ctx, repo, blobs, maxSize, st, emit)
	}
}

// tooLarge is the skipped entry of a file of a patch past the size limit.
func tooLarge(f *pgit.FileDiff, size, limit int64, what string) scan.Skipped {
	sk := scan.Skipped{Path: f.NewPath, Kind: scan.SkipTooLarge,
		Reason: fmt.Sprintf("%s too large: %d bytes (limit %d, --max-file-size)", what, size, limit)}
	if f.Commit != nil {
		sk.Commit = f.Commit.ID
	}
	return sk
}

// emitBlobs reads the blobs of the files git showed as binary, with one
// git process for their sizes and one for their contents, and yields the
// text ones whole; each blob once, for the oldest commit that has it (the
// one that added it; the log lists newest first). Blobs past maxSize are
// reported as skipped, never read.
func emitBlobs(ctx context.Context, repo *pgit.Repo, files []*pgit.FileDiff, maxSize int64, st *scanStats, emit func(sources.Fragment) error) error {
	if len(files) == 0 {
		return nil
	}
	first := map[string]*pgit.FileDiff{}
	var ids []string
	for _, f := range files {
		if _, ok := first[f.NewID]; !ok {
			ids = append(ids, f.NewID)
		}
		first[f.NewID] = f // the last seen is the oldest
	}
	run := repo.Runner()
	objs, err := run.Stat(ctx, ids)
	if err != nil {
		return err
	}
	var read []string
	for _, o := range objs {
		switch {
		case o.Type != "blob":
		case maxSize > 0 && o.Size > maxSize:
			st.skip(tooLarge(first[o.Name], o.Size, maxSize, "file"))
		default:
			read = append(read, o.Name)
		}
	}
	return run.ReadObjects(ctx, read, func(o pgit.Object, body io.Reader) error {
		if o.Type != "blob" || o.Size == 0 {
			return nil
		}
		data, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		if isBinary(data) {
			return nil
		}
		f := first[o.Name]
		sha, info := commitOf(f)
		return emit(sources.Fragment{Raw: string(data), FilePath: f.NewPath, StartLine: 1, CommitSHA: sha, CommitInfo: info})
	})
}

// emitFile yields the added lines of one file of a patch, hunk by hunk.
func emitFile(f *pgit.FileDiff, emit func(sources.Fragment) error) error {
	sha, info := commitOf(f)
	for _, h := range f.Hunks {
		if h.AddedLines == 0 || h.Added == "" {
			continue
		}
		err := emit(sources.Fragment{
			Raw:        h.Added,
			FilePath:   f.NewPath,
			StartLine:  h.NewStart,
			CommitSHA:  sha,
			CommitInfo: info,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// commitOf is the commit of a file of a log, as gitleaks describes it.
func commitOf(f *pgit.FileDiff) (string, *sources.CommitInfo) {
	c := f.Commit
	if c == nil {
		return "", nil
	}
	return c.ID, &sources.CommitInfo{SHA: c.ID, Date: dateOf(c.AuthorDate), Remote: noRemote,
		AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail}
}

// noRemote is the remote of every commit: findings carry no links.
var noRemote = &sources.RemoteInfo{Platform: scm.NoPlatform}

// decoded yields raw and what each round of decoding makes of it, as the
// detector will see them, so that the rules a decoded secret needs are
// compiled too.
func (s *Scanner) decoded(raw string, yield func(string)) {
	yield(raw)
	depth := s.decodeDepth()
	if depth == 0 || !mayHoldEncoded(raw) {
		return
	}
	dec := codec.NewDecoder()
	var segs []*codec.EncodedSegment
	for range depth {
		raw, segs = dec.Decode(raw, segs)
		if len(segs) == 0 {
			return
		}
		yield(raw)
	}
}

// readIgnore reads a .gitleaksignore file: one fingerprint a line,
// "file:rule:line" or "commit:file:rule:line", '#' starting a comment.
func readIgnore(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	slash := strings.NewReplacer("\\", "/")
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ":")
		switch len(parts) {
		case 3:
			parts[0] = slash.Replace(parts[0])
		case 4:
			parts[1] = slash.Replace(parts[1])
		default:
			continue // gitleaks warns and goes on
		}
		set[strings.Join(parts, ":")] = true
	}
	return set, nil
}

// ignored reports whether .gitleaksignore lists f, by its global or its
// commit fingerprint.
func (l *loaded) ignored(f report.Finding) bool {
	if len(l.ignore) == 0 {
		return false
	}
	global := fmt.Sprintf("%s:%s:%d", f.File, f.RuleID, f.StartLine)
	if l.ignore[global] {
		return true
	}
	return f.Commit != "" && l.ignore[f.Commit+":"+global]
}

// fail records a partial failure: the scan goes on, incomplete.
func (st *scanStats) fail(e scan.Error) {
	st.mu.Lock()
	st.errors = append(st.errors, e)
	st.mu.Unlock()
}
