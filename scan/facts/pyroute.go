package facts

// What a function body says about the route or dependency it implements:
// whether it writes stored data, checks a webhook signature, rejects a
// request with 401/403.

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pipeguard/pipeguard/scan/names"
)

// writeMethods are methods that write or delete stored data whatever
// object they are called on (pymongo, SQLAlchemy, ORMs).
var writeMethods = map[string]bool{
	"commit": true, "delete_one": true, "delete_many": true, "insert_one": true, "insert_many": true,
	"update_one": true, "update_many": true, "replace_one": true, "bulk_write": true, "bulk_save_objects": true,
	"bulk_insert_mappings": true, "bulk_update_mappings": true, "find_one_and_delete": true, "find_one_and_update": true,
}

// sessionWrites are methods that write only on a database session or
// connection (db.add(user), session.delete(item)): on a set or a cache
// they mean something else.
var sessionWrites = map[string]bool{"add": true, "add_all": true, "delete": true, "merge": true}

// writeFuncs are functions of the standard library that delete files.
var writeFuncs = map[string]bool{"os.remove": true, "os.unlink": true, "os.rmdir": true, "shutil.rmtree": true}

// writePrefixes start the names of helpers that write (crud.delete_item(db, id)).
var writePrefixes = []string{"delete_", "remove_", "update_", "insert_", "drop_", "purge_", "destroy_"}

// notWrites are names with a write prefix that do not write stored data.
var notWrites = map[string]bool{"delete_cookie": true, "update_wrapper": true, "update_forward_refs": true}

// handlerCall records what a call inside a function says about it.
func (a *fileAnalyzer) handlerCall(n *node, c *fctx, q, method, objDot string) {
	a.markQueryComparisons(n, method)
	if c.fn == nil {
		return
	}
	if a.isWriteCall(n, q, method, objDot) {
		c.fn.writeLines = append(c.fn.writeLines, n.line)
	}
	if a.isSignatureCheck(n, q, method) {
		c.fn.signature = true
	}
	if verifiesCredential(q, method) {
		c.fn.verifies = true
	}
	if objDot != "" && !strings.Contains(objDot, ".") && method != "" {
		if c.fn.paramCalls == nil {
			c.fn.paramCalls = map[string][]string{}
		}
		if len(c.fn.paramCalls[objDot]) < 16 {
			c.fn.paramCalls[objDot] = append(c.fn.paramCalls[objDot], method)
		}
	}
	if bodyValidators[method] || q == "jsonschema.validate" {
		c.fn.validatesBody = true
	}
}

// bodyValidators validate data against a schema: pydantic's model and
// type adapters, and jsonschema.
var bodyValidators = map[string]bool{"model_validate": true, "model_validate_json": true, "parse_obj": true, "parse_raw": true,
	"parse_obj_as": true, "validate_python": true, "validate_json": true, "model_validate_strings": true}

// verifyRe names the helpers that verify a credential and fail on a bad
// one: verify_token, authenticate_user, decode_jwt, validate_api_key,
// firebase's verify_id_token.
var verifyRe = regexp.MustCompile(`(?i)verify|authenticate|(decode|validate|check|parse)_?(jwt|token|api_?key|credentials?|session)|(jwt|token|api_?key|credentials?)_?(decode|validate|check|verify)`)

// verifyWords are words one of which every match of verifyRe holds, for an
// ASCII name (case folding takes non-ASCII letters to ASCII ones: ſ is s).
var verifyWords = []string{"verify", "authenticate", "jwt", "token", "api", "credential", "session"}

// verifiesCredential: jwt.decode and helpers named for verification.
func verifiesCredential(q, method string) bool {
	return q == "jwt.decode" || strings.HasSuffix(q, ".jwt.decode") || mayVerify(method) && verifyRe.MatchString(method)
}

