package gofacts

import (
	"go/ast"
	"go/parser"
	"go/token"

	"github.com/pipeguard/pipeguard/scan"
)

// Statements returns the statements of Go source src, for matching
// suppression comments (scan/suppress): every simple statement whole (an
// assignment whose struct literal takes ten lines, a call, a return), each
// declaration (one spec of a grouped var or const block), and every
// compound statement (func, if, for, switch, select, case) by its header
// only, up to its opening brace or colon. A function literal's statements
// are statements of their own, inside the one that holds the literal. What
// does not parse is left out.
func Statements(src []byte) []scan.Statement {
	fset := token.NewFileSet()
	af, _ := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if af == nil {
		return nil
	}
	var out []scan.Statement
	add := func(from, to token.Pos) {
		if from.IsValid() && to.IsValid() && to >= from {
			out = append(out, scan.Statement{Line: fset.Position(from).Line, EndLine: fset.Position(to).Line})
		}
	}
	header := func(from token.Pos, body *ast.BlockStmt) {
		if body != nil {
			add(from, body.Lbrace)
		}
	}
	ast.Inspect(af, func(n ast.Node) bool {
		switch s := n.(type) {
		case nil, *ast.File, *ast.BlockStmt, *ast.LabeledStmt, *ast.DeclStmt:
		case *ast.FuncDecl:
			if s.Body != nil {
				add(s.Pos(), s.Body.Lbrace)
			} else {
				add(s.Pos(), s.End())
			}
		case *ast.GenDecl:
			if !s.Lparen.IsValid() {
				add(s.Pos(), s.End())
				break
			}
			for _, sp := range s.Specs {
				add(sp.Pos(), sp.End())
			}
		case *ast.IfStmt:
			header(s.If, s.Body)
		case *ast.ForStmt:
			header(s.For, s.Body)
		case *ast.RangeStmt:
			header(s.For, s.Body)
		case *ast.SwitchStmt:
			header(s.Switch, s.Body)
		case *ast.TypeSwitchStmt:
			header(s.Switch, s.Body)
		case *ast.SelectStmt:
			header(s.Select, s.Body)
		case *ast.CaseClause:
			add(s.Case, s.Colon)
		case *ast.CommClause:
			add(s.Case, s.Colon)
		case ast.Stmt:
			add(s.Pos(), s.End())
		}
		return true
	})
	return out
}
