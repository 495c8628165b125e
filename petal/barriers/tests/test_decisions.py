"""Deciding barriers up the ladder: at a meeting of the group a barrier sits with, by whoever
runs that group, always with the lived-experience voice heard there (or why none was); the
history complete and in order; the top of the ladder cannot escalate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from petal.audit.models import AuditEvent
from petal.barriers.models import Barrier, Decision, Status
from petal.barriers.services import decisions as services
from petal.barriers.tests.factories import GovernanceMeetingFactory, SessionFactory, group
from petal.barriers.tests.test_barriers import (
    NAME,
    NAMED,
    earlier_today,
    page,
    raise_,
    session_today,
    world,
)
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.meetings.models import Action, MeetingStatus
from petal.reference.models import Partnership

pytestmark = pytest.mark.django_db

__all__ = ["world"]  # the fixture, shared with test_barriers

VOICE = "A member with lived experience said the form stopped them twice."


@pytest.fixture
def meetings():
    """A meeting of each group, held earlier today (after the barriers the tests raise reached
    their groups)."""
    today = earlier_today()
    return {
        "session": session_today(),
        "tactical": GovernanceMeetingFactory(group=group("tactical-group"), starts_at=today),
        "strategic": GovernanceMeetingFactory(group=group("strategic-group"), starts_at=today),
        "board": GovernanceMeetingFactory(group=group("public-service-board"), starts_at=today),
    }


def decide(actor, barrier, meeting, **changes):
    fields = {
        "outcome": "escalate",
        "reason": "It needs a change of policy",
        "voice_kind": "member",
        "voice_said": VOICE,
    }
    fields.update(changes)
    return services.decision_record(
        actor=actor, barrier_id=barrier.pk, meeting_id=meeting.pk, **fields
    )


# --- the lived-experience voice ------------------------------------------------------------------


@pytest.mark.parametrize("voice_kind", ["", None, "nonsense"])
def test_a_decision_without_a_lived_experience_voice_is_refused(world, meetings, voice_kind):
    barrier = raise_(world)
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, meetings["session"], voice_kind=voice_kind)
    assert error.value.field_errors["voice_kind"] == [services.VOICE_MISSING]
    assert services.VOICE_MISSING == (
        "Record the lived-experience voice heard at this meeting, or why none was"
    )
    barrier.refresh_from_db()
    assert barrier.status == Status.OPEN and barrier.group == group("partnership-cambridgeshire")
    assert (
        not Decision.objects.exists()
        and not AuditEvent.objects.filter(action="barrier.decided").exists()
    )


def test_a_voice_must_say_what_was_said_or_why_none_was_heard(world, meetings):
    barrier = raise_(world)
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, meetings["session"], voice_said="  ")
    assert error.value.field_errors["voice_said"] == ["Write what they said, in their words"]
    with pytest.raises(ValidationFailed) as error:
        decide(
            world["coordinator"],
            barrier,
            meetings["session"],
            voice_kind="not_heard",
            voice_said="",
        )
    assert error.value.field_errors["voice_said"] == [
        "Say why no lived-experience voice was heard at this meeting"
    ]
    decision = decide(
        world["coordinator"],
        barrier,
        meetings["session"],
        voice_kind="not_heard",
        voice_said="Our member with lived experience was unwell",
    )
    assert not decision.voice_heard


def test_the_page_refuses_a_decision_without_a_voice_and_keeps_what_was_typed(
    client, world, meetings
):
    barrier = raise_(world)
    client.force_login(world["coordinator"])
    url = reverse("barriers:decide", args=[barrier.pk])
    response = client.post(
        url,
        {
            "meeting": str(meetings["session"].pk),
            "outcome": "escalate",
            "escalate_reason": "The council's policy needs to change",
            "voice_said": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert services.VOICE_MISSING in html
    assert "The council&#x27;s policy needs to change" in html
    assert 'value="escalate" checked' in html
    # Every problem at once, not one at a time.
    html = client.post(url, {}).content.decode()
    for message in (
        "Choose the meeting where the group decided",
        "Choose what the group decided",
        services.VOICE_MISSING,
    ):
        assert message in html
    assert not Decision.objects.exists()


def test_a_not_heard_voice_shows_why_on_the_barrier_page(client, world, meetings):
    barrier = raise_(world)
    decide(
        world["coordinator"],
        barrier,
        meetings["session"],
        outcome="close",
        reason="Housing Options changed the form last month",
        voice_kind="not_heard",
        voice_said="no one with lived experience could come this month",
    )
    html = page(client, world["worker"], reverse("barriers:barrier", args=[barrier.pk])).content
    html = html.decode()
    assert "Not heard</strong> because no one with lived experience could come" in html
    assert "Housing Options changed the form last month" in html


# --- up the ladder -------------------------------------------------------------------------------


def test_escalation_history_is_complete_and_in_order(client, world, meetings):
    barrier = raise_(world)
    steps = [
        (world["coordinator"], meetings["session"], "partnership-cambridgeshire"),
        (world["tactical"], meetings["tactical"], "tactical-group"),
        (world["strategic"], meetings["strategic"], "strategic-group"),
    ]
    since = [barrier.level_since]
    for n, (actor, meeting, slug) in enumerate(steps, start=1):
        barrier.refresh_from_db()
        assert barrier.group == group(slug) and barrier.status == Status.OPEN
        decide(actor, barrier, meeting, reason=f"Step {n}: beyond this group")
        barrier.refresh_from_db()
        since.append(barrier.level_since)
    assert barrier.group == group("public-service-board")
    decide(
        world["board"],
        barrier,
        meetings["board"],
        outcome="resolve",
        reason="Every council will accept a day centre address",
        owner_organisation_id=world["board"].memberships.first().organisation_id,
        due_on=timezone.localdate() + dt.timedelta(days=60),
    )
    history = list(Decision.objects.filter(barrier=barrier).order_by("sequence"))
    assert [d.sequence for d in history] == [1, 2, 3, 4]
    assert [d.level.rank for d in history] == [1, 2, 3, 4]
    assert [d.group.slug for d in history] == [
        "partnership-cambridgeshire",
        "tactical-group",
        "strategic-group",
        "public-service-board",
    ]
    assert [d.outcome for d in history] == ["escalate", "escalate", "escalate", "resolve"]
    assert [d.escalated_to.slug for d in history[:3]] == [
        "tactical-group",
        "strategic-group",
        "public-service-board",
    ]
    assert [d.meeting for d in history] == [
        meetings["session"],
        meetings["tactical"],
        meetings["strategic"],
        meetings["board"],
    ]
    assert since == sorted(since) and len(set(since)) == 4
    barrier.refresh_from_db()
    assert barrier.status == Status.BEING_RESOLVED
    assert [
        e.data["sequence"]
        for e in AuditEvent.objects.filter(action="barrier.decided").order_by("sequence")
    ] == [
        1,
        2,
        3,
        4,
    ]
    # The page tells the whole history, in order, with every voice.
    html = page(client, world["worker"], reverse("barriers:barrier", args=[barrier.pk])).content
    html = html.decode()
    positions = [html.index(f"Step {n}: beyond this group") for n in (1, 2, 3)]
    assert positions == sorted(positions)
    assert html.index("Step 3") < html.index("Every council will accept a day centre address")
    assert html.count(VOICE) == 4
    assert 'aria-current="step"' in html and "It is here: being resolved" in html


def test_a_decision_is_made_at_a_meeting_of_the_group_the_barrier_sits_with(world, meetings):
    barrier = raise_(world)
    peterborough = SessionFactory(partnership=Partnership.objects.get(slug="peterborough"))
    for meeting in (meetings["tactical"], peterborough):
        with pytest.raises(ValidationFailed) as error:
            decide(world["programme"], barrier, meeting)
        assert "Choose a meeting of the Cambridgeshire operational partnership" in str(
            error.value.field_errors["meeting"]
        )
    decide(world["coordinator"], barrier, meetings["session"])
    for meeting in (meetings["session"], meetings["strategic"], meetings["board"]):
        with pytest.raises(ValidationFailed) as error:
            decide(world["programme"], barrier, meeting)
        assert "meeting" in error.value.field_errors
    assert Decision.objects.count() == 1


def test_a_meeting_must_have_started_and_not_been_cancelled(world, meetings):
    barrier = raise_(world)
    soon = timezone.now() + dt.timedelta(days=3)
    future = SessionFactory(starts_at=soon, status=MeetingStatus.DRAFT)
    cancelled = SessionFactory(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, future)
    assert "has not started yet" in error.value.message
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, cancelled)
    assert "cancelled" in error.value.message
    with pytest.raises(ValidationFailed):
        services.decision_record(
            actor=world["coordinator"],
            barrier_id=barrier.pk,
            meeting_id="x",
            outcome="close",
            reason="r",
            voice_kind="survey",
            voice_said="s",
        )
    assert not Decision.objects.exists()


def test_a_meeting_held_before_the_barrier_reached_its_group_cannot_decide_it(
    client, world, meetings
):
    barrier = raise_(world)
    last_week = SessionFactory()  # held a week before the barrier was raised
    before = f"That meeting was before this barrier reached the {barrier.group.name}"
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, last_week)
    assert error.value.field_errors["meeting"] == [before + ": choose a later one"]
    # Nor is it offered.
    html = page(client, world["coordinator"], reverse("barriers:decide", args=[barrier.pk]))
    html = html.content.decode()
    assert last_week.reference not in html and meetings["session"].reference in html
    # The form says so too when the old meeting is posted anyway.
    response = client.post(
        reverse("barriers:decide", args=[barrier.pk]),
        {
            "meeting": str(last_week.pk),
            "outcome": "close",
            "close_reason": "Fixed",
            "voice_kind": "survey",
            "voice_said": "People said it was fixed",
        },
    )
    assert response.status_code == 200 and not Decision.objects.exists()
    # A meeting earlier on the day it arrived will do; after escalating, the same holds above.
    decide(world["coordinator"], barrier, meetings["session"])
    barrier.refresh_from_db()
    yesterday = GovernanceMeetingFactory(
        group=group("tactical-group"), starts_at=earlier_today() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationFailed) as error:
        decide(world["tactical"], barrier, yesterday)
    assert error.value.field_errors["meeting"] == [
        "That meeting was before this barrier reached the Tactical Group: choose a later one"
    ]
    assert decide(world["tactical"], barrier, meetings["tactical"]).sequence == 2


def test_the_top_of_the_ladder_cannot_escalate(client, world, meetings):
    barrier = raise_(world)
    barrier.group = group("public-service-board")
    barrier.save()
    with pytest.raises(ValidationFailed) as error:
        decide(world["board"], barrier, meetings["board"])
    assert error.value.field_errors["outcome"] == [services.TOP]
    assert "The Public Service Board is the top of the ladder" in services.TOP
    client.force_login(world["board"])
    url = reverse("barriers:decide", args=[barrier.pk])
    assert "is the top of the ladder" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "meeting": str(meetings["board"].pk),
            "outcome": "escalate",
            "escalate_reason": "Higher",
            "voice_kind": "survey",
            "voice_said": "People said so",
        },
    )
    assert "The Public Service Board is the top of the ladder" in response.content.decode()
    assert not Decision.objects.exists()


def test_only_whoever_runs_the_group_it_sits_with_decides(client, world, meetings):
    barrier = raise_(world)
    for actor in (world["tactical"], world["peterborough"], world["strategic"]):
        with pytest.raises(Forbidden):
            decide(actor, barrier, meetings["session"])
    with pytest.raises(Forbidden):
        decide(world["worker"], barrier, meetings["session"])
    url = reverse("barriers:decide", args=[barrier.pk])
    assert page(client, world["worker"], url).status_code == 403
    assert page(client, world["tactical"], url).status_code == 403
    assert page(client, world["coordinator"], url).status_code == 200
    decide(world["coordinator"], barrier, meetings["session"])
    assert page(client, world["coordinator"], url).status_code == 403
    assert page(client, world["tactical"], url).status_code == 200
    with pytest.raises(NotFound):
        services.decision_record(
            actor=world["programme"],
            barrier_id=424242,
            meeting_id=meetings["session"].pk,
            outcome="close",
            reason="r",
            voice_kind="survey",
            voice_said="s",
        )


def test_resolving_makes_an_action_of_the_meeting_and_can_still_be_escalated(world, meetings):
    barrier = raise_(world)
    organisation_id = world["coordinator"].memberships.first().organisation_id
    due = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, meetings["session"], outcome="resolve")
    assert {"owner", "due_on"} <= set(error.value.field_errors)
    with pytest.raises(ValidationFailed) as error:
        decide(
            world["coordinator"],
            barrier,
            meetings["session"],
            outcome="resolve",
            owner_organisation_id=organisation_id,
            owner_user_id=world["worker"].pk,
            due_on=due,
        )
    assert "owner" in error.value.field_errors
    decision = decide(
        world["coordinator"],
        barrier,
        meetings["session"],
        outcome="resolve",
        reason="The council will accept a day centre address",
        owner_organisation_id=organisation_id,
        due_on=due,
    )
    action = Action.objects.get()
    assert decision.action == action and action.meeting == meetings["session"]
    assert action.owner_organisation_id == organisation_id and action.due_on == due
    assert action.description == (
        f"Resolve barrier {barrier.reference}: The council will accept a day centre address"
    )
    assert action.created_by == world["coordinator"]
    barrier.refresh_from_db()
    assert barrier.status == Status.BEING_RESOLVED
    assert barrier.group == group("partnership-cambridgeshire")
    # The resolution failed: it goes up after all.
    again = decide(world["coordinator"], barrier, meetings["session"])
    assert again.sequence == 2
    barrier.refresh_from_db()
    assert barrier.status == Status.OPEN and barrier.group == group("tactical-group")


def test_closing_closes_and_nothing_more_can_be_decided(world, meetings):
    barrier = raise_(world)
    decide(world["coordinator"], barrier, meetings["session"], outcome="close", reason="Fixed")
    barrier.refresh_from_db()
    assert barrier.status == Status.CLOSED and barrier.closed_at is not None
    with pytest.raises(ValidationFailed) as error:
        decide(world["coordinator"], barrier, meetings["session"], outcome="close")
    assert "cannot be decided again" in error.value.message


def test_reasons_and_voices_naming_someone_the_decider_supports_are_refused(
    world, meetings, make_user
):
    from petal.access.roles import Role
    from petal.people.tests.factories import person_of

    barrier = raise_(world)
    person_of(world["coordinator"], full_name="Casey Covered")
    for field in ("reason", "voice_said"):
        with pytest.raises(ValidationFailed) as error:
            decide(world["coordinator"], barrier, meetings["session"], **{field: "Casey said no"})
        assert error.value.field_errors[field] == [NAMED + ": write it without anyone's name"]
    # The linked person's name is looked for only by those who may see who they are.
    linked = raise_(world, person_id=world["person"].pk)
    with pytest.raises(ValidationFailed):
        decide(world["coordinator"], linked, meetings["session"], reason=f"{NAME} again")
    stranger = make_user(Role.PROGRAMME_TEAM)
    decision = decide(stranger, linked, meetings["session"], reason="Jordan is a place name")
    assert decision.reason == "Jordan is a place name"


# --- the page ------------------------------------------------------------------------------------


def test_the_decide_page_offers_the_groups_started_meetings_newest_first(client, world, meetings):
    barrier = raise_(world)
    # It reached the partnership 50 days ago: meetings since then are offered, not before.
    Barrier.objects.filter(pk=barrier.pk).update(
        raised_at=timezone.now() - dt.timedelta(days=50),
        level_since=timezone.now() - dt.timedelta(days=50),
    )
    older = SessionFactory(starts_at=timezone.now() - dt.timedelta(days=40))
    too_old = SessionFactory(starts_at=timezone.now() - dt.timedelta(days=60))
    cancelled = SessionFactory(
        status=MeetingStatus.CANCELLED, starts_at=timezone.now() - dt.timedelta(days=10)
    )
    future = SessionFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    html = page(client, world["coordinator"], reverse("barriers:decide", args=[barrier.pk]))
    html = html.content.decode()
    assert meetings["session"].reference in html and older.reference in html
    assert html.index(meetings["session"].reference) < html.index(older.reference)
    assert future.reference not in html and meetings["tactical"].reference not in html
    assert too_old.reference not in html and cancelled.reference not in html
    assert "Escalate it to the Tactical Group" in html


def test_the_decide_page_records_a_resolution_for_a_person_by_email(client, world, meetings):
    barrier = raise_(world)
    client.force_login(world["coordinator"])
    url = reverse("barriers:decide", args=[barrier.pk])
    due = timezone.localdate() + dt.timedelta(days=14)
    form = {
        "meeting": str(meetings["session"].pk),
        "outcome": "resolve",
        "resolve_reason": "Write to every surgery about the rules",
        "owner_email": "nobody@example.org",
        "due_on_0": str(due.day),
        "due_on_1": str(due.month),
        "due_on_2": str(due.year),
        "voice_kind": "supporter",
        "voice_said": "I was turned away three times",
    }
    response = client.post(url, form)
    assert "There is no one with that email address in Petal" in response.content.decode()
    assert "Write to every surgery about the rules" in response.content.decode()
    form["owner_email"] = world["worker"].email.upper()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner_user == world["worker"] and action.due_on == due
    html = client.get(response.url).content.decode()
    assert "Decision recorded" in html
    assert world["worker"].display_name in html and "A person&#x27;s own words" in html


def test_the_decide_page_ignores_boxes_under_other_outcomes(client, world, meetings):
    barrier = raise_(world)
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("barriers:decide", args=[barrier.pk]),
        {
            "meeting": str(meetings["session"].pk),
            "outcome": "close",
            "close_reason": "It was fixed",
            "resolve_reason": "Not this",
            "due_on_0": "99",
            "owner_email": "not an email",
            "voice_kind": "survey",
            "voice_said": "People said it was fixed",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.outcome == "close" and decision.reason == "It was fixed"
    assert not Action.objects.exists()


def test_the_decide_page_says_when_there_is_no_meeting_to_decide_at(client, world):
    barrier = raise_(world)
    html = page(client, world["coordinator"], reverse("barriers:decide", args=[barrier.pk]))
    html = html.content.decode()
    assert "There is no such meeting yet" in html
    assert reverse("meetings:session-new") in html
    # The programme team decides but does not plan a partnership's sessions (403 there).
    html = page(client, world["programme"], reverse("barriers:decide", args=[barrier.pk]))
    html = html.content.decode()
    assert "There is no such meeting yet" in html
    assert reverse("meetings:session-new") not in html
    assert "Ask the partnership's coordinator to plan a session" in html
    assert page(client, world["programme"], reverse("meetings:session-new")).status_code == 403
    # Above the operational level, whoever runs the group plans its meetings.
    barrier.group = group("tactical-group")
    barrier.save()
    for reader in (world["tactical"], world["programme"]):
        html = page(client, reader, reverse("barriers:decide", args=[barrier.pk]))
        assert reverse("governance:meeting-new", args=["tactical-group"]) in html.content.decode()


def test_no_box_under_a_radio_is_hidden_for_good(client, world, meetings):
    """GOV.UK Frontend's script reveals a hidden conditional box only for a radio that names it
    (``data-aria-controls``). These pages leave the attribute out — the script would add
    ``aria-expanded`` to the radios, which axe refuses (aria-allowed-attr) — so every box must
    be shown, never hidden with no way to open it."""
    import re

    barrier = raise_(world)
    pages = [
        (world["coordinator"], reverse("barriers:decide", args=[barrier.pk])),
        (_champion(), reverse("barriers:new")),
    ]
    for reader, url in pages:
        html = page(client, reader, url).content.decode()
        boxes = re.findall(r'<div class="(govuk-radios__conditional[^"]*)" id="([^"]+)"', html)
        assert boxes, url
        for classes, box in boxes:
            opened_by_script = f'data-aria-controls="{box}"' in html
            assert opened_by_script or "govuk-radios__conditional--hidden" not in classes, box
    assert 'id="conditional-on-behalf-of"' in html


def _champion():
    from petal.champions.tests.factories import champion_user

    return champion_user()
