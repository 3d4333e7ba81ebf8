package facts

import (
	"context"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestStatements(t *testing.T) {
	const src = `@app.get(
    "/x")
def handler(
    a,
    b=requests.get(u, verify=False),
) -> dict:
    r = requests.get(
        a,
        verify=False,
    )
    if (a and
            b):
        return {
            "k": 1,
        }
    return r
`
	stmts, err := Statements(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line int
		want scan.Statement
	}{
		{2, scan.Statement{Line: 1, EndLine: 2}},    // decorator
		{5, scan.Statement{Line: 3, EndLine: 6}},    // def header, to the return annotation
		{9, scan.Statement{Line: 7, EndLine: 10}},   // call assignment
		{12, scan.Statement{Line: 11, EndLine: 12}}, // if header
		{14, scan.Statement{Line: 13, EndLine: 15}}, // return in the if's body
		{16, scan.Statement{Line: 16, EndLine: 16}},
	}
	for _, tt := range tests {
		got, ok := scan.InnermostStatement(stmts, tt.line)
		if !ok || got != tt.want {
			t.Errorf("line %d: statement %+v (%v), want %+v", tt.line, got, ok, tt.want)
		}
	}
}
