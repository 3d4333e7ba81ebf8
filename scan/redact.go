package scan

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maskKeep is how many leading characters of a secret stay visible.
const maskKeep = 4

// masked is what replaces a credential that shows nothing of itself: the
// user information of a URL, a token in a query string, a password.
const masked = "****"

// Mask returns the short form of a secret that outputs show: its first four
// characters then ****. Secrets of eight characters or fewer are masked
// whole, so that what is shown never exceeds half of the secret.
func Mask(secret string) string {
	if utf8.RuneCountInString(secret) <= 2*maskKeep {
		return masked
	}
	r := []rune(secret)
	return string(r[:maskKeep]) + masked
}

// MaskURL returns the URL or DSN u with its credentials masked: the user
// information (user:password@ becomes ****@, a token alone as the user
// too) and the values of the query and fragment parameters that carry
// credentials (token, access_token, key, sig, password, X-Amz-Signature...).
// Everything else is kept as written, so that the URL still says where it
// points. It is idempotent.
func MaskURL(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return maskParams(u)
	}
	head, rest := u[:i+3], u[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = masked + auth[at:]
	}
	return head + auth + maskParams(tail)
}

// maskParams masks the credential values among the parameters after the
// first '?' and after the first '#' of s.
func maskParams(s string) string {
	q := strings.IndexAny(s, "?#")
	if q < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:q+1])
	rest := s[q+1:]
	for rest != "" {
		end := strings.IndexAny(rest, "&;#")
		part, sep := rest, ""
		if end >= 0 {
			part, sep, rest = rest[:end], rest[end:end+1], rest[end+1:]
		} else {
			rest = ""
		}
		if k, v, ok := strings.Cut(part, "="); ok && v != "" && credentialParam(k) {
			// Punctuation that ends a sentence around the URL stays.
			trail := v[len(strings.TrimRight(v, ".,:!?)]}'\"")):]
			part = k + "=" + masked + trail
		}
		b.WriteString(part)
		b.WriteString(sep)
	}
	return b.String()
}

