"""The benchmark, end to end: seed, serve under gunicorn, drive with wrk, report.

Run through bench/run.sh (it installs wrk when missing). Every step is a subprocess so each
phase gets the environment it needs (production settings for the server, another database
for the small-set baseline).
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from report import render_and_write  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def log(message: str) -> None:
    print(message, flush=True)


def production_env(db_name: str, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DB_NAME=db_name,
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        # Throttles stay in the stack (their cache round trip is part of the cost) but never trip.
        THROTTLE_ANON="1000000000/second",
        THROTTLE_USER="1000000000/second",
        THROTTLE_LOGIN="1000000000/second",
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX="freelance_arena_bench",
        LOG_LEVEL="WARNING",
        PAYMENT_PROVIDER="dummy",  # DEBUG off must name it; no money moves in a benchmark
    )
    return env


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    log("   $ " + " ".join(cmd))
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603 - fixed argv


def prepare_database(env: dict[str, str], size: str | None) -> float | None:
    run([PYTHON, "scripts/create_database.py"], env)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    if size is None:
        return None
    started = time.monotonic()
    run([PYTHON, "manage.py", "seed_demo", "--size", size, "--flush"], env)
    return time.monotonic() - started


class Server:
    """gunicorn with production settings on the loopback interface."""

    def __init__(self, env: dict[str, str], port: int, workers: int, logfile: Path) -> None:
        self.env, self.port, self.workers, self.logfile = env, port, workers, logfile
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        cmd = [
            GUNICORN,
            "freelance_arena.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        log(f"   $ {' '.join(cmd)}  (log: {self.logfile})")
        self.out = self.logfile.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            cmd, env=self.env, cwd=ROOT, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.logfile}")
            if http_status(f"http://127.0.0.1:{self.port}/api/health/") == 200:
                return self
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /api/health/ within 60 s; see {self.logfile}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own session: gunicorn and its workers
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.out.close()


def http_status(url: str, token: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def wrk(url: str, script: str, args: argparse.Namespace, env_extra: dict[str, str], duration: int = 0) -> dict:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration or args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk" / script),
        url,
    ]
    env = dict(os.environ, BENCH_DIR=str(BENCH), BENCH_THREADS=str(args.threads), **env_extra)
    output = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False).stdout  # noqa: S603
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line[len("BENCH_JSON ") :])
            seconds = result["duration_us"] / 1e6
            result["rps"] = result["requests"] / seconds if seconds else 0.0
            result["p50_ms"] = result["p50_us"] / 1000
            result["p99_ms"] = result["p99_us"] / 1000
            return result
    raise SystemExit(f"wrk printed no result for {url}:\n{output}")


def drive(plan_dir: Path, env: dict[str, str], args: argparse.Namespace, port: int, keys: set[str] | None) -> dict:
    """Runs plan.py, then wrk on every endpoint that exists; health first and last (drift)."""
    cmd = [PYTHON, str(BENCH / "plan.py"), "--out", str(plan_dir), "--search-word", args.search_word]
    if keys:
        cmd += ["--only", ",".join(sorted(keys))]
    run(cmd, env)
    plan = json.loads((plan_dir / "plan.json").read_text())
    base = f"http://127.0.0.1:{port}"
    with Server(env, port, args.workers, plan_dir / "gunicorn.log"):
        endpoints = plan["endpoints"]
        order = [*endpoints, dict(endpoints[0], key="health_end")] if endpoints[0]["key"] == "health" else endpoints
        for endpoint in order:
            if endpoint.get("missing"):
                log(f"   -- {endpoint['label']}: missing (HTTP {endpoint.get('status')}), not measured")
                continue
            if endpoint["method"] == "GET":
                status = http_status(base + endpoint["path"], endpoint.get("token"))
                endpoint["http_status"] = status
                extra = {"BENCH_TOKEN": endpoint.get("token") or "", "BENCH_BUST": "1" if endpoint.get("bust") else ""}
                if endpoint["key"] != "health_end":
                    # Warm-up, not recorded: every worker imports and compiles this path once.
                    wrk(base + endpoint["path"], "get.lua", args, extra, duration=args.warmup)
                result = wrk(base + endpoint["path"], "get.lua", args, extra)
            else:
                result = wrk(base + endpoint["path"], "post_proposals.lua", args, {"BENCH_WORK": str(plan_dir)})
            target = endpoint if endpoint["key"] != "health_end" else endpoints[0].setdefault("end", {})
            target["wrk"] = result
            if args.paired_ceiling and endpoint["key"] not in ("health", "health_end"):
                # The ceiling again, right after this endpoint: its ratio compares two neighbours in
                # time, so a neighbour's load on the shared machine shifts both alike.
                paired = wrk(base + "/api/health/", "get.lua", args, {"BENCH_TOKEN": ""})
                endpoint["ceiling_wrk"] = paired
                log(f"      paired ceiling: {paired['rps']:.1f} req/s, p50 {paired['p50_ms']:.2f} ms")
            log(
                f"   {endpoint['label']}{' (again, end of run)' if endpoint['key'] == 'health_end' else ''}: "
                f"{result['rps']:.1f} req/s, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
                f"HTTP errors {result['http_errors']}"
            )
    for endpoint in plan["endpoints"]:
        endpoint.pop("token", None)  # never write tokens into results
    return plan


def machine(env: dict[str, str]) -> dict:
    info = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = subprocess.run(  # noqa: S603
        [
            PYTHON,
            "-c",
            "import sys; sys.path.insert(0, 'bench'); from common import setup_django; setup_django();"
            "import django; from django.db import connection; c = connection.cursor(); "
            "c.execute('SELECT VERSION()'); v = c.fetchone()[0]; "
            "c.execute('SELECT @@innodb_buffer_pool_size'); b = c.fetchone()[0]; "
            "print(django.get_version()); print(v); print(b)",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    info["django"], info["mariadb"] = versions[0], versions[1]
    info["innodb_buffer_pool_mib"] = int(versions[2]) // (1024 * 1024)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    info["wrk"] = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip()
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["tiny", "small", "large"], default="large")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data already in BENCH_DB_NAME")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded seconds of wrk before each GET endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--no-paired-ceiling",
        dest="paired_ceiling",
        action="store_false",
        help="measure the ceiling only at the start and the end (halves the run time, more drift)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--search-word", default="kubernetes")
    parser.add_argument("--no-small-baseline", action="store_true", help="skip the small-set list p50 (goal 6)")
    parser.add_argument("--skip-inprocess", action="store_true", help="skip select-winner and cron timings")
    parser.add_argument("--due", default="1000,10000", help="due competitions for the cron timings")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run bench/run.sh (it installs it) or apt-get install wrk")
    # Its own variable, not DB_NAME: seeding TRUNCATEs the users and everything else, so a
    # DB_NAME exported for development must never be picked up by accident.
    db_name = os.environ.get("BENCH_DB_NAME", "freelance_arena_bench")
    if db_name == "freelance_arena_db" and not args.skip_seed:
        raise SystemExit("BENCH_DB_NAME is the development database: choose another name (seeding empties it).")
    stamp = datetime.now(UTC)
    work = BENCH / ".work" / stamp.strftime("%Y%m%dT%H%M%SZ")
    work.mkdir(parents=True, exist_ok=True)
    env = production_env(db_name, args)
    results: dict = {"started": stamp.isoformat(timespec="seconds"), "size": args.size, "db_name": db_name}
    results["settings"] = {
        k: getattr(args, k) for k in ("duration", "warmup", "connections", "threads", "workers", "search_word", "due")
    }

    log(f">> database {db_name} ({args.size} set)")
    results["seed_seconds"] = prepare_database(env, None if args.skip_seed else args.size)
    results["machine"] = machine(env)

    if args.size == "large" and not args.no_small_baseline:
        small_db = f"{db_name}_small"
        log(f">> small-set baseline in {small_db} (public list p50, goal 6)")
        small_env = production_env(small_db, args)
        prepare_database(small_env, "small")
        results["small_baseline"] = drive(
            work / "small", small_env, args, args.port + 1, {"health", "list", "list_miss"}
        )

    log(f">> HTTP benchmark on {db_name}: {args.duration} s per endpoint, {args.connections} connections")
    results["plan"] = drive(work / "main", env, args, args.port, None)

    if not args.skip_inprocess:
        log(">> in-process timings")
        run([PYTHON, str(BENCH / "inprocess.py"), "--out", str(work / "inprocess.json"), "--due", args.due], env)
        results["inprocess"] = json.loads((work / "inprocess.json").read_text())

    (work / "results.json").write_text(json.dumps(results, indent=2, default=str))
    text = render_and_write(results, args.results)
    log("")
    log(text)
    log(f">> raw results: {work / 'results.json'}; table appended to {args.results}")


if __name__ == "__main__":
    main()
