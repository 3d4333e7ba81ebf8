package policy

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

type inner struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

type Embedded struct {
	E string `json:"e"`
	A string `json:"a"` // shadowed by the outer field
}

type sample struct {
	Embedded
	Name     string `json:"name"`
	Skip     string `json:"-"`
	Untagged bool
	Opt      string            `json:"opt,omitempty"`
	Zero     int               `json:"zero,omitempty"`
	Inner    inner             `json:"inner,omitempty"`
	Ptr      *inner            `json:"ptr"`
	NilPtr   *inner            `json:"nil_ptr,omitempty"`
	Any      any               `json:"any"`
	AnyNil   any               `json:"any_nil"`
	List     []inner           `json:"list"`
	NilList  []string          `json:"nil_list"`
	Empty    []string          `json:"empty,omitempty"`
	Map      map[string]any    `json:"map"`
	Ints     map[int]string    `json:"ints"`
	When     time.Time         `json:"when"`
	Bytes    []byte            `json:"bytes"`
	Float    float64           `json:"float"`
	Num      json.Number       `json:"num"`
	Raw      json.RawMessage   `json:"raw"`
	Nested   map[string][]bool `json:"nested"`
	A        string            `json:"a"`
	unexp    string
}

// TestInputMatchesJSON checks the direct conversion against encoding/json.
func TestInputMatchesJSON(t *testing.T) {
	x := sample{
		Embedded: Embedded{E: "e", A: "shadowed"},
		Name:     "n", Skip: "s", Untagged: true,
		Ptr:  &inner{A: "p"},
		Any:  map[string]any{"k": []any{1, "two", 3.5, nil, true}},
		List: []inner{{A: "x", B: 2}, {A: "y"}},
		Map:  map[string]any{"v": json.Number("12")},
		Ints: map[int]string{1: "one"},
		When: time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), Bytes: []byte("hi"),
		Float: 1.25, Num: "7", Raw: json.RawMessage(`{"r":[1]}`),
		Nested: map[string][]bool{"b": {true, false}}, A: "outer", unexp: "u",
	}
	got, err := Input(x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ast.ValueFromReader(bytesReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got.Compare(want) != 0 {
		t.Errorf("Input:\n%v\nencoding/json:\n%v", got, want)
	}
	if v, _ := Input(nil); v.Compare(ast.Null{}) != 0 {
		t.Errorf("Input(nil) = %v", v)
	}
}

func bytesReader(b []byte) *stringsReader { return &stringsReader{b: b} }

type stringsReader struct {
	b []byte
	i int
}

func (r *stringsReader) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, errEOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}

var errEOF = io.EOF
