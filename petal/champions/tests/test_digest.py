"""The weekly digest: one email to each reader who follows a tag, about last week's visible
questions carrying a tag they follow that they did not ask; never twice in a week."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.champions.models import DigestSent, Question
from petal.champions.services import network as services
from petal.champions.tasks import send_network_digest
from petal.champions.tests.test_network import ask, hide

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def _on(question: Question, day: dt.date) -> Question:
    """The question was asked at noon on that day (the test cannot wait a week)."""
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    Question.objects.filter(pk=question.pk).update(created_at=when, last_activity_at=when)
    return question


@pytest.fixture
def world(make_user):
    asker = make_user(Role.TRUSTED_PERSON)
    follower = make_user(Role.CHAMPION)
    services.tags_follow(actor=follower, areas=["homelessness"], topics=["benefits"])
    last_week = MONDAY - dt.timedelta(days=3)
    return {
        "asker": asker,
        "follower": follower,
        "programme": make_user(Role.PROGRAMME_TEAM),
        "by_area": _on(ask(asker, title="Area question", areas=["homelessness"]), last_week),
        "by_topic": _on(ask(asker, title="Topic question", topics=["benefits"]), last_week),
        "untagged": _on(ask(asker, title="Other question", areas=["mental-health"]), last_week),
        "too_old": _on(
            ask(asker, title="Old question", areas=["homelessness"]),
            MONDAY - dt.timedelta(days=8),
        ),
        "this_week": _on(ask(asker, title="New question", topics=["benefits"]), MONDAY),
    }


def run(django_capture_on_commit_callbacks, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.network_digest(**kwargs)


def test_a_reader_gets_last_weeks_questions_with_their_tags_once(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, week_starting=MONDAY) == 1
    assert [m.to for m in mail.outbox] == [[world["follower"].email]]
    message = mail.outbox[0]
    assert "2 new questions" in message.body
    assert "/network/?following=1" in message.body
    sent = DigestSent.objects.get()
    assert (sent.user, sent.week_starting, sent.question_count) == (world["follower"], MONDAY, 2)
    event = AuditEvent.objects.get(action="network.digest_sent")
    assert sorted(event.data["questions"]) == sorted([world["by_area"].pk, world["by_topic"].pk])
    # A second run in the same week sends nothing.
    assert run(django_capture_on_commit_callbacks, week_starting=MONDAY) == 0
    assert len(mail.outbox) == 1


def test_hidden_questions_and_the_readers_own_are_left_out(
    world, make_user, django_capture_on_commit_callbacks
):
    hide(world["programme"], question=world["by_area"])
    _on(
        ask(world["follower"], title="My own", areas=["homelessness"]),
        MONDAY - dt.timedelta(days=1),
    )
    run(django_capture_on_commit_callbacks, week_starting=MONDAY)
    event = AuditEvent.objects.get(action="network.digest_sent")
    assert event.data["questions"] == [world["by_topic"].pk]


def test_nobody_is_emailed_about_nothing(world, django_capture_on_commit_callbacks):
    services.tags_follow(actor=world["follower"], areas=["criminal-justice"])
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, week_starting=MONDAY) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_readers_who_follow_nothing_or_are_inactive_get_nothing(
    world, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.CHAMPION)  # follows nothing
    gone = make_user(Role.CHAMPION)
    services.tags_follow(actor=gone, areas=["homelessness"])
    gone.is_active = False
    gone.save()
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, week_starting=MONDAY) == 1
    assert [m.to for m in mail.outbox] == [[world["follower"].email]]


def test_the_task_and_the_command_send_the_same_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = send_network_digest.enqueue(week_starting=MONDAY.isoformat())
    assert result.return_value == 1
    out = StringIO()
    call_command("network_digest", "--week-starting", MONDAY.isoformat(), stdout=out)
    assert "Sent 0 network digest(s)." in out.getvalue()
    out = StringIO()
    call_command("network_digest", "--enqueue", stdout=out)
    assert "Queued the network digest" in out.getvalue()


def test_by_default_the_digest_is_for_this_weeks_monday(world, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks)
    monday = services.this_monday()
    assert monday.weekday() == 0
    assert all(d.week_starting == monday for d in DigestSent.objects.all())
