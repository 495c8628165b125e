"""Feedback: every decision goes back down to the person who raised the barrier, the trusted
person a champion raised it for, and everyone who said "I have met this too": a notice each and
one email each, with a fixed sentence, the reference and a link, never the barrier's text (the
one who recorded it keeps their notice, without an email). A merge tells everyone who raised or
met the merged barrier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.barriers.models import DecisionNotice
from petal.barriers.services import barriers as barrier_services
from petal.barriers.services import decisions as services
from petal.barriers.tests.factories import (
    GovernanceMeetingFactory,
    MeTooFactory,
    group,
)
from petal.barriers.tests.test_barriers import earlier_today, raise_, session_today, world
from petal.champions.models import Champion
from petal.champions.tests.factories import SupportConnectionFactory, champion_user
from petal.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

__all__ = ["world"]

SECRET_REASON = "Only the page says this reason"
SECRET_VOICE = "Only the page says what they said"


@pytest.fixture
def people(world, make_user):
    """A barrier a champion raised for a trusted person, met too by two workers (one of whom has
    since left) and by the trusted person themselves."""
    champion = champion_user()
    SupportConnectionFactory(requested_by=world["tp"], champion=Champion.objects.get(user=champion))
    barrier = raise_(
        world,
        actor=champion,
        raised_as="for_trusted_person",
        on_behalf_of=world["tp"],
        summary="Only the page says this summary",
    )
    met = make_user(Role.SERVICE_STAFF)
    left = make_user(Role.SERVICE_STAFF)
    left.is_active = False
    left.save()
    for user in (met, left, world["tp"], world["worker"]):
        MeTooFactory(barrier=barrier, user=user)
    return {"barrier": barrier, "champion": champion, "met": met, "left": left}


def _decide(actor, barrier, meeting, outcome="escalate", **extra):
    fields = {"reason": SECRET_REASON, "voice_kind": "member", "voice_said": SECRET_VOICE}
    fields.update(extra)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.decision_record(
            actor=actor, barrier_id=barrier.pk, meeting_id=meeting.pk, outcome=outcome, **fields
        )


def _sent(mailoutbox, reference):
    return sorted(address for m in mailoutbox if reference in m.subject for address in m.to), [
        m for m in mailoutbox if reference in m.subject
    ]


def test_every_decision_reaches_the_raiser_the_trusted_person_and_every_me_too(
    world, people, mailoutbox
):
    barrier = people["barrier"]
    decision = _decide(world["coordinator"], barrier, session_today())
    notices = {n.user_id: n.why for n in DecisionNotice.objects.filter(decision=decision)}
    assert notices == {
        people["champion"].pk: "raised",
        world["tp"].pk: "on_behalf",  # once, though they also met it
        people["met"].pk: "me_too",
        world["worker"].pk: "me_too",
    }
    addresses, emails = _sent(mailoutbox, barrier.reference)
    assert addresses == sorted(
        [people["champion"].email, world["tp"].email, people["met"].email, world["worker"].email]
    )
    assert people["left"].email not in addresses and world["coordinator"].email not in addresses
    for email in emails:
        assert email.subject == f"A decision on a barrier you raised or met ({barrier.reference})"
        assert services.MESSAGE["escalate"] in email.body
        assert f"/barriers/{barrier.pk}" in email.body
        for secret in (SECRET_REASON, SECRET_VOICE, "Only the page says this summary", "Tactical"):
            assert secret not in email.body and secret not in email.subject


def test_feedback_follows_the_barrier_up_the_ladder_and_says_each_outcome(
    world, people, mailoutbox
):
    barrier = people["barrier"]
    _decide(world["coordinator"], barrier, session_today())
    mailoutbox.clear()
    later = MeTooFactory(barrier=barrier, user=world["other_worker"]).user
    decision = _decide(
        world["tactical"],
        barrier,
        GovernanceMeetingFactory(group=group("tactical-group"), starts_at=earlier_today()),
        outcome="resolve",
        owner_organisation_id=world["tactical"].memberships.first().organisation_id,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    told = set(DecisionNotice.objects.filter(decision=decision).values_list("user_id", flat=True))
    assert later.pk in told and people["champion"].pk in told
    addresses, emails = _sent(mailoutbox, barrier.reference)
    assert later.email in addresses and len(addresses) == 5
    assert all(services.MESSAGE["resolve"] in e.body for e in emails)
    assert DecisionNotice.objects.count() == 4 + 5


def test_a_closed_barrier_tells_them_it_is_closed(world, people, mailoutbox):
    barrier = people["barrier"]
    _decide(world["coordinator"], barrier, session_today(), outcome="close")
    _, emails = _sent(mailoutbox, barrier.reference)
    assert emails and all(services.MESSAGE["close"] in e.body for e in emails)


def test_a_refused_decision_tells_no_one(world, people, mailoutbox):
    barrier = people["barrier"]
    with pytest.raises(ValidationFailed):
        _decide(world["coordinator"], barrier, session_today(), voice_kind="")
    assert not DecisionNotice.objects.exists()
    assert mailoutbox == []


def test_a_merge_tells_everyone_who_raised_or_met_the_merged_barrier(world, people, mailoutbox):
    target = raise_(world, actor=world["coordinator"], summary="The same barrier")
    merged = people["barrier"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        barrier_services.barrier_merge(
            actor=world["coordinator"], barrier_id=merged.pk, into_id=target.pk
        )
    addresses = sorted(a for m in mailoutbox for a in m.to)
    assert addresses == sorted(
        [people["champion"].email, world["tp"].email, people["met"].email, world["worker"].email]
    )
    for email in mailoutbox:
        assert email.subject == f"A barrier you raised or met was merged ({target.reference})"
        assert "The same barrier" not in email.body and "Only the page" not in email.body
    # And they hear of the target's decisions from now on.
    mailoutbox.clear()
    _decide(world["coordinator"], target, session_today())
    addresses, _ = _sent(mailoutbox, target.reference)
    assert set(addresses) >= {people["champion"].email, world["tp"].email, people["met"].email}


def test_a_coordinator_deciding_a_barrier_they_raised_keeps_their_notice_but_no_email(
    world, mailoutbox
):
    barrier = raise_(world, actor=world["coordinator"])
    MeTooFactory(barrier=barrier, user=world["worker"])
    decision = _decide(world["coordinator"], barrier, session_today())
    notices = {n.user_id: n.why for n in DecisionNotice.objects.filter(decision=decision)}
    assert notices == {world["coordinator"].pk: "raised", world["worker"].pk: "me_too"}
    addresses, _ = _sent(mailoutbox, barrier.reference)
    assert addresses == [world["worker"].email]  # they know: they recorded it
    event = AuditEvent.objects.get(action="barrier.decided")
    assert event.data["told"] == sorted([world["coordinator"].pk, world["worker"].pk])


def test_feedback_send_tells_everyone_who_raised_or_met_it_but_the_actor(world, people, mailoutbox):
    barrier = people["barrier"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        told = services.feedback_send(
            barrier,
            world["worker"],
            subject="What was learned from a barrier you raised or met",
            message="The learning is written. Follow the link to read it.",
        )
    assert {u.pk for u in told} == {people["champion"].pk, world["tp"].pk, people["met"].pk}
    addresses, emails = _sent(mailoutbox, barrier.reference)
    assert addresses == sorted([people["champion"].email, world["tp"].email, people["met"].email])
    assert all("The learning is written" in e.body for e in emails)
    assert all("Only the page says this summary" not in e.body for e in emails)
    assert not DecisionNotice.objects.exists()  # no decision: no notice
