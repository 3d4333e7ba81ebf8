package scan

// Statement is the lines of one statement of a source file, as the facts
// extractors read its syntax (scan/facts for Python, scan/gofacts for Go):
// a simple statement whole (a call, an assignment, a declaration, however
// many lines its arguments take), a compound statement (def, if, for, func)
// by its header only, never its body, whose statements are statements of
// their own. Suppression comments use them: a comment on a statement's first
// line covers the findings on its other lines.
type Statement struct {
	Line    int `json:"line"`
	EndLine int `json:"end_line"`
}

// InnermostStatement returns the innermost of stmts holding line: the one
// that starts last and, among those, ends first. Statements nest (a Go
// function literal's statements inside the call that takes it), never
// overlap otherwise.
func InnermostStatement(stmts []Statement, line int) (Statement, bool) {
	var best Statement
	found := false
	for _, s := range stmts {
		if s.Line > line || line > s.EndLine {
			continue
		}
		if !found || s.Line > best.Line || s.Line == best.Line && s.EndLine < best.EndLine {
			best, found = s, true
		}
	}
	return best, found
}
