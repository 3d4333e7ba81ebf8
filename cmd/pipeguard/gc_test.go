package main

import (
	"testing"

	"github.com/pipeguard/pipeguard/scan/deps"
)

func TestGCSettings(t *testing.T) {
	const gib = int64(1) << 30
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name        string
		args        []string
		getenv      func(string) string
		avail       int64
		ok          bool
		wantPercent int
		wantLimit   int64
	}{
		{"defaults, 8 GiB available", []string{"scan", "."}, env(), 8 * gib, true, gcPercent, 2 * gib},
		{"available memory unknown", nil, env(), 0, false, gcPercent, deps.DefaultMemoryBudget / 3},
		{"GOGC is the user's", nil, env("GOGC", "50"), 8 * gib, true, -1, -1},
		{"GOGC=off is the user's", nil, env("GOGC", "off"), 8 * gib, true, -1, -1},
		{"GOMEMLIMIT is the user's", nil, env("GOMEMLIMIT", "1GiB"), 8 * gib, true, gcPercent, -1},
		{"the govulncheck child keeps Go's defaults", []string{"db", dbChildCmd, "-json"}, env("GOMEMLIMIT", "2700000000"), 8 * gib, true, -1, -1},
		{"other db commands are tuned", []string{"db", "build"}, env(), 8 * gib, true, gcPercent, 2 * gib},
		{"little memory free: Go's defaults", nil, env(), 600 << 20, true, -1, -1},
		{"none free (a full cgroup)", nil, env(), 0, true, -1, -1},
		{"just enough", nil, env(), 1 * gib, true, gcPercent, gib / 4},
		{"little memory, GOMEMLIMIT the user's", nil, env("GOMEMLIMIT", "1GiB"), 0, true, gcPercent, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := false
			avail := func() (int64, bool) { read = true; return tt.avail, tt.ok }
			p, l := gcSettings(tt.args, tt.getenv, avail)
			if p != tt.wantPercent || l != tt.wantLimit {
				t.Errorf("gcSettings = %d, %d; want %d, %d", p, l, tt.wantPercent, tt.wantLimit)
			}
			// The available memory is read only for a limit of pipeguard's
			// own choosing.
			if want := tt.getenv("GOGC") == "" && tt.getenv("GOMEMLIMIT") == "" && !(len(tt.args) >= 2 && tt.args[1] == dbChildCmd); read != want {
				t.Errorf("available memory read: %v, want %v", read, want)
			}
		})
	}
}
