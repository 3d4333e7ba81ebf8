package cred

import (
	"regexp"
	"strings"
)

// Credentials recognised by their own shape, whatever key they are under:
// random UUIDs (the shape many services give API keys, tokens and client
// secrets), NATS nkey seeds, and the private members of a JSON Web Key.

// uuids finds random UUIDs on a line. A UUID that is a placeholder (zeros,
// one digit repeated, a typed sequence), a well-known constant (COM's
// ...-0000-0000-C000-000000000046) or the id of a credential rather than
// the credential (key_id, credentialsId) is left out.
func uuids(line string, lineNo int, emit func(Match)) {
	for from := 0; ; {
		i := strings.IndexByte(line[from:], '-')
		if i < 0 {
			return
		}
		i += from
		from = i + 1
		s := i - 8
		if s < 0 || s+36 > len(line) || !uuidLike(line[s:s+36]) {
			continue
		}
		from = s + 36
		if s > 0 && glued(line[s-1]) || s+36 < len(line) && glued(line[s+36]) {
			continue // a part of a longer name: postgres-<uuid>, <uuid>_1480231
		}
		u := line[s : s+36]
		if !randomUUID(u) || credentialID(line[:s]) {
			continue
		}
		emit(Match{Rule: RuleUUID, Line: lineNo, Column: s + 1, Secret: u, Key: "UUID"})
	}
}

// glued reports whether c joins a UUID to the text beside it.
func glued(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// randomUUID reports whether a UUID looks generated: no run of four equal
// characters (00000000-0000-..., 444553540000), no typed sequence
// (12345678-...), and enough distinct digits.
func randomUUID(u string) bool {
	hex := strings.ToLower(strings.ReplaceAll(u, "-", ""))
	run := 1
	var seen [256]bool
	distinct := 0
	for i := 0; i < len(hex); i++ {
		if i > 0 && hex[i] == hex[i-1] {
			run++
			if run >= 4 {
				return false
			}
		} else {
			run = 1
		}
		if !seen[hex[i]] {
			seen[hex[i]] = true
			distinct++
		}
	}
	return distinct >= 10 && !sequence(hex) && !strings.Contains(hex, "12345") && !strings.Contains(hex, "abcdef")
}

// credentialID reports whether the text before a value names it the id of
// a credential (target_key_id, "credentialsId", kid): an identifier that
// points at a secret, not the secret.
func credentialID(before string) bool {
	key := strings.TrimRight(before, " \t\"'`=:(,")
	if i := strings.LastIndexAny(before, "(["); i >= 0 && strings.TrimSpace(strings.Trim(before[i+1:], "\"'`")) == "" {
		// KeyId: aws.String("..."): the key is before the call.
		k := strings.TrimRight(before[:i], " \t")
		j := len(k)
		for j > 0 && (isKeyChar(k[j-1]) || k[j-1] == '.') {
			j--
		}
		key = strings.TrimRight(k[:j], " \t\"'`=:(,")
		if key == "" {
			key = k
		}
	}
	j := len(key)
	for j > 0 && isKeyChar(key[j-1]) {
		j--
	}
	ws := words(key[j:])
	if len(ws) == 0 {
		return false
	}
	switch ws[len(ws)-1] {
	case "id", "ids", "kid", "keyid", "arn":
	default:
		return false
	}
	for _, w := range ws[:len(ws)-1] {
		switch {
		case credWords[w], strings.Contains(w, "key"), strings.Contains(w, "cred"):
			return true
		case w == "client", w == "tenant", w == "app", w == "application":
			return true // OAuth client and Azure tenant ids are public
		}
	}
	return ws[len(ws)-1] == "kid" || ws[len(ws)-1] == "keyid"
}

// nkeySeeds finds NATS nkey seeds: "S" and a key type (user, account,
// operator, server, cluster, curve), then 56 characters of base32, 58 in
// all. The seed is the private key; the public keys (U..., A..., N...)
// are not secrets.
func nkeySeeds(line string, lineNo int, emit func(Match)) {
	const n = 58
	for from := 0; from+n <= len(line); {
		i := strings.IndexByte(line[from:], 'S')
		if i < 0 {
			return
		}
		i += from
		from = i + 1
		if i+n > len(line) || strings.IndexByte("UAONCX", line[i+1]) < 0 || i > 0 && isAlnum(line[i-1]) ||
			i+n < len(line) && isAlnum(line[i+n]) {
			continue
		}
		ok := true
		for k := i + 2; k < i+n; k++ {
			if c := line[k]; !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
				ok = false
				break
			}
		}
		if !ok || !random(line[i:i+n], false) {
			continue
		}
		emit(Match{Rule: RuleGeneric, Line: lineNo, Column: i + 1, Secret: line[i : i+n], Key: "NATS nkey seed", Context: "nkey seed"})
		from = i + n
	}
}

