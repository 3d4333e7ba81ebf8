package secrets

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp/syntax"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/pipeguard/pipeguard/scan"
)

// maxExtendDepth is how many [extend] path links a configuration may follow.
const maxExtendDepth = 2

// ruleSet is a gitleaks configuration, merged with what it extends, whose
// rule regexes are compiled on first use: compiling all 222 default rules
// costs about 0.2 s, more than a whole scan of a small change.
//
// It never touches viper's global instance nor gitleaks' global extend
// counter, so it can be loaded any number of times in one process.
type ruleSet struct {
	// path is the configuration file, relative to the root when inside it,
	// "" for the default configuration.
	path string
	// specs are the merged, uncompiled rules by id.
	specs map[string]*ruleSpec
	ids   []string // sorted
	// allowlists are the compiled global allowlists.
	allowlists []*config.Allowlist
	// targeted are the compiled allowlists that apply to one rule.
	targeted map[string][]*config.Allowlist

	// prefilter finds the keywords of every rule in lower-cased text.
	prefilter *keywordIndex
	// byKeyword maps a keyword to the rules that need it.
	byKeyword map[string][]string
	// always are the rules without keywords, run on every fragment.
	always []string
}

// ruleSpec is one rule as written, and its compiled form once needed.
type ruleSpec struct {
	id       string
	keywords []string
	required []string
	// vc holds this rule (and the rules it requires) for config.Translate.
	vc config.ViperConfig

	once sync.Once
	rule config.Rule
	// before and after are how many lines around a keyword the rule's
	// matches reach; before is -1 when the rule must see whole fragments.
	before, after int
	// follow, when set, is what follows the keyword in every match.
	follow *follower
	// needs are literals every match holds (see requiredLiterals).
	needs []string
	err   error
	// stops are the stop words of the rule's allowlists that the engine
	// checks on the rule's findings itself (see lazyStopWords); nil when
	// gitleaks checks them all.
	stops *stopWords
}

// reach is how many lines before and after an occurrence of one of its
// keywords a match of the compiled rule can reach, capped at windowLines;
// before is -1 when the rule must see whole fragments.
func (sp *ruleSpec) reach() (before, after int) { return sp.before, sp.after }

// loadRules reads the gitleaks configuration for root: cfgPath when set,
// else root/.gitleaks.toml when present, else the default rules.
func loadRules(root, cfgPath string) (*ruleSet, error) {
	def, err := defaultViperConfig()
	if err != nil {
		return nil, err
	}
	if cfgPath == "" {
		p := filepath.Join(root, ".gitleaks.toml")
		if _, err := os.Stat(p); err == nil {
			cfgPath = p
		}
	} else if !filepath.IsAbs(cfgPath) && root != "" {
		cfgPath = filepath.Join(root, cfgPath)
	}
	if cfgPath == "" {
		return newRuleSet("", def, nil)
	}
	user := map[string]bool{}
	vc, err := readUserConfig(cfgPath, def, 0, user)
	if err != nil {
		return nil, err
	}
	rel := cfgPath
	if root != "" {
		if r, err := filepath.Rel(root, cfgPath); err == nil && !strings.HasPrefix(r, "..") {
			rel = filepath.ToSlash(r)
		}
	}
	rs, err := newRuleSet(rel, vc, user)
	if err != nil {
		var ce *scan.ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &scan.ConfigError{Path: cfgPath, Err: err}
	}
	return rs, nil
}

// defaultViperConfig returns gitleaks' default configuration decoded.
func defaultViperConfig() (config.ViperConfig, error) {
	if vc, ok := embeddedDefault(); ok {
		return vc, nil
	}
	return decodeDefaultConfig()
}

// decodeDefaultConfig decodes gitleaks' default configuration.
func decodeDefaultConfig() (config.ViperConfig, error) {
	// BurntSushi/toml fills the same fields as gitleaks' viper (names
	// matched without regard to case) in 0.6 of the time, which counts in a
	// pre-push scan of one commit; TestDefaultConfigDecoders holds the two
	// equal.
	var vc config.ViperConfig
	if _, err := toml.Decode(config.DefaultConfig, &vc); err != nil {
		return vc, fmt.Errorf("read gitleaks default config: %w", err)
	}
	return vc, nil
}

// gitleaksDefaultJSON is gitleaks' default configuration decoded at build
// time, as JSON (gitleaks_default.json, written by
// `go test ./scan/secrets -run TestEmbeddedDefaultConfig -update`).
// Decoding the TOML (about 6 ms) was the largest fixed cost of a scan of
// one commit; reading this back costs a third of it. It lives in the
// binary, not in a cache folder another process could write rules into.
// (gob would be faster, but drops the fields of the global allowlist,
// which gitleaks embeds as an unexported struct.)
//
//go:embed gitleaks_default.json
var gitleaksDefaultJSON []byte

