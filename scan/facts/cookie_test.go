package facts

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSetCookieCalls checks which set_cookie calls become call facts,
// with their name and secure arguments read: a response's set_cookie and
// set_signed_cookie, but not a cookie jar's, nor one whose arguments come
// from a mapping or a list.
func TestSetCookieCalls(t *testing.T) {
	tests := []struct {
		name, src string
		want      bool   // a set_cookie call fact is recorded
		key       string // its key= argument's resolved value ("" for none)
		secure    any    // its secure= value (nil: not written)
	}{
		{"keyword key, no secure", `response.set_cookie(key="session", value=v, httponly=True)`, true, "session", nil},
		{"positional key", `response.set_cookie("access_token", token)`, true, "", nil},
		{"secure false", `resp.set_cookie(key="sid", value=v, secure=False)`, true, "sid", false},
		{"secure true", `resp.set_cookie(key="sid", value=v, secure=True)`, true, "sid", true},
		{"settings name", "class Settings(BaseSettings):\n    COOKIE_KEY: str = 'app_refresh_token'\nsettings = Settings()\nresponse.set_cookie(key=settings.COOKIE_KEY, value=v)", true, "app_refresh_token", nil},
		{"chained response", `RedirectResponse(url="/").set_cookie(key="auth", value=v)`, true, "auth", nil},
		{"signed cookie", `response.set_signed_cookie("sessionid", v, salt="x")`, true, "", nil},
		{"kwargs splat", `response.set_cookie(key="session", value=v, **opts)`, false, "", nil},
		{"args splat", `response.set_cookie(*args)`, false, "", nil},
		{"cookie jar", `client.cookies.set_cookie(cookie)`, false, "", nil},
		{"cookiejar object", `jar.set_cookie(make_cookie("session"))`, false, "", nil},
		{"other method", `response.delete_cookie(key="session")`, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "auth.py"), []byte(tt.src+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var got []Call
			for _, c := range extractDir(t, dir).Calls {
				if c.Method == "set_cookie" || c.Method == "set_signed_cookie" {
					got = append(got, c)
				}
			}
			if !tt.want {
				if len(got) != 0 {
					t.Fatalf("recorded %+v, want no set_cookie call", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("recorded %d set_cookie calls, want 1", len(got))
			}
			c := got[0]
			if k := c.Args["key"]; tt.key != "" && (!k.Known || k.Value != tt.key) {
				t.Errorf("key = %+v, want %q", k, tt.key)
			}
			if tt.key == "" && len(c.Positional) == 0 {
				t.Errorf("positional arguments not recorded: %+v", c)
			}
			s, ok := c.Args["secure"]
			switch {
			case tt.secure == nil && ok:
				t.Errorf("secure = %+v, want none", s)
			case tt.secure != nil && (!ok || !s.Known || s.Value != tt.secure):
				t.Errorf("secure = %+v (written %v), want %v", s, ok, tt.secure)
			}
		})
	}
}
