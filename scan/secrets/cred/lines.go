package cred

import (
	"strings"
)

// mode says how to read unquoted values on a line.
type mode int

const (
	modeCode   mode = iota // a programming language: an unquoted value is an expression
	modeConfig             // a configuration file: unquoted values are literals
	modeText               // prose and documentation, with snippets of either
	modeShell              // shell and Dockerfiles: unquoted words are literals, $X references
)

// pair is a key and the value written for it.
type pair struct {
	key  string
	val  value
	line int // 1-based
	col  int // 1-based byte column of the value, 0 when unknown
	// tag names the structure the pair came from (python assignment,
	// yaml mapping, ...), for messages.
	tag string
	// inString is set when the line reader found the key inside a string
	// literal: text that a parser of the file's language does not read.
	inString bool
}

// lineScanner reads key/value pairs off single lines: key = "value",
// key: value, "key": "value", key => 'value', setPassword("value"),
// ("password", "value"), --password value, <password>value</password>.
type lineScanner struct {
	m   mode
	low []byte // lower-cased line, reused
	// sawKey is set once a line names a credential key, with or without
	// a value beside it.
	sawKey bool
}

// triggers are the lower-case fragments a credential key contains.
var triggers = []string{"pass", "pwd", "pw", "secret", "token", "key", "auth", "cred", "senha", "mdp", "parola", "jwt", "bearer"}

// scan calls emit for every candidate pair on line.
func (ls *lineScanner) scan(line string, lineNo int, emit func(pair)) {
	ls.scanLower(line, ls.lower(line), lineNo, emit)
}

// scanLower is scan with the lower-cased line given.
func (ls *lineScanner) scanLower(line, low string, lineNo int, emit func(pair)) {
	var spans [][2]int
	for _, t := range triggers {
		from := 0
		for {
			i := strings.Index(low[from:], t)
			if i < 0 {
				break
			}
			i += from
			from = i + len(t)
			s, e := tokenBounds(line, i, i+len(t))
			if len(spans) > 0 && containsSpan(spans, s) {
				continue
			}
			spans = append(spans, [2]int{s, e})
		}
	}
	if len(spans) == 0 {
		return
	}
	inStr := stringState(line)
	for _, sp := range spans {
		ls.pairAt(line, lineNo, sp[0], sp[1], inStr, emit)
	}
}

func (ls *lineScanner) lower(line string) string {
	ls.low = ls.low[:0]
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		ls.low = append(ls.low, c)
	}
	return string(ls.low)
}

func containsSpan(spans [][2]int, s int) bool {
	for _, sp := range spans {
		if sp[0] == s {
			return true
		}
	}
	return false
}

// isKeyChar is a character of a key token.
func isKeyChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80
}

// tokenBounds widens [s, e) to the key token around it.
func tokenBounds(line string, s, e int) (int, int) {
	for s > 0 && isKeyChar(line[s-1]) {
		s--
	}
	for e < len(line) && isKeyChar(line[e]) {
		e++
	}
	return s, e
}

// stringState returns, for each byte of line, the quote that encloses it
// (0 outside strings), reading quotes the way most languages do.
func stringState(line string) []byte {
	st := make([]byte, len(line))
	var q byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case q != 0 && c == '\\':
			st[i] = q
			if i+1 < len(line) {
				st[i+1] = q
			}
			i++
			continue
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\'' || c == '`'):
			if c == '\'' && i > 0 && isAlnum(line[i-1]) && i+1 < len(line) && isAlnum(line[i+1]) {
				continue // an apostrophe: don't, it's
			}
			q = c
			st[i] = 0
			continue
		}
		st[i] = q
	}
	return st
}

