package config

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/facts"
	"github.com/pipeguard/pipeguard/scan/policy"
	"github.com/pipeguard/pipeguard/scan/target"
)

// benchFiles is the size of the generated tree.
const benchFiles = 2000

// routerModule is a typical router module of a FastAPI service (about 90
// lines): models, dependencies, routes, HTTP and SQL calls.
const routerModule = `"""Routes for %[1]s."""
from __future__ import annotations

import hashlib
import logging
import os
from typing import Annotated

import httpx
import jwt
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import text

from ..deps import get_current_user, get_db

log = logging.getLogger(__name__)
router = APIRouter(prefix="/%[1]s", tags=["%[1]s"])
UPSTREAM = os.getenv("UPSTREAM_URL", "https://upstream.internal")
API_TOKEN = "tok-%[2]d-not-a-real-one"


class %[3]sIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: float = Field(gt=0)
    tags: list[str] = []


class %[3]sOut(%[3]sIn):
    id: int


@router.get("/", response_model=list[%[3]sOut])
async def list_%[1]s(db=Depends(get_db), limit: int = Query(50, le=100), token: str | None = None):
    rows = db.execute(text("SELECT id, name, price FROM %[1]s LIMIT :n"), {"n": limit})
    return [dict(r) for r in rows]


@router.get("/{item_id}", response_model=%[3]sOut)
async def get_%[1]s(item_id: int, db=Depends(get_db)):
    try:
        row = db.execute(f"SELECT * FROM %[1]s WHERE id = {item_id}").first()
    except Exception as exc:
        raise HTTPException(status_code=500, detail=str(exc))
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return row


@router.post("/", status_code=201)
async def create_%[1]s(item: %[3]sIn, user=Depends(get_current_user), db=Depends(get_db)):
    async with httpx.AsyncClient(verify=False, timeout=5) as client:
        await client.post(UPSTREAM + "/audit", json={"user": user.id, "item": item.name})
    db.execute(text("INSERT INTO %[1]s (name, price) VALUES (:n, :p)"), {"n": item.name, "p": item.price})
    return {"ok": True}


@router.put("/{item_id}")
async def update_%[1]s(item_id: int, request: Request, db=Depends(get_db)):
    body = await request.json()
    db.execute("UPDATE %[1]s SET name = '%%s' WHERE id = %%d" %% (body["name"], item_id))
    return {"ok": True}


@router.delete("/{item_id}")
async def delete_%[1]s(item_id: int, user: Annotated[dict, Depends(get_current_user)]):
    if user["token"] == API_TOKEN:
        log.info("admin token used")
    digest = hashlib.md5(user["password"].encode()).hexdigest()
    claims = jwt.decode(user["token"], API_TOKEN)
    return {"deleted": item_id, "by": claims.get("sub"), "digest": digest}


def helper_%[2]d(values: list[int]) -> int:
    total = 0
    for v in values:
        match v:
            case 0:
                continue
            case n if n < 0:
                total -= n
            case _:
                total += v
    return total
`

const mainModule = `import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware

from .routers import %[1]s

app = FastAPI(title="svc%[2]d", debug=True)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_KEY"])
app.include_router(%[1]s.router)
`

const depsModule = `from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def get_db():
    yield None


async def get_current_user(token: str = Depends(oauth2_scheme)):
    if not token:
        raise HTTPException(status_code=401)
    return {"token": token, "password": "", "id": 1}
`

