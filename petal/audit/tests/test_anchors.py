"""The newest audit hash, kept outside the database, catches a wholesale rewrite that the
chain alone cannot."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from petal.audit.anchors import anchor_path, check_anchors, database_label, write_anchor
from petal.audit.models import AuditEvent
from petal.audit.services import audit_record
from petal.audit.tests.test_chain import _without_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_dir(settings, tmp_path):
    settings.PETAL_AUDIT_ANCHOR_DIR = str(tmp_path / "anchors")
    return tmp_path / "anchors"


def _write(n, start=0):
    return [audit_record(actor=None, action="test.event", data={"n": start + i}) for i in range(n)]


def test_no_anchor_yet_is_said_not_an_error():
    _write(2)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "the chain is intact" in out.getvalue()
    assert "No anchor has been written for this database yet" in out.getvalue()
    assert not check_anchors().found


def test_the_anchor_holds_the_newest_hash_and_verify_checks_it(anchor_dir):
    events = _write(3)
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    assert f"#{events[-1].sequence}" in out.getvalue()
    lines = anchor_path().read_text().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    # The anchor command writes nothing to the trail itself, so the newest event is the last.
    assert (row["sequence"], row["hash"]) == (events[-1].sequence, events[-1].hash)
    assert row["database"] == database_label()
    assert oct(anchor_path().stat().st_mode & 0o777) == "0o600"
    _write(2, start=3)
    call_command("audit_anchor", stdout=StringIO())
    assert len(anchor_path().read_text().splitlines()) == 2, "appended, never rewritten"
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Checked 2 anchors kept outside the database" in out.getvalue()


def test_a_wholesale_rewrite_passes_the_chain_but_not_the_anchor():
    _write(4)
    write_anchor()
    _without_triggers()
    AuditEvent.objects.all().delete()
    # A new chain, consistent from the first event: the chain check alone finds nothing.
    _write(4, start=100)
    out = StringIO()
    with pytest.raises(CommandError, match="does not match its anchor.*rewritten"):
        call_command("audit_verify", stdout=out)
    assert "the chain is intact" in out.getvalue()


def test_removing_the_newest_events_is_caught_by_the_anchor():
    events = _write(5)
    write_anchor()
    _without_triggers()
    AuditEvent.objects.filter(sequence__gte=events[3].sequence).delete()
    report = check_anchors()
    assert report.found and not report.ok
    assert f"#{events[-1].sequence}" in report.problem
    assert "no longer in the trail" in report.problem


def test_a_damaged_anchor_file_is_reported(anchor_dir):
    _write(1)
    write_anchor()
    with anchor_path().open("a") as handle:
        handle.write("not json\n")
    with pytest.raises(CommandError, match="damaged: line 2"):
        call_command("audit_verify", stdout=StringIO())


def test_an_empty_trail_has_nothing_to_anchor():
    if AuditEvent.objects.exists():
        _without_triggers()
        AuditEvent.objects.all().delete()
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    assert "nothing to anchor" in out.getvalue()
    assert not anchor_path().exists()


def test_each_database_has_its_own_anchor_file(settings):
    first = anchor_path()
    original = dict(connection.settings_dict)
    try:
        connection.settings_dict["NAME"] = str(original["NAME"]) + "-other"
        assert anchor_path() != first
    finally:
        connection.settings_dict.update(original)
    assert anchor_path() == first
