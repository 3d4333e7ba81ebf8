package cred

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDetectClasses covers the classes of credentials recognised by their
// own shape (UUIDs, nkey seeds, JWK private members), the command lines
// inside YAML strings, HTTP Basic values whatever their password, and the
// filters that keep identifiers, placeholders and references out.
func TestDetectClasses(t *testing.T) {
	const u = "3f9c2a71-58de-4b06-9a4c-d2e81f7b6c35"
	tests := []struct {
		name, path, text string
		want             []found
	}{
		// Random UUIDs, wherever they stand.
		{"uuid in json", "fixtures/collection.json", "{\"_postman_id\": \"" + u + "\"}\n", []found{{RuleUUID, u, 1}}},
		{"uuid in code", "Folders.cs", "static readonly Guid Home = new Guid(\"" + u + "\");\n", []found{{RuleUUID, u, 1}}},
		{"uuid in yaml list", "cassette.yml", "- " + u + "\n", []found{{RuleUUID, u, 1}}},
		{"uuid under a secret key is a secret", "app.env", "API_TOKEN=" + u + "\n", []found{{RuleGeneric, u, 1}}},
		{"zero uuid", "t.json", "{\"id\": \"00000000-0000-0000-0000-000000000000\"}\n", nil},
		{"repeated uuid", "t.go", "const id = \"11111111-4444-4444-8444-cccccccccccc\"\n", nil},
		{"typed uuid", "t.go", "const id = \"00001111-2222-3333-4444-555566667777\"\n", nil},
		{"well-known com iid", "rpc.ps1", "$iid = \"00000000-0000-0000-C000-000000000046\"\n", nil},
		{"uuid glued to a name", "conn.yaml", "id: postgres-" + u + "\nx: " + u + "_1480231\n", nil},
		{"id of a key", "state.json", "{\"target_key_id\": \"" + u + "\", \"credentialsId\": \"" + u + "\"}\n", nil},
		{"client id is public", "oauth.ini", "oauthClientId = " + u + "\n", nil},
		{"placeholder uuid under a token key", "t.go", "token := \"00000000-0000-0000-0000-000000000000\"\n", nil},

		// NATS nkey seeds; the public keys are not secrets.
		{"nkey seed", "auth.conf", "seed: SUUJZDEGXDNCF32EPF3DHODZDOCIS2JHTLGMXGEDN73U55XTPLPFT7V4SE\n", []found{{RuleGeneric, "SUUJZDEGXDNCF32EPF3DHODZDOCIS2JHTLGMXGEDN73U55XTPLPFT7V4SE", 1}}},
		{"nkey seed in code", "main_test.go", "seed := []byte(\"SUUJZDEGXDNCF32EPF3DHODZDOCIS2JHTLGMXGEDN73U55XTPLPFT7V4SE\")\n", []found{{RuleGeneric, "SUUJZDEGXDNCF32EPF3DHODZDOCIS2JHTLGMXGEDN73U55XTPLPFT7V4SE", 1}}},
		{"nkey public key in prose", "README.md", "The user's public key is UDH2KVJ72CEUVW75EFR6EDT4SYWB5WKH7DNSIPZZ7FK4ZRI3R2WYOJFLJO.\n", nil},

		// JSON Web Keys: the private member, once per key.
		{"jwk private exponent", "keys.test.mjs", "const jwk = {\n  kty: 'EC',\n  crv: 'P-256',\n  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',\n  d: 'LozC1F_M0JbPBa4uxVxDQ7ycLEhZRwwBTgxLJe8TQGs',\n}\n", []found{{RuleGeneric, "LozC1F_M0JbPBa4uxVxDQ7ycLEhZRwwBTgxLJe8TQGs", 5}}},
		{"jwk symmetric key", "jwks.json", "{\"keys\": [{\"kty\": \"oct\", \"k\": \"LozC1F_M0JbPBa4uxVxDQ7ycLEhZRwwBTgxLJe8TQGs\"}]}\n", []found{{RuleGeneric, "LozC1F_M0JbPBa4uxVxDQ7ycLEhZRwwBTgxLJe8TQGs", 1}}},
		{"jwk public members", "jwks.json", "{\"kty\": \"RSA\", \"e\": \"AQAB\", \"n\": \"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\"}\n", nil},
		{"d far from any jwk", "a.js", "const d = 'LozC1F_M0JbPBa4uxVxDQ7ycLEhZRwwBTgxLJe8TQGs'\n", nil},

		// Commands in YAML strings, which the YAML parser reads as one value.
		{"yaml ci command", ".travis.yml", "script:\n  - $HOME/gopath/bin/goveralls -repotoken 3gHdQR5k5ziZcWMBxnd9LrMZaJs8m9x5\n", []found{{RuleGeneric, "3gHdQR5k5ziZcWMBxnd9LrMZaJs8m9x5", 2}}},
		{"yaml docker run env", ".travis.yml", "before_script:\n  - docker run -d -e MYSQL_USER=app -e MYSQL_PASSWORD=Qz8kLm2xw -d mysql\n", []found{{RulePassword, "Qz8kLm2xw", 2}}},
		{"yaml reference in a command", ".travis.yml", "script:\n  - deploy --token $DEPLOY_TOKEN\n", nil},

		// HTTP Basic: the header works whatever the password.
		{"basic with spaces", "client_test.go", "req.Header.Set(\"Authorization\", \"Basic b3BzOm9wZW4gc2VzYW1lIDQy\")\n", []found{{RuleHTTPBasic, "b3BzOm9wZW4gc2VzYW1lIDQy", 1}}},
		{"basic default account", "api.md", "Authorization: Basic YWRtaW46YWRtaW4=\n", []found{{RuleHTTPBasic, "YWRtaW46YWRtaW4=", 1}}},
		{"basic placeholder", "api.md", "Authorization: Basic login_and_password_removed\n", nil},

		// Lists of tokens, comments in code.
		{"list of tokens in json", "cassette.json", "{\"tokens\": [\"a1f3fab6393d3a6a\", \"91a139ce322eed65\"]}\n", []found{{RuleGeneric, "a1f3fab6393d3a6a", 1}, {RuleGeneric, "91a139ce322eed65", 1}}},
		{"go slice of tokens", "apns_test.go", "Tokens: []string{\"11aa01229f15f0f0c52029d8cf8cd0aeaf2365fe4cebc4af26cd6d76b7919ef7\"},\n", []found{{RuleGeneric, "11aa01229f15f0f0c52029d8cf8cd0aeaf2365fe4cebc4af26cd6d76b7919ef7", 1}}},
		{"list of flags", "app.py", "SECRETS = ['DB_PASSWORD', 'API_TOKEN']\n", nil},
		{"token in a code comment", "server.js", "// access_token=519e3f859210aa34265a52acb6b88290087f8996&scope=repo\n", []found{{RuleGeneric, "519e3f859210aa34265a52acb6b88290087f8996", 1}}},
		{"password in a sql comment", "schema.sql", "-- Password: Wq8zLm2k\n", []found{{RulePassword, "Wq8zLm2k", 1}}},
		{"variable named in a comment", "users.js", "// payload.password = hashedPassword\n", nil},

		// Test vectors and anti-forgery values.
		{"counting bytes in hex", "salsa20_test.php", "'key' => '000102030405060708090A0B0C0D0E0F',\n", nil},
		{"counting bytes in base64", "jwk.test.mjs", "const secret_key = 'AQIDBAUGBwgJCgsMDQ4P'\n", nil},
		{"csrf token", "session.har", "{\"name\": \"anti_csrf_token\", \"value\": \"bMBNEsvnocdYBmF8YVzA9-tCXHyvHhpq\"}\n", nil},
		{"masked", "app.py", "# Remote  postgres://nu***:6a2**@ec2-23-23-227-188.compute-1.amazonaws.com:5432/d2s**\n", nil},
		{"a placeholder in angle brackets", "config.toml", "# sentry_dsn = \"https://<key>:<secret>@sentry.io/<project>\"\n", nil},
		{"dsn default account", "Makefile", "GORM_DSN=\"host=db user=gorm password=gorm dbname=gorm\"\n", nil},
		{"human secret in words", "jwt_test.php", "$this->getProvider('secret', 'AlgorithmWrong')\n", nil},

		// Keys that name something else than the secret.
		{"kms key spec", "state.json", "{\"customer_master_key_spec\": \"RSA_4096\"}\n", nil},
		{"password salt", "Audit.cs", "user.PasswordSalt = \"k3J9xQ2m\";\n", nil},
		{"password last used", "audit.py", "if user[\"password_last_used\"] == \"no_information\":\n", nil},
		{"sudoers nopasswd", "Dockerfile", "RUN sed -i 's/ALL$/NOPASSWD:ALL/g' /etc/sudoers\n", nil},
		{"a service named secrets", "policy.json", "{\"Action\": \"secretsmanager:UntagResource\"}\n", nil},

		{"numbered test password", "test_connect.py", "conn = connect(user='u1', password='pass1')\nurl = 'nats://user1:pwd12@host:4222'\n", nil},
		{"counting jwk", "jwk.test.mjs", "const jwk = { kty: 'oct', k: 'AQIDBAUGBwgJCgsMDQ4P' }\n", nil},

		{"validation rule", "UserRequest.php", "'password' => 'required|min:8|confirmed',\n", nil},
		{"map type and path", "main.cf", "smtp_sasl_password_maps = texthash:/etc/postfix/sasl_passwd\n", nil},
		{"escaped whitespace", "table_test.go", "{\"password\": \"password_1\\t\\t\\t\"}\n", nil},

		{"constant name", "test_basic.py", "{'key': 'V1001_TODAY_MUSIC'}\n", nil},
		{"filler hex", "broker_test.go", "token := \"ffffffffffffffff00000000\"\n", nil},
		{"id of a key in a call", "kms_test.go", "{KeyId: aws.String(\"" + u + "\")},\n", nil},
		{"generated object name", "import_test.go", "\"cattle-credentials-5ec1f7e700\": \"b2ec2a5655ff908557b5a46695be7429c9eb5bf32c799e37832e57405ce54f46\",\n", nil},

		{"password test values", "test_connect.py", "a = connect(password='passw2')\nb = connect(password='newpass')\nc = login(password='testpwd1')\n", nil},
		{"a chosen password stays", "test_connect.py", "c = connect(password='Passw0rd-Harbor!')\n", []found{{RulePassword, "Passw0rd-Harbor!", 1}}},
		{"totp secret", "totp_spec.rb", "otp = ROTP::TOTP.new('JBSWY3DPEHPK3PXQ', issuer: 'Example')\n", []found{{RuleGeneric, "JBSWY3DPEHPK3PXQ", 1}}},
		{"otpauth uri", "uri_spec.rb", "expect(uri).to eq 'otpauth://totp/alice?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ'\n", []found{{RuleGeneric, "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ", 1}}},
		{"totp words are not secrets", "totp.js", "const label = authenticator.keyuri('ALICE', 'EXAMPLECOMPANY')\n", nil},

		// Hashes and versions.
		{"django hash", "users.json", "{\"password\": \"sha1$1b11b$edeb0a67a9622f1f2cfeabf9188a711f5ac7d236\"}\n", nil},
		{"crypt hash", "auth_test.go", "ok := check(\"password\", \"$8$rounds=50000$aFr56HjK3DrB8t3S$zhPQiS85cgBlNhUKKE6n\")\n", nil},
		{"dependency version", "package.json", "{\"dependencies\": {\"parse-passwd\": \"^1.0.0\", \"tokenizer\": \"~2.3.1\"}}\n", nil},

		// Values that describe or point at a secret.
		{"descriptive placeholder", "forward-auth.yml", "secret: base64-something-random\nsecret_key_base: some-long-string\n", nil},
		{"shell-quoted reference", "docker.go", "body := `{\"password\": \"'$DOCKER_PASSWORD'\"}`\n", nil},
		{"file reference", "openssl.rb", "cmd = 'openssl enc -pass file:password_file'\njwt-secret = \"@/dev/stdin\"\n", nil},
		{"a number", "README.md", "NX-ANTI-CSRF-TOKEN: 0.6080434247960143\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkDetect(t, tt.path, tt.text, tt.want) })
	}
}

func TestRejectGenericFileNameKey(t *testing.T) {
	tests := []struct {
		match, secret string
		want          bool
	}{
		{`"spec/acceptance/has_key_spec.rb": "6509a26a0886f7d591eaa926b2f92407"`, "6509a26a0886f7d591eaa926b2f92407", true},
		{`"lib/puppet/parser/functions/keys.rb": "eb6ac815ea14fbf423580ed903ef7bad"`, "eb6ac815ea14fbf423580ed903ef7bad", true},
		{`api_key = "eb6ac815ea14fbf423580ed903ef7bad"`, "eb6ac815ea14fbf423580ed903ef7bad", false},
	}
	for _, tt := range tests {
		if got := RejectGeneric(tt.match, tt.secret); got != tt.want {
			t.Errorf("RejectGeneric(%q) = %v, want %v", tt.match, got, tt.want)
		}
	}
}

// TestLineFlags checks lineFlags against the plain search it speeds up:
// every place, every word of flagWords, the first that matches counting.
func TestLineFlags(t *testing.T) {
	plain := func(low string) uint16 {
		var f uint16
		for i := range len(low) {
			for _, fw := range flagWords[low[i]] {
				if strings.HasPrefix(low[i:], fw.word) {
					f |= fw.flags
					break
				}
			}
		}
		return f
	}
	var words []string
	for _, fws := range flagWords {
		for _, fw := range fws {
			words = append(words, fw.word, fw.word[:len(fw.word)-1])
		}
	}
	pieces := append(words, " ", "=", "p", "a", "s", ":", "/", "x", "\u00e9")
	rng := rand.New(rand.NewPCG(21, 22))
	set := 0
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		low := b.String()
		got, want := lineFlags(low), plain(low)
		if got != want {
			t.Fatalf("lineFlags(%q) = %b, want %b", low, got, want)
		}
		if got != 0 {
			set++
		}
	}
	if set < 1000 {
		t.Fatalf("only %d lines with a flag: the test does not exercise the words", set)
	}
}
