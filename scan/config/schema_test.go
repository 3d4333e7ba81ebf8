package config

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/target"
)

// TestGoFactsMatchSchema checks that the input the rules receive for the
// Go fixture services (Python and deployment facts, and the Go facts under
// "go") matches policies/facts.schema.json, which forbids unknown fields.
func TestGoFactsMatchSchema(t *testing.T) {
	f, err := os.Open("../../policies/facts.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("facts.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("facts.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gin-api", "nethttp-api", "hardened"} {
		t.Run(name, func(t *testing.T) {
			root := copyProject(t, "../../testdata/go", name)
			tree := target.NewTree(root, 0)
			files, _, err := tree.Files(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			in, err := s.Facts(context.Background(), &scan.Target{Root: root, Tree: tree}, files)
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Go.Files) == 0 {
				t.Fatal("no Go facts")
			}
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("facts do not match the schema: %v", err)
			}
			bad := strings.Replace(string(b), `"recv_from":`, `"recvFrom":"x","recv_from":`, 1)
			inst, _ = jsonschema.UnmarshalJSON(strings.NewReader(bad))
			if strings.Contains(string(b), `"recv_from":`) && sch.Validate(inst) == nil {
				t.Error("the schema accepts an unknown Go field")
			}
		})
	}
}
