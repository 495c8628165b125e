"""Page latency against the framework floor, on a synthetic database.

Run: .venv/bin/python benchmarks/pages.py [--requests 300] [--keep]
It builds a SQLite database in a temporary folder (demo data plus `manage.py synth`), serves
Petal with gunicorn on a free loopback port, and reports p50/p95 for each page and its ratio
to the floor (the same middleware, no reads). Ratios, not seconds, are the targets: they hold
from one machine to another. Targets are in TARGETS below; the script exits 1 if a page misses.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")

# page → (floor it is compared with, highest acceptable p50 ratio)
# The anonymous floor is very thin (no session, no user), so template rendering alone makes a
# public page several times it; the targets leave room for that and catch a query per row.
TARGETS = {
    "/": ("anonymous floor", 12.0),
    "/about": ("anonymous floor", 12.0),
    "/dashboard": ("signed-in floor", 6.0),
    "/organisations": ("signed-in floor", 10.0),
    "/users": ("signed-in floor", 10.0),
    "/audit/": ("signed-in floor", 10.0),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args):
    subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def sign_in(port, email, password) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/sign-in")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie", "")
    csrf_cookie = re.search(r"petal_csrftoken=([^;]+)", cookie).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "email": email, "password": password})
    conn.request(
        "POST",
        "/sign-in",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"petal_csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{port}/sign-in",
        },
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"petal_session=([^;]+)", response.getheader("Set-Cookie", ""))
    if response.status != 302 or not session:
        raise SystemExit(f"Could not sign in for the benchmark ({response.status})")
    return f"petal_session={session.group(1)}; petal_csrftoken={csrf_cookie}"


def measure(port, path, cookie, n) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Cookie": cookie} if cookie else {}
    times = []
    for i in range(n + 20):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if i >= 20:  # warm-up requests are not counted
            times.append(elapsed * 1000)
    return times


def pct(values, q):
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="petal-bench-"))
    env = {
        **os.environ,
        "PETAL_ENV": "development",
        "PETAL_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "PETAL_URLCONF": "config.urls_benchmark",
        "PETAL_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    print(f"Building the synthetic database in {folder} …")
    manage(env, "build_assets")
    manage(env, "migrate", "--noinput")
    manage(env, "demo", "--password", "benchmark-password")
    manage(
        env,
        "synth",
        "--users",
        str(args.users),
        "--organisations",
        str(args.organisations),
        "--events",
        str(args.events),
    )
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
            "1",
            "--threads",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = sign_in(port, "admin@example.org", "benchmark-password")
        results = {
            "anonymous floor": measure(port, "/_floor", "", args.requests),
            "signed-in floor": measure(port, "/_floor", cookie, args.requests),
        }
        for path in TARGETS:
            anonymous = TARGETS[path][0] == "anonymous floor"
            results[path] = measure(port, path, "" if anonymous else cookie, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    print(
        f"\n{args.requests} sequential requests each; {args.users} users, "
        f"{args.organisations} extra organisations, {args.events} audit events\n"
    )
    print(f"{'page':18} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} {'p95 ratio':>10}  target")
    failed = False
    for name, values in results.items():
        p50, p95 = pct(values, 50), pct(values, 95)
        if name in TARGETS:
            floor_name, limit = TARGETS[name]
            f50, f95 = pct(results[floor_name], 50), pct(results[floor_name], 95)
            r50, r95 = p50 / f50, p95 / f95
            ok = r50 <= limit
            failed |= not ok
            print(
                f"{name:18} {p50:8.2f} {p95:8.2f} {r50:10.2f} {r95:10.2f}  "
                f"≤{limit} × {floor_name} {'ok' if ok else 'MISSED'}"
            )
        else:
            print(f"{name:18} {p50:8.2f} {p95:8.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
