package git

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// The diff parser reads what git diff and git log -p print with the flags
// this package gives them: unified hunks (any context), git's extended
// headers, C-quoted names, and, in a log, one commit header line per commit
// (see logFormat). It streams: each file is handed to the caller as soon as
// it is read, and nothing of it is kept afterwards, so memory is bounded by
// one file's added lines, themselves bounded by ParseOptions.MaxBytes.
//
// A part it cannot read (a hunk cut short, a header it does not know) is a
// *ParseError in the error Parse returns; parsing resumes at the next file,
// so the rest of the patch is still read.

// Commit is the header of one commit in a log.
type Commit struct {
	ID          string
	AuthorName  string
	AuthorEmail string
	AuthorDate  time.Time
}

// logFormat is the --format of the logs the parser reads: one line per
// commit, starting with a NUL byte (which no diff line can start with),
// fields separated by NUL.
const logFormat = "--format=%x00%H%x00%an%x00%ae%x00%aI"

// FileDiff is one file's part of a patch.
type FileDiff struct {
	// Commit is the commit of a log; nil in a plain diff.
	Commit *Commit
	// OldPath and NewPath are the file's names before and after; "" for
	// the side that does not exist (an added or a deleted file).
	OldPath, NewPath string
	// OldID and NewID are the blob ids of the index line (full with
	// --full-index); "" when git printed none (a mode change, a rename
	// without edits).
	OldID, NewID                          string
	New, Deleted, Renamed, Copied, Binary bool
	// Submodule is set for a gitlink (mode 160000): the "file" is a
	// submodule's commit.
	Submodule bool
	Hunks     []Hunk
	// Added is how many bytes of added lines the file has, counted even
	// past MaxBytes.
	Added int64
	// TooLarge is set when Added went past ParseOptions.MaxBytes: the
	// hunks' text was dropped (their ranges are kept).
	TooLarge bool
}

// Path is the file's name after the change, or before it for a deletion.
func (f *FileDiff) Path() string {
	if f.NewPath != "" {
		return f.NewPath
	}
	return f.OldPath
}

// Hunk is one hunk of a file's patch.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Added is the hunk's added lines, each ending in a newline (the last
	// one may not, at the end of a file without one); empty with
	// ParseOptions.RangesOnly or when the file is TooLarge.
	Added string
	// AddedLines counts the added lines.
	AddedLines int
	// Runs are the added lines' numbers on the new side, as runs of
	// consecutive lines (a hunk with context lines has several).
	Runs []scan.LineRange
}

// ParseOptions tune Parse.
type ParseOptions struct {
	// MaxBytes bounds the added text kept per file: past it the file is
	// marked TooLarge and its text is dropped. 0 means no bound.
	MaxBytes int64
	// RangesOnly keeps no text at all, only the hunks' ranges.
	RangesOnly bool
}