// pairAt reads the pair whose key is line[s:e], if there is one.
func (ls *lineScanner) pairAt(line string, lineNo, s, e int, inStr []byte, emit func(pair)) {
	key := line[s:e]
	flag := false
	switch {
	case strings.HasPrefix(key, "--"):
		key, flag = key[2:], true
	case strings.HasPrefix(key, "-") && s > 0 && (line[s-1] == ' ' || line[s-1] == '\t'):
		key, flag = key[1:], true
	case s > 0 && line[s-1] == '/' && (s == 1 || line[s-2] == ' '):
		flag = true // Windows-style /password:value
	}
	key = strings.Trim(key, "-.")
	list := false
	if sing, ok := singular(key); ok {
		key, list = sing, true // tokens: ["a1f3fab6393d3a6a", ...]: each is a token
	}
	if key == "" || classify(key) == keyNone {
		return
	}
	if !flag && s > 0 && (line[s-1] == '/' || line[s-1] == ':' || line[s-1] == '=' || line[s-1] == '\\') {
		return // a path (/etc/passwd), a value (user:password, type=password)
	}
	ls.sawKey = true
	var keyQuote byte
	if s > 0 && e < len(line) && line[s-1] == line[e] && (line[e] == '"' || line[e] == '\'' || line[e] == '`') {
		keyQuote = line[e]
	}
	enclosing := inStr[s]
	opener := byte(0) // what opens the quoted key: ( { [ for tuples and indexes
	if keyQuote != 0 {
		b := s - 2
		for b >= 0 && (line[b] == ' ' || line[b] == '\t') {
			b--
		}
		if b >= 0 {
			opener = line[b]
			if opener == '=' || opener == ':' || (opener == '>' && b > 0 && line[b-1] == '=') {
				return // type="password": the quoted word is a value, not a key
			}
			// A pair opens a call, put("password", "x"), or an entry of
			// a collection initializer, { {"Password", "x"} }; not a
			// list: = {"password", "refresh_token"}.
			c := b - 1
			for c >= 0 && (line[c] == ' ' || line[c] == '\t') {
				c--
			}
			switch {
			case opener == '(' && c >= 0 && (isAlnum(line[c]) || line[c] == '_'):
			case opener == '{' && c >= 0 && (line[c] == '{' || line[c] == ','):
			default:
				if opener == '(' || opener == '{' {
					opener = 0
				}
			}
		}
		enclosing = 0 // the key is a string of its own: look at what follows it
		e++
	}
	if s > 0 && line[s-1] == '<' && e < len(line) && line[e] == '>' {
		// <password>value</password>
		end := strings.IndexByte(line[e+1:], '<')
		if end > 0 && strings.HasPrefix(line[e+1+end:], "</") {
			emit(pair{key: key, val: value{text: line[e+1 : e+1+end], quoted: true}, line: lineNo, col: e + 2, tag: "element"})
		}
		return
	}
	i := e
	if keyQuote != 0 && i < len(line) && line[i] == ']' {
		i++ // config['password'] = ...
	}
	i = skipSpace(line, i)
	if i >= len(line) {
		return
	}
	op := ""
	switch {
	case strings.HasPrefix(line[i:], "==="):
		op = "==="
	case strings.HasPrefix(line[i:], "=="):
		op = "=="
	case strings.HasPrefix(line[i:], ":="), strings.HasPrefix(line[i:], "=>"), strings.HasPrefix(line[i:], "->"):
		op = line[i : i+2]
	case strings.HasPrefix(line[i:], "::"):
		return
	case line[i] == '=' || line[i] == ':':
		if line[i] == ':' && i > e && (enclosing != 0 || ls.m == modeText) {
			return // "must pass :method": prose, not a key
		}
		op = line[i : i+1]
	case line[i] == '(' && i == e:
		switch strings.ToLower(key[strings.LastIndexByte(key, '.')+1:]) {
		case "pass", "pw", "key", "auth":
			return // t.pass("ok"), map.key("x"): methods, not setters
		}
		op = "("
	case line[i] == ',' && keyQuote != 0 && (opener == '(' || opener == '{'):
		op = ","
	case flag && i > e && (line[i] != '-' || i+1 < len(line) && line[i+1] != '-'):
		op = " "
	default:
		return
	}
	if op == "->" {
		return
	}
	i = skipSpace(line, i+len(op))
	if op == " " {
		i = e + 1
		i = skipSpace(line, i)
		if i < len(line) && line[i] >= 0x80 {
			return // --keypasswd 更改条目的密钥口令: a description
		}
	}
	if list {
		i = listStart(line, i, enclosing)
		if i < 0 {
			return
		}
	}
	v, col, end, ok := readValue(line, i, enclosing, op == "(" || list)
	if !ok {
		return
	}
	if list {
		end = len(line) // the list goes on: what follows its first element is more of it
	}
	if op == ":" && !v.quoted && enclosing == 0 && ls.m == modeCode {
		// name: Type = "value" (Kotlin, Scala, TypeScript, Swift)
		j := skipSpace(line, end)
		for j < len(line) && (line[j] == '?' || line[j] == '<' || line[j] == '>' || line[j] == '[' || line[j] == ']') {
			j++
		}
		j = skipSpace(line, j)
		if j < len(line) && line[j] == '=' && (j+1 >= len(line) || line[j+1] != '=') {
			v, col, end, ok = readValue(line, skipSpace(line, j+1), 0, false)
			if !ok {
				return
			}
		}
	}
	switch {
	case op == "(" || op == ",":
		// setPassword("x"), put("password", "x"): one value, then the call ends.
		j := skipSpace(line, end)
		if j < len(line) && line[j] != ')' && line[j] != '}' {
			return
		}
	case (!v.quoted || enclosing != 0) && !statementEnd(line, end) && !(op == " " && !wordy(v.text)):
		// password: the user's password, PASS: TestFoo (0.00s): prose or
		// code follows the word, which is not a value of its own.
		return
	}
	if enclosing != 0 && strings.IndexByte(v.text, enclosing) >= 0 {
		return
	}
	v.code = ls.m == modeCode && enclosing == 0
	v.prose = ls.m == modeText
	if v.code && inComment(line[:s]) {
		// A comment in code is text: // access_token=<value>&scope=repo,
		// -- Password: <value>.
		v.code, v.prose = false, true
	}
	inString := enclosing != 0
	tag := "assignment"
	switch op {
	case "(":
		tag = "argument"
	case ",":
		tag = "pair"
	case " ", "=":
		if flag {
			tag = "option"
		}
	case "==", "===":
		tag = "comparison"
	}
	emit(pair{key: key, val: v, line: lineNo, col: col, tag: tag, inString: inString})
}

