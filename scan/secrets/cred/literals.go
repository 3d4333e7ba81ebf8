package cred

import (
	"encoding/base64"
	"iter"
	"strings"
)

// literals finds credentials by their own shape on one line, whatever key
// they are under: scheme://user:password@host, Password=...; in connection
// strings, HTTP Basic and Bearer values, curl -u user:password, mysql
// -pPASSWORD and PowerShell's ConvertTo-SecureString "..." -AsPlainText.
// low is the lower-cased line.
//
// In a programming language (code), connection strings count only inside
// string literals: dict(user=u, password=p) is code.
func literals(line, low string, flags uint16, lineNo int, code bool, emit func(Match)) {
	if flags&hasURL != 0 {
		urlCredentials(line, lineNo, emit)
	}
	if flags&hasPwd != 0 {
		connectionString(line, low, lineNo, code, emit)
	}
	if flags&(hasPwd|hasIdentified) != 0 && (strings.Contains(low, "identified by") || strings.Contains(low, "password '") || strings.Contains(low, "password \"")) {
		sqlPassword(line, low, lineNo, emit)
	}
	if flags&hasBasic != 0 {
		httpBasic(line, low, lineNo, emit)
	}
	if flags&hasBearer != 0 {
		httpBearer(line, low, lineNo, emit)
	}
	if flags&hasCurl != 0 && (strings.Contains(low, "-u") || strings.Contains(low, "--user")) {
		curlUser(line, low, lineNo, emit)
	}
	if flags&hasMysql != 0 && strings.Contains(low, " -p") {
		mysqlPassword(line, lineNo, emit)
	}
	if flags&hasConvert != 0 && strings.Contains(low, "-asplaintext") {
		secureString(line, low, lineNo, emit)
	}
}

// What a lower-cased line holds, as lineFlags finds it in one pass.
const (
	hasKey        uint16 = 1 << iota // a fragment of a credential key
	hasURL                           // ://
	hasPwd                           // password, pwd
	hasIdentified                    // identified by
	hasBasic                         // basic
	hasBearer                        // bearer
	hasCurl                          // curl
	hasMysql                         // mysql, mariadb
	hasConvert                       // convertto-securestring
	hasOTP                           // totp (ROTP::TOTP, pyotp.TOTP, totpSecret, otplib's totp)
)

// flagWord is a word lineFlags looks for, and what finding it means.
type flagWord struct {
	word  string
	flags uint16
}

// flagWords are the words lineFlags looks for, by first byte; the first
// that matches at a place counts.
var flagWords = [256][]flagWord{
	'p': {{"password", hasKey | hasPwd}, {"pwd", hasKey | hasPwd}, {"pass", hasKey}, {"pw", hasKey}, {"parola", hasKey}},
	's': {{"secret", hasKey}, {"senha", hasKey}},
	't': {{"token", hasKey}, {"totp", hasOTP}},
	'k': {{"key", hasKey}},
	'a': {{"auth", hasKey}},
	'c': {{"cred", hasKey}, {"curl", hasCurl}, {"convertto-securestring", hasConvert}},
	'j': {{"jwt", hasKey}},
	'b': {{"bearer", hasKey | hasBearer}, {"basic", hasBasic}},
	'm': {{"mdp", hasKey}, {"mysql", hasMysql}, {"mariadb", hasMysql}},
	'i': {{"identified by", hasIdentified}},
	':': {{"://", hasURL}},
}

// flagPairs has bit p set when a word of flagWords begins with the two
// bytes p (b0<<8 | b1): 8 KB that stay in cache, so that lineFlags looks
// at the words only where the first two bytes of one are (every word has
// two bytes or more).
var flagPairs = func() *[1 << 16 / 64]uint64 {
	var set [1 << 16 / 64]uint64
	for _, fws := range flagWords {
		for _, fw := range fws {
			p := int(fw.word[0])<<8 | int(fw.word[1])
			set[p/64] |= 1 << (p % 64)
		}
	}
	return &set
}()

