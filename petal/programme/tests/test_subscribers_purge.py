"""Newsletter sign-ups never confirmed are deleted once their emailed link has expired (8 days
after the last link by default; links work for 7): nobody proved the address was theirs.
Confirmed and unsubscribed addresses are never touched, nor one whose link may still be
followed; one audit event says how many; a second run deletes nothing and records nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petal.audit.models import AuditEvent
from petal.programme.models import NewsletterDelivery, Subscriber, SubscriberStatus
from petal.programme.services import newsletters as services
from petal.programme.tests.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _pending(*, sent_days_ago: float | None, created_days_ago: float = 40, **kwargs):
    return SubscriberFactory(
        status=SubscriberStatus.PENDING,
        confirmed_at=None,
        created_at=_ago(created_days_ago),
        confirmation_sent_at=None if sent_days_ago is None else _ago(sent_days_ago),
        **kwargs,
    )


@pytest.fixture
def subscribers():
    old = [
        _pending(sent_days_ago=9),
        _pending(sent_days_ago=40),
        _pending(sent_days_ago=None, created_days_ago=20),  # no link recorded: by its age
    ]
    kept = [
        _pending(sent_days_ago=7.9),  # the link may still be followed
        _pending(sent_days_ago=1, created_days_ago=60),  # asked again lately: a new link
        _pending(sent_days_ago=None, created_days_ago=2),
        SubscriberFactory(created_at=_ago(90), confirmation_sent_at=_ago(90)),
        SubscriberFactory(
            status=SubscriberStatus.UNSUBSCRIBED,
            created_at=_ago(90),
            confirmation_sent_at=_ago(90),
            unsubscribed_at=_ago(30),
        ),
    ]
    return old, kept


def _purged() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="subscribers.purged"))


def test_expired_sign_ups_go_and_every_other_address_stays(subscribers):
    old, kept = subscribers

    out = StringIO()
    call_command("newsletters_purge_unconfirmed", stdout=out)

    assert "Deleted 3 unconfirmed newsletter sign-up(s)." in out.getvalue()
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {s.pk for s in kept}
    [event] = _purged()
    assert event.data == {"count": 3, "back_to_unsubscribed": 0}
    assert event.actor_id is None
    assert event.object_type == "programme.subscriber"
    # Count only: no address in the trail.
    assert "@" not in str(event.data)

    # Running it twice deletes nothing more and records nothing.
    out = StringIO()
    call_command("newsletters_purge_unconfirmed", stdout=out)
    assert "Deleted 0 unconfirmed" in out.getvalue()
    assert Subscriber.objects.count() == len(kept)
    assert len(_purged()) == 1


def test_an_old_subscriber_who_asked_again_without_confirming_goes_back_to_unsubscribed():
    newsletter = NewsletterFactory(status="published", published_at=_ago(100))
    returning = SubscriberFactory(created_at=_ago(200), confirmed_at=_ago(200))
    NewsletterDelivery.objects.create(newsletter=newsletter, subscriber=returning, status="sent")
    # Unsubscribed, then asked again 10 days ago and never confirmed.
    Subscriber.objects.filter(pk=returning.pk).update(
        status=SubscriberStatus.PENDING, confirmation_sent_at=_ago(10), unsubscribed_at=_ago(50)
    )

    assert services.subscribers_purge_unconfirmed() == 0

    returning.refresh_from_db()
    assert returning.status == SubscriberStatus.UNSUBSCRIBED
    assert NewsletterDelivery.objects.filter(subscriber=returning).count() == 1
    [event] = _purged()
    assert event.data == {"count": 0, "back_to_unsubscribed": 1}
    assert services.subscribers_purge_unconfirmed() == 0
    assert len(_purged()) == 1


def test_older_than_days_is_kept_beyond_the_links_life(subscribers):
    with pytest.raises(CommandError, match="at least 7"):
        call_command("newsletters_purge_unconfirmed", "--older-than-days", "6")
    assert not _purged()
    call_command("newsletters_purge_unconfirmed", "--older-than-days", "30", stdout=StringIO())
    # Only the one whose last link went 40 days ago.
    assert Subscriber.objects.count() == 7


def test_nothing_to_delete_records_nothing():
    SubscriberFactory()
    assert services.subscribers_purge_unconfirmed() == 0
    assert not _purged()
