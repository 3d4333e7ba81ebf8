package secrets

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// The helpers below are this package's names for scan/gittest's.

func fake(prefix, seed string, n int, alphabet string) string {
	return gittest.Fake(prefix, seed, n, alphabet)
}

const alnum = gittest.Alnum

func githubPAT(seed string) string { return gittest.GitHubPAT(seed) }
func stripeKey(seed string) string { return gittest.StripeKey(seed) }
func awsKey(seed string) string    { return gittest.AWSKey(seed) }

// newRepo makes an empty git repository, with an isolated git
// configuration, in a temporary folder.
func newRepo(t *testing.T) string {
	t.Helper()
	return gittest.New(t).Dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return gittest.Run(t, dir, args...)
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	gittest.WriteFiles(t, dir, map[string]string{rel: content})
}

// commit stages everything and commits it, returning the commit id.
func commit(t *testing.T, dir, msg string) string {
	t.Helper()
	return gittest.Open(t, dir).Commit(msg)
}

func scanRepo(t *testing.T, dir string, mode scan.Mode, rng string) *scan.Result {
	t.Helper()
	s, err := New(Options{Root: dir})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	res, err := s.Scan(context.Background(), &scan.Target{Root: dir, Mode: mode, Range: rng})
	if err != nil {
		t.Fatalf("Scan %s: %v", mode, err)
	}
	return res
}

// where lists findings as "rule path:line" (and "@commit" when set).
func where(fs []scan.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Rule + " " + f.Location()
		if f.Commit != "" {
			s += "@" + f.Commit
		}
		out = append(out, s)
	}
	return out
}

func TestModes(t *testing.T) {
	dir := newRepo(t)
	pat, stripe, aws, pat2 := githubPAT("deleted"), stripeKey("range"), awsKey("tree"), githubPAT("staged")

	write(t, dir, "README.md", "# demo\n")
	write(t, dir, "app/old.py", "import os\nGITHUB_TOKEN = \""+pat+"\"\n")
	c1 := commit(t, dir, "add old config")
	git(t, dir, "rm", "-q", "app/old.py")
	c2 := commit(t, dir, "drop old config")
	write(t, dir, "app/pay.py", "# payments\n\nSTRIPE = \""+stripe+"\"\n")
	c3 := commit(t, dir, "add payments")
	write(t, dir, ".gitignore", "ignored.txt\n")
	c4 := commit(t, dir, "ignore a file")
	write(t, dir, "ignored.txt", "aws_access_key_id = "+awsKey("ignored")+"\n")
	write(t, dir, "untracked.env", "AWS_ACCESS_KEY_ID="+aws+"\n")
	write(t, dir, "app/staged.py", "x = 1\ntoken = \""+pat2+"\"\n")
	git(t, dir, "add", "app/staged.py")

	tests := []struct {
		name string
		mode scan.Mode
		rng  string
		want []string
	}{
		{"tree", scan.ModeTree, "", []string{
			"stripe-access-token app/pay.py:3",
			"github-pat app/staged.py:2",
			"aws-access-token untracked.env:1",
		}},
		{"history", scan.ModeHistory, "", []string{
			"github-pat app/old.py:2@" + c1,
			"stripe-access-token app/pay.py:3@" + c3,
		}},
		{"range with the payment commit", scan.ModeRange, c2 + ".." + c4, []string{
			"stripe-access-token app/pay.py:3@" + c3,
		}},
		{"range before it", scan.ModeRange, c1 + ".." + c2, nil},
		{"revision list, as a pre-push hook sends", scan.ModeRange, c4 + " ^" + c2, []string{
			"stripe-access-token app/pay.py:3@" + c3,
		}},
		{"range with the first commit", scan.ModeRange, c1 + "~0.." + c3, []string{
			"stripe-access-token app/pay.py:3@" + c3,
		}},
		{"staged", scan.ModeStaged, "", []string{
			"github-pat app/staged.py:2",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := scanRepo(t, dir, tt.mode, tt.rng)
			got := where(res.Findings)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
			for _, e := range res.Errors {
				t.Errorf("error: %+v", e)
			}
		})
	}

	// History findings carry their commit's author and date.
	res := scanRepo(t, dir, scan.ModeHistory, "")
	for _, f := range res.Findings {
		if f.Author != "Ada Tester" || f.Date == "" {
			t.Errorf("%s: author %q date %q", f.Location(), f.Author, f.Date)
		}
	}
}

