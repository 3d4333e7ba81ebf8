package policy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// The OPA sandbox does not read local files through JSON Schema
// references: json.verify_schema and json.match_schema with a $ref to
// file:// (or anything not inline) are refused like http.send, at load time
// with the file and line when the schema is written in the policy, at
// evaluation when it comes from the input; and no message says what a file
// holds or whether it exists (issue 12, item 9).
func TestHostileSchemaRefsRefusedAtLoad(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(secret, []byte(`{"type": "CANARYcontent"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src string
		line      int
	}{
		{"verify_schema object", "package x\n\nok if {\n\tjson.verify_schema({\"$ref\": \"file://" + secret + "\"})\n}\n", 4},
		{"match_schema string", "package x\n\nr := json.match_schema({}, `{\"properties\": {\"a\": {\"$ref\": \"file://" + secret + "\"}}}`)\n", 3},
		{"relative ref with a file $id", "package x\n\nr := json.match_schema({}, {\"$id\": \"file://" + filepath.Dir(secret) + "/\", \"$ref\": \"secret.json\"})\n", 3},
		{"http ref", "package x\n\nr := json.verify_schema({\"$ref\": \"https://example.com/s.json\"})\n", 3},
		{"relative ref", "package x\n\nr := json.verify_schema({\"$ref\": \"secret.json#/x\"})\n", 3},
		{"file $id alone", "package x\n\nr := json.verify_schema({\"$id\": \"file:///etc/passwd\", \"$ref\": \"#\"})\n", 3},
		{"in a comprehension", "package x\n\nr := [v | some s in input.s; v := json.verify_schema({\"items\": {\"$ref\": \"file:///etc/passwd\"}})]\n", 3},
		{"METADATA schema", "# METADATA\n# schemas:\n#   - input: {\"$ref\": \"file://" + secret + "\"}\npackage x\n\nr := input.a\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(context.Background(), []Module{{Path: "p.rego", Source: []byte(tt.src)}}, CompileOptions{})
			var ce *scan.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile: %v, want a *scan.ConfigError", err)
			}
			if ce.Path != "p.rego" || ce.Line != tt.line {
				t.Errorf("error at %s:%d, want p.rego:%d: %v", ce.Path, ce.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), "may not read files or the network") || strings.Contains(err.Error(), "CANARY") {
				t.Errorf("message: %v", err)
			}
		})
	}
}

