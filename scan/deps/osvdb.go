package deps

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	pep440 "github.com/aquasecurity/go-pep440-version"
	"gopkg.in/yaml.v3"
)

// pyIndex maps a normalized PyPI name to the advisories that name it.
type pyIndex map[string][]*osvEntry

// loadRecords reads an offline OSV database: a folder tree of OSV records
// (JSON or YAML) or an all.zip. want, when not nil, lists the normalized
// names worth loading: in the PyPA layout (vulns/<package>/*.yaml) folders
// of other packages are not even read. Unreadable records are reported in
// the error, alongside the records that could be read.
func loadRecords(ctx context.Context, db string, want map[string]bool) ([]*osvEntry, error) {
	fi, err := os.Stat(db)
	if err != nil {
		return nil, fmt.Errorf("OSV database %s: %w", db, err)
	}
	var jobs []func() (*osvEntry, error)
	if !fi.IsDir() {
		if !strings.HasSuffix(strings.ToLower(db), ".zip") {
			return nil, fmt.Errorf("OSV database %s: want a folder of OSV records or an all.zip", db)
		}
		b, err := os.ReadFile(db)
		if err != nil {
			return nil, fmt.Errorf("OSV database %s: %w", db, err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, fmt.Errorf("OSV database %s: %w", db, err)
		}
		for _, f := range zr.File {
			name := f.Name
			if f.FileInfo().IsDir() || !isRecordFile(name) {
				continue
			}
			jobs = append(jobs, func() (*osvEntry, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, fmt.Errorf("%s in %s: %w", name, db, err)
				}
				defer rc.Close()
				data, err := io.ReadAll(rc)
				if err != nil {
					return nil, fmt.Errorf("%s in %s: %w", name, db, err)
				}
				return decodeRecord(name, data)
			})
		}
	} else {
		err := filepath.WalkDir(db, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != db && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				// PyPA layout: vulns/<package>/. Skip packages nobody uses.
				if want != nil && filepath.Base(filepath.Dir(p)) == "vulns" && !want[normalize(d.Name())] {
					return filepath.SkipDir
				}
				return nil
			}
			if !isRecordFile(p) {
				return nil
			}
			jobs = append(jobs, func() (*osvEntry, error) {
				data, err := os.ReadFile(p)
				if err != nil {
					return nil, err
				}
				return decodeRecord(p, data)
			})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("OSV database %s: %w", db, err)
		}
	}

	// Decode in parallel: YAML decoding is the cost of loading.
	entries := make([]*osvEntry, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				entries[i], errs[i] = jobs[i]()
			}
		}()
	}
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []*osvEntry
	var bad []string
	for i, e := range entries {
		if errs[i] != nil {
			bad = append(bad, errs[i].Error())
			continue
		}
		if e == nil || e.ID == "" || e.Withdrawn != "" {
			continue
		}
		out = append(out, e)
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("and %d more", len(bad)-5))
		}
		return out, fmt.Errorf("OSV database %s: unreadable records: %s", db, strings.Join(bad, "; "))
	}
	return out, nil
}

// indexEntries maps each PyPI package to the advisories that name it.
func indexEntries(entries []*osvEntry) pyIndex {
	idx := pyIndex{}
	for _, e := range entries {
		seen := map[string]bool{}
		for _, a := range e.Affected {
			if !strings.EqualFold(a.Package.Ecosystem, "PyPI") {
				continue
			}
			name := normalize(a.Package.Name)
			if !seen[name] {
				seen[name] = true
				idx[name] = append(idx[name], e)
			}
		}
	}
	return idx
}

// osvCacheVersion changes whenever the cached form of records changes.
const osvCacheVersion = "pipeguard-osv-1"

// loadOSVDB loads an offline OSV database. With a cache folder, the parsed
// records of the whole database are kept there, keyed by the names, sizes
// and modification times of its files, so that later scans skip parsing
// (YAML parsing is most of the cost). It returns the index, the number of
// records, and whether they came from the cache.
func loadOSVDB(ctx context.Context, db string, want map[string]bool, cacheDir string) (pyIndex, int, bool, error) {
	if cacheDir == "" {
		entries, err := loadRecords(ctx, db, want)
		if entries == nil && err != nil {
			return nil, 0, false, err
		}
		return indexEntries(entries), len(entries), false, err
	}
	key, err := osvCacheKey(db)
	if err != nil {
		return nil, 0, false, fmt.Errorf("OSV database %s: %w", db, err)
	}
	p := filepath.Join(cacheDir, "osv", key[:2], key+".gob")
	if f, err := os.Open(p); err == nil {
		var entries []*osvEntry
		derr := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&entries)
		f.Close()
		if derr == nil {
			return indexEntries(entries), len(entries), true, nil
		}
	}
	entries, err := loadRecords(ctx, db, nil)
	if err != nil {
		if entries == nil {
			return nil, 0, false, err
		}
		return indexEntries(entries), len(entries), false, err
	}
	saveOSVCache(p, entries)
	return indexEntries(entries), len(entries), false, nil
}