// singular returns the credential key a plural key lists (tokens, api_keys,
// secrets), for a list literal's elements.
func singular(key string) (string, bool) {
	ws := words(key)
	if len(ws) == 0 {
		return "", false
	}
	switch ws[len(ws)-1] {
	case "tokens", "secrets", "passwords", "apikeys":
		return strings.TrimSuffix(key, key[len(key)-1:]), true
	}
	return "", false
}

// listStart returns where the first element of the list literal at
// line[i:] starts ([ "a", ...], []string{"a", ...}, ["a"]), or -1 when
// no list opens there. enclosing is the quote around it, if any.
func listStart(line string, i int, enclosing byte) int {
	if strings.HasPrefix(line[i:], "[]") {
		j := strings.IndexByte(line[i:], '{')
		if j < 0 {
			return -1
		}
		i += j
	}
	if i >= len(line) || (line[i] != '[' && line[i] != '{') {
		return -1
	}
	i = skipSpace(line, i+1)
	if enclosing != 0 && i+1 < len(line) && line[i] == '\\' && line[i+1] == enclosing {
		i++ // an escaped quote in a string: [\"a\", ...]
	}
	if i >= len(line) || !isQuote(line[i]) && !(enclosing != 0 && line[i] == enclosing) {
		return -1
	}
	return i
}

func skipSpace(line string, i int) int {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i
}

// wrappers open a value without changing it: new String("x"), Some("x").
var wrappers = []string{"new String(", "String(", "Some(", "str(", "string(", "SecretStr(", "SecretString(",
	"[]byte(", "bytes(", "Secret(", "Password(", "Optional.of(", "Optional(", "b(", "u(", "N_(", "_(", "gettext(",
	"encode(", "decode(", "base64.b64decode(", "Buffer.from("}

// readValue reads the value that starts at line[i]. enclosing is the quote
// of the string the key sits in, if any: the value then ends at it. call
// asks for a quoted first argument.
func readValue(line string, i int, enclosing byte, call bool) (value, int, int, bool) {
	for _, w := range wrappers {
		if strings.HasPrefix(line[i:], w) {
			i += len(w)
			if w == "_(" || w == "N_(" || w == "gettext(" {
				return value{}, 0, 0, false // a translated message
			}
			break
		}
	}
	if i >= len(line) {
		return value{}, 0, 0, false
	}
	// String prefixes: b"", r'', u"", f"", @"".
	if i+1 < len(line) && strings.IndexByte("bruBRU@", line[i]) >= 0 && isQuote(line[i+1]) && enclosing == 0 {
		i++
	}
	if i+1 < len(line) && (line[i] == 'f' || line[i] == 'F') && isQuote(line[i+1]) && enclosing == 0 {
		// An f-string: a value only without interpolation.
		i++
	}
	c := line[i]
	if isQuote(c) && c != enclosing {
		j := i + 1
		for j < len(line) && line[j] != c {
			if line[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(line) {
			return value{}, 0, 0, false // the string goes on past the line
		}
		text := line[i+1 : j]
		// "abc" + rest, "abc" % args: a part of a value.
		k := skipSpace(line, j+1)
		if k < len(line) && (line[k] == '+' || line[k] == '%') {
			return value{}, 0, 0, false
		}
		return value{text: text, quoted: true}, i + 2, j + 1, true
	}
	if call {
		return value{}, 0, 0, false
	}
	j := i
	for j < len(line) {
		d := line[j]
		if d == ' ' || d == '\t' || d == ',' || d == ';' || d == ')' || d == '}' || d == ']' || d == '&' ||
			d == '|' || d == '<' || d == '>' || (enclosing != 0 && d == enclosing) || (d == '\\' && enclosing != 0) {
			break
		}
		if isQuote(d) && enclosing == 0 {
			break
		}
		j++
	}
	text := line[i:j]
	if text == "" {
		return value{}, 0, 0, false
	}
	if j < len(line) && line[j] == '(' {
		return value{}, 0, 0, false // a call
	}
	return value{text: text, quoted: enclosing != 0}, i + 1, j, true
}

// statementEnd reports whether nothing but a comment, a separator, a line
// continuation or further options follows an unquoted value ending at i.
func statementEnd(line string, i int) bool {
	i = skipSpace(line, i)
	if i >= len(line) {
		return true
	}
	rest := line[i:]
	switch rest[0] {
	case '#', ';', ',', '}', ']', ')', '&', '|', '\\', '"', '\'', '`', '<':
		return true
	case '-':
		// more options: -e X=y -e Z=w, --a b --c d; not an arrow (->).
		return len(rest) > 1 && (isLetter(rest[1]) || rest[1] == '-')
	case '/':
		return strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "/*")
	}
	return false
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

func numeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
