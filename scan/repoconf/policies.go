package repoconf

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/policy"
)

// PolicyModules reads the Rego files of the root configuration's policies
// folders from the Set's Source: under --trusted-config-from they come from
// the trusted revision, so a pull request cannot rewrite the policies that
// judge it. A folder given as an absolute path is read from disk. Test
// modules (_test.rego) are included; callers that scan skip them
// (policy.Module.IsTest).
func (s *Set) PolicyModules(ctx context.Context) ([]policy.Module, error) {
	var mods []policy.Module
	for _, dir := range s.root.Policies {
		if filepath.IsAbs(dir) || s.source == nil {
			ms, err := policy.LoadDir(dir)
			if err != nil {
				return nil, err
			}
			mods = append(mods, ms...)
			continue
		}
		files, err := s.source.Files(ctx, dir)
		if err != nil {
			return nil, &scan.ConfigError{Path: strings.Join(s.root.Sources, ", "), Err: fmt.Errorf("policies: folder %s in %s: %w", dir, s.source, err)}
		}
		for _, f := range files {
			if path.Ext(f) != ".rego" {
				continue
			}
			data, err := s.source.ReadFile(ctx, f)
			if err != nil {
				return nil, &scan.ConfigError{Path: f, Err: err}
			}
			name := f
			if g, ok := s.source.(*gitRev); ok {
				name = f + "@" + g.rev
			}
			mods = append(mods, policy.Module{Path: name, Source: data})
		}
	}
	return mods, nil
}

// Resolve makes a repository-relative path from the configuration (policies,
// baseline, ignore_file) a path on disk under root; absolute paths and URLs
// are returned as they are.
func Resolve(root, p string) string {
	if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
		return p
	}
	return filepath.Join(root, filepath.FromSlash(p))
}
