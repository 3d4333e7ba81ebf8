package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// StateFile is the name Merge looks for next to a shard's audit.json.
const StateFile = "state.json"

// ReadReport reads a shard's report: an audit.json file, or a folder that
// holds one.
func ReadReport(p string) (*Audit, error) {
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, JSONFile)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read audit report: %w", err)
	}
	defer f.Close()
	a, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("read audit report %s: %w", p, err)
	}
	return a, nil
}

// Merge combines the reports of several shards into one. A repository that
// appears in two reports is an error: shards never overlap, so it means a
// report was given twice or the shards were cut differently.
func Merge(now time.Time, parts ...*Audit) (*Audit, error) {
	out := &Audit{Version: Version, GeneratedAt: now.UTC(), Repositories: []Repository{}}
	from := map[string]int{}
	for i, p := range parts {
		if p.Tool.Version != "" {
			out.Tool = p.Tool
		}
		if p.Shard != "" {
			out.Shards = append(out.Shards, p.Shard)
		}
		out.Shards = append(out.Shards, p.Shards...)
		for _, r := range p.Repositories {
			if j, ok := from[r.Name]; ok {
				return nil, fmt.Errorf("repository %s is in reports %d and %d", r.Name, j+1, i+1)
			}
			from[r.Name] = i
			out.Repositories = append(out.Repositories, r)
		}
		out.Skipped = append(out.Skipped, p.Skipped...)
	}
	if out.Tool.Name == "" {
		out.Tool.Name = "pipeguard"
	}
	sort.Strings(out.Shards)
	sort.SliceStable(out.Repositories, func(i, j int) bool { return out.Repositories[i].Name < out.Repositories[j].Name })
	out.Skipped = dedupeSkips(out.Skipped)
	out.finish()
	return out, nil
}

// dedupeSkips keeps one entry per skipped name: every shard lists the same
// organization.
func dedupeSkips(s []Skip) []Skip {
	seen := map[string]bool{}
	var out []Skip
	for _, x := range s {
		if !seen[x.Name] {
			seen[x.Name] = true
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// MergeOptions configure MergeDirs.
type MergeOptions struct {
	// Out receives the merged audit.json, audit.md and audit.html.
	Out string
	// State, when set, receives the shards' state files (StateFile next to
	// each audit.json) merged into one. What the file already holds is kept
	// for the repositories no shard scanned more recently, so that a shard
	// that failed does not make the next run forget its repositories.
	State string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// MergeDirs reads the shards' reports (folders or audit.json files),
// merges them and writes the merged reports (and state).
func MergeDirs(inputs []string, opts MergeOptions) (*Audit, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var parts []*Audit
	var states []*State
	if opts.State != "" {
		st, err := LoadState(opts.State)
		if err != nil {
			return nil, err
		}
		states = append(states, st)
	}
	for _, in := range inputs {
		a, err := ReadReport(in)
		if err != nil {
			return nil, err
		}
		parts = append(parts, a)
		if opts.State == "" {
			continue
		}
		dir := in
		if fi, err := os.Stat(in); err == nil && !fi.IsDir() {
			dir = filepath.Dir(in)
		}
		sp := filepath.Join(dir, StateFile)
		if _, err := os.Stat(sp); err == nil {
			st, err := LoadState(sp)
			if err != nil {
				return nil, err
			}
			states = append(states, st)
		}
	}
	merged, err := Merge(opts.Now(), parts...)
	if err != nil {
		return nil, err
	}
	if opts.State != "" {
		if err := MergeStates(states...).Save(opts.State); err != nil {
			return merged, err
		}
	}
	if opts.Out != "" {
		if err := WriteReports(opts.Out, merged); err != nil {
			return merged, err
		}
	}
	return merged, nil
}
