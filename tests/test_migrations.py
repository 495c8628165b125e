"""Migrations: none missing, and they run backwards and forwards on a real database file."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when one is missing
        pytest.fail(f"Missing migrations:\n{out.getvalue()} (exit {exc.code})")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs once, on a SQLite file of its own",
)
def test_migrations_reverse_and_apply_again(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'm.sqlite3'}", PETAL_ENV="test")

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, f"{args}: {result.stderr[-2000:]}"
        return result.stdout

    manage("migrate", "--noinput")
    for app in ("site", "accounts", "audit", "reference"):
        manage("migrate", app, "zero", "--noinput")
    manage("migrate", "--noinput")
    manage("demo", "--password", "migration test passphrase")
    assert "Checked" in manage("audit_verify")
    # The append-only guard came back with the table.
    refused = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.db import connection\n"
            "connection.cursor().execute('DELETE FROM audit_auditevent')",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode != 0
    assert "append-only" in refused.stderr
