package deps

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/pipeguard/pipeguard/scan"
)

// DefaultGoVulnDB is the public Go vulnerability database.
const DefaultGoVulnDB = "https://vuln.go.dev"

// The bulk downloads that Pull fetches.
const (
	GoVulnDBZip = "https://vuln.go.dev/vulndb.zip"
	PyPIOSVZip  = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
)

// GoVulnDBURL turns what a user gave for --go-vulndb into the URL govulncheck
// reads: "" is the public database, http(s) and file URLs are kept, and
// anything else is a local folder, made absolute.
//
// Messages show the location through scan.MaskURL: a mirror's password or
// token never reaches an error.
func GoVulnDBURL(db string) (string, error) {
	switch {
	case db == "":
		return DefaultGoVulnDB, nil
	case strings.HasPrefix(db, "http://"), strings.HasPrefix(db, "https://"), strings.HasPrefix(db, "file://"):
		return strings.TrimRight(db, "/"), nil
	case strings.Contains(db, "://"):
		return "", fmt.Errorf("go vulnerability database %s: want an http(s) or file URL, or a local folder", scan.MaskURL(db))
	}
	abs, err := filepath.Abs(db)
	if err != nil {
		return "", fmt.Errorf("go vulnerability database %s: %w", db, err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") { // Windows: file:///C:/...
		u.Path = "/" + u.Path
	}
	return u.String(), nil
}

// CheckLocalDB refuses a URL where a local database is wanted (--osv-db,
// deps.osv_db): it would otherwise be taken for a relative path, and the
// errors of opening it would quote its credentials. The message masks them.
func CheckLocalDB(what, db string) error {
	if strings.Contains(db, "://") {
		return fmt.Errorf("%s %s: want a local folder or all.zip, not a URL (pipeguard db pull downloads one)", what, scan.MaskURL(db))
	}
	return nil
}

// goDBModified reads index/db.json of the database at dbURL: it checks that
// the database can be reached and is in govulncheck's layout, and its
// modified time keys the cache.
func goDBModified(ctx context.Context, dbURL string, client *http.Client) (time.Time, error) {
	var meta struct {
		Modified time.Time `json:"modified"`
	}
	var b []byte
	if dir, ok := strings.CutPrefix(dbURL, "file://"); ok {
		u, err := url.Parse(dbURL)
		if err == nil {
			dir = filepath.FromSlash(u.Path)
		}
		if len(dir) >= 3 && dir[0] == '\\' && dir[2] == ':' { // \C:\...
			dir = dir[1:]
		}
		if _, err := os.Stat(filepath.Join(dir, "index", "modules.json")); err != nil {
			return time.Time{}, fmt.Errorf("go vulnerability database %s: not in govulncheck's layout (index/modules.json): %w", dbURL, err)
		}
		b, err = os.ReadFile(filepath.Join(dir, "index", "db.json"))
		if err != nil {
			return time.Time{}, fmt.Errorf("go vulnerability database %s: %w", dbURL, err)
		}
	} else {
		var err error
		b, err = httpGet(ctx, client, dbURL+"/index/db.json.gz", true)
		if err != nil {
			b, err = httpGet(ctx, client, dbURL+"/index/db.json", false)
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("go vulnerability database %s unreachable: %s", scan.MaskURL(dbURL), scan.MaskURLs(err.Error()))
		}
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return time.Time{}, fmt.Errorf("go vulnerability database %s: index/db.json: %w", scan.MaskURL(dbURL), err)
	}
	return meta.Modified, nil
}

func httpGet(ctx context.Context, client *http.Client, u string, gz bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	var r io.Reader = resp.Body
	if gz {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
		defer zr.Close()
		r = zr
	}
	return io.ReadAll(io.LimitReader(r, 1<<30))
}

// BuildGoVulnDB writes, into out, govulncheck's database layout
// (index/db.json, index/modules.json, index/vulns.json, ID/<id>.json) from the
// Go OSV records (*.json) found anywhere under osvDir. It returns how many
// records it wrote.
func BuildGoVulnDB(osvDir, out string) (int, error) {
	type rec struct {
		entry osvEntry
		raw   []byte
	}
	var recs []rec
	err := filepath.WalkDir(osvDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var e osvEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if e.ID == "" || len(e.Affected) == 0 {
			// index files of an existing database, or not an advisory.
			return nil
		}
		recs = append(recs, rec{e, b})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read Go OSV records in %s: %w", osvDir, err)
	}
	if len(recs) == 0 {
		return 0, fmt.Errorf("read Go OSV records in %s: no OSV JSON record found", osvDir)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].entry.ID < recs[j].entry.ID })

	type modVuln struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Fixed    string    `json:"fixed,omitempty"`
	}
	type modMeta struct {
		Path  string    `json:"path"`
		Vulns []modVuln `json:"vulns"`
	}
	type vulnMeta struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Aliases  []string  `json:"aliases,omitempty"`
	}
	mods := map[string]*modMeta{}
	var vulns []vulnMeta
	var modified time.Time
	for _, r := range recs {
		e := r.entry
		mod, err := time.Parse(time.RFC3339, e.Modified)
		if err != nil {
			return 0, fmt.Errorf("%s: modified %q: %w", e.ID, e.Modified, err)
		}
		if mod.After(modified) {
			modified = mod
		}
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: mod, Aliases: e.Aliases})
		fixed := map[string]string{}
		open := map[string]bool{}
		for _, a := range e.Affected {
			m := a.goModule()
			if m == "" {
				continue
			}
			if _, ok := fixed[m]; !ok {
				fixed[m] = ""
			}
			for _, rg := range a.Ranges {
				if len(rg.Events) == 0 || rg.Events[len(rg.Events)-1].Fixed == "" {
					open[m] = true
				}
				for _, ev := range rg.Events {
					if ev.Fixed != "" && semver.Compare(canonSemver(ev.Fixed), canonSemver(fixed[m])) > 0 {
						fixed[m] = ev.Fixed
					}
				}
			}
		}
		for m, f := range fixed {
			if open[m] {
				f = ""
			}
			mm := mods[m]
			if mm == nil {
				mm = &modMeta{Path: m}
				mods[m] = mm
			}
			mm.Vulns = append(mm.Vulns, modVuln{ID: e.ID, Modified: mod, Fixed: strings.TrimPrefix(f, "v")})
		}
	}
	modList := make([]*modMeta, 0, len(mods))
	for _, m := range mods {
		modList = append(modList, m)
	}
	sort.Slice(modList, func(i, j int) bool { return modList[i].Path < modList[j].Path })

	if err := os.MkdirAll(filepath.Join(out, "ID"), 0o755); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(out, "index"), 0o755); err != nil {
		return 0, err
	}
	for _, r := range recs {
		if err := os.WriteFile(filepath.Join(out, "ID", r.entry.ID+".json"), r.raw, 0o644); err != nil {
			return 0, err
		}
	}
	write := func(name string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, "index", name), b, 0o644)
	}
	if err := write("db.json", map[string]time.Time{"modified": modified.UTC()}); err != nil {
		return 0, err
	}
	if err := write("modules.json", modList); err != nil {
		return 0, err
	}
	if err := write("vulns.json", vulns); err != nil {
		return 0, err
	}
	return len(recs), nil
}

