"""The meetings and actions API follows the same rules as the pages: a meeting the caller may
not see is answered as missing; of each person discussed the caller sees only what the
person's consents allow, at every request; actions are their owners'."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.categories import ALL_CATEGORIES, Category
from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.consent.models import bits_for
from petal.consent.services import consent_withdraw
from petal.consent.tests.factories import ConsentFactory
from petal.meetings.models import (
    Action,
    Decision,
    Kind,
    MeetingStatus,
    RaisedBarrier,
    Voice,
)
from petal.meetings.tests.factories import (
    ActionFactory,
    InvitationFactory,
    MeetingCaseFactory,
    MeetingFactory,
)
from petal.people.models import Story
from petal.people.tests.factories import EpisodeFactory, PersonFactory, person_of
from petal.reference.models import AreaOfDisadvantage, Partnership

pytestmark = pytest.mark.django_db

NAME = "Jordan Example"
STORY = "I lost my flat after my brother died and I have been sleeping in my car."
RISK = "Do not visit alone: partner may be present."
MINUTES = "Jordan said the hostel in March was unsafe; everyone agreed to look elsewhere."
VIEWS = "I want to live near my sister in Wisbech."
DECISION = "Ask the council to review the housing decision."


class Caller:
    """Calls the API as one user, through a personal access token."""

    def __init__(self, client, user):
        _, raw = token_create(actor=user, name="meetings api test")
        self.client = client
        self.user = user
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.auth)

    def post(self, path, body):
        return self.client.post(
            path, data=json.dumps(body), content_type="application/json", **self.auth
        )


@pytest.fixture
def world(make_user, client):
    """A trusted person convened a professionals meeting (held yesterday, minuted) about the
    person they support; an organisation is invited and owns an action from it; a stranger
    works for another organisation."""
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name=NAME, risk_notes=RISK, phone="07700 900123")
    Story.objects.create(person=person, what_happened=STORY)
    EpisodeFactory(person=person)
    organisation = OrganisationFactory(name="Somewhere Safe")
    staff = make_user(Role.SERVICE_STAFF, organisation=organisation)
    stranger = make_user(Role.SERVICE_STAFF)
    starts = timezone.now() - dt.timedelta(days=1)
    meeting = MeetingFactory(
        convened_by=tp,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        status=MeetingStatus.HELD,
        minutes=MINUTES,
        agenda="1. Housing 2. Benefits",
    )
    case = MeetingCaseFactory(
        meeting=meeting,
        person=person,
        brought_by=tp,
        voice=Voice.SENT_VIEWS,
        views=VIEWS,
        outcome="A referral to supported housing",
    )
    invitation = InvitationFactory(
        meeting=meeting, organisation=organisation, sent_at=starts - dt.timedelta(days=7)
    )
    decision = Decision.objects.create(meeting=meeting, case=case, text=DECISION, recorded_by=tp)
    action = ActionFactory(meeting=meeting, case=case, owner_organisation=organisation)
    return {
        "client": client,
        "tp": tp,
        "person": person,
        "organisation": organisation,
        "staff": staff,
        "stranger": stranger,
        "meeting": meeting,
        "case": case,
        "invitation": invitation,
        "decision": decision,
        "action": action,
    }


def as_(world, key_or_user) -> Caller:
    user = world[key_or_user] if isinstance(key_or_user, str) else key_or_user
    return Caller(world["client"], user)


def _three(api, meeting_id):
    """The meetings list, the meeting and the caller's pack, all answered 200."""
    responses = [
        api.get("/api/v1/meetings"),
        api.get(f"/api/v1/meetings/{meeting_id}"),
        api.get(f"/api/v1/meetings/{meeting_id}/pack"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200], [r.content for r in responses]
    return responses


def test_an_invited_organisation_without_consent_never_sees_who_it_is(world):
    api = as_(world, "staff")
    meeting = world["meeting"]
    listed, detail, pack = _three(api, meeting.pk)

    for response in (listed, detail, pack):
        text = response.content.decode()
        assert NAME not in text
        assert "Jordan" not in text
        assert STORY not in text
        assert VIEWS not in text
        assert DECISION not in text

    items = listed.json()["items"]
    assert [m["id"] for m in items] == [meeting.pk]
    assert items[0]["title"] == "Professionals meeting"
    assert items[0]["cases"] == [{"id": world["case"].pk, "person": None, "shared_categories": []}]

    body = detail.json()
    assert body["minutes"] is None
    assert body["reference"] == meeting.reference
    assert body["purpose"] == meeting.purpose
    assert body["convened_by"] == world["tp"].display_name
    (case,) = body["cases"]
    assert case["person"] is None
    assert [case[k] for k in ("question", "voice", "views", "retold", "outcome")] == [None] * 5
    assert body["decisions"] == []
    # The action their organisation owns is theirs to see, without the person.
    assert [a["id"] for a in body["actions"]] == [world["action"].pk]
    assert body["your_invitations"] == [world["invitation"].pk]
    assert body["invitations"][0]["invitee"] == "Somewhere Safe"
    assert body["invitations"][0]["kind"] == "organisation"

    (entry,) = pack.json()["cases"]
    assert entry["person"] is None
    assert entry["shared_categories"] == []
    assert set(entry["not_shared"]) == {str(c) for c in ALL_CATEGORIES}


def test_consent_shows_the_person_and_withdrawal_hides_them_at_the_next_request(world):
    consent = ConsentFactory(
        person=world["person"],
        grantee_organisation=world["organisation"],
        category_bits=bits_for([Category.IDENTITY, Category.STORY]),
        recorded_by=world["tp"],
    )
    api = as_(world, "staff")
    meeting = world["meeting"]
    listed, detail, pack = _three(api, meeting.pk)

    (case,) = listed.json()["items"][0]["cases"]
    assert case["person"] == {"id": world["person"].pk, "full_name": NAME}
    assert case["shared_categories"] == ["identity", "story"]
    # The minutes, decisions and their voice are their involvement with services: not
    # shared by this consent.
    body = detail.json()
    assert body["minutes"] is None and body["decisions"] == []
    assert body["cases"][0]["views"] is None
    involvement = ConsentFactory(
        person=world["person"],
        grantee_organisation=world["organisation"],
        category_bits=bits_for([Category.IDENTITY, Category.INVOLVEMENT]),
        recorded_by=world["tp"],
    )
    listed, detail, pack = _three(api, meeting.pk)
    body = detail.json()
    assert body["cases"][0]["views"] == VIEWS
    assert [d["text"] for d in body["decisions"]] == [DECISION]
    assert body["minutes"] == MINUTES
    (entry,) = pack.json()["cases"]
    assert entry["person"]["full_name"] == NAME
    assert entry["person"]["story"]["what_happened"] == STORY
    # Only what the consent covers: not their contact details, needs or risks.
    assert entry["person"]["contact"] is None
    assert entry["person"]["needs"] is None
    assert entry["person"]["risk_notes"] is None
    assert RISK not in pack.content.decode()
    assert "07700 900123" not in pack.content.decode()
    assert "risk" in entry["not_shared"] and "identity" not in entry["not_shared"]

    consent_withdraw(actor=world["tp"], consent_id=consent.pk, how="verbal")
    consent_withdraw(actor=world["tp"], consent_id=involvement.pk, how="verbal")

    for response in _three(api, meeting.pk):
        assert NAME not in response.content.decode()
        assert STORY not in response.content.decode()
    assert api.get(f"/api/v1/meetings/{meeting.pk}").json()["minutes"] is None
    assert api.get(f"/api/v1/meetings/{meeting.pk}/pack").json()["cases"][0]["person"] is None


def test_a_stranger_is_answered_as_if_the_meeting_did_not_exist(world):
    api = as_(world, "stranger")
    meeting = world["meeting"]
    for path in (f"/api/v1/meetings/{meeting.pk}", f"/api/v1/meetings/{meeting.pk}/pack"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert NAME not in response.content.decode()
    assert api.get("/api/v1/meetings/999999").status_code == 404
    listed = api.get("/api/v1/meetings").json()
    assert listed["count"] == 0
    assert listed["items"] == []


def test_the_convener_sees_everything(world):
    api = as_(world, "tp")
    listed, detail, pack = _three(api, world["meeting"].pk)

    (case,) = listed.json()["items"][0]["cases"]
    assert case["person"]["full_name"] == NAME
    assert set(case["shared_categories"]) == {str(c) for c in ALL_CATEGORIES}
    body = detail.json()
    assert body["minutes"] == MINUTES
    assert body["agenda"] == "1. Housing 2. Benefits"
    (case,) = body["cases"]
    assert case["views"] == VIEWS
    assert case["voice"] == "sent_views"
    assert case["outcome"] == "A referral to supported housing"
    assert [(d["text"], d["case_id"]) for d in body["decisions"]] == [(DECISION, world["case"].pk)]
    assert [a["id"] for a in body["actions"]] == [world["action"].pk]
    assert body["your_invitations"] == []

    person = pack.json()["cases"][0]["person"]
    assert pack.json()["cases"][0]["not_shared"] == []
    assert person["story"]["what_happened"] == STORY
    assert person["risk_notes"] == RISK
    assert person["contact"]["phone"] == "07700 900123"
    assert person["contact"]["district"] == "cambridge"
    assert [n["area"] for n in person["needs"]] == ["homelessness"]
    assert person["involvement"]["trusted_persons"] == [world["tp"].display_name]


def test_listing_names_is_audited_and_filters_apply(world):
    api = as_(world, "tp")
    upcoming = MeetingFactory(convened_by=world["tp"])
    MeetingCaseFactory(meeting=upcoming, person=world["person"], brought_by=world["tp"])

    every = api.get("/api/v1/meetings").json()
    assert [m["id"] for m in every["items"]] == [upcoming.pk, world["meeting"].pk]
    event = AuditEvent.objects.filter(action="meetings.listed", actor_id=world["tp"].pk).last()
    assert event is not None
    assert event.data["context"] == "api"
    assert event.data["people"] == [world["person"].pk]

    assert [m["id"] for m in api.get("/api/v1/meetings", when="upcoming").json()["items"]] == [
        upcoming.pk
    ]
    assert [m["id"] for m in api.get("/api/v1/meetings", when="past").json()["items"]] == [
        world["meeting"].pk
    ]
    assert api.get("/api/v1/meetings", kind="partnership").json()["count"] == 0
    assert api.get("/api/v1/meetings", kind="professionals").json()["count"] == 2
    assert api.get("/api/v1/meetings", when="someday").status_code == 422


def test_a_session_shows_its_partnership_and_barriers_to_its_coordinator(make_user, client):
    coordinator = make_user(Role.PARTNERSHIP_COORDINATOR)
    partnership = Partnership.objects.get(slug="cambridgeshire")
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name=NAME)
    session = MeetingFactory(
        kind=Kind.PARTNERSHIP,
        partnership=partnership,
        convened_by=coordinator,
        minutes="Three people waited over a month for a mental health assessment.",
    )
    MeetingCaseFactory(meeting=session, person=person, brought_by=tp, question="Housing help")
    barrier = RaisedBarrier.objects.create(
        meeting=session,
        summary="Long waits for assessments",
        services="Community mental health",
        raised_by=coordinator,
    )
    barrier.areas.set([AreaOfDisadvantage.objects.get(code="homelessness")])

    body = Caller(client, coordinator).get(f"/api/v1/meetings/{session.pk}").json()
    assert body["partnership"] == {"slug": "cambridgeshire", "name": partnership.name}
    assert body["title"] == f"{partnership.name} problem-solving session"
    # A session's minutes are about the session, not a person.
    assert body["minutes"].startswith("Three people waited")
    assert body["cases"][0]["person"] is None
    assert body["cases"][0]["question"] is None
    assert body["barriers"] == [
        {
            "id": barrier.pk,
            "summary": "Long waits for assessments",
            "detail": "",
            "services": "Community mental health",
            "areas": ["homelessness"],
        }
    ]
    assert NAME not in json.dumps(body)


def _action_for(owner=None, organisation=None, *, tp=None, consent_to=None):
    """An action from a new meeting about a new person; with a consent for identity and
    involvement (whom an action is about is their involvement) to ``consent_to`` (an
    organisation) when given."""
    person = person_of(tp) if tp else PersonFactory()
    meeting = MeetingFactory(convened_by=tp)
    case = MeetingCaseFactory(meeting=meeting, person=person, brought_by=tp)
    if consent_to is not None:
        ConsentFactory(
            person=person,
            grantee_organisation=consent_to,
            category_bits=bits_for([Category.IDENTITY, Category.INVOLVEMENT]),
        )
    return ActionFactory(
        meeting=meeting, case=case, owner_user=owner, owner_organisation=organisation
    )


def test_actions_are_the_callers_own_and_their_organisations(world, make_user):
    staff, organisation = world["staff"], world["organisation"]
    mine = _action_for(owner=staff, tp=world["tp"], consent_to=organisation)
    other_org = OrganisationFactory()
    others = [
        _action_for(owner=world["stranger"]),
        _action_for(organisation=other_org),
        _action_for(owner=world["tp"]),
        _action_for(owner=make_user(Role.SERVICE_STAFF, organisation=organisation)),
    ]
    api = as_(world, "staff")
    body = api.get("/api/v1/actions").json()

    ids = {a["id"] for a in body["items"]}
    assert ids == {mine.pk, world["action"].pk}
    assert ids.isdisjoint({a.pk for a in others})
    assert body["count"] == 2
    by_id = {a["id"]: a for a in body["items"]}
    # The person is named only where they agreed to share who they are with the caller.
    assert by_id[mine.pk]["person"] == {
        "id": mine.case.person_id,
        "full_name": mine.case.person.full_name,
    }
    assert by_id[world["action"].pk]["person"] is None
    assert by_id[world["action"].pk]["owner"] == "Somewhere Safe"
    assert by_id[world["action"].pk]["meeting"]["reference"] == world["meeting"].reference
    assert NAME not in api.get("/api/v1/actions").content.decode()

    Action.objects.filter(pk=mine.pk).update(status="done")
    assert [a["id"] for a in api.get("/api/v1/actions", status="done").json()["items"]] == [mine.pk]
    stranger = as_(world, "stranger").get("/api/v1/actions").json()
    assert [a["id"] for a in stranger["items"]] == [others[0].pk]


def test_the_actions_list_does_not_query_per_row(world, make_user):
    staff, organisation, tp = world["staff"], world["organisation"], world["tp"]
    api = as_(world, "staff")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/actions", page_size=100)
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    def add(n):
        for i in range(n):
            if i % 2:
                _action_for(owner=staff, tp=tp, consent_to=organisation)
            else:
                _action_for(organisation=organisation, tp=tp)

    # A token's use is recorded at most once a minute: leave that write out of the count.
    api.get("/api/v1/me")
    add(2)  # with the world's, three
    few, shown = count_queries()
    assert shown == 3
    add(27)
    many, shown = count_queries()
    assert shown == 30
    assert many == few


def test_the_owner_moves_an_action_on_and_no_one_else_can(world):
    action = world["action"]
    path = f"/api/v1/actions/{action.pk}/status"

    stranger = as_(world, "stranger").post(path, {"status": "done"})
    assert stranger.status_code == 404
    action.refresh_from_db()
    assert action.status == "open"

    api = as_(world, "staff")
    bad = api.post(path, {"status": "finished"})
    assert bad.status_code == 422
    assert "status" in json.dumps(bad.json()["detail"])

    no_note = api.post(path, {"status": "cancelled", "note": ""})
    assert no_note.status_code == 422
    assert no_note.json()["detail"] == "Say why it is no longer needed"
    assert no_note.json()["errors"] == {"note": ["Say why it is no longer needed"]}
    action.refresh_from_db()
    assert action.status == "open"

    done = api.post(path, {"status": "done"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert done.json()["overdue"] is False
    assert done.json()["person"] is None
    action.refresh_from_db()
    assert action.status == "done"
    assert action.completed_at is not None
    assert api.post("/api/v1/actions/999999/status", {"status": "done"}).status_code == 404


def test_the_meetings_list_does_not_query_per_row(world):
    tp, organisation = world["tp"], world["organisation"]
    api = as_(world, "staff")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/meetings", page_size=100)
        assert response.status_code == 200
        return len(queries), response.json()["items"]

    def add(n):
        for i in range(n):
            case = MeetingCaseFactory(meeting=MeetingFactory(convened_by=tp), person=person_of(tp))
            InvitationFactory(meeting=case.meeting, organisation=organisation)
            if i % 2:
                ConsentFactory(person=case.person, grantee_organisation=organisation)

    api.get("/api/v1/me")
    add(2)
    few, shown = count_queries()
    assert len(shown) == 3
    add(27)
    many, shown = count_queries()
    assert len(shown) == 30
    assert sum(1 for m in shown if m["cases"][0]["person"]) == 14
    assert many == few
