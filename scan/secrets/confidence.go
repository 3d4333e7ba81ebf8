package secrets

import (
	"encoding/base64"
	"path"
	"strings"

	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/secrets/cred"
)

// A secret's confidence is how sure pipeguard is that it is a live
// credential someone must rotate; the default gate blocks only at high.
// judge owns it: it starts from what the rule recognises and moves with the
// evidence around the value (where it is, what it looks like), and says
// which evidence moved it.

// Evidence tags: each finding carries the tags of the evidence that moved
// its confidence, so that reports and gate policies can tell why.
const (
	EvidenceDocs        = "evidence:docs"         // documentation: .md, .mdx, .rst, .txt, docs/
	EvidenceSpec        = "evidence:api-spec"     // OpenAPI/Swagger spec, or code generated from one
	EvidenceExample     = "evidence:example"      // test, example, sample, template, default or fake file
	EvidenceCI          = "evidence:ci"           // CI workflow: service containers for tests
	EvidenceDev         = "evidence:dev-setup"    // development set-up: devcontainer, dev/local compose
	EvidencePlaceholder = "evidence:placeholder"  // YOUR_API_KEY, <token>, xxxx, documented example keys
	EvidenceWeak        = "evidence:weak-value"   // a word or default a person typed: postgres, keycloak_password
	EvidencePublic      = "evidence:public-key"   // publishable or public by design: pk_, phc_, public keys
	EvidenceTestMode    = "evidence:test-mode"    // a vendor's test-mode key: sk_test_
	EvidenceTemporary   = "evidence:temporary"    // a temporary credential: AWS ASIA key, presigned URL
	EvidenceTruncated   = "evidence:truncated"    // a private key too short to be one
	EvidenceVendored    = "evidence:vendored"     // vendored or minified third-party code, dependency manifests
	EvidenceConfig      = "evidence:config-file"  // a real configuration file: .env, settings.py, config.yaml, manifests
	EvidenceRandom      = "evidence:random-value" // a generated-looking value
	EvidenceIdentifier  = "evidence:identifier"   // a shape identifiers share: a random UUID
)

// strength is what a rule recognises a secret by.
type strength int

const (
	// byName: a value judged by the name it is given and its shape
	// (password = "...", the generic rules, bearer tokens).
	byName strength = iota
	// byFormat: a credential's format or construct (a password in a URL,
	// a private key block, a vendor's token shape).
	byFormat
	// byStrongFormat: a vendor format with a unique prefix or checksum
	// (GitHub, GitLab, Slack, Stripe secret keys): true wherever it is.
	byStrongFormat
)

// strongPrefixes are the gitleaks rule ids of vendor formats with a unique
// prefix or a checksum: a match is a token of that vendor wherever it sits.
var strongPrefixes = []string{"github-", "gitlab-", "slack-", "stripe-", "openai-", "anthropic-", "npm-",
	"pypi-", "shopify-", "sendgrid-", "doppler-", "pulumi-", "postman-", "digitalocean-", "huggingface-",
	"age-secret-key", "1password-", "linear-api-key", "grafana-", "databricks-", "hashicorp-tf-api-token"}

func ruleStrength(rule string) strength {
	switch rule {
	case cred.RulePassword, cred.RuleGeneric, cred.RuleHTTPBearer, "curl-auth-header":
		return byName
	}
	if isGeneric(rule) {
		return byName
	}
	for _, p := range strongPrefixes {
		if strings.HasPrefix(rule, p) {
			return byStrongFormat
		}
	}
	return byFormat
}

// evidence is one reason a secret's confidence moved.
type evidence struct {
	tag, why string
	delta    int
}

// judgement is judge's word: the confidence and the evidence behind it.
type judgement struct {
	confidence scan.Confidence
	evidence   []evidence
}

// tags returns the evidence tags.
func (j judgement) tags() []string {
	out := make([]string, 0, len(j.evidence))
	for _, e := range j.evidence {
		out = append(out, e.tag)
	}
	return out
}