// lineFlags reads a lower-cased line once and says which rules may find
// something on it.
func lineFlags(low string) uint16 {
	var f uint16
	for i := 0; i+1 < len(low); i++ {
		if p := int(low[i])<<8 | int(low[i+1]); flagPairs[p/64]&(1<<(p%64)) == 0 {
			continue
		}
		for _, fw := range flagWords[low[i]] {
			if strings.HasPrefix(low[i:], fw.word) {
				f |= fw.flags
				break
			}
		}
	}
	return f
}

// asciiLower lower-cases the ASCII letters of s, keeping every offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// passwordOK reports whether a password found by a literal rule passes the
// filters a password-named key's value does.
func passwordOK(pass string) bool {
	return judge(keyPassword, "password", value{text: pass, quoted: true}) == fine
}

// urlCredentials finds scheme://user:password@host.
func urlCredentials(line string, lineNo int, emit func(Match)) {
	for i := range occurrences(line, "://") {
		s := i
		for s > 0 && (isAlnum(line[s-1]) || line[s-1] == '+' || line[s-1] == '.' || line[s-1] == '-') {
			s--
		}
		if i-s < 2 {
			continue
		}
		rest := line[i+3:]
		end := strings.IndexAny(rest, " \t\"'`<>()[]{}\\,")
		if end < 0 {
			end = len(rest)
		}
		seg := rest[:end]
		if p := strings.IndexByte(seg, '/'); p >= 0 {
			seg = seg[:p]
		}
		at := strings.LastIndexByte(seg, '@')
		if at <= 0 || at == len(seg)-1 {
			continue
		}
		user, pass, ok := strings.Cut(seg[:at], ":")
		host := seg[at+1:]
		if !ok || pass == "" || pass[0] == ':' || !hostLike(host) || templatePort(host) {
			continue
		}
		if strings.EqualFold(user, pass) || !passwordOK(pass) {
			continue // a placeholder, or a default where the password repeats the user
		}
		emit(Match{Rule: RuleURLCredentials, Line: lineNo, Column: i + 4 + len(user) + 1, Secret: pass, Key: scheme(line[s:i])})
	}
}

func scheme(s string) string { return strings.ToLower(s) + " URL" }

// templatePort reports whether a URL's host:port names its port with a
// word (host:port, db:PORT): a template in documentation, where a port
// number would stand, not an address anything connects to.
func templatePort(host string) bool {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || i == len(host)-1 || strings.HasSuffix(host, "]") {
		return false
	}
	for _, c := range []byte(host[i+1:]) {
		if !isLetter(c) {
			return false
		}
	}
	return true
}

// hostLike reports whether s can be a URL's host (and port).
func hostLike(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '.' || c == '-' || c == ':' || c == '_' || c == '%' || c == '[' || c == ']' || c == '$' || c == '{' || c == '}') {
			return false
		}
	}
	return true
}

// dsnKeys are the keys beside a password that make a line a connection
// string (ADO.NET, ODBC, JDBC, libpq).
var dsnKeys = []string{"server=", "data source=", "datasource=", "host=", "hostname=", "hostaddr=", "user id=",
	"userid=", "uid=", "user=", "username=", "database=", "dbname=", "initial catalog=", "port=", "sslmode=",
	"address=", "addr=", "jdbc:", "odbc", "driver="}

// connectionString finds Password=...; and password=... in connection
// strings and DSNs.
func connectionString(line, low string, lineNo int, code bool, emit func(Match)) {
	dsn := false
	for _, k := range dsnKeys {
		if strings.Contains(low, k) {
			dsn = true
			break
		}
	}
	if !dsn {
		return
	}
	for _, k := range []string{"password", "pwd"} {
		for i := range occurrences(low, k) {
			if i > 0 && strings.IndexByte(" ;\"'?&{(,:\t", low[i-1]) < 0 {
				continue
			}
			if code && stringState(line)[i] == 0 {
				continue // code: dict(user=u, password=p)
			}
			j := skipSpace(low, i+len(k))
			if j >= len(low) || low[j] != '=' {
				continue
			}
			j = skipSpace(low, j+1)
			end := j
			for end < len(line) && strings.IndexByte("; \t\"'&)}`,", line[end]) < 0 {
				end++
			}
			pass := strings.TrimSuffix(line[j:end], "\\") // an escaped quote ends it: password=x\'
			if pass == "" || !passwordOK(pass) || defaultCredential(low, pass) {
				continue
			}
			emit(Match{Rule: RuleConnectionString, Line: lineNo, Column: j + 1, Secret: pass, Key: line[i : i+len(k)]})
		}
	}
}

