package suppress

import (
	"fmt"
	"regexp"
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
}

var (
	// ignoreRe finds "pipeguard:ignore" after a comment marker of any common
	// language, itself at the start of the line or after a space (so that a
	// URL fragment such as "/#pipeguard:ignore" is not a comment).
	ignoreRe = regexp.MustCompile(`(?:^|\s)(?:#|//|/\*|--|;|<!--)\s*pipeguard:ignore\b(.*)$`)
	// nosecRe is Bandit's "# nosec" and gosec's "//nosec" (or "//gosec:disable"), with optional ids.
	nosecRe = regexp.MustCompile(`(?:^|\s)(?:#|//)\s*(?:nosec\b|gosec:disable\b)([\w\-, :]*)`)
	// toolIDRe matches Bandit and gosec check ids, which name no pipeguard rule.
	toolIDRe = regexp.MustCompile(`^[BG]\d+$`)
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
		d := directive{kind: KindNosec, text: text}
		for _, id := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == ':' }) {
			if !toolIDRe.MatchString(id) {
				d.rules = append(d.rules, id)
			} else {
				d.rules = append(d.rules, GosecRules(id)...) // gosec.go
			}
		}
		out = append(out, d)
	}
	return out
}

// parseIgnore reads what follows "pipeguard:ignore":
//
//	<rule>[,<rule>...] reason="..." [until=YYYY-MM-DD] [owner=...]
func parseIgnore(s string) directive {
	d := directive{kind: KindInline}
	toks, err := tokens(s)
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
func tokens(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		end := strings.IndexAny(s, " \t")
		if q := strings.IndexByte(s, '"'); q >= 0 && (end < 0 || q < end) {
			rest := s[q:]
			quoted, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("pipeguard:ignore: unterminated quote")
			}
			val, _ := strconv.Unquote(quoted)
			out = append(out, s[:q]+val)
			s = rest[len(quoted):]
			continue
		}
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
