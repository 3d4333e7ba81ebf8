package facts

import (
	"bytes"
	"context"
	"strings"
	"sync"

	"github.com/pipeguard/pipeguard/scan"
)

// statementLang is the Python grammar for Statements, loaded once.
var statementLang = sync.OnceValue(newPyLang)

// Statements returns the statements of Python source src, for matching
// suppression comments (scan/suppress): every simple statement whole
// (a call whose arguments take ten lines, an assignment, a decorator), and
// every compound statement (def, class, if, for, while, with, try, match
// and their clauses) by its header only, from its keyword to the colon: a
// comment on a def line covers the signature, never the body. Parts that
// do not parse are left out; the error is for a cancelled context or a
// broken parser.
func Statements(ctx context.Context, src []byte) ([]scan.Statement, error) {
	pp, err := statementLang().newParser()
	if err != nil {
		return nil, err
	}
	defer pp.Close()
	root, _, err := pp.parse(ctx, src)
	if err != nil {
		return nil, err
	}
	return statementsOf(root, src), nil
}

// statementsOf lists the statements under root (see Statements).
func statementsOf(root *node, src []byte) []scan.Statement {
	var out []scan.Statement
	root.walk(func(n *node) bool {
		switch {
		case n.kind == "module" || n.kind == "block" || n.kind == "decorated_definition" || n.kind == "ERROR":
			return true
		case hasBlock(n):
			out = append(out, scan.Statement{Line: n.line, EndLine: headerEnd(n, src)})
			return true
		case n.kind == "decorator" || strings.HasSuffix(n.kind, "_statement"):
			out = append(out, scan.Statement{Line: n.line, EndLine: endLine(n, src)})
			return false // Python has no statements inside expressions
		}
		return false
	})
	return out
}

// hasBlock says whether n is a compound statement or clause: one with a
// body.
func hasBlock(n *node) bool {
	for _, c := range n.children {
		if c.kind == "block" {
			return true
		}
	}
	return false
}

// headerEnd is the last line of a compound statement's header: the end of
// what comes before its first body.
func headerEnd(n *node, src []byte) int {
	end := n.line
	for _, c := range n.children {
		if c.kind == "block" {
			break
		}
		end = max(end, endLine(c, src))
	}
	return end
}

// endLine is the last line of n.
func endLine(n *node, src []byte) int {
	if n.end <= n.start || int(n.end) > len(src) {
		return n.line
	}
	return n.line + bytes.Count(src[n.start:n.end], []byte("\n"))
}