// writeBenchTree writes a tree of total files ($PIPEGUARD_BENCH_FILES
// when total is 0, else benchFiles): services of 50 files, the shape of a
// monorepo. Each service has an app, its dependencies, requirements, a
// committed .env with a debug switch and secrets, a Dockerfile and a
// compose file, and routers for the rest.
func writeBenchTree(tb testing.TB, root string, total int) {
	tb.Helper()
	write := func(rel, src string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if total == 0 {
		total = benchFiles
		if v := os.Getenv("PIPEGUARD_BENCH_FILES"); v != "" {
			fmt.Sscan(v, &total)
		}
	}
	n := 0
	for svc := 0; n < total; svc++ {
		dir := fmt.Sprintf("services/svc%d", svc)
		base := dir + "/app"
		write(dir+"/requirements.txt", "fastapi\nhttpx>=0.27\npyjwt==2.8.0\n")
		write(base+"/main.py", fmt.Sprintf(mainModule, "items0", svc))
		write(base+"/deps.py", depsModule)
		write(dir+"/.env", fmt.Sprintf(envFile, svc))
		write(dir+"/Dockerfile", dockerfile)
		write(dir+"/docker-compose.yml", fmt.Sprintf(composeFile, svc))
		n += 6
		for i := 0; i < 44 && n < total; i++ {
			name := fmt.Sprintf("items%d", i)
			write(fmt.Sprintf("%s/routers/%s.py", base, name), fmt.Sprintf(routerModule, name, i, fmt.Sprintf("Item%d", i)))
			n++
		}
	}
}

const envFile = `DEBUG=true
APP_ENV=production
DATABASE_URL=postgres://app:s3cr3t-%[1]d@db:5432/app
SECRET_KEY=k-%[1]d-0123456789abcdef
SESSION_KEY=s-%[1]d-fedcba9876543210
`

const dockerfile = `FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
ENV PYTHONUNBUFFERED=1 DEBUG=1
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload", "--proxy-headers", "--forwarded-allow-ips", "*"]
`

const composeFile = `services:
  api%[1]d:
    build: .
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    environment:
      DEBUG: "true"
      SECRET_KEY: compose-secret-%[1]d
    ports:
      - "8000:8000"
`

// benchTarget is $PIPEGUARD_BENCH_TREE, else a generated tree.
func benchTarget(b *testing.B) (*scan.Target, []scan.File) {
	b.Helper()
	root := os.Getenv("PIPEGUARD_BENCH_TREE")
	if root == "" {
		root = b.TempDir()
		writeBenchTree(b, root, 0)
	}
	tree := target.NewTree(root, 0)
	files, _, err := tree.Files(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return &scan.Target{Root: root, Mode: scan.ModeTree, Tree: tree}, files
}

// cpuTime is the user+system CPU time of this process (RUSAGE_SELF) or of
// its finished children (RUSAGE_CHILDREN). On a shared machine it is a
// steadier measure than wall time.
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkConfigScan measures the whole config scanner (fact extraction
// and every built-in rule) over 2,000 generated Python files, and, in the
// same run, extraction alone, rule evaluation alone and Bandit over the
// same tree, so that the figures can be read as ratios:
//
//	go test -tags gore2regex -run XXX -bench ConfigScan -benchtime 2x ./scan/config/
func BenchmarkConfigScan(b *testing.B) {
	ctx := context.Background()
	t, files := benchTarget(b)
	py := 0
	for _, f := range files {
		if filepath.Ext(f.Path) == ".py" {
			py++
		}
	}
	s, err := New(Options{Facts: facts.Options{IsTracked: func(string) bool { return true }}})
	if err != nil {
		b.Fatal(err)
	}

	b.Run("scan", func(b *testing.B) {
		var findings int
		cpu0 := cpuTime(syscall.RUSAGE_SELF)
		for b.Loop() {
			res, err := s.Scan(ctx, t)
			if err != nil || len(res.Errors) > 0 {
				b.Fatalf("scan: %v %v", err, res.Errors)
			}
			findings = len(res.Findings)
		}
		b.ReportMetric(float64(py)*float64(b.N)/b.Elapsed().Seconds(), "pyfiles/s")
		b.ReportMetric((cpuTime(syscall.RUSAGE_SELF)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(findings), "findings")
	})

	b.Run("extract", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Facts(ctx, t, files); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(py)*float64(b.N)/b.Elapsed().Seconds(), "pyfiles/s")
	})

	// The reference: Bandit, the usual Python security linter, on the same
	// tree (its speed is what the issue asks to compare with).
	b.Run("bandit", func(b *testing.B) {
		bandit, err := exec.LookPath("bandit")
		if err != nil {
			b.Skip("bandit is not installed (apt-get install python3-bandit)")
		}
		cpu0 := cpuTime(syscall.RUSAGE_CHILDREN)
		for b.Loop() {
			cmd := exec.Command(bandit, "-r", "-q", "-f", "json", "-o", filepath.Join(b.TempDir(), "bandit.json"), t.Root)
			if out, err := cmd.CombinedOutput(); err != nil {
				// Bandit exits 1 when it finds issues.
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
					b.Fatalf("bandit: %v\n%s", err, out)
				}
			}
		}
		b.ReportMetric(float64(py)*float64(b.N)/b.Elapsed().Seconds(), "pyfiles/s")
		b.ReportMetric((cpuTime(syscall.RUSAGE_CHILDREN)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	})

	fx, err := s.Facts(ctx, t, files)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("rules", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			if _, errs, err := s.rules.Evaluate(ctx, scan.ScannerConfig, fx); err != nil || len(errs) > 0 {
				b.Fatal(err, errs)
			}
		}
		b.ReportMetric(float64(py)*float64(b.N)/time.Since(start).Seconds(), "pyfiles/s")
	})
}

// BenchmarkConfigRules times each built-in rule alone over the facts of a
// tree: $PIPEGUARD_BENCH_TREE (e.g. the 2,041-file tree that
// `FACTS_BENCH_DIR=DIR go test -run '^TestWriteBenchTree$' ./scan/facts`
// writes), else the generated one. It logs the rules by time, slowest
// first, so that a rule that is quadratic in the facts stands out;
// $PIPEGUARD_BENCH_PROFILE=RULE-ID logs that rule's costliest expressions
// (OPA's profiler):
//
//	PIPEGUARD_BENCH_TREE=/tmp/t2k go test -tags gore2regex -run XXX -bench ConfigRules -benchtime 1x -v ./scan/config/
func BenchmarkConfigRules(b *testing.B) {
	ctx := context.Background()
	t, files := benchTarget(b)
	s, err := New(Options{Facts: facts.Options{IsTracked: func(string) bool { return true }}})
	if err != nil {
		b.Fatal(err)
	}
	fx, err := s.Facts(ctx, t, files)
	if err != nil {
		b.Fatal(err)
	}
	input, err := policy.Input(fx)
	if err != nil {
		b.Fatal(err)
	}
	rules := s.rules.Rules()
	took := make([]time.Duration, len(rules))
	count := make([]int, len(rules))
	for b.Loop() {
		for i, r := range rules {
			q := fmt.Sprintf("d := [f | some f in %[1]s.deny]; x := [f | some f in %[1]s.findings]", r.Package)
			pq, err := s.rules.Engine().Prepare(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			evalOpts := []rego.EvalOption{rego.EvalParsedInput(input)}
			var prof *profiler.Profiler
			if os.Getenv("PIPEGUARD_BENCH_PROFILE") == r.ID {
				prof = profiler.New()
				evalOpts = append(evalOpts, rego.EvalQueryTracer(prof))
			}
			start := time.Now()
			rs, err := pq.Eval(ctx, evalOpts...)
			if err != nil {
				b.Fatalf("%s: %v", r.ID, err)
			}
			took[i] += time.Since(start)
			if prof != nil {
				for _, st := range prof.ReportTopNResults(15, []string{"total_time_ns", "num_eval"}) {
					b.Logf("%s: %8.1f ms %8d evals %s:%d", r.ID, float64(st.ExprTimeNs)/1e6, st.NumEval, st.Location.File, st.Location.Row)
				}
			}
			count[i] = 0
			for _, row := range rs {
				for _, v := range row.Bindings {
					l, _ := v.([]any)
					count[i] += len(l)
				}
			}
		}
	}
	order := make([]int, len(rules))
	var total time.Duration
	for i := range order {
		order[i] = i
		total += took[i]
	}
	sort.Slice(order, func(i, j int) bool { return took[order[i]] > took[order[j]] })
	for _, i := range order {
		b.Logf("%-32s %8.1f ms %5d findings", rules[i].ID, float64(took[i].Microseconds())/1000/float64(b.N), count[i])
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "rules-s/op")
	b.ReportMetric(float64(len(fx.Files)), "files")
}

// BenchmarkRulesLinear checks that rules which group or join facts stay
// linear in them: with 4x the facts, the time should grow about 4x, not
// 16x. route-missing-auth groups the unprotected routes of one place;
// env-file-committed and debug-enabled (through lib.deploy_env) join
// dotenv entries with the tracked files.
//
//	go test -tags gore2regex -run XXX -bench RulesLinear -benchtime 3x ./scan/config/
func BenchmarkRulesLinear(b *testing.B) {
	ctx := context.Background()
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	routes := func(n int) map[string]any {
		var routes []any
		for i := range n {
			routes = append(routes, map[string]any{"path": fmt.Sprintf("app/r%d.py", i/10), "line": 10 + i%10,
				"url": fmt.Sprintf("/items%d", i), "methods": []any{"POST"}, "handler": fmt.Sprintf("create%d", i),
				"auth": false, "write_lines": []any{}})
		}
		app := map[string]any{"path": "app/main.py", "line": 1, "has_auth": true, "auth_middleware": []any{}, "routes": routes}
		return map[string]any{"apps": []any{app}, "files": []any{}, "unattached_routes": []any{}}
	}
	// n/5 committed dotenv files of 5 secret entries each.
	envs := func(n int) map[string]any {
		var files, env []any
		for i := range n / 5 {
			p := fmt.Sprintf("svc%d/.env", i)
			files = append(files, map[string]any{"path": p, "kind": "env", "tracked": true})
			for j := range 5 {
				env = append(env, map[string]any{"path": p, "project": ".", "line": j + 1, "key": fmt.Sprintf("SECRET_%d", j), "redacted": true, "placeholder": false})
			}
		}
		return map[string]any{"files": files, "env": env}
	}
	// n/5 committed dotenv files of 5 debug switches each.
	debug := func(n int) map[string]any {
		in := envs(n)
		for _, e := range in["env"].([]any) {
			m := e.(map[string]any)
			m["key"], m["value"] = fmt.Sprintf("SVC%d_DEBUG", m["line"]), "true"
		}
		return in
	}
	cases := []struct {
		rule  string
		input func(n int) map[string]any
		want  func(n int) int
	}{
		{"route-missing-auth", routes, func(n int) int { return n }},
		{"env-file-committed", envs, func(n int) int { return n / 5 }},
		{"debug-enabled", debug, func(n int) int { return n }},
	}
	for _, c := range cases {
		var pkg string
		for _, r := range s.rules.Rules() {
			if r.ID == c.rule {
				pkg = r.Package
			}
		}
		pq, err := s.rules.Engine().Prepare(ctx, fmt.Sprintf("d := [f | some f in %s.deny]", pkg))
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{1000, 4000} {
			b.Run(fmt.Sprintf("%s/%d", c.rule, n), func(b *testing.B) {
				input, err := policy.Input(c.input(n))
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					evalOpts := []rego.EvalOption{rego.EvalParsedInput(input)}
					var prof *profiler.Profiler
					if os.Getenv("PIPEGUARD_BENCH_PROFILE") == c.rule {
						prof = profiler.New()
						evalOpts = append(evalOpts, rego.EvalQueryTracer(prof))
					}
					rs, err := pq.Eval(ctx, evalOpts...)
					if err != nil {
						b.Fatal(err)
					}
					if prof != nil {
						for _, st := range prof.ReportTopNResults(8, []string{"total_time_ns", "num_eval"}) {
							b.Logf("%8.1f ms %8d evals %s:%d", float64(st.ExprTimeNs)/1e6, st.NumEval, st.Location.File, st.Location.Row)
						}
					}
					if got := len(rs[0].Bindings["d"].([]any)); got != c.want(n) {
						b.Fatalf("%d findings, want %d", got, c.want(n))
					}
				}
			})
		}
	}
}

// BenchmarkConfigScale checks that the config scanner stays linear in the
// size of the tree: generated trees of 2,000 and 5,000 files (services of
// Python modules, dotenv, Dockerfile and compose files), the whole scan
// and the rules alone on each, and the growth of the rules' time from one
// to the other divided by the growth of the tree (1 is linear; a quadratic
// rule or helper makes it 2.5). Each rule's own growth is logged when it
// is more than 1.5, with its time:
//
//	go test -tags gore2regex -run XXX -bench ConfigScale -benchtime 1x -v ./scan/config/
func BenchmarkConfigScale(b *testing.B) {
	ctx := context.Background()
	sizes := []int{2000, 5000}
	type sized struct {
		t     *scan.Target
		files []scan.File
		fx    *Input
	}
	s, err := New(Options{Facts: facts.Options{IsTracked: func(string) bool { return true }}})
	if err != nil {
		b.Fatal(err)
	}
	trees := map[int]*sized{}
	for _, n := range sizes {
		root := b.TempDir()
		writeBenchTree(b, root, n)
		tree := target.NewTree(root, 0)
		files, _, err := tree.Files(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t := &scan.Target{Root: root, Mode: scan.ModeTree, Tree: tree}
		fx, err := s.Facts(ctx, t, files)
		if err != nil {
			b.Fatal(err)
		}
		trees[n] = &sized{t: t, files: files, fx: fx}
	}
	rulesTook := map[int]time.Duration{}
	perRule := map[int][]time.Duration{}
	for _, n := range sizes {
		tr := trees[n]
		b.Run(fmt.Sprintf("scan/%d", n), func(b *testing.B) {
			for b.Loop() {
				res, err := s.Scan(ctx, tr.t)
				if err != nil || len(res.Errors) > 0 {
					b.Fatalf("scan: %v %v", err, res.Errors)
				}
			}
			b.ReportMetric(float64(len(tr.files)), "files")
		})
		b.Run(fmt.Sprintf("rules/%d", n), func(b *testing.B) {
			for b.Loop() {
				cpu0 := cpuTime(syscall.RUSAGE_SELF)
				if _, errs, err := s.rules.Evaluate(ctx, scan.ScannerConfig, tr.fx); err != nil || len(errs) > 0 {
					b.Fatal(err, errs)
				}
				rulesTook[n] += cpuTime(syscall.RUSAGE_SELF) - cpu0
			}
			rulesTook[n] /= time.Duration(b.N)
			b.ReportMetric(rulesTook[n].Seconds(), "cpu-s/op")
			b.ReportMetric(float64(rulesTook[n].Microseconds())/float64(len(tr.files)), "cpu-us/file")
		})
		perRule[n] = ruleTimes(b, s, tr.fx)
	}
	small, large := sizes[0], sizes[len(sizes)-1]
	files := func(n int) float64 { return float64(len(trees[n].files)) }
	if rulesTook[small] > 0 {
		growth := (float64(rulesTook[large]) / float64(rulesTook[small])) / (files(large) / files(small))
		b.Logf("rules: %v on %.0f files, %v on %.0f files: growth %.2f (1 is linear)", rulesTook[small].Round(time.Millisecond), files(small), rulesTook[large].Round(time.Millisecond), files(large), growth)
		b.ReportMetric(growth, "rules-growth")
	}
	for i, r := range s.rules.Rules() {
		a, z := perRule[small][i], perRule[large][i]
		if a < 10*time.Millisecond || z < 25*time.Millisecond {
			continue // too small to tell
		}
		if g := (float64(z) / float64(a)) / (files(large) / files(small)); g > 1.5 {
			b.Logf("%-32s %8v -> %8v: growth %.2f", r.ID, a.Round(time.Millisecond), z.Round(time.Millisecond), g)
		}
	}
}

// ruleTimes evaluates each rule alone over fx and returns its CPU time,
// in the order of s.rules.Rules().
func ruleTimes(b *testing.B, s *Scanner, fx *Input) []time.Duration {
	b.Helper()
	ctx := context.Background()
	input, err := policy.Input(fx)
	if err != nil {
		b.Fatal(err)
	}
	rules := s.rules.Rules()
	took := make([]time.Duration, len(rules))
	for i, r := range rules {
		pq, err := s.rules.Engine().Prepare(ctx, fmt.Sprintf("d := [f | some f in %[1]s.deny]; x := [f | some f in %[1]s.findings]", r.Package))
		if err != nil {
			b.Fatal(err)
		}
		// The least CPU time of three runs: the steadiest figure on a
		// shared machine.
		for range 3 {
			cpu0 := cpuTime(syscall.RUSAGE_SELF)
			if _, err := pq.Eval(ctx, rego.EvalParsedInput(input)); err != nil {
				b.Fatalf("%s: %v", r.ID, err)
			}
			if d := cpuTime(syscall.RUSAGE_SELF) - cpu0; took[i] == 0 || d < took[i] {
				took[i] = d
			}
		}
	}
	return took
}
