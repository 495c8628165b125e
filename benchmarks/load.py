"""A bounded load run with locust on loopback: 200 signed-in users (twice the expected peak)
walking the pages their role uses, against gunicorn.

Run: .venv/bin/python benchmarks/load.py [--users 200] [--spawn-rate 50] [--seconds 60]
                                         [--database sqlite|postgres] [--postgres URL]
Builds a database (a temporary SQLite file, or the PostgreSQL database named in --postgres,
dropped and made again: default postgres://postgres@127.0.0.1:55432/petal_load) with
`manage.py demo`, adds the users and signs them in up front (benchmarks/load/prepare.py),
serves Petal with gunicorn on a free loopback port, and runs locust as a library: the users
start at --spawn-rate per second, each walks its role's pages in turn (home, then e.g. My
people, a person, referrals sent, meetings, barriers) with 5–15 s between pages, for
--seconds. Prints requests, error ratio and p50/p95/p99 per page and overall; exits 1 if
any request failed (anything but a 200: a redirect to sign-in counts as a failure).
Not part of the test suite.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from common import PASSWORD, PY, ROOT, environment, free_port, manage  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:55432/petal_load"
WALKERS: list[dict] = []
NEXT = itertools.count()


class Walker(HttpUser):
    """One signed-in user, walking their role's pages in order, a random record each time."""

    # A person reads a page before the next: 5–15 s (10 s on average), so 200 users ask
    # for about 20 pages a second.
    wait_time = between(5, 15)

    def on_start(self):
        self.me = WALKERS[next(NEXT) % len(WALKERS)]
        self.client.cookies.set("petal_session", self.me["cookie"])
        self.steps = itertools.cycle(self.me["pages"])

    @task
    def next_page(self):
        name, paths = next(self.steps)
        path = paths[self.environment.parsed_options_rng.randrange(len(paths))]
        with self.client.get(
            path, name=name, allow_redirects=False, timeout=30, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"{path} answered {response.status_code} {where}".strip())


@contextlib.contextmanager
def database(kind: str, postgres_url: str, keep: bool = False, reuse: Path | None = None):
    folder = reuse or Path(tempfile.mkdtemp(prefix="petal-load-"))
    env = environment(folder)
    env["PETAL_LOG_LEVEL"] = "ERROR"
    if kind == "postgres":
        env["DATABASE_URL"] = postgres_url
    if reuse:
        yield env, folder
        return
    if kind == "postgres":
        _recreate_postgres(postgres_url)
    try:
        started = time.monotonic()
        print(f"Building the {kind} database (migrate, demo) …", flush=True)
        manage(env, "build_assets")
        manage(env, "migrate", "--noinput")
        manage(env, "demo", "--password", PASSWORD)
        print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
        yield env, folder
    finally:
        if keep:
            print(f"Kept {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def served(env, workers: int, threads: int):
    port = free_port()
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def warm_up(port: int) -> None:
    """Each worker's first requests load templates and code: not counted."""
    import http.client

    by_role = {w["role"]: w for w in WALKERS}
    for _ in range(4):
        for walker in by_role.values():
            for _name, paths in walker["pages"]:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request(
                    "GET", paths[0], headers={"Cookie": f"petal_session={walker['cookie']}"}
                )
                conn.getresponse().read()
                conn.close()


def run_locust(port: int, users: int, spawn_rate: float, seconds: int) -> list[tuple]:
    """Run the users; every request as (seconds since start, page, milliseconds, ok)."""
    import random

    # stop_timeout: at the end, a user finishes the page it is loading (not counted as failed).
    env = Environment(user_classes=[Walker], host=f"http://127.0.0.1:{port}", stop_timeout=60)
    env.parsed_options_rng = random.Random(2026)  # noqa: S311 - which record to visit
    started = time.monotonic()
    seen: list[tuple] = []

    def record(name, response_time, exception, **_):
        seen.append((time.monotonic() - started, name, response_time, exception is None))

    env.events.request.add_listener(record)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    while time.monotonic() - started < seconds:
        gevent.sleep(5)
        failed = sum(1 for r in seen if not r[3])
        print(
            f"  {time.monotonic() - started:4.0f} s: {runner.user_count} users, "
            f"{len(seen)} requests, {failed} failed",
            flush=True,
        )
    runner.quit()
    return seen


def _pct(values: list[float], q: int) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.0f}"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[q - 1]:.0f}"


def report(seen: list[tuple], steady_from: float, label: str, seconds: int) -> int:
    """Print the table; return the number of failed requests."""
    pages = sorted({r[1] for r in seen})
    print(f"\n{label}")
    print(
        f"{'page':15} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f"   steady: {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for page in [*pages, None]:
        rows = [r for r in seen if page is None or r[1] == page]
        times = [r[2] for r in rows]
        steady = [r[2] for r in rows if r[0] >= steady_from]
        print(
            f"{page or 'overall':15} {len(rows):8} {sum(1 for r in rows if not r[3]):6} "
            f"{_pct(times, 50):>7} {_pct(times, 95):>7} {_pct(times, 99):>7}"
            f"           {_pct(steady, 50):>7} {_pct(steady, 95):>7} {_pct(steady, 99):>7}"
        )
    failed = sum(1 for r in seen if not r[3])
    ratio = failed / len(seen) if seen else 1.0
    print(
        f"{len(seen)} requests in {seconds} s ({len(seen) / seconds:.1f}/s), "
        f"{failed} failed: error ratio {ratio:.4f}. Steady: the requests from {steady_from:.0f} s "
        "on, after the ramp and the burst of first pages."
    )
    return failed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--keep", action="store_true", help="keep the folder (SQLite file, sessions) to --reuse"
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        help="a kept folder: skip building (with --database postgres, the database is reused too)",
    )
    args = parser.parse_args()
    with database(args.database, args.postgres, args.keep, args.reuse) as (env, folder):
        sessions = folder / "sessions.json"
        if not args.reuse:
            started = time.monotonic()
            out = subprocess.run(
                [PY, "benchmarks/load/prepare.py", "--users", str(args.users), "--out", sessions],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            print(f"  {out.stdout.strip()} ({time.monotonic() - started:.0f} s)", flush=True)
        WALKERS.extend(json.loads(sessions.read_text()))
        with served(env, args.workers, args.threads) as port:
            print(
                f"gunicorn on 127.0.0.1:{port} ({args.workers} workers × {args.threads} "
                f"threads); {args.users} users at {args.spawn_rate:g}/s for {args.seconds} s",
                flush=True,
            )
            warm_up(port)
            seen = run_locust(port, args.users, args.spawn_rate, args.seconds)
    # Steady: once the ramp is over and the burst of first pages has been served.
    steady_from = args.users / args.spawn_rate + 15
    failed = report(
        seen,
        steady_from,
        f"{args.database}: {args.users} signed-in users, ramp {args.spawn_rate:g}/s, "
        f"{args.seconds} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        args.seconds,
    )
    return 0 if seen and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
