package secrets

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"regexp/syntax"
	"sort"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect/codec"

	"github.com/pipeguard/pipeguard/scan"
)

func TestMustContain(t *testing.T) {
	tests := []struct {
		re       string
		keywords []string
		want     bool
	}{
		{`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, []string{"a3t", "akia", "asia", "abia", "acca"}, true},
		{`ghp_[0-9a-zA-Z]{36}`, []string{"ghp_"}, true},
		{`(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)[ \t\w.-]{0,20}=\s*"(\w+)"`,
			[]string{"access", "api", "auth", "credential", "creds", "key", "passwd", "password", "secret", "token"}, true},
		{`(?i)\b(sgp_[a-f0-9]{40}|[a-f0-9]{40})\b`, []string{"sgp_", "sourcegraph"}, false},
		{`(?i)sk_(?:test|live)_[a-z0-9]{10,}`, []string{"sk_test", "sk_live"}, true},
		{`(?i)sk_(?:test|live|)_[a-z0-9]{10,}`, []string{"sk_test", "sk_live"}, false},
		{`x(?:abc)?y`, []string{"abc"}, false},
		{`(?:abc)+y`, []string{"abc"}, true},
		{`hooks.slack.com/[a-z]+`, []string{"hooks.slack.com"}, false},
		{`[0-9]{15}\|[a-z]{27}`, []string{"facebook"}, false},
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustContain(re, tt.keywords); got != tt.want {
			t.Errorf("mustContain(%s, %q) = %v, want %v", tt.re, tt.keywords, got, tt.want)
		}
	}
}

func TestMaxNewlines(t *testing.T) {
	for re, want := range map[string]int{
		`abc`:                -1 + 1,
		`a\nb`:               1,
		`a\s{0,3}b`:          3,
		`a\s*b`:              -1,
		`(?s)a.{0,10}b`:      10,
		`a.*b`:               0,
		`a[^x]{2}b`:          2,
		`(?:a|\n\n)[ \t]+b`:  2,
		`-----BEGIN[\s\S]+-`: -1,
	} {
		p, err := syntax.Parse(re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := maxNewlines(p); got != want {
			t.Errorf("maxNewlines(%s) = %d, want %d", re, got, want)
		}
	}
}

// TestWindowsMatchExact scans varied text with keyword windows and with
// whole fragments (gitleaks' way) and wants the same findings.
func TestWindowsMatchExact(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 9))
	word := func() string { return fake("", fmt.Sprint(rng.Int()), 4+rng.IntN(10), "abcdefghijklmnopqrstuvwxyz_") }
	special := []func(i int) string{
		func(i int) string { return "GITHUB_TOKEN = \"" + githubPAT(fmt.Sprint("w", i)) + "\"" },
		func(i int) string { return "api_key =\n  \"" + fake("", fmt.Sprint("k", i), 32, alnum) + "\"" },
		func(i int) string { return "password:\n\n  " + fake("", fmt.Sprint("p", i), 24, alnum) },
		// The value three lines below its name: beyond a small window,
		// within what generic-api-key's regex can span.
		func(i int) string { return "api_key\n\n\n= \"" + fake("", fmt.Sprint("far", i), 32, alnum) + "\"" },
		func(i int) string {
			return "checksum = \"" + fake("", fmt.Sprint("h", i), 40, "0123456789abcdef") + "\"  # sourcegraph"
		},
		func(i int) string { return "ref = " + fake("", fmt.Sprint("s", i), 40, "0123456789abcdef") },
		func(i int) string {
			return "blob: " + base64.StdEncoding.EncodeToString([]byte("aws_key = "+awsKey(fmt.Sprint("b", i))))
		},
		// Encoded secrets: percent, hex, unicode code points over several
		// lines, base64 twice, and base64 whose keyword is lines above.
		func(i int) string {
			return "url: https://x.test/?q=" + url.QueryEscape("aws_key = "+awsKey(fmt.Sprint("pc", i)))
		},
		// The assignment only appears decoded: "api_key%3D...".
		func(i int) string {
			return "q=" + url.QueryEscape("api_key="+fake("", fmt.Sprint("qe", i), 32, alnum))
		},
		func(i int) string {
			return "hex " + hex.EncodeToString([]byte("token="+githubPAT(fmt.Sprint("hx", i))))
		},
		func(i int) string { return codePoints("gh = " + githubPAT(fmt.Sprint("cp", i))) },
		func(i int) string {
			return "b: " + base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte("stripe "+stripeKey(fmt.Sprint("bb", i))))))
		},
		func(i int) string {
			return "api_key:\n\n\n  " + base64.StdEncoding.EncodeToString([]byte(fake("", fmt.Sprint("bk", i), 24, alnum)))
		},
		func(i int) string {
			return "-----BEGIN RSA PRIVATE KEY-----\n" + strings.Repeat(fake("", fmt.Sprint("pk", i), 64, alnum)+"\n", 5) + "-----END RSA PRIVATE KEY-----"
		},
		func(i int) string { return "token: " + stripeKey(fmt.Sprint("st", i)) + " # gitleaks:allow" },
		func(i int) string { return "auth_header = 'Bearer " + fake("", fmt.Sprint("a", i), 30, alnum) + "'" },
		func(i int) string {
			return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: " + fake("", fmt.Sprint("k8", i), 24, alnum)
		},
		// Text in other scripts, with the two runes whose lower case is
		// ASCII (KELVIN SIGN, I WITH DOT ABOVE) and a byte that is not UTF-8.
		func(i int) string {
			return "ПАРОЛЬ 密码 api_\u212aEY = \"" + fake("", fmt.Sprint("u", i), 32, alnum) + "\" # Ünïcödé"
		},
		func(i int) string {
			return "\u0130NTERNAL_TOKEN = \"" + fake("", fmt.Sprint("t", i), 28, alnum) + "\" \xff\xfe"
		},
		func(i int) string {
			return "Пароль: " + fake("", fmt.Sprint("r", i), 20, alnum) + " Токен GITHUB_TOKEN=" + githubPAT(fmt.Sprint("g", i))
		},
		// LATIN SMALL LETTER LONG S: a case-insensitive "s" matches it, yet
		// lower-casing keeps it, so no keyword is seen there; a plain
		// "password" on the line makes gitleaks run the rule.
		func(i int) string {
			return "password = x;" + strings.Repeat(" ", 40) + "pa\u017f\u017fword = \"" + fake("", fmt.Sprint("ls", i), 16, alnum) + "\""
		},
	}
	seps := []string{" ", " = ", ".", "(", " key ", "_token", " secret: ", "\t"}
	for f := range 30 {
		// Every fifth file is small (scanned whole, in one call that
		// decodes when it holds encoded text).
		n, odds := 80+rng.IntN(80), 12
		if f%5 == 4 {
			n, odds = 2+rng.IntN(10), 3
		}
		var lines []string
		for range n {
			if rng.IntN(odds) == 0 {
				lines = append(lines, special[rng.IntN(len(special))](len(lines)+1000*f))
				continue
			}
			var b strings.Builder
			for i := range 2 + rng.IntN(8) {
				if i > 0 {
					b.WriteString(seps[rng.IntN(len(seps))])
				}
				b.WriteString(word())
			}
			lines = append(lines, b.String())
		}
		write(t, dir, fmt.Sprintf("f%02d.txt", f), strings.Join(lines, "\n")+"\n")
	}
	write(t, dir, "certs/client.p12", "binary-ish\n") // a rule on file names only
	get := func(exact bool) []string {
		var out []string
		for _, f := range treeFindings(t, Options{Root: dir, Exact: exact}) {
			out = append(out, fmt.Sprintf("%s %s-%d %s", f.Rule, f.Location(), f.EndLine, f.Fingerprint))
		}
		sort.Strings(out)
		return out
	}
	windowed, exact := get(false), get(true)
	t.Logf("%d findings", len(exact))
	if len(exact) < 30 {
		t.Fatalf("only %d findings: the corpus does not exercise the rules", len(exact))
	}
	if !strings.Contains(strings.Join(windowed, "\n"), "pkcs12-file certs/client.p12") {
		t.Errorf("the rule on file names found nothing in certs/client.p12:\n%s", strings.Join(windowed, "\n"))
	}
	if strings.Join(windowed, "\n") != strings.Join(exact, "\n") {
		t.Errorf("windowed scan differs from the exact one:\nwindowed %d findings\nexact %d findings", len(windowed), len(exact))
		seen := map[string]bool{}
		for _, w := range windowed {
			seen[w] = true
		}
		for _, e := range exact {
			if !seen[e] {
				t.Errorf("missed: %s", e)
			}
		}
	}
}

// treeFindings scans the working tree of opts.Root with a scanner made
// with opts and returns its findings.
func treeFindings(t *testing.T, opts Options) []scan.Finding {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Scan(context.Background(), &scan.Target{Root: opts.Root, Mode: scan.ModeTree})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// codePoints writes s as unicode code points, "U+0041 " each, four to a
// line.
func codePoints(s string) string {
	var b strings.Builder
	for i, r := range s {
		sep := " "
		if i%4 == 3 {
			sep = "\n"
		}
		fmt.Fprintf(&b, "U+%04X%s", r, sep)
	}
	return b.String()
}

// TestLowerFindsTheSameKeywords checks that lower's ASCII-only lower case
// gives the keyword filter the keywords strings.ToLower gives it, and that
// offsets it calls aligned are those of the text.
func TestLowerFindsTheSameKeywords(t *testing.T) {
	rs, err := loadRules(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{
		" ", "\n", "API_KEY", "Token", "SECRET", "passWord", "ghp_", "AKIA", "\u212aEY", "api_\u212a", "\u0130", "\u0130ntercom",
		"пароль", "ПАРОЛЬ", "密码", "Ü", "ß", "ǅ", "\xff", "\xc3", "\xe2\x84", "ΣΑΣ", "heroku", "Slack", "x\u0307",
	}
	for range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		want := rs.prefilter.find(strings.ToLower(s))
		low, aligned := lower(s, true)
		got := rs.prefilter.find(low)
		if len(got) != len(want) {
			t.Fatalf("lower(%q): %d keywords, strings.ToLower: %d", s, len(got), len(want))
		}
		for i := range got {
			if got[i].word != want[i].word {
				t.Fatalf("lower(%q): keyword %d is %q, strings.ToLower's is %q", s, i, got[i].word, want[i].word)
			}
			if aligned {
				at := got[i].pos
				if kw := got[i].word; !strings.EqualFold(s[at:at+len(kw)], kw) {
					t.Fatalf("lower(%q) says aligned, but %q is not at %d", s, kw, at)
				}
			}
		}
	}
}

// TestMayHoldEncoded checks that the cheap test never says no where
// gitleaks' decoder finds an encoded segment.
func TestMayHoldEncoded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{
		" ", "\n", "=", "==", "%", "%2F", "%4a", "\\u0041", "\\\\u0062", "U+0041 ", "u+0041", "+", "/", "-", "_",
		"get_user_by_email_address", "abcdefghijklmnop", "0123456789abcdef0123456789abcdef", "deadbeef", "414b4941414141414141414141414141414141", "4a4b4c4d4e4f50515253545556575859",
		base64.StdEncoding.EncodeToString([]byte("password=hunter2hunter2")),
		base64.RawURLEncoding.EncodeToString([]byte("token: abc-def-ghi?")),
		"x" + "0123456789abcdef0123456789abcdef0123",
		"QUtJQVFZTFBNTjVIRlNHRk9UREY=", "aGVsbG8gd29ybGQgaGVsbG8=", "zzzzzzzzzzzzzzzzzzzz9",
	}
	found := 0
	for range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		_, segs := codec.NewDecoder().Decode(s, nil)
		if len(segs) > 0 {
			found++
			if !mayHoldEncoded(s) {
				t.Fatalf("mayHoldEncoded(%q) = false, but the decoder finds %d segments", s, len(segs))
			}
		}
	}
	if found < 100 {
		t.Fatalf("only %d texts with encoded segments: the test does not exercise the decoder", found)
	}
	for _, s := range []string{"def get_user_by_email(address):", "x = 1\nreturn y", "hello world"} {
		if mayHoldEncoded(s) {
			t.Errorf("mayHoldEncoded(%q) = true", s)
		}
	}
}

func TestRequiredLiterals(t *testing.T) {
	for re, want := range map[string]string{
		`(?i)\bkind:\s*secret\b(?s:.){0,200}?\bdata:\s+(\w+)|\bdata:(?s:.){0,100}?kind:\s*secret`: "kind:,secret,data:",
		`(?i)(?:api|token)\s*=\s*"(\w{10,})"`:                                                     "",
		`-----BEGIN[ A-Z]{0,20}PRIVATE KEY-----[\s\S]+?-----END`:                                  "-----begin,private key-----,-----end",
		`(?:abc|xyz)def`: "def",
	} {
		p, err := syntax.Parse(re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(requiredLiterals(p), ","); got != want {
			t.Errorf("requiredLiterals(%s) = %q, want %q", re, got, want)
		}
	}
}

// TestWindowsMatchExactCases are texts whose lower case hides where a
// keyword is, each in a file large enough to be windowed: the windowed
// scan must find what the exact one finds.
func TestWindowsMatchExactCases(t *testing.T) {
	filler := strings.Repeat("lorem ipsum dolor sit amet consectetur\n", 60)
	for _, tc := range []struct {
		name, text, config string
	}{
		{
			// LATIN SMALL LETTER LONG S: a case-insensitive "s" matches it,
			// lower-casing keeps it, so the keyword index sees no
			// "password" there; the plain one before it makes gitleaks run
			// the rule, whose regex matches the other.
			name: "long s",
			text: "password = x;" + strings.Repeat(" ", 200) + "pa\u017f\u017fword = \"Zx8Kq2Lm9Vb3Nc7W\"\n",
		},
		{
			name: "kelvin sign",
			text: "key = x;" + strings.Repeat(" ", 200) + "api_\u212aey = \"Zx8Kq2Lm9Vb3Nc7W\"\n",
		},
		{
			// A configuration with a keyword in another script lower-cases
			// with strings.ToLower: two runes that grow and two that
			// shrink keep the length, not the offsets between them.
			name: "offsets shift, length kept",
			config: `[extend]
useDefault = true

[[rules]]
id = "my-key"
regex = '''mykey[ ]?=[ ]?([a-z0-9]{12})'''
keywords = ["mykey"]

[[rules]]
id = "ru-password"
regex = '''пароль[ ]?=[ ]?([a-z0-9]{12})'''
keywords = ["пароль"]
`,
			text: "\u023a\u023amykey = abcdefghijkl;" + strings.Repeat(" ", 60) + "\u1e9e\u1e9e\n\u043f\u0430\u0440\u043e\u043b\u044c\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "app.txt", filler+tc.text+filler)
			cfg := ""
			if tc.config != "" {
				cfg = filepath.Join(dir, "gitleaks.toml")
				write(t, dir, "gitleaks.toml", tc.config)
			}
			get := func(exact bool) []string {
				var out []string
				for _, f := range treeFindings(t, Options{Root: dir, Exact: exact, ConfigPath: cfg}) {
					if f.Path == "app.txt" {
						out = append(out, fmt.Sprintf("%s %s", f.Rule, f.Location()))
					}
				}
				sort.Strings(out)
				return out
			}
			windowed, exact := get(false), get(true)
			if len(exact) == 0 {
				t.Fatalf("the exact scan finds nothing: the case does not test anything")
			}
			if strings.Join(windowed, "\n") != strings.Join(exact, "\n") {
				t.Errorf("windowed scan %q, exact %q", windowed, exact)
			}
		})
	}
}

// TestLowerAligned pins when lower says the lower-cased text keeps the
// offsets (and every keyword place) of the text, in both modes.
func TestLowerAligned(t *testing.T) {
	for _, tc := range []struct {
		s                string
		ascii, unicodeOK bool // aligned with asciiOnly, without
	}{
		{"API_KEY = x", true, true},
		{"Пароль api_key 密码", true, true},
		{"pa\u017f\u017fword", false, false},
		{"api_\u212aey", false, false},
		{"\u0130NTERNAL", false, false},
		{"\u023a\u023amykey\u1e9e\u1e9e", true, false}, // lengths kept, offsets not
		{"key \xff", true, false},
	} {
		if _, got := lower(tc.s, true); got != tc.ascii {
			t.Errorf("lower(%q, true) aligned = %v, want %v", tc.s, got, tc.ascii)
		}
		if _, got := lower(tc.s, false); got != tc.unicodeOK {
			t.Errorf("lower(%q, false) aligned = %v, want %v", tc.s, got, tc.unicodeOK)
		}
	}
}