// defaultConfigSum is the hash of the TOML text gitleaks_default.json was
// decoded from; it opens the JSON file.
func defaultConfigSum() string {
	sum := sha256.Sum256([]byte(config.DefaultConfig))
	return hex.EncodeToString(sum[:])
}

// embeddedDefault reads gitleaks_default.json, when it was decoded from
// the gitleaks version linked (after an upgrade of gitleaks without
// regenerating it, the TOML is decoded at run time, and
// TestEmbeddedDefaultConfig fails until it is regenerated).
func embeddedDefault() (config.ViperConfig, bool) {
	var doc defaultDoc
	if err := json.Unmarshal(gitleaksDefaultJSON, &doc); err != nil || doc.Sum != defaultConfigSum() || len(doc.Config.Rules) == 0 {
		return config.ViperConfig{}, false
	}
	return doc.Config, true
}

// defaultDoc is the content of gitleaks_default.json: the decoded
// configuration and the hash of the TOML it was decoded from.
type defaultDoc struct {
	Sum    string             `json:"sha256"`
	Config config.ViperConfig `json:"config"`
}

// encodeDefault is the content of gitleaks_default.json for vc.
func encodeDefault(vc config.ViperConfig) ([]byte, error) {
	return json.Marshal(defaultDoc{defaultConfigSum(), vc})
}

// readUserConfig parses the TOML file at path and merges in what its [extend]
// section names (the default rules, or another file), as gitleaks does.
// The ids of the rules the files define are added to ids.
func readUserConfig(path string, def config.ViperConfig, depth int, ids map[string]bool) (config.ViperConfig, error) {
	var vc config.ViperConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return vc, &scan.ConfigError{Path: path, Err: fmt.Errorf("read gitleaks config: %w", err)}
	}
	// BurntSushi/toml reports the line of a syntax error; viper does not.
	var probe map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&probe); err != nil {
		line := 0
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = pe.Position.Line
			err = errors.New(pe.Message)
		}
		return vc, &scan.ConfigError{Path: path, Line: line, Err: fmt.Errorf("malformed gitleaks config: %w", err)}
	}
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return vc, &scan.ConfigError{Path: path, Err: fmt.Errorf("malformed gitleaks config: %w", err)}
	}
	if err := v.Unmarshal(&vc); err != nil {
		return vc, &scan.ConfigError{Path: path, Err: fmt.Errorf("malformed gitleaks config: %w", err)}
	}
	for _, r := range vc.Rules {
		ids[r.ID] = true
	}
	ext := vc.Extend
	switch {
	case ext.URL != "":
		return vc, &scan.ConfigError{Path: path, Err: errors.New("[extend] url is not supported")}
	case ext.Path != "" && ext.UseDefault:
		return vc, &scan.ConfigError{Path: path, Err: errors.New("[extend] cannot set both path and useDefault")}
	case ext.UseDefault:
		vc = extend(vc, def)
	case ext.Path != "":
		if depth >= maxExtendDepth {
			break // gitleaks stops following extends here too
		}
		p := ext.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		base, err := readUserConfig(p, def, depth+1, ids)
		if err != nil {
			return vc, err
		}
		vc = extend(vc, base)
	}
	vc.Extend = config.Extend{}
	return vc, nil
}

// normalize moves the deprecated single [rules.allowlist] and [allowlist]
// tables into their lists, as config.Translate would.
func normalize(vc *config.ViperConfig) error {
	for i := range vc.Rules {
		r := &vc.Rules[i]
		if r.AllowList != nil {
			if len(r.Allowlists) > 0 {
				return fmt.Errorf("%s: [rules.allowlist] is deprecated, it cannot be used alongside [[rules.allowlist]]", r.ID)
			}
			r.Allowlists = append(r.Allowlists, r.AllowList)
			r.AllowList = nil
		}
	}
	if vc.AllowList != nil {
		if len(vc.Allowlists) > 0 {
			return errors.New("[allowlist] is deprecated, it cannot be used alongside [[allowlists]]")
		}
		vc.Allowlists = append(vc.Allowlists, vc.AllowList)
		vc.AllowList = nil
	}
	return nil
}

