package facts

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

// clipRef is clip as it was first written: the whole text split and
// joined, then cut.
func clipRef(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func TestClip(t *testing.T) {
	cases := []string{
		"", " ", "a", "  a  b  ", "a\tb\nc\r\n d\v\fe",
		"x\u00a0y\u0085z\u2028w\u3000v", // Unicode spaces split fields too
		"h\xffi \xc3", "\xe2\x80",       // invalid UTF-8 is no space
		"é" + strings.Repeat("日本", 20) + " tail",
		strings.Repeat("a", 50), strings.Repeat("ab ", 30), strings.Repeat(" ", 40) + "x",
	}
	r := rand.New(rand.NewSource(1))
	pieces := []string{"a", "bc", " ", "  ", "\t", "\n", "é", "日", "\u00a0", "\u2028", "\xff", "\xe6\x97", "x"}
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for k := r.Intn(40); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		for _, max := range []int{0, 1, 2, 3, 5, 8, 13, 20, 200} {
			want := clipRef(s, max)
			if got := clip(s, max); got != want {
				t.Fatalf("clip(%q, %d) = %q, want %q", s, max, got, want)
			}
			if got := clip([]byte(s), max); got != want {
				t.Fatalf("clip([]byte(%q), %d) = %q, want %q", s, max, got, want)
			}
		}
	}
}

// BenchmarkClip: a long expression (a dict literal of a whole settings
// module) is clipped to its first 200 bytes without splitting all of it.
func BenchmarkClip(b *testing.B) {
	src := []byte("{" + strings.Repeat("'key': value,\n    ", 20000) + "}")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		clip(src, maxTextLen)
	}
}
