"""Shared parts of the benchmarks: build a database, serve Petal, time requests."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "benchmark-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(folder: Path) -> dict:
    env = {
        **os.environ,
        "PETAL_ENV": "development",
        "PETAL_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "PETAL_URLCONF": "config.urls_benchmark",
        "PETAL_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env, *args) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


@contextlib.contextmanager
def database(keep: bool = False):
    folder = Path(tempfile.mkdtemp(prefix="petal-bench-"))
    env = environment(folder)
    print(f"Building the synthetic database in {folder} …")
    manage(env, "build_assets")
    manage(env, "migrate", "--noinput")
    manage(env, "demo", "--password", PASSWORD)
    try:
        yield env
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def served(env):
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
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def sign_in(port, email, password=PASSWORD) -> str:
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


def report(results: dict, targets: dict) -> bool:
    """Print p50/p95 and ratios; True when every target is met."""
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} {'p95 ratio':>10}  target")
    ok_all = True
    for name, values in results.items():
        p50, p95 = pct(values, 50), pct(values, 95)
        if name in targets:
            floor_name, limit = targets[name][0], targets[name][1]
            f50, f95 = pct(results[floor_name], 50), pct(results[floor_name], 95)
            r50, r95 = p50 / f50, p95 / f95
            ok = r50 <= limit
            ok_all &= ok
            print(
                f"{name:28} {p50:8.2f} {p95:8.2f} {r50:10.2f} {r95:10.2f}  "
                f"≤{limit} × {floor_name} {'ok' if ok else 'MISSED'}"
            )
        else:
            print(f"{name:28} {p50:8.2f} {p95:8.2f}")
    return ok_all
