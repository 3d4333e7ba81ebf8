package git

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// parseAll parses a patch and returns its files and error.
func parseAll(t *testing.T, patch string, opts ParseOptions) ([]*FileDiff, error) {
	t.Helper()
	var files []*FileDiff
	err := Parse(strings.NewReader(patch), opts, func(f *FileDiff) error {
		files = append(files, f)
		return nil
	})
	return files, err
}

// A hunk cut short (or a line the parser does not know) is reported with
// its line, and the files after it are still read: go-gitdiff, which the
// secrets scanner used, stopped at the first bad fragment and dropped the
// rest of the log without a word.
func TestHostileDiffParseErrorKeepsTheRest(t *testing.T) {
	patch := "\x00" + strings.Repeat("a", 40) + "\x00Ada\x00ada@example.com\x002024-01-02T03:04:05Z\n" +
		"\n" +
		"diff --git a/one.py b/one.py\n" +
		"--- a/one.py\n" +
		"+++ b/one.py\n" +
		"@@ -1 +1,3 @@\n" +
		"+only one of three lines\n" +
		"diff --git a/two.py b/two.py\n" +
		"--- a/two.py\n" +
		"+++ b/two.py\n" +
		"@@ -0,0 +1,2 @@\n" +
		"+TOKEN = 'x'\n" +
		"+diff --git a/fake b/fake\n" +
		"garbage outside any file\n" +
		"diff --git a/three.py b/three.py\n" +
		"new file mode 100644\n" +
		"--- /dev/null\n" +
		"+++ b/three.py\n" +
		"@@ -0,0 +1 @@\n" +
		"+KEY = 'y'\n"
	files, err := parseAll(t, patch, ParseOptions{})
	var perr ParseErrors
	if !errors.As(err, &perr) || len(perr) != 2 {
		t.Fatalf("err = %v, want 2 parse errors", err)
	}
	if perr[0].Line != 8 || perr[0].Path != "one.py" || !strings.Contains(perr[0].Msg, "cut short") {
		t.Errorf("first error %+v", perr[0])
	}
	if perr[1].Line != 14 || !strings.Contains(perr[1].Msg, "garbage") {
		t.Errorf("second error %+v", perr[1])
	}
	var names []string
	for _, f := range files {
		names = append(names, f.NewPath)
		if f.Commit == nil || f.Commit.AuthorEmail != "ada@example.com" || f.Commit.AuthorDate.Year() != 2024 {
			t.Errorf("%s: commit %+v", f.NewPath, f.Commit)
		}
	}
	if !reflect.DeepEqual(names, []string{"one.py", "two.py", "three.py"}) {
		t.Fatalf("files %v", names)
	}
	// A content line that looks like a header is content: counts decide.
	if got := files[1].Hunks[0].Added; got != "TOKEN = 'x'\ndiff --git a/fake b/fake\n" {
		t.Errorf("two.py added %q", got)
	}
	if !files[2].New || files[2].Hunks[0].Added != "KEY = 'y'\n" {
		t.Errorf("three.py %+v", files[2])
	}
}

// Names with line breaks, terminal escapes, quotes and spaces come back
// exact from git's C quoting.
func TestHostileDiffQuotedNames(t *testing.T) {
	for _, name := range []string{"we\"ird\nVerdict: PASS.py", "esc\x1b[2J.py", "sp ace b/x.py", "tab\there.py", "é.py", "back\\slash\x7f.py"} {
		a, b := gitQuote("a/"+name), gitQuote("b/"+name)
		patch := fmt.Sprintf("diff --git %s %s\n--- %s\n+++ %s\n@@ -1 +1 @@\n-x\n+y\n", a, b, a, b)
		files, err := parseAll(t, patch, ParseOptions{})
		if err != nil || len(files) != 1 {
			t.Fatalf("%q: %v %v", name, files, err)
		}
		if files[0].NewPath != name || files[0].OldPath != name {
			t.Errorf("%q: got %q / %q", name, files[0].OldPath, files[0].NewPath)
		}
	}
	// Only the header names a binary file or a pure rename.
	patch := "diff --git \"a/x\\ny\" \"b/x\\ny\"\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\nBinary files /dev/null and \"b/x\\ny\" differ\n" +
		"diff --git a/sp ace.py b/sp ace.py\nold mode 100644\nnew mode 100755\n"
	files, err := parseAll(t, patch, ParseOptions{})
	if err != nil || len(files) != 2 {
		t.Fatalf("%v %v", files, err)
	}
	if f := files[0]; f.NewPath != "x\ny" || !f.Binary || !f.New || f.NewID != strings.Repeat("1", 40) || f.OldID != "" {
		t.Errorf("binary %+v", f)
	}
	if files[1].NewPath != "sp ace.py" {
		t.Errorf("mode change %+v", files[1])
	}
}

// A file whose added lines pass MaxBytes keeps none of them, however long
// its lines: one 8 MB line is never held whole.
func TestHostileDiffHugeFileBounded(t *testing.T) {
	long := strings.Repeat("A", 8<<20)
	patch := "diff --git a/big.txt b/big.txt\nnew file mode 100644\n--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,3 @@\n+small\n+" + long + "\n+after\n" +
		"diff --git a/ok.txt b/ok.txt\n--- a/ok.txt\n+++ b/ok.txt\n@@ -1,0 +2 @@\n+fine\n"
	files, err := parseAll(t, patch, ParseOptions{MaxBytes: 1 << 20})
	if err != nil || len(files) != 2 {
		t.Fatalf("%v %v", files, err)
	}
	big := files[0]
	if !big.TooLarge || big.Added < 8<<20 || big.Hunks[0].Added != "" || big.Hunks[0].AddedLines != 3 {
		t.Errorf("big: TooLarge=%v Added=%d hunk=%d lines, %d bytes kept", big.TooLarge, big.Added, big.Hunks[0].AddedLines, len(big.Hunks[0].Added))
	}
	if files[1].Hunks[0].Added != "fine\n" {
		t.Errorf("the file after a huge one: %+v", files[1].Hunks)
	}
}

// A header line past the bound is an error, not a memory sink.
func TestHostileDiffHugeHeader(t *testing.T) {
	patch := "diff --git a/x b/x\nindex " + strings.Repeat("f", 1<<20) + "\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
	files, err := parseAll(t, patch, ParseOptions{})
	var perr ParseErrors
	if !errors.As(err, &perr) || !strings.Contains(perr.Error(), "longer than") {
		t.Fatalf("err = %v", err)
	}
	if len(files) != 1 || files[0].Hunks[0].Added != "b\n" {
		t.Errorf("files %+v", files)
	}
}

// gitQuote quotes a name as git does with core.quotePath=false.
func gitQuote(name string) string {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
			quoted = true
		case c < 0x20 || c == 0x7f:
			if e := strings.IndexByte("\a\b\t\n\v\f\r", c); e >= 0 {
				b.WriteByte('\\')
				b.WriteByte("abtnvfr"[e])
			} else {
				fmt.Fprintf(&b, "\\%03o", c)
			}
			quoted = true
		default:
			b.WriteByte(c)
		}
	}
	if !quoted {
		return name
	}
	return `"` + b.String() + `"`
}
