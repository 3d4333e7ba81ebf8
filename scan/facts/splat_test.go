package facts

import (
	"testing"
)

// A ** argument passes the keys of the dict it spreads: a dict literal or
// dict(k=v) call, in place or assigned to a local (with the keys written
// into it before the call), gives its keys to the call's arguments; any
// other leaves the keywords unknown, and a * argument the positions.
func TestSplatArguments(t *testing.T) {
	cases := []struct {
		name, body string
		kw         string // a keyword expected among the call's arguments ("" none)
		unknownKw  bool
		unknownPos bool
	}{
		{"local dict literal", `
    opts = {"key": key, "algorithms": ["HS256"]}
    return jwt.decode(token, **opts)`, "algorithms", false, false},
		{"key written before the call", `
    opts = {"key": key}
    opts["algorithms"] = ["HS256"]
    return jwt.decode(token, **opts)`, "algorithms", false, false},
		{"dict call in place", `
    return jwt.decode(token, **dict(key=key, algorithms=["HS256"]))`, "algorithms", false, false},
		{"known keys without it", `
    opts = {"key": key}
    return jwt.decode(token, **opts)`, "key", false, false},
		{"parameter", `
    return jwt.decode(token, **kwargs)`, "", true, false},
		{"updated local", `
    opts = {"key": key}
    opts.update(kwargs)
    return jwt.decode(token, **opts)`, "", true, false},
		{"key not a literal", `
    opts = {"key": key}
    opts[name] = ["HS256"]
    return jwt.decode(token, **opts)`, "", true, false},
		{"nested spread", `
    opts = {"key": key, **kwargs}
    return jwt.decode(token, **opts)`, "", true, false},
		{"positions", `
    return jwt.decode(token, *args)`, "", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"auth.py": "import jwt\n\n\ndef check(token, key, name, args, kwargs):" + tc.body + "\n"})
			f := extractDir(t, dir)
			var c *Call
			for i := range f.Calls {
				if f.Calls[i].Callee == "jwt.decode" {
					c = &f.Calls[i]
				}
			}
			if c == nil {
				t.Fatal("no jwt.decode call")
			}
			if _, ok := c.Args[tc.kw]; tc.kw != "" && !ok {
				t.Errorf("args %v lack %s", c.Args, tc.kw)
			}
			if c.UnknownKwargs != tc.unknownKw || c.UnknownArgs != tc.unknownPos {
				t.Errorf("unknown kwargs %v args %v, want %v %v", c.UnknownKwargs, c.UnknownArgs, tc.unknownKw, tc.unknownPos)
			}
		})
	}
}
