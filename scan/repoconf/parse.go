package repoconf

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dustin/go-humanize"
	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan"
)

// keys lists every key of .pipeguard.yaml; rootOnly marks those that only
// make sense repository-wide and so are refused in a subfolder's file.
var keys = map[string]struct{ rootOnly bool }{
	"version":       {},
	"scanners":      {},
	"fail_on":       {},
	"report":        {},
	"thresholds":    {},
	"disable_rules": {},
	"exclude":       {},
	"secrets":       {},
	"policies":      {rootOnly: true},
	"deps":          {rootOnly: true},
	"max_file_size": {rootOnly: true},
	"only_new":      {rootOnly: true},
	"fail_open":     {rootOnly: true},
	"baseline":      {rootOnly: true},
	"ignore_file":   {rootOnly: true},
}

// Parse reads one configuration file. name is used in errors; root says
// whether the file is the repository's root one. Every problem is a
// *scan.ConfigError naming the file and line.
func Parse(name string, data []byte, root bool) (*Layer, error) {
	p := &parser{name: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &scan.ConfigError{Path: name, Line: yamlErrorLine(err), Err: err}
	}
	l := &Layer{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return l, nil // empty file
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return l, nil
	}
	if top.Kind != yaml.MappingNode {
		return nil, p.errf(top, "want a mapping of keys, not %s", kind(top))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		key := k.Value
		spec, ok := keys[key]
		if !ok {
			return nil, p.errf(k, "unknown key %q (known keys: %s)", key, known(keys))
		}
		if seen[key] {
			return nil, p.errf(k, "key %q is given twice", key)
		}
		seen[key] = true
		if spec.rootOnly && !root {
			return nil, p.errf(k, "key %q is repository-wide: set it in the root %s, not in a subfolder", key, FileName)
		}
		if err := p.field(l, key, v); err != nil {
			return nil, err
		}
	}
	return l, nil
}

type parser struct{ name string }

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	return &scan.ConfigError{Path: p.name, Line: n.Line, Err: fmt.Errorf(format, args...)}
}

func (p *parser) field(l *Layer, key string, v *yaml.Node) error {
	var err error
	switch key {
	case "version":
		var n int
		if err := v.Decode(&n); err != nil || n != 1 {
			return p.errf(v, "version: want 1, got %q", v.Value)
		}
	case "scanners":
		l.Scanners, err = p.strings(key, v)
		if err == nil {
			for i, s := range l.Scanners {
				if !isScanner(s) {
					return p.errf(item(v, i), "scanners: unknown scanner %q (want %s)", s, strings.Join(scan.AllScanners, ", "))
				}
			}
		}
	case "fail_on":
		l.FailOn, err = p.severity(key, v)
	case "report":
		l.Report, err = p.severity(key, v)
	case "thresholds":
		if v.Kind != yaml.MappingNode {
			return p.errf(v, "thresholds: want a mapping of scanner to severity, not %s", kind(v))
		}
		l.Thresholds = map[string]scan.Severity{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k := v.Content[i]
			if !isScanner(k.Value) {
				return p.errf(k, "thresholds: unknown key %q (want %s)", k.Value, strings.Join(scan.AllScanners, ", "))
			}
			sev, err := p.severity("thresholds."+k.Value, v.Content[i+1])
			if err != nil {
				return err
			}
			l.Thresholds[k.Value] = sev
		}
	case "disable_rules":
		l.DisableRules, err = p.strings(key, v)
	case "exclude":
		l.Exclude, err = p.strings(key, v)
		if err == nil {
			for i, g := range l.Exclude {
				if _, gerr := CompileGlob(g); gerr != nil {
					return p.errf(item(v, i), "exclude: %v", gerr)
				}
			}
		}
	case "policies":
		l.Policies, err = p.strings(key, v)
	case "secrets":
		err = p.mapping(key, v, map[string]func(*yaml.Node) error{
			"severity": func(n *yaml.Node) (err error) {
				l.SecretSeverity, err = p.severity("secrets.severity", n)
				return err
			},
		})
	case "deps":
		err = p.mapping(key, v, map[string]func(*yaml.Node) error{
			"go_vulndb": func(n *yaml.Node) (err error) {
				l.GoVulnDB, err = p.str("deps.go_vulndb", n)
				return err
			},
			"osv_db": func(n *yaml.Node) (err error) {
				l.OSVDB, err = p.str("deps.osv_db", n)
				return err
			},
		})
	case "max_file_size":
		var n int64
		n, err = p.size(key, v)
		l.MaxFileSize = &n
	case "only_new":
		l.OnlyNew, err = p.boolean(key, v)
	case "fail_open":
		l.FailOpen, err = p.boolean(key, v)
	case "baseline":
		l.Baseline, err = p.str(key, v)
	case "ignore_file":
		l.IgnoreFile, err = p.str(key, v)
	}
	return err
}

func (p *parser) mapping(key string, v *yaml.Node, fields map[string]func(*yaml.Node) error) error {
	if v.Kind != yaml.MappingNode {
		return p.errf(v, "%s: want a mapping, not %s", key, kind(v))
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		f, ok := fields[k.Value]
		if !ok {
			return p.errf(k, "unknown key %q in %s (known keys: %s)", k.Value, key, strings.Join(names, ", "))
		}
		if err := f(v.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) str(key string, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return "", p.errf(v, "%s: want a string, not %s", key, kind(v))
	}
	return v.Value, nil
}

// item is the node of entry i of a list that strings read: v itself when a
// single value stood for a list of one.
func item(v *yaml.Node, i int) *yaml.Node {
	if v.Kind == yaml.SequenceNode && i < len(v.Content) {
		return v.Content[i]
	}
	return v
}

func (p *parser) strings(key string, v *yaml.Node) ([]string, error) {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		// A single value stands for a list of one.
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, p.errf(v, "%s: want a list of strings, not %s", key, kind(v))
	}
	out := make([]string, 0, len(v.Content))
	for _, n := range v.Content {
		s, err := p.str(key, n)
		if err != nil {
			return nil, err
		}
		if s = strings.TrimSpace(s); s == "" {
			return nil, p.errf(n, "%s: empty entry", key)
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *parser) severity(key string, v *yaml.Node) (scan.Severity, error) {
	s, err := p.str(key, v)
	if err != nil {
		return "", err
	}
	sev, err := scan.ParseSeverity(s)
	if err != nil {
		return "", p.errf(v, "%s: %v", key, err)
	}
	return sev, nil
}

func (p *parser) boolean(key string, v *yaml.Node) (*bool, error) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		return nil, p.errf(v, "%s: want true or false, not %q", key, v.Value)
	}
	return &b, nil
}

// size reads a byte count: a number of bytes or a string such as "5MB" or "512KiB".
func (p *parser) size(key string, v *yaml.Node) (int64, error) {
	if v.Kind != yaml.ScalarNode {
		return 0, p.errf(v, "%s: want a size such as 1048576 or \"1MB\", not %s", key, kind(v))
	}
	n, err := humanize.ParseBytes(v.Value)
	if err != nil || n > 1<<50 {
		return 0, p.errf(v, "%s: want a size such as 1048576 or \"1MB\", not %q", key, v.Value)
	}
	return int64(n), nil
}

func isScanner(s string) bool {
	for _, n := range scan.AllScanners {
		if n == s {
			return true
		}
	}
	return false
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func known(m map[string]struct{ rootOnly bool }) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// yamlErrorLine digs the line out of a yaml.v3 syntax error ("yaml: line 3: ...").
func yamlErrorLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	var line int
	if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); e == nil {
		return line
	}
	return 0
}
