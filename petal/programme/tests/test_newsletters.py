"""Newsletters: the programme team writes and previews them (what was typed is kept on an
error), publishes one into the public archive and sends it, through the task worker, to exactly
the subscribers confirmed at that moment — never to a pending or unsubscribed address, and
never twice to anyone, however often sending is asked for. The team sees how many subscribers
there are, never who. Drafts are as if they did not exist to the public and the API."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import Forbidden
from petal.programme.models import (
    DeliveryStatus,
    Newsletter,
    NewsletterDelivery,
    NewsletterStatus,
    Subscriber,
    SubscriberStatus,
)
from petal.programme.services import newsletters as services
from petal.programme.tasks import send_newsletter
from petal.programme.tests.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

MANAGE = reverse("newsletters:manage")
NEW = reverse("newsletters:new")
ARCHIVE = reverse("newsletters:archive")


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def team_client(client, team):
    client.force_login(team)
    return client


def _form(**overrides) -> dict:
    data = {
        "title": "Issue 4 — March 2023",
        "summary": "What partners did this winter.",
        "issue_date_0": "2",
        "issue_date_1": "3",
        "issue_date_2": "2023",
        "body": "## Partners met\n\nThey agreed the **next steps**.",
    }
    data.update(overrides)
    return data


def _published(**kwargs) -> Newsletter:
    return NewsletterFactory(
        status=NewsletterStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


def _actions(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- writing -------------------------------------------------------------------------------------


def test_team_writes_a_draft_which_is_audited_and_not_public(team_client, team, client):
    response = team_client.post(NEW, _form())

    newsletter = Newsletter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:preview", args=[newsletter.pk])
    assert newsletter.status == NewsletterStatus.DRAFT
    assert newsletter.issue_date == dt.date(2023, 3, 2)
    assert newsletter.created_by == team
    [event] = _actions("newsletter.created")
    assert event.object_id == str(newsletter.pk)
    client.logout()
    assert client.get(reverse("newsletters:newsletter", args=[newsletter.pk])).status_code == 404
    assert "Issue 4" not in client.get(ARCHIVE).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("![A chart](https://elsewhere.example/chart.png)", "Another image address is not allowed"),
        ("![](/newsletters/images/abcdef.png)", "Give every image alt text"),
        ("![A chart](/newsletters/images/nosuchkey.png)", "not one of the uploaded images"),
        ("", "Enter the newsletter"),
    ],
)
def test_a_refused_newsletter_keeps_everything_typed(team_client, body, message):
    response = team_client.post(NEW, _form(body=body, title="Keep this title"))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "<title>Error:" in html
    assert 'value="Keep this title"' in html
    assert "What partners did this winter." in html
    if body:
        assert body.split("(")[1].rstrip(")") in html  # the body is still in the box
    assert Newsletter.objects.count() == 0


def test_editing_changes_the_draft_and_is_audited(team_client):
    newsletter = NewsletterFactory(title="Old title")

    response = team_client.post(
        reverse("newsletters:edit", args=[newsletter.pk]), _form(title="New title")
    )

    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.title == "New title"
    [event] = _actions("newsletter.changed")
    assert "title" in event.data["fields"]


def test_only_the_programme_team_may_write(make_user):
    worker = make_user(Role.TRUSTED_PERSON)
    with pytest.raises(Forbidden):
        services.newsletter_create(actor=worker, title="Mine", body="Text")
    newsletter = NewsletterFactory()
    with pytest.raises(Forbidden):
        services.newsletter_publish(actor=worker, newsletter_id=newsletter.pk, confirmed=True)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT


def test_preview_shows_the_web_page_and_the_email(team_client):
    newsletter = NewsletterFactory(
        title="Issue 9",
        summary="A short summary.",
        body="## Partners met\n\nSee [the partners](/partners).",
    )
    SubscriberFactory.create_batch(3)
    SubscriberFactory(status=SubscriberStatus.PENDING)

    html = team_client.get(reverse("newsletters:preview", args=[newsletter.pk])).content.decode()

    web = html.split('data-testid="web-preview"')[1].split('data-testid="email-preview"')[0]
    email = html.split('data-testid="email-preview"')[1].split('data-testid="email-text"')[0]
    text = html.split('data-testid="email-text"')[1]
    for part in (web, email):
        assert '<h2 class="govuk-heading-m">Partners met</h2>' in part
        assert "A short summary." in part
    assert "Unsubscribe" in email
    assert "## Partners met" in text  # plain text keeps the Markdown, readable as it is
    assert "/newsletters/unsubscribe/" in text
    # The confirmation question says how many it would go to: the confirmed ones.
    assert "send it to 3 confirmed subscribers?" in html


# --- publishing and sending ----------------------------------------------------------------------


def test_publishing_needs_the_confirmation(team_client):
    newsletter = NewsletterFactory()
    SubscriberFactory()

    response = team_client.post(reverse("newsletters:publish", args=[newsletter.pk]), {})

    assert response.status_code == 200
    assert "Confirm you want to publish" in response.content.decode()
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    assert mail.outbox == []


def _publish(client, newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("newsletters:publish", args=[newsletter.pk]), {"confirm": "on"})


def test_only_confirmed_subscribers_are_sent_it(
    team_client, client, django_capture_on_commit_callbacks
):
    newsletter = NewsletterFactory(title="Issue 5")
    confirmed = SubscriberFactory.create_batch(2)
    pending = SubscriberFactory(status=SubscriberStatus.PENDING, confirmed_at=None)
    gone = SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())

    response = _publish(team_client, newsletter, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == sorted(s.email for s in confirmed)
    assert pending.email not in sent_to and gone.email not in sent_to
    assert all(len(message.to) == 1 for message in mail.outbox)  # one each: no one sees another
    deliveries = NewsletterDelivery.objects.filter(newsletter=newsletter)
    assert {(d.subscriber_id, d.status) for d in deliveries} == {
        (s.pk, DeliveryStatus.SENT) for s in confirmed
    }
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.PUBLISHED and newsletter.sent_at
    assert len(_actions("newsletter.published")) == 1
    [sent] = _actions("newsletter.sent")
    assert sent.data == {"sent": 2, "skipped": 0, "failed": 0}
    # It is public now.
    client.logout()
    assert client.get(reverse("newsletters:newsletter", args=[newsletter.pk])).status_code == 200
    assert "Issue 5" in client.get(ARCHIVE).content.decode()


def test_sending_twice_sends_nobody_twice(team_client, django_capture_on_commit_callbacks):
    newsletter = NewsletterFactory()
    subscribers = SubscriberFactory.create_batch(3)

    _publish(team_client, newsletter, django_capture_on_commit_callbacks)
    _publish(team_client, newsletter, django_capture_on_commit_callbacks)
    # The task running again (a worker retrying it) sends nothing more either.
    result = send_newsletter.enqueue(newsletter_id=newsletter.pk)
    services.newsletter_deliver(newsletter_id=newsletter.pk)

    assert result.return_value == {"sent": 0, "skipped": 0, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    assert NewsletterDelivery.objects.filter(newsletter=newsletter).count() == 3
    assert len(_actions("newsletter.published")) == 1
    assert len(_actions("newsletter.sent")) == 1


def test_a_subscriber_unsubscribed_before_their_turn_is_skipped(team):
    newsletter = _published(send_requested_at=timezone.now())
    stays, leaves = SubscriberFactory.create_batch(2)
    services._queue_deliveries(newsletter.pk)
    # Unsubscribed after the deliveries were queued, before the email left.
    Subscriber.objects.filter(pk=leaves.pk).update(status=SubscriberStatus.UNSUBSCRIBED)

    counts = services.newsletter_deliver(newsletter_id=newsletter.pk)

    assert counts == {"sent": 1, "skipped": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [[stays.email]]
    assert NewsletterDelivery.objects.get(subscriber=leaves).status == DeliveryStatus.SKIPPED


class RefusingBackend(LocmemBackend):
    """Refuses any address starting "bounce" as a mail server would."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.startswith("bounce") for address in message.to):
                raise SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


