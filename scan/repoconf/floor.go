package repoconf

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// Refusal is a setting of a repository's configuration file that a floor
// configuration did not honour because it would have loosened it: a rule
// disabled, a path excluded, a threshold raised, its own policies or
// databases.
type Refusal struct {
	// Source is the file that asks for it, repository-relative.
	Source string `json:"source"`
	// Setting is the key: disable_rules, exclude, fail_on, thresholds.secrets...
	Setting string `json:"setting"`
	// Value is what the file asks for.
	Value string `json:"value"`
	// Why says what honouring it would have done.
	Why string `json:"why"`
}

// defaultMaxFileSize is the engine's default limit on the size of a scanned
// file (engine.DefaultMaxFileSize), what an unset max_file_size means.
const defaultMaxFileSize = 10 << 20

// LoadFloor reads the working tree's configuration files under root, each
// laid over floorFile (an organization's configuration, a path on disk; ""
// for pipeguard's defaults) so that they may tighten it but never loosen
// it: what an audit uses, so that a repository cannot hide its own findings
// from the auditors. A repository's file may add scanners, lower fail_on,
// thresholds and the report floor, raise the secrets severity and the
// largest file scanned, and name its suppression file (suppressions stay
// visible: the audit lists each one). Its disable_rules, exclude, its own
// policies and databases, a baseline, only_new, and any threshold or floor
// it raises are not honoured: Refused lists them. Paths in floorFile
// (policies, deps databases) are relative to its folder.
func LoadFloor(ctx context.Context, root, floorFile string) (*Set, error) {
	o := loadOpts{floor: true}
	if floorFile != "" {
		l, err := ParseFile(floorFile)
		if err != nil {
			return nil, err
		}
		dir, err := filepath.Abs(filepath.Dir(floorFile))
		if err != nil {
			return nil, &scan.ConfigError{Path: floorFile, Err: err}
		}
		absolute(l, dir)
		o.floorLayer, o.floorName = l, floorFile
	}
	return loadSource(ctx, WorkTree(root), o)
}

// absolute makes the paths of a configuration file outside the repository
// absolute, from its folder dir: its policies and its local databases.
func absolute(l *Layer, dir string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
			return p
		}
		return filepath.Join(dir, filepath.FromSlash(p))
	}
	for i := range l.Policies {
		l.Policies[i] = abs(l.Policies[i])
	}
	l.GoVulnDB = abs(l.GoVulnDB)
	l.OSVDB = abs(l.OSVDB)
}

// Refused lists what the repository's files asked for and a floor did not
// honour (LoadFloor); nil for a Set loaded otherwise.
func (s *Set) Refused() []Refusal { return s.refused }

// builtinFloor is the severity at and above which the default gate blocks a
// scanner's findings when nothing is configured (policies/gate/gate.rego):
// every secret; Python vulnerabilities and config findings from high. A Go
// vulnerability blocks when it is called, which makes it high.
func builtinFloor(scanner string) scan.Severity {
	if scanner == scan.ScannerSecrets {
		return scan.Info
	}
	return scan.High
}

// floorOf is c's blocking floor for scanner: its threshold, else fail_on,
// else the gate's default.
func floorOf(c *Config, scanner string) scan.Severity {
	if s := c.Threshold(scanner); s != "" {
		return s
	}
	return builtinFloor(scanner)
}

// tighten returns the part of l (read from src) that tightens parent, and
// records the rest in s.refused.
func (s *Set) tighten(parent *Config, src string, l *Layer) *Layer {
	if l == nil {
		return nil
	}
	out := &Layer{IgnoreFile: l.IgnoreFile, FailOpen: l.FailOpen, Thresholds: map[string]scan.Severity{}}
	refuse := func(setting, value, why string) {
		s.refused = append(s.refused, Refusal{Source: src, Setting: setting, Value: value, Why: why})
	}
	if len(l.Scanners) > 0 {
		var off []string
		for _, n := range scan.AllScanners {
			if parent.Enabled(n) && !slices.Contains(l.Scanners, n) {
				off = append(off, n)
			}
		}
		if len(off) > 0 {
			refuse("scanners", strings.Join(l.Scanners, ","), "would turn off "+strings.Join(off, ", "))
		} else {
			out.Scanners = l.Scanners
		}
	}
	// Thresholds: each kept when it lowers its scanner's floor.
	keys := make([]string, 0, len(l.Thresholds))
	for k := range l.Thresholds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, before := l.Thresholds[k], floorOf(parent, k)
		if v.Rank() > before.Rank() {
			refuse("thresholds."+k, string(v), fmt.Sprintf("would raise the blocking floor of %s findings from %s", k, before))
			continue
		}
		out.Thresholds[k] = v
	}
	// fail_on: becomes the threshold of each scanner whose floor it lowers
	// (and that no threshold sets); where it would raise one, it is refused.
	if l.FailOn != "" {
		var raised []string
		for _, n := range scan.AllScanners {
			if _, set := parent.Thresholds[n]; set {
				continue
			}
			if _, set := l.Thresholds[n]; set {
				continue
			}
			before := floorOf(parent, n)
			switch {
			case l.FailOn.Rank() < before.Rank():
				out.Thresholds[n] = l.FailOn
			case l.FailOn.Rank() > before.Rank():
				raised = append(raised, fmt.Sprintf("%s from %s", n, before))
			}
		}
		if len(raised) > 0 {
			refuse("fail_on", string(l.FailOn), "would raise the blocking floor of "+strings.Join(raised, ", ")+" (kept where it lowers one)")
		}
	}
	if l.Report != "" {
		if parent.Report == "" || l.Report.Rank() > parent.Report.Rank() {
			refuse("report", string(l.Report), "would drop findings below "+string(l.Report)+" from the report")
		} else {
			out.Report = l.Report
		}
	}
	for _, r := range l.DisableRules {
		refuse("disable_rules", r, "would drop the rule's findings from the report")
	}
	for _, e := range l.Exclude {
		refuse("exclude", e, "would leave these paths unscanned")
	}
	for _, p := range l.Policies {
		refuse("policies", p, "a repository's own policies may replace the gate or override a rule: only the audit's are loaded")
	}
	if l.SecretSeverity != "" {
		before := parent.SecretSeverity
		if before == "" {
			before = scan.High
		}
		if l.SecretSeverity.Rank() < before.Rank() {
			refuse("secrets.severity", string(l.SecretSeverity), "would lower the severity of secrets findings below "+string(before))
		} else {
			out.SecretSeverity = l.SecretSeverity
		}
	}
	if l.GoVulnDB != "" {
		refuse("deps.go_vulndb", scan.MaskURL(l.GoVulnDB), "the audit's vulnerability databases are used")
	}
	if l.OSVDB != "" {
		refuse("deps.osv_db", scan.MaskURL(l.OSVDB), "the audit's vulnerability databases are used")
	}
	if l.MaxFileSize != nil {
		before := parent.MaxFileSize
		if before <= 0 {
			before = defaultMaxFileSize
		}
		if *l.MaxFileSize != 0 && *l.MaxFileSize < before {
			refuse("max_file_size", strconv.FormatInt(*l.MaxFileSize, 10), fmt.Sprintf("would leave files between %d and %d bytes unscanned", *l.MaxFileSize, before))
		} else {
			out.MaxFileSize = l.MaxFileSize
		}
	}
	if l.OnlyNew != nil && *l.OnlyNew {
		refuse("only_new", "true", "would let existing findings pass")
	}
	if l.Baseline != "" {
		refuse("baseline", l.Baseline, "would let the baseline's findings pass")
	}
	return out
}
