package policy

import (
	"context"
	"testing"
)

// BenchmarkLoad measures what every scan pays before its first rule runs:
// reading, parsing, cataloguing, compiling (type-checked against the facts
// schema) and preparing the built-in rules.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rs, err := Load(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rs.Rules()) == 0 {
			b.Fatal("no rules")
		}
	}
}
