package repoconf

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

const schemaPath = "../../policies/pipeguard.schema.json"

// TestSchemaMatchesParser keeps the documented JSON Schema and the parser in
// step: the same keys, and the same files accepted or refused.
func TestSchemaMatchesParser(t *testing.T) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var schemaKeys, parserKeys []string
	for k := range doc.Properties {
		schemaKeys = append(schemaKeys, k)
	}
	for k := range keys {
		parserKeys = append(parserKeys, k)
	}
	sort.Strings(schemaKeys)
	sort.Strings(parserKeys)
	if !slices.Equal(schemaKeys, parserKeys) {
		t.Errorf("schema keys %v, parser keys %v", schemaKeys, parserKeys)
	}

	schemaDoc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("pipeguard.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("pipeguard.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{ // content -> valid
		"fail_on: high\nthresholds: {secrets: low, deps: high, config: medium}\ndisable_rules: [a, CVE-1]\nexclude: [\"testdata/\"]\nsecrets: {severity: critical}\npolicies: [ci/policies]\ndeps: {go_vulndb: /db, osv_db: /osv}\nmax_file_size: 5MB\nonly_new: true\nfail_open: false\nbaseline: b.json\nignore_file: i.yaml\nreport: low\nscanners: [secrets]\nversion: 1\n": true,
		"max_file_size: 1048576\n":    true,
		"":                            true,
		"fial_on: high\n":             false,
		"fail_on: severe\n":           false,
		"thresholds: {secret: low}\n": false,
		"deps: {osv: x}\n":            false,
		"only_new: maybe\n":           false,
		"scanners: [secrets, sast]\n": false,
	}
	for body, valid := range files {
		_, perr := Parse("x.yaml", []byte(body), true)
		var v any
		if err := yaml.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		serr := sch.Validate(toJSON(t, v))
		if (perr == nil) != valid || (serr == nil) != valid {
			t.Errorf("%q: parser err %v, schema err %v; want valid=%v", body, perr, serr, valid)
		}
	}
}

// toJSON turns a YAML value into its JSON form, as the schema library wants.
func toJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