def test_a_failure_is_recorded_and_the_others_are_still_sent(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    newsletter = _published(send_requested_at=timezone.now())
    first = SubscriberFactory(email="first@example.org")
    bounce = SubscriberFactory(email="bounce@example.org")
    last = SubscriberFactory(email="last@example.org")

    counts = services.newsletter_deliver(newsletter_id=newsletter.pk)

    assert counts == {"sent": 2, "skipped": 0, "failed": 1}
    assert sorted(m.to[0] for m in mail.outbox) == [first.email, last.email]
    failed = NewsletterDelivery.objects.get(subscriber=bounce)
    assert failed.status == DeliveryStatus.FAILED
    assert failed.error == "SMTPRecipientsRefused"  # the class only: never the address
    # A failure is not retried by running again: never two copies.
    assert services.newsletter_deliver(newsletter_id=newsletter.pk)["sent"] == 0


def test_a_draft_is_never_sent(team):
    newsletter = NewsletterFactory(send_requested_at=timezone.now())
    SubscriberFactory()

    assert services.newsletter_deliver(newsletter_id=newsletter.pk)["sent"] == 0
    assert mail.outbox == []
    assert not NewsletterDelivery.objects.exists()


# --- the lists -----------------------------------------------------------------------------------


def test_team_list_shows_counts_never_addresses(team_client):
    sent = _published(title="Sent one", send_requested_at=timezone.now())
    NewsletterFactory(title="Draft one")
    confirmed = SubscriberFactory.create_batch(2)
    SubscriberFactory(status=SubscriberStatus.PENDING, email="waiting@example.org")
    SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, email="gone@example.org")
    services.newsletter_deliver(newsletter_id=sent.pk)

    html = team_client.get(MANAGE).content.decode()

    assert "Sent one" in html and "Draft one" in html
    counts = html.split('data-testid="subscriber-counts"')[1].split("</dl>")[0]
    assert [s.split("<")[0] for s in counts.split('value">')[1:]] == ["2", "1", "1"]
    for address in [s.email for s in confirmed] + ["waiting@example.org", "gone@example.org"]:
        assert address not in html
    assert 'govuk-table__cell--numeric">2</td>' in html


