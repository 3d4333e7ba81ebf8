package facts

import (
	"regexp"
	"strings"
)

// What an if statement's condition tells the code of its branches:
//
//   - isinstance(e, X) narrows the caught exception e to X in the body, so
//     `except Exception as e: if isinstance(e, NotFound): raise
//     HTTPException(404, str(e))` sends NotFound's text, not any error's;
//   - a test of the debug or test mode (`if settings.DEBUG:`, `if
//     settings.MODE == "testing":`, `else` of `if ENV == "production":`)
//     makes a branch run only in development, where sending the error's
//     text or traceback is the point; production gets the other branch.

// visitIf walks an if statement whose branches the condition narrows. It
// reports false, having walked nothing, when no condition narrows anything.
func (a *fileAnalyzer) visitIf(n *node, c *fctx) bool {
	if c.fn == nil {
		return false
	}
	cond := n.child("condition")
	type branch struct {
		body *node
		ctx  *fctx
	}
	var branches []branch
	changed := false
	add := func(body *node, nc *fctx) {
		if nc != c {
			changed = true
		}
		branches = append(branches, branch{body, nc})
	}
	add(n.child("consequence"), a.narrow(c, cond, true))
	elifs := false
	for _, alt := range n.childrenField("alternative") {
		switch alt.kind {
		case "elif_clause":
			elifs = true
			add(alt.child("consequence"), a.narrow(c, alt.child("condition"), true))
		case "else_clause":
			nc := c
			if !elifs {
				nc = a.narrow(c, cond, false)
			}
			add(alt.child("body"), nc)
		}
	}
	if !changed {
		return false
	}
	inBranch := map[*node]*fctx{}
	for _, b := range branches {
		if b.body != nil {
			inBranch[b.body] = b.ctx
		}
	}
	var walk func(x *node)
	walk = func(x *node) {
		for _, ch := range x.children {
			if nc, ok := inBranch[ch]; ok {
				a.visit(ch, nc)
				continue
			}
			if ch.kind == "elif_clause" || ch.kind == "else_clause" {
				walk(ch)
				continue
			}
			a.visit(ch, c)
		}
	}
	walk(n)
	return true
}

// narrow is the context of the branch taken when cond is holds (or, with
// holds false, when it does not): c itself when the condition says
// nothing the analysis uses.
func (a *fileAnalyzer) narrow(c *fctx, cond *node, holds bool) *fctx {
	cond = unparen(cond)
	if cond == nil {
		return c
	}
	nc := c
	if holds {
		if name, types, ok := a.isinstanceOf(cond, c); ok {
			cp := *c
			cp.excTypes = withType(c.excTypes, name, types)
			nc = &cp
		}
	}
	if !c.devOnly {
		if dev, ok := a.devCondition(cond); ok && dev == holds {
			cp := *nc
			cp.devOnly = true
			nc = &cp
		}
	}
	return nc
}

// isinstanceOf matches isinstance(e, X) or isinstance(e, (X, Y)) on a
// caught exception e, and gives the classes as written.
func (a *fileAnalyzer) isinstanceOf(cond *node, c *fctx) (name, types string, ok bool) {
	if cond.kind != "call" || dotted(cond.child("function"), a.src) != "isinstance" {
		return "", "", false
	}
	args := cond.child("arguments")
	if args == nil {
		return "", "", false
	}
	xs := args.namedChildren()
	if len(xs) != 2 {
		return "", "", false
	}
	v := unparen(xs[0])
	if v == nil || v.kind != "identifier" || !c.excVars[v.text(a.src)] {
		return "", "", false
	}
	t := unparen(xs[1])
	var parts []string
	if t != nil && t.kind == "tuple" {
		for _, it := range t.namedChildren() {
			if d := dotted(it, a.src); d != "" {
				parts = append(parts, d)
			} else {
				return "", "", false
			}
		}
	} else if d := dotted(t, a.src); d != "" {
		parts = append(parts, d)
	}
	if len(parts) == 0 {
		return "", "", false
	}
	return v.text(a.src), strings.Join(parts, ", "), true
}

var (
	// devFlagRe is the last part of a name that is true only in
	// development or tests: settings.DEBUG, app.debug, config.is_dev.
	devFlagRe = regexp.MustCompile(`(?i)^(?:is_|in_)?(?:debug|dev|develop|development|local|test|testing)(?:_mode|_env)?$`)
	// modeNameRe is the last part of a name that holds the deployment
	// mode: settings.ENVIRONMENT, settings.MODE, APP_ENV.
	modeNameRe = regexp.MustCompile(`(?i)^(?:[a-z]+_)?(?:env|environment|mode|stage|run_mode|deploy_env|deployment)$`)
	devModeRe  = regexp.MustCompile(`(?i)^(?:dev|develop|development|local|localhost|debug|test|testing|tests)$`)
	prodModeRe = regexp.MustCompile(`(?i)^(?:prod|production|live|release)$`)
)