// extend merges base into vc the way gitleaks' Config.extend does: vc's
// rules override the scalar fields of base rules with the same id and add
// to their tags, keywords and allowlists; disabled rules are dropped; global
// allowlists are concatenated.
func extend(vc, base config.ViperConfig) config.ViperConfig {
	_ = normalize(&vc)
	_ = normalize(&base)
	disabled := map[string]bool{}
	for _, id := range vc.Extend.DisabledRules {
		disabled[id] = true
	}
	index := map[string]int{}
	for i, r := range vc.Rules {
		index[r.ID] = i
	}
	out := vc
	out.Rules = nil
	merged := map[string]bool{}
	for _, b := range base.Rules {
		if disabled[b.ID] {
			continue
		}
		i, ok := index[b.ID]
		if !ok {
			out.Rules = append(out.Rules, b)
			continue
		}
		cur := vc.Rules[i]
		m := b
		if cur.Description != "" {
			m.Description = cur.Description
		}
		if cur.Entropy != 0 {
			m.Entropy = cur.Entropy
		}
		if cur.SecretGroup != 0 {
			m.SecretGroup = cur.SecretGroup
		}
		if cur.Regex != "" {
			m.Regex = cur.Regex
		}
		if cur.Path != "" {
			m.Path = cur.Path
		}
		m.Tags = append(append([]string(nil), b.Tags...), cur.Tags...)
		m.Keywords = append(append([]string(nil), b.Keywords...), cur.Keywords...)
		m.Allowlists = append(append(m.Allowlists[:0:0], b.Allowlists...), cur.Allowlists...)
		out.Rules = append(out.Rules, m)
		merged[b.ID] = true
	}
	for _, r := range vc.Rules {
		if !merged[r.ID] {
			out.Rules = append(out.Rules, r)
		}
	}
	out.Allowlists = append(append(vc.Allowlists[:0:0], vc.Allowlists...), base.Allowlists...)
	return out
}

