package facts

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const schemaPath = "../../policies/facts.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("read %s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("facts.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("facts.schema.json")
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	return sch
}

func validateJSON(t *testing.T, sch *jsonschema.Schema, name string, b []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s does not match the schema: %v", name, err)
	}
}

// TestFactsMatchSchema checks that the facts of every fixture project, and
// the example shipped for policy authors, match policies/facts.schema.json.
func TestFactsMatchSchema(t *testing.T) {
	sch := compileSchema(t)
	example, err := os.ReadFile("../../policies/facts.example.json")
	if err != nil {
		t.Fatal(err)
	}
	validateJSON(t, sch, "facts.example.json", example)

	dirs, err := filepath.Glob("../../testdata/fastapi/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(d), func(t *testing.T) {
			b, err := json.Marshal(extractDir(t, d))
			if err != nil {
				t.Fatal(err)
			}
			validateJSON(t, sch, d, b)
		})
	}
	if n < 3 {
		t.Fatalf("found %d fixture projects, want at least 3", n)
	}
}

// TestSchemaRejectsUnknownField makes sure the schema is strict: it forbids
// unknown properties, so a field added to the Go types without the schema
// fails TestFactsMatchSchema.
func TestSchemaRejectsUnknownField(t *testing.T) {
	sch := compileSchema(t)
	b, err := json.Marshal(extractDir(t, "../../testdata/fastapi/vulnerable"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), `"has_auth":`, `"hasAuth":true,"has_auth":`, 1)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err == nil {
		t.Fatal("schema accepted an unknown app property; additionalProperties must be false")
	}
}
