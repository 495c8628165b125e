"""/api/v1/barriers and /api/v1/groups follow the pages' rules: every worker reads barriers and
groups; raising and "I have met this too" are checked as on the pages (422 with field errors);
a barrier's history comes with it; and the API never carries the person a barrier links to,
who raised it or who met it too, and withholds the linked person's names from every text it
returns. Nothing about groups' members' lived experience. Bad input is a 422, never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.barriers import person_link_visible
from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.accounts.tests.factories import OrganisationFactory, UserFactory
from petal.audit.models import AuditEvent
from petal.barriers.models import Barrier, MeToo, Status
from petal.barriers.redaction import WITHHELD
from petal.barriers.services.barriers import MAX_EXAMPLE
from petal.barriers.services.decisions import decision_record
from petal.barriers.tests.factories import (
    BarrierFactory,
    GovernanceMeetingFactory,
    GroupMemberFactory,
    MeTooFactory,
    SessionFactory,
    group,
)
from petal.consent.tests.factories import make_individual
from petal.people.models import Alias, Story
from petal.people.tests.factories import PersonFactory, RelationshipFactory, person_of
from petal.reference.models import AreaOfDisadvantage, GovernanceLevel, Partnership

pytestmark = pytest.mark.django_db

URL = "/api/v1/barriers"
GROUPS = "/api/v1/groups"


class Caller:
    def __init__(self, client, user):
        _, raw = token_create(actor=user, name="barriers api test")
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.auth)

    def post(self, path, body):
        return self.client.post(
            path, data=json.dumps(body), content_type="application/json", **self.auth
        )


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def as_tp(client, tp):
    return Caller(client, tp)


def _voice(**kw):
    return {
        "voice_kind": "member",
        "voice_said": "It happens to most people leaving prison.",
        **kw,
    }


@pytest.fixture
def climbed(programme):
    """A barrier escalated from the Cambridgeshire partnership to the Tactical Group and
    resolved there, owned by an organisation."""
    month_ago = timezone.now() - dt.timedelta(days=30)
    barrier = BarrierFactory(summary="Prison leavers wait for benefits", level_since=month_ago)
    barrier.areas.set(AreaOfDisadvantage.objects.filter(code="criminal-justice"))
    session = SessionFactory()
    decision_record(
        actor=programme,
        barrier_id=barrier.pk,
        meeting_id=session.pk,
        outcome="escalate",
        reason="Needs the DWP at tactical level.",
        **_voice(),
    )
    # It reached the Tactical Group before the meeting below (held last week).
    Barrier.objects.filter(pk=barrier.pk).update(level_since=month_ago)
    meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    owner = OrganisationFactory(name="Jobcentre Plus Cambridge")
    decision_record(
        actor=programme,
        barrier_id=barrier.pk,
        meeting_id=meeting.pk,
        outcome="resolve",
        reason="A claim starts before release.",
        owner_organisation_id=owner.pk,
        due_on=timezone.localdate() + dt.timedelta(days=30),
        **_voice(voice_kind="not_heard", voice_said="No member could come this time."),
    )
    barrier.refresh_from_db()
    return {"barrier": barrier, "session": session, "meeting": meeting}


# --- the list ------------------------------------------------------------------------------------


def test_the_list_has_the_fields_and_no_one_in_it(as_tp, climbed):
    response = as_tp.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1 and body["page_size"] == 25
    item = body["items"][0]
    barrier = climbed["barrier"]
    assert set(item) == {
        "id",
        "reference",
        "summary",
        "services",
        "areas",
        "how_often",
        "status",
        "level",
        "group",
        "me_too_count",
        "raised_at",
        "updated_at",
    }
    assert item["id"] == barrier.pk and item["reference"] == barrier.reference
    assert item["areas"] == ["criminal-justice"]
    assert item["status"] == "being_resolved"
    assert (item["level"], item["group"]) == ("tactical-group", "tactical-group")


def test_the_list_filters(as_tp, climbed):
    peterborough = Partnership.objects.get(slug="peterborough")
    other = BarrierFactory(
        summary="Hostel curfews clash with night shifts",
        partnership=peterborough,
        group=group("partnership-peterborough"),
    )
    other.areas.set(AreaOfDisadvantage.objects.filter(code="homelessness"))
    BarrierFactory(summary="An old merged one", status=Status.MERGED, merged_into=other)

    def ids(**params):
        response = as_tp.get(URL, **params)
        assert response.status_code == 200
        return {i["id"] for i in response.json()["items"]}

    first = climbed["barrier"].pk
    assert ids() == {first, other.pk}  # merged ones only when asked for
    assert ids(q="curfews") == {other.pk}
    assert ids(level="tactical-group") == {first}
    assert ids(level="operational-partnership") == {other.pk}
    assert ids(status="open") == {other.pk}
    assert len(ids(status="merged")) == 1
    assert ids(area="homelessness") == {other.pk}
    assert ids(partnership="cambridgeshire") == {first}
    assert as_tp.get(URL, status="nonsense").status_code == 422
    for odd in ['"', "%", "_", "x" * 200, "東京"]:
        assert as_tp.get(URL, q=odd).status_code == 200


def test_the_list_does_not_query_per_row(as_tp):
    areas = list(AreaOfDisadvantage.objects.all()[:2])

    def add(n):
        for i in range(n):
            person = PersonFactory(full_name=f"Zebedee Quint{'x' * i}")
            Alias.objects.create(person=person, name="Zeb")
            Alias.objects.create(person=person, name=f"Quinny{'y' * i}")
            barrier = BarrierFactory(
                raised_by=UserFactory(), person=person, summary=f"Zebedee waits ({i})"
            )
            barrier.areas.set(areas)
            MeTooFactory(barrier=barrier, user=UserFactory())
        BarrierFactory(summary="Linked to no one")

    def counted():
        with CaptureQueriesContext(connection) as queries:
            response = as_tp.get(URL)
            assert response.status_code == 200
        assert "Zebedee" not in response.content.decode()
        return len(queries)

    add(2)
    counted()
    few = counted()
    add(10)
    assert counted() == few


# --- one barrier ---------------------------------------------------------------------------------


def test_one_barrier_with_its_history_in_order(as_tp, climbed):
    barrier = climbed["barrier"]
    MeTooFactory(barrier=barrier, user=UserFactory(), example="Same in Wisbech last month.")
    MeTooFactory(barrier=barrier, user=UserFactory(), example="")
    response = as_tp.get(f"{URL}/{barrier.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["partnership"] == "cambridgeshire"
    assert body["merged_into"] is None
    assert body["me_too_examples"] == ["Same in Wisbech last month."]
    first, second = body["decisions"]
    assert [first["sequence"], second["sequence"]] == [1, 2]
    assert first["outcome"] == "escalate" and first["escalated_to"] == "tactical-group"
    assert (first["level"], first["group"]) == (
        "operational-partnership",
        "partnership-cambridgeshire",
    )
    assert first["meeting_date"] == timezone.localdate(climbed["session"].starts_at).isoformat()
    assert first["voice_kind"] == "member"
    assert first["due_on"] is None and first["owner_organisation"] is None
    assert second["outcome"] == "resolve" and second["level"] == "tactical-group"
    assert second["voice_kind"] == "not_heard"
    assert second["voice_said"] == "No member could come this time."
    assert second["owner_organisation"] == "Jobcentre Plus Cambridge"
    assert second["due_on"] == (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert second["escalated_to"] is None


def test_a_merged_barrier_says_where_it_went_and_missing_is_404(as_tp):
    target = BarrierFactory()
    merged = BarrierFactory(status=Status.MERGED, merged_into=target)
    assert as_tp.get(f"{URL}/{merged.pk}").json()["merged_into"] == target.reference
    assert as_tp.get(f"{URL}/999999").status_code == 404
    assert as_tp.get(f"{URL}/not-a-number").status_code in (404, 422)


def test_the_api_never_carries_the_person_the_raiser_or_those_who_met_it(client, make_user):
    person = PersonFactory(
        full_name="Wilhelmina Quartermaine",
        date_of_birth=dt.date(1979, 2, 3),
        address="14 Larkspur Crescent, Wisbech",
        phone="07700 900123",
        risk_notes="Ex-partner Zoltan",
    )
    Story.objects.create(person=person, what_happened="Evicted above the launderette")
    raiser = UserFactory(full_name="Perpetua Osei-Bramble", email="perpetua@example.org")
    barrier = BarrierFactory(
        person=person, raised_by=raiser, on_behalf_of=UserFactory(full_name="Cornelius Wrexham")
    )
    MeTooFactory(barrier=barrier, user=UserFactory(full_name="Evangeline Thistlewood"))
    # A reader who may see the person (their trusted person): still never in the API.
    reader = make_user(Role.TRUSTED_PERSON)
    RelationshipFactory(person=person, trusted_person=reader)
    assert person_link_visible(reader, barrier)  # the page would show them to this reader
    caller = Caller(client, reader)
    texts = caller.get(URL).content.decode() + caller.get(f"{URL}/{barrier.pk}").content.decode()
    for text in [
        "Wilhelmina",
        "Quartermaine",
        "1979",
        "Larkspur",
        "07700",
        "Zoltan",
        "launderette",
        "Perpetua",
        "Osei-Bramble",
        "perpetua@example.org",
        "Cornelius",
        "Evangeline",
        "Thistlewood",
        '"person"',
        '"raised_by"',
    ]:
        assert text not in texts, text
    assert not AuditEvent.objects.filter(action="barrier.person_read").exists()


# --- raising and "me too" ------------------------------------------------------------------------


def test_raising_through_the_api(client, make_user):
    coordinator = make_user(Role.PARTNERSHIP_COORDINATOR)
    caller = Caller(client, coordinator)
    response = caller.post(
        URL,
        {
            "summary": "Appointment letters arrive after the appointment",
            "effect": "People are discharged for not attending.",
            "areas": ["mental-health"],
            "how_often": "often",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    barrier = Barrier.objects.get(pk=body["id"])
    assert barrier.raised_by == coordinator
    assert body["group"] == "partnership-cambridgeshire" and body["status"] == "open"
    assert body["areas"] == ["mental-health"] and body["decisions"] == []
    assert "raised_by" not in body


def test_raising_is_checked_as_on_the_page(client, tp):
    person_of(tp, full_name="Jordan Blakewell")
    caller = Caller(client, tp)
    named = caller.post(URL, {"summary": "Jordan cannot get a GP", "partnership": "cambridgeshire"})
    assert named.status_code == 422
    assert "summary" in named.json()["errors"]
    assert "never a named person" in named.json()["errors"]["summary"][0]
    unknown = caller.post(URL, {"summary": "GP lists closed", "partnership": "atlantis"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"partnership": ["Choose a partnership from the list"]}
    bad_area = caller.post(
        URL, {"summary": "GP lists closed", "partnership": "cambridgeshire", "areas": ["nope"]}
    )
    assert bad_area.status_code == 422 and "areas" in bad_area.json()["errors"]
    assert caller.post(URL, {"summary": ""}).status_code == 422
    assert caller.post(URL, {"summary": "x" * 301}).status_code == 422
    assert not Barrier.objects.exists()


def test_me_too_through_the_api(client, tp, make_user):
    barrier = BarrierFactory(raised_by=make_user(Role.CHAMPION))
    caller = Caller(client, tp)
    response = caller.post(f"{URL}/{barrier.pk}/me-too", {"example": "Same at the Ely hub."})
    assert response.status_code == 201, response.content
    assert response.json()["me_too_count"] == 1
    assert response.json()["me_too_examples"] == ["Same at the Ely hub."]
    assert MeToo.objects.get().user == tp
    again = caller.post(f"{URL}/{barrier.pk}/me-too", {})
    assert again.status_code == 422 and "example" in again.json()["errors"]
    assert caller.post(f"{URL}/999999/me-too", {}).status_code == 404


# --- who may call it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", URL, None),
        ("get", f"{URL}/1", None),
        ("post", URL, {"summary": "Letters arrive late", "partnership": "cambridgeshire"}),
        ("post", f"{URL}/1/me-too", {"example": "Same here."}),
        ("get", GROUPS, None),
    ],
)
def test_anonymous_is_401_and_a_persons_own_sign_in_is_403(client, make_user, method, path, body):
    BarrierFactory(pk=1)
    send = getattr(client, method)
    extra = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    assert send(path, **extra).status_code == 401
    for user in (make_individual(), make_user()):
        _, raw = token_create(actor=user, name="not a worker")
        assert send(path, HTTP_AUTHORIZATION=f"Bearer {raw}", **extra).status_code == 403
    assert Barrier.objects.count() == 1
    assert not MeToo.objects.exists()


# --- groups --------------------------------------------------------------------------------------


def test_the_groups_with_their_counts(as_tp, climbed):
    tactical = group("tactical-group")
    GroupMemberFactory(group=tactical, lived_experience=True)
    GroupMemberFactory(group=tactical, lived_experience=False)
    GroupMemberFactory(
        group=tactical,
        lived_experience=True,
        ended_on=timezone.localdate() - dt.timedelta(days=1),
    )
    BarrierFactory()  # open, at the Cambridgeshire partnership
    upcoming = GovernanceMeetingFactory(
        group=tactical, starts_at=timezone.now() + dt.timedelta(days=10)
    )
    response = as_tp.get(GROUPS)
    assert response.status_code == 200
    groups = {g["slug"]: g for g in response.json()}
    ranks = [g["level"]["rank"] for g in response.json()]
    assert ranks == sorted(ranks) and ranks[0] == 1 and ranks[-1] == 4
    row = groups["tactical-group"]
    assert row["level"] == {"slug": "tactical-group", "name": row["level"]["name"], "rank": 2}
    assert row["partnership"] is None
    assert row["being_resolved_count"] == 1 and row["open_count"] == 0
    assert row["member_count"] == 2
    assert row["next_meeting"] == timezone.localdate(upcoming.starts_at).isoformat()
    cambs = groups["partnership-cambridgeshire"]
    assert cambs["partnership"] == "cambridgeshire"
    assert cambs["open_count"] == 1
    assert set(row) == {
        "slug",
        "name",
        "level",
        "partnership",
        "open_count",
        "being_resolved_count",
        "member_count",
        "next_meeting",
    }
    # Members' lived experience is theirs to share: not even how many, to every reader.
    assert "lived_experience" not in response.content.decode()


def test_the_groups_need_a_fixed_number_of_queries(as_tp):
    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert as_tp.get(GROUPS).status_code == 200
        return len(queries)

    GovernanceMeetingFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    counted()
    few = counted()
    for _ in range(5):
        GroupMemberFactory(lived_experience=True)
        BarrierFactory()
        GovernanceMeetingFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    assert counted() == few


# --- the linked person's names are withheld from every text --------------------------------------


@pytest.fixture
def zebedee(make_user, programme):
    """A barrier linked to Zebedee Quint (aka "Zeb"), written about him in every text before
    anyone noticed, climbed to the Strategic Group, whose member (who may not see who it links
    to, so is not refused his name) records a decision saying what Zebedee told them."""
    person = PersonFactory(full_name="Zebedee Quint", preferred_name="Zeb")
    Alias.objects.create(person=person, name="Quinny Z")
    barrier = BarrierFactory(
        person=person,
        group=group("strategic-group"),
        level_since=timezone.now() - dt.timedelta(days=30),
        summary="Zebedee cannot get a GP",
        detail="Quint was refused at three surgeries.",
        effect="Zeb went to A&E instead.",
        services="GP surgeries near Zebedee",
    )
    MeTooFactory(barrier=barrier, user=UserFactory(), example="Same as Zebedee's in Ely")
    strategic = make_user(
        Role.GOVERNANCE_MEMBER, governance_level=GovernanceLevel.objects.get(slug="strategic-group")
    )
    decision_record(
        actor=strategic,
        barrier_id=barrier.pk,
        meeting_id=GovernanceMeetingFactory(group=group("strategic-group")).pk,
        outcome="escalate",
        reason="Zebedee's case needs the board",
        voice_kind="member",
        voice_said="Zebedee told us he gave up on GPs; Quinny agreed.",
    )
    barrier.refresh_from_db()
    return barrier


def test_the_linked_persons_names_never_reach_the_api(client, make_user, zebedee):
    # Even a reader who may see him (his trusted person) reads no name through the API.
    reader = make_user(Role.TRUSTED_PERSON)
    RelationshipFactory(person=zebedee.person, trusted_person=reader)
    caller = Caller(client, reader)
    listed = caller.get(URL)
    one = caller.get(f"{URL}/{zebedee.pk}")
    assert listed.status_code == 200 and one.status_code == 200
    for text in (listed.content.decode(), one.content.decode()):
        for name in ("Zebedee", "Quint", "Zeb ", "Zeb.", "Quinny"):
            assert name not in text, name
    assert listed.json()["items"][0]["summary"] == f"{WITHHELD} cannot get a GP"
    body = one.json()
    assert body["detail"] == f"{WITHHELD} was refused at three surgeries."
    assert body["effect"] == f"{WITHHELD} went to A&E instead."
    assert body["services"] == f"GP surgeries near {WITHHELD}"
    assert body["me_too_examples"] == [f"Same as {WITHHELD}'s in Ely"]
    (decision,) = body["decisions"]
    assert decision["reason"] == f"{WITHHELD}'s case needs the board"
    assert decision["voice_said"] == f"{WITHHELD} told us he gave up on GPs; {WITHHELD} agreed."
    # Reading the names to withhold them is not reading the person.
    assert not AuditEvent.objects.filter(action="barrier.person_read").exists()


def test_text_of_a_barrier_linked_to_no_one_is_untouched(as_tp):
    barrier = BarrierFactory(summary="Zebedee Road surgery closed its list")
    assert as_tp.get(f"{URL}/{barrier.pk}").json()["summary"] == barrier.summary
    assert as_tp.get(URL).json()["items"][0]["summary"] == barrier.summary


# --- bad input is a 422, never a 500 -------------------------------------------------------------


@pytest.mark.parametrize("field", ["level", "area", "partnership"])
@pytest.mark.parametrize("value", ["a\x00b", "\x00", "²", "Tactical Group", "x" * 81])
def test_odd_filters_are_422_not_500(as_tp, field, value):
    BarrierFactory()
    response = as_tp.get(URL, **{field: value})
    assert response.status_code == 422, response.content


def test_a_nul_in_the_search_words_is_left_out(as_tp):
    barrier = BarrierFactory(summary="Hostel curfews clash with shifts")
    response = as_tp.get(URL, q="curfews\x00")
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [barrier.pk]


@pytest.mark.parametrize(
    "body",
    [
        {"partnership": "cambridge\x00shire"},
        {"partnership": "²"},
        {"areas": ["home\x00lessness"]},
        {"areas": ["²"]},
        {"areas": [""]},
        {"areas": ["x" * 51]},
        {"areas": ["Homelessness"]},
    ],
)
def test_odd_raising_input_is_422_not_500(client, tp, body):
    caller = Caller(client, tp)
    response = caller.post(URL, {"summary": "GP lists closed", **body})
    assert response.status_code == 422, response.content
    assert not Barrier.objects.exists()


def test_areas_by_code_or_id_still_raise(client, tp):
    caller = Caller(client, tp)
    area = AreaOfDisadvantage.objects.get(code="homelessness")
    response = caller.post(
        URL,
        {"summary": "GP lists closed", "partnership": "cambridgeshire", "areas": [area.code]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["areas"] == ["homelessness"]


def test_a_me_too_example_longer_than_the_service_allows_is_422(client, tp):
    barrier = BarrierFactory()
    caller = Caller(client, tp)
    too_long = caller.post(f"{URL}/{barrier.pk}/me-too", {"example": "x" * 2001})
    assert too_long.status_code == 422
    assert "example" in json.dumps(too_long.json())
    assert not MeToo.objects.exists()
    assert caller.post(f"{URL}/{barrier.pk}/me-too", {"example": "x" * 2000}).status_code == 201


def test_the_published_limits_match_the_services(client):
    """What the OpenAPI document promises is what the service accepts: an example up to the
    service's limit, and areas, slugs and codes of letters, digits and hyphens."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["MeTooIn"]["properties"]["example"]["maxLength"] == MAX_EXAMPLE == 2000
    areas = schemas["BarrierIn"]["properties"]["areas"]["items"]
    assert areas["pattern"] == "^[a-z0-9-]{1,50}$" and areas["maxLength"] == 50
    assert schemas["BarrierIn"]["properties"]["partnership"]["pattern"] == "^[a-z0-9-]*$"
