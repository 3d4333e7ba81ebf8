package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pipeguard/pipeguard/scan/git"
)

// heldOut are the repositories kept apart to check the work: never read.
var heldOut = map[string]bool{
	"requests-oauthlib": true, "docker-py": true, "paramiko": true,
	"django-allauth": true, "tornado": true, "chalice": true,
}

// repo is one repository of CredData's snapshot.json.
type repo struct {
	Name   string // owner/name
	Commit string
	ID     string // CredData's repository id: crc32 of the snapshot key
}

// label is one row of CredData's meta/*.csv.
type label struct {
	FileID     string
	RepoID     string
	FilePath   string // data/<repo id>/<scope>/<file id><ext>
	LineStart  int
	LineEnd    int
	Truth      string // T, F or X
	Categories []string
}

// loadSnapshot reads snapshot.json: the repositories and their commits.
func loadSnapshot(creddata string) ([]repo, error) {
	data, err := os.ReadFile(filepath.Join(creddata, "snapshot.json"))
	if err != nil {
		return nil, err
	}
	var snap map[string]string
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("snapshot.json: %w", err)
	}
	var out []repo
	for key, url := range snap {
		raw, err := hex.DecodeString(key)
		if err != nil || len(key) < 40 {
			return nil, fmt.Errorf("snapshot.json: bad key %q", key)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(url, "https://github.com/"), ".git")
		out = append(out, repo{Name: name, Commit: key[:40], ID: fmt.Sprintf("%08x", crc32.ChecksumIEEE(raw))})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// isHeldOut reports whether r is one of the six repositories kept apart.
func isHeldOut(r repo) bool { return heldOut[strings.ToLower(path.Base(r.Name))] }

// loadLabels reads meta/<id>.csv.
func loadLabels(creddata, id string) ([]label, error) {
	f, err := os.Open(filepath.Join(creddata, "meta", id+".csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd := csv.NewReader(f)
	head, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("meta/%s.csv: %w", id, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"FileID", "RepoName", "FilePath", "LineStart", "LineEnd", "GroundTruth", "Category"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("meta/%s.csv: no %s column", id, need)
		}
	}
	var out []label
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("meta/%s.csv: %w", id, err)
		}
		start, err1 := strconv.Atoi(rec[col["LineStart"]])
		end, err2 := strconv.Atoi(rec[col["LineEnd"]])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("meta/%s.csv: bad line range %v", id, rec)
		}
		out = append(out, label{
			FileID:     rec[col["FileID"]],
			RepoID:     rec[col["RepoName"]],
			FilePath:   rec[col["FilePath"]],
			LineStart:  start,
			LineEnd:    end,
			Truth:      rec[col["GroundTruth"]],
			Categories: strings.Split(rec[col["Category"]], ":"),
		})
	}
	return out, nil
}

// fileID is CredData's name for a file: the first 8 hex digits of the
// SHA-256 of its path in the repository.
func fileID(rel string) string {
	sum := sha256.Sum256([]byte(rel))
	return hex.EncodeToString(sum[:])[:8]
}

// gitDir returns the git directory of the mirror of name, or "".
func gitDir(mirrors, name string) string {
	base := filepath.Join(mirrors, strings.ReplaceAll(name, "/", "+"), "repo")
	if st, err := os.Stat(filepath.Join(base, ".git")); err == nil && st.IsDir() {
		return filepath.Join(base, ".git")
	}
	if _, err := os.Stat(filepath.Join(base, "HEAD")); err == nil {
		return base
	}
	return ""
}

// prepared is one line of repos.tsv.
type prepared struct {
	repo
	Status        string
	Files, Labels int
	T, F, X       int
	Missing       int // labelled files not found at the commit
}

func prepare(creddata, mirrors, out string) error {
	repos, err := loadSnapshot(creddata)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	ctx := context.Background()
	var rows []prepared
	for _, r := range repos {
		p := prepared{repo: r}
		switch {
		case isHeldOut(r):
			p.Status = "held-out"
		default:
			p.Status, err = prepareRepo(ctx, creddata, mirrors, out, &p)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Name, err)
			}
		}
		fmt.Fprintf(os.Stderr, "%-50s %-10s files %4d labels %5d (T %d)\n", r.Name, p.Status, p.Files, p.Labels, p.T)
		rows = append(rows, p)
	}
	return writeRepos(filepath.Join(out, "repos.tsv"), rows)
}

