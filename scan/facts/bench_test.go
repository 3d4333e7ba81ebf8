package facts

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchFiles is the size of the generated tree the benchmark parses.
const benchFiles = 2000

// writeBenchTree writes a FastAPI project of n Python modules (routers,
// models, helpers, and now and then a risky call) under dir.
func writeBenchTree(dir string, n int) error {
	write := func(rel, content string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	if err := write("requirements.txt", "fastapi==0.110.0\nhttpx\npyjwt==2.8.0\n"); err != nil {
		return err
	}
	if err := write("app/__init__.py", ""); err != nil {
		return err
	}
	if err := write("app/deps.py", benchDeps); err != nil {
		return err
	}
	var main strings.Builder
	main.WriteString("from fastapi import FastAPI\n\napp = FastAPI(title=\"bench\")\n\n")
	for i := 0; i < n-2; i++ {
		pkg := fmt.Sprintf("app/svc%02d", i%40)
		if i < 40 {
			if err := write(pkg+"/__init__.py", ""); err != nil {
				return err
			}
		}
		mod := fmt.Sprintf("%s/mod%d.py", pkg, i)
		if err := write(mod, benchModule(i)); err != nil {
			return err
		}
		if i%10 == 0 {
			imp := strings.ReplaceAll(strings.TrimSuffix(mod, ".py"), "/", ".")
			fmt.Fprintf(&main, "from %s import router as r%d\napp.include_router(r%d)\n", imp, i, i)
		}
	}
	return write("app/main.py", main.String())
}

const benchDeps = `import os

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

SECRET = os.environ["JWT_SECRET"]
oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def get_db():
    yield None


def get_current_user(token: str = Depends(oauth2)) -> str:
    try:
        payload = jwt.decode(token, SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
    return payload["sub"]
`

func benchModule(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `"""Service module %[1]d."""
import hashlib
import os
import subprocess
from typing import Annotated, Optional

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import text

from app.deps import get_current_user, get_db

SERVICE = "svc%[1]d"
TIMEOUT = float(os.getenv("TIMEOUT_%[1]d", "5"))
router = APIRouter(prefix="/svc%[1]d", tags=["svc%[1]d"])


class Item%[1]d(BaseModel):
    name: str
    price: float
    tags: list[str] = []


@router.get("/items")
async def list_items(q: Optional[str] = None, limit: int = Query(10, le=100), db=Depends(get_db)):
    rows = await db.execute(text("SELECT id, name FROM items WHERE name LIKE :q LIMIT :l"), {"q": f"%%{q}%%", "l": limit})
    return [dict(r) for r in rows]


@router.post("/items", status_code=201)
async def create_item(item: Item%[1]d, user: Annotated[str, Depends(get_current_user)], db=Depends(get_db)):
    if item.price < 0:
        raise HTTPException(status_code=422, detail="negative price")
    await db.execute(text("INSERT INTO items (name, price) VALUES (:n, :p)"), {"n": item.name, "p": item.price})
    return {"created": item.name, "by": user}


@router.delete("/items/{item_id}")
async def delete_item(item_id: int, request: Request, db=Depends(get_db)):
    body = await request.json()
    await db.execute(f"DELETE FROM items WHERE id = {item_id}")
    return {"deleted": item_id, "reason": body.get("reason")}
`, i)
	for k := 0; k < 6; k++ {
		fmt.Fprintf(&b, `

def helper_%[1]d_%[2]d(data: dict, *, strict: bool = False) -> dict:
    """Normalise a payload."""
    out = {}
    for key, value in sorted(data.items()):
        if isinstance(value, str) and (stripped := value.strip()):
            out[key.lower()] = stripped
        elif isinstance(value, (int, float)):
            out[key] = round(value * 1.%[2]d, 2)
        else:
            match value:
                case [first, *rest]:
                    out[key] = [first, len(rest)]
                case {"id": ident}:
                    out[key] = ident
                case _:
                    if strict:
                        raise ValueError(f"bad value for {key!r}: {value}")
    try:
        digest = hashlib.sha256(repr(out).encode()).hexdigest()
    except (TypeError, ValueError) as exc:
        digest = str(exc)
    return {"data": out, "digest": digest, "n": len(out)}
`, i, k)
	}
	if i%5 == 0 {
		fmt.Fprintf(&b, `

def fetch_%[1]d(url: str) -> str:
    resp = httpx.get(url, timeout=TIMEOUT, verify=False)
    subprocess.run("curl " + url, shell=True)
    return hashlib.md5(resp.content).hexdigest()
`, i)
	}
	return b.String()
}

