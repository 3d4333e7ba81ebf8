package secrets

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gitleaks/go-gitdiff/gitdiff"
	"github.com/h2non/filetype"
	"github.com/zricethezav/gitleaks/v8/cmd/scm"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect/codec"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/target"
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
				st.skip(scan.Skipped{Path: f.Path, Reason: "unreadable: " + err.Error()})
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

// gitLogSource yields the lines each commit of revs adds, from git log -p.
func gitLogSource(repo *target.Repo, revs ...string) source {
	args := []string{"log", "-p", "-U0", "--full-history", "--diff-filter=tuxdb",
		"--no-color", "--no-ext-diff", "--no-textconv", "--pretty=medium", "--date=default"}
	args = append(append(args, revs...), "--")
	return diffSource(repo, args, true)
}

// stagedSource yields the lines the index adds relative to HEAD.
func stagedSource(repo *target.Repo) source {
	args := []string{"diff", "--cached", "-U0", "--diff-filter=tuxdb",
		"--no-color", "--no-ext-diff", "--no-textconv", "--"}
	return diffSource(repo, args, false)
}

// diffSource streams the patch that git args prints and yields the added
// lines of each hunk. A git failure (a corrupt repository, a missing object)
// is an error: the scan would be silently incomplete otherwise.
func diffSource(repo *target.Repo, args []string, commits bool) source {
	return func(ctx context.Context, rs *ruleSet, st *scanStats, emit func(sources.Fragment) error) error {
		cmd := target.Command(ctx, repo.Root, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("run git %s: %w", args[0], err)
		}
		files, perr := gitdiff.Parse(bufio.NewReaderSize(out, 1<<20))
		var emitErr error
		if perr == nil {
			for f := range files {
				if emitErr != nil {
					continue // drain, so the parser ends
				}
				emitErr = emitFile(f, rs, commits, emit)
			}
		} else {
			for range files {
			}
		}
		_, _ = io.Copy(io.Discard, out)
		werr := cmd.Wait()
		switch {
		case emitErr != nil:
			return emitErr
		case ctx.Err() != nil:
			return ctx.Err()
		case werr != nil:
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = werr.Error()
			}
			return fmt.Errorf("git %s failed (is the repository corrupt?): %s", args[0], firstLine(msg))
		case perr != nil:
			return fmt.Errorf("parse git %s output: %w", args[0], perr)
		}
		return nil
	}
}

// emitFile yields the added lines of one file of a patch, hunk by hunk.
func emitFile(f *gitdiff.File, rs *ruleSet, commits bool, emit func(sources.Fragment) error) error {
	if f.IsDelete || f.IsBinary {
		return nil
	}
	var (
		sha  string
		info *sources.CommitInfo
	)
	if commits && f.PatchHeader != nil {
		sha = f.PatchHeader.SHA
		info = &sources.CommitInfo{SHA: sha, Date: dateOf(f.PatchHeader.AuthorDate), Remote: noRemote}
		if f.PatchHeader.Author != nil {
			info.AuthorName = f.PatchHeader.Author.Name
			info.AuthorEmail = f.PatchHeader.Author.Email
		}
	}
	if f.NewName == rs.path {
		return nil
	}
	for _, tf := range f.TextFragments {
		if tf == nil || tf.LinesAdded == 0 {
			continue
		}
		err := emit(sources.Fragment{
			Raw:        tf.Raw(gitdiff.OpAdd),
			FilePath:   f.NewName,
			StartLine:  int(tf.NewPosition),
			CommitSHA:  sha,
			CommitInfo: info,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// noRemote is the remote of every commit: findings carry no links.
var noRemote = &sources.RemoteInfo{Platform: scm.NoPlatform}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

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