// mayVerify is false when method cannot match verifyRe: a test without the
// regular expression, which is slow for the many names that are no match.
func mayVerify(method string) bool {
	var buf [64]byte
	if len(method) > len(buf) {
		return true
	}
	lower := buf[:len(method)]
	for i := 0; i < len(method); i++ {
		c := method[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, w := range verifyWords {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

// authDecorator: a decorator named for authentication (@login_required,
// @auth_required, @jwt_required, @require_role("admin"), @admin_only,
// @authenticated).
func authDecorator(name string) bool {
	switch strings.ToLower(name) {
	case "authenticated", "authorized", "authorize", "protected", "secured", "login_required":
		return true
	}
	subject, must := false, false
	for _, w := range names.Python.Words(name) {
		switch w {
		case "auth", "login", "jwt", "token", "permission", "permissions", "role", "roles", "admin", "scope", "scopes", "authenticated", "authorized", "user":
			subject = true
		case "required", "require", "requires", "only", "needed":
			must = true
		}
	}
	return subject && must
}

func (a *fileAnalyzer) isWriteCall(n *node, q, method, objDot string) bool {
	switch {
	case notWrites[method]:
		return false
	case writeMethods[method], writeFuncs[q]:
		return true
	case sessionWrites[method]:
		return isSessionName(lastSeg(objDot))
	case method == "execute" || method == "exec_driver_sql":
		return a.writesSQL(n)
	}
	for _, p := range writePrefixes {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

// isSessionName: db, session, conn, async_session, db_session...
func isSessionName(s string) bool {
	l := strings.ToLower(s)
	switch l {
	case "db", "conn", "connection", "cursor", "cur", "tx", "transaction", "database":
		return true
	}
	return strings.Contains(l, "session") || strings.HasSuffix(l, "_db") || strings.HasPrefix(l, "db_")
}

// writesSQL: execute("DELETE ..."), execute(text("UPDATE ...")).
func (a *fileAnalyzer) writesSQL(n *node) bool {
	args := n.child("arguments")
	if args == nil {
		return false
	}
	first := unparen(args.firstNamed(""))
	if first != nil && first.kind == "call" {
		if in := first.child("arguments"); in != nil {
			first = unparen(in.firstNamed(""))
		}
	}
	s, _, ok := stringLit(first, a.src)
	if !ok {
		return false
	}
	w, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), " ")
	switch w {
	case "DELETE", "INSERT", "UPDATE", "DROP", "TRUNCATE", "ALTER", "REPLACE", "MERGE":
		return true
	}
	return false
}

// isSignatureCheck: hmac, a helper named for signatures or webhook
// verification (check_stripe_signature, verify_paypal_webhook,
// stripe.Webhook.construct_event), or reading a *Signature header.
func (a *fileAnalyzer) isSignatureCheck(n *node, q, method string) bool {
	l := strings.ToLower(method)
	switch {
	case strings.HasPrefix(q, "hmac."), strings.Contains(l, "signature"), l == "construct_event",
		strings.Contains(l, "verify") && strings.Contains(l, "webhook"):
		return true
	}
	args := n.child("arguments")
	if args == nil {
		return false
	}
	for _, x := range args.namedChildren() {
		if s, _, ok := stringLit(x, a.src); ok && len(s) < 60 && strings.Contains(strings.ToLower(s), "signature") {
			return true
		}
	}
	return false
}

// returned builds a returned value; a conditional expression (`a if cond
// else b`) becomes kind "conditional" with items body, condition,
// alternative, so that a dependency factory's choice can be followed.
func (a *fileAnalyzer) returned(v *node) *expr {
	e := a.b.build(v)
	if v.kind == "conditional_expression" && len(e.items) == 3 {
		e.kind = "conditional"
	}
	return e
}

// queryMethods build SQL expressions from their arguments: a comparison
// inside is a database lookup (User.token == token), not a string compare.
var queryMethods = map[string]bool{
	"where": true, "filter": true, "filter_by": true, "having": true, "and_": true, "or_": true, "not_": true,
	"join": true, "outerjoin": true, "on": true, "exclude": true, "get_or_none": true, "find_one": true, "find": true,
	"select": true, "update": true, "delete": true, "count": true, "exists": true,
}

// markFilterComparisons marks the comparisons in a comprehension's if
// clauses as handled: [t for t in tokens if t != access_token] filters a
// list (removing the token being revoked), it decides nothing about the
// caller.
func (a *fileAnalyzer) markFilterComparisons(n *node) {
	for _, ch := range n.children {
		if ch.kind != "if_clause" {
			continue
		}
		ch.walk(func(x *node) bool {
			if x.kind == "comparison_operator" {
				a.handled[x] = true
			}
			return x.kind != "lambda"
		})
	}
}

// markQueryComparisons marks the comparisons in a query call's arguments
// as handled, so that doCompare leaves them alone.
func (a *fileAnalyzer) markQueryComparisons(n *node, method string) {
	if !queryMethods[method] {
		return
	}
	if args := n.child("arguments"); args != nil {
		args.walk(func(x *node) bool {
			if x.kind == "comparison_operator" {
				a.handled[x] = true
			}
			return x.kind != "lambda"
		})
	}
}

// credentialCheckContext reports whether comparisons in this function can
// check credentials: not in __eq__ and other dunder methods, not in a
// pydantic validator (which checks the client's own input), not in a test
// double (FakeHasher.verify).
func credentialCheckContext(c *fctx) bool {
	if c.fn == nil {
		return true
	}
	if strings.HasPrefix(c.fn.name, "__") && strings.HasSuffix(c.fn.name, "__") || c.fn.validator {
		return false
	}
	for _, name := range []string{c.fn.class, c.fn.name} {
		for _, p := range []string{"Fake", "Mock", "Dummy", "Stub", "fake_", "mock_", "dummy_", "stub_"} {
			if strings.HasPrefix(name, p) {
				return false
			}
		}
	}
	return true
}

// confirmWords name a field that repeats another for confirmation.
var confirmWords = map[string]bool{"repeat": true, "repeated": true, "confirm": true, "confirmation": true, "confirmed": true,
	"again": true, "retype": true, "retyped": true, "verify": true, "check": true}

// descriptorWords end names that describe a credential rather than hold
// one: token_endpoint_auth_method, auth_type, token_status.
var descriptorWords = map[string]bool{"method": true, "methods": true, "status": true, "state": true, "strategy": true,
	"flow": true, "grant": true, "usage": true, "use": true, "scope": true, "scopes": true, "audience": true, "issuer": true,
	"claim": true, "claims": true, "kind": true, "type": true, "mode": true, "provider": true, "source": true, "backend": true}

// sentinelWords are values that mark a state, not secrets: "unknown",
// "none", "disabled"...
var sentinelWords = map[string]bool{"unknown": true, "none": true, "null": true, "nil": true, "undefined": true, "empty": true,
	"default": true, "anonymous": true, "n/a": true, "na": true, "true": true, "false": true, "yes": true, "no": true,
	"disabled": true, "enabled": true, "redacted": true, "hidden": true, "masked": true, "missing": true, "invalid": true,
	"expired": true, "revoked": true, "active": true, "inactive": true, "pending": true, "public": true, "private": true}

// notCredentialCheck reports comparisons that mention a credential but do
// not check one against a secret: a confirmation field (password vs
// password_repeat, both fields of the client's request), the new password
// against the old one, a sentinel word ("LDAP", "unknown"), a name that
// describes a credential (auth_method), a setting compared with its
// placeholder default (a start-up check), and a read-back of a value just
// stored.
func (a *fileAnalyzer) notCredentialCheck(l, r *node, c *fctx) bool {
	switch {
	case a.confirmation(l, r), a.sentinel(l) || a.sentinel(r), a.describes(l) || a.describes(r),
		a.placeholderConfig(l, r, c) || a.placeholderConfig(r, l, c), a.readBack(l, r, c) || a.readBack(r, l, c),
		a.lookedUpBy(l, r, c) || a.lookedUpBy(r, l, c),
		a.column(l) || a.column(r), a.standIn(l) || a.standIn(r), a.versions(l, r):
		return true
	}
	return false
}

// standInWords name a value that stands in for a credential: a
// placeholder, a mask shown instead of it, a field's default.
var standInWords = map[string]bool{"placeholder": true, "mask": true, "masked": true, "redacted": true, "sentinel": true,
	"dummy": true, "fake": true, "unset": true}

// standIn: a side that is a placeholder, mask or default rather than a
// secret (key == CUSTOM_LLM_API_KEY_MASK, secret_key == PLACEHOLDER_SECRET_KEY,
// key == type(settings).model_fields["SECRET_KEY"].default): the
// comparison asks whether a value was set, it checks no credential.
func (a *fileAnalyzer) standIn(n *node) bool {
	n = unparen(n)
	if n == nil || a.isStringLit(n) {
		return false
	}
	if n.kind == "attribute" && n.child("attribute").text(a.src) == "default" {
		return true
	}
	name := a.sideName(n)
	if name == "" || strings.ToUpper(lastSeg(name)) != lastSeg(name) {
		return false // only constants: a variable named default_token may hold the real one
	}
	for _, w := range names.Python.Words(lastSeg(name)) {
		if standInWords[w] {
			return true
		}
	}
	return false
}

// versionWords mark one version of a value against another: a token
// refreshed against the stored one, a key normalised against the raw
// input, the old project's key against the new one's.
var versionWords = map[string]bool{"new": true, "old": true, "previous": true, "prev": true, "updated": true,
	"refreshed": true, "rotated": true, "normalized": true, "normalised": true, "unquoted": true, "raw": true, "stripped": true,
	"trimmed": true, "cleaned": true, "no": true, "whitespace": true}

// versions: the two sides hold the same credential (same field name once
// version words are left out), and a version word tells them apart:
// change detection or normalisation, not a check against a secret.
func (a *fileAnalyzer) versions(l, r *node) bool {
	ln, rn := a.sideName(l), a.sideName(r)
	if ln == "" || rn == "" {
		return false
	}
	base := func(name string) (string, bool) {
		var keep []string
		marked := false
		for _, w := range names.Python.Words(name) {
			if versionWords[w] {
				marked = true
				continue
			}
			keep = append(keep, w)
		}
		return strings.Join(keep, "_"), marked
	}
	lb, lm := base(lastSeg(ln))
	rb, rm := base(lastSeg(rn))
	_, lom := base(strings.TrimSuffix(ln, lastSeg(ln)))
	_, rom := base(strings.TrimSuffix(rn, lastSeg(rn)))
	return lb != "" && lb == rb && (lm || rm || lom || rom)
}

// column: a model class attribute (User.hashed_password == digest), an
// ORM column expression, not a value.
func (a *fileAnalyzer) column(n *node) bool {
	d := dotted(unparen(n), a.src)
	first, rest, ok := strings.Cut(d, ".")
	return ok && rest != "" && len(first) > 1 && first[0] >= 'A' && first[0] <= 'Z' && strings.ToUpper(first) != first
}

// sideName is a comparison side as a dotted name, subscripts and get()
// with a literal key read as attributes: data["password"] -> data.password.
func (a *fileAnalyzer) sideName(n *node) string {
	n = unparen(n)
	if n == nil {
		return ""
	}
	switch n.kind {
	case "identifier", "attribute":
		return dotted(n, a.src)
	case "subscript":
		if subs := n.childrenField("subscript"); len(subs) == 1 {
			if k, _, ok := stringLit(subs[0], a.src); ok && names.IdentLike(k) {
				return joinDot(a.sideName(n.child("value")), k)
			}
		}
	case "call":
		fn := n.child("function")
		if fn != nil && fn.kind == "attribute" && fn.child("attribute").text(a.src) == "get" {
			if args := n.child("arguments"); args != nil {
				if k, _, ok := stringLit(args.firstNamed(""), a.src); ok && names.IdentLike(k) {
					return joinDot(a.sideName(fn.child("object")), k)
				}
			}
		}
	}
	return ""
}

// confirmation: two fields of one object (data.password vs
// data.password_repeat, body.current_password vs body.new_password), a
// field named for confirmation, or new against old.
func (a *fileAnalyzer) confirmation(l, r *node) bool {
	ln, rn := a.sideName(l), a.sideName(r)
	if ln == "" || rn == "" {
		return false
	}
	lf, rf := lastSeg(ln), lastSeg(rn)
	lw, rw := names.Python.Words(lf), names.Python.Words(rf)
	for _, w := range append(append([]string{}, lw...), rw...) {
		if confirmWords[w] {
			return true
		}
	}
	if lo, ro := strings.TrimSuffix(ln, "."+lf), strings.TrimSuffix(rn, "."+rf); lo != ln && lo == ro {
		return true // two fields of one object
	}
	if hasWord(lw, "new") && (hasWord(rw, "old") || hasWord(rw, "current")) || hasWord(rw, "new") && (hasWord(lw, "old") || hasWord(lw, "current")) {
		return true
	}
	// password1 != password2
	return lf != rf && strings.TrimRight(lf, "0123456789") == strings.TrimRight(rf, "0123456789")
}

func hasWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

func (a *fileAnalyzer) sentinel(n *node) bool {
	s, _, ok := stringLit(unparen(n), a.src)
	if !ok {
		return false
	}
	t := strings.TrimSpace(s)
	if sentinelWords[strings.ToLower(t)] {
		return true
	}
	// An upper-case word: "LDAP", "OIDC", "SSO".
	return len(t) >= 2 && len(t) <= 12 && strings.ToUpper(t) == t && !strings.ContainsFunc(t, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r == '_')
	})
}

// describes: the side names an attribute of a credential, not its value
// (token_endpoint_auth_method, auth_type).
func (a *fileAnalyzer) describes(n *node) bool {
	name := a.sideName(n)
	if name == "" {
		return false
	}
	w := names.Python.Words(lastSeg(name))
	return len(w) > 0 && descriptorWords[w[len(w)-1]]
}

// placeholderConfig: a setting compared with a literal
// (settings.SECRET_KEY == "changeme", CONFIG.redis.password ==
// "testpassword", jwt_secret == "jwtsecret" after jwt_secret =
// os.environ.get(...)): a check of the configuration, which no client
// sends.
func (a *fileAnalyzer) placeholderConfig(lit, other *node, c *fctx) bool {
	if _, _, ok := stringLit(unparen(lit), a.src); !ok {
		return false
	}
	name := a.sideName(other)
	if name == "" {
		return false
	}
	last := lastSeg(name)
	first, _, _ := strings.Cut(name, ".")
	switch strings.ToLower(first) {
	case "settings", "config", "cfg", "conf", "app_config", "env", "environ", "os", "self":
		return first != "self" || strings.ToUpper(last) == last
	}
	if first == name && c.fn != nil {
		// A local read from the environment or configuration.
		for _, rs := range c.fn.localAssigns[name] {
			if v := unparen(rs); v != nil && v.kind == "call" && configRead(dotted(v.child("function"), a.src)) {
				return true
			}
		}
	}
	return strings.ToUpper(last) == last && strings.ContainsFunc(last, func(r rune) bool { return r >= 'A' && r <= 'Z' })
}

// configRead: a call that reads configuration (os.environ.get,
// os.getenv, config("KEY"), settings.get).
func configRead(callee string) bool {
	switch callee {
	case "os.getenv", "os.environ.get", "getenv", "config", "env", "decouple.config":
		return true
	}
	m := lastSeg(callee)
	return (m == "get" || m == "getenv") && configReceiver(strings.TrimSuffix(callee, "."+m))
}

// readBack: obj.password compared with a value passed to the call that
// produced obj (new_user = update_password(id, password_hash); then
// new_user.password != password_hash), checking what was just stored.
func (a *fileAnalyzer) readBack(attr, val *node, c *fctx) bool {
	attr, val = unparen(attr), unparen(val)
	if c.fn == nil || attr == nil || val == nil || attr.kind != "attribute" || val.kind != "identifier" {
		return false
	}
	obj := unparen(attr.child("object"))
	if obj == nil || obj.kind != "identifier" {
		return false
	}
	rs := c.fn.localAssigns[obj.text(a.src)]
	if len(rs) == 0 {
		return false
	}
	call := unparen(rs[len(rs)-1])
	if call != nil && call.kind == "await" {
		call = unparen(call.firstNamed(""))
	}
	if call == nil || call.kind != "call" {
		return false
	}
	name := val.text(a.src)
	found := false
	if args := call.child("arguments"); args != nil {
		args.walk(func(x *node) bool {
			if x.kind == "identifier" && x.text(a.src) == name {
				found = true
			}
			return !found
		})
	}
	return found
}

// lookedUpBy: row.field compared with the value the row was just fetched
// by, that field equal to it (token = db.query(TokenLogin).filter_by(token=schema.token).first();
// then token.token != schema.token): the comparison repeats the query's
// match, the database did the check. A lookup by part of the value
// (token[:8]) or by another field leaves the comparison a check.
func (a *fileAnalyzer) lookedUpBy(attr, val *node, c *fctx) bool {
	attr, val = unparen(attr), unparen(val)
	if c.fn == nil || attr == nil || val == nil || attr.kind != "attribute" {
		return false
	}
	obj, want := unparen(attr.child("object")), dotted(val, a.src)
	if obj == nil || obj.kind != "identifier" || want == "" {
		return false
	}
	rs := c.fn.localAssigns[obj.text(a.src)]
	if len(rs) == 0 {
		return false
	}
	field := attr.child("attribute").text(a.src)
	found := false
	rs[len(rs)-1].walk(func(x *node) bool {
		switch {
		case found || x.kind == "lambda":
			return false
		case x.kind == "keyword_argument":
			found = x.child("name").text(a.src) == field && dotted(x.child("value"), a.src) == want
		case x.kind == "comparison_operator":
			ops := x.namedChildren()
			found = len(ops) == 2 && (a.columnOf(ops[0], field) && dotted(ops[1], a.src) == want ||
				a.columnOf(ops[1], field) && dotted(ops[0], a.src) == want)
		}
		return !found
	})
	return found
}

// columnOf: Model.field, a column of that name.
func (a *fileAnalyzer) columnOf(n *node, field string) bool {
	return a.column(n) && lastSeg(dotted(n, a.src)) == field
}

// withType returns types with name bound to t (copied).
func withType(types map[string]string, name, t string) map[string]string {
	out := make(map[string]string, len(types)+1)
	for k, v := range types {
		out[k] = v
	}
	out[name] = t
	return out
}

// exceptTypes is the exception classes an except clause catches, as
// written ("" for a bare except).
func (a *fileAnalyzer) exceptTypes(n *node) string {
	for _, ch := range n.children {
		if !ch.named || ch.field == "alias" || ch.kind == "block" || ch.kind == "identifier" && ch == n.child("alias") {
			continue
		}
		if ch.kind == "as_pattern" {
			ch = ch.firstNamed("")
		}
		if ch != nil {
			return ch.text(a.src)
		}
	}
	return ""
}

// handledType is the exception class an @app.exception_handler(X)
// decorator registers.
func (a *fileAnalyzer) handledType(call *node) string {
	if args := call.child("arguments"); args != nil {
		if x := args.firstNamed(""); x != nil {
			return x.text(a.src)
		}
	}
	return ""
}

// splitTypes splits "(ValueError, KeyError)" into class names.
func splitTypes(t string) []string {
	t = strings.Trim(strings.TrimSpace(t), "()")
	var out []string
	for _, x := range strings.Split(t, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// httpStatusNames are HTTPStatus/status constant names and their codes.
var httpStatusNames = map[string]int{
	"BAD_REQUEST": 400, "UNAUTHORIZED": 401, "PAYMENT_REQUIRED": 402, "FORBIDDEN": 403, "NOT_FOUND": 404,
	"METHOD_NOT_ALLOWED": 405, "NOT_ACCEPTABLE": 406, "REQUEST_TIMEOUT": 408, "CONFLICT": 409, "GONE": 410,
	"PRECONDITION_FAILED": 412, "REQUEST_ENTITY_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415,
	"UNPROCESSABLE_ENTITY": 422, "UNPROCESSABLE_CONTENT": 422, "LOCKED": 423, "TOO_MANY_REQUESTS": 429,
	"INTERNAL_SERVER_ERROR": 500, "NOT_IMPLEMENTED": 501, "BAD_GATEWAY": 502, "SERVICE_UNAVAILABLE": 503,
	"GATEWAY_TIMEOUT": 504,
}

var statusCodeRe = regexp.MustCompile(`(?:^|_)([1-5][0-9][0-9])(?:_|$)`)

// httpStatus reads a status code: 400, status.HTTP_400_BAD_REQUEST,
// HTTPStatus.BAD_REQUEST. 0 when unknown.
func httpStatus(e *expr) int {
	if e == nil {
		return 0
	}
	if v, ok := e.lit.(int64); ok {
		return int(v)
	}
	name := lastSeg(e.dot)
	if m := statusCodeRe.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return httpStatusNames[name]
}

// sinkStatus is the status of an HTTPException or a response: its
// status_code argument (the first positional one of an exception, the
// second of a response); a response without one answers 200.
func sinkStatus(call *expr, sink string) int {
	switch sink {
	case "http_exception":
		return httpStatus(call.arg(0, "status_code"))
	case "response":
		if st := call.arg(1, "status_code"); st != nil {
			return httpStatus(st)
		}
		return 200
	}
	return 0
}

// span is the first and last line of a statement.
type span struct{ start, end int }

// simpleStatements are the statements without a body: a finding inside
// one ends where the statement ends.
var simpleStatements = map[string]bool{
	"expression_statement": true, "return_statement": true, "raise_statement": true, "assert_statement": true,
	"delete_statement": true, "decorator": true,
}

// statementSpans lists the simple statements of a tree that span more
// than one line.
func statementSpans(root *node, src []byte) []span {
	var out []span
	root.walk(func(n *node) bool {
		if simpleStatements[n.kind] {
			if end := n.line + bytes.Count(src[n.start:n.end], []byte("\n")); end > n.line {
				out = append(out, span{n.line, end})
			}
			return false
		}
		return true
	})
	return out
}

// endOf is the last line of the innermost simple statement holding line,
// or line itself: where a finding's range ends, so that a review comment
// covers the whole call.
func (f *pyFile) endOf(line int) int {
	best := span{0, line}
	for _, s := range f.stmts {
		if s.start <= line && line <= s.end && (best.start == 0 || s.end-s.start < best.end-best.start) {
			best = s
		}
	}
	return best.end
}

// credentialTransforms keep a credential what it is: a read of it
// (data.get("password")), an encoding, a digest of it.
var credentialTransforms = regexp.MustCompile(`^(get|getattr|pop|encode|decode|strip|rstrip|lstrip|lower|upper|casefold|hexdigest|digest|hash|str|bytes|new|b64encode|b64decode|urlsafe_b64encode|urlsafe_b64decode|sha1|sha224|sha256|sha384|sha512|md5|blake2b|blake2s|hmac|get_secret_value)$`)

// credInCall says whether a call's result is a credential: the call reads,
// encodes or digests one (token.strip(), hashlib.sha256(key).hexdigest(),
// headers.get("X-API-Key")). Other calls merely take a credential
// (strength(password), len(token)): their result is something else.
func (a *fileAnalyzer) credInCall(n *node) bool {
	fn := unparen(n.child("function"))
	if fn == nil {
		return false
	}
	name := fn.text(a.src)
	if fn.kind == "attribute" {
		name = fn.child("attribute").text(a.src)
	}
	if !credentialTransforms.MatchString(name) {
		return false
	}
	if fn.kind == "attribute" && name != "get" && name != "pop" && a.credIn(fn.child("object")) {
		return true // token.strip(): the receiver is the credential
	}
	if args := n.child("arguments"); args != nil {
		for _, x := range args.namedChildren() {
			if a.credIn(x) {
				return true
			}
		}
	}
	return fn.kind == "attribute" && (name == "get" || name == "pop") && a.credIn(fn.child("object"))
}

// configCondRe finds a configuration switch in a condition: a settings or
// config object, the environment, a flag named enabled/disabled/required,
// the optional flag of a dependency factory (if optional: return None)
// and a scheme's auto_error.
var configCondRe = regexp.MustCompile(`(?i)(?:\b|_)(settings|config|conf|cfg|environ|getenv|optional|auto_error)(?:\b|_)|enabled|disabled|require_login|login_required|auth_required|is_auth|debug|testing|allow_anonymous`)

// configCond reports whether an if condition tests configuration rather
// than a request's credentials: if not settings.AUTH_ENABLED, if not
// require_login().
func (a *fileAnalyzer) configCond(n *node) bool {
	n = unparen(n)
	if n == nil {
		return false
	}
	if n.kind == "not_operator" {
		n = unparen(n.child("argument"))
	}
	if n == nil || (n.kind != "identifier" && n.kind != "attribute" && n.kind != "call") {
		return false
	}
	return configCondRe.MatchString(n.text(a.src))
}

// markConfigReturns marks the returns of a block (not those of nested
// functions) as guarded by a configuration switch.
func (a *fileAnalyzer) markConfigReturns(body *node) {
	body.walk(func(x *node) bool {
		switch x.kind {
		case "function_definition", "class_definition", "lambda":
			return false
		case "return_statement":
			a.configReturn[x] = true
		}
		return true
	})
}
