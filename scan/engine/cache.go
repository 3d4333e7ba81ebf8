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
	configs map[string]*config.Scanner
	gates   map[string]*gate.Gate
	secrets *secrets.Scanner // the default rules, for repositories without gitleaks files
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{configs: map[string]*config.Scanner{}, gates: map[string]*gate.Gate{}}
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.configs[key]; ok {
		return s, nil
	}
	s, err := config.New(opts)
	if err != nil {
		return nil, err
	}
	c.configs[key] = s
	return s, nil
}

func (c *Cache) gate(ctx context.Context, opts gate.Options) (*gate.Gate, error) {
	if c == nil || len(opts.PolicyDirs) > 0 {
		return gate.New(ctx, opts)
	}
	key := policyKey(nil, opts.Modules, nil)
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.gates[key]; ok {
		return g, nil
	}
	g, err := gate.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.gates[key] = g
	return g, nil
}

// secretsScanner shares one scanner with the default rules among the
// repositories that bring no gitleaks configuration or ignore file; the
// others get their own.
func (c *Cache) secretsScanner(opts secrets.Options) (*secrets.Scanner, error) {
	if c == nil || opts.ConfigPath != "" || opts.IgnorePath != "" || hasGitleaksFiles(opts.Root) {
		return secrets.New(opts)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.secrets == nil {
		// Root has no gitleaks files (checked above): the scanner reads
		// none at construction, and holds the default rules only.
		s, err := secrets.New(opts)
		if err != nil {
			return nil, err
		}
		c.secrets = s
	}
	return c.secrets, nil
}

func hasGitleaksFiles(root string) bool {
	for _, name := range []string{".gitleaks.toml", ".gitleaksignore"} {
		if _, err := os.Lstat(filepath.Join(root, name)); err == nil {
			return true
		}
	}
	return false
}
