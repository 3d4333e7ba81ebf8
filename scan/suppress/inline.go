package suppress

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Inline kinds, as Suppression.Kind reports them.
const (
	KindInline        = "inline"
	KindFile          = "file"
	KindGitleaksAllow = "gitleaks:allow"
	KindNosec         = "nosec"
	KindNoqa          = "noqa"
)

// directive is one inline suppression comment.
type directive struct {
	kind   string
	rules  []string // empty: every rule the kind applies to
	reason string
	owner  string
	until  string
	// text is the whole source line, trimmed: what a trusted revision must also hold.
	text string
	// err says why a pipeguard:ignore comment is malformed; it then suppresses nothing.
	err error
	// commentOnly is set when nothing but the comment is on the line, so
	// that it may also cover the line below.
	commentOnly bool
	// foreign is set for a nosec or noqa comment that names only checks of
	// other tools that no pipeguard rule reports (# nosec B104, # noqa:
	// E501), or a bare noqa: it suppresses nothing of pipeguard's.
	foreign bool
	// bare is a noqa with no code.
	bare bool
}

var (
	// ignoreRe finds "pipeguard:ignore" after a comment marker of any common
	// language, itself at the start of the line or after a space (so that a
	// URL fragment such as "/#pipeguard:ignore" is not a comment).
	ignoreRe = regexp.MustCompile(`(?:^|\s)(?:#|//|/\*|--|;|<!--)\s*pipeguard:ignore\b(.*)$`)
	// nosecRe is Bandit's "# nosec" and gosec's "//nosec" (or "//gosec:disable"), with optional ids.
	nosecRe = regexp.MustCompile(`(?:^|\s)(?:#|//)\s*(?:nosec\b|gosec:disable\b)([\w\-, :]*)`)
	// nolintRe is golangci-lint's "//nolint:gosec,errcheck" (a linter list
	// is required: a bare //nolint quiets style linters, like a bare noqa).
	nolintRe = regexp.MustCompile(`//\s*nolint:([\w\-,]+)`)
	// noqaRe is flake8's and Ruff's "# noqa", with optional codes.
	noqaRe = regexp.MustCompile(`(?i)(?:^|\s)#\s*noqa\b(?:\s*:\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?`)
	// ruleIDRe is a pipeguard rule id (or a secrets rule's), as a nosec comment may name it.
	ruleIDRe = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)
	// commentStartRe is a line that holds only a comment.
	commentStartRe = regexp.MustCompile(`^\s*(?:#|//|/\*|--|;|<!--)`)
)

// parseLine returns the directives written on one source line.
func parseLine(line string) []directive {
	var out []directive
	text := strings.TrimSpace(line)
	commentOnly := commentStartRe.MatchString(line)
	if m := ignoreRe.FindStringSubmatch(line); m != nil {
		d := parseIgnore(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[1]), "-->")), "*/"))
		d.text, d.commentOnly = text, commentOnly
		out = append(out, d)
	}
	if strings.Contains(line, "gitleaks:allow") {
		out = append(out, directive{kind: KindGitleaksAllow, text: text})
	}
	if m := nosecRe.FindStringSubmatch(line); m != nil {
		out = append(out, toolDirective(KindNosec, text, m[1], false))
	}
	if m := noqaRe.FindStringSubmatch(line); m != nil {
		out = append(out, toolDirective(KindNoqa, text, m[1], true))
	}
	if m := nolintRe.FindStringSubmatch(line); m != nil && slices.Contains(strings.Split(m[1], ","), "gosec") {
		// golangci-lint runs gosec: //nolint:gosec quiets every gosec check
		// on the line, so it stands for the pipeguard rules of all of them.
		out = append(out, directive{kind: KindNosec, text: text, rules: allGosecRules()})
	}
	return out
}