func TestFindingFields(t *testing.T) {
	dir := newRepo(t)
	pat := githubPAT("fields")
	write(t, dir, "config.py", "A = 1\nTOKEN = \""+pat+"\"\n")
	commit(t, dir, "add")
	res := scanRepo(t, dir, scan.ModeTree, "")
	if len(res.Findings) != 1 {
		t.Fatalf("want 1 finding, got %q", where(res.Findings))
	}
	f := res.Findings[0]
	if f.Scanner != "secrets" || f.Rule != "github-pat" || f.Severity != scan.High ||
		f.Line != 2 || f.EndLine != 2 || f.Path != "config.py" || f.Remediation == "" || f.Title == "" {
		t.Errorf("unexpected finding %+v", f)
	}
	if want := scan.Fingerprint("github-pat", "config.py", scan.HashSecret(pat)); f.Fingerprint != want {
		t.Errorf("fingerprint %s, want %s", f.Fingerprint, want)
	}
	for _, text := range []string{f.Title, f.Message, f.Remediation} {
		if strings.Contains(text, pat) || strings.Contains(text, pat[4:20]) {
			t.Errorf("text holds the secret: %q", text)
		}
	}
	if !strings.Contains(f.Message, "github-pat") || !strings.Contains(f.Message, "config.py:2") {
		t.Errorf("message does not say which rule and where: %q", f.Message)
	}

	// The fingerprint survives the secret moving down the file.
	write(t, dir, "config.py", "A = 1\n\n\n# moved\nTOKEN = \""+pat+"\"\n")
	moved := scanRepo(t, dir, scan.ModeTree, "")
	if len(moved.Findings) != 1 || moved.Findings[0].Fingerprint != f.Fingerprint || moved.Findings[0].Line != 5 {
		t.Errorf("after the move: %+v", moved.Findings)
	}

	// Through scan.Run, the report holds only the masked secret.
	s, err := New(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeTree}, []scan.Scanner{s})
	out, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), pat) || strings.Contains(string(out), pat[8:]) {
		t.Errorf("report holds the secret: %s", out)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Secret != scan.Mask(pat) {
		t.Errorf("report findings: %+v", rep.Findings)
	}
}

