"""Consent, withdrawal, break-glass, receipts, the person's own sign-in and the data protection
lead's pages: each through the real pages, services and database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.consent import services
from petal.consent.models import BreakGlass, Consent, StoryReuse, bits_for
from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory, make_individual
from petal.core.errors import NotFound, ValidationFailed
from petal.people.models import Story
from petal.people.tests.factories import (
    EpisodeFactory,
    PersonFactory,
    RelationshipFactory,
    person_of,
)

pytestmark = pytest.mark.django_db
PHONE = "07700 900999"
ADDRESS = "12 Hidden Lane"


@pytest.fixture
def org():
    from petal.accounts.tests.factories import OrganisationFactory

    return OrganisationFactory()


@pytest.fixture
def trusted(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def person(trusted):
    p = person_of(trusted, phone=PHONE, address=ADDRESS)
    Story.objects.create(person=p, what_matters="Being near my sister")
    return p


def _consent(person, trusted, **kwargs):
    kwargs.setdefault("category_bits", bits_for([Category.IDENTITY, Category.STORY]))
    return ConsentFactory(person=person, recorded_by=trusted, **kwargs)


# --- recording consent ----------------------------------------------------------------------


def test_trusted_person_records_consent_through_the_page_and_gets_a_receipt(
    client, trusted, person, org
):
    client.force_login(trusted)
    today = timezone.localdate()
    response = client.post(
        f"/people/{person.pk}/consents/new",
        {
            "grantee_kind": "organisation",
            "organisation": org.pk,
            "categories": ["identity", "story", "needs"],
            "purposes": ["referral"],
            "purpose_text": "",
            "starts_on_0": today.day,
            "starts_on_1": today.month,
            "starts_on_2": today.year,
            "ends_on_0": today.day,
            "ends_on_1": today.month,
            "ends_on_2": today.year + 1,
            "given_how": "verbal",
            "conditions": "Only the housing team",
        },
    )
    consent = Consent.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/consents/{consent.pk}/receipt"
    assert set(consent.categories) == {Category.IDENTITY, Category.STORY, Category.NEEDS}
    assert consent.grantee_organisation == org and consent.recorded_by == trusted
    receipt = client.get(response["Location"]).content.decode()
    for words in ["What is shared", org.name, "How to withdraw", "Only the housing team"]:
        assert words in receipt
    easy = client.get(response["Location"] + "?version=easy").content.decode()
    assert "You said yes to sharing" in easy and "You can change your mind" in easy
    pdf = client.get(f"/people/{person.pk}/consents/{consent.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    assert AuditEvent.objects.filter(action="consent.recorded", object_id=str(person.pk)).exists()


def test_bad_consent_keeps_what_was_typed_and_says_what_to_fix(client, trusted, person):
    client.force_login(trusted)
    response = client.post(
        f"/people/{person.pk}/consents/new",
        {"grantee_kind": "organisation", "categories": ["story"], "conditions": "Kept words"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the organisation" in html
    assert "Kept words" in html
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"categories": [Category.STORY]}, "categories"),
        ({"categories": []}, "categories"),
        ({"ends_on": dt.date(2020, 1, 1)}, "ends_on"),
        ({"purposes": [], "purpose_text": ""}, "purposes"),
        ({"given_how": "telepathy"}, "given_how"),
    ],
)
def test_consent_rules(trusted, person, org, change, field):
    values = {
        "actor": trusted,
        "person": person,
        "categories": [Category.IDENTITY, Category.STORY],
        "purposes": ["referral"],
        "ends_on": timezone.localdate() + dt.timedelta(days=30),
        "given_how": "verbal",
        "grantee_organisation": org,
    }
    values.update(change)
    with pytest.raises(ValidationFailed) as error:
        services.consent_record(**values)
    assert field in error.value.field_errors


def test_only_a_trusted_person_records_consent(make_user, person, org):
    other = make_user(Role.TRUSTED_PERSON)
    with pytest.raises(NotFound):
        services.consent_record(
            actor=other,
            person=person,
            categories=[Category.IDENTITY],
            purposes=["referral"],
            ends_on=timezone.localdate() + dt.timedelta(days=3),
            given_how="verbal",
            grantee_organisation=org,
        )


def test_a_named_grantee_must_work_with_people(make_user, trusted, person):
    governance = make_user(Role.GOVERNANCE_MEMBER)
    with pytest.raises(ValidationFailed) as error:
        services.consent_record(
            actor=trusted,
            person=person,
            categories=[Category.IDENTITY],
            purposes=["referral"],
            ends_on=timezone.localdate() + dt.timedelta(days=3),
            given_how="verbal",
            grantee_user=governance,
        )
    assert "grantee_user" in error.value.field_errors


def test_renewal_keeps_sharing_after_the_old_end(trusted, person, org, make_user):
    old = _consent(person, trusted, grantee_organisation=org, ends_on=timezone.localdate())
    new = services.consent_renew(
        actor=trusted,
        consent=old,
        ends_on=timezone.localdate() + dt.timedelta(days=200),
        given_how="written",
    )
    assert new.renewal_of == old and new.categories == old.categories
    assert new.grantee_organisation == org
    services.consent_withdraw(actor=trusted, consent_id=new.pk, how="verbal")
    with pytest.raises(ValidationFailed):
        services.consent_renew(
            actor=trusted, consent=new, ends_on=timezone.localdate(), given_how="verbal"
        )


def test_expiry_warning_is_sent_once_and_names_no_one(trusted, person, org):
    soon = _consent(
        person,
        trusted,
        grantee_organisation=org,
        ends_on=timezone.localdate() + dt.timedelta(days=10),
    )
    _consent(person, trusted, grantee_organisation=org)  # ends in a year: not yet
    mail.outbox.clear()
    assert services.consent_expiry_warnings(days=14) == 1
    assert services.consent_expiry_warnings(days=14) == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [trusted.email]
    assert f"P-{person.pk:06d}" in body and person.full_name not in body
    soon.refresh_from_db()
    assert soon.expiry_warned_at is not None


# --- tell it once -----------------------------------------------------------------------------


def test_story_read_under_consent_counts_once_a_day(client, make_user, trusted, person, org):
    reader = make_user(Role.SERVICE_STAFF, organisation=org)
    _consent(person, trusted, grantee_organisation=org)
    client.force_login(trusted)
    client.get(f"/people/{person.pk}")
    assert StoryReuse.objects.count() == 0  # the trusted person is not "instead of re-told"
    client.force_login(reader)
    client.get(f"/people/{person.pk}")
    client.get(f"/people/{person.pk}")
    assert StoryReuse.objects.filter(person=person, reader=reader).count() == 1
    page = client.get(f"/people/{person.pk}/consents").content.decode()
    assert "read 1 time by other services" in page
    assert AuditEvent.objects.filter(action="story.read_instead_of_retold").count() == 1


def test_story_not_counted_without_story_consent(client, make_user, trusted, person, org):
    reader = make_user(Role.SERVICE_STAFF, organisation=org)
    _consent(person, trusted, grantee_organisation=org, category_bits=bits_for(["identity"]))
    client.force_login(reader)
    assert client.get(f"/people/{person.pk}").status_code == 200
    assert StoryReuse.objects.count() == 0


# --- domestic abuse: contact details stay out of lists, exports and notifications -------------


def _export(client):
    response = client.get("/people/export.csv")
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def test_domestic_abuse_contact_is_kept_out_of_lists_and_exports(
    client, make_user, trusted, person, org
):
    EpisodeFactory(person=person, area_id=_area_id("domestic-abuse"))
    client.force_login(trusted)
    rows = _export(client)
    assert rows and rows[0][5] == "" and rows[0][4] == ""
    assert PHONE not in client.get("/people/").content.decode()
    # ...but the trusted person still sees them on the record itself.
    assert PHONE in client.get(f"/people/{person.pk}").content.decode()

    glass_reader = make_user(Role.SAFEGUARDING_LEAD)
    BreakGlassFactory(person=person, opened_by=glass_reader)
    client.force_login(glass_reader)
    assert _export(client)[0][5] == ""

    with_contact = make_user(Role.SERVICE_STAFF, organisation=org)
    _consent(
        person,
        trusted,
        grantee_organisation=org,
        category_bits=bits_for([Category.IDENTITY, Category.CONTACT]),
    )
    client.force_login(with_contact)
    assert _export(client)[0][5] == PHONE


def test_contact_of_people_without_domestic_abuse_is_listed_for_the_trusted_person(
    client, trusted, person
):
    client.force_login(trusted)
    assert _export(client)[0][5] == PHONE


def _area_id(code):
    from petal.reference.models import AreaOfDisadvantage

    return AreaOfDisadvantage.objects.get(code=code).pk


# --- break-glass ------------------------------------------------------------------------------


def test_break_glass_opens_tells_and_is_audited_with_its_reason(client, make_user, trusted, person):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    former = make_user(Role.TRUSTED_PERSON)
    RelationshipFactory(
        person=person, trusted_person=former, is_lead=False, ends_on=timezone.localdate()
    )
    EpisodeFactory(person=person, area_id=_area_id("domestic-abuse"))
    client.force_login(lead)
    assert client.get(f"/people/{person.pk}").status_code == 404
    mail.outbox.clear()
    response = client.post(
        "/safeguarding/",
        {
            "reference": f"P-{person.pk:06d}",
            "lawful_basis": "safeguarding",
            "reason": "risk_to_person",
            "details": "Hospital reports an overdose risk tonight",
            "hours": 24,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}"
    glass = BreakGlass.objects.get()
    assert glass.expires_at - glass.opened_at == dt.timedelta(hours=24)
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {dpo.email, trusted.email}
    for message in mail.outbox:
        for secret in (PHONE, ADDRESS, person.full_name, "overdose"):
            assert secret not in message.body
    page = client.get(f"/people/{person.pk}").content.decode()
    assert PHONE in page and "Safeguarding access" in page
    read = AuditEvent.objects.filter(action="person.read", actor_id=lead.pk).latest("sequence")
    assert read.data["break_glass"] == glass.pk and read.data["basis"] == "break-glass"
    # The trail keeps the kind of reason; the details stay on the break-glass (erasable).
    assert read.reason.startswith("Serious risk of harm") and "overdose" not in read.reason
    opened = AuditEvent.objects.get(action="breakglass.opened")
    assert opened.reason == read.reason
    assert glass.details == "Hospital reports an overdose risk tonight"


def test_break_glass_expires_on_time(client, make_user, person):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    glass = BreakGlassFactory(person=person, opened_by=lead)
    client.force_login(lead)
    assert client.get(f"/people/{person.pk}").status_code == 200
    BreakGlass.objects.filter(pk=glass.pk).update(expires_at=timezone.now())
    assert client.get(f"/people/{person.pk}").status_code == 404
    assert person.full_name not in client.get("/people/").content.decode()


@override_settings(PETAL_BREAK_GLASS_HOURS=12)
def test_break_glass_cannot_outlast_the_configured_limit(make_user, person):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    with pytest.raises(ValidationFailed) as error:
        services.break_glass_open(
            actor=lead,
            person=person,
            lawful_basis="safeguarding",
            reason="missing",
            details="Missing for three days",
            hours=13,
        )
    assert "hours" in error.value.field_errors
    glass = services.break_glass_open(
        actor=lead,
        person=person,
        lawful_basis="safeguarding",
        reason="missing",
        details="Missing for three days",
    )
    assert glass.expires_at - glass.opened_at == dt.timedelta(hours=12)


def test_only_safeguarding_leads_break_glass(client, make_user, person):
    for role in (Role.TRUSTED_PERSON, Role.DATA_PROTECTION_LEAD, Role.ADMINISTRATOR):
        with pytest.raises(NotFound):
            services.break_glass_open(
                actor=make_user(role),
                person=person,
                lawful_basis="safeguarding",
                reason="missing",
                details="Missing for three days",
            )
    assert not BreakGlass.objects.exists()


def test_ambiguous_or_missing_match_opens_nothing(client, make_user):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    PersonFactory(
        full_name="Sam Twin", search_names="|sam twin|", date_of_birth=dt.date(1990, 1, 1)
    )
    PersonFactory(
        full_name="Sam Twin", search_names="|sam twin|", date_of_birth=dt.date(1990, 1, 1)
    )
    client.force_login(lead)
    base = {
        "lawful_basis": "safeguarding",
        "reason": "missing",
        "details": "Missing for three days",
        "hours": 72,
    }
    twins = client.post(
        "/safeguarding/",
        {
            **base,
            "full_name": "Sam Twin",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "1990",
        },
    )
    assert "More than one record matches" in twins.content.decode()
    none = client.post("/safeguarding/", {**base, "reference": "P-999999"})
    assert "No single record matches" in none.content.decode()
    assert not BreakGlass.objects.exists()
    searches = AuditEvent.objects.filter(action="breakglass.searched", actor_id=lead.pk)
    assert sorted(e.data["matches"] for e in searches) == [0, 2]


def test_data_protection_lead_reviews_from_the_queue(client, make_user, person):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    glass = BreakGlassFactory(person=person, opened_by=lead)
    client.force_login(dpo)
    queue = client.get("/consent/break-glass").content.decode()
    assert lead.display_name in queue and person.full_name not in queue
    refused = client.post(f"/consent/break-glass/{glass.pk}", {"outcome": "misused", "note": ""})
    assert "Say why the access was not justified" in refused.content.decode()
    client.post(f"/consent/break-glass/{glass.pk}", {"outcome": "misused", "note": "No risk"})
    glass.refresh_from_db()
    assert glass.review == "misused" and glass.reviewed_by == dpo
    assert glass.closed_at is not None  # misused access ends at once
    client.force_login(lead)
    assert client.get(f"/people/{person.pk}").status_code == 404


# --- the data protection lead's pages ---------------------------------------------------------


def test_access_report_shows_who_read_what_but_not_the_record(client, make_user, trusted, person):
    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    client.force_login(trusted)
    client.get(f"/people/{person.pk}")
    client.force_login(dpo)
    page = client.get("/consent/access-report", {"reference": f"P-{person.pk:06d}"})
    html = page.content.decode()
    assert trusted.display_name in html and "Person&#x27;s record read" in html
    assert "Being near my sister" not in html and PHONE not in html
    assert person.full_name not in html
    assert AuditEvent.objects.filter(
        action="consent.access_report_viewed", actor_id=dpo.pk
    ).exists()


def test_expiring_page_lists_consents_ending_soon(client, make_user, trusted, person, org):
    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    _consent(
        person, trusted, grantee_organisation=org, ends_on=timezone.localdate() + dt.timedelta(5)
    )
    renewed_person = person_of(trusted)
    renewed = _consent(
        renewed_person,
        trusted,
        grantee_organisation=org,
        ends_on=timezone.localdate() + dt.timedelta(5),
    )
    services.consent_renew(
        actor=trusted,
        consent=renewed,
        ends_on=timezone.localdate() + dt.timedelta(300),
        given_how="verbal",
    )
    client.force_login(dpo)
    html = client.get("/consent/expiring").content.decode()
    assert f"P-{person.pk:06d}" in html and org.name in html and person.full_name not in html
    assert f"P-{renewed_person.pk:06d}" not in html  # renewed: nothing to chase
    assert "<strong>1</strong> in the next 30 days" in client.get("/consent/").content.decode()
    mail.outbox.clear()
    assert services.consent_expiry_warnings(days=14) == 1


# --- the person's own sign-in -----------------------------------------------------------------


def test_own_sign_in_with_a_code_then_sign_in_by_name(client, trusted, person):
    own, code = services.own_access_invite(actor=trusted, person=person)
    assert code and len(code) == 14
    response = client.post(
        "/your-record/start", {"code": code.lower(), "password": "a long enough pass phrase"}
    )
    html = response.content.decode()
    name = own.user.email.split("@")[0]
    assert name in html
    again = client.post(
        "/your-record/start", {"code": code, "password": "a long enough pass phrase"}
    )
    assert "That code is not right" in again.content.decode()
    signed = client.post("/sign-in", {"email": name, "password": "a long enough pass phrase"})
    assert signed.status_code == 302
    assert client.get("/dashboard")["Location"] == "/your-record/"
    assert client.get("/your-record/").status_code == 200
    assert client.get("/people/").status_code == 403


def test_own_sign_in_by_email_sends_a_link(trusted, person):
    mail.outbox.clear()
    own, code = services.own_access_invite(actor=trusted, person=person, email="me@example.net")
    assert code is None and own.user.email == "me@example.net" and own.user.is_individual
    assert mail.outbox[0].to == ["me@example.net"] and "/password-reset/" in mail.outbox[0].body


def test_an_individual_never_gets_a_staff_role(make_user, person):
    from petal.accounts.services import membership_give

    admin = make_user(Role.ADMINISTRATOR)
    individual = make_individual(person)
    with pytest.raises(ValidationFailed):
        membership_give(actor=admin, user=individual, role=Role.TRUSTED_PERSON)


def test_individual_sees_exactly_their_own_audit_events(client, make_user, trusted, person, org):
    other_person = person_of(trusted, full_name="Somebody Else")
    reader = make_user(Role.SERVICE_STAFF, organisation=org)
    _consent(person, trusted, grantee_organisation=org)
    _consent(other_person, trusted, grantee_organisation=org)
    client.force_login(reader)
    client.get(f"/people/{person.pk}")
    client.get(f"/people/{other_person.pk}")
    client.get(f"/people/{other_person.pk}")
    individual = make_individual(person)
    client.force_login(individual)
    html = client.get("/your-record/").content.decode()
    mine = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
    assert html.count('<tr class="govuk-table__row">') - 1 == mine.count()
    assert mine.filter(action="consent.own_record_viewed", actor_id=individual.pk).count() == 1
    assert "Looked at their own record" in html
    assert reader.display_name in html and "You agreed to share" in html
    assert "Somebody Else" not in html
    # Never staff-only notes, never someone else's record.
    assert client.get(f"/people/{other_person.pk}").status_code == 403
    other_consent = other_person.consents.get()
    assert client.get(f"/your-record/consents/{other_consent.pk}/withdraw").status_code == 404


def test_individual_withdraws_and_the_reader_loses_access(client, make_user, trusted, person, org):
    reader = make_user(Role.SERVICE_STAFF, organisation=org)
    consent = _consent(person, trusted, grantee_organisation=org)
    individual = make_individual(person)
    client.force_login(individual)
    client.post(f"/your-record/consents/{consent.pk}/withdraw", {"confirm": "on"})
    consent.refresh_from_db()
    assert consent.withdrawn_how == "in_petal" and consent.withdrawn_by == individual
    client.force_login(reader)
    assert client.get(f"/people/{person.pk}").status_code == 404


def test_individual_sees_break_glass_without_staff_details(client, make_user, person):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    BreakGlassFactory(person=person, opened_by=lead, details="Staff-only explanation text")
    client.force_login(make_individual(person))
    html = client.get("/your-record/").content.decode()
    assert "opened without asking you" in html and lead.display_name in html
    assert "Staff-only explanation text" not in html


# --- the API ------------------------------------------------------------------------------------


def _bearer(user):
    from petal.accounts.services import token_create

    _, raw = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_records_lists_and_withdraws_consent(client, make_user, trusted, person, org):
    reader = make_user(Role.SERVICE_STAFF, organisation=org)
    body = {
        "grantee_organisation": org.slug,
        "categories": ["identity", "story"],
        "purposes": ["care_coordination"],
        "ends_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "given_how": "written",
    }
    created = client.post(
        f"/api/v1/people/{person.pk}/consents",
        data=json.dumps(body),
        content_type="application/json",
        **_bearer(trusted),
    )
    assert created.status_code == 201, created.content
    consent_id = created.json()["id"]
    assert created.json()["status"] == "active"
    seen = client.get(f"/api/v1/people/{person.pk}", **_bearer(reader)).json()
    assert seen["readable_categories"] == ["identity", "story"]
    assert seen["contact"] is None and seen["story"]["what_matters"] == "Being near my sister"
    listed = client.get(f"/api/v1/people/{person.pk}/consents", **_bearer(reader)).json()
    assert [c["id"] for c in listed] == [consent_id]
    refused = client.post(
        f"/api/v1/consents/{consent_id}/withdraw",
        data=json.dumps({"how": "verbal"}),
        content_type="application/json",
        **_bearer(reader),
    )
    assert refused.status_code == 404
    withdrawn = client.post(
        f"/api/v1/consents/{consent_id}/withdraw",
        data=json.dumps({"how": "verbal"}),
        content_type="application/json",
        **_bearer(trusted),
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/people/{person.pk}", **_bearer(reader)).status_code == 404


def test_api_break_glass(client, make_user, person):
    lead = make_user(Role.SAFEGUARDING_LEAD)
    response = client.post(
        f"/api/v1/people/{person.pk}/break-glass",
        data=json.dumps(
            {"lawful_basis": "legal_duty", "reason": "court_or_police", "details": "Court order 12"}
        ),
        content_type="application/json",
        **_bearer(lead),
    )
    assert response.status_code == 201
    assert (
        client.get(f"/api/v1/people/{person.pk}", **_bearer(lead)).json()["contact"]["phone"]
        == PHONE
    )
    missing = client.post(
        "/api/v1/people/999999/break-glass",
        data=json.dumps(
            {"lawful_basis": "legal_duty", "reason": "court_or_police", "details": "Court order 12"}
        ),
        content_type="application/json",
        **_bearer(lead),
    )
    assert missing.status_code == 404


# --- lists do not issue a query per row -------------------------------------------------------


def test_shared_list_and_download_query_count_does_not_grow(client, make_user, trusted, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = make_user(Role.SERVICE_STAFF, organisation=org)
    client.force_login(reader)
    client.get("/dashboard")

    def grow(n):
        for i in range(n):
            p = person_of(trusted, phone=PHONE)
            EpisodeFactory(
                person=p, area_id=_area_id("domestic-abuse" if i % 2 else "homelessness")
            )
            _consent(
                p,
                trusted,
                grantee_organisation=org,
                category_bits=bits_for([Category.IDENTITY, Category.NEEDS, Category.CONTACT]),
            )
        BreakGlassFactory(person=person_of(trusted), opened_by=reader)

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    grow(2)
    few = {path: count(path) for path in ("/people/", "/people/export.csv")}
    grow(15)
    many = {path: count(path) for path in ("/people/", "/people/export.csv")}
    assert many == few
