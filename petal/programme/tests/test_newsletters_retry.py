"""Sending a newsletter again to the subscribers it could not be sent to, over real SMTP (a
local fake server): while the mail server cannot be reached every delivery fails; once it is
back, "Send again" sends each failed one exactly once, never to anyone it already reached, never
to a delivery interrupted mid-send (it may have arrived), never to someone who unsubscribed
since, and never to someone who subscribed after it was sent."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.testing_servers import FakeSMTPServer
from petal.programme.models import DeliveryStatus, NewsletterDelivery, SubscriberStatus
from petal.programme.services import newsletters as services
from petal.programme.tests.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def team_client(client, team):
    client.force_login(team)
    return client


def _closed_port() -> int:
    """A port on this machine where nothing listens: a mail server that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    with FakeSMTPServer() as server:
        yield server


def _recipients(server) -> list[str]:
    return sorted(message["X-RcptTo"] for message in server.received)


def _delivery(newsletter, subscriber) -> NewsletterDelivery:
    return NewsletterDelivery.objects.get(newsletter=newsletter, subscriber=subscriber)


def test_failed_deliveries_are_sent_again_exactly_once_when_the_server_is_back(
    team_client, team, client, settings, smtp, django_capture_on_commit_callbacks
):
    newsletter = NewsletterFactory(title="Issue 9")
    reached = SubscriberFactory(email="reached@example.org")
    first = SubscriberFactory(email="first@example.org")
    second = SubscriberFactory(email="second@example.org")
    leaver = SubscriberFactory(email="leaver@example.org")
    interrupted = SubscriberFactory(email="interrupted@example.org")

    # The mail server is down: every email fails.
    with django_capture_on_commit_callbacks(execute=True):
        team_client.post(reverse("newsletters:publish", args=[newsletter.pk]), {"confirm": "on"})
    failed = NewsletterDelivery.objects.filter(newsletter=newsletter)
    assert {d.status for d in failed} == {DeliveryStatus.FAILED}
    assert {d.error for d in failed} == {"ConnectionRefusedError"}
    assert smtp.received == []
    # One had gone before the server went down; one worker stopped mid-send (it may have
    # arrived); one subscriber unsubscribes meanwhile; one subscribes after it was sent.
    NewsletterDelivery.objects.filter(subscriber=reached).update(
        status=DeliveryStatus.SENT, error="", sent_at=timezone.now()
    )
    NewsletterDelivery.objects.filter(subscriber=interrupted).update(error=services.INTERRUPTED)
    services.subscriber_unsubscribe(token=leaver.token)
    newcomer = SubscriberFactory(email="newcomer@example.org")

    page = team_client.get(reverse("newsletters:preview", args=[newsletter.pk])).content.decode()
    assert "Send again to the 3 it could not be sent to" in page  # first, second, leaver
    assert "1 email was interrupted while being sent" in page
    assert "may have arrived" in page

    # The server is back.
    settings.EMAIL_PORT = smtp.port
    with django_capture_on_commit_callbacks(execute=True):
        response = team_client.post(reverse("newsletters:retry", args=[newsletter.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:preview", args=[newsletter.pk])
    assert _recipients(smtp) == [first.email, second.email]
    assert _delivery(newsletter, first).status == DeliveryStatus.SENT
    assert _delivery(newsletter, second).status == DeliveryStatus.SENT
    assert _delivery(newsletter, leaver).status == DeliveryStatus.SKIPPED
    still = _delivery(newsletter, interrupted)
    assert (still.status, still.error) == (DeliveryStatus.FAILED, services.INTERRUPTED)
    assert not NewsletterDelivery.objects.filter(subscriber=newcomer).exists()
    retried = AuditEvent.objects.filter(action="newsletter.sent", data__retry=True)
    assert [(e.actor_id, e.data) for e in retried] == [(team.pk, {"retry": True, "count": 3})]

    # Asking again sends nothing more, and says why.
    page = team_client.get(reverse("newsletters:preview", args=[newsletter.pk])).content.decode()
    assert "Send again to the" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = team_client.post(reverse("newsletters:retry", args=[newsletter.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert services.NOTHING_TO_RETRY in html
    assert _recipients(smtp) == [first.email, second.email]
    assert retried.count() == 1
    leaver.refresh_from_db()
    assert leaver.status == SubscriberStatus.UNSUBSCRIBED


def test_still_failing_deliveries_can_be_sent_again_later(team, settings, smtp):
    newsletter = NewsletterFactory(status="published", published_at=timezone.now())
    newsletter.send_requested_at = timezone.now()
    newsletter.save()
    subscriber = SubscriberFactory()
    services.newsletter_deliver(newsletter_id=newsletter.pk)

    # Still down when sent again: it fails again, and can be sent again once more.
    assert services.newsletter_retry(actor=team, newsletter_id=newsletter.pk) == 1
    counts = services.newsletter_deliver(
        newsletter_id=newsletter.pk,
        delivery_ids=[_delivery(newsletter, subscriber).pk],
    )
    assert counts == {"sent": 0, "skipped": 0, "failed": 1}
    settings.EMAIL_PORT = smtp.port
    assert services.newsletter_retry(actor=team, newsletter_id=newsletter.pk) == 1
    counts = services.newsletter_deliver(
        newsletter_id=newsletter.pk,
        delivery_ids=[_delivery(newsletter, subscriber).pk],
    )
    assert counts == {"sent": 1, "skipped": 0, "failed": 0}
    assert _recipients(smtp) == [subscriber.email]


def test_a_draft_cannot_be_sent_again_and_an_unknown_one_is_404(team_client):
    draft = NewsletterFactory()
    response = team_client.post(reverse("newsletters:retry", args=[draft.pk]))
    assert response.status_code == 200
    assert "Only a newsletter that has been sent can be sent again" in response.content.decode()
    assert not AuditEvent.objects.filter(action="newsletter.sent").exists()
    assert team_client.post(reverse("newsletters:retry", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", [Role.GOVERNANCE_MEMBER, None])
def test_only_the_programme_team_sends_again(client, make_user, role):
    newsletter = NewsletterFactory(status="published", published_at=timezone.now())
    if role is not None:
        client.force_login(make_user(role))
    response = client.post(reverse("newsletters:retry", args=[newsletter.pk]))
    assert response.status_code == (403 if role else 302)
    assert not AuditEvent.objects.filter(action="newsletter.sent").exists()
