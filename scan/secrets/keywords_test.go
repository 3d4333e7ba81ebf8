package secrets

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// TestKeywordIndexAsTrie checks that the keyword index finds what gitleaks'
// Aho-Corasick trie finds, in the same order: overlapping keywords,
// keywords inside others, one-byte ones, pairs that begin several words.
func TestKeywordIndexAsTrie(t *testing.T) {
	rs, err := loadRules(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string][]string{
		"default rules": rs.prefilter.words,
		"overlapping":   {"a", "ab", "abc", "bc", "c", "key", "apikey", "api", "pi", "ikey", "aaa", "aa", "apx", "apiz"},
	}
	for name, words := range sets {
		trie := ahocorasick.NewTrieBuilder().AddStrings(words).Build()
		rng := rand.New(rand.NewPCG(1, uint64(len(words))))
		pieces := append(slices.Clone(words), " ", "=", "x", "_", "\n", "k", "e", "y", "\u00e9")
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(40) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			s := b.String()
			var want []keywordHit
			for _, m := range trie.MatchString(s) {
				want = append(want, keywordHit{int(m.Pos()), m.MatchString()})
			}
			got := newKeywordIndex(words).find(s)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: find(%q) =\n%v\nthe trie finds\n%v", name, s, got, want)
			}
		}
	}
}

// BenchmarkKeywordIndex compares the keyword index with gitleaks'
// Aho-Corasick trie of the default rules' keywords on the files of the
// tree PIPEGUARD_BENCH_TREE names (a checkout), or on generated code.
func BenchmarkKeywordIndex(b *testing.B) {
	rs, err := loadRules(b.TempDir(), "")
	if err != nil {
		b.Fatal(err)
	}
	text := benchText(b, os.Getenv("PIPEGUARD_BENCH_TREE"))
	b.Run("index", func(b *testing.B) {
		k := newKeywordIndex(rs.prefilter.words)
		b.SetBytes(int64(len(text)))
		for range b.N {
			k.find(text)
		}
	})
	b.Run("trie", func(b *testing.B) {
		trie := ahocorasick.NewTrieBuilder().AddStrings(rs.prefilter.words).Build()
		b.SetBytes(int64(len(text)))
		for range b.N {
			trie.MatchString(text)
		}
	})
}

// benchText returns up to 8 MB of the files of tree, lower-cased, or of
// generated code when tree is "".
func benchText(b *testing.B, tree string) string {
	b.Helper()
	var sb strings.Builder
	if tree == "" {
		rng := rand.New(rand.NewPCG(5, 6))
		words := []string{"func", "key", "return", "token", "s.Close()", "err", "if", "api", "user", "config", "value", "=", ":=", "(", ")", "\n", "\t", "secret", "access", "string"}
		for sb.Len() < 4<<20 {
			sb.WriteString(words[rng.IntN(len(words))])
			sb.WriteByte(' ')
		}
		return sb.String()
	}
	out, err := exec.Command("git", "-C", tree, "ls-files").Output()
	if err != nil {
		b.Fatalf("git ls-files in %s: %v", tree, err)
	}
	for _, p := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		data, err := os.ReadFile(filepath.Join(tree, p))
		if err != nil || len(data) > 1<<20 {
			continue
		}
		sb.Write(data)
		if sb.Len() > 8<<20 {
			break
		}
	}
	low, _ := lower(sb.String(), true)
	return low
}
