"""The newsletter email, end to end over real SMTP (a local fake server): plain text with an
HTML alternative from DEFAULT_FROM_EMAIL, the one-click unsubscribe headers of RFC 2369 and
RFC 8058, the unsubscribe link in both parts, images served from Petal at absolute addresses;
and a mail client's one-click POST to that header's address unsubscribes."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from petal.access.roles import Role
from petal.core.testing_servers import FakeSMTPServer
from petal.programme import mailing
from petal.programme.models import NewsletterImage, SubscriberStatus
from petal.programme.services import newsletters as services
from petal.programme.tests.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_smtp():
    with FakeSMTPServer() as server:
        yield server


@pytest.fixture
def smtp(settings, fake_smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = fake_smtp.host
    settings.EMAIL_PORT = fake_smtp.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.PETAL_BASE_URL = "https://petal.example.org"
    settings.DEFAULT_FROM_EMAIL = "Changing Futures <newsletter@petal.example.org>"
    return fake_smtp


def _parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_a_newsletter_arrives_with_both_parts_and_one_click_unsubscribe(smtp):
    image = NewsletterImage.objects.create(
        alt="A map of the area", content_type="image/png", data=b"x", width=1, height=1
    )
    newsletter = NewsletterFactory(
        title="Issue 7 — May 2023",
        body=f"## The map\n\n![A map of the area](/newsletters/images/{image.key}.png)\n\n"
        "See [our partners](/partners).",
    )
    subscriber = SubscriberFactory(email="reader@example.org")

    mailing.send(mailing.prepare(newsletter), subscriber)

    [message] = smtp.received
    unsubscribe = f"https://petal.example.org/newsletters/unsubscribe/{subscriber.token}"
    assert message["X-RcptTo"] == "reader@example.org"
    assert message["To"] == "reader@example.org"
    assert message["From"] == "Changing Futures <newsletter@petal.example.org>"
    assert message["Subject"] == "Issue 7 — May 2023"
    # A long header is folded onto a second line; unfolded, it is the link in angle brackets.
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text, html = _parts(message)
    assert unsubscribe in text and unsubscribe in html
    assert "## The map" in text
    assert "https://petal.example.org/partners" in text
    assert '<h2 class="govuk-heading-m">The map</h2>' in html
    assert (
        f'<img alt="A map of the area" src="https://petal.example.org/newsletters/images/'
        f'{image.key}.png">' in html
    )
    assert 'href="https://petal.example.org/partners"' in html


def test_publishing_sends_over_smtp_to_the_confirmed_only(
    smtp, make_user, django_capture_on_commit_callbacks
):
    newsletter = NewsletterFactory()
    confirmed = SubscriberFactory.create_batch(2)
    SubscriberFactory(status=SubscriberStatus.PENDING, confirmed_at=None)
    SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_publish(
            actor=make_user(Role.PROGRAMME_TEAM), newsletter_id=newsletter.pk, confirmed=True
        )

    assert sorted(m["X-RcptTo"] for m in smtp.received) == sorted(s.email for s in confirmed)
    for message, subscriber in zip(
        sorted(smtp.received, key=lambda m: m["X-RcptTo"]),
        sorted(confirmed, key=lambda s: s.email),
        strict=True,
    ):
        # Each one's own link: no one can unsubscribe someone else.
        assert subscriber.token in message["List-Unsubscribe"]


def test_the_mail_clients_one_click_post_to_the_header_address_unsubscribes(smtp):
    subscriber = SubscriberFactory()
    mailing.send(mailing.prepare(NewsletterFactory()), subscriber)
    [message] = smtp.received
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"].strip()).group(1)
    path = url.removeprefix("https://petal.example.org")

    response = Client(enforce_csrf_checks=True).post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_an_smtp_failure_is_recorded_on_the_delivery(smtp):
    from petal.programme.models import NewsletterDelivery, NewsletterStatus

    newsletter = NewsletterFactory(
        status=NewsletterStatus.PUBLISHED,
        published_at=timezone.now(),
        send_requested_at=timezone.now(),
    )
    SubscriberFactory()
    smtp.stop()  # nothing listens any more

    counts = services.newsletter_deliver(newsletter_id=newsletter.pk)

    assert counts == {"sent": 0, "skipped": 0, "failed": 1}
    delivery = NewsletterDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.error == "ConnectionRefusedError"
