package policy

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/pipeguard/pipeguard/policies"
)

func TestScratch(t *testing.T) {
	q := os.Getenv("Q")
	if q == "" {
		t.Skip()
	}
	mods, _ := LoadFS(policies.FS, ".")
	eng, err := Compile(context.Background(), mods, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := eng.Eval(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(rs, "", " ")
	t.Log(string(b))
}
