package repoconf

import (
	"strings"
	"testing"
	"time"
)

// billionLaughs is the YAML alias bomb: nine levels of nine aliases, a
// few hundred bytes that expand to 9^9 nodes when followed.
const billionLaughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
exclude: *i
`

// A hostile .pipeguard.yaml is refused with an error naming the file, in
// bounded time, whether it is an alias bomb, self-referencing or deeply
// nested (issue 12: hostile input is bounded).
func TestHostileYAMLConfig(t *testing.T) {
	for _, tt := range []struct{ name, data string }{
		{"alias bomb", billionLaughs},
		{"self reference", "exclude: &a [*a]\n"},
		{"deep nesting", "exclude: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(".pipeguard.yaml", []byte(tt.data), true)
			if err == nil {
				t.Fatal("a hostile configuration was accepted")
			}
			if !strings.Contains(err.Error(), ".pipeguard.yaml") {
				t.Errorf("the error does not name the file: %v", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
