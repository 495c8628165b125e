"""manage.py backup / restore: a round trip loses nothing and the audit chain still verifies."""

from __future__ import annotations

import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from petal.audit.models import AuditEvent
from petal.audit.selectors import ChainReport, audit_chain_verify
from petal.audit.services import audit_record
from petal.core import backup as backup_module
from petal.core.backup import BackupError, pg_binary
from petal.people.models import NeedEpisode, Person
from petal.people.tests.factories import EpisodeFactory, PersonFactory

MODELS = (Person, NeedEpisode, AuditEvent)


def _snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def _seed():
    person = PersonFactory(full_name="Canary Backup", phone="01234 567890")
    EpisodeFactory(person=person)
    EpisodeFactory()
    audit_record(actor=None, action="person.created", obj=person)
    audit_record(actor=None, action="person.viewed", obj=person, categories=["health"])
    return person


def _backup(tmp_path, capsys):
    target = tmp_path / "petal.backup"
    call_command("backup", str(target))
    out = capsys.readouterr().out
    assert str(target) in out
    assert f"{target.stat().st_size:,} bytes" in out
    return target


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_everything_and_the_chain_verifies(tmp_path, capsys):
    person = _seed()
    before = _snapshot()
    target = _backup(tmp_path, capsys)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    PersonFactory(full_name="Added After Backup")
    Person.objects.filter(pk=person.pk).update(full_name="Changed After Backup")
    audit_record(actor=None, action="person.created", object_type="people.person", object_id=9)
    assert _snapshot() != before

    call_command("restore", str(target), "--yes")
    out = capsys.readouterr().out
    assert "Audit chain verified: 2 events" in out

    after = _snapshot()
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before
    assert Person.objects.get(pk=person.pk).full_name == "Canary Backup"
    assert audit_chain_verify().ok
    # The restored database still takes new records and keeps chaining them.
    audit_record(actor=None, action="person.viewed", obj=person)
    assert audit_chain_verify().checked == 3


@pytest.mark.django_db(transaction=True)
def test_restore_without_yes_refuses_and_changes_nothing(tmp_path, capsys):
    _seed()
    target = _backup(tmp_path, capsys)
    PersonFactory(full_name="Added After Backup")
    before = _snapshot()
    with pytest.raises(CommandError, match="replaces EVERYTHING.*--yes"):
        call_command("restore", str(target))
    assert _snapshot() == before


@pytest.mark.django_db
def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    before = _snapshot()
    with pytest.raises(CommandError, match="There is no backup file at"):
        call_command("restore", str(tmp_path / "nope.sqlite3"), "--yes")
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_restore_of_a_file_that_is_not_a_backup_is_a_clear_error(tmp_path):
    _seed()
    before = _snapshot()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup at all\n" * 200)
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--yes")
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_broken_chain_after_restore_is_an_error(tmp_path, capsys, monkeypatch):
    _seed()
    target = _backup(tmp_path, capsys)
    from petal.core.management.commands import restore

    monkeypatch.setattr(
        restore, "audit_chain_verify", lambda: ChainReport(1, 2, "its content was changed")
    )
    with pytest.raises(CommandError, match=r"audit chain is broken at event #2"):
        call_command("restore", str(target), "--yes")


@pytest.mark.django_db(transaction=True)
def test_default_name_goes_to_petal_backup_dir_and_never_overwrites(tmp_path, settings):
    settings.PETAL_BACKUP_DIR = str(tmp_path)
    call_command("backup")
    (made,) = tmp_path.iterdir()
    assert made.name.startswith("petal-backup-")
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    assert made.name.endswith(suffix)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(made))


@pytest.mark.django_db
def test_backup_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "missing" / "x.backup"))


@pytest.mark.django_db
def test_backup_inside_a_transaction_is_refused_not_left_waiting(tmp_path):
    assert connection.in_atomic_block  # the test's own transaction
    with pytest.raises(CommandError, match="inside a database transaction"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert not (tmp_path / "x.backup").exists()


def test_a_missing_postgres_tool_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup_module, "PG_DIRS_GLOB", str(tmp_path / "*" / "bin"))
    with pytest.raises(BackupError, match="pg_dump was not found"):
        pg_binary("pg_dump")


def test_a_postgres_tool_found_outside_path(monkeypatch, tmp_path):
    for version in ("9", "16", "15"):
        folder = tmp_path / version / "bin"
        folder.mkdir(parents=True)
        tool = folder / "pg_restore"
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup_module, "PG_DIRS_GLOB", str(tmp_path / "*" / "bin"))
    assert pg_binary("pg_restore") == str(tmp_path / "16" / "bin" / "pg_restore")


def test_a_failing_tool_reports_its_stderr_and_keeps_the_password_off_the_command_line(
    monkeypatch,
):
    seen = {}

    def fake_run(command, **kwargs):
        seen["command"] = command
        seen["env"] = kwargs["env"]
        import subprocess

        return subprocess.CompletedProcess(command, 1, b"", b"connection refused\n")

    monkeypatch.setattr(backup_module.subprocess, "run", fake_run)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-pw")
    with pytest.raises(BackupError, match=r"pg_restore failed \(exit 1\): connection refused"):
        backup_module._run(["/usr/bin/pg_restore", "--clean"])
    assert seen["env"]["PGPASSWORD"] == "s3cret-pw"
    assert "s3cret-pw" not in " ".join(seen["command"])
