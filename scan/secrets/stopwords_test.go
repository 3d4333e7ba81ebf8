package secrets

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/sources"
)

// TestStopWordsAsGitleaks checks that the stop words the engine checks
// itself, after gitleaks ran, drop the findings gitleaks' own detector
// drops, and no others.
func TestStopWordsAsGitleaks(t *testing.T) {
	rs, err := loadRules(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	sp := rs.specs["generic-api-key"]
	if sp == nil || sp.stops == nil || len(sp.stops.words) < 100 {
		t.Fatalf("generic-api-key's stop words are left to gitleaks: %+v", sp)
	}
	words := sp.stops.words
	rng := rand.New(rand.NewPCG(3, 5))
	var lines []string
	stopped := 0
	for i := range 400 {
		secret := fake("", fmt.Sprint("sw", i), 12+rng.IntN(12), alnum)
		if i%2 == 0 {
			w := words[rng.IntN(len(words))]
			if i%4 == 0 {
				w = strings.ToUpper(w)
			}
			at := rng.IntN(len(secret))
			secret = secret[:at] + w + secret[at:]
			stopped++
		}
		lines = append(lines, fmt.Sprintf("api_key_%d = %q", i, secret))
	}
	raw := strings.Join(lines, "\n") + "\n"

	vc, err := viperDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := vc.Translate()
	if err != nil {
		t.Fatal(err)
	}
	stock := detect.NewDetector(cfg)
	var want []string
	for _, f := range stock.DetectString(raw) {
		want = append(want, fmt.Sprintf("%s %d %s", f.RuleID, f.StartLine, f.Secret))
	}
	s, err := New(Options{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.newEngine(context.Background(), rs, rs.ids)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range e.detect(context.Background(), sources.Fragment{Raw: raw}) {
		got = append(got, fmt.Sprintf("%s %d %s", f.RuleID, f.StartLine, f.Secret))
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) < 100 || len(want) > len(lines)-stopped/2 {
		t.Fatalf("gitleaks found %d of %d candidates (%d with a stop word): the test does not exercise the stop words", len(want), len(lines), stopped)
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings differ from gitleaks': %d, want %d", len(got), len(want))
		for _, g := range got {
			if !slices.Contains(want, g) {
				t.Errorf("extra: %s", g)
			}
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("missing: %s", w)
			}
		}
	}
}

func TestTakesStopWords(t *testing.T) {
	for _, c := range []struct {
		id, cond string
		words    []string
		others   int
		want     bool
	}{
		{"generic-api-key", "", []string{"a"}, 1, true},
		{"my-generic-rule", "OR", []string{"a"}, 2, true},
		{"generic-api-key", "||", []string{"a"}, 1, true},
		{"aws-access-token", "", []string{"a"}, 1, false}, // a specific rule's finding can hide a generic one
		{"generic-api-key", "AND", []string{"a"}, 1, false},
		{"generic-api-key", "", []string{"a"}, 0, false}, // only stop words: gitleaks checks the allowlist
		{"generic-api-key", "", []string{"a", ""}, 1, false},
		{"generic-api-key", "", nil, 1, false},
	} {
		if got := takesStopWords(c.id, c.cond, c.words, c.others); got != c.want {
			t.Errorf("takesStopWords(%q, %q, %q, %d) = %v, want %v", c.id, c.cond, c.words, c.others, got, c.want)
		}
	}
}

func TestStopWordsContains(t *testing.T) {
	sw := &stopWords{words: []string{"Example", "x", "dummy", "ab"}}
	for s, want := range map[string]bool{
		"":           false,
		"Q9EXAMPLEq": true,
		"zzzz":       false,
		"Kx":         true, // one-byte word
		"DUMMy":      true,
		"aB":         true,
		"a":          false,
		"empl3dumm":  false,
	} {
		if got := sw.contains(s); got != want {
			t.Errorf("contains(%q) = %v, want %v", s, got, want)
		}
	}
}

var update = flag.Bool("update", false, "rewrite gitleaks_default.json from the linked gitleaks")

// TestEmbeddedDefaultConfig checks that the configuration embedded at
// build time is gitleaks' default one decoded, and that it is used: after
// an upgrade of gitleaks it fails until the file is regenerated with
// -update.
func TestEmbeddedDefaultConfig(t *testing.T) {
	want, err := decodeDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		data, err := encodeDefault(want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("gitleaks_default.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, ok := embeddedDefault()
	if !ok {
		t.Fatal("gitleaks_default.json was not decoded from the linked gitleaks' configuration: run go test ./scan/secrets -run TestEmbeddedDefaultConfig -update")
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("gitleaks_default.json differs from the decoded TOML: regenerate it with -update")
	}
	if vc, err := defaultViperConfig(); err != nil || !reflect.DeepEqual(vc, want) {
		t.Fatalf("defaultViperConfig: %v", err)
	}
}
