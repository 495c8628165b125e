"""Rights cases in the retention schedules: closed cases go after their time, a person with a
request still open is not erased by the retention run, and erasing a person clears them from
the cases that are kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from petal.retention import registry
from petal.retention.erase import person_erase
from petal.retention.services import retention_run
from petal.rights.models import RightsCase, SubjectAccessExport
from petal.rights.tests.factories import RightsCaseFactory

pytestmark = pytest.mark.django_db


def test_closed_cases_go_after_their_time_and_open_ones_stay():
    old = RightsCaseFactory(status="completed", closed_at=timezone.now() - dt.timedelta(days=800))
    SubjectAccessExport.objects.create(case=old, json_content=b"{}", pdf_content=b"%PDF")
    recent = RightsCaseFactory(status="completed", closed_at=timezone.now() - dt.timedelta(days=30))
    still_open = RightsCaseFactory()
    run = retention_run()
    assert "rights-cases" not in run.errors
    assert run.counts.get("rights-cases") == 1
    assert set(RightsCase.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not SubjectAccessExport.objects.exists()


def test_a_person_with_an_open_request_is_held_from_retention_erasure():
    open_case = RightsCaseFactory()
    closed = RightsCaseFactory(status="completed", closed_at=timezone.now())
    held = registry.held([open_case.person_id, closed.person_id])
    assert held == {open_case.person_id}


def test_erasing_a_person_clears_them_from_the_cases_kept(make_user):
    case = RightsCaseFactory(notes="Asked by phone; lives at 4 Mill Lane")
    SubjectAccessExport.objects.create(case=case, json_content=b"{}", pdf_content=b"%PDF")
    counts = person_erase(person_id=case.person_id, actor=None, reason="retention")
    # What the hook cleared is counted into the erasure's tombstone.
    assert counts["rights.subjectaccessexport"] == 1
    assert counts["rights.rightscase unlinked"] == 1
    case.refresh_from_db()
    assert case.person_id is None and case.notes == ""
    assert case.person_reference.startswith("P-")
    assert not SubjectAccessExport.objects.filter(case=case).exists()
