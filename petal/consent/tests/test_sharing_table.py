"""The access policy, as a table: reader relation × consent state × category → visible or not,
checked the same way on the person page, the list, search, the API and the export.

Each category of the test person's record carries a marker string, so "visible" means the
marker is (or is not) in what the reader receives — not that some flag says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.consent.models import bits_for
from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory
from petal.people.models import ContactRecord, Story
from petal.people.tests.factories import EpisodeFactory, PersonFactory, RelationshipFactory

MARKERS = {
    Category.IDENTITY: "Alias Zebedee",
    Category.CONTACT: "07700 900461",
    Category.STORY: "Story Quokka words",
    Category.NEEDS: "Needs Okapi note",
    Category.RISK: "Risk Narwhal note",
    Category.HEALTH: "Health Axolotl note",
    Category.JUSTICE: "Justice Pangolin note",
    Category.INVOLVEMENT: "Involvement Tapir note",
}
SHARED = {Category.IDENTITY, Category.STORY, Category.NEEDS, Category.CONTACT}
NAME = "Wilhelmina Testperson"

RELATIONS = [
    "trusted person",
    "same organisation",
    "consented person",
    "consented organisation",
    "consented partnership",
    "unrelated",
    "data protection lead",
    "break-glass",
]
STATES = ["active", "expired yesterday", "expires today", "withdrawn a second ago", "future start"]
CONSENT_RELATIONS = {"consented person", "consented organisation", "consented partnership"}
LIVE_STATES = {"active", "expires today"}


def expected(relation: str, state: str) -> set[Category]:
    if relation in ("trusted person", "break-glass"):
        return set(Category)
    if relation in CONSENT_RELATIONS and state in LIVE_STATES:
        return set(SHARED)
    return set()


def _consent_dates(state: str) -> dict:
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    return {
        "active": {"starts_on": today - year, "ends_on": today + year},
        "expired yesterday": {"starts_on": today - year, "ends_on": today - dt.timedelta(days=1)},
        "expires today": {"starts_on": today - year, "ends_on": today},
        "withdrawn a second ago": {
            "starts_on": today - year,
            "ends_on": today + year,
            "withdrawn_at": timezone.now() - dt.timedelta(seconds=1),
        },
        "future start": {"starts_on": today + dt.timedelta(days=1), "ends_on": today + year},
    }[state]


def _world(relation: str, state: str, make_user):
    """The person (with every category filled in), their trusted person, the reader, and one
    consent in the given state to the grantee the relation names."""
    from petal.accounts.tests.factories import OrganisationFactory
    from petal.reference.models import Partnership

    home_org = OrganisationFactory()
    shared_org = OrganisationFactory()
    partnership = Partnership.objects.get(slug="peterborough")
    trusted = make_user(Role.TRUSTED_PERSON, organisation=home_org)
    person = PersonFactory(
        full_name=NAME,
        search_names=f"|{NAME.lower()}|zebedee|",
        phone=MARKERS[Category.CONTACT],
        risk_notes=MARKERS[Category.RISK],
        health_notes=MARKERS[Category.HEALTH],
        justice_notes=MARKERS[Category.JUSTICE],
    )
    person.aliases.create(name=MARKERS[Category.IDENTITY])
    Story.objects.create(person=person, what_matters=MARKERS[Category.STORY])
    EpisodeFactory(person=person, note=MARKERS[Category.NEEDS])
    ContactRecord.objects.create(
        programme_area=person.programme_area,
        person=person,
        happened_on=timezone.localdate(),
        method="phone",
        note=MARKERS[Category.INVOLVEMENT],
    )
    RelationshipFactory(person=person, trusted_person=trusted, organisation=home_org)

    reader = {
        "trusted person": lambda: trusted,
        "same organisation": lambda: make_user(Role.SERVICE_STAFF, organisation=home_org),
        "consented person": lambda: make_user(Role.SERVICE_STAFF),
        "consented organisation": lambda: make_user(Role.SERVICE_STAFF, organisation=shared_org),
        "consented partnership": lambda: make_user(
            Role.PARTNERSHIP_COORDINATOR, partnership=partnership, organisation=None
        ),
        "unrelated": lambda: make_user(Role.TRUSTED_PERSON),
        # A data protection lead in the very organisation the consent names: the role does not
        # work with people's records, so the consent does not reach them.
        "data protection lead": lambda: make_user(
            Role.DATA_PROTECTION_LEAD, organisation=shared_org
        ),
        "break-glass": lambda: make_user(Role.SAFEGUARDING_LEAD),
    }[relation]()
    grantee = {"grantee_organisation": shared_org}
    if relation == "consented person":
        grantee = {"grantee_user": reader}
    elif relation == "consented partnership":
        grantee = {"grantee_partnership": partnership}
    ConsentFactory(
        person=person,
        category_bits=bits_for(SHARED),
        recorded_by=trusted,
        **grantee,
        **_consent_dates(state),
    )
    if relation == "break-glass":
        BreakGlassFactory(person=person, opened_by=reader)
    return person, reader


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_who_sees_what(relation, state, make_user, client):
    from petal.accounts.services import token_create

    person, reader = _world(relation, state, make_user)
    want = expected(relation, state)
    client.force_login(reader)

    # The person page: the record answers 404 when nothing may be seen.
    response = client.get(f"/people/{person.pk}")
    if not want:
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 200
        html = response.content.decode()
        seen = {c for c, marker in MARKERS.items() if marker in html}
        assert seen == want, f"page shows {sorted(seen)}"
        assert html.count("Not shared with you.") == len(set(Category) - want)

    # Search and the list: found by name only when identity may be read.
    response = client.get("/people/", {"q": "wilhelmina"}, follow=True)
    listed = response.status_code == 200 and NAME in response.content.decode()
    assert listed == (Category.IDENTITY in want)

    # The export: the same people; the phone only with contact (no domestic abuse here).
    response = client.get("/people/export.csv")  # the search kept from the page above
    if response.status_code == 200:
        rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
        assert bool(rows) == (Category.IDENTITY in want)
        if rows:
            assert (rows[0][5] == MARKERS[Category.CONTACT]) == (Category.CONTACT in want)
            assert bool(rows[0][6]) == (Category.NEEDS in want)
    else:
        assert not want

    # The API: only the categories the caller may see; 404 when none.
    _, raw = token_create(actor=reader, name="table")
    response = client.get(f"/api/v1/people/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    if not want:
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 200
        body = response.json()
        assert set(body["readable_categories"]) == {str(c) for c in want}
        text = response.content.decode()
        seen = {c for c, marker in MARKERS.items() if marker in text}
        assert seen == want


@pytest.mark.django_db
def test_withdrawal_takes_effect_on_an_open_session(make_user, client):
    """A reader with the page open loses it on their very next request."""
    from petal.consent.services import consent_withdraw

    person, reader = _world("consented organisation", "active", make_user)
    client.force_login(reader)
    assert client.get(f"/people/{person.pk}").status_code == 200
    assert NAME in client.get("/people/", {"q": "wilhelmina"}, follow=True).content.decode()
    consent = person.consents.get()
    trusted = consent.recorded_by
    consent_withdraw(actor=trusted, consent_id=consent.pk, how="verbal")
    assert client.get(f"/people/{person.pk}").status_code == 404
    assert NAME not in client.get("/people/", {"q": "wilhelmina"}, follow=True).content.decode()
    assert client.get(f"/people/{person.pk}/consents").status_code == 404