// httpBasic finds "Basic <base64 of user:password>".
func httpBasic(line, low string, lineNo int, emit func(Match)) {
	for i := range occurrences(low, "basic ") {
		if i > 0 && isLetter(low[i-1]) {
			continue
		}
		j := skipSpace(line, i+6)
		end := j
		for end < len(line) && (isAlnum(line[end]) || line[end] == '+' || line[end] == '/' || line[end] == '=') {
			end++
		}
		tok := line[j:end]
		if len(tok) < 8 {
			continue
		}
		dec, err := base64.StdEncoding.DecodeString(tok)
		if err != nil {
			dec, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(tok, "="))
		}
		if err != nil || !printable(dec) {
			continue
		}
		user, pass, ok := strings.Cut(string(dec), ":")
		if !ok || user == "" || pass == "" || !basicPassword(pass) {
			continue
		}
		emit(Match{Rule: RuleHTTPBasic, Line: lineNo, Column: j + 1, Secret: tok, Key: "Authorization: Basic"})
	}
}

// basicPassword reports whether the password of an HTTP Basic value
// written out as a literal counts: the header is a working credential
// whatever the password (admin:admin, a phrase with spaces), unless the
// password is a reference or a placeholder (<password>, xxxx, ****).
func basicPassword(pass string) bool {
	p := strings.ReplaceAll(pass, " ", "")
	if p == "" || reference(p) || strings.Contains(p, "://") {
		return false
	}
	// password, secret, pass: a placeholder after a key, a password in
	// a header that works.
	return !placeholder(p) || credWords[strings.ToLower(p)]
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return len(b) > 0
}

// httpBearer finds "Bearer <token>" written as a literal.
func httpBearer(line, low string, lineNo int, emit func(Match)) {
	for i := range occurrences(low, "bearer ") {
		if i > 0 && isLetter(low[i-1]) {
			continue
		}
		j := skipSpace(line, i+7)
		end := j
		for end < len(line) && (isAlnum(line[end]) || strings.IndexByte("-._~+/=", line[end]) >= 0) {
			end++
		}
		tok := line[j:end]
		if len(tok) < 16 || basic(tok) != fine || identifier(tok) && wordish(tok) {
			continue // Bearer accessToken: a variable's name
		}
		if !strings.HasPrefix(tok, "eyJ") && !random(tok, false) {
			continue
		}
		emit(Match{Rule: RuleHTTPBearer, Line: lineNo, Column: j + 1, Secret: tok, Key: "Authorization: Bearer"})
	}
}

// curlUser finds curl's -u user:password and --user user:password.
func curlUser(line, low string, lineNo int, emit func(Match)) {
	if !strings.Contains(low, "curl") {
		return
	}
	for _, opt := range []string{"--user", "-u"} {
		for i := range occurrences(low, opt) {
			if i > 0 && low[i-1] != ' ' && low[i-1] != '\t' {
				continue
			}
			j := i + len(opt)
			if j < len(line) && (line[j] == ' ' || line[j] == '=') {
				j = skipSpace(line, j+1)
			} else if opt == "--user" {
				continue
			}
			v, col, _, ok := readValue(line, j, 0, false)
			if !ok {
				continue
			}
			user, pass, found := strings.Cut(v.text, ":")
			if !found || user == "" || pass == "" || reference(user) || strings.EqualFold(user, pass) || !passwordOK(pass) {
				continue
			}
			emit(Match{Rule: RuleCurlUserPassword, Line: lineNo, Column: col + len(user) + 1, Secret: pass, Key: "curl " + opt})
		}
	}
}

