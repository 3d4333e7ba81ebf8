package deps

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// importAliases maps distributions whose import name differs from their
// name to the top-level modules they install.
var importAliases = map[string][]string{
	"pyjwt":                    {"jwt"},
	"python-jose":              {"jose"},
	"pyyaml":                   {"yaml"},
	"beautifulsoup4":           {"bs4"},
	"pillow":                   {"PIL"},
	"scikit-learn":             {"sklearn"},
	"python-multipart":         {"multipart", "python_multipart"},
	"python-dateutil":          {"dateutil"},
	"python-dotenv":            {"dotenv"},
	"opencv-python":            {"cv2"},
	"opencv-python-headless":   {"cv2"},
	"mysqlclient":              {"MySQLdb"},
	"psycopg2-binary":          {"psycopg2"},
	"psycopg-binary":           {"psycopg"},
	"protobuf":                 {"google.protobuf"},
	"attrs":                    {"attr", "attrs"},
	"pycryptodome":             {"Crypto"},
	"pycryptodomex":            {"Cryptodome"},
	"pyopenssl":                {"OpenSSL"},
	"msgpack-python":           {"msgpack"},
	"scikit-image":             {"skimage"},
	"setuptools":               {"setuptools", "pkg_resources"},
	"websocket-client":         {"websocket"},
	"google-cloud-storage":     {"google.cloud.storage"},
	"djangorestframework":      {"rest_framework"},
	"pysaml2":                  {"saml2"},
	"python-ldap":              {"ldap"},
	"ruamel-yaml":              {"ruamel.yaml"},
	"python-socketio":          {"socketio"},
	"python-engineio":          {"engineio"},
	"grpcio":                   {"grpc"},
	"azure-storage-blob":       {"azure.storage.blob"},
	"apache-airflow":           {"airflow"},
	"pyjwt-crypto":             {"jwt"},
	"python-keycloak":          {"keycloak"},
	"python-magic":             {"magic"},
	"pymongo":                  {"pymongo", "bson", "gridfs"},
	"google-auth":              {"google.auth"},
	"dnspython":                {"dns"},
	"pyhcl":                    {"hcl"},
	"python-gnupg":             {"gnupg"},
	"pynacl":                   {"nacl"},
	"pyzmq":                    {"zmq"},
	"pywin32":                  {"win32api", "win32con"},
	"ansible-core":             {"ansible"},
	"python-openstackclient":   {"openstackclient"},
	"opentelemetry-api":        {"opentelemetry"},
	"opentelemetry-sdk":        {"opentelemetry"},
	"zope-interface":           {"zope.interface"},
	"backports-zoneinfo":       {"backports.zoneinfo"},
	"google-api-python-client": {"googleapiclient"},
}

// importNames lists the top-level import names of a normalized distribution.
func importNames(dist string) []string {
	if l, ok := importAliases[dist]; ok {
		return l
	}
	return []string{strings.ReplaceAll(dist, "-", "_")}
}

var (
	importStmt = regexp.MustCompile(`^\s*import\s+(.+)$`)
	fromStmt   = regexp.MustCompile(`^\s*from\s+([A-Za-z_][\w.]*)\s+import\b`)
)

// pythonImports scans the project's Python files for import statements and
// returns the imported module paths and each of their dotted prefixes
// ("google.cloud.storage" gives "google", "google.cloud" and itself).
// Relative imports are the project's own and are left out. It is a line
// scan: an import inside a string counts too, which errs on the side of
// "imported".
func pythonImports(root string, files []string) map[string]bool {
	out := map[string]bool{}
	add := func(mod string) {
		mod = strings.TrimSpace(mod)
		if mod == "" || strings.HasPrefix(mod, ".") {
			return
		}
		parts := strings.Split(mod, ".")
		for i := range parts {
			out[strings.Join(parts[:i+1], ".")] = true
		}
	}
	for _, rel := range files {
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		for sc.Scan() {
			line := sc.Text()
			if !strings.Contains(line, "import") {
				continue
			}
			if m := fromStmt.FindStringSubmatch(line); m != nil {
				add(m[1])
				continue
			}
			if m := importStmt.FindStringSubmatch(line); m != nil {
				list := m[1]
				if i := strings.Index(list, "#"); i >= 0 {
					list = list[:i]
				}
				for _, item := range strings.Split(strings.Trim(list, "()\\ "), ",") {
					item = strings.TrimSpace(item)
					if i := strings.Index(item, " as "); i >= 0 {
						item = item[:i]
					}
					add(item)
				}
			}
		}
		f.Close()
	}
	return out
}
