"""Rectification (article 16): the lead records what is wrong, the trusted persons are told
(a reference and a link, nothing more) and correct it through the usual edit page, and the case
is closed with the versions that made the correction. Erasure (article 17): a decision with its
lawful reason; approval erases everything through ``person_erase``, leaving the case (without
its link or free text) and the audit tombstone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.consent.tests.factories import BreakGlassFactory
from petal.core.errors import ValidationFailed
from petal.people.models import Person, RecordVersion
from petal.people.tests.factories import PersonFactory
from petal.rights import services
from petal.rights.models import RightsCase, Status
from petal.rights.tests.factories import RightsCaseFactory

pytestmark = pytest.mark.django_db

WRONG = "CANARY-WRONG says they were convicted in 2019"


@pytest.fixture
def rectification(dpo, person):
    return services.case_record(
        actor=dpo,
        kind="rectification",
        person_id=person.pk,
        received_on=timezone.localdate(),
        received_how="in_person",
        identity_checked=True,
        what_is_wrong=WRONG,
        what_should_be="No conviction; a caution in 2018",
    )


def test_a_rectification_request_needs_what_is_wrong_and_what_should_be(dpo, person):
    with pytest.raises(ValidationFailed) as refused:
        services.case_record(
            actor=dpo,
            kind="rectification",
            person_id=person.pk,
            received_on=timezone.localdate(),
            received_how="email",
            identity_checked=True,
        )
    assert set(refused.value.field_errors) == {"what_is_wrong"}


def test_trusted_persons_are_told_with_a_reference_only(
    client, dpo, person, trusted, rectification, django_capture_on_commit_callbacks
):
    client.force_login(dpo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rights/{rectification.pk}/tell")
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == [trusted.email]
    text = email.subject + email.body
    assert f"P-{person.pk:06d}" in text
    assert f"/people/{person.pk}" in text
    for secret in ("Canary", "CANARY-WRONG", "caution", "convicted"):
        assert secret not in text
    rectification.refresh_from_db()
    assert rectification.trusted_told_at is not None
    event = AuditEvent.objects.get(action="rights.trusted_persons_told")
    assert event.data == {"person": person.pk, "kind": "rectification", "told": 1}


def test_no_trusted_person_to_tell_is_said_plainly(client, dpo):
    lonely = PersonFactory()
    case = RightsCaseFactory(person=lonely, kind="rectification", what_is_wrong="x")
    client.force_login(dpo)
    response = client.post(f"/rights/{case.pk}/tell", follow=True)
    assert "no current trusted person" in response.content.decode()
    assert not mail.outbox


def test_the_correction_is_made_on_the_edit_page_and_linked_to_the_case(
    client, dpo, person, trusted, rectification
):
    before = RecordVersion.objects.create(
        person=person, category="identity", changes={"pronouns": ["", "they"]}
    )
    RecordVersion.objects.filter(pk=before.pk).update(
        changed_at=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(trusted)
    edit = client.post(
        f"/people/{person.pk}/edit/justice",
        {"justice_notes": "Caution in 2018; no conviction", "version": person.version},
    )
    assert edit.status_code == 302
    version = RecordVersion.objects.get(category="justice")
    client.force_login(dpo)
    page = client.get(f"/rights/{rectification.pk}/close").content.decode()
    # Only changes since the request are offered; reading them is recorded.
    assert f'value="{version.pk}"' in page
    assert f'value="{before.pk}"' not in page
    assert AuditEvent.objects.get(action="rights.versions_read").data["versions"] == [version.pk]
    none = client.post(f"/rights/{rectification.pk}/close", {"outcome": "corrected", "note": ""})
    assert "Select the changes that made the correction" in none.content.decode()
    done = client.post(
        f"/rights/{rectification.pk}/close",
        {"outcome": "corrected", "versions": [str(version.pk)], "note": ""},
    )
    assert done.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == Status.COMPLETED
    assert rectification.outcome == "corrected"
    assert list(rectification.versions.all()) == [version]
    event = AuditEvent.objects.get(action="rights.case_completed")
    assert event.data["versions"] == [version.pk]


def test_a_version_of_another_record_cannot_be_linked(dpo, rectification):
    other = RecordVersion.objects.create(
        person=PersonFactory(), category="identity", changes={"full_name": ["a", "b"]}
    )
    with pytest.raises(ValidationFailed, match="this person"):
        services.case_close(
            actor=dpo, case_id=rectification.pk, outcome="corrected", version_ids=[other.pk]
        )


def test_a_rectification_can_be_refused_with_a_reason(dpo, rectification):
    case = services.case_close(
        actor=dpo,
        case_id=rectification.pk,
        outcome="refused",
        note="The record is accurate: the court record confirms it",
    )
    assert (case.status, case.outcome) == (Status.REFUSED, "refused")


# --- erasure ------------------------------------------------------------------------------------


@pytest.fixture
def erasure(dpo, person):
    return services.case_record(
        actor=dpo,
        kind="erasure",
        person_id=person.pk,
        received_on=timezone.localdate(),
        received_how="letter",
        identity_checked=True,
        notes="CANARY-NOTE asked by letter",
    )


def test_erasure_refused_on_a_lawful_basis_keeps_everything(client, dpo, person, erasure):
    client.force_login(dpo)
    no_basis = client.post(
        f"/rights/{erasure.pk}/decide", {"decision": "refused", "reason": "Police enquiry"}
    )
    assert "Select the lawful reason" in no_basis.content.decode()
    done = client.post(
        f"/rights/{erasure.pk}/decide",
        {"decision": "refused", "refusal": "legal_obligation", "reason": "Court order applies"},
    )
    assert done.status_code == 302
    erasure.refresh_from_db()
    assert (erasure.status, erasure.decision, erasure.decision_basis) == (
        Status.REFUSED,
        "refused",
        "legal_obligation",
    )
    assert Person.objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(action="rights.erasure_decided")
    assert event.data["basis"] == "legal_obligation"


def test_erasure_is_refused_while_a_safeguarding_access_is_open_or_unreviewed(
    client, dpo, person, erasure, make_user
):
    BreakGlassFactory(person=person, opened_by=make_user(Role.SAFEGUARDING_LEAD))
    client.force_login(dpo)
    page = client.get(f"/rights/{erasure.pk}/decide").content.decode()
    assert "cannot be erased now" in page
    response = client.post(
        f"/rights/{erasure.pk}/decide",
        {"decision": "approved", "ground": "consent_withdrawn", "reason": "They asked"},
    )
    assert response.status_code == 200
    assert "open without consent for safeguarding" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    erasure.refresh_from_db()
    assert erasure.status == Status.OPEN and erasure.decision == ""


def test_approved_erasure_erases_the_record_and_keeps_the_case_without_personal_details(
    client, dpo, person, erasure
):
    sar = RightsCaseFactory(person=person, notes="CANARY-SAR-NOTE")
    services.export_generate(actor=dpo, case_id=sar.pk)
    restriction = RightsCaseFactory(person=person, kind="restriction")
    services.restriction_apply(actor=dpo, case_id=restriction.pk, reason="CANARY-RESTRICT")
    client.force_login(dpo)
    response = client.post(
        f"/rights/{erasure.pk}/decide",
        {"decision": "approved", "ground": "no_longer_needed", "reason": "No longer needed"},
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    erasure.refresh_from_db()
    assert (erasure.status, erasure.outcome, erasure.person_id) == (
        Status.COMPLETED,
        "erased",
        None,
    )
    assert erasure.person_reference == f"P-{person.pk:06d}"
    assert erasure.erased_counts.get("people.person") == 1
    # The person's other cases stay, as dates and references, with nothing about them.
    for case in RightsCase.objects.all():
        assert case.person_id is None
        assert "CANARY" not in (case.notes + case.restriction_reason + case.what_is_wrong)
    assert not sar.exports.exists()
    assert not RightsCase.objects.get(pk=restriction.pk).restriction_in_force
    tombstone = AuditEvent.objects.get(action="person.erased")
    assert tombstone.object_id == str(person.pk)
    assert tombstone.data["reason"] == "erasure_request"
    assert "Canary" not in str(tombstone.data)
    # The case page still shows what was decided, and who erased it.
    page = client.get(f"/rights/{erasure.pk}").content.decode()
    assert "Erase the record" in page
    assert "people.person: 1" in page


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.TRUSTED_PERSON])
def test_no_one_else_decides_erasure(client, make_user, person, erasure, role):
    client.force_login(make_user(role))
    response = client.post(
        f"/rights/{erasure.pk}/decide",
        {"decision": "approved", "ground": "no_longer_needed", "reason": "x"},
    )
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