// newRuleSet prepares vc for lazy compilation. It compiles at once the global
// allowlists and the rules named in eager (those the user wrote), so that a
// mistake in the user's file shows up before any scan.
func newRuleSet(path string, vc config.ViperConfig, eager map[string]bool) (*ruleSet, error) {
	if err := normalize(&vc); err != nil {
		return nil, err
	}
	rs := &ruleSet{
		path:      path,
		specs:     map[string]*ruleSpec{},
		targeted:  map[string][]*config.Allowlist{},
		byKeyword: map[string][]string{},
	}
	index := map[string]int{}
	for i, r := range vc.Rules {
		if strings.TrimSpace(r.ID) == "" {
			return nil, fmt.Errorf("rule |id| is missing or empty (description %q)", r.Description)
		}
		if _, dup := index[r.ID]; dup {
			return nil, fmt.Errorf("rule %s is defined twice", r.ID)
		}
		index[r.ID] = i
	}
	requiredBy := map[string]bool{}
	for _, r := range vc.Rules {
		for _, req := range r.Required {
			requiredBy[req.ID] = true
		}
	}
	for _, r := range vc.Rules {
		sp := &ruleSpec{id: r.ID}
		rules := []int{index[r.ID]}
		for _, req := range r.Required {
			j, ok := index[req.ID]
			if !ok {
				return nil, fmt.Errorf("%s: [[rules.required]] rule ID '%s' does not exist", r.ID, req.ID)
			}
			sp.required = append(sp.required, req.ID)
			rules = append(rules, j)
		}
		for _, j := range rules {
			sp.vc.Rules = append(sp.vc.Rules, vc.Rules[j])
		}
		// Translate lower-cases keywords in place: give it its own copies.
		for k := range sp.vc.Rules {
			sp.vc.Rules[k].Keywords = append([]string(nil), sp.vc.Rules[k].Keywords...)
			sp.vc.Rules[k].Tags = append([]string(nil), sp.vc.Rules[k].Tags...)
		}
		if len(r.Required) == 0 && !requiredBy[r.ID] {
			// The stop words the engine checks itself, on the rule's
			// findings, indexed only if it has some (see stopWords).
			own := &sp.vc.Rules[0]
			own.Allowlists = slices.Clone(own.Allowlists)
			for i, a := range own.Allowlists {
				if takesStopWords(r.ID, a.Condition, a.StopWords, len(a.Commits)+len(a.Paths)+len(a.Regexes)) {
					if sp.stops == nil {
						sp.stops = &stopWords{}
					}
					sp.stops.add(a.StopWords)
					rest := *a
					rest.StopWords = nil
					own.Allowlists[i] = &rest
				}
			}
		}
		for _, k := range r.Keywords {
			sp.keywords = append(sp.keywords, strings.ToLower(k))
		}
		if slices.Contains(sp.keywords, "") {
			// An empty keyword is in every text: the rule runs on every
			// fragment, and gitleaks' own filter decides.
			sp.keywords = nil
		}
		rs.specs[r.ID] = sp
		rs.ids = append(rs.ids, r.ID)
		if len(sp.keywords) == 0 {
			rs.always = append(rs.always, r.ID)
		}
		for _, k := range sp.keywords {
			rs.byKeyword[k] = append(rs.byKeyword[k], r.ID)
		}
	}
	sort.Strings(rs.ids)
	sort.Strings(rs.always)
	kws := make([]string, 0, len(rs.byKeyword))
	for k := range rs.byKeyword {
		kws = append(kws, k)
	}
	sort.Strings(kws)
	rs.prefilter = newKeywordIndex(kws)

	// Global allowlists, and those aimed at some rules.
	for _, a := range vc.Allowlists {
		one := *a
		if err := checkRegexes(append(append([]string(nil), one.Regexes...), one.Paths...)...); err != nil {
			return nil, fmt.Errorf("[[allowlists]] %w", err)
		}
		targets := one.TargetRules
		one.TargetRules = nil
		c, err := translate(config.ViperConfig{Allowlists: append(vc.Allowlists[:0:0], &one)})
		if err != nil {
			return nil, err
		}
		if len(targets) == 0 {
			rs.allowlists = append(rs.allowlists, c.Allowlists...)
			continue
		}
		for _, id := range targets {
			if _, ok := rs.specs[id]; !ok {
				return nil, fmt.Errorf("[[allowlists]] target rule ID '%s' does not exist", id)
			}
			rs.targeted[id] = append(rs.targeted[id], c.Allowlists...)
		}
	}

	var ids []string
	for id := range eager {
		if _, ok := rs.specs[id]; ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if err := rs.compile(ids); err != nil {
		return nil, err
	}
	return rs, nil
}

// translate runs gitleaks' own validation and compilation on vc, turning the
// panic of an invalid regex into an error. vc must not extend anything.
func translate(vc config.ViperConfig) (c config.Config, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	vc.Extend = config.Extend{}
	return vc.Translate()
}

// checkRegexes parses each non-empty pattern with Go's RE2 syntax parser, so
// that a bad pattern gets a clean error rather than a panic and a log line
// on stderr from the RE2 engine.
func checkRegexes(patterns ...string) error {
	for _, p := range patterns {
		if p == "" {
			continue
		}
		if _, err := syntax.Parse(p, syntax.Perl); err != nil {
			return fmt.Errorf("invalid regex %q: %w", p, err)
		}
	}
	return nil
}

// compiled returns the compiled rule id, compiling it (and the rules it
// requires) on first use.
func (rs *ruleSet) compiled(id string) (config.Rule, error) {
	sp := rs.specs[id]
	sp.once.Do(func() {
		for _, r := range sp.vc.Rules {
			pats := []string{r.Regex, r.Path}
			for _, a := range r.Allowlists {
				pats = append(append(pats, a.Regexes...), a.Paths...)
			}
			if err := checkRegexes(pats...); err != nil {
				sp.err = fmt.Errorf("rule %s: %w", r.ID, err)
				return
			}
		}
		c, err := translate(sp.vc)
		if err != nil {
			sp.err = fmt.Errorf("rule %s: %w", id, err)
			return
		}
		r := c.Rules[id]
		r.Allowlists = append(r.Allowlists, rs.targeted[id]...)
		sp.rule = r
		sp.before = -1
		if r.Regex != nil && len(r.RequiredRules) == 0 {
			if re, err := syntax.Parse(r.Regex.String(), syntax.Perl); err == nil {
				if b, a, ok := reach(re, r.Keywords); ok {
					sp.before, sp.after = b, a
					sp.follow = followerWithin(re, r.Keywords, b, a)
				}
				sp.needs = requiredLiterals(re)
			}
		}
	})
	return sp.rule, sp.err
}

// compile compiles the rules ids, spread over the processors.
func (rs *ruleSet) compile(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), len(ids))
	errs := make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				_, errs[i] = rs.compiled(ids[i])
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// selectRules returns the rules worth running on texts: those without
// keywords, those whose keywords occur in one of texts, and the rules these
// require.
func (rs *ruleSet) selectRules(texts func(yield func(string))) []string {
	found := map[string]bool{}
	for _, id := range rs.always {
		found[id] = true
	}
	texts(func(s string) {
		low := strings.ToLower(s)
		for _, m := range rs.prefilter.find(low) {
			for _, id := range rs.byKeyword[m.word] {
				found[id] = true
			}
		}
	})
	for id := range found {
		for _, req := range rs.specs[id].required {
			found[req] = true
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// config assembles a gitleaks Config of the rules ids, compiling them.
func (rs *ruleSet) config(ids []string) (config.Config, error) {
	if err := rs.compile(ids); err != nil {
		return config.Config{}, err
	}
	c := config.Config{
		Path:       rs.path,
		Rules:      make(map[string]config.Rule, len(ids)),
		Keywords:   map[string]struct{}{},
		Allowlists: rs.allowlists,
	}
	for _, id := range ids {
		r, _ := rs.compiled(id)
		c.Rules[id] = r
		c.OrderedRules = append(c.OrderedRules, id)
		for _, k := range r.Keywords {
			c.Keywords[k] = struct{}{}
		}
	}
	return c, nil
}