// explain says, in one sentence, why the confidence is what it is; empty
// when no evidence moved it.
func (j judgement) explain() string {
	if len(j.evidence) == 0 {
		return ""
	}
	whys := make([]string, 0, len(j.evidence))
	for _, e := range j.evidence {
		whys = append(whys, e.why)
	}
	s := "Confidence " + string(j.confidence) + ": " + strings.Join(whys, "; ") + "."
	if j.confidence != scan.ConfidenceHigh {
		s += " The default gate warns on it."
	}
	return s
}

// judge decides a secret finding's confidence. Rules that recognise a
// format start high, those that judge a value by its name start medium.
// Where the value is lowers it (documentation, API specs and generated
// clients, tests and examples, CI workflows, development set-ups), except
// for strong vendor formats, which are live wherever they are; what the
// value is lowers it (a placeholder, a word a person typed, a publishable
// or test-mode key, a temporary credential, a truncated key); a real
// configuration file and a generated-looking value raise a name-judged
// value to high.
func judge(f report.Finding) judgement {
	st := ruleStrength(f.RuleID)
	level := 2 // high
	if st == byName {
		level = 1
	}
	var ev []evidence
	add := func(tag, why string, delta int) {
		ev = append(ev, evidence{tag, why, delta})
		level += delta
	}
	if f.RuleID == cred.RuleUUID {
		// Hook for the structure detector's random-uuid rule: a UUID
		// is a key's shape, but as often an identifier.
		add(EvidenceIdentifier, "a random UUID, which may as well be an identifier", -2)
	}

	where := placeEvidence(f.File, hasTag(f.Tags, tagGenerated))
	if st != byStrongFormat {
		for _, e := range where {
			add(e.tag, e.why, e.delta)
		}
	}
	lowered, dismissed := len(ev) > 0, false
	for _, e := range valueEvidence(f, st) {
		add(e.tag, e.why, e.delta)
		dismissed = dismissed || e.delta <= -2
	}
	if st == byName && !lowered && !dismissed {
		// Raise a name-judged value once, on the strongest ground.
		switch {
		case realConfig(f.File):
			add(EvidenceConfig, "in a configuration file the application reads", 1)
		case generated(f.Secret):
			add(EvidenceRandom, "the value looks generated, not typed", 1)
		}
	}
	return judgement{confidence: levelConfidence(level), evidence: ev}
}

func levelConfidence(level int) scan.Confidence {
	switch {
	case level >= 2:
		return scan.ConfidenceHigh
	case level == 1:
		return scan.ConfidenceMedium
	}
	return scan.ConfidenceLow
}

// placeEvidence is what a file's path (and its generated-code marker) says
// of the secrets in it.
func placeEvidence(file string, generated bool) []evidence {
	p := strings.ToLower(file)
	var ev []evidence
	switch {
	case docPath(p):
		ev = append(ev, evidence{EvidenceDocs, "in documentation", -1})
	case specPath(p) || generated:
		ev = append(ev, evidence{EvidenceSpec, "in an API spec or code generated from one", -1})
	}
	switch {
	case ciPath(p):
		ev = append(ev, evidence{EvidenceCI, "in a CI workflow", -1})
	case vendoredPath(p):
		ev = append(ev, evidence{EvidenceVendored, "in vendored third-party code or a dependency manifest", -1})
	case isTestPath(file) || examplePath(p):
		ev = append(ev, evidence{EvidenceExample, "in a test, example, sample or template file", -1})
	case devPath(p):
		ev = append(ev, evidence{EvidenceDev, "in a local development set-up", -1})
	}
	return ev
}