// prepareRepo writes the labelled files of one repository and returns its
// status: "used", or why it is not.
func prepareRepo(ctx context.Context, creddata, mirrors, out string, p *prepared) (string, error) {
	labels, err := loadLabels(creddata, p.ID)
	if errors.Is(err, os.ErrNotExist) {
		return "no-labels", nil
	}
	if err != nil {
		return "", err
	}
	gd := gitDir(mirrors, p.Name)
	if gd == "" {
		return "no-mirror", nil
	}
	if err := git.Command(ctx, gd, "cat-file", "-e", p.Commit+"^{commit}").Run(); err != nil {
		return "no-commit", nil
	}
	want := map[string]string{} // file id -> extension CredData gives it
	for _, l := range labels {
		want[l.FileID] = path.Ext(l.FilePath)
	}
	ls, err := git.Command(ctx, gd, "ls-tree", "-r", "-z", "--full-tree", p.Commit).Output()
	if err != nil {
		return "", fmt.Errorf("ls-tree: %w", err)
	}
	paths := map[string]string{} // file id -> path
	var specs []string
	for _, ent := range bytes.Split(ls, []byte{0}) {
		meta, rel, ok := strings.Cut(string(ent), "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta) // mode type object
		if len(f) != 3 || f[1] != "blob" || f[0] == "120000" || strings.HasSuffix(rel, ".xml") {
			continue // as download_data.py: no symlinks, no .xml
		}
		id := fileID(rel)
		ext, ok := want[id]
		if !ok || strings.ToLower(path.Ext(rel)) != ext {
			continue
		}
		if _, dup := paths[id]; dup {
			return "", fmt.Errorf("file id %s names two paths", id)
		}
		paths[id] = rel
		specs = append(specs, p.Commit+":"+rel)
	}
	blobs, err := catFiles(ctx, gd, specs)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(out, p.ID)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	for id, rel := range paths {
		data, ok := blobs[p.Commit+":"+rel]
		if !ok {
			delete(paths, id)
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return "", err
		}
	}
	p.Files = len(paths)
	p.Missing = len(want) - len(paths)
	for _, l := range labels {
		if _, ok := paths[l.FileID]; !ok {
			continue
		}
		p.Labels++
		switch l.Truth {
		case "T":
			p.T++
		case "F":
			p.F++
		default:
			p.X++
		}
	}
	return "used", nil
}

// catFiles reads "commit:path" blobs with one git cat-file --batch.
func catFiles(ctx context.Context, gd string, specs []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(specs) == 0 {
		return out, nil
	}
	cmd := git.Command(ctx, gd, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(specs, "\n") + "\n")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	rd := bufio.NewReaderSize(stdout, 1<<20)
	for _, spec := range specs {
		head, err := rd.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		f := strings.Fields(head)
		if len(f) == 2 && f[1] == "missing" {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("cat-file: unexpected %q", head)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("cat-file: %q", head)
		}
		buf := make([]byte, n+1) // content and a newline
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		out[spec] = buf[:n]
	}
	return out, cmd.Wait()
}

const reposHeader = "name\tcommit\tid\tstatus\tfiles\tlabels\tT\tF\tX\tmissing_files"

func writeRepos(file string, rows []prepared) error {
	var b strings.Builder
	b.WriteString("# CredData repositories: the commit each is labelled at, and whether the benchmark uses it.\n")
	b.WriteString("# status: used; held-out (kept apart, never read); no-mirror (no snapshot could be fetched,\n")
	b.WriteString("# over the 500 MiB limit); no-commit (the snapshot lacks the labelled commit).\n")
	b.WriteString(reposHeader + "\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", r.Name, r.Commit, r.ID, r.Status, r.Files, r.Labels, r.T, r.F, r.X, r.Missing)
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

// readRepos reads repos.tsv and returns the repositories used.
func readRepos(file string) ([]prepared, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []prepared
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") || line == reposHeader {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 10 {
			return nil, fmt.Errorf("%s: bad line %q", file, line)
		}
		if f[3] != "used" {
			continue
		}
		p := prepared{repo: repo{Name: f[0], Commit: f[1], ID: f[2]}, Status: f[3]}
		p.Files, _ = strconv.Atoi(f[4])
		p.Labels, _ = strconv.Atoi(f[5])
		out = append(out, p)
	}
	return out, nil
}