// ParseError is a part of a patch the parser could not read.
type ParseError struct {
	Line int    // 1-based line of the patch
	Path string // the file it was in, when known
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("line %d (%s): %s", e.Line, e.Path, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// ParseErrors are the problems of one patch, in order.
type ParseErrors []*ParseError

// maxReported is how many problems a ParseErrors names.
const maxReported = 5

func (es ParseErrors) Error() string {
	parts := make([]string, 0, maxReported)
	for i, e := range es {
		if i == maxReported {
			break
		}
		parts = append(parts, e.Error())
	}
	msg := "unreadable git diff output: " + strings.Join(parts, "; ")
	if len(es) > maxReported {
		msg += fmt.Sprintf("; and %d more", len(es)-maxReported)
	}
	return msg
}

// maxHeaderLine bounds a header line (names included); longer is an error.
const maxHeaderLine = 1 << 16

// Parse reads a patch from r and calls fn with each file, in order. An
// error from fn stops it and is returned; otherwise the error is nil, a
// read error, or ParseErrors listing the parts that could not be read
// (every readable file was still handed to fn).
func Parse(r io.Reader, opts ParseOptions, fn func(*FileDiff) error) error {
	p := &parser{r: bufio.NewReaderSize(r, 64<<10), opts: opts, fn: fn}
	return p.run()
}

type parser struct {
	r    *bufio.Reader
	opts ParseOptions
	fn   func(*FileDiff) error

	line   int    // number of the current line
	cur    []byte // the current line, without its newline
	size   int    // the current line's length, newline included, even past cur
	long   bool   // the current line was longer than what cur holds
	pushed bool   // cur is to be read again
	eof    bool

	commit *Commit
	file   *FileDiff
	errs   ParseErrors
	text   strings.Builder // the current hunk's added lines
}

// next reads the next line into p.cur. A line longer than the buffer is
// kept whole when it is added text that fits the file's budget, and
// truncated (p.long) otherwise.
func (p *parser) next(keep func(first byte) bool) (bool, error) {
	if p.pushed {
		p.pushed = false
		return true, nil
	}
	if p.eof {
		return false, nil
	}
	p.line++
	p.long = false
	p.size = 0
	p.cur = p.cur[:0]
	var keeping bool
	first := true
	for {
		chunk, err := p.r.ReadSlice('\n')
		p.size += len(chunk)
		if first && len(chunk) > 0 {
			keeping = keep != nil && keep(chunk[0])
			first = false
		}
		switch {
		case keeping || len(p.cur)+len(chunk) <= maxHeaderLine:
			p.cur = append(p.cur, chunk...)
		default:
			p.long = true
		}
		if keeping && p.budgetExceeded(len(p.cur)) {
			keeping = false
			p.long = true
			p.cur = p.cur[:min(len(p.cur), maxHeaderLine)]
		}
		switch {
		case err == nil:
			p.cur = bytes.TrimSuffix(p.cur, []byte{'\n'})
			return true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			p.eof = true
			if first && len(p.cur) == 0 {
				p.line--
				return false, nil
			}
			return true, nil
		default:
			return false, err
		}
	}
}

// budgetExceeded reports whether n more bytes of added text would take the
// current file past MaxBytes.
func (p *parser) budgetExceeded(n int) bool {
	return p.file != nil && p.opts.MaxBytes > 0 && p.file.Added+int64(n) > p.opts.MaxBytes
}

func (p *parser) fail(format string, a ...any) {
	e := &ParseError{Line: p.line, Msg: fmt.Sprintf(format, a...)}
	if p.file != nil {
		e.Path = p.file.Path()
	}
	p.errs = append(p.errs, e)
}

func (p *parser) run() error {
	for {
		ok, err := p.next(nil)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		line := string(p.cur)
		switch {
		case strings.HasPrefix(line, "\x00"):
			if err := p.flush(); err != nil {
				return err
			}
			p.commitHeader(line)
		case strings.HasPrefix(line, "diff --git "):
			if err := p.flush(); err != nil {
				return err
			}
			p.startFile(line)
		case p.file != nil && strings.HasPrefix(line, "@@"):
			p.hunk(line)
		case p.file != nil && p.long:
			p.fail("header line longer than %d bytes", maxHeaderLine)
		case p.file != nil && p.extended(line):
		case line == "" || strings.HasPrefix(line, "    "):
			// The blank line after a commit header, a message line.
		default:
			p.fail("unexpected line %q", clip(line))
			if err := p.flush(); err != nil { // the file is cut: hand on what was read
				return err
			}
		}
	}
	if err := p.flush(); err != nil {
		return err
	}
	if len(p.errs) > 0 {
		return p.errs
	}
	return nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// flush hands the current file to fn.
func (p *parser) flush() error {
	f := p.file
	p.file = nil
	if f == nil {
		return nil
	}
	f.Commit = p.commit
	return p.fn(f)
}

// commitHeader reads "\x00<id>\x00<name>\x00<email>\x00<date>".
func (p *parser) commitHeader(line string) {
	f := strings.Split(line[1:], "\x00")
	c := &Commit{ID: f[0]}
	if len(f) > 1 {
		c.AuthorName = f[1]
	}
	if len(f) > 2 {
		c.AuthorEmail = f[2]
	}
	if len(f) > 3 {
		if t, err := time.Parse(time.RFC3339, f[3]); err == nil {
			c.AuthorDate = t
		}
	}
	if !IsObjectID(c.ID) {
		p.fail("commit header without a commit id")
	}
	p.commit = c
}

// startFile reads "diff --git a/X b/Y". The names are provisional: the
// ---/+++ lines and the rename headers, when present, are exact; the
// header is ambiguous when unquoted names hold spaces.
func (p *parser) startFile(line string) {
	p.file = &FileDiff{}
	rest := strings.TrimPrefix(line, "diff --git ")
	a, b, err := splitHeaderNames(rest)
	if err != nil {
		p.fail("%v in %q", err, clip(line))
	}
	p.file.OldPath = strings.TrimPrefix(a, "a/")
	p.file.NewPath = strings.TrimPrefix(b, "b/")
}

// extended reads one of git's extended header lines; it reports whether
// line was one.
func (p *parser) extended(line string) bool {
	f := p.file
	switch {
	case strings.HasPrefix(line, "--- "):
		name := fileName(strings.TrimPrefix(line, "--- "))
		if name == "/dev/null" {
			f.OldPath, f.New = "", true
		} else {
			f.OldPath = strings.TrimPrefix(name, "a/")
		}
	case strings.HasPrefix(line, "+++ "):
		name := fileName(strings.TrimPrefix(line, "+++ "))
		if name == "/dev/null" {
			f.NewPath, f.Deleted = "", true
		} else {
			f.NewPath = strings.TrimPrefix(name, "b/")
		}
	case strings.HasPrefix(line, "new file mode "):
		f.New, f.OldPath = true, ""
		f.Submodule = strings.HasSuffix(line, " 160000")
	case strings.HasPrefix(line, "deleted file mode "):
		f.Deleted, f.NewPath = true, ""
		f.Submodule = strings.HasSuffix(line, " 160000")
	case strings.HasPrefix(line, "rename from "):
		f.Renamed, f.OldPath = true, unquote(strings.TrimPrefix(line, "rename from "))
	case strings.HasPrefix(line, "rename to "):
		f.Renamed, f.NewPath = true, unquote(strings.TrimPrefix(line, "rename to "))
	case strings.HasPrefix(line, "copy from "):
		f.Copied, f.OldPath = true, unquote(strings.TrimPrefix(line, "copy from "))
	case strings.HasPrefix(line, "copy to "):
		f.Copied, f.NewPath = true, unquote(strings.TrimPrefix(line, "copy to "))
	case strings.HasPrefix(line, "index "):
		ids, mode, _ := strings.Cut(strings.TrimPrefix(line, "index "), " ")
		f.OldID, f.NewID, _ = strings.Cut(ids, "..")
		f.Submodule = f.Submodule || mode == "160000"
		if isZeroID(f.OldID) {
			f.OldID = ""
		}
		if isZeroID(f.NewID) {
			f.NewID = ""
		}
	case strings.HasPrefix(line, "Binary files ") && strings.HasSuffix(line, " differ"):
		f.Binary = true
	case strings.HasPrefix(line, "old mode "), strings.HasPrefix(line, "new mode "),
		strings.HasPrefix(line, "similarity index "), strings.HasPrefix(line, "dissimilarity index "):
	case strings.HasPrefix(line, "GIT binary patch"):
		f.Binary = true
	case line == "" || strings.HasPrefix(line, "literal ") || strings.HasPrefix(line, "delta "):
		// Inside a binary patch (not asked for), or blank: nothing to keep.
		return f.Binary || line == ""
	default:
		return false
	}
	return true
}

// hunk reads a hunk header and exactly the lines it announces.
func (p *parser) hunk(header string) {
	h, ok := parseHunkHeader(header)
	if !ok {
		p.fail("bad hunk header %q", clip(header))
		p.skipHunkLines()
		return
	}
	f := p.file
	keepText := !p.opts.RangesOnly && !f.TooLarge
	p.text.Reset()
	oldLeft, newLeft := h.OldLines, h.NewLines
	newLine := h.NewStart
	keep := func(first byte) bool { return first == '+' && keepText }
	for oldLeft > 0 || newLeft > 0 {
		ok, err := p.next(keep)
		if err != nil || !ok {
			p.fail("hunk %q cut short: %d old and %d new line(s) missing", clip(header), oldLeft, newLeft)
			f.Hunks = append(f.Hunks, h)
			return
		}
		if len(p.cur) == 0 {
			// An empty context line loses its space in some tools (and in
			// GitHub's patches); count it as context.
			oldLeft--
			newLeft--
			newLine++
			continue
		}
		switch p.cur[0] {
		case '+':
			n := int64(max(p.size-1, 0)) // the line and its newline, less the '+'
			newLeft--
			h.AddedLines++
			if k := len(h.Runs); k > 0 && h.Runs[k-1].End == newLine-1 {
				h.Runs[k-1].End = newLine
			} else {
				h.Runs = append(h.Runs, scan.LineRange{Start: newLine, End: newLine})
			}
			newLine++
			f.Added += n
			if keepText && (p.long || p.budgetExceeded(0)) {
				keepText = false
			}
			if keepText {
				p.text.Write(p.cur[1:])
				p.text.WriteByte('\n')
			}
		case '-':
			oldLeft--
		case ' ':
			oldLeft--
			newLeft--
			newLine++
		case '\\':
			// "\ No newline at end of file"
			continue
		default:
			p.fail("hunk %q cut short: %d old and %d new line(s) missing", clip(header), oldLeft, newLeft)
			p.pushed = true // read it again as whatever it is
			f.Hunks = append(f.Hunks, h)
			return
		}
		if oldLeft < 0 || newLeft < 0 {
			p.fail("hunk %q has more lines than its header says", clip(header))
			break
		}
	}
	// A final "\ No newline at end of file" belongs to this hunk.
	if ok, err := p.next(nil); err == nil && ok {
		if len(p.cur) > 0 && p.cur[0] == '\\' {
			if keepText && p.text.Len() > 0 {
				s := p.text.String()
				p.text.Reset()
				p.text.WriteString(strings.TrimSuffix(s, "\n"))
			}
		} else {
			p.pushed = true
		}
	}
	if p.opts.MaxBytes > 0 && f.Added > p.opts.MaxBytes {
		f.TooLarge = true
	}
	switch {
	case f.TooLarge:
		for i := range f.Hunks {
			f.Hunks[i].Added = ""
		}
	case keepText:
		h.Added = p.text.String()
	}
	p.text.Reset()
	f.Hunks = append(f.Hunks, h)
}

// skipHunkLines skips the lines after a hunk header that could not be read.
func (p *parser) skipHunkLines() {
	for {
		ok, err := p.next(func(byte) bool { return false })
		if err != nil || !ok {
			return
		}
		if len(p.cur) == 0 {
			continue
		}
		switch p.cur[0] {
		case '+', '-', ' ', '\\':
			continue
		}
		p.pushed = true
		return
	}
}

// parseHunkHeader reads "@@ -a[,b] +c[,d] @@ ...".
func parseHunkHeader(line string) (Hunk, bool) {
	rest, ok := strings.CutPrefix(line, "@@ -")
	if !ok {
		return Hunk{}, false
	}
	oldPart, rest, ok := strings.Cut(rest, " +")
	if !ok {
		return Hunk{}, false
	}
	newPart, _, ok := strings.Cut(rest, " @@")
	if !ok {
		return Hunk{}, false
	}
	var h Hunk
	if h.OldStart, h.OldLines, ok = parseSpan(oldPart); !ok {
		return Hunk{}, false
	}
	if h.NewStart, h.NewLines, ok = parseSpan(newPart); !ok {
		return Hunk{}, false
	}
	return h, true
}

// parseSpan reads "start[,count]"; count defaults to 1.
func parseSpan(s string) (start, count int, ok bool) {
	a, b, hasCount := strings.Cut(s, ",")
	start, err := strconv.Atoi(a)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	count = 1
	if hasCount {
		if count, err = strconv.Atoi(b); err != nil || count < 0 {
			return 0, 0, false
		}
	}
	return start, count, true
}

// splitHeaderNames splits the names of "a/X b/Y". Quoted names are exact;
// unquoted ones are split where the two names are equal (the usual case:
// no rename), else at the last " b/".
func splitHeaderNames(s string) (string, string, error) {
	if strings.HasPrefix(s, `"`) {
		a, rest, err := cutQuoted(s)
		if err != nil {
			return "", "", err
		}
		rest = strings.TrimPrefix(rest, " ")
		if strings.HasPrefix(rest, `"`) {
			b, _, err := cutQuoted(rest)
			return a, b, err
		}
		return a, rest, nil
	}
	if strings.HasSuffix(s, `"`) {
		if i := strings.LastIndex(s[:len(s)-1], ` "`); i >= 0 {
			b, _, err := cutQuoted(s[i+1:])
			return s[:i], b, err
		}
	}
	if n := len(s); n%2 == 1 {
		a, b := s[:n/2], s[n/2+1:]
		if s[n/2] == ' ' && strings.TrimPrefix(a, "a/") == strings.TrimPrefix(b, "b/") {
			return a, b, nil
		}
	}
	if i := strings.LastIndex(s, " b/"); i >= 0 {
		return s[:i], s[i+1:], nil
	}
	return "", "", errors.New("cannot read the file names")
}

// cutQuoted reads a C-quoted name at the start of s and returns it and
// what follows.
func cutQuoted(s string) (string, string, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			name, err := unquoteC(s[:i+1])
			return name, s[i+1:], err
		}
	}
	return "", "", errors.New("unterminated quoted name")
}

// fileName reads the name of a ---/+++ line: git ends it with a tab when
// the name holds a space (for patch(1)), and quotes it when it holds a
// control character, a quote or a backslash.
func fileName(s string) string {
	return unquote(strings.TrimSuffix(s, "\t"))
}

// unquote undoes git's C-style quoting of a name, when it is quoted.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := unquoteC(s); err == nil {
			return u
		}
	}
	return s
}

// unquoteC undoes git's quoting: \a \b \t \n \v \f \r \" \\ and three
// octal digits per byte.
func unquoteC(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", errors.New("not a quoted name")
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", errors.New("quoted name ends with a backslash")
		}
		switch c = s[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(c)
		default:
			if i+2 >= len(s) || !isOctal(c) || !isOctal(s[i+1]) || !isOctal(s[i+2]) {
				return "", fmt.Errorf("bad escape \\%c in a quoted name", c)
			}
			b.WriteByte((c-'0')<<6 | (s[i+1]-'0')<<3 | (s[i+2] - '0'))
			i += 2
		}
	}
	return b.String(), nil
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

func isZeroID(s string) bool { return s != "" && strings.Trim(s, "0") == "" }

// IsObjectID reports whether s is a full SHA-1 or SHA-256 object id, in
// lower-case hexadecimal as git prints them.
func IsObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}
