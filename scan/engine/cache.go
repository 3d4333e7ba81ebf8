package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/pipeguard/pipeguard/scan/config"
	"github.com/pipeguard/pipeguard/scan/gate"
	"github.com/pipeguard/pipeguard/scan/policy"
	"github.com/pipeguard/pipeguard/scan/secrets"
)

// Cache keeps what is costly to build and the same from one scan to the
// next (compiled Rego policies, compiled gitleaks rules) for a process that
// scans many repositories, such as an audit. It is safe for concurrent
// scans. A nil *Cache builds everything anew for each scan.
type Cache struct {
	mu      sync.Mutex
	configs map[string]*entry[*config.Scanner]
	gates   map[string]*entry[*gate.Gate]
	secrets entry[*secrets.Scanner] // the default rules, for repositories without gitleaks files
}

// entry is one cached value, built once; scans that need another entry
// do not wait for it to be built.
type entry[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (e *entry[T]) get(build func() (T, error)) (T, error) {
	e.once.Do(func() { e.v, e.err = build() })
	return e.v, e.err
}

// lookup returns the entry of key in m, adding an empty one.
func lookup[T any](c *Cache, m map[string]*entry[T], key string) *entry[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[key]
	if !ok {
		e = &entry[T]{}
		m[key] = e
	}
	return e
}

// cached builds or finds the value of key in m. A failed build is not kept
// (it may have been a cancelled scan's): the next scan tries again.
func cached[T any](c *Cache, m map[string]*entry[T], key string, build func() (T, error)) (T, error) {
	e := lookup(c, m, key)
	v, err := e.get(build)
	if err != nil {
		c.mu.Lock()
		if m[key] == e {
			delete(m, key)
		}
		c.mu.Unlock()
	}
	return v, err
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{configs: map[string]*entry[*config.Scanner]{}, gates: map[string]*entry[*gate.Gate]{}}
}

// policyKey identifies a set of policies by their content, so that two
// repositories with the same (or no) policies share one compiled set.
func policyKey(dirs []string, mods []policy.Module, disabled []string) string {
	h := sha256.New()
	for _, d := range dirs {
		h.Write([]byte("dir\x00" + d + "\x00"))
	}
	for _, m := range mods {
		h.Write([]byte("mod\x00" + m.Path + "\x00"))
		h.Write(m.Source)
		h.Write([]byte{0})
	}
	d := slices.Clone(disabled)
	slices.Sort(d)
	for _, r := range d {
		h.Write([]byte("off\x00" + r + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) config(opts config.Options) (*config.Scanner, error) {
	if c == nil || len(opts.PolicyDirs) > 0 {
		// Folders on disk may change between scans: compile them each time.
		return config.New(opts)
	}
	key := policyKey(nil, opts.PolicyModules, opts.Disabled)
	return cached(c, c.configs, key, func() (*config.Scanner, error) { return config.New(opts) })
}

func (c *Cache) gate(ctx context.Context, opts gate.Options) (*gate.Gate, error) {
	if c == nil || len(opts.PolicyDirs) > 0 {
		return gate.New(ctx, opts)
	}
	key := policyKey(nil, opts.Modules, nil)
	return cached(c, c.gates, key, func() (*gate.Gate, error) { return gate.New(ctx, opts) })
}

// secretsScanner shares one scanner with the default rules among the
// repositories that bring no gitleaks configuration or ignore file; the
// others get their own.
func (c *Cache) secretsScanner(opts secrets.Options) (*secrets.Scanner, error) {
	if c == nil || opts.ConfigPath != "" || opts.IgnorePath != "" || hasGitleaksFiles(opts.Root) {
		return secrets.New(opts)
	}
	// Root has no gitleaks files (checked above): the scanner reads none at
	// construction, and holds the default rules only.
	return c.secrets.get(func() (*secrets.Scanner, error) { return secrets.New(opts) })
}

func hasGitleaksFiles(root string) bool {
	for _, name := range []string{".gitleaks.toml", ".gitleaksignore"} {
		if _, err := os.Lstat(filepath.Join(root, name)); err == nil {
			return true
		}
	}
	return false
}
