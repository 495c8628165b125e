"""Separate processes writing to one SQLite file keep a single valid chain.

The PostgreSQL test (test_chain.py) uses threads; SQLite's test database lives in memory
and is shared by threads through a shared cache, whose table locks are not how a real
deployment behaves. So this test migrates a real database file and runs real processes
against it, as the web server and the task worker do.
"""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

WRITER = """
import django, os, sys, time
django.setup()
from django.db import transaction
from petal.audit.services import audit_record
# Start together, so the writers really overlap.
while time.time() < float(sys.argv[2]):
    time.sleep(0.001)
for i in range(int(sys.argv[1])):
    with transaction.atomic():
        audit_record(actor=None, action="test.concurrent", data={"pid": os.getpid(), "i": i})
"""


def _env(db_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=f"sqlite:///{db_path}",
        PETAL_ENV="test",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite only; PostgreSQL has its own concurrency test",
)
def test_processes_writing_to_one_sqlite_file_keep_one_valid_chain(tmp_path):
    assert connection.vendor == "sqlite"
    db = tmp_path / "concurrency.sqlite3"
    env = _env(db)
    run = {"cwd": settings.BASE_DIR, "env": env, "capture_output": True, "text": True}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], timeout=120, check=False, **run
    )
    assert migrate.returncode == 0, migrate.stderr
    writers, per_writer = 4, 100
    start_at = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(per_writer), str(start_at)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(writers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    verify = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"], timeout=120, check=False, **run
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"Checked {writers * per_writer} audit events" in verify.stdout