// devCondition reports whether cond tests the development (or test) mode,
// and whether it holds there (dev true: the branch taken when cond holds
// runs only in development; dev false: the other one does).
func (a *fileAnalyzer) devCondition(cond *node) (dev, ok bool) {
	cond = unparen(cond)
	if cond == nil {
		return false, false
	}
	switch cond.kind {
	case "not_operator":
		d, ok := a.devCondition(cond.child("argument"))
		return !d, ok
	case "boolean_operator":
		// A and B holds only where both do: a development test in either
		// makes the branch development-only. Or says nothing of the kind.
		if op := cond.child("operator"); op == nil || op.text(a.src) != "and" {
			return false, false
		}
		for _, side := range []*node{cond.child("left"), cond.child("right")} {
			if d, ok := a.devCondition(side); ok && d {
				return true, true
			}
		}
		return false, false
	case "identifier", "attribute", "subscript":
		return true, devFlagRe.MatchString(a.nameRead(cond))
	case "call":
		// settings.is_development(), app.debug_mode()
		if args := cond.child("arguments"); args != nil && len(args.namedChildren()) == 0 {
			return true, devFlagRe.MatchString(lastSeg(dotted(cond.child("function"), a.src)))
		}
		// getattr(settings, "DEBUG", False), os.getenv("DEBUG")
		if name := a.nameRead(cond); name != "" {
			return true, devFlagRe.MatchString(name)
		}
	case "comparison_operator":
		return a.modeComparison(cond)
	}
	return false, false
}

// modeComparison reads MODE == "dev", ENV != "production", ENV in
// ("local", "test") and their mirrors.
func (a *fileAnalyzer) modeComparison(cond *node) (dev, ok bool) {
	xs, ops := a.comparisonParts(cond)
	if len(xs) != 2 || len(ops) == 0 {
		return false, false
	}
	op := strings.Join(ops, " ")
	mode, val := xs[0], xs[1]
	if !a.modeName(mode) {
		mode, val = val, mode
	}
	if !a.modeName(mode) {
		return false, false
	}
	kind := a.modeValues(val)
	if kind == "" {
		return false, false
	}
	switch op {
	case "==", "in", "is":
		return kind == "dev", true
	case "!=", "not in", "is not":
		return kind == "prod", true
	}
	return false, false
}

// modeName reports whether n reads the deployment mode.
func (a *fileAnalyzer) modeName(n *node) bool {
	name := a.nameRead(n)
	return name != "" && modeNameRe.MatchString(name)
}

// nameRead is the last part of the name an expression reads: ENV of
// settings.ENV, of getattr(settings, "ENV", None), of os.getenv("ENV")
// and of os.environ["ENV"]; "" when it reads none.
func (a *fileAnalyzer) nameRead(n *node) string {
	n = unparen(n)
	if n == nil {
		return ""
	}
	switch n.kind {
	case "call":
		e := a.b.build(n)
		if e.fn != nil && e.fn.dot == "getattr" {
			s, _ := e.arg(1, "").strLit()
			return s
		}
		name, _ := a.envRead(e) // os.getenv("ENV"), os.environ.get("ENV"), config("ENV")
		return name
	case "subscript":
		if s, _, ok := stringLit(n.child("subscript"), a.src); ok {
			return s
		}
	default:
		return lastSeg(dotted(n, a.src))
	}
	return ""
}

// modeValues is "dev" when every value n names is a development or test
// mode, "prod" when every one is production, "" otherwise. Values are
// string literals or enum members (Mode.testing).
func (a *fileAnalyzer) modeValues(n *node) string {
	n = unparen(n)
	if n == nil {
		return ""
	}
	var vals []*node
	switch n.kind {
	case "tuple", "list", "set":
		vals = n.namedChildren()
	default:
		vals = []*node{n}
	}
	kind := ""
	for _, v := range vals {
		s, _, ok := stringLit(v, a.src)
		if !ok {
			s = a.nameRead(v) // Mode.testing, getattr(Mode, "testing", "testing")
		}
		k := ""
		switch {
		case devModeRe.MatchString(s):
			k = "dev"
		case prodModeRe.MatchString(s):
			k = "prod"
		}
		if k == "" || (kind != "" && k != kind) {
			return ""
		}
		kind = k
	}
	return kind
}