func TestHostileSchemaRefsRefusedAtEval(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.json")
	if err := os.WriteFile(secret, []byte(`{"type": "CANARYcontent"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	src := "package x\n\nverify := json.verify_schema(input.schema)\n\nmatch := json.match_schema(input.doc, input.schema)\n"
	eng, err := Compile(ctx, []Module{{Path: "p.rego", Source: []byte(src)}}, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, ref := range []string{"file://" + secret, "file://" + filepath.Join(dir, "missing.json"), "file:///etc/passwd"} {
		for _, q := range []string{"data.x.verify", "data.x.match"} {
			_, err := eng.Eval(ctx, q, map[string]any{"doc": map[string]any{}, "schema": map[string]any{"$ref": ref}})
			if err == nil || !strings.Contains(err.Error(), "may not read files or the network") {
				t.Fatalf("%s with $ref %s: %v, want a refusal", q, ref, err)
			}
			if strings.Contains(err.Error(), "CANARY") || strings.Contains(err.Error(), "no such file") || strings.Contains(err.Error(), "root:") {
				t.Errorf("%s: the message reveals the file: %v", q, err)
			}
			msgs = append(msgs, strings.ReplaceAll(err.Error(), ref, "REF"))
		}
		// A schema given as a JSON string is checked the same way.
		_, err := eng.Eval(ctx, "data.x.verify", map[string]any{"schema": `{"$ref": "` + ref + `"}`})
		if err == nil || !strings.Contains(err.Error(), "may not read files") {
			t.Errorf("string schema with $ref %s: %v", ref, err)
		}
	}
	// An existing file and a missing one give the same message.
	if msgs[0] != msgs[2] || msgs[1] != msgs[3] {
		t.Errorf("messages differ between an existing and a missing file:\n%s", strings.Join(msgs, "\n"))
	}

	// Inline references still work.
	rs, err := eng.Eval(ctx, "data.x.match", map[string]any{"doc": map[string]any{"a": "x"}, "schema": map[string]any{
		"type": "object", "properties": map[string]any{"a": map[string]any{"$ref": "#/definitions/n"}},
		"definitions": map[string]any{"n": map[string]any{"type": "integer"}}}})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := rs[0].Expressions[0].Value.([]any)
	if len(res) != 2 || res[0] != false {
		t.Errorf("inline schema: %v, want a failed match", rs[0].Expressions[0].Value)
	}
}

// The sandboxed built-ins also run in policy unit tests, mocks included.
func TestHostileSchemaBuiltinsInTests(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lib.rego", "package acme.lib\n\nvalid(doc) if {\n\t[ok, _] := json.match_schema(doc, {\"type\": \"object\", \"required\": [\"a\"]})\n\tok\n}\n")
	write("lib_test.rego", "package acme.lib_test\n\nimport data.acme.lib\n\ntest_valid if lib.valid({\"a\": 1})\n\ntest_invalid if not lib.valid({})\n\n"+
		"test_mock if lib.valid({}) with json.match_schema as [true, []]\n\n"+
		"test_refused if json.verify_schema(input.s) with input as {\"s\": {\"$ref\": \"file:///etc/passwd\"}}\n")
	results, err := Test(context.Background(), Options{NoBuiltin: true, Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range results {
		switch {
		case r.Error != nil:
			got[r.Name] = "error: " + r.Error.Error()
		case r.Fail:
			got[r.Name] = "fail"
		default:
			got[r.Name] = "pass"
		}
	}
	for _, n := range []string{"test_valid", "test_invalid", "test_mock"} {
		if got[n] != "pass" {
			t.Errorf("%s: %s", n, got[n])
		}
	}
	if !strings.Contains(got["test_refused"], "may not read files") {
		t.Errorf("test_refused: %s, want the refusal", got["test_refused"])
	}
}

// runaway is a comprehension that would take tens of gigabytes: the set of
// all pairs of a few hundred thousand numbers.
const runaway = "package pipeguard.gate.extend\n\nblock contains f.id if {\n\tsome f in input.findings\n\tpairs := [[a, b] | some a in numbers.range(1, 300000); some b in numbers.range(1, 300000)]\n\tcount(pairs) > 0\n}\n"

// A gate extension or a rule whose comprehension would take 24 GB stops
// cleanly at the memory limit, with a clear error; the time limit stops a
// slow one; an interrupt stops either promptly (issue 12, item 8).
func TestHostileRunawayPolicyBounded(t *testing.T) {
	ctx := context.Background()
	eng, err := Compile(ctx, []Module{{Path: "gate_ext.rego", Source: []byte(runaway)}}, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"findings": []any{map[string]any{"id": "0"}}}

	t.Run("memory", func(t *testing.T) {
		start := time.Now()
		_, err := eng.Eval(WithLimits(ctx, Limits{Memory: 64 << 20, Timeout: time.Minute}), "data.pipeguard.gate.extend.block", in)
		if !errors.Is(err, ErrMemoryLimit) {
			t.Fatalf("err = %v, want the memory limit", err)
		}
		if !strings.Contains(err.Error(), "limit 64 MiB") {
			t.Errorf("message does not say the limit: %v", err)
		}
		t.Logf("stopped after %v: %v", time.Since(start), err)
	})
	t.Run("time", func(t *testing.T) {
		start := time.Now()
		_, err := eng.Eval(WithLimits(ctx, Limits{Memory: -1, Timeout: 200 * time.Millisecond}), "data.pipeguard.gate.extend.block", in)
		if !errors.Is(err, ErrTimeLimit) {
			t.Fatalf("err = %v, want the time limit", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("stopped after %v", d)
		}
	})
	t.Run("interrupt", func(t *testing.T) {
		ictx, cancel := context.WithCancel(WithLimits(ctx, Limits{Memory: -1, Timeout: time.Minute}))
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := eng.Eval(ictx, "data.pipeguard.gate.extend.block", in)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("stopped %v after the interrupt", d)
		}
	})
}