// valueEvidence is what the value itself says.
func valueEvidence(f report.Finding, st strength) []evidence {
	s := f.Secret
	low := strings.ToLower(s)
	switch {
	case strings.Contains(s, "PRIVATE KEY-----"):
		if keyBody(s) < 64 {
			return []evidence{{EvidenceTruncated, "the private key is too short to be a real one", -2}}
		}
		return nil
	case publicValue(s):
		return []evidence{{EvidencePublic, "a publishable or public key, not a secret", -2}}
	case st == byName && cred.TaggedUUID(s):
		// Grafana's query keys ("key": "Q-<uuid>-0"), request ids
		// ("req_<uuid>"): identifiers that take a UUID's shape.
		return []evidence{{EvidenceIdentifier, "a UUID with a tag, the shape of an identifier", -2}}
	}
	var ev []evidence
	shape := cred.ValueShape(s)
	if d, ok := decodedText(s); ok && shape > cred.ValueShape(d) {
		// A base64 value (a Kubernetes Secret's data) is what it encodes.
		shape = cred.ValueShape(d)
	}
	if shape > cred.ShapeWeak && (nameLike(s) || phrase(s)) {
		shape = cred.ShapeWeak
	}
	switch {
	case shape == cred.ShapePlaceholder || documentedValues[s]:
		ev = append(ev, evidence{EvidencePlaceholder, "the value is a placeholder or a documented example", -2})
	case typed(f.RuleID, st) && shape == cred.ShapeWeak:
		ev = append(ev, evidence{EvidenceWeak, "the value is a word or default a person typed, not a generated secret", -1})
	}
	switch {
	case strings.Contains(low, "_test_") && (strings.HasPrefix(low, "sk_") || strings.HasPrefix(low, "rk_")):
		ev = append(ev, evidence{EvidenceTestMode, "a test-mode key", -1})
	case strings.HasPrefix(s, "ASIA") || strings.Contains(f.Line, "X-Amz-Credential="):
		ev = append(ev, evidence{EvidenceTemporary, "a temporary credential (STS key or presigned URL) that expires", -1})
	}
	return ev
}

// typed reports whether a rule finds values a person chooses (passwords,
// secrets named by their key), whose shape says whether they are defaults;
// a vendor's token format is generated whatever it looks like.
func typed(rule string, st strength) bool {
	switch rule {
	case cred.RuleURLCredentials, cred.RuleConnectionString, cred.RuleCurlUserPassword, cred.RuleHTTPBasic, "curl-auth-user":
		return true
	}
	return st == byName
}

// documentedValues are secrets published as examples in the
// documentation of a standard or a widely copied tool, found in API
// examples and tests far more often than in use. (A published key used as
// a real one is a weakness of its own: the FastAPI tutorial's JWT key is
// therefore not listed, and keeps its confidence.)
var documentedValues = map[string]bool{
	"JBSWY3DPEHPK3PXP": true, // the TOTP secret of Google Authenticator's key-URI documentation
}