// osvCacheKey hashes the record files' names, sizes and times.
func osvCacheKey(db string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", osvCacheVersion, db)
	fi, err := os.Stat(db)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		fmt.Fprintf(h, "%d\x00%d\x00", fi.Size(), fi.ModTime().UnixNano())
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	err = filepath.WalkDir(db, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != db && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isRecordFile(p) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", p, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// saveOSVCache writes the records in their compact form: canonical
// versions (Canon) instead of the versions lists, details shortened.
func saveOSVCache(p string, entries []*osvEntry) {
	slim := make([]*osvEntry, len(entries))
	for i, e := range entries {
		c := *e
		if len(c.Details) > 400 {
			c.Details = c.Details[:400]
		}
		c.Affected = append([]osvAffected(nil), e.Affected...)
		for j := range c.Affected {
			c.Affected[j].Versions = nil
		}
		c.py = nil
		slim[i] = &c
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp := p + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if gob.NewEncoder(w).Encode(slim) != nil || w.Flush() != nil || f.Close() != nil {
		f.Close()
		os.Remove(tmp)
		return
	}
	_ = os.Rename(tmp, p)
}

func isRecordFile(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, ".json") || strings.HasSuffix(l, ".yaml") || strings.HasSuffix(l, ".yml")
}

func decodeRecord(name string, data []byte) (*osvEntry, error) {
	var e osvEntry
	var err error
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		err = json.Unmarshal(data, &e)
	} else {
		err = yaml.Unmarshal(data, &e)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	e.prepare()
	return &e, nil
}

// pyPrepared is the PyPI part of an advisory made ready for matching: the
// explicit versions in canonical form and the range events parsed once.
type pyPrepared struct {
	versions string // canonical versions, each between newlines
	ranges   [][]pyEvent
}

type pyEvent struct {
	kind byte // 'i'ntroduced, 'f'ixed, 'l'ast_affected
	raw  string
	zero bool // introduced "0"
	v    pep440.Version
}

// prepare computes, for each PyPI package e affects, its pyPrepared form.
// Loading calls it in parallel so matching costs no version parsing.
func (e *osvEntry) prepare() {
	e.py = map[string]*pyPrepared{}
	for i := range e.Affected {
		a := &e.Affected[i]
		if !strings.EqualFold(a.Package.Ecosystem, "PyPI") {
			continue
		}
		name := normalize(a.Package.Name)
		pp := e.py[name]
		if pp == nil {
			pp = &pyPrepared{}
			e.py[name] = pp
		}
		if a.Canon == "" && len(a.Versions) > 0 {
			var b strings.Builder
			b.WriteByte('\n')
			for _, v := range a.Versions {
				b.WriteString(canonPEP440(v))
				b.WriteByte('\n')
			}
			a.Canon = b.String()
		}
		pp.versions += a.Canon
		for _, r := range a.Ranges {
			if r.Type != "ECOSYSTEM" {
				continue
			}
			var evs []pyEvent
			for _, ev := range r.Events {
				var pe pyEvent
				switch {
				case ev.Introduced != "":
					pe = pyEvent{kind: 'i', raw: ev.Introduced, zero: ev.Introduced == "0"}
				case ev.Fixed != "":
					pe = pyEvent{kind: 'f', raw: ev.Fixed}
				case ev.LastAffected != "":
					pe = pyEvent{kind: 'l', raw: ev.LastAffected}
				default:
					continue
				}
				if !pe.zero {
					v, err := pep440.Parse(pe.raw)
					if err != nil {
						continue
					}
					pe.v = v
				}
				evs = append(evs, pe)
			}
			pp.ranges = append(pp.ranges, evs)
		}
	}
}

// canonPEP440 is a cheap canonical form for comparing versions for
// equality: plain dotted releases lose trailing zeros ("1.0.0" == "1"),
// anything else goes through the PEP 440 parser's normal form.
func canonPEP440(v string) string {
	v = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(v)), "v")
	plain := v != ""
	for i := 0; i < len(v); i++ {
		if (v[i] < '0' || v[i] > '9') && v[i] != '.' {
			plain = false
			break
		}
	}
	if plain {
		for strings.HasSuffix(v, ".0") {
			v = strings.TrimSuffix(v, ".0")
		}
		return v
	}
	if pv, err := pep440.Parse(v); err == nil {
		return pv.String()
	}
	return v
}

