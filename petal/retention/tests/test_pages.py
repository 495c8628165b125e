"""The retention pages: the schedule, the runs and one run, for the data protection lead and
administrators; a dry run on request that changes nothing. (Who else is refused: the access
matrix, tests/access_rows/retention.py.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.programme.models import ContactMessage
from petal.programme.tests.factories import ContactMessageFactory
from petal.retention.models import RetentionRun, RetentionSchedule, Trigger
from petal.retention.services import retention_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_user):
    return make_user(Role.DATA_PROTECTION_LEAD)


def test_the_schedule_shows_every_record_type_and_that_the_audit_trail_is_kept(client, dpo):
    client.force_login(dpo)
    response = client.get("/retention/")
    assert response.status_code == 200
    page = response.content.decode()
    for schedule in RetentionSchedule.objects.all():
        assert f'data-testid="schedule-{schedule.record_type}"' in page
        assert schedule.name.replace("'", "&#x27;") in page
    assert "6 years after their last trusted relationship ended" in page
    assert "Kept for good: the audit trail" in page
    assert "never deleted or changed" in page


def test_a_schedule_nothing_carries_out_is_flagged(client, dpo):
    RetentionSchedule.objects.create(
        record_type="made-up",
        name="Made-up records",
        keep_for=3,
        unit="months",
        starts_from="after they were made",
        action="delete",
        description="-",
        legal_basis="-",
    )
    client.force_login(dpo)
    page = client.get("/retention/").content.decode()
    card = page.split('data-testid="schedule-made-up"')[1].split('govuk-summary-card"')[0]
    assert "Not carried out" in card
    assert "3 months after they were made" in card


def test_the_runs_list_does_not_query_per_run(
    client, dpo, make_user, django_assert_max_num_queries
):
    admin = make_user(Role.ADMINISTRATOR)
    for _ in range(2):
        RetentionRun.objects.create(started_by=admin, results=[], total=3)
    client.force_login(dpo)
    client.get("/retention/runs/")
    with CaptureQueriesContext(connection) as few:
        client.get("/retention/runs/")
    for _ in range(20):
        RetentionRun.objects.create(started_by=make_user(Role.ADMINISTRATOR), total=1)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/retention/runs/")
    assert response.content.decode().count("/retention/runs/") >= 22


def test_a_run_page_shows_what_each_type_had_done(client, dpo):
    ContactMessageFactory()
    ContactMessage.objects.update(received_at="2000-01-01T10:00:00Z")
    run = retention_run()
    client.force_login(dpo)
    response = client.get(f"/retention/runs/{run.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    row = page.split('data-testid="result-contact-messages"')[1].split("</tr>")[0]
    assert "1 deleted" in row
    assert "12 months after the message was received" in row
    assert run.reference in page


def test_a_run_that_does_not_exist_is_not_found(client, dpo):
    client.force_login(dpo)
    assert client.get("/retention/runs/999999").status_code == 404


def test_a_dry_run_asked_for_on_the_page_changes_nothing(
    client, dpo, django_capture_on_commit_callbacks
):
    ContactMessageFactory()
    ContactMessage.objects.update(received_at="2000-01-01T10:00:00Z")
    client.force_login(dpo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/retention/runs/dry-run")
    assert response.status_code == 302 and response.url == "/retention/runs/"
    run = RetentionRun.objects.get()
    assert run.dry_run and run.trigger == Trigger.PAGE and run.started_by == dpo
    assert run.counts["contact-messages"] == 1
    assert ContactMessage.objects.count() == 1
    assert AuditEvent.objects.filter(action="retention.dry_run_requested", actor_id=dpo.pk).exists()
    page = client.get("/retention/runs/").content.decode()
    assert "Dry run (nothing changed)" in page


def test_an_administrator_sees_the_pages_and_a_trusted_person_does_not(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get("/retention/").status_code == 200
    client.force_login(make_user(Role.TRUSTED_PERSON))
    assert client.get("/retention/").status_code == 403
    assert client.post("/retention/runs/dry-run").status_code == 403
    assert not RetentionRun.objects.exists()
