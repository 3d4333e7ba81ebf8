package suppress

import (
	"context"
	"path"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/facts"
	"github.com/pipeguard/pipeguard/scan/gofacts"
)

// maxStatementSource is the largest source file whose statements are read
// for suppression comments; a larger one is matched line by line only.
const maxStatementSource = 4 << 20

// markers are the words of every suppression comment: a file without any
// is not parsed.
// (noqa in any case, as flake8 reads it).
var markers = []string{"pipeguard:ignore", "nosec", "gosec:disable", "noqa", "gitleaks:allow", "nolint:"}

// statement returns the innermost statement of f's file that holds f's
// line, when the file is Python or Go source that holds a suppression
// comment somewhere. The statements are those the facts extractors read
// (facts.Statements, gofacts.Statements), of the file's content the
// finding was found in (its commit for history), read once per file.
func (a *applier) statement(ctx context.Context, f *scan.Finding, lines []string) (scan.Statement, bool) {
	stmts := a.statements(ctx, f, lines)
	return scan.InnermostStatement(stmts, f.Line)
}

// ownLine reports whether line l belongs to statement s itself rather than
// to a statement nested in it (a function literal's, in Go).
func (a *applier) ownLine(f *scan.Finding, l int, s scan.Statement) bool {
	in, ok := scan.InnermostStatement(a.stmts[f.Commit+":"+f.Path], l)
	return ok && in == s
}

func (a *applier) statements(ctx context.Context, f *scan.Finding, lines []string) []scan.Statement {
	key := f.Commit + ":" + f.Path
	if st, ok := a.stmts[key]; ok {
		return st
	}
	var st []scan.Statement
	ext := strings.ToLower(path.Ext(f.Path))
	if ext == ".go" || ext == ".py" || ext == ".pyi" {
		src := strings.Join(lines, "\n")
		if len(src) <= maxStatementSource && hasMarker(src) {
			if ext == ".go" {
				st = gofacts.Statements([]byte(src))
			} else if s, err := facts.Statements(ctx, []byte(src)); err == nil {
				st = s
			}
		}
	}
	a.stmts[key] = st
	return st
}

func hasMarker(src string) bool {
	src = strings.ToLower(src)
	for _, m := range markers {
		if strings.Contains(src, m) {
			return true
		}
	}
	return false
}
