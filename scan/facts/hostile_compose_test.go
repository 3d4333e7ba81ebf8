package facts

import (
	"strings"
	"testing"
	"time"
)

// A compose file that is a YAML alias bomb is read in bounded time and
// memory: aliases are not expanded into copies (issue 12: hostile input
// is bounded).
func TestHostileComposeAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString("x-" + name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n")
		prev = name
	}
	b.WriteString("services:\n  web:\n    command: *i\n    entrypoint: *i\n    environment: *i\n    labels: *i\n")
	start := time.Now()
	_, _ = parseCompose("compose.yaml", ".", []byte(b.String()))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("an alias bomb took %v", d)
	}
}
