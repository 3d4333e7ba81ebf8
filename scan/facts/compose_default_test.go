package facts

import "testing"

// TestComposeWeakDefaults checks that a compose value is judged as it
// runs when its variables are not set: the default of ${VAR:-default}
// and ${VAR-default}, and the password of a URL's user information.
func TestComposeWeakDefaults(t *testing.T) {
	tests := []struct {
		name, key, value string
		weak             bool
		defaultOf        string
		urlPassword      bool
	}{
		{"weak default", "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-rva}", true, "POSTGRES_PASSWORD", false},
		{"weak default without colon", "SECRET_KEY", "${SECRET_KEY-changeme}", true, "SECRET_KEY", false},
		{"quoted in yaml", "DB_PASSWORD", "${DB_PASSWORD:-postgres}", true, "DB_PASSWORD", false},
		{"strong default", "SECRET_KEY", "${SECRET_KEY:-9f8Kq2xZ7pLm4Rt1Vb6N}", false, "", false},
		{"plain reference", "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}", false, "", false},
		{"bare reference", "POSTGRES_PASSWORD", "$POSTGRES_PASSWORD", false, "", false},
		{"required", "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:?set it}", false, "", false},
		{"alternate", "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:+secret}", false, "", false},
		{"empty default", "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-}", false, "", false},
		{"nested default", "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-${OTHER}}", false, "", false},
		{"not a secret name", "POSTGRES_USER", "${POSTGRES_USER:-rva}", false, "", false},
		{"default and reference", "DB_PASSWORD", "${PREFIX}${DB_PASSWORD:-pass}", false, "", false},
		{"url default password", "DB_URL", "postgresql+psycopg2://${POSTGRES_USER:-rva}:${POSTGRES_PASSWORD:-rva}@rva-db:5432/${POSTGRES_DB:-rva}", true, "POSTGRES_PASSWORD", true},
		{"url literal password", "DATABASE_URL", "postgresql://app:postgres@db:5432/app", true, "", true},
		{"url user equals password", "DATABASE_URL", "postgresql://fba_user:fba_user@db/app", true, "", true},
		{"url password reference", "DATABASE_URL", "postgresql://app:${DB_PASS}@db/app", false, "", false},
		{"url strong password", "DATABASE_URL", "postgresql://app:Zq8w-Lk3v-99Px@db/app", false, "", false},
		{"url no password", "REDIS_URL", "redis://redis:6379/0", false, "", false},
		{"url user only", "BROKER_URL", "amqp://guest@rabbit//", false, "", false},
		{"escaped dollar", "DB_PASSWORD", "$${DB_PASSWORD:-x}", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "services:\n  app:\n    environment:\n      " + tt.key + ": \"" + tt.value + "\"\n"
			out, err := parseCompose("docker-compose.yml", ".", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if len(out.compose) != 1 {
				t.Fatalf("got %d entries, want 1", len(out.compose))
			}
			e := out.compose[0]
			if e.WeakSecret != tt.weak || e.DefaultOf != tt.defaultOf || e.URLPassword != tt.urlPassword {
				t.Errorf("weak=%v default_of=%q url_password=%v, want %v %q %v", e.WeakSecret, e.DefaultOf, e.URLPassword, tt.weak, tt.defaultOf, tt.urlPassword)
			}
		})
	}
}
