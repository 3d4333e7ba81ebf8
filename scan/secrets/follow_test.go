package secrets

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// TestFollowerOf checks the shapes followerOf reads: gitleaks' template
// (keyword, name characters and quotes, an assignment, the value) has one;
// a regex that begins with its value, or whose keyword may be followed by
// anything, has none.
func TestFollowerOf(t *testing.T) {
	template := `(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150})(?:[\x60'"\s;]|\\[nr]|$)`
	generic := []string{"access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"}
	for _, tc := range []struct {
		name, re string
		keywords []string
		want     bool
		words    string // the keywords it starts from
		next     string // bytes that must follow, among others
		max      int
	}{
		{"gitleaks template", template, generic, true, "access,api,auth,credential,creds,key,passwd,password,secret,token", "=:>|,?", 23},
		{"keyword then value", `(?i)(?:adafruit)([a-z0-9_-]{32})`, []string{"adafruit"}, true, "adafruit", "az09_-", 0},
		{"value first", `\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, []string{"akia", "asia"}, false, "", "", 0},
		{"anything after", `(?i)token.*=`, []string{"token"}, false, "", "", 0},
		{"unbounded skip", `(?i)token\s*=`, []string{"token"}, false, "", "", 0},
		{"may end after it", `(?i)token(?:=|$)`, []string{"token"}, false, "", "", 0},
		{"not only keywords", `(?i)(?:token|tok)=`, []string{"token"}, false, "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			re, err := syntax.Parse(tc.re, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			fl, _ := followerOf(re, tc.keywords)
			if (fl != nil) != tc.want {
				t.Fatalf("followerOf = %v, want a follower: %v", fl, tc.want)
			}
			if fl == nil {
				return
			}
			for _, w := range strings.Split(tc.words, ",") {
				if !fl.words[w] {
					t.Errorf("words lack %q: %v", w, fl.words)
				}
			}
			if len(fl.words) != len(strings.Split(tc.words, ",")) {
				t.Errorf("words = %v, want %s", fl.words, tc.words)
			}
			for _, c := range []byte(tc.next) {
				if !fl.next[c] {
					t.Errorf("next lacks %q", c)
				}
			}
			if fl.max != tc.max {
				t.Errorf("max = %d, want %d", fl.max, tc.max)
			}
		})
	}
}

// TestFollowerTail checks what the tail asks of the text after a keyword:
// bounded nodes whole, the first unbounded one cut to its fewest repeats,
// nothing past an assertion, the regex's own case rules, and yes wherever
// the text holds another script.
func TestFollowerTail(t *testing.T) {
	for _, tc := range []struct {
		name, re, after string
		want            bool
	}{
		{"value long enough", `key[ ]{0,3}=[a-z]{4,}`, " =abcd;", true},
		{"value too short", `key[ ]{0,3}=[a-z]{4,}`, " =abc;", false},
		{"no assignment", `key[ ]{0,3}=[a-z]{4,}`, " abcd =abcd", false},
		{"bounded value whole", `key[ ]?=([a-z]{2,6})`, "=ab", true},
		{"bounded value too short", `key[ ]?=([a-z]{2,6})`, "=a1", false},
		{"alternation, first way", `key[ ]?=(?:[0-9]{3,}|x[a-z]+)`, "=123", true},
		{"alternation, second way", `key[ ]?=(?:[0-9]{3,}|x[a-z]+)`, "=xa", true},
		{"alternation, neither", `key[ ]?=(?:[0-9]{3,}|x[a-z]+)`, "=12x", false},
		{"star: nothing past it", `key[ ]?=[0-9]{2}[a-z]*x`, "=12!", true},
		{"star: what comes before it", `key[ ]?=[0-9]{2}[a-z]*x`, "=1ax", false},
		{"stops at a word boundary", `key[ ]{0,2}=\b[a-z]{3}`, " =!!", true},
		{"before the word boundary", `key[ ]{0,2}=\b[a-z]{3}`, " :abc", false},
		{"case-insensitive value", `(?i)key[ ]?=[A-F]{4}`, "=abcd", true},
		{"case-sensitive value", `key[ ]?=[A-F]{4}`, "=abcd", false},
		{"case-sensitive value, its case", `key[ ]?=[A-F]{4}`, "=ABCD", true},
		{"another script", `key[ ]?=[a-z]{4}`, "=abéd", true},
		{"text ends", `key[ ]?=[a-z]{4}`, "=ab", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			re, err := syntax.Parse(tc.re, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			fl, _ := followerOf(re, []string{"key"})
			if fl == nil {
				t.Fatalf("no follower for %s", tc.re)
			}
			text := "x key" + tc.after
			low, aligned := lower(text, true)
			if got := aligned && fl.allows(lowText{text, low, aligned}, len("x key")); got != tc.want {
				t.Errorf("allows(key%q) = %v, want %v (tail %v)", tc.after, got, tc.want, fl.tail)
			}
			if want := regexp.MustCompile(tc.re).MatchString(text); want && !tc.want {
				t.Errorf("the regex matches %q, which the tail refuses", text)
			}
		})
	}
}

// TestFollowerSound checks, on random texts around keywords, that every
// match of each default rule with a follower starts from an occurrence of
// a keyword that the follower allows: the filter never drops a secret.
func TestFollowerSound(t *testing.T) {
	rs, err := loadRules("", "")
	if err != nil {
		t.Fatal(err)
	}
	pieces := []string{" ", "  ", "\t", "\n", "=", "==", ":", "::=", ":=", "=>", "?=", "||", ">", ",", "\"", "'", "`", ";", "(", ")", "[", ".", "-", "_",
		"\\n", "abc", "XYZ", "0123456789", "aB3dE5fG7hJ9kL1mN3pQ", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "Ünï", "\u212a"}
	names := []string{"_", "-", ".", "x", "_id", "Secret", " ", "\t"}
	quotes := []string{"", " ", "\"", "'", "\n", "`"}
	ops := []string{"=", ":", ":=", "::=", "=>", "?=", "||", ">", ","}
	alphabets := []string{"0123456789abcdef", "abcdefghijklmnopqrstuvwxyz0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789", "aB3_-=.xYz9/+"}
	ends := []string{"", " ", "\"", "'", ";", "\n", "\\n", "`"}
	rng := rand.New(rand.NewPCG(11, 12))
	checked, matched, tails := 0, 0, 0
	for id, sp := range rs.specs {
		if len(sp.keywords) == 0 {
			continue
		}
		r, err := rs.compiled(id)
		if err != nil || sp.follow == nil {
			continue
		}
		checked++
		if sp.follow.tail != nil {
			tails++
		}
		re := regexp.MustCompile(r.Regex.String())
		for range 1000 {
			var b strings.Builder
			for range rng.IntN(3) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			kw := sp.keywords[rng.IntN(len(sp.keywords))]
			if rng.IntN(2) == 0 {
				kw = strings.ToUpper(kw)
			}
			b.WriteString(kw)
			// A name, quotes, an assignment and a value, each piece
			// sometimes replaced by noise.
			for _, part := range [][]string{names, quotes, ops, quotes} {
				for range rng.IntN(3) {
					if rng.IntN(4) == 0 {
						b.WriteString(pieces[rng.IntN(len(pieces))])
					} else {
						b.WriteString(part[rng.IntN(len(part))])
					}
				}
			}
			alpha := alphabets[rng.IntN(len(alphabets))]
			for range 8 + rng.IntN(60) {
				b.WriteByte(alpha[rng.IntN(len(alpha))])
			}
			b.WriteString(ends[rng.IntN(len(ends))])
			text := b.String()
			if !re.MatchString(text) {
				continue
			}
			matched++
			low, aligned := lower(text, true)
			if !aligned {
				continue
			}
			ok := false
			for _, m := range rs.prefilter.find(low) {
				if sp.follow.words[m.word] && sp.follow.allows(lowText{text, low, aligned}, m.pos+len(m.word)) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s matches %q, but the follower allows no keyword there", id, text)
			}
		}
	}
	if checked < 50 || tails < 50 || matched < 300 {
		t.Fatalf("only %d rules with followers (%d with tails), %d matching texts: the test does not exercise the filter", checked, tails, matched)
	}
	t.Logf("%d rules (%d with tails), %d matching texts", checked, tails, matched)
}
