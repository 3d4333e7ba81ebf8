package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/outfile"
)

// StateVersion is the version of the state file's schema.
const StateVersion = 1

// maxHistory is how many runs the state remembers per repository.
const maxHistory = 400

// State is what an audit remembers between runs (--state FILE), per
// repository: the commits scanned, the findings open after the last run,
// and a short history of counts for the chart. It holds findings as the
// reports do, already redacted: never a secret in clear.
type State struct {
	Version      int                   `json:"version"`
	Repositories map[string]*RepoState `json:"repositories"`
}

// RepoState is one repository's memory.
type RepoState struct {
	URL string `json:"url"`
	// Head is the commit HEAD named at the last scan.
	Head string `json:"head"`
	// Tips are the commits every ref named at the last scan: everything
	// they reach has been scanned for secrets.
	Tips []string `json:"tips"`
	// ScannedAt is when the last successful scan ran.
	ScannedAt time.Time `json:"scanned_at"`
	// Findings are the findings open after the last run.
	Findings []scan.Finding `json:"findings"`
	// History is one point per run, oldest first.
	History []Point `json:"history"`
}

// Point is one run's counts for one repository, or summed over all.
type Point struct {
	At       time.Time `json:"at"`
	Open     int       `json:"open"`
	Blocking int       `json:"blocking"`
	New      int       `json:"new"`
	Fixed    int       `json:"fixed"`
}

// NewState is an empty state.
func NewState() *State {
	return &State{Version: StateVersion, Repositories: map[string]*RepoState{}}
}

// LoadState reads a state file; a missing file is an empty state.
func LoadState(name string) (*State, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return NewState(), nil
	}
	if err != nil {
		return nil, &scan.ConfigError{Path: name, Err: err}
	}
	st := NewState()
	if err := json.Unmarshal(data, st); err != nil {
		return nil, &scan.ConfigError{Path: name, Err: fmt.Errorf("not a pipeguard audit state: %w", err)}
	}
	if st.Version != StateVersion {
		return nil, &scan.ConfigError{Path: name, Err: fmt.Errorf("state version %d, want %d", st.Version, StateVersion)}
	}
	if st.Repositories == nil {
		st.Repositories = map[string]*RepoState{}
	}
	return st, nil
}

// Save writes the state atomically (a temporary file renamed over name).
func (s *State) Save(name string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return writeFileAtomic(name, append(data, '\n'))
}

// MergeStates combines the states of several shards: for each repository
// the entry scanned last wins.
func MergeStates(states ...*State) *State {
	out := NewState()
	for _, st := range states {
		for name, rs := range st.Repositories {
			if cur, ok := out.Repositories[name]; !ok || rs.ScannedAt.After(cur.ScannedAt) {
				out.Repositories[name] = rs
			}
		}
	}
	return out
}

// writeFileAtomic writes data to name, creating its folder: atomically
// for a regular file, so that a reader never sees half a file, and in
// place for anything else, such as /dev/null (scan/outfile).
func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return outfile.Write(name, data, 0o644)
}

// isHistorySecret reports whether f is a secret found in a commit. Such a
// finding stays open across incremental runs, which scan only new commits,
// until a full-history scan no longer finds it or its commit has left the
// repository; every other finding is recomputed from the tree each run.
func isHistorySecret(f scan.Finding) bool {
	return f.Scanner == scan.ScannerSecrets && f.Commit != ""
}

// diff compares the findings open now with those open at the last run:
// new are the fingerprints first seen now, open those seen before and
// still present, fixed the findings of the last run that are gone (one per
// fingerprint).
func diff(prev, cur []scan.Finding) (newFPs, open []string, fixed []scan.Finding) {
	before := map[string]bool{}
	for _, f := range prev {
		before[f.Fingerprint] = true
	}
	now := map[string]bool{}
	for _, f := range cur {
		if now[f.Fingerprint] {
			continue
		}
		now[f.Fingerprint] = true
		if before[f.Fingerprint] {
			open = append(open, f.Fingerprint)
		} else {
			newFPs = append(newFPs, f.Fingerprint)
		}
	}
	gone := map[string]bool{}
	for _, f := range prev {
		if !now[f.Fingerprint] && !gone[f.Fingerprint] {
			gone[f.Fingerprint] = true
			fixed = append(fixed, f)
		}
	}
	sort.Strings(newFPs)
	sort.Strings(open)
	return nonNil(newFPs), nonNil(open), nonNilF(fixed)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilF(s []scan.Finding) []scan.Finding {
	if s == nil {
		return []scan.Finding{}
	}
	return s
}