// toolDirective reads the ids after "nosec" or "noqa:": pipeguard rule
// ids stand for themselves, the ids and test names of Bandit, Ruff
// (flake8-bandit) and gosec for the pipeguard rules that report the same
// weakness (toolRules). A comment whose ids map to no pipeguard rule
// suppresses none. With no id at all, nosec covers every rule (as Bandit
// does); a bare noqa covers none: it is written to quiet style linters
// (long lines, unused imports) far more often than to accept a security
// weakness, so a security finding needs its code named (# noqa: S608).
func toolDirective(kind, text, ids string, bareIsNone bool) directive {
	d := directive{kind: kind, text: text}
	n := 0
	for _, id := range strings.FieldsFunc(ids, func(r rune) bool { return r == ',' || r == ' ' || r == ':' || r == '\t' }) {
		n++
		switch {
		case len(GosecRules(id)) > 0:
			d.rules = appendNew(d.rules, GosecRules(id)...) // gosec.go
		case toolRules[strings.ToUpper(id)] != nil:
			d.rules = appendNew(d.rules, toolRules[strings.ToUpper(id)]...)
		case toolRules[strings.ToLower(id)] != nil:
			d.rules = appendNew(d.rules, toolRules[strings.ToLower(id)]...)
		case ruleIDRe.MatchString(id):
			d.rules = appendNew(d.rules, id)
		}
	}
	d.foreign = len(d.rules) == 0 && (n > 0 || bareIsNone)
	d.bare = n == 0
	return d
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, x := range list {
			found = found || x == it
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}

// toolRules maps the checks of Bandit (ids and test names) and Ruff's
// flake8-bandit codes to the pipeguard rules that report the same
// weakness, so that the suppressions a project already wrote for them
// count (gosec's ids are in gosec.go).
var toolRules = map[string][]string{
	// Hard-coded passwords: strings, function arguments, defaults.
	"B105": {"hardcoded-secret"}, "B106": {"hardcoded-secret"}, "B107": {"hardcoded-secret"},
	"S105": {"hardcoded-secret"}, "S106": {"hardcoded-secret"}, "S107": {"hardcoded-secret"},
	"hardcoded_password_string": {"hardcoded-secret"}, "hardcoded_password_funcarg": {"hardcoded-secret"},
	"hardcoded_password_default": {"hardcoded-secret"},
	// Flask (or any app) with debug on.
	"B201": {"debug-enabled"}, "S201": {"debug-enabled"}, "flask_debug_true": {"debug-enabled"},
	// Certificate checks off.
	"B501": {"tls-verify-disabled"}, "S501": {"tls-verify-disabled"}, "request_with_no_cert_validation": {"tls-verify-disabled"},
	"B323": {"tls-verify-disabled"}, "S323": {"tls-verify-disabled"},
	// Weak TLS versions.
	"B502": {"tls-weak-version"}, "B503": {"tls-weak-version"}, "B504": {"tls-weak-version"},
	"S502": {"tls-weak-version"}, "S503": {"tls-weak-version"}, "S504": {"tls-weak-version"},
	"ssl_with_bad_version": {"tls-weak-version"}, "ssl_with_bad_defaults": {"tls-weak-version"}, "ssl_with_no_version": {"tls-weak-version"},
	// SQL built from strings.
	"B608": {"sql-string-formatting"}, "S608": {"sql-string-formatting"}, "hardcoded_sql_expressions": {"sql-string-formatting"},
	// Weak hashes (passwords hashed with md5/sha1).
	"B303": {"password-hash-weak"}, "B324": {"password-hash-weak"}, "S303": {"password-hash-weak"}, "S324": {"password-hash-weak"},
	"hashlib": {"password-hash-weak"},
}

// parseIgnore reads what follows "pipeguard:ignore":
//
//	<rule>[,<rule>...] reason="..." [until=YYYY-MM-DD] [owner=...]
func parseIgnore(s string) directive {
	d := directive{kind: KindInline}
	toks, quoted, err := tokens(s)
	if err != nil {
		d.err = err
		return d
	}
	if len(toks) == 0 || strings.Contains(toks[0], "=") {
		d.err = fmt.Errorf("pipeguard:ignore needs a rule id first")
		return d
	}
	for _, r := range strings.Split(toks[0], ",") {
		if r = strings.TrimSpace(r); r != "" {
			if r == "*" {
				d.err = fmt.Errorf("pipeguard:ignore needs a rule id: \"*\" is not accepted")
				return d
			}
			d.rules = append(d.rules, r)
		}
	}
	// Messages name keys and positions, never the comment's free text: the
	// line may hold a secret.
	for i, t := range toks[1:] {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			d.err = fmt.Errorf("pipeguard:ignore: word %d after the rule is not key=value (keys: reason, until, owner); quote values with spaces", i+1)
			return d
		}
		switch k {
		case "reason":
			if !quoted[i+1] {
				// The README's form; unquoted, a reason of several words
				// would be cut at the first space without a word said.
				d.err = fmt.Errorf(`pipeguard:ignore: the reason must be quoted: reason="..."`)
				return d
			}
			d.reason = v
		case "owner":
			d.owner = v
		case "until", "expires":
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				d.err = fmt.Errorf("pipeguard:ignore: until is not a date YYYY-MM-DD")
				return d
			}
			d.until = v
		default:
			d.err = fmt.Errorf("pipeguard:ignore: unknown key %q (keys: reason, until, owner)", truncate(k, 20))
			return d
		}
	}
	if strings.TrimSpace(d.reason) == "" {
		d.err = fmt.Errorf(`pipeguard:ignore needs reason="..."`)
	}
	return d
}

// tokens splits s on spaces, keeping double-quoted values (Go string
// syntax) whole: reason="a \"b\" c" is one token whose value is unquoted.
// quoted[i] says whether token i held a quoted value.
func tokens(s string) (out []string, quoted []bool, err error) {
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		end := strings.IndexAny(s, " \t")
		if q := strings.IndexByte(s, '"'); q >= 0 && (end < 0 || q < end) {
			rest := s[q:]
			qs, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, nil, fmt.Errorf("pipeguard:ignore: unterminated quote")
			}
			val, _ := strconv.Unquote(qs)
			out = append(out, s[:q]+val)
			quoted = append(quoted, true)
			s = rest[len(qs):]
			continue
		}
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		quoted = append(quoted, false)
		s = s[end:]
	}
	return out, quoted, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