// BenchmarkExtract measures facts extraction over a generated tree of 2,000
// Python files (or over $FACTS_BENCH_DIR), reporting files/s.
func BenchmarkExtract(b *testing.B) {
	dir := os.Getenv("FACTS_BENCH_DIR")
	generated := dir == ""
	if generated {
		dir = b.TempDir()
		if err := writeBenchTree(dir, benchFiles); err != nil {
			b.Fatal(err)
		}
	}
	files := listFiles(b, dir)
	py := 0
	var size int64
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".py") {
			py++
			size += f.Size
		}
	}
	b.SetBytes(size)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		f, err := Extract(context.Background(), files, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if generated && (len(f.Apps) != 1 || len(f.Skipped) != 0) {
			b.Fatalf("apps %d skipped %v", len(f.Apps), f.Skipped)
		}
	}
	b.ReportMetric(float64(py*b.N)/time.Since(start).Seconds(), "files/s")
}

// TestWriteBenchTree writes the benchmark tree to $FACTS_BENCH_DIR, for
// scan/facts/bench/compare.sh to run Bandit on the same files.
func TestWriteBenchTree(t *testing.T) {
	dir := os.Getenv("FACTS_BENCH_DIR")
	if dir == "" {
		t.Skip("set FACTS_BENCH_DIR to write the benchmark tree")
	}
	if err := writeBenchTree(dir, benchFiles); err != nil {
		t.Fatal(err)
	}
}

// TestBenchTreeFacts keeps the generated tree honest: it parses, and the
// facts see its routes, auth and risky calls.
func TestBenchTreeFacts(t *testing.T) {
	dir := t.TempDir()
	if err := writeBenchTree(dir, 52); err != nil {
		t.Fatal(err)
	}
	f := extractDir(t, dir)
	if len(f.Skipped) != 0 || len(f.Apps) != 1 {
		t.Fatalf("skipped %v apps %d", f.Skipped, len(f.Apps))
	}
	routes := f.Apps[0].Routes
	if len(routes) != 5*3 {
		t.Errorf("routes = %d, want 15 (5 included routers x 3)", len(routes))
	}
	for _, r := range routes {
		if want := r.Methods[0] == "POST"; r.Auth != want {
			t.Errorf("%v %s auth = %v", r.Methods, r.URL, r.Auth)
		}
	}
	verify := 0
	for _, c := range f.Calls {
		if c.Callee == "httpx.get" && c.Args["verify"].Value == false {
			verify++
		}
	}
	if verify != 10 {
		t.Errorf("httpx.get(verify=False) calls = %d, want 10", verify)
	}
}

// TestDumpFacts writes the facts of $FACTS_BENCH_DIR as JSON to
// $FACTS_DUMP, to compare what two builds extract from a real tree (a
// speed change must not change the facts).
func TestDumpFacts(t *testing.T) {
	dir, out := os.Getenv("FACTS_BENCH_DIR"), os.Getenv("FACTS_DUMP")
	if dir == "" || out == "" {
		t.Skip("set FACTS_BENCH_DIR and FACTS_DUMP to dump the facts of a tree")
	}
	f, err := Extract(context.Background(), listFiles(t, dir), Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