// jwkPrivate matches the private member of a JSON Web Key: d (the
// private exponent of an RSA key, the private key of an EC or OKP key) or
// k (a symmetric key). RSA's other private members (p, q, dp, dq, qi)
// derive from the same key: one finding per key.
var jwkPrivate = regexp.MustCompile(`(?:^|[\s{,"'])(d|k)["']?\s*[:=]\s*["']([A-Za-z0-9_-]{16,})["']`)

// jwkWindow is how many lines from a "kty" member a JWK's private members
// are looked for.
const jwkWindow = 24

// jwkMembers finds the private members of JSON Web Keys: lines near a
// "kty" member holding d or k with a base64url value.
func jwkMembers(lows, lines []string, emit func(Match)) {
	near := -1 << 30
	next := nextKty(lows, 0)
	for i, line := range lines {
		if i == next {
			near = i
			next = nextKty(lows, i+1)
		}
		if i-near > jwkWindow && (next < 0 || next-i > jwkWindow) {
			continue
		}
		if len(line) > maxLine {
			continue
		}
		for _, m := range jwkPrivate.FindAllStringSubmatchIndex(line, -1) {
			v := line[m[4]:m[5]]
			if !random(v, false) || basic(v) != fine || counting(v) {
				continue
			}
			emit(Match{Rule: RuleGeneric, Line: i + 1, Column: m[4] + 1, Secret: v, Key: "JWK " + line[m[2]:m[3]], Context: "JSON Web Key"})
		}
	}
}

// nextKty returns the index of the first line from i that names a JWK's
// "kty" member, or -1.
func nextKty(lows []string, i int) int {
	for ; i < len(lows); i++ {
		if strings.Contains(lows[i], "kty") {
			return i
		}
	}
	return -1
}

// otpSecrets finds TOTP secrets passed as literals to the libraries that
// take them (ROTP::TOTP.new('JBSW...'), pyotp.TOTP('...'), totpToken =
// authenticator.generate('IFTX...')): base32, 16 characters or more, on a
// line that names TOTP (one word only: lineFlags reads every line). low
// is the lower-cased line.
func otpSecrets(line, low string, lineNo int, emit func(Match)) {
	if !strings.Contains(low, "totp") {
		return
	}
	st := stringState(line)
	for i := 0; i < len(line); i++ {
		if !isQuote(line[i]) || st[i] != 0 {
			continue
		}
		j := strings.IndexByte(line[i+1:], line[i])
		if j < 0 {
			return
		}
		v := line[i+1 : i+1+j]
		if base32Secret(v) {
			emit(Match{Rule: RuleGeneric, Line: lineNo, Column: i + 2, Secret: v, Key: "OTP secret", Context: "TOTP/HOTP secret"})
		}
		i += j + 1
	}
}

// base32Secret reports whether v is a base32 secret of 16 characters or
// more that looks generated.
func base32Secret(v string) bool {
	t := strings.TrimRight(v, "=")
	if len(t) < 16 {
		return false
	}
	for k := 0; k < len(t); k++ {
		if c := t[k]; !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return entropy(t) >= 3 && !sameRun(t, 4)
}
