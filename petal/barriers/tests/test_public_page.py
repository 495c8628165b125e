"""The public "You said, we did" page: published learning only, newest first, linked from the
home page with that text, and never a person's name or anything else about a person, whatever
the barrier behind an entry links to, whoever raised it or met it too: the linked person's
names are withheld from the learning even if its text came to hold them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.tests.factories import UserFactory
from petal.barriers.models import LearningEntry, Status
from petal.barriers.redaction import WITHHELD
from petal.barriers.services.learning import learning_publish, learning_write
from petal.barriers.tests.factories import BarrierFactory, LearningEntryFactory, MeTooFactory
from petal.people.models import Alias, Story
from petal.people.tests.factories import PersonFactory
from petal.reference.models import AreaOfDisadvantage

pytestmark = pytest.mark.django_db

LIST = "/you-said-we-did/"


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def publish(programme, entry):
    return learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)


def test_the_page_is_titled_you_said_we_did_and_says_what_it_is(client):
    html = client.get(LIST).content.decode()
    assert "<title>You said, we did – " in html
    assert '<h1 class="govuk-heading-xl">You said, we did</h1>' in html
    assert "lived experience, trusted persons and champions told us what got in the way" in html
    assert "co-production" in html
    assert "Nothing published yet" in html


def test_the_home_page_links_to_it_with_that_text(client):
    html = client.get("/").content.decode()
    assert f'href="{LIST}">You said, we did</a>' in html


def test_only_published_entries_are_listed_newest_first_with_what_the_public_needs(
    client, programme
):
    older = LearningEntryFactory(title="Older change", contact="Housing Options team")
    older.areas.set(AreaOfDisadvantage.objects.filter(code="homelessness"))
    newer = LearningEntryFactory(
        title="Newer change", problem="Letters came too late.", change="Texts go out now."
    )
    hidden = LearningEntryFactory(title="Not checked yet")
    publish(programme, older)
    publish(programme, newer)
    type(older).objects.filter(pk=older.pk).update(
        published_at=dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    )
    html = client.get(LIST).content.decode()
    assert hidden.title not in html
    assert html.index("Newer change") < html.index("Older change")
    assert f'href="{reverse("learning:entry", args=[newer.pk])}"' in html
    assert "You said" in html and "Letters came too late." in html
    assert "We did" in html and "Texts go out now." in html
    assert "Housing Options team" in html
    assert "Homelessness" in html
    assert "Published March 2026" in html


def test_one_entry_and_404_for_unpublished_or_missing(client, programme):
    entry = LearningEntryFactory(title="Day centre addresses accepted")
    url = reverse("learning:entry", args=[entry.pk])
    assert client.get(url).status_code == 404
    publish(programme, entry)
    html = client.get(url).content.decode()
    assert "Day centre addresses accepted" in html
    assert entry.problem.replace("'", "&#x27;") in html
    assert entry.change.replace("'", "&#x27;") in html
    assert entry.contact in html
    learning_publish(actor=programme, entry_id=entry.pk, publish=False)
    assert client.get(url).status_code == 404
    assert client.get(reverse("learning:entry", args=[999999])).status_code == 404


def test_pages_of_ten_without_a_query_per_row(client, programme):
    areas = list(AreaOfDisadvantage.objects.all()[:2])

    def add(n):
        for i in range(n):
            # Half linked to people with aliases: their names are withheld in one query.
            person = None
            if i % 2:
                person = PersonFactory(full_name=f"Zebedee Quint{'x' * i}")
                Alias.objects.create(person=person, name="Zeb")
                Alias.objects.create(person=person, name=f"Quinny{'y' * i}")
            barrier = BarrierFactory(status=Status.RESOLVED, person=person)
            entry = LearningEntryFactory(barrier=barrier)
            entry.areas.set(areas)
            publish(programme, entry)

    def counted(path=LIST):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    add(2)
    counted()
    few = counted()
    add(10)
    assert counted() == few
    html = client.get(LIST, {"page": 2}).content.decode()
    assert "Page 2 of 2" in html
    assert client.get(LIST, {"page": "nonsense"}).status_code == 200


# --- never anything about a person ---------------------------------------------------------------


@pytest.fixture
def linked_world(make_user, programme):
    """A barrier linked to a person with distinctive details in every category, raised by,
    raised for and met by users with distinctive names, resolved into published learning."""
    person = PersonFactory(
        full_name="Wilhelmina Quartermaine",
        preferred_name="Minnie",
        pronouns="she/her",
        date_of_birth=dt.date(1979, 2, 3),
        address="14 Larkspur Crescent, Wisbech PE13 9ZZ",
        phone="07700 900123",
        safe_contact="Only call after six, never leave messages",
        risk_notes="Ex-partner Zoltan Hargreave-Smythe",
        health_notes="Takes zopiclonexa nightly",
        justice_notes="Probation order until 2027, officer Pennywhistle",
        communication_needs="Prefers BSL interpreter Ignatius",
    )
    Alias.objects.create(person=person, name="Billie Q")
    Story.objects.create(
        person=person,
        what_happened="Evicted from the flat above the launderette in Chatteris",
        what_matters="Getting my cat Marmaduke back",
    )
    raiser = UserFactory(full_name="Perpetua Osei-Bramble", email="perpetua@example.org")
    for_whom = UserFactory(full_name="Cornelius Wrexham")
    met_too = UserFactory(full_name="Evangeline Thistlewood")
    barrier = BarrierFactory(
        status=Status.BEING_RESOLVED,
        person=person,
        raised_by=raiser,
        on_behalf_of=for_whom,
        summary="Housing forms need a fixed address",
        effect="Someone waited weeks in Chatteris for a first appointment",
    )
    MeTooFactory(barrier=barrier, user=met_too, example="Seen at the Ely drop-in by Thistlewood")
    coordinator = make_user(Role.PARTNERSHIP_COORDINATOR)
    entry = learning_write(
        actor=coordinator,
        barrier_id=barrier.pk,
        title="Housing applications without a fixed address",
        problem="Housing forms asked for a fixed address that people sleeping rough lack.",
        change="The council now accepts a day centre's address on housing forms.",
        contact="Housing Options team, Cambridge City Council",
        areas=["homelessness"],
    )
    publish(programme, entry)
    return {"person": person, "barrier": barrier, "entry": entry}


FORBIDDEN = [
    "Wilhelmina",
    "Quartermaine",
    "Minnie",
    "Billie",
    "she/her",
    "1979",
    "3 February",
    "03/02",
    "Larkspur",
    "PE13",
    "07700",
    "Only call after six",
    "Zoltan",
    "zopiclonexa",
    "Probation",
    "Pennywhistle",
    "Ignatius",
    "launderette",
    "Marmaduke",
    "Chatteris",
    "Perpetua",
    "Osei-Bramble",
    "perpetua@example.org",
    "Cornelius",
    "Wrexham",
    "Evangeline",
    "Thistlewood",
    "Ely drop-in",
]


def test_the_public_page_never_shows_anything_about_a_person(client, linked_world):
    entry = linked_world["entry"]
    pages = [
        client.get(LIST).content.decode(),
        client.get(reverse("learning:entry", args=[entry.pk])).content.decode(),
        client.get("/").content.decode(),
    ]
    assert entry.title in pages[0] and entry.title in pages[1]
    for html in pages:
        for text in FORBIDDEN:
            assert text not in html, text
    # The barrier's own text, which the public page never shows, is not there either.
    assert linked_world["barrier"].effect not in pages[1]


def test_the_public_page_works_signed_in_as_anyone(client, linked_world, make_user):
    entry = linked_world["entry"]
    client.force_login(make_user(Role.TRUSTED_PERSON))
    html = client.get(reverse("learning:entry", args=[entry.pk])).content.decode()
    assert entry.title in html
    for text in FORBIDDEN:
        assert text not in html, text


@pytest.fixture
def zebedee(programme):
    """Published learning whose barrier links to Zebedee Quint: it named him only by a name
    Petal learned after it was published (an alias added later), so no check could refuse it."""
    person = PersonFactory(full_name="Zebedee Quint")
    barrier = BarrierFactory(status=Status.RESOLVED, person=person)
    entry = LearningEntryFactory(
        barrier=barrier,
        title="GP registration for Zeb and others",
        problem="Surgeries asked Zeb for proof of address.",
        change="Practices now register people like Zeb without one.",
        contact="Ask the practice manager, not Zeb",
    )
    publish(programme, entry)
    Alias.objects.create(person=person, name="Zeb")
    # Text changed outside Petal's forms (an import, a fix in the database).
    LearningEntry.objects.filter(pk=entry.pk).update(change="Zebedee Quint is registered now.")
    return entry


def test_the_public_pages_withhold_the_linked_persons_names(client, zebedee):
    pages = [
        client.get(LIST).content.decode(),
        client.get(reverse("learning:entry", args=[zebedee.pk])).content.decode(),
    ]
    for html in pages:
        assert "Zebedee" not in html and "Quint" not in html and "Zeb " not in html
        assert f"GP registration for {WITHHELD} and others" in html
        assert f"{WITHHELD} {WITHHELD} is registered now." in html
        assert f"Ask the practice manager, not {WITHHELD}" in html
    assert f"Surgeries asked {WITHHELD} for proof of address." in pages[1]
    # What is kept is what was written: withholding is only in what is shown.
    zebedee.refresh_from_db()
    assert zebedee.change == "Zebedee Quint is registered now."


def test_learning_linked_to_no_one_is_shown_as_written(client, programme):
    entry = LearningEntryFactory(title="Zebedee Road surgery registers everyone")
    publish(programme, entry)
    assert entry.title in client.get(LIST).content.decode()
