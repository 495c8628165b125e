"""Restriction (UK GDPR article 18): while a record is restricted, no one but the data
protection lead reads it — its trusted person, a consent grantee and a break-glass holder all
find nothing on the page, in lists, search, counts, the cohort export, referrals and the API —
and lifting it gives their access back at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import person_access, person_visibility, restricted_people
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.consent.models import bits_for
from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory
from petal.core.errors import NotFound, ValidationFailed
from petal.people.models import Person
from petal.people.selectors import caseload_summary, person_get_for
from petal.people.tests.factories import EpisodeFactory, PersonFactory, person_of
from petal.rights import services
from petal.rights.models import RightsCase
from petal.rights.tests.factories import RightsCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(make_user, trusted, person):
    """The trusted person, someone a consent names, and someone holding a break-glass."""
    grantee = make_user(Role.SERVICE_STAFF)
    ConsentFactory(person=person, grantee_user=grantee, category_bits=bits_for(list(Category)))
    glass = make_user(Role.SAFEGUARDING_LEAD)
    BreakGlassFactory(person=person, opened_by=glass)
    return {"trusted": trusted, "grantee": grantee, "glass": glass}


def _restrict(dpo, person) -> RightsCase:
    case = RightsCaseFactory(person=person, kind="restriction")
    return services.restriction_apply(actor=dpo, case_id=case.pk, reason="Accuracy contested")


def test_everyone_reads_the_record_before_restriction(readers, person):
    for user in readers.values():
        assert person_get_for(user, person.pk).person.pk == person.pk


def test_restricted_record_is_not_found_by_anyone_and_lifting_restores_it(
    client, readers, person, dpo
):
    case = _restrict(dpo, person)
    for name, user in readers.items():
        client.force_login(user)
        assert client.get(f"/people/{person.pk}").status_code == 404, name
        assert client.get(f"/people/{person.pk}/edit/story").status_code == 404, name
        with pytest.raises(NotFound):
            person_get_for(user, person.pk)
        assert not Person.objects.filter(person_visibility(user), pk=person.pk).exists()
        assert person_access(user, person).categories == frozenset()
    # No read of the record was recorded for any of them.
    assert not AuditEvent.objects.filter(action="person.read").exists()
    services.restriction_lift(actor=dpo, case_id=case.pk, reason="Accuracy confirmed")
    for user in readers.values():
        client.force_login(user)
        assert client.get(f"/people/{person.pk}").status_code == 200


def test_restricted_record_leaves_lists_search_and_counts(client, trusted, person, dpo):
    person_of(trusted, full_name="Robin Visible", search_names="|robin visible|")
    _restrict(dpo, person)
    client.force_login(trusted)
    page = client.get("/people/").content.decode()
    assert "Robin Visible" in page
    assert "Canary-Hart" not in page
    search = client.get("/people/", {"q": "Robin"}, follow=True).content.decode()
    assert "Robin Visible" in search and "Canary-Hart" not in search
    csv = client.get("/people/export.csv").content.decode()
    assert "Robin Visible" in csv and "Canary-Hart" not in csv
    assert caseload_summary(trusted).total == 1
    listed = AuditEvent.objects.filter(action="people.listed").first()
    assert person.pk not in listed.data["people"]


def test_restricted_record_leaves_the_cohort_export(trusted, person, dpo):
    from petal.outcomes.selectors.exports import cohort_people_export
    from petal.reference.models import AreaOfDisadvantage

    other = person_of(trusted)
    for p in (person, other):
        for area in AreaOfDisadvantage.objects.order_by("order")[:3]:
            EpisodeFactory(person=p, area=area, starts_on=dt.date(2025, 1, 1))
    today = timezone.localdate()
    assert set(cohort_people_export(trusted, today).queryset.values_list("pk", flat=True)) == {
        person.pk,
        other.pk,
    }
    _restrict(dpo, person)
    assert set(cohort_people_export(trusted, today).queryset.values_list("pk", flat=True)) == {
        other.pk
    }


def test_restricted_record_is_not_found_through_the_api(client, trusted, person, dpo):
    from petal.accounts.services import token_create

    _, raw = token_create(actor=trusted, name="restriction test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/people/{person.pk}", **auth).status_code == 200
    _restrict(dpo, person)
    assert client.get(f"/api/v1/people/{person.pk}", **auth).status_code == 404
    listing = client.get("/api/v1/people", **auth).json()
    assert person.pk not in [row["id"] for row in listing["items"]]


def test_restricted_record_hides_the_person_in_a_referral(trusted, person, dpo):
    from petal.referrals.selectors import referral_get_for
    from petal.referrals.tests.factories import ReferralFactory

    referral = ReferralFactory(person=person, referred_by=trusted)
    assert referral_get_for(trusted, referral.pk)
    _restrict(dpo, person)
    with pytest.raises(NotFound):
        referral_get_for(trusted, referral.pk)


def test_only_the_lead_reads_a_restricted_record_and_that_is_recorded(client, dpo, person, trusted):
    case = _restrict(dpo, person)
    client.force_login(dpo)
    page = client.get(f"/rights/{case.pk}/record").content.decode()
    assert "Robin Canary-Hart" in page
    event = AuditEvent.objects.get(action="rights.restricted_record_read")
    assert (event.actor_id, event.data["person"]) == (dpo.pk, person.pk)
    assert set(event.categories) == {str(c) for c in Category}
    client.force_login(trusted)
    assert client.get(f"/rights/{case.pk}/record").status_code == 403
    services.restriction_lift(actor=dpo, case_id=case.pk, reason="Done")
    client.force_login(dpo)
    # Once lifted, the lead has no reason to read it here: not found.
    assert client.get(f"/rights/{case.pk}/record").status_code == 404


def test_restricting_through_the_pages_needs_a_reason(client, dpo, person):
    case = RightsCaseFactory(person=person, kind="restriction")
    client.force_login(dpo)
    empty = client.post(f"/rights/{case.pk}/restrict", {"reason": ""})
    assert "Enter the reason" in empty.content.decode()
    assert not restricted_people().exists()
    done = client.post(f"/rights/{case.pk}/restrict", {"reason": "They contest the notes"})
    assert done.status_code == 302
    assert list(restricted_people().values_list("person_id", flat=True)) == [person.pk]
    case.refresh_from_db()
    assert case.status == "completed" and case.restricted_by == dpo
    assert AuditEvent.objects.get(action="rights.record_restricted").data["person"] == person.pk
    page = client.get(f"/rights/{case.pk}").content.decode()
    assert "Restricted now" in page
    with pytest.raises(ValidationFailed, match="closed"):
        services.restriction_apply(actor=dpo, case_id=case.pk, reason="Again")


def test_a_restriction_without_a_record_never_hides_anyone_else(dpo, trusted, person):
    """An erased record's restriction case keeps no link: a NULL in the NOT IN list would make
    every record disappear for everyone."""
    RightsCase.objects.create(
        programme_area=person.programme_area,
        kind="restriction",
        person=None,
        person_reference="P-999999",
        received_on=timezone.localdate(),
        received_how="email",
        restricted_at=timezone.now(),
    )
    assert person_get_for(trusted, person.pk)


def test_restriction_keeps_the_caseload_query_count_fixed(
    client, trusted, dpo, django_assert_num_queries
):
    people = [person_of(trusted) for _ in range(3)]
    client.force_login(trusted)
    client.get("/people/")  # warm any caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/people/")
    for extra in range(5):
        p = person_of(trusted)
        if extra % 2:
            _restrict(dpo, p)
    _restrict(dpo, people[0])
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/people/")


def test_rectification_is_refused_while_restricted(dpo, person):
    _restrict(dpo, person)
    case = RightsCaseFactory(person=person, kind="rectification")
    with pytest.raises(ValidationFailed, match="restricted"):
        services.rectification_tell(actor=dpo, case_id=case.pk)


def test_people_not_restricted_are_untouched(trusted, dpo):
    restricted, free = person_of(trusted), PersonFactory()
    _restrict(dpo, restricted)
    assert free.pk not in set(restricted_people().values_list("person_id", flat=True))
