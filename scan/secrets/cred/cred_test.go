package cred

import (
	"strings"
	"testing"
)

// found is what a test expects on a line: a rule and a secret.
type found struct {
	rule, secret string
	line         int
}

func detect(t *testing.T, path, text string) []Match {
	t.Helper()
	d := New()
	t.Cleanup(d.Close)
	return d.Detect(path, text)
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, path, text string
		want             []found // nil: nothing found
	}{
		// Python, through tree-sitter.
		{"python assignment", "settings.py", "DB_PASSWORD = 'Tr0ub4dor&3'\n", []found{{RulePassword, "Tr0ub4dor&3", 1}}},
		{"python keyword argument", "app.py", "conn = connect(host='db', password=\"hunter2x\")\n", []found{{RulePassword, "hunter2x", 1}}},
		{"python dict literal", "cfg.py", "DATABASES = {\n    'default': {\n        'PASSWORD': 'kjd8Fh2!x',\n    }\n}\n", []found{{RulePassword, "kjd8Fh2!x", 3}}},
		{"python default argument", "svc.py", "def login(user, password='s3cure-Pa55'):\n    pass\n", []found{{RulePassword, "s3cure-Pa55", 1}}},
		{"python typed default", "svc.py", "def login(user: str, password: str = 'Tr1cky-pw'):\n    pass\n", []found{{RulePassword, "Tr1cky-pw", 1}}},
		{"python attribute", "t.py", "self.api_token = 'ghx7Yq2LmP0aZr8TnB4c'\n", []found{{RuleGeneric, "ghx7Yq2LmP0aZr8TnB4c", 1}}},
		{"python subscript", "t.py", "os.environ['SECRET_KEY'] = 'q8Zr7Ty2Lp0XmB4n'\n", []found{{RuleGeneric, "q8Zr7Ty2Lp0XmB4n", 1}}},
		{"python environ default", "t.py", "pw = os.environ.get('DB_PASSWORD', 'fallback-Pw9')\n", []found{{RulePassword, "fallback-Pw9", 1}}},
		{"python setter call", "t.py", "user.set_password('K9d!mQ2z')\n", []found{{RulePassword, "K9d!mQ2z", 1}}},
		{"python identifier is code", "t.py", "client = OpenAI(max_tokens=max_tokens, api_key=api_key)\n", nil},
		{"python attribute value is code", "t.py", "password = settings.DB_PASSWORD\ntoken = get_token()\n", nil},
		{"python environ is a reference", "t.py", "password = os.environ['DB_PASSWORD']\n", nil},
		{"python f-string is a reference", "t.py", "password = f'{prefix}-x'\n", nil},
		{"python placeholder", "t.py", "password = 'changeme'\napi_key = 'your-api-key'\nsecret = 'xxxxxxxx'\n", nil},
		{"python own name", "t.py", "password = 'password'\ndb_password = 'db_password'\n", nil},
		{"python string in string", "t.py", "DSN = \"host=db user=app password=Zq8!w2Lm dbname=app\"\n", []found{{RuleConnectionString, "Zq8!w2Lm", 1}}},

		// YAML, JSON, TOML, XML.
		{"yaml mapping", "config.yaml", "database:\n  user: app\n  password: Xk2!pq9Lm\n", []found{{RulePassword, "Xk2!pq9Lm", 3}}},
		{"yaml reference", "config.yaml", "database:\n  password: ${DB_PASSWORD}\n  token: '{{ .Values.token }}'\n", nil},
		{"yaml k8s env", "deploy.yaml", "env:\n  - name: DB_PASSWORD\n    value: Qw7!zLp2x\n", []found{{RulePassword, "Qw7!zLp2x", 3}}},
		{"yaml compose env list", "docker-compose.yml", "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=Zr8kLm2x\n", []found{{RulePassword, "Zr8kLm2x", 4}}},
		{"yaml commented", "app.yml", "# password: Nn3!xqz8Lk\nkey: 1\n", []found{{RulePassword, "Nn3!xqz8Lk", 1}}},
		{"json object", "creds.json", "{\n  \"client_secret\": \"Gh7KzQ2mLp9XwR4t\"\n}\n", []found{{RuleGeneric, "Gh7KzQ2mLp9XwR4t", 2}}},
		{"json name value", "postman.json", "{\"variable\": [{\"key\": \"password\", \"value\": \"Lp9!xK2mzQ\"}]}\n", []found{{RulePassword, "Lp9!xK2mzQ", 1}}},
		{"toml", "config.toml", "[db]\nuser = \"app\"\npassword = \"Hq8!zLm2Kx\"\n", []found{{RulePassword, "Hq8!zLm2Kx", 3}}},
		{"xml attribute", "web.config", "<configuration>\n  <add key=\"DbPassword\" value=\"Mz8!qLp2Xw\" />\n</configuration>\n", []found{{RulePassword, "Mz8!qLp2Xw", 2}}},
		{"xml element", "settings.xml", "<settings>\n  <password>Vq7!zKp2Lm</password>\n</settings>\n", []found{{RulePassword, "Vq7!zKp2Lm", 2}}},

		// Line-oriented configuration and scripts.
		{"env file", ".env", "DATABASE_URL=postgres://app:Wz9kLq2x@db:5432/app\nSECRET_KEY=q8Zr7Ty2Lp0XmB4nVc6\n", []found{{RuleURLCredentials, "Wz9kLq2x", 1}, {RuleGeneric, "q8Zr7Ty2Lp0XmB4nVc6", 2}}},
		{"crlf line endings", ".env", "A=1\r\nDB_PASSWORD=Kp2!zQw9x\r\nTOKEN=q8Zr7Ty2Lp0XmB4nVc6\r\n", []found{{RulePassword, "Kp2!zQw9x", 2}, {RuleGeneric, "q8Zr7Ty2Lp0XmB4nVc6", 3}}},
		{"url template with a word for its port", "locales/et/settings.json", "{\"placeholder\": \"rtsp://kasutajanimi:Wz9kLq2xQ@host:port/asukoht\"}\n", nil},
		{"url with a port number", "locales/et/settings.json", "{\"url\": \"rtsp://kasutajanimi:Wz9kLq2xQ@camera:554/asukoht\"}\n", []found{{RuleURLCredentials, "Wz9kLq2xQ", 1}}},
		{"env file reference", ".env", "DB_PASSWORD=$DB_PASSWORD\nAPI_KEY=${API_KEY}\n", nil},
		{"properties", "application.properties", "spring.datasource.password=Kp2!zQw9x\n", []found{{RulePassword, "Kp2!zQw9x", 1}}},
		{"ini", "setup.cfg", "[db]\npasswd = Zq9!Lm2kx\n", []found{{RulePassword, "Zq9!Lm2kx", 2}}},
		{"shell export", "deploy.sh", "export MYSQL_PASSWORD=\"Qz8!kLm2x\"\n", []found{{RulePassword, "Qz8!kLm2x", 1}}},
		{"dockerfile env", "Dockerfile", "FROM alpine\nENV DB_PASSWORD Lk9!zQm2x\nARG API_TOKEN=Zx8Lm2Qk9Pw4Rt7Y\n", []found{{RulePassword, "Lk9!zQm2x", 2}, {RuleGeneric, "Zx8Lm2Qk9Pw4Rt7Y", 3}}},
		{"curl user", "README.md", "curl -u admin:Qz8!kLm2x https://api.example.com\n", []found{{RuleCurlUserPassword, "Qz8!kLm2x", 1}}},
		{"mysql -p", "setup.sh", "mysql -uroot -pKq9zLm2x -e 'select 1'\n", []found{{RulePassword, "Kq9zLm2x", 1}}},
		{"sql identified by", "init.sql", "CREATE USER app IDENTIFIED BY 'Zq8!Lm2k';\n", []found{{RulePassword, "Zq8!Lm2k", 1}}},

		// Other languages, line by line.
		{"go struct", "main.go", "cfg := Config{Password: \"Zq8!Lm2kx\"}\n", []found{{RulePassword, "Zq8!Lm2kx", 1}}},
		{"go identifier", "main.go", "cfg := Config{Password: password, Token: os.Getenv(\"TOKEN\")}\n", nil},
		{"java setter", "App.java", "ds.setPassword(\"Lm2!zQk9x\");\n", []found{{RulePassword, "Lm2!zQk9x", 1}}},
		{"java map put", "App.java", "props.put(\"password\", \"Lm2!zQk9x\");\n", []found{{RulePassword, "Lm2!zQk9x", 1}}},
		{"java list is no pair", "App.java", "String[] grants = {\"password\", \"refresh_token\"};\n", nil},
		{"kotlin typed", "App.kt", "val password: String = \"Kq8!zLm2x\"\n", []found{{RulePassword, "Kq8!zLm2x", 1}}},
		{"php array", "config.php", "'password' => 'Qz8!Lm2kx',\n", []found{{RulePassword, "Qz8!Lm2kx", 1}}},
		{"js bearer", "api.js", "headers: {Authorization: 'Bearer 7hZq2LmP0aZr8TnB4cXw9K'}\n", []found{{RuleHTTPBearer, "7hZq2LmP0aZr8TnB4cXw9K", 1}}},
		{"bearer in a string", "Api.cs", "var token = \"Bearer txpc696iUhbVoudg164r93CxDTrKRVWG\";\n", []found{{RuleHTTPBearer, "txpc696iUhbVoudg164r93CxDTrKRVWG", 1}}},
		{"setter with a uuid", "README.md", "client.SetAuthToken(\"C6A79608-782F-4ED0-A11D-BD82FAD829CD\").\n", []found{{RuleGeneric, "C6A79608-782F-4ED0-A11D-BD82FAD829CD", 1}}},
		{"option with a token", "README.md", "docker swarm join --token SWMTKN-1-1r8ap4o4fl5vbt3rtfanh7tr42t8h8lvempi1mmri745bcketd-24av3jhw8etrlf7m1toc8ef 10.0.0.1:2377\n", []found{{RuleGeneric, "SWMTKN-1-1r8ap4o4fl5vbt3rtfanh7tr42t8h8lvempi1mmri745bcketd-24av3jhw8etrlf7m1toc8ef", 1}}},
		{"mixed-case letters are generated", "app.properties", "sa-token.sign.secret-key=kQwIOrYvnXmSDkwEiFngrKidMcdrgKor\n", []found{{RuleGeneric, "kQwIOrYvnXmSDkwEiFngrKidMcdrgKor", 1}}},
		{"js bearer variable", "api.js", "headers: {Authorization: 'Bearer ' + token}\n", nil},
		{"basic auth", "api.js", "headers: {Authorization: 'Basic YWRtaW46UXo4IWtMbTJ4'}\n", []found{{RuleHTTPBasic, "YWRtaW46UXo4IWtMbTJ4", 1}}},
		{"connection string", "App.cs", "var cs = \"Server=db;Database=app;User Id=sa;Password=Zq8!Lm2k;\";\n", []found{{RuleConnectionString, "Zq8!Lm2k", 1}}},
		{"password repeats the user", "docker-config", "ENV=\"FIREBIRD_USER=booktest FIREBIRD_PASSWORD=booktest\"\n", nil},
		{"password and its confirmation", "t.rb", "User.create!(email: 'a@b.c', password: 'Zq8!Lm2kx', password_confirmation: 'Zq8!Lm2kx')\n", []found{{RulePassword, "Zq8!Lm2kx", 1}}},
		{"url default credentials", "app.js", "const url = 'amqp://guest:guest@localhost:5672'\n", nil},
		{"url placeholder", "app.js", "const url = 'postgres://user:<password>@localhost/db'\n", nil},

		// Values that are not secrets.
		{"common password", "config.yaml", "password: 123456\nadmin_password: admin\n", nil},
		{"password hash", "users.yml", "password: $2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy\n", nil},
		{"file path", "config.yaml", "password_file: /run/secrets/db\ntoken: ./secrets/token.txt\n", nil},
		{"translations", "src/i18n/de.json", "{\"LABEL_PASSWORD\": \"Passwort\"}\n", nil},
		{"error codes", "errors.go", "const ERROR_PASSWORD_RESTRICTION = 1325\n", nil},
		{"public key token", "app.config", "<assemblyIdentity name=\"x\" publicKeyToken=\"b77a5c561934e089\" />\n", nil},
		{"generic wordy", "cfg.yaml", "secret_name: cilium-clustermesh\ntoken: admin-token-name\n", nil},
		{"prose", "README.md", "The password: use the one your admin gave you.\n", nil},
		{"format string", "log.go", "msg := fmt.Sprintf(\"password=%s\", pw)\n", nil},
		{"gitleaks allow is not ours to judge", "a.py", "password = 'Zq8!Lm2kx'  # gitleaks:allow\n", []found{{RulePassword, "Zq8!Lm2kx", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDetect(t, tt.path, tt.text, tt.want) })
	}
}

