package gofacts

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// benchFiles is the size of the generated tree: 100 packages of 20 files.
const (
	benchPackages = 100
	benchPerPkg   = 20
)

// handlerFile is a typical file of a Go API service (about 80 lines):
// handlers, SQL, TLS, headers, errors.
const handlerFile = `package %[1]s

import (
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"time"
)

const table%[2]d = "items_%[2]d"

type Item%[2]d struct {
	ID    int     ` + "`json:\"id\"`" + `
	Name  string  ` + "`json:\"name\"`" + `
	Price float64 ` + "`json:\"price\"`" + `
}

type Store%[2]d struct {
	db     *sql.DB
	client *http.Client
}

func NewStore%[2]d(db *sql.DB) *Store%[2]d {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	return &Store%[2]d{db: db, client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}}
}

func (s *Store%[2]d) Get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	var it Item%[2]d
	row := s.db.QueryRowContext(r.Context(), fmt.Sprintf("SELECT id, name, price FROM %%s WHERE id = $1", table%[2]d), id)
	if err := row.Scan(&it.ID, &it.Name, &it.Price); err != nil {
		log.Printf("get: %%v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(it); err != nil {
		log.Printf("encode: %%v", err)
	}
}

func (s *Store%[2]d) Search(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	rows, err := s.db.Query("SELECT id FROM " + table%[2]d + " WHERE name = '" + name + "'")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return
		}
		ids = append(ids, id)
	}
	json.NewEncoder(w).Encode(ids)
}

func (s *Store%[2]d) Upstream(url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("upstream %%d: %%w", %[2]d, err)
	}
	return s.client.Do(req)
}
`

// writeBenchTree writes a module of benchPackages packages with
// benchPerPkg files each, and returns its file list.
func writeBenchTree(tb testing.TB, root string) []scan.File {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module bench\n\ngo 1.24\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	var files []scan.File
	for p := range benchPackages {
		pkg := fmt.Sprintf("pkg%03d", p)
		dir := filepath.Join(root, "internal", pkg)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		for i := range benchPerPkg {
			rel := fmt.Sprintf("internal/%s/file%02d.go", pkg, i)
			abs := filepath.Join(root, filepath.FromSlash(rel))
			src := fmt.Sprintf(handlerFile, pkg, i)
			if err := os.WriteFile(abs, []byte(src), 0o644); err != nil {
				tb.Fatal(err)
			}
			files = append(files, scan.File{Path: rel, Abs: abs, Size: int64(len(src))})
		}
	}
	return files
}

// TestBenchTreeFacts checks that the generated tree is valid Go and gives
// the facts the benchmark is meant to measure.
func TestBenchTreeFacts(t *testing.T) {
	root := t.TempDir()
	files := writeBenchTree(t, root)
	fx, err := Extract(context.Background(), files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fx.Skipped) != 0 || len(fx.Files) != benchPackages*benchPerPkg {
		t.Fatalf("skipped %v, %d files", fx.Skipped, len(fx.Files))
	}
	tainted := 0
	for _, s := range fx.SQL {
		for _, o := range s.Origins {
			if o.Kind == OriginRequest {
				tainted++
			}
		}
	}
	if tainted != benchPackages*benchPerPkg {
		t.Errorf("%d SQL calls built from the request, want %d", tainted, benchPackages*benchPerPkg)
	}
}

// BenchmarkGoFactsVsGosec extracts the Go facts of a generated tree of
// 2,000 files, and runs `gosec ./...` once on the same tree in the same
// run (when gosec is on PATH, or at $GOSEC), reporting how many times
// faster the extraction is:
//
//	go test -run XXX -bench GoFactsVsGosec -benchtime 5x ./scan/gofacts/
func BenchmarkGoFactsVsGosec(b *testing.B) {
	root := b.TempDir()
	files := writeBenchTree(b, root)
	ctx := context.Background()
	var per time.Duration
	b.Run("extract", func(b *testing.B) {
		for b.Loop() {
			if _, err := Extract(ctx, files, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		per = b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(len(files))/per.Seconds(), "files/s")
	})
	gosec := os.Getenv("GOSEC")
	if gosec == "" {
		gosec, _ = exec.LookPath("gosec")
	}
	if gosec == "" {
		b.Log("gosec not found (go install github.com/securego/gosec/v2/cmd/gosec@v2.28.0, or set GOSEC): no ratio")
		return
	}
	b.Run("gosec", func(b *testing.B) {
		var took time.Duration
		for b.Loop() {
			start := time.Now()
			cmd := exec.Command(gosec, "-quiet", "-no-fail", "-fmt=json", "-out="+filepath.Join(b.TempDir(), "gosec.json"), "./...")
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("gosec: %v\n%s", err, out)
			}
			took = time.Since(start)
		}
		b.ReportMetric(float64(len(files))/took.Seconds(), "files/s")
		if per > 0 {
			b.ReportMetric(took.Seconds()/per.Seconds(), "x-slower-than-gofacts")
		}
	})
}