@pytest.mark.parametrize("url", [MANAGE, ARCHIVE])
def test_lists_do_not_query_per_row(team_client, url):
    def fill(n):
        for _ in range(n):
            newsletter = _published(send_requested_at=timezone.now())
            NewsletterDelivery.objects.create(
                newsletter=newsletter, subscriber=SubscriberFactory(), status="sent"
            )
            NewsletterFactory()

    fill(2)
    team_client.get(url)  # warm up
    with CaptureQueriesContext(connection) as few:
        assert team_client.get(url).status_code == 200
    fill(6)
    with CaptureQueriesContext(connection) as many:
        assert team_client.get(url).status_code == 200
    assert len(many) == len(few)


def test_archive_lists_published_only_newest_first(client):
    _published(title="Older", issue_date=dt.date(2022, 7, 7))
    _published(title="Newer", issue_date=dt.date(2022, 10, 6))
    NewsletterFactory(title="Secret draft", issue_date=dt.date(2023, 1, 1))

    html = client.get(ARCHIVE).content.decode()

    assert "Secret draft" not in html
    assert html.index("Newer") < html.index("Older")
    assert "7 July 2022" in html


# --- the API -------------------------------------------------------------------------------------


def _bearer(user) -> dict:
    from petal.accounts.services import token_create

    _, raw = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_lists_published_newsletters_only(client, make_user, settings):
    published = _published(title="Out", issue_date=dt.date(2022, 7, 7))
    NewsletterFactory(title="Draft")
    SubscriberFactory(email="someone@example.org")

    response = client.get("/api/v1/newsletters", **_bearer(make_user(Role.SERVICE_STAFF)))

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": published.pk,
            "title": "Out",
            "summary": published.summary,
            "issue_date": "2022-07-07",
            "published_at": response.json()[0]["published_at"],
            "url": f"{settings.PETAL_BASE_URL}/newsletters/{published.pk}",
        }
    ]
    assert "someone@example.org" not in response.content.decode()


def test_api_list_does_not_query_per_row(client, make_user):
    headers = _bearer(make_user(Role.PROGRAMME_TEAM))
    _published()
    client.get("/api/v1/newsletters", **headers)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/newsletters", **headers)
    for _ in range(5):
        _published()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/newsletters", **headers).json()) == 6
    assert len(many) == len(few)


# --- demo ----------------------------------------------------------------------------------------


def test_demo_loads_once_with_the_first_issue_restating_the_seed():
    from petal.programme.demo import newsletters as demo

    demo.load()
    demo.load()

    assert Newsletter.objects.filter(status="published").count() == 2
    assert Newsletter.objects.filter(status="draft").count() == 1
    first = Newsletter.objects.get(title="Issue 1 — July 2022")
    assert first.issue_date == dt.date(2022, 7, 7)
    assert "Demo newsletter" in first.body and "£377K" in first.body
    assert {s.status for s in Subscriber.objects.all()} == set(SubscriberStatus.values)
    assert all(s.email.endswith("@example.org") for s in Subscriber.objects.all())
    assert mail.outbox == []
