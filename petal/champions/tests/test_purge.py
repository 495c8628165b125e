"""Visitors' signatures of the pledge that were never confirmed are deleted once their emailed
link has expired (8 days by default; the link works for 7); confirmed, decided and withdrawn
pledges are never touched; one audit event says how many; a second run deletes nothing and
records nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petal.audit.models import AuditEvent
from petal.champions.models import Champion, ChampionStatus
from petal.champions.services.purge import unconfirmed_pledges_purge
from petal.champions.tests.factories import ChampionFactory, TopicFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 16, 6, 0, tzinfo=dt.UTC)


def _signed(days_ago: float, status: str, **kwargs) -> Champion:
    if status == ChampionStatus.UNCONFIRMED:
        kwargs.setdefault("user", None)
        kwargs.setdefault("decided_at", None)
    return ChampionFactory(status=status, signed_at=NOW - dt.timedelta(days=days_ago), **kwargs)


@pytest.fixture
def pledges():
    old = [_signed(9, ChampionStatus.UNCONFIRMED), _signed(40, ChampionStatus.UNCONFIRMED)]
    old[0].skills.add(TopicFactory())
    kept = [
        _signed(7.9, ChampionStatus.UNCONFIRMED),  # the link may still be followed
        _signed(1, ChampionStatus.UNCONFIRMED),
        _signed(30, ChampionStatus.PENDING, user=None),
        _signed(30, ChampionStatus.APPROVED),
        _signed(30, ChampionStatus.DECLINED),
        _signed(30, ChampionStatus.WITHDRAWN),
    ]
    return old, kept


def test_old_unconfirmed_signatures_go_and_every_other_pledge_stays(pledges):
    old, kept = pledges

    assert unconfirmed_pledges_purge(now=NOW) == 2

    remaining = set(Champion.objects.values_list("pk", flat=True))
    assert remaining == {c.pk for c in kept}
    assert {c.status for c in Champion.objects.all()} == {
        ChampionStatus.UNCONFIRMED,
        ChampionStatus.PENDING,
        ChampionStatus.APPROVED,
        ChampionStatus.DECLINED,
        ChampionStatus.WITHDRAWN,
    }


def test_one_audit_event_says_how_many(pledges):
    unconfirmed_pledges_purge(now=NOW)

    events = list(AuditEvent.objects.filter(action="champion.unconfirmed_purged"))
    assert len(events) == 1
    assert events[0].data == {"count": 2}
    assert events[0].actor_id is None
    # It names no one: neither the deleted rows' names nor their email addresses.
    assert events[0].object_id == ""


def test_a_second_run_deletes_nothing_and_records_nothing(pledges):
    assert unconfirmed_pledges_purge(now=NOW) == 2
    count = Champion.objects.count()

    assert unconfirmed_pledges_purge(now=NOW) == 0

    assert Champion.objects.count() == count
    assert AuditEvent.objects.filter(action="champion.unconfirmed_purged").count() == 1


def test_nothing_to_purge_records_nothing():
    _signed(2, ChampionStatus.UNCONFIRMED)
    assert unconfirmed_pledges_purge(now=NOW) == 0
    assert not AuditEvent.objects.filter(action="champion.unconfirmed_purged").exists()


def test_the_age_can_be_chosen(pledges):
    assert unconfirmed_pledges_purge(now=NOW, older_than_days=30) == 1
    assert unconfirmed_pledges_purge(now=NOW, older_than_days=5) == 2  # 9 days and 7.9 days


def test_the_command_prints_the_count_and_refuses_an_age_shorter_than_the_link():
    # The command counts from now.
    ChampionFactory(
        user=None,
        status=ChampionStatus.UNCONFIRMED,
        decided_at=None,
        signed_at=timezone.now() - dt.timedelta(days=10),
    )
    out = StringIO()
    call_command("champions_purge_unconfirmed", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 unconfirmed pledge(s)."
    assert not Champion.objects.exists()

    out = StringIO()
    call_command("champions_purge_unconfirmed", stdout=out)
    assert out.getvalue().strip() == "Deleted 0 unconfirmed pledge(s)."

    with pytest.raises(CommandError):
        call_command("champions_purge_unconfirmed", "--older-than-days", "3", stdout=StringIO())