// checkDetect runs the detector on text as the file at path and checks
// what it finds, in order.
func checkDetect(t *testing.T, path, text string, want []found) {
	t.Helper()
	var gs []found
	for _, m := range detect(t, path, text) {
		gs = append(gs, found{m.Rule, m.Secret, m.Line})
	}
	if !sameFound(gs, want) {
		t.Errorf("Detect(%s) = %v, want %v", path, gs, want)
	}
}

func sameFound(a, b []found) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestClassify(t *testing.T) {
	tests := []struct {
		key  string
		want keyClass
	}{
		{"password", keyPassword},
		{"DB_PASSWORD", keyPassword},
		{"dbPassword", keyPassword},
		{"db-password", keyPassword},
		{"MYSQL_ROOT_PASSWORD", keyPassword},
		{"passwd", keyPassword},
		{"pwd", keyPassword},
		{"pass", keyPassword},
		{"rootpass", keyPassword},
		{"passphrase", keyPassword},
		{"spring.datasource.password", keyPassword},
		{"client_secret", keySecret},
		{"clientSecret", keySecret},
		{"api_key", keySecret},
		{"apiKey", keySecret},
		{"APIKey", keySecret},
		{"x-api-key", keySecret},
		{"AWS_SECRET_ACCESS_KEY", keySecret},
		{"access_token", keySecret},
		{"authToken", keySecret},
		{"private_key", keySecret},
		{"credentials", keySecret},
		{"key", keyWeak},
		{"url_token", keyNone},
		{"next_page_token", keyNone},
		{"idempotency_key", keyNone},
		{"access_token", keySecret},
		{"auth", keyWeak},
		{"password_length", keyNone},
		{"passwordField", keyNone},
		{"token_url", keyNone},
		{"secret_name", keyNone},
		{"bypass", keyNone},
		{"compass", keyNone},
		{"cache_key", keyNone},
		{"primaryKey", keyNone},
		{"public_key", keyNone},
		{"publishableKey", keyNone},
		{"password_hash", keyNone},
		{"no-password", keyNone},
		{"forgot_password", keyNone},
		{"subject.password.should.equal", keyNone},
		{"tokens", keyNone},
	}
	for _, tt := range tests {
		if got := classify(tt.key); got != tt.want {
			t.Errorf("classify(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	tests := map[string]string{
		"MYSQL_ROOT_PASSWORD": "mysql root password",
		"dbPassword":          "db password",
		"x-api-key":           "x api key",
		"APIKey":              "api key",
		"secretKeyBase":       "secret key base",
		"cfg.Net.Password":    "cfg net password",
	}
	for in, want := range tests {
		if got := strings.Join(words(in), " "); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeValue(t *testing.T) {
	tests := []struct {
		line, secret string
		want         bool
	}{
		{"client = OpenAI(max_tokens=max_tokens)", "max_tokens", true},
		{"api_key=self.api_key_value,", "self.api_key_value", true},
		{"token = get_token_from_vault()", "get_token_from_vault", true},
		{"api_key = 'abcdef0123456789abcdef'", "abcdef0123456789abcdef", false},
		{"# api_key=abcdef0123456789abcdef", "abcdef0123456789abcdef", false},
	}
	for _, tt := range tests {
		if got := CodeValue(tt.line, tt.secret); got != tt.want {
			t.Errorf("CodeValue(%q, %q) = %v, want %v", tt.line, tt.secret, got, tt.want)
		}
	}
}

// FuzzDetect checks that no input makes the detector panic, in any of the
// formats it reads.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"password = 'x'\n", "a:\n  - name: DB_PASSWORD\n    value: {{x\n", "{\"key\": \"password\", \"value\": ",
		"<a password=\"x\"><password>y", "[db]\npassword = \"", "curl -u a: -pX mysql basic Zm9v bearer x://a:b@",
		"\"\\\"pass\\\":\\\"s3\"", "export A=\"$(", "password: |\n  export PASS=x\n",
		"x 3f9c2a71-58de-4b06-9a4c-d2e81f7b6c3", "{kty: 'oct',\n k: '", "tokens: [\"", "tokens: []string{", "SUUJZDEGXDNCF32EPF3DHODZDOCIS2JHTLGMX",
	} {
		f.Add(s)
	}
	d := New()
	defer d.Close()
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range []string{"a.py", "a.yaml", "a.json", "a.xml", "a.toml", ".env", "Dockerfile", "a.go", "a.md"} {
			for _, m := range d.Detect(p, text) {
				if m.Line < 1 || m.Secret == "" {
					t.Fatalf("%s: bad match %+v", p, m)
				}
			}
		}
	})
}