func TestSuppression(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.py", "TOKEN = \""+githubPAT("ignored")+"\"\n")
	write(t, dir, "b.py", "TOKEN = \""+githubPAT("allowed")+"\"  # gitleaks:allow\n")
	write(t, dir, "c.py", "\nTOKEN = \""+githubPAT("kept")+"\"\n")
	write(t, dir, ".gitleaksignore", "# test fixtures\na.py:github-pat:1\n")
	c := commit(t, dir, "add")
	// In history, a commit fingerprint suppresses too.
	write(t, dir, ".gitleaksignore", "a.py:github-pat:1\n"+c+":c.py:github-pat:2\n")

	for _, tt := range []struct {
		mode       scan.Mode
		want       []string
		suppressed []string // by .gitleaksignore: kept in the report, marked
	}{
		{scan.ModeTree, []string{"github-pat c.py:2"}, []string{"github-pat a.py:1"}},
		{scan.ModeHistory, nil, []string{"github-pat a.py:1@" + c, "github-pat c.py:2@" + c}},
	} {
		t.Run(string(tt.mode), func(t *testing.T) {
			res := scanRepo(t, dir, tt.mode, "")
			var active, ignored []scan.Finding
			for _, f := range res.Findings {
				switch {
				case f.Suppression == nil:
					active = append(active, f)
				case f.Suppression.Kind == KindGitleaksIgnore:
					ignored = append(ignored, f)
				default:
					t.Errorf("%s: unexpected suppression %+v", f.Location(), f.Suppression)
				}
			}
			if got := where(active); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := where(ignored); strings.Join(got, "\n") != strings.Join(tt.suppressed, "\n") {
				t.Errorf("suppressed by .gitleaksignore: got %q, want %q", got, tt.suppressed)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	canary := "pipeguard_canary_" + fake("", "canary", 20, "0123456789abcdef")
	files := map[string]string{
		"app.py": "X = \"" + canary + "\"\nT = \"" + githubPAT("cfg") + "\"\n",
	}
	tests := []struct {
		name string
		toml string
		want []string
	}{
		{"no config", "", []string{"github-pat app.py:2"}},
		{"extends the defaults", `
[extend]
useDefault = true

[[rules]]
id = "pipeguard-canary"
description = "Pipeguard test canary"
regex = '''pipeguard_canary_[0-9a-f]{20}'''
keywords = ["pipeguard_canary"]
`, []string{"pipeguard-canary app.py:1", "github-pat app.py:2"}},
		{"replaces the defaults", `
[[rules]]
id = "pipeguard-canary"
regex = '''pipeguard_canary_[0-9a-f]{20}'''
keywords = ["pipeguard_canary"]
`, []string{"pipeguard-canary app.py:1"}},
		{"disables a default rule", `
[extend]
useDefault = true
disabledRules = ["github-pat"]
`, nil},
		{"allowlists a path", `
[extend]
useDefault = true
[[allowlists]]
paths = ['''^app\.py$''']
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newRepo(t)
			for p, c := range files {
				write(t, dir, p, c)
			}
			if tt.toml != "" {
				write(t, dir, ".gitleaks.toml", tt.toml)
			}
			res := scanRepo(t, dir, scan.ModeTree, "")
			if got := where(res.Findings); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		name, toml string
		line       bool
		msg        string
	}{
		{"toml syntax", "[extend]\nuseDefault = true\n\n[[rules]\nid = \"x\"\n", true, "malformed"},
		{"bad regex", "[[rules]]\nid = \"bad\"\nregex = '''(unclosed'''\n", false, "bad"},
		{"no regex nor path", "[[rules]]\nid = \"empty\"\n", false, "empty"},
		{"unknown target rule", "[extend]\nuseDefault = true\n[[allowlists]]\ntargetRules = [\"nope\"]\nregexes = ['''x''']\n", false, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, ".gitleaks.toml", tt.toml)
			_, err := New(Options{Root: dir})
			var ce *scan.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("want a ConfigError, got %v", err)
			}
			if !strings.HasSuffix(ce.Path, ".gitleaks.toml") || !strings.Contains(err.Error(), ".gitleaks.toml") {
				t.Errorf("error does not name the file: %v", err)
			}
			if (ce.Line > 0) != tt.line || (tt.line && !strings.Contains(err.Error(), ".gitleaks.toml:")) {
				t.Errorf("line %d, want a line: %v (%v)", ce.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

// TestLoadManyTimes guards against the gitleaks trap where the third load
// of a config extending the defaults, in one process, drops the defaults.
func TestLoadManyTimes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".gitleaks.toml", "[extend]\nuseDefault = true\n[[rules]]\nid = \"mine\"\nregex = '''mine_[0-9]{8}'''\n")
	write(t, dir, "a.txt", "T = \""+githubPAT("many")+"\"\n")
	first := 0
	for i := range 6 {
		rs, err := loadRules(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = len(rs.ids)
			if first < 200 {
				t.Fatalf("only %d rules", first)
			}
		}
		if len(rs.ids) != first {
			t.Fatalf("load %d: %d rules, want %d", i+1, len(rs.ids), first)
		}
		res := scanRepoNoGit(t, dir)
		if len(res.Findings) != 1 {
			t.Fatalf("load %d: findings %q", i+1, where(res.Findings))
		}
	}
}

// TestDefaultRulesCompile compiles every default rule, as a large scan does.
func TestDefaultRulesCompile(t *testing.T) {
	rs, err := loadRules(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.compile(rs.ids); err != nil {
		t.Fatal(err)
	}
	cfg, err := rs.config(rs.ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != len(rs.ids) || len(cfg.Keywords) == 0 {
		t.Errorf("%d rules compiled of %d, %d keywords", len(cfg.Rules), len(rs.ids), len(cfg.Keywords))
	}
}

func scanRepoNoGit(t *testing.T, dir string) *scan.Result {
	t.Helper()
	s, err := New(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Scan(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeTree})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestReuse checks that a Scanner scanning twice does not carry findings over.
func TestReuse(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", "T = \""+githubPAT("reuse")+"\"\n")
	s, err := New(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		res, err := s.Scan(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeTree})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 {
			t.Fatalf("scan %d: %q", i+1, where(res.Findings))
		}
	}
}

func TestEncoded(t *testing.T) {
	dir := t.TempDir()
	inner := "aws_secret = " + awsKey("encoded") + "\n"
	write(t, dir, "blob.txt", "data: "+base64.StdEncoding.EncodeToString([]byte(inner))+"\n")
	res := scanRepoNoGit(t, dir)
	if got := where(res.Findings); len(got) != 1 || got[0] != "aws-access-token blob.txt:1" {
		t.Errorf("got %q", got)
	}
	s, err := New(Options{Root: dir, DecodeDepth: -1})
	if err != nil {
		t.Fatal(err)
	}
	res, err = s.Scan(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeTree})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("decoding off, still found %q", where(res.Findings))
	}
}

func TestGitErrors(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "hello\n")
	c1 := commit(t, dir, "one")
	write(t, dir, "a.txt", "hello\nworld\n")
	commit(t, dir, "two")

	s, err := New(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	missing := strings.Repeat("ab", 20)
	for _, rng := range []string{"nope..HEAD", c1 + "..nope", "nope", "..HEAD", c1 + "..", missing + ".." + c1, c1 + " ^" + missing} {
		_, err := s.Scan(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeRange, Range: rng})
		if !scan.IsConfigError(err) {
			t.Errorf("range %q: want a ConfigError, got %v", rng, err)
		}
	}

	notRepo := t.TempDir()
	_, err = s.Scan(context.Background(), &scan.Target{Root: notRepo, Mode: scan.ModeHistory})
	if err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("not a repository: %v", err)
	}

	// Remove the objects of the first commit: git log cannot finish.
	objs := git(t, dir, "rev-list", "--objects", c1)
	for _, line := range strings.Split(objs, "\n") {
		id := strings.Fields(line)[0]
		_ = os.Remove(filepath.Join(dir, ".git", "objects", id[:2], id[2:]))
	}
	_, err = s.Scan(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeHistory})
	if err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt repository: %v", err)
	}
}