// pyAffects reports whether version of the normalized package name is
// affected by e, through its explicit versions list or its ECOSYSTEM ranges
// (PEP 440 ordering), and the earliest fixed version above it.
func pyAffects(e *osvEntry, name, version string) (bool, string) {
	if e.py == nil {
		e.prepare()
	}
	pp := e.py[name]
	if pp == nil {
		return false, ""
	}
	hit := pp.versions != "" && strings.Contains(pp.versions, "\n"+canonPEP440(version)+"\n")
	v, err := pep440.Parse(version)
	if err != nil {
		return hit, ""
	}
	fixed := ""
	var fixedV pep440.Version
	for _, evs := range pp.ranges {
		in := false
		for _, ev := range evs {
			switch ev.kind {
			case 'i':
				if ev.zero || v.GreaterThanOrEqual(ev.v) {
					in = true
				}
			case 'f':
				if v.GreaterThanOrEqual(ev.v) {
					in = false
				} else if in {
					hit = true
					if fixed == "" || ev.v.LessThan(fixedV) {
						fixed, fixedV = ev.raw, ev.v
					}
				}
			case 'l':
				if v.GreaterThan(ev.v) {
					in = false
				} else if in {
					hit = true
				}
			}
		}
		if in {
			hit = true
		}
	}
	return hit, fixed
}

// osvAPI queries the OSV API (https://google.github.io/osv.dev/api/).
type osvAPI struct {
	base   string
	client *http.Client
	batch  int
}

// querybatch returns, for each package, the advisories that affect it.
func (o *osvAPI) query(ctx context.Context, pkgs []pyPkg) (map[string][]*osvEntry, error) {
	type q struct {
		Package struct {
			Name      string `json:"name"`
			Ecosystem string `json:"ecosystem"`
		} `json:"package"`
		Version string `json:"version"`
	}
	type resp struct {
		Results []struct {
			Vulns []struct {
				ID string `json:"id"`
			} `json:"vulns"`
			NextPageToken string `json:"next_page_token"`
		} `json:"results"`
	}
	// One query per distinct (name, version).
	keys := map[string]bool{}
	var uniq []pyPkg
	for _, p := range pkgs {
		k := p.Name + "@" + p.Version
		if !keys[k] {
			keys[k] = true
			uniq = append(uniq, p)
		}
	}
	ids := map[string][]string{}
	size := o.batch
	if size <= 0 {
		size = 1000
	}
	for start := 0; start < len(uniq); start += size {
		end := min(start+size, len(uniq))
		var body struct {
			Queries []q `json:"queries"`
		}
		for _, p := range uniq[start:end] {
			var qq q
			qq.Package.Name = p.Name
			qq.Package.Ecosystem = "PyPI"
			qq.Version = p.Version
			body.Queries = append(body.Queries, qq)
		}
		var r resp
		if err := o.post(ctx, "/v1/querybatch", body, &r); err != nil {
			return nil, err
		}
		if len(r.Results) != end-start {
			return nil, fmt.Errorf("OSV API %s: %d results for %d queries", o.base, len(r.Results), end-start)
		}
		for i, res := range r.Results {
			p := uniq[start+i]
			k := p.Name + "@" + p.Version
			for _, v := range res.Vulns {
				ids[k] = append(ids[k], v.ID)
			}
			// A package with many advisories is paged: follow it alone.
			for token := res.NextPageToken; token != ""; {
				var page struct {
					Vulns []struct {
						ID string `json:"id"`
					} `json:"vulns"`
					NextPageToken string `json:"next_page_token"`
				}
				qq := struct {
					q
					PageToken string `json:"page_token"`
				}{PageToken: token}
				qq.Package.Name, qq.Package.Ecosystem, qq.Version = p.Name, "PyPI", p.Version
				if err := o.post(ctx, "/v1/query", qq, &page); err != nil {
					return nil, err
				}
				for _, v := range page.Vulns {
					ids[k] = append(ids[k], v.ID)
				}
				if page.NextPageToken == token {
					break
				}
				token = page.NextPageToken
			}
		}
	}
	// Fetch each advisory once, 8 at a time.
	var want []string
	wanted := map[string]bool{}
	for _, l := range ids {
		for _, id := range l {
			if !wanted[id] {
				wanted[id] = true
				want = append(want, id)
			}
		}
	}
	all := map[string]*osvEntry{}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, id := range want {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var e osvEntry
			err := o.get(ctx, "/v1/vulns/"+id, &e)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			e.prepare()
			all[id] = &e
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	out := map[string][]*osvEntry{}
	for k, l := range ids {
		seen := map[string]bool{}
		for _, id := range l {
			if e := all[id]; e != nil && !seen[id] {
				seen[id] = true
				out[k] = append(out[k], e)
			}
		}
	}
	return out, nil
}

func (o *osvAPI) post(ctx context.Context, p string, body, into any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.base+p, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return o.do(req, into)
}

func (o *osvAPI) get(ctx context.Context, p string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.base+p, nil)
	if err != nil {
		return err
	}
	return o.do(req, into)
}

func (o *osvAPI) do(req *http.Request, into any) error {
	resp, err := o.client.Do(req)
	if err != nil {
		return fmt.Errorf("OSV API %s unreachable: %w", o.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("OSV API %s %s: %s %s", req.Method, req.URL, resp.Status, strings.TrimSpace(string(msg)))
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("OSV API %s %s: %w", req.Method, req.URL, err)
	}
	return nil
}