func TestValueShapeNativeWords(t *testing.T) {
	tests := []struct {
		value string
		want  Shape
	}{
		{"salasõna", ShapeWeak},   // Estonian "password"
		{"contraseña", ShapeWeak}, // Spanish
		{"пароль2024", ShapeWeak}, // Russian, with a year
		{"密码密码密码密码", ShapeWeak},
		{"q8Zr7Ty2Lp0XmB4nVc6", ShapeRandom},
		{"q8Zr7Ty2õLp0XmB4nVc6", ShapeOther}, // mixed case: generated, whatever one letter says
	}
	for _, tt := range tests {
		if got := ValueShape(tt.value); got != tt.want {
			t.Errorf("ValueShape(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestIdentifier(t *testing.T) {
	for s, want := range map[string]bool{
		"MCP_OAUTH2_CLIENT_ID": true,
		"cache_ttl2":           true,
		"idp_x509cert":         true,
		"Client_Secret":        false, // mixed case
		"q8Zr_7Ty2Lp0XmB4":     false,
		"_PRIVATE":             false,
		"SECRET":               false, // one part
		"2FA_CODE":             false,
	} {
		if got := Identifier(s); got != want {
			t.Errorf("Identifier(%q) = %v, want %v", s, got, want)
		}
	}
}

// A UUID with a short tag is an identifier like the UUID itself: under a
// bare "key" it is not random enough to report (Grafana's query keys).
func TestTaggedUUID(t *testing.T) {
	const u = "6a1f0c2e-9b3d-4e7a-8c5f-2d4b6e8a0c1f"
	tests := []struct {
		value string
		weak  bool
		want  bool
	}{
		{"Q-" + u + "-0", true, false},
		{"req_" + u, true, false},
		{u, true, false},
		{"Q-" + u + "-0", false, true}, // a named secret: as random as its UUID
		{"sk!" + u, true, true},        // not a tag: judged as a whole
	}
	for _, tt := range tests {
		if got := random(tt.value, tt.weak); got != tt.want {
			t.Errorf("random(%q, weak=%v) = %v, want %v", tt.value, tt.weak, got, tt.want)
		}
	}
}
