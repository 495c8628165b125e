"""The audit trail is append-only and tamper-evident."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from petal.audit.models import AuditEvent
from petal.audit.selectors import audit_chain_verify
from petal.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _write(n):
    return [audit_record(actor=None, action="test.event", data={"n": i}) for i in range(n)]


def _without_triggers():
    """Tampering needs the append-only guard lifted first, as an attacker with DBA rights would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")


def test_chain_of_new_events_verifies_and_command_reports_count():
    _write(5)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Checked 5 audit events" in out.getvalue()
    assert audit_chain_verify().ok


def test_each_event_links_to_the_one_before():
    first, second = _write(2)
    assert second.previous_hash == first.hash
    assert second.sequence == first.sequence + 1


def test_database_refuses_update():
    (event,) = _write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_database_refuses_delete():
    (event,) = _write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_edited_event_is_detected_and_named():
    events = _write(5)
    _without_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).update(data={"n": 99})
    report = audit_chain_verify()
    assert report.broken_at == events[2].sequence
    assert "changed" in report.problem
    with pytest.raises(CommandError, match=f"#{events[2].sequence}"):
        call_command("audit_verify", stdout=StringIO())


def test_removed_event_is_detected():
    events = _write(5)
    _without_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = audit_chain_verify()
    assert report.broken_at == events[2].sequence
    assert report.checked == 1


def test_reordered_events_are_detected():
    events = _write(4)
    _without_triggers()
    a, b = events[1], events[2]
    # Swap their places in the chain (via a free number, as sequence is unique).
    AuditEvent.objects.filter(pk=a.pk).update(sequence=10_000)
    AuditEvent.objects.filter(pk=b.pk).update(sequence=a.sequence)
    AuditEvent.objects.filter(pk=a.pk).update(sequence=b.sequence)
    report = audit_chain_verify()
    assert report.broken_at == a.sequence
    assert "link" in report.problem


def test_event_inserted_out_of_order_is_detected():
    events = _write(4)
    _without_triggers()
    forged_at = events[2].sequence
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    forged = AuditEvent(
        sequence=forged_at,
        occurred_at=events[2].occurred_at,
        action="forged",
        previous_hash=events[0].hash,  # links to the wrong event
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    report = audit_chain_verify()
    assert report.broken_at == forged_at


def test_audit_record_keeps_categories_sorted_and_unique():
    event = audit_record(actor=None, action="test.read", categories=["story", "identity", "story"])
    assert event.categories == ["identity", "story"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_valid_chain():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers are checked on PostgreSQL, where they really run at once")
    writers, per_writer = 6, 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def writer(k):
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", data={"w": k, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit_chain_verify()
    assert report.ok, report.problem
    assert report.checked == writers * per_writer


def test_viewing_the_trail_is_itself_recorded(client, make_user):
    from petal.access.roles import Role

    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    client.force_login(dpo)
    response = client.get("/audit/?action=account.signed_in")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="audit.trail_viewed")
    assert event.actor_id == dpo.pk
    assert event.data == {"action": "account.signed_in"}


def test_verify_page_reports_an_intact_and_a_broken_chain(client, make_user):
    from petal.access.roles import Role

    client.force_login(make_user(Role.DATA_PROTECTION_LEAD))
    events = _write(3)
    assert "The audit trail is intact" in client.get("/audit/verify").content.decode()
    _without_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(reason="edited")
    html = client.get("/audit/verify").content.decode()
    assert "The audit trail has been tampered with" in html
    assert f"event {events[1].sequence}" in html


def test_trail_can_be_filtered_by_who(client, make_user):
    from petal.access.roles import Role

    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    other = make_user(Role.TRUSTED_PERSON)
    audit_record(actor=other, action="test.by_other")
    client.force_login(dpo)
    html = client.get(f"/audit/?who={other.email[:8]}").content.decode()
    assert "test.by_other" in html
    html = client.get("/audit/?who=nobody-matches").content.decode()
    assert "test.by_other" not in html
