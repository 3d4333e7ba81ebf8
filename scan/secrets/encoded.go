package secrets

import (
	"encoding/base64"
	"slices"
	"strings"
)

// mayHoldEncoded reports whether gitleaks' decoder could find an encoded
// segment in s (percent, unicode, hex or base64 text that decodes to
// printable ASCII). It never says no when the decoder would find one, and
// it reads s without a regex, so that the decoder (a regex pass over the
// whole text) only runs where it may find something.
func mayHoldEncoded(s string) bool {
	found := false
	eachEncoded(s, func(int) bool {
		found = true
		return false
	})
	return found
}

// encodedAt returns the offsets, in order, of the places in s where
// gitleaks' decoder could find an encoded segment: every segment it finds
// holds one of them, on each of its lines (only unicode U+ segments span
// lines, one code point a line at most).
func encodedAt(s string) []int {
	var at []int
	eachEncoded(s, func(pos int) bool {
		at = append(at, pos)
		return true
	})
	slices.Sort(at)
	return at
}

// eachEncoded calls yield with the offset of each place in s where an
// encoded segment may begin, until yield returns false: percent and
// unicode escapes first, then runs of base64 or hex.
func eachEncoded(s string, yield func(pos int) bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]),
			c == 'U' && i+5 < len(s) && s[i+1] == '+' && hexRun(s[i+2:i+6]),
			c == '\\' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') && hexRun(s[i+2:i+6]):
			if !yield(i) {
				return
			}
		}
	}
	// The decoder's pattern tries hex, then base64, where a run of
	// [\w/+-] begins: a hex prefix of 32 or more, then the rest of the run
	// as base64 when 16 or more long; otherwise the whole run as base64.
	for i := 0; i < len(s); {
		if !isB64(s[i]) {
			i++
			continue
		}
		j, hexEnd := i, i
		for j < len(s) && isB64(s[j]) {
			if hexEnd == j && isHex(s[j]) {
				hexEnd++
			}
			j++
		}
		start := i
		if hexEnd-i >= 32 {
			if hexPrintable(s[i:hexEnd]) && !yield(i) {
				return
			}
			start = hexEnd
		}
		if j-start >= 16 {
			end := j
			for end < len(s) && end < j+2 && s[end] == '=' {
				end++
			}
			if b64Printable(s[start:end]) && !yield(start) {
				return
			}
		}
		i = j
	}
}

// hexPrintable mirrors gitleaks' hex decoding: an even number of digits,
// one of them 0-9, making printable ASCII.
func hexPrintable(v string) bool {
	if len(v)%2 != 0 || !strings.ContainsAny(v, "0123456789") {
		return false
	}
	for i := 0; i+1 < len(v); i += 2 {
		b := unhex(v[i])<<4 | unhex(v[i+1])
		if b <= '\x08' || b >= '\x7f' {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexRun(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// isB64 is the class [\w/+-] of gitleaks' base64 pattern.
func isB64(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '/' || c == '+' || c == '-'
}

// b64Printable mirrors gitleaks' base64 decoding: only text with a digit
// or one of +/-_, standard then URL encoding without padding, to printable
// ASCII.
func b64Printable(v string) bool {
	if !strings.ContainsAny(v, "0123456789+/-_") {
		return false
	}
	return decodesPrintable(base64.StdEncoding, v) || decodesPrintable(base64.RawURLEncoding, v)
}

// decodesPrintable reports whether v decodes with enc to printable ASCII.
// Its first four characters decode to the first bytes of the whole (or
// fail as the whole would), so most runs that are not encoded text (names,
// hashes) are refused there, without decoding the rest.
func decodesPrintable(enc *base64.Encoding, v string) bool {
	if len(v) >= 4 {
		var head [3]byte
		if n, err := enc.Decode(head[:], []byte(v[:4])); (err != nil && len(v) > 4) || !printable(head[:n]) {
			return false
		}
	}
	b, err := enc.DecodeString(v)
	return err == nil && printable(b)
}

func printable(b []byte) bool {
	for _, c := range b {
		if c <= '\x08' || c >= '\x7f' {
			return false
		}
	}
	return true
}
