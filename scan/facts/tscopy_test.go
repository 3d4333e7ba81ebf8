package facts

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// refCopy is the plain copy of a syntax tree through go-tree-sitter's API:
// every node visited, those keepNode refuses dropped with what is below
// them, comments unnamed, kinds from the grammar's table (an ERROR node,
// whose symbol lies outside it, has kind ""). copyTreeFast must give the
// same tree.
func refCopy(l *pyLang, n *sitter.Node, field string) *node {
	out := &node{kind: kindOf(l, n), field: field, start: uint32(n.StartByte()), end: uint32(n.EndByte()), line: int(n.StartPosition().Row) + 1}
	out.named = n.IsNamed() && out.kind != "comment"
	c := n.Walk()
	defer c.Close()
	if !c.GotoFirstChild() {
		return out
	}
	for {
		ch := c.Node()
		kind := kindOf(l, ch)
		if keepNode(kind, ch.IsNamed() && kind != "comment") {
			out.children = append(out.children, refCopy(l, ch, c.FieldName()))
		}
		if !c.GotoNextSibling() {
			return out
		}
	}
}

func kindOf(l *pyLang, n *sitter.Node) string {
	if id := int(n.KindId()); id < len(l.kinds) {
		return l.kinds[id]
	}
	return ""
}

// sameTree says where two copies differ ("" when they do not).
func sameTree(a, b *node, at string) string {
	if a.kind != b.kind || a.field != b.field || a.named != b.named || a.start != b.start || a.end != b.end || a.line != b.line {
		return fmt.Sprintf("%s: %+v != %+v", at, *a, *b)
	}
	if len(a.children) != len(b.children) {
		return fmt.Sprintf("%s %s: %d children != %d", at, a.kind, len(a.children), len(b.children))
	}
	for i := range a.children {
		if d := sameTree(a.children[i], b.children[i], fmt.Sprintf("%s/%s[%d]", at, a.kind, i)); d != "" {
			return d
		}
	}
	return ""
}

// TestCopyTreeFast checks the one-call C copy against the plain copy, on
// tricky snippets (comments among arguments, strings, syntax errors) and on
// every Python file of the repository's test data.
func TestCopyTreeFast(t *testing.T) {
	srcs := map[string]string{
		"empty":    "",
		"comments": "# top\nf(a,  # one\n  b=1, # two\n)\n",
		"strings":  "x = f'{a!r:>{w}}' 'b' rb'\\x00'\ny = \"\"\"doc\n\"\"\"\n",
		"syntax":   "def f(:\n    return 1\nclass C(\n",
		"nested":   "@app.get('/x', dependencies=[Depends(auth)])\nasync def h(q: int = Query(None)):\n    with open(p) as f, lock:\n        return {k: v for k, v in d.items() if k}\n",
		"py2":      "print 'x'\nexec 'y'\n",
	}
	root := filepath.Join("..", "..", "testdata")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
			return err
		}
		b, err := os.ReadFile(p)
		srcs[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) < 20 {
		t.Fatalf("only %d sources", len(srcs))
	}
	lang := newPyLang()
	pp, err := lang.newParser()
	if err != nil {
		t.Fatal(err)
	}
	defer pp.Close()
	for name, src := range srcs {
		tree := pp.parser.Parse([]byte(src), nil)
		want := refCopy(lang, tree.RootNode(), "")
		got := pp.copyTreeFast(tree)
		tree.Close()
		if d := sameTree(want, got, name); d != "" {
			t.Errorf("copyTreeFast differs from the plain copy: %s", d)
		}
		// The parser's scratch space is reused: a second copy is the same.
		root2, _, err := pp.parse(context.Background(), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if d := sameTree(want, root2, name+" (again)"); d != "" {
			t.Errorf("second copy differs: %s", d)
		}
	}
}
