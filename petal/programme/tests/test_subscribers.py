"""Subscribing is double opt-in: a new address waits, "pending", until its owner follows the
emailed link and presses "Confirm" (a GET, as a link scanner makes, confirms nothing). The form
answers every address alike, so it never tells who is subscribed. Unsubscribing is one click,
from the link or the mail client's own button (RFC 8058, without a CSRF token), and an
unsubscribed address is never sent anything again until it subscribes — and confirms — again."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core import spam
from petal.programme.models import (
    DeliveryStatus,
    NewsletterDelivery,
    NewsletterStatus,
    Subscriber,
    SubscriberStatus,
)
from petal.programme.services import newsletters as services
from petal.programme.tests.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("newsletters:subscribe")
SENT = reverse("newsletters:subscribe-sent")
CONFIRM_LINK = re.compile(r"https?://\S+(/newsletters/confirm/\S+)")


@pytest.fixture(autouse=True)
def _fresh_spam_counts():
    from django.core.cache import cache

    cache.clear()


def _human(**overrides) -> dict:
    data = {
        "email": "New.Reader@Example.org",
        "website": "",
        "started": spam.stamp(time.time() - 10),
    }
    data.update(overrides)
    return data


def _subscribe(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(SUBSCRIBE, _human(**overrides))


def _confirm_path(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


def _publish_and_send(django_capture_on_commit_callbacks, make_user):
    newsletter = NewsletterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_publish(
            actor=make_user(Role.PROGRAMME_TEAM), newsletter_id=newsletter.pk, confirmed=True
        )
    return newsletter


# --- subscribing ---------------------------------------------------------------------------------


def test_a_new_address_waits_and_is_sent_a_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    response = _subscribe(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == SENT
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "new.reader@example.org"
    assert subscriber.status == SubscriberStatus.PENDING
    [message] = mail.outbox
    assert message.to == ["new.reader@example.org"]
    assert f"NS-{subscriber.pk:06d}" in message.subject
    assert _confirm_path(message).startswith("/newsletters/confirm/")
    [event] = AuditEvent.objects.filter(action="subscriber.subscribed")
    assert "new.reader@example.org" not in str(event.data)
    assert "Check your email" in client.get(SENT).content.decode()


def test_double_opt_in_get_shows_a_button_and_only_post_confirms(
    client, django_capture_on_commit_callbacks
):
    _subscribe(client, django_capture_on_commit_callbacks)
    path = _confirm_path(mail.outbox[0])

    page = client.get(path)  # what a mail scanner's prefetch does
    subscriber = Subscriber.objects.get()
    assert page.status_code == 200
    assert "Confirm your subscription" in page.content.decode()
    assert subscriber.status == SubscriberStatus.PENDING

    done = client.post(path)

    subscriber.refresh_from_db()
    assert done.status_code == 200 and "You are subscribed" in done.content.decode()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.confirmed_at
    assert AuditEvent.objects.filter(action="subscriber.confirmed").count() == 1
    # Following it again changes nothing.
    client.post(path)
    assert AuditEvent.objects.filter(action="subscriber.confirmed").count() == 1


def test_the_form_answers_every_address_alike(client, django_capture_on_commit_callbacks):
    SubscriberFactory(email="confirmed@example.org")
    SubscriberFactory(email="waiting@example.org", status="pending", confirmed_at=None)
    SubscriberFactory(email="gone@example.org", status="unsubscribed")

    answers = {
        email: _subscribe(client, django_capture_on_commit_callbacks, email=email)
        for email in (
            "confirmed@example.org",
            "waiting@example.org",
            "gone@example.org",
            "new@example.org",
        )
    }

    assert {(r.status_code, r["Location"]) for r in answers.values()} == {(302, SENT)}


def test_an_already_confirmed_address_gets_a_notice_not_another_link(
    client, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="reader@example.org")

    _subscribe(client, django_capture_on_commit_callbacks, email="reader@example.org")

    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "already" in message.subject.lower()
    assert "/newsletters/confirm/" not in message.body
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_asking_again_at_once_sends_no_second_email(client, django_capture_on_commit_callbacks):
    _subscribe(client, django_capture_on_commit_callbacks)
    second = _subscribe(client, django_capture_on_commit_callbacks)

    assert second["Location"] == SENT
    assert len(mail.outbox) == 1


def test_a_filled_in_honeypot_is_answered_alike_and_nothing_kept(
    client, django_capture_on_commit_callbacks
):
    response = _subscribe(client, django_capture_on_commit_callbacks, website="http://spam.example")

    assert response.status_code == 302 and response["Location"] == SENT
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


STARTED = re.compile(r'name="started" value="([^"]+)"')


@pytest.mark.parametrize("started", ["", "forged:stamp", "now", "two days ago"])
def test_a_person_whose_form_looks_automated_is_asked_again_never_dropped(
    client, django_capture_on_commit_callbacks, started
):
    # A browser filling the address in at once ("now"), an old page ("two days ago"), a lost
    # or broken stamp: a real person can do any of these.
    stamps = {"now": spam.stamp(time.time()), "two days ago": spam.stamp(time.time() - 172800)}
    response = _subscribe(
        client, django_capture_on_commit_callbacks, started=stamps.get(started, started)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert spam.ASK_AGAIN_MESSAGE in html
    assert "<title>Error:" in html
    assert 'value="New.Reader@Example.org"' in html  # what they typed is kept
    assert not Subscriber.objects.exists() and mail.outbox == []
    fresh = STARTED.search(html).group(1)
    assert spam.spam_reason({"started": fresh}, now=time.time() + 10, count=False) == ""

    # Sending it again, a moment later, subscribes them.
    response = _subscribe(
        client, django_capture_on_commit_callbacks, started=spam.stamp(time.time() - 10)
    )
    assert response.status_code == 302 and response["Location"] == SENT
    assert Subscriber.objects.get().email == "new.reader@example.org"
    assert len(mail.outbox) == 1


def test_too_many_from_one_address_is_shown_the_form_again_with_the_address_kept(
    client, django_capture_on_commit_callbacks
):
    # Mistakes are not counted: a person correcting the form is never shut out.
    for _ in range(spam.PER_HOUR + 2):
        _subscribe(client, django_capture_on_commit_callbacks, email="not an address")
    for n in range(spam.PER_HOUR):
        response = _subscribe(
            client, django_capture_on_commit_callbacks, email=f"reader{n}@example.org"
        )
        assert response.status_code == 302

    response = _subscribe(client, django_capture_on_commit_callbacks, email="one@example.org")

    html = response.content.decode()
    assert response.status_code == 200
    assert spam.TOO_MANY_MESSAGE in html
    assert 'value="one@example.org"' in html
    assert not Subscriber.objects.filter(email="one@example.org").exists()
    assert Subscriber.objects.count() == spam.PER_HOUR


def test_a_mistyped_address_sent_too_fast_keeps_its_stamp(
    client, django_capture_on_commit_callbacks
):
    started = spam.stamp(time.time() - 1)
    response = _subscribe(
        client, django_capture_on_commit_callbacks, email="not an address", started=started
    )
    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert spam.ASK_AGAIN_MESSAGE not in html
    assert STARTED.search(html).group(1) == started


def test_a_mistyped_address_is_shown_with_what_was_typed(
    client, django_capture_on_commit_callbacks
):
    response = _subscribe(client, django_capture_on_commit_callbacks, email="not an address")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in html
    assert 'value="not an address"' in html
    assert "<title>Error:" in html
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("token", ["not-a-token", "1:1qaz:forged", "\u00b2"])
def test_a_bad_confirmation_link_is_a_clear_page(client, token):
    SubscriberFactory(status="pending", confirmed_at=None)
    for method in (client.get, client.post):
        response = method(reverse("newsletters:confirm", args=[token]))
        assert response.status_code == 200
        assert "This link is not valid" in response.content.decode()
    assert not Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).exists()


def test_an_expired_confirmation_link_says_so(client):
    subscriber = SubscriberFactory(status="pending", confirmed_at=None)
    # Signed eight days ago: links work for seven.
    old = signing.TimestampSigner(salt=services.CONFIRM_SALT)
    old.timestamp = lambda: signing.b62_encode(int(time.time()) - 8 * 24 * 3600)
    token = old.sign(str(subscriber.pk))

    response = client.post(reverse("newsletters:confirm", args=[token]))

    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


# --- unsubscribing -------------------------------------------------------------------------------


def test_unsubscribe_get_shows_one_button_and_post_unsubscribes_at_once(client):
    subscriber = SubscriberFactory()
    path = reverse("newsletters:unsubscribe", args=[subscriber.token])

    page = client.get(path)
    subscriber.refresh_from_db()
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert subscriber.status == SubscriberStatus.CONFIRMED

    done = client.post(path)

    subscriber.refresh_from_db()
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED and subscriber.unsubscribed_at
    [event] = AuditEvent.objects.filter(action="subscriber.unsubscribed")
    assert event.data == {"one_click": False}


def test_one_click_unsubscribe_works_without_a_csrf_token():
    subscriber = SubscriberFactory()
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no token: a mail program

    response = mail_client.post(
        reverse("newsletters:unsubscribe", args=[subscriber.token]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    [event] = AuditEvent.objects.filter(action="subscriber.unsubscribed")
    assert event.data == {"one_click": True}


def test_other_forms_still_need_a_csrf_token():
    response = Client(enforce_csrf_checks=True).post(SUBSCRIBE, _human())
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_unsubscribe_link_is_a_calm_404(client, method):
    SubscriberFactory()

    response = getattr(client, method)(reverse("newsletters:unsubscribe", args=["not-a-token"]))

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert not Subscriber.objects.filter(status=SubscriberStatus.UNSUBSCRIBED).exists()


def test_no_email_to_an_unconfirmed_or_unsubscribed_address(
    client, make_user, django_capture_on_commit_callbacks
):
    _subscribe(client, django_capture_on_commit_callbacks, email="pending@example.org")
    confirmed = SubscriberFactory(email="confirmed@example.org")
    leaving = SubscriberFactory(email="leaving@example.org")
    client.post(reverse("newsletters:unsubscribe", args=[leaving.token]))
    mail.outbox.clear()

    _publish_and_send(django_capture_on_commit_callbacks, make_user)

    assert [m.to for m in mail.outbox] == [[confirmed.email]]


def test_an_unsubscribed_address_is_sent_nothing_again_until_it_confirms_again(
    client, make_user, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="back@example.org")
    client.post(reverse("newsletters:unsubscribe", args=[subscriber.token]))

    _publish_and_send(django_capture_on_commit_callbacks, make_user)
    assert mail.outbox == []

    # Subscribing again is double opt-in again: pending, and a new link.
    _subscribe(client, django_capture_on_commit_callbacks, email="back@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    [confirmation] = mail.outbox
    mail.outbox.clear()
    _publish_and_send(django_capture_on_commit_callbacks, make_user)
    assert mail.outbox == []

    client.post(_confirm_path(confirmation))
    _publish_and_send(django_capture_on_commit_callbacks, make_user)
    assert [m.to for m in mail.outbox] == [["back@example.org"]]


def test_an_old_confirmation_link_does_not_resubscribe_an_unsubscribed_address(
    client, django_capture_on_commit_callbacks
):
    _subscribe(client, django_capture_on_commit_callbacks)
    path = _confirm_path(mail.outbox[0])
    subscriber = Subscriber.objects.get()
    client.post(path)
    client.post(reverse("newsletters:unsubscribe", args=[subscriber.token]))

    response = client.post(path)

    assert "unsubscribed since the link was sent" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_unsubscribing_mid_send_leaves_queued_deliveries_unsent(client):
    newsletter = NewsletterFactory(
        status=NewsletterStatus.PUBLISHED,
        published_at=timezone.now(),
        send_requested_at=timezone.now(),
    )
    subscriber = SubscriberFactory()
    services._queue_deliveries(newsletter.pk)

    client.post(reverse("newsletters:unsubscribe", args=[subscriber.token]))
    services.newsletter_deliver(newsletter_id=newsletter.pk)

    assert mail.outbox == []
    assert NewsletterDelivery.objects.get().status == DeliveryStatus.SKIPPED