// mysqlPassword finds mysql's -pPASSWORD (no space: -p alone prompts).
func mysqlPassword(line string, lineNo int, emit func(Match)) {
	for i := range occurrences(line, " -p") {
		j := i + 3
		if j >= len(line) || line[j] == ' ' || line[j] == '-' {
			continue
		}
		v, col, _, ok := readValue(line, j, 0, false)
		if !ok || !passwordOK(v.text) || v.text == mysqlUser(line) {
			continue
		}
		emit(Match{Rule: RulePassword, Line: lineNo, Column: col, Secret: v.text, Key: "mysql -p"})
	}
}

// secureString finds ConvertTo-SecureString "literal" -AsPlainText.
func secureString(line, low string, lineNo int, emit func(Match)) {
	i := strings.Index(low, "convertto-securestring") + len("convertto-securestring")
	i = skipSpace(line, i)
	if strings.HasPrefix(low[i:], "-string") {
		i = skipSpace(line, i+len("-string"))
	}
	if i >= len(line) || !isQuote(line[i]) {
		return
	}
	v, col, _, ok := readValue(line, i, 0, false)
	if !ok || !passwordOK(v.text) {
		return
	}
	emit(Match{Rule: RulePassword, Line: lineNo, Column: col, Secret: v.text, Key: "ConvertTo-SecureString"})
}

// sqlPassword finds passwords in SQL: CREATE USER x IDENTIFIED BY 'pw',
// CREATE ROLE x PASSWORD 'pw', ALTER USER x WITH PASSWORD 'pw'.
func sqlPassword(line, low string, lineNo int, emit func(Match)) {
	for _, k := range []string{"identified by", "password"} {
		for i := range occurrences(low, k) {
			if i > 0 && isAlnum(low[i-1]) || k == "password" && !strings.Contains(low, "user") && !strings.Contains(low, "role") && !strings.Contains(low, "login") {
				continue
			}
			j := i + len(k)
			if j >= len(line) || line[j] != ' ' {
				continue
			}
			j = skipSpace(line, j)
			quoted := j < len(line) && (line[j] == '\'' || line[j] == '"')
			if j >= len(line) || !quoted && (k == "password" || !sqlStatement(low)) {
				continue
			}
			v, col, _, ok := readValue(line, j, 0, false)
			if !ok || !passwordOK(v.text) || strings.EqualFold(v.text, sqlUser(line, low)) {
				continue
			}
			emit(Match{Rule: RulePassword, Line: lineNo, Column: col, Secret: v.text, Key: "SQL " + strings.ToUpper(k), Context: "SQL statement"})
		}
	}
}

// sqlStatement reports whether a lower-cased line creates or changes a
// database user: "identified by" in prose is not SQL.
func sqlStatement(low string) bool {
	return strings.Contains(low, "create user") || strings.Contains(low, "alter user") ||
		strings.Contains(low, "grant ") || strings.Contains(low, "create role") || strings.Contains(low, "alter role")
}

// sqlUser returns the name a SQL statement creates or changes: CREATE USER
// name, ALTER ROLE 'name'@'host'.
func sqlUser(line, low string) string {
	for _, k := range []string{"user ", "role ", "login ", " to "} {
		if i := strings.Index(low, k); i >= 0 {
			rest := strings.TrimLeft(line[i+len(k):], " '\"`")
			end := strings.IndexAny(rest, " '\"`@;")
			if end < 0 {
				end = len(rest)
			}
			return rest[:end]
		}
	}
	return ""
}

// mysqlUser returns the value of mysql's -u option on a line.
func mysqlUser(line string) string {
	i := strings.Index(line, " -u")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(line[i+3:], " ")
	end := strings.IndexAny(rest, " '\"")
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// occurrences yields the offsets where sub occurs in s, left to right,
// without overlaps.
func occurrences(s, sub string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for from := 0; from <= len(s); {
			i := strings.Index(s[from:], sub)
			if i < 0 || !yield(from+i) {
				return
			}
			from += i + max(len(sub), 1)
		}
	}
}
