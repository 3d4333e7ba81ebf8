package facts

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A chain of local mappings, each built several times from the one
// before, is walked once per name, not once per path: the walk that
// finds where SQL text comes from took minutes on a 100 KB module
// (lm-sys/FastChat) when every path was walked anew.
func TestHostileFlowChain(t *testing.T) {
	const names, ways = 14, 3
	var b strings.Builder
	b.WriteString("def build(cursor, extra):\n    d0 = dict(extra)\n")
	for i := 1; i < names; i++ {
		for w := 0; w < ways; w++ {
			fmt.Fprintf(&b, "    d%d = {**d%d, \"k%d\": %d}\n", i, i-1, w, w)
		}
	}
	fmt.Fprintf(&b, "    for k, v in d%d.items():\n        cursor.execute(f\"UPDATE t SET {k} = 1\")\n", names-1)
	src := []byte(b.String())

	lang := newPyLang()
	p, err := lang.newParser()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	root, bad, err := p.parse(context.Background(), src)
	if err != nil || len(bad) > 0 {
		t.Fatalf("parse: %v %v", err, bad)
	}
	f := analyzePython("m.py", "m", "", false, false, root, src)
	// Linear: a few steps per assignment. Walking every path takes
	// ways^names (4.7 million) steps.
	if limit := 50 * names * ways; f.originSteps == 0 || f.originSteps > limit {
		t.Errorf("data-flow walk took %d steps, want 1..%d", f.originSteps, limit)
	}
}