// credentialParam reports whether a query parameter (or DSN key) carries a
// credential by its name: token, access_token, key, api-key, sig,
// X-Amz-Signature, password, client_secret, code...
func credentialParam(name string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	n := b.String()
	switch n {
	case "key", "sig", "sas", "code", "pass", "pw", "pwd", "jwt", "hmac", "sid", "ticket", "auth":
		return true
	}
	for _, part := range []string{"token", "secret", "passw", "apikey", "accesskey", "privatekey",
		"credential", "signature", "session", "authorization", "oauth"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return strings.HasSuffix(n, "key") || strings.HasSuffix(n, "sig")
}

var (
	// goDSNRe is the Go SQL driver's user:password@tcp(host)/db form.
	goDSNRe = regexp.MustCompile(`([^\s:@/"'=(]+):([^\s@"']+)@(tcp|tcp4|tcp6|udp|unix|unixgram)\(`)
	// kvPasswordRe is a password in a key=value DSN (libpq, ODBC).
	kvPasswordRe = regexp.MustCompile(`(?i)\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s&;,'"]+)`)
)

// MaskURLs masks the credentials of every URL and DSN in free text (an
// error message, a note, a log line): see MaskURL. It is the one masking
// function for them: Redact applies it to every text field of a report.
// Cheap checks come first: most text holds no URL and no password.
func MaskURLs(s string) string {
	if !strings.ContainsAny(s, ":=@") {
		return s
	}
	if strings.Contains(s, "://") {
		s = maskSchemeURLs(s)
	}
	if strings.Contains(s, "@") && strings.Contains(s, "(") {
		s = goDSNRe.ReplaceAllString(s, "$1:"+masked+"@$3(")
	}
	if strings.Contains(s, "=") && (containsFold(s, "pass") || containsFold(s, "pwd")) {
		s = kvPasswordRe.ReplaceAllStringFunc(s, func(m string) string {
			eq := strings.IndexByte(m, '=')
			return m[:eq+1] + masked
		})
	}
	return s
}

// maskSchemeURLs applies MaskURL to every scheme://... in s: the scheme
// (a letter, then letters, digits, +, - or .) and what follows up to a
// space, a quote or an angle bracket.
func maskSchemeURLs(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], "://")
		if k < 0 {
			break
		}
		k += i
		start := k
		for start > 0 && isSchemeByte(s[start-1]) {
			start--
		}
		for start < k && !isLetter(s[start]) {
			start++
		}
		end := k + 3
		for end < len(s) && !endsURL(s[end]) {
			end++
		}
		i = end
		if start == k {
			continue // no scheme before "://"
		}
		if u := s[start:end]; strings.ContainsAny(u[k-start+3:], "@?#") {
			if m := MaskURL(u); m != u {
				b.WriteString(s[last:start])
				b.WriteString(m)
				last = end
			}
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// endsURL reports whether c ends a URL in free text.
func endsURL(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '<', '>', '`':
		return true
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isSchemeByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// containsFold reports whether s contains the lower-case ASCII word sub,
// whatever the case of s.
func containsFold(s, sub string) bool {
	first := string([]byte{sub[0], sub[0] - 'a' + 'A'})
	for i := 0; i+len(sub) <= len(s); i++ {
		j := strings.IndexAny(s[i:], first)
		if j < 0 || i+j+len(sub) > len(s) {
			return false
		}
		i += j
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// redact is the one place where secrets leave a report: every finding that
// carries a raw secret gets it masked, and every raw secret found anywhere in
// the scan is remembered by the report and scrubbed from every text field
// (titles, messages, paths, errors, skipped entries, notes), so that no
// output can quote one. Credentials in URLs are masked too: see Redact.
//
// dropped holds the raw secrets of findings Run left out (outside the
// changed lines): they may still be quoted by another scanner's errors.
func redact(r *Report, dropped []string) {
	for _, raw := range dropped {
		r.remember(raw)
	}
	Redact(r)
}

// remember adds a raw secret to those Redact scrubs.
func (r *Report) remember(raw string) {
	if len(strings.TrimSpace(raw)) >= 4 {
		r.secrets = append(r.secrets, raw)
	}
}

// strongSecret is the length from which a secret is scrubbed wherever it
// occurs, inside words and paths included. A shorter one (a word-like
// password such as "mealie" or "admin") is scrubbed only where it stands as
// a word of free text, and never from paths: there it is almost always
// part of a name (the repository "mealie-recipes"), and masking it would
// garble every path of the report without hiding anything.
const strongSecret = 12

// Redact scrubs r once more before it is written anywhere: the raw secrets
// its findings carried (remembered by Run) and credentials in URLs and DSNs
// (MaskURLs) are masked in every text field, those added after Run
// included: notes and errors of the suppression and gate steps, paths of
// stale suppressions. A secret found in a file name is scrubbed from every
// path too, however short. Every output (reports, the pull request
// comment, the step summary, baselines, audit state) calls it, or works on
// a report that went through it; it is idempotent and cheap when there is
// nothing to do.
func Redact(r *Report) {
	if r == nil {
		return
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.raw == "" {
			continue
		}
		if f.Secret == "" {
			f.Secret = Mask(f.raw)
		}
		r.remember(f.raw)
		if slices.Contains(f.Tags, TagFileName) {
			r.inPaths = append(r.inPaths, f.raw)
		}
		f.raw = ""
	}
	r.secrets = longestFirst(r.secrets)
	r.inPaths = longestFirst(r.inPaths)
	s := newScrubber(r.secrets, r.inPaths)
	if len(s.words) > 0 {
		s.paths = r.paths()
	}
	r.eachText(func(p *string, path bool) {
		if *p == "" {
			return
		}
		*p = MaskURLs(s.scrub(*p, path))
	})
}

// longestFirst sorts secrets longest first, so that a secret that contains
// another is scrubbed whole, and drops repeats.
func longestFirst(secrets []string) []string {
	slices.SortFunc(secrets, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(secrets)
}

// scrubber masks raw secrets in text: strong ones (and those found in file
// names) wherever they occur, weak ones only as whole words of free text.
type scrubber struct {
	everywhere *strings.Replacer // strong secrets and secrets in file names
	words      []string          // weak secrets, longest first
	// segments are the strong secrets found in content, not in a file
	// name, that read like names (lower-case words): a path segment that
	// is exactly one of them (a database password that is also the
	// project's folder name) names a folder of the repository, public
	// wherever the path is, and stays readable. A secret with digits or
	// capitals is masked in every path.
	segments map[string]bool
	// paths are the report's own paths (of findings and skipped inputs),
	// printed as they are: a weak secret inside one of them, quoted in
	// free text ("at data/dispatch-sample-data.dump:12"), stays readable
	// there too.
	paths map[string]bool
}

func newScrubber(secrets, inPaths []string) scrubber {
	var s scrubber
	var strong []string
	for _, raw := range secrets {
		if named := slices.Contains(inPaths, raw); named || utf8.RuneCountInString(raw) >= strongSecret {
			strong = append(strong, raw, Mask(raw))
			if !named && nameLike(raw) {
				if s.segments == nil {
					s.segments = map[string]bool{}
				}
				s.segments[raw] = true
			}
		} else {
			s.words = append(s.words, raw)
		}
	}
	if len(strong) > 0 {
		s.everywhere = strings.NewReplacer(strong...)
	}
	return s
}

// scrub masks the secrets in text; path says the text is a path (or a
// folder), where weak secrets are left alone.
func (s scrubber) scrub(text string, path bool) string {
	if path {
		return s.scrubPath(text)
	}
	if s.everywhere != nil {
		text = s.everywhere.Replace(text)
	}
	for _, w := range s.words {
		text = s.replaceWordOutsidePaths(text, w)
	}
	return text
}

// scrubPath masks the strong secrets in a path, except in the segments
// that are exactly a secret found in content (or that secret and an
// extension): those are names of the repository's own files and folders.
// The runs of other segments are scrubbed whole, so that a secret holding
// a '/' is masked too.
func (s scrubber) scrubPath(text string) string {
	if s.everywhere == nil {
		return text
	}
	if len(s.segments) == 0 {
		return s.everywhere.Replace(text)
	}
	segs := strings.Split(text, "/")
	var pieces []string
	run := 0 // first segment of the current run of ordinary segments
	for i, seg := range segs {
		stem, _, _ := strings.Cut(seg, ".")
		if !s.segments[seg] && !s.segments[stem] {
			continue
		}
		if run < i {
			pieces = append(pieces, s.everywhere.Replace(strings.Join(segs[run:i], "/")))
		}
		pieces = append(pieces, seg)
		run = i + 1
	}
	if run < len(segs) || len(pieces) == 0 {
		pieces = append(pieces, s.everywhere.Replace(strings.Join(segs[run:], "/")))
	}
	return strings.Join(pieces, "/")
}

// nameLike says whether a secret is made of lower-case letters, '_' and
// '-' only, as the names of folders and Python packages are.
func nameLike(raw string) bool {
	for _, r := range raw {
		if (r < 'a' || r > 'z') && r != '_' && r != '-' {
			return false
		}
	}
	return raw != ""
}

// paths returns the paths of the report's findings and skipped inputs.
func (r *Report) paths() map[string]bool {
	paths := map[string]bool{}
	for _, f := range r.Findings {
		if f.Path != "" {
			paths[f.Path] = true
		}
	}
	for _, sk := range r.Skipped {
		if sk.Path != "" {
			paths[sk.Path] = true
		}
	}
	return paths
}

// replaceWordOutsidePaths masks word as a whole word of text, except in a
// whitespace-separated token that is one of the report's paths (with an
// optional :line and trailing punctuation).
func (s scrubber) replaceWordOutsidePaths(text, word string) string {
	if !strings.Contains(text, word) {
		return text
	}
	if len(s.paths) == 0 {
		return replaceWord(text, word, Mask(word))
	}
	var b strings.Builder
	for len(text) > 0 {
		i := strings.IndexFunc(text, unicode.IsSpace)
		if i < 0 {
			i = len(text)
		}
		tok := text[:i]
		if s.paths[pathOfToken(tok)] {
			b.WriteString(tok)
		} else {
			b.WriteString(replaceWord(tok, word, Mask(word)))
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsSpace(r) {
				break
			}
			j += size
		}
		b.WriteString(text[i:j])
		text = text[j:]
	}
	return b.String()
}

// pathOfToken is a token of free text without its quotes, trailing
// punctuation and :line (or :line:column) suffix.
func pathOfToken(tok string) string {
	tok = strings.Trim(tok, "\"'`()[],;")
	tok = strings.TrimRight(tok, ".,;:")
	for {
		i := strings.LastIndexByte(tok, ':')
		if i < 0 || i == len(tok)-1 || strings.Trim(tok[i+1:], "0123456789") != "" {
			return tok
		}
		tok = tok[:i]
	}
}

// replaceWord replaces every occurrence of word in s that is not part of a
// longer word (letters, digits or '_' on neither side).
func replaceWord(s, word, with string) string {
	if !strings.Contains(s, word) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, word)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(word)
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[end:])
		b.WriteString(s[:i])
		if (i == 0 || !isWordRune(before)) && (end == len(s) || !isWordRune(after)) {
			b.WriteString(with)
		} else {
			b.WriteString(word)
		}
		s = s[end:]
	}
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// eachText calls f with every text field of the report, saying whether
// the field is a path (a file, a folder, a path:line place).
func (r *Report) eachText(f func(p *string, path bool)) {
	f(&r.Root, true)
	f(&r.Target.Range, false)
	f(&r.Target.Base, false)
	f(&r.Target.Head, false)
	for i := range r.Findings {
		r.Findings[i].eachText(f)
	}
	for i := range r.Errors {
		f(&r.Errors[i].Message, false)
		f(&r.Errors[i].Path, true)
	}
	for i := range r.Skipped {
		f(&r.Skipped[i].Reason, false)
		f(&r.Skipped[i].Path, true)
	}
	for i := range r.Scanners {
		for j := range r.Scanners[i].Notes {
			f(&r.Scanners[i].Notes[j], false)
		}
	}
	for i := range r.Notes {
		f(&r.Notes[i], false)
	}
}

// eachText calls f with every text field of the finding, saying whether
// the field is a path.
func (fd *Finding) eachText(f func(p *string, path bool)) {
	f(&fd.Title, false)
	f(&fd.Message, false)
	f(&fd.Remediation, false)
	f(&fd.Path, true)
	f(&fd.Secret, false)
	f(&fd.Author, false)
	for j := range fd.Reasons {
		f(&fd.Reasons[j], false)
	}
	for j := range fd.Tags {
		f(&fd.Tags[j], false)
	}
	for j := range fd.References {
		f(&fd.References[j], false)
	}
	if d := fd.Dependency; d != nil {
		f(&d.Name, false)
		f(&d.Version, false)
		f(&d.Manifest, true)
		for j := range d.CallPath {
			f(&d.CallPath[j], false)
		}
	}
	if sp := fd.Suppression; sp != nil {
		f(&sp.Reason, false)
		f(&sp.Owner, false)
		f(&sp.Source, true)
	}
}