// Pull downloads the Go vulnerability database and OSV's PyPI advisories for
// offline use: out/go is a folder for --go-vulndb and out/pypi/all.zip a file
// for --osv-db. It needs network access.
func Pull(ctx context.Context, client *http.Client, out string) error {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	get := func(u string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("download %s (is the network reachable?): %w", u, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("download %s: %s", u, resp.Status)
		}
		return io.ReadAll(resp.Body)
	}
	goZip, err := get(GoVulnDBZip)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(goZip), int64(len(goZip)))
	if err != nil {
		return fmt.Errorf("read %s: %w", GoVulnDBZip, err)
	}
	goDir := filepath.Join(out, "go")
	for _, f := range zr.File {
		name := path.Clean(f.Name)
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "..") || path.IsAbs(name) {
			continue
		}
		// The archive may hold the tree under a top folder: keep from
		// "index/" or "ID/" on.
		if i := strings.Index(name, "index/"); i > 0 {
			name = name[i:]
		} else if i := strings.Index(name, "ID/"); i > 0 {
			name = name[i:]
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("read %s in %s: %w", f.Name, GoVulnDBZip, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("read %s in %s: %w", f.Name, GoVulnDBZip, err)
		}
		dst := filepath.Join(goDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(goDir, "index", "modules.json")); err != nil {
		return fmt.Errorf("%s: no index/modules.json in the archive", GoVulnDBZip)
	}
	pyZip, err := get(PyPIOSVZip)
	if err != nil {
		return err
	}
	if _, err := zip.NewReader(bytes.NewReader(pyZip), int64(len(pyZip))); err != nil {
		return fmt.Errorf("read %s: %w", PyPIOSVZip, err)
	}
	if err := os.MkdirAll(filepath.Join(out, "pypi"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "pypi", "all.zip"), pyZip, 0o644)
}
