package deps

import (
	"archive/zip"
	"bytes"
	"context"
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

// loadOSVDB reads an offline OSV database: a folder tree of OSV records
// (JSON or YAML) or an all.zip. want, when not nil, lists the normalized
// names worth loading: in the PyPA layout (vulns/<package>/*.yaml) folders
// of other packages are not even read.
func loadOSVDB(ctx context.Context, db string, want map[string]bool) (pyIndex, int, error) {
	fi, err := os.Stat(db)
	if err != nil {
		return nil, 0, fmt.Errorf("OSV database %s: %w", db, err)
	}
	var jobs []func() (*osvEntry, error)
	if !fi.IsDir() {
		if !strings.HasSuffix(strings.ToLower(db), ".zip") {
			return nil, 0, fmt.Errorf("OSV database %s: want a folder of OSV records or an all.zip", db)
		}
		b, err := os.ReadFile(db)
		if err != nil {
			return nil, 0, fmt.Errorf("OSV database %s: %w", db, err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, 0, fmt.Errorf("OSV database %s: %w", db, err)
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
			return nil, 0, fmt.Errorf("OSV database %s: %w", db, err)
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
		return nil, 0, err
	}
	idx := pyIndex{}
	n := 0
	var bad []string
	for i, e := range entries {
		if errs[i] != nil {
			bad = append(bad, errs[i].Error())
			continue
		}
		if e == nil || e.ID == "" || e.Withdrawn != "" {
			continue
		}
		n++
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
	if len(bad) > 0 {
		sort.Strings(bad)
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("and %d more", len(bad)-5))
		}
		return idx, n, fmt.Errorf("OSV database %s: unreadable records: %s", db, strings.Join(bad, "; "))
	}
	return idx, n, nil
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
	return &e, nil
}

// pyAffects reports whether version of the normalized package name is
// affected by e, through its explicit versions list or its ECOSYSTEM ranges
// (PEP 440 ordering), and the earliest fixed version above it.
func pyAffects(e *osvEntry, name, version string) (bool, string) {
	v, verr := pep440.Parse(version)
	hit := false
	fixed := ""
	var fixedV pep440.Version
	for _, a := range e.Affected {
		if !strings.EqualFold(a.Package.Ecosystem, "PyPI") || normalize(a.Package.Name) != name {
			continue
		}
		for _, av := range a.Versions {
			if av == version {
				hit = true
			} else if verr == nil {
				if pv, err := pep440.Parse(av); err == nil && pv.Equal(v) {
					hit = true
				}
			}
		}
		if verr != nil {
			continue
		}
		for _, r := range a.Ranges {
			if r.Type != "ECOSYSTEM" {
				continue
			}
			in := false
			for _, ev := range r.Events {
				switch {
				case ev.Introduced != "":
					if ev.Introduced == "0" {
						in = true
					} else if iv, err := pep440.Parse(ev.Introduced); err == nil && v.GreaterThanOrEqual(iv) {
						in = true
					}
				case ev.Fixed != "":
					fv, err := pep440.Parse(ev.Fixed)
					if err != nil {
						continue
					}
					if v.GreaterThanOrEqual(fv) {
						in = false
					} else if in {
						hit = true
						if fixed == "" || fv.LessThan(fixedV) {
							fixed, fixedV = ev.Fixed, fv
						}
					}
				case ev.LastAffected != "":
					lv, err := pep440.Parse(ev.LastAffected)
					if err != nil {
						continue
					}
					if v.GreaterThan(lv) {
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
	}
	return hit, fixed
}

// pyFixed is the earliest fixed version above version in e's ranges.
func pyFixed(e *osvEntry, name, version string) string {
	_, f := pyAffects(e, name, version)
	return f
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
			for _, v := range res.Vulns {
				ids[p.Name+"@"+p.Version] = append(ids[p.Name+"@"+p.Version], v.ID)
			}
		}
	}
	// Fetch each advisory once.
	all := map[string]*osvEntry{}
	for _, l := range ids {
		for _, id := range l {
			all[id] = nil
		}
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for id := range all {
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
			all[id] = &e
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	out := map[string][]*osvEntry{}
	for k, l := range ids {
		for _, id := range l {
			if e := all[id]; e != nil {
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