// publicValue reports whether a value is public by design: publishable
// keys (pk_ of Stripe, Clerk or logo.dev, PostHog phc_), public keys and certificates.
func publicValue(s string) bool {
	for _, p := range []string{"pk_", "phc_", "ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-",
		"MIIBIjANBgkqhkiG9w0BAQEFAAOC", "MIICIjANBgkqhkiG9w0BAQEFAAOC", "-----BEGIN PUBLIC KEY", "-----BEGIN CERTIFICATE"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// keyBody is the length of a PEM block's body, without its armour and
// line breaks (literal \n included).
func keyBody(s string) int {
	n := 0
	for _, line := range strings.Split(strings.ReplaceAll(s, `\n`, "\n"), "\n") {
		line = strings.Trim(strings.TrimSpace(line), `"',+\`)
		if !strings.HasPrefix(line, "-----") && base64Line(line) {
			n += len(line)
		}
	}
	return n
}

// base64Line reports whether a line is made of base64 characters only: a
// key's body, not the code or prose around an armour line.
func base64Line(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return s != ""
}

// generated reports whether a value looks made by a machine, enough to
// raise a name-judged finding: the detector's random shape, 16 characters
// or more, letters and digits both, not a number (a timestamp) nor a
// name (nameLike).
func generated(s string) bool {
	if len(s) < 16 || cred.ValueShape(s) != cred.ShapeRandom || nameLike(s) {
		return false
	}
	letters, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		}
	}
	return letters > 0 && digits > 0
}

// nameLike reports whether a value reads as a name in snake_case or
// SCREAMING_SNAKE case (idp_x509cert, reworkd_platform,
// MCP_OAUTH2_CLIENT_ID), a key rather than a secret.
func nameLike(s string) bool {
	return cred.Identifier(strings.TrimSuffix(s, "="))
}

// phrase reports whether a value is a sentence in CamelCase, letters only
// and three words or more (SetARandomStringHere, ChangeThisSecretNow): an
// instruction to whoever deploys, not a secret.
func phrase(s string) bool {
	words := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 && s[i-1] >= 'A' && s[i-1] <= 'Z' && (i+1 == len(s) || s[i+1] >= 'a' && s[i+1] <= 'z') && words > 0 {
				// "ARandom": a one-letter word before this one.
				words++
			}
			if i == 0 || s[i-1] < 'A' || s[i-1] > 'Z' {
				words++
			}
		case c >= 'a' && c <= 'z':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return words >= 3
}

// decodedText is a base64 value's decoding when it is printable text.
func decodedText(s string) (string, bool) {
	if len(s) < 8 || len(s)%4 != 0 {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 4 {
		return "", false
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return "", false
		}
	}
	return string(b), true
}

var vendorDirs = set(".yarn", "vendor", "node_modules", "third_party", "third-party", "bower_components", "site-packages")

var manifests = set("package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "pipfile.lock",
	"uv.lock", "go.sum", "cargo.lock", "composer.lock", "gemfile.lock", "pyproject.toml")

// vendoredPath: vendored or minified third-party code and dependency
// manifests, which pin versions and hashes rather than hold secrets.
func vendoredPath(p string) bool {
	dirs, base, _ := segments(p)
	return anyIn(dirs, vendorDirs) || manifests[base] || strings.HasSuffix(base, ".min.js")
}

// segments are a lower-cased path's folders and the words of its file name.
func segments(p string) (dirs []string, base string, words []string) {
	dir, base := path.Split(p)
	if d := strings.Trim(dir, "/"); d != "" {
		dirs = strings.Split(d, "/")
	}
	words = strings.FieldsFunc(base, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	return dirs, base, words
}

func anyIn(xs []string, set map[string]bool) bool {
	for _, x := range xs {
		if set[x] {
			return true
		}
	}
	return false
}

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

var (
	docExts = set(".md", ".mdx", ".markdown", ".rst", ".adoc", ".asciidoc", ".txt", ".textile")
	docDirs = set("docs", "doc", "documentation", "site-docs", "mkdocs", "docusaurus", "wiki", "website")
)

// docPath: documentation files and folders (p lower-cased).
func docPath(p string) bool {
	dirs, base, _ := segments(p)
	if docExts[path.Ext(base)] && !strings.HasPrefix(base, "requirements") {
		return true
	}
	return anyIn(dirs, docDirs)
}

var specDirs = set("openapi", "swagger", "fern", "generated", "__generated__", "autogen", "api-reference")

// specPath: OpenAPI/Swagger documents and code generated from them.
func specPath(p string) bool {
	dirs, base, _ := segments(p)
	return strings.Contains(base, "openapi") || strings.Contains(base, "swagger") ||
		strings.Contains(base, "generated") || strings.Contains(base, ".gen.") || anyIn(dirs, specDirs)
}

var (
	exampleDirs  = set("example", "examples", "sample", "samples", "fake", "dummy", "mock", "mocks", "demo", "fixture", "fixtures", "seed", "test", "tests", "testing")
	exampleWords = set("example", "examples", "sample", "samples", "template", "tmpl", "tpl", "dist", "fake", "dummy",
		"mock", "demo", "fixture", "fixtures", "seed", "test", "tests", "testing", "integration")
	exampleExts = set(".default", ".defaults", ".example", ".sample", ".template", ".tmpl", ".tpl", ".dist", ".orig")
)

// examplePath: example, sample, template, default and fake files, beyond
// isTestPath's test folders (sample_project/, env.default, create_fake_admin.py).
func examplePath(p string) bool {
	dirs, base, words := segments(p)
	if exampleExts[path.Ext(base)] {
		return true
	}
	for _, d := range dirs {
		for _, w := range strings.FieldsFunc(d, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
			if exampleDirs[w] {
				return true
			}
		}
	}
	return anyIn(words, exampleWords)
}

// ciPath: CI workflow definitions.
func ciPath(p string) bool {
	_, base, _ := segments(p)
	switch {
	case strings.HasPrefix(p, ".github/workflows/"), strings.HasPrefix(p, ".github/actions/"),
		strings.HasPrefix(p, ".github/composite-actions/"), strings.HasPrefix(p, ".circleci/"),
		strings.HasPrefix(p, ".buildkite/"), strings.HasPrefix(p, ".gitlab/"):
		return true
	}
	return base == ".gitlab-ci.yml" || base == ".travis.yml" || base == "jenkinsfile" || base == ".drone.yml" ||
		base == "bitbucket-pipelines.yml" || strings.HasPrefix(base, "azure-pipelines") || base == "cloudbuild.yaml"
}

var devWords = set("dev", "devel", "develop", "development", "local", "devcontainer", ".devcontainer", "debug",
	"regtest", "ci", "e2e", "sandbox", "playground")

// devPath: a local development set-up (.devcontainer/, docker-compose.dev.yml,
// dev/ folders).
func devPath(p string) bool {
	dirs, _, words := segments(p)
	return anyIn(dirs, devWords) || anyIn(words, devWords)
}

var (
	configNames = set(".env", "settings.py", "config.py", "local_settings.py", "production.py", "prod.py",
		".npmrc", ".pypirc", ".netrc", ".pgpass", ".git-credentials", ".dockercfg", "credentials", "secrets.py")
	configStems = set("config", "settings", "secrets", "secret", "credentials", "application", "appsettings",
		"values", "production", "prod")
	configExts = set(".ini", ".cfg", ".conf", ".properties", ".tfvars")
	dataExts   = set(".yaml", ".yml", ".json", ".toml", ".xml")
	deployDirs = set("k8s", "kubernetes", "helm", "charts", "manifests", "deploy", "deployment", "deployments",
		"kustomize", "terraform", "infra", "ansible")
)

// realConfig: a configuration file an application or its deployment reads
// (.env, settings.py, config.yaml, an INI file, a Kubernetes manifest), not
// an example of one (those are lowered before this is asked).
func realConfig(file string) bool {
	p := strings.ToLower(file)
	dirs, base, words := segments(p)
	ext := path.Ext(base)
	switch {
	case configNames[base], strings.HasPrefix(base, ".env."), strings.HasSuffix(base, ".env"):
		return true
	case configExts[ext]:
		return true
	case dataExts[ext] && len(words) > 0 && configStems[words[0]]:
		return true
	case dataExts[ext] && anyIn(dirs, deployDirs):
		return true
	case ext == ".py" && anyIn(dirs, set("settings", "config", "conf")):
		return true
	case strings.Contains(base, "compose") && anyIn(words, set("prod", "production")):
		return true
	}
	return false
}

// tagGenerated marks a finding in a file whose head says it was generated
// (an API client generated from an OpenAPI spec, protobuf stubs).
const tagGenerated = "generated-code"

// generatedMarkers are what generators write at the top of their files.
var generatedMarkers = []string{"auto-generated", "autogenerated", "automatically generated", "code generated",
	"generated by", "do not edit"}

// markGenerated tags the findings of a fragment whose first lines say the
// file was generated.
func markGenerated(f sources.Fragment, fs []report.Finding) []report.Finding {
	if len(fs) == 0 || f.StartLine > 1 {
		return fs
	}
	head := f.Raw
	for i, n := 0, 0; i < len(head); i++ {
		if head[i] == '\n' {
			if n++; n == 5 {
				head = head[:i]
				break
			}
		}
	}
	head = strings.ToLower(head)
	for _, m := range generatedMarkers {
		if strings.Contains(head, m) {
			for i := range fs {
				if fs[i].File == f.FilePath {
					fs[i].Tags = append(fs[i].Tags, tagGenerated)
				}
			}
			return fs
		}
	}
	return fs
}
