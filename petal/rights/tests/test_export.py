"""The subject access copy: everything Petal holds about the person and the access log, as JSON
and PDF, for the data protection lead only — and a walk over Petal's models that fails when a
new kind of record linked to a person is not in the copy."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.audit.services import audit_record
from petal.people.models import Person
from petal.rights import export, services
from petal.rights.models import RightsCase
from petal.rights.tests.factories import RightsCaseFactory

pytestmark = pytest.mark.django_db

TOP_LEVEL_KEYS = {
    "format",
    "generated_at",
    "person_reference",
    *(key for key, _ in export.SECTIONS),
}


def _links_to(model, targets) -> bool:
    return any(
        field.is_relation
        and (field.concrete or field.many_to_many)
        and not field.auto_created
        and field.related_model in targets
        for field in model._meta.get_fields()
    )


def linked_models() -> tuple[set, set]:
    """Models with a foreign key to Person, and models with one to those (one level on)."""
    direct = {m for m in apps.get_models() if m is not Person and _links_to(m, {Person})}
    through = {m for m in apps.get_models() if m not in direct and _links_to(m, direct)}
    return direct, through - {Person}


def test_every_model_linked_to_a_person_is_in_the_copy_or_excluded_with_a_reason():
    direct, through = linked_models()
    labels = {m._meta.label for m in direct | through}
    missing = labels - set(export.COVERED) - set(export.NOT_PERSONAL)
    assert not missing, (
        f"Add {sorted(missing)} to petal.rights.export (COVERED, or NOT_PERSONAL with the reason)"
    )
    assert not set(export.COVERED) & set(export.NOT_PERSONAL)
    assert all(reason.strip() for reason in export.NOT_PERSONAL.values())
    # Every section named in COVERED exists in the copy.
    assert set(export.COVERED.values()) <= {key for key, _ in export.SECTIONS}


def test_the_walk_finds_the_links_it_must(person):
    direct, through = linked_models()
    labels = {m._meta.label for m in direct | through}
    assert {"people.Alias", "consent.Consent", "referrals.Referral", "rights.RightsCase"} <= labels
    assert {"referrals.ReferralEvent", "meetings.Action", "outcomes.AssessmentAnswer"} <= labels


@pytest.fixture
def everything(person, trusted, make_user):
    """One of every kind of record linked to the person, and some about someone else."""
    from petal.barriers.tests.factories import BarrierFactory
    from petal.champions.tests.factories import SupportConnectionFactory
    from petal.consent.models import StoryReuse
    from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory, make_individual
    from petal.meetings.models import Decision
    from petal.meetings.tests.factories import ActionFactory, MeetingCaseFactory
    from petal.outcomes.models import ImportBatch, ImportedRecord
    from petal.outcomes.tests.factories import AssessmentFactory, ServiceUseFactory
    from petal.people.models import (
        Alias,
        ConnectionRequest,
        ContactRecord,
        Handover,
        RecordVersion,
        Story,
    )
    from petal.people.tests.factories import EpisodeFactory, PersonFactory
    from petal.referrals.models import ReferralEvent
    from petal.referrals.tests.factories import ReferralFactory
    from petal.rights.models import ClockPause

    area = person.programme_area
    other = make_user(Role.TRUSTED_PERSON)
    Alias.objects.create(person=person, name="Robbie Hart")
    Story.objects.create(person=person, what_matters="CANARY-STORY my dog, Pip")
    EpisodeFactory(person=person)
    ContactRecord.objects.create(
        programme_area=area, person=person, happened_on=timezone.localdate(), method="phone"
    )
    RecordVersion.objects.create(
        person=person, category="contact", changes={"phone": ["1", "2"]}, changed_by=trusted
    )
    Handover.objects.create(
        programme_area=area,
        person=person,
        from_user=trusted,
        to_user=other,
        to_kind="professional",
        planned_for=timezone.localdate(),
        agreed_how="in_person",
    )
    ConnectionRequest.objects.create(programme_area=area, requester=other, person=person)
    consent = ConsentFactory(person=person, grantee_user=other, recorded_by=trusted)
    ConsentFactory(
        person=person,
        grantee_user=other,
        withdrawn_at=timezone.now(),
        withdrawn_how="verbal",
        withdrawn_by=trusted,
    )
    BreakGlassFactory(person=person, opened_by=make_user(Role.SAFEGUARDING_LEAD))
    StoryReuse.objects.create(
        programme_area=area,
        person=person,
        reader=other,
        consent=consent,
        read_on=timezone.localdate(),
    )
    make_individual(person)
    referral = ReferralFactory(person=person, referred_by=trusted)
    ReferralEvent.objects.create(
        referral=referral, kind="note", body="Called twice", side="referrer", at=timezone.now()
    )
    case = MeetingCaseFactory(person=person, brought_by=trusted)
    Decision.objects.create(meeting=case.meeting, case=case, text="Housing first")
    ActionFactory(meeting=case.meeting, case=case, owner_user=trusted)
    SupportConnectionFactory(person=person)
    BarrierFactory(person=person)
    AssessmentFactory(person=person)
    ServiceUseFactory(person=person, arrests=1)
    batch = ImportBatch.objects.create(uploaded_by=trusted, filename="caseload.csv", content=b"")
    ImportedRecord.objects.create(batch=batch, model="people.person", object_id=person.pk)
    rights = RightsCaseFactory(person=person)
    ClockPause.objects.create(case=rights, paused_on=timezone.localdate(), reason="ID")
    # Someone else, with records of their own that must never be in this copy.
    stranger = PersonFactory(full_name="Other Stranger")
    ReferralFactory(person=stranger)
    Alias.objects.create(person=stranger, name="CANARY-OTHER")
    return rights


def _pairs(value, found=None) -> set[tuple[str, object]]:
    """Every (record_type, id) in a copy."""
    found = set() if found is None else found
    if isinstance(value, dict):
        if "record_type" in value:
            found.add((value["record_type"], value["id"]))
        for inner in value.values():
            _pairs(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _pairs(inner, found)
    return found


def _belonging(model, person, direct_rows) -> list:
    """The rows of a linked model that belong to the person: by their link to the person, or
    to a record that links to the person."""
    fields = [
        f
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and not f.auto_created and f.related_model is not None
    ]
    if any(f.related_model is Person for f in fields):
        name = next(f.name for f in fields if f.related_model is Person)
        return list(model.objects.filter(**{name: person}))
    rows = []
    for field in fields:
        parents = direct_rows.get(field.related_model)
        if parents:
            rows += list(model.objects.filter(**{f"{field.name}__in": parents}))
    return rows


def test_the_copy_holds_every_record_linked_to_the_person_and_nothing_of_anyone_else(
    everything, person
):
    data = export.gather(person.pk)
    found = _pairs(data)
    direct, through = linked_models()
    direct_rows = {m: _belonging(m, person, {}) for m in direct}
    for model in sorted(direct | through, key=lambda m: m._meta.label):
        label = model._meta.label
        if label in export.NOT_PERSONAL:
            continue
        rows = direct_rows.get(model) or _belonging(model, person, direct_rows)
        assert rows, f"The test fixture makes no {label}: add one to `everything`"
        for row in rows:
            assert (label, row.pk) in found, f"{label} {row.pk} is not in the copy"
    assert ("people.Person", person.pk) in found
    assert any(t == "outcomes.ImportedRecord" for t, _ in found)
    assert any(t == "meetings.Meeting" for t, _ in found)
    text = json.dumps(data)
    assert "CANARY-STORY" in text
    assert "CANARY-OTHER" not in text
    assert "Other Stranger" not in text
    assert set(data) == TOP_LEVEL_KEYS
    assert data["format"] == "petal-subject-access/1"
    assert data["record"]["full_name"] == "Robin Canary-Hart"
    # Withdrawals are there, with the scope of each consent and its receipt reference.
    consents = data["consents"]
    assert {c["status"] for c in consents} == {"active", "withdrawn"}
    assert all(c["categories"] == ["identity", "story"] for c in consents)
    assert all(c["receipt_reference"].startswith("C-") for c in consents)
    # Internal search keys and secrets are never copied.
    assert "search_names" not in data["record"]
    assert all("code_hash" not in row for row in data["own_sign_in"])


def test_the_access_log_names_who_read_what_when_and_why(client, everything, person, trusted, dpo):
    from petal.accounts.models import Organisation
    from petal.accounts.tests.factories import MembershipFactory

    org = Organisation.objects.filter(pk=trusted.memberships.first().organisation_id).first()
    client.force_login(trusted)
    assert client.get(f"/people/{person.pk}").status_code == 200
    assert client.get("/people/").status_code == 200
    # An event about someone else, and one listing the person among others.
    audit_record(actor=trusted, action="people.listed", data={"people": [person.pk + 1000]})
    audit_record(actor=trusted, action="people.listed", data={"people": [7, person.pk, 9]})
    # An event with a count, not a list, under the same key must not match by accident.
    audit_record(actor=trusted, action="import.completed", data={"people": person.pk})
    MembershipFactory(user=dpo, role=Role.DATA_PROTECTION_LEAD)
    services.clock_pause(actor=dpo, case_id=everything.pk, reason="Waiting for ID")
    log = export.gather(person.pk)["access_log"]
    actions = [row["action"] for row in log]
    assert "person.read" in actions
    assert actions.count("people.listed") == 2  # the caseload page and the list naming them
    assert "import.completed" not in actions
    read = next(row for row in log if row["action"] == "person.read")
    assert read["who"] == (f"{trusted.display_name} ({org.name})" if org else trusted.display_name)
    assert read["basis"] == "trusted person"
    assert read["what"] == "Person's record read"
    assert "identity" in read["categories"]
    # What the data protection lead did about their requests is in it too.
    paused = next(row for row in log if row["action"] == "rights.clock_paused")
    assert paused["about"] == f"Data-protection request {everything.pk}"
    assert [row["sequence"] for row in log] == sorted(row["sequence"] for row in log)


def test_the_lead_prepares_and_downloads_the_copy_and_each_step_is_recorded(
    client, dpo, everything, person
):
    client.force_login(dpo)
    response = client.post(f"/rights/{everything.pk}/copies/new")
    assert response.status_code == 302
    item = everything.exports.get()
    page = client.get(f"/rights/{everything.pk}").content.decode()
    assert f"/rights/{everything.pk}/copies/{item.pk}.pdf" in page
    as_json = client.get(f"/rights/{everything.pk}/copies/{item.pk}.json")
    assert as_json["Content-Type"] == "application/json"
    assert "attachment" in as_json["Content-Disposition"]
    data = json.loads(as_json.content)
    assert set(data) == TOP_LEVEL_KEYS
    # The copy's own making is in its access log.
    assert data["access_log"][-1]["action"] == "rights.export_generated"
    as_pdf = client.get(f"/rights/{everything.pk}/copies/{item.pk}.pdf")
    assert as_pdf.content.startswith(b"%PDF")
    downloads = AuditEvent.objects.filter(action="rights.export_downloaded").order_by("sequence")
    assert [e.data["format"] for e in downloads] == ["json", "pdf"]
    assert all(e.data["person"] == person.pk for e in downloads)
    # A full copy reads every category: made or downloaded, the access log says so.
    every = sorted(str(c) for c in Category)
    assert all(e.categories == every for e in downloads)
    assert AuditEvent.objects.get(action="rights.export_generated").categories == every
    assert item.counts["consents"] == 2
    # Another case's number with this copy: not found.
    other = RightsCaseFactory()
    assert client.get(f"/rights/{other.pk}/copies/{item.pk}.json").status_code == 404
    assert client.get(f"/rights/{everything.pk}/copies/{item.pk}.csv").status_code == 404
    # Completing now works: the copy exists.
    done = client.post(f"/rights/{everything.pk}/close", {"outcome": "completed", "note": ""})
    assert done.status_code == 302
    assert RightsCase.objects.get(pk=everything.pk).status == "completed"


def test_the_pdf_has_plain_headed_sections(person):
    pytest.importorskip("weasyprint")
    data = export.gather(person.pk)
    html = render_to_string(
        "rights/export_pdf.html",
        {"data": data, "sections": export.printable_sections(data), "generated": timezone.now()},
    )
    for _, title in export.SECTIONS:
        assert f">{title.replace(chr(39), '&#x27;')}</h2>" in html
    assert "Robin Canary-Hart" in html


@pytest.mark.parametrize("role", [Role.TRUSTED_PERSON, Role.ADMINISTRATOR, Role.SAFEGUARDING_LEAD])
def test_no_one_else_prepares_or_downloads_a_copy(client, make_user, dpo, person, role):
    case = RightsCaseFactory(person=person)
    item = services.export_generate(actor=dpo, case_id=case.pk)
    client.force_login(make_user(role))
    assert client.post(f"/rights/{case.pk}/copies/new").status_code == 403
    assert client.get(f"/rights/{case.pk}/copies/{item.pk}.json").status_code == 403
    assert not AuditEvent.objects.filter(action="rights.export_downloaded").exists()


def test_copies_only_for_subject_access_requests(dpo, person):
    from petal.core.errors import NotFound

    case = RightsCaseFactory(person=person, kind="erasure")
    with pytest.raises(NotFound):
        services.export_generate(actor=dpo, case_id=case.pk)
