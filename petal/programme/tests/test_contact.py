"""The public contact form: a message is kept, acknowledged to its sender and the programme team
told one is waiting (fixed text, the reference and a link, never what was written). A bot that
fills the hidden field is answered the same way with nothing kept or sent; a person whose form
only looks automated (too fast, stale, no valid stamp, too many from one address) is shown it
again with everything typed kept. The programme team alone reads and triages messages, and
every read is audited."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, UserFactory
from petal.audit.models import AuditEvent
from petal.core import spam
from petal.core.errors import Forbidden, ValidationFailed
from petal.programme.models import ContactMessage
from petal.programme.selectors.contact import contact_inbox, contact_message_get
from petal.programme.services.contact import (
    ACK_MESSAGE,
    TEAM_MESSAGE,
    contact_receive,
    contact_triage,
)
from petal.programme.tests.factories import ContactMessageFactory

pytestmark = pytest.mark.django_db

SECRET = "My brother has been sleeping in his car since March"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team():
    user = UserFactory(email="team@example.org", full_name="Priya Team")
    MembershipFactory(user=user, role=Role.PROGRAMME_TEAM)
    return user


def good(**overrides):
    return {
        "name": "Alex Visitor",
        "email": "alex@example.org",
        "topic": "question",
        "message": SECRET,
        "website": "",
        "started": spam.stamp(time.time() - 10),
        **overrides,
    }


# --- the public page --------------------------------------------------------------------------


def test_contact_page_keeps_the_team_email_and_seed_text(client):
    content = client.get("/contact").content.decode()
    assert 'href="mailto:changing.futures@cambridgeshire.gov.uk"' in content
    for words in (
        "have a question",
        "have feedback",
        "get involved",
        "the Trusted Person approach",
    ):
        assert words in content
    assert 'name="website"' in content
    assert 'name="started"' in content


def test_topic_is_preselected_from_the_address(client):
    content = client.get("/contact?topic=lived_experience").content.decode()
    assert 'value="lived_experience" checked' in content
    content = client.get("/contact?topic=nonsense").content.decode()
    assert " checked" not in content


def test_message_is_kept_acknowledged_and_the_team_told(
    client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact", good())
    assert response.status_code == 302
    assert response.url == "/contact/sent"
    received = ContactMessage.objects.get()
    assert (received.name, received.email, received.topic, received.status) == (
        "Alex Visitor",
        "alex@example.org",
        "question",
        "new",
    )
    assert received.acknowledged_at is not None
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"alex@example.org", "team@example.org"}
    ack = by_address["alex@example.org"]
    assert ACK_MESSAGE in ack.body
    assert received.reference in ack.subject
    assert "/contact" in ack.body
    notice = by_address["team@example.org"]
    assert TEAM_MESSAGE in notice.body
    assert "/programme/contact/" in notice.body
    for email in mail.outbox:
        assert SECRET not in email.body
        assert "Alex Visitor" not in email.body
    event = AuditEvent.objects.get(action="contact.received")
    assert event.actor_id is None
    assert event.object_id == str(received.pk)
    assert event.data == {"topic": "question"}
    assert client.get(response.url).status_code == 200


def test_nothing_is_sent_before_the_message_is_kept(client, team):
    # Without running on-commit callbacks, nothing has gone out.
    client.post("/contact", good())
    assert ContactMessage.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter your name"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"topic": ""}, "Choose what your message is about"),
        ({"topic": "bribery"}, "Choose what your message is about"),
        ({"message": "   "}, "Enter your message"),
        ({"message": "x" * 5001}, "Your message must be 5,000 characters or fewer"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(
    client, overrides, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact", good(**overrides))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "<title>Error: " in content
    if "name" not in overrides:
        assert 'value="Alex Visitor"' in content
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_kept_or_sent(
    client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact", good(website="http://cheap-pills.example"))
    assert response.status_code == 302
    assert response.url == "/contact/sent"
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="contact.received").exists()


def _stamp_in(content: str) -> str:
    found = re.search(r'name="started" value="([^"]*)"', content) or re.search(
        r'value="([^"]*)" name="started"', content
    )
    assert found, "the form has a time stamp"
    return found.group(1)


def _shown_again_with_everything_kept(response, message: str) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "govuk-error-summary" in content
    assert message in content
    assert 'value="Alex Visitor"' in content
    assert 'value="alex@example.org"' in content
    assert 'value="question" checked' in content
    assert SECRET in content
    return content


@pytest.mark.parametrize(
    "started",
    [
        pytest.param("NOW", id="too fast"),
        pytest.param("STALE", id="stale: typed overnight"),
        pytest.param("12345:forged", id="forged stamp"),
        pytest.param("", id="no stamp"),
    ],
)
def test_a_doubtful_stamp_asks_the_person_to_send_again_keeping_what_they_typed(
    client, team, started, django_capture_on_commit_callbacks, monkeypatch
):
    if started == "NOW":
        started = spam.stamp(time.time() - 1)  # sent back a second after it was shown
    elif started == "STALE":
        started = spam.stamp(time.time() - spam.MAX_SECONDS - 3600)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact", good(started=started))
    content = _shown_again_with_everything_kept(response, spam.ASK_AGAIN_MESSAGE)
    assert 'href="#id_name"' in content
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []
    # A fresh stamp: once it is a few seconds old, sending the same form again works.
    fresh = _stamp_in(content)
    assert fresh != started
    shown = int(signing.Signer(salt=spam.SALT).unsign(fresh))
    assert abs(shown - time.time()) < 5
    later = shown + spam.MIN_SECONDS + 1
    monkeypatch.setattr(spam, "time", SimpleNamespace(time=lambda: later))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/contact", good(started=fresh))
    assert again.url == "/contact/sent"
    assert ContactMessage.objects.get().message == SECRET


def test_a_message_typed_overnight_is_not_lost(client):
    # The stamp is from yesterday evening; the message is sent the next morning.
    overnight = spam.stamp(time.time() - 14 * 3600 - spam.MAX_SECONDS)
    response = client.post("/contact", good(started=overnight))
    content = _shown_again_with_everything_kept(response, spam.ASK_AGAIN_MESSAGE)
    assert _stamp_in(content) != overnight


def test_one_address_sending_too_many_is_told_and_keeps_what_it_typed(client):
    for n in range(spam.PER_HOUR):
        response = client.post("/contact", good(message=f"Message {n}"), REMOTE_ADDR="203.0.113.9")
        assert response.url == "/contact/sent"
    response = client.post("/contact", good(), REMOTE_ADDR="203.0.113.9")
    _shown_again_with_everything_kept(response, spam.TOO_MANY_MESSAGE)
    assert ContactMessage.objects.count() == spam.PER_HOUR
    # Another address is not held back.
    response = client.post("/contact", good(), REMOTE_ADDR="203.0.113.10")
    assert response.url == "/contact/sent"
    assert ContactMessage.objects.count() == spam.PER_HOUR + 1


def test_only_valid_messages_count_towards_the_limit(client):
    address = {"REMOTE_ADDR": "203.0.113.11"}
    for _ in range(spam.PER_HOUR * 2):
        # Mistakes, doubtful stamps and the honeypot are not counted.
        assert client.post("/contact", good(name=""), **address).status_code == 200
        assert client.post("/contact", good(started=""), **address).status_code == 200
        assert client.post("/contact", good(website="x"), **address).status_code == 302
    assert not ContactMessage.objects.exists()
    for n in range(spam.PER_HOUR):
        response = client.post("/contact", good(message=f"Message {n}"), **address)
        assert response.url == "/contact/sent"
    assert ContactMessage.objects.count() == spam.PER_HOUR


def test_behind_a_trusted_proxy_the_limit_counts_each_visitor(client, settings):
    settings.PETAL_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(spam.PER_HOUR):
        response = client.post(
            "/contact", good(), HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 203.0.113.20", **proxy
        )
        assert response.url == "/contact/sent"
    # The same visitor (whatever it puts on the left of the header) is over the limit...
    response = client.post(
        "/contact", good(), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.20", **proxy
    )
    _shown_again_with_everything_kept(response, spam.TOO_MANY_MESSAGE)
    # ...but another visitor behind the same proxy is not.
    response = client.post("/contact", good(), HTTP_X_FORWARDED_FOR="203.0.113.21", **proxy)
    assert response.url == "/contact/sent"
    assert ContactMessage.objects.count() == spam.PER_HOUR + 1


def test_the_message_hint_does_not_turn_away_lived_experience(client):
    content = client.get("/contact?topic=lived_experience").content.decode()
    assert "Share only what you are comfortable with" in content
    assert "You do not need to give details of your health or situation" in content
    assert "the programme team will reply to talk about taking part" in content
    assert "Please do not include details about your health" not in content


def test_service_refuses_bad_input():
    with pytest.raises(ValidationFailed):
        contact_receive(name="A", email="nope", topic="question", message="Hi")
    with pytest.raises(ValidationFailed):
        contact_receive(name="A", email="a@example.org", topic="nope", message="Hi")


# --- get involved -----------------------------------------------------------------------------


def test_get_involved_offers_three_routes(client):
    content = client.get("/get-involved").content.decode()
    assert f'href="{reverse("champions:pledge")}"' in content
    assert 'href="/newsletters/subscribe"' in content
    assert 'href="/contact?topic=lived_experience"' in content
    for words in (
        "design sessions",
        "Tactical Group",
        "Public Service Board meetings",
        "case study",
        "voucher",
        "payment",
        "expenses",
    ):
        assert words in content


# --- the inbox and triage ---------------------------------------------------------------------


def test_only_the_programme_team_reads_messages(client):
    received = ContactMessageFactory()
    for role in (Role.TRUSTED_PERSON, Role.ADMINISTRATOR, Role.DATA_PROTECTION_LEAD):
        user = UserFactory()
        MembershipFactory(user=user, role=role)
        client.force_login(user)
        assert client.get("/programme/contact/").status_code == 403
        assert client.get(f"/programme/contact/{received.pk}").status_code == 403
        with pytest.raises(Forbidden):
            contact_message_get(user, received.pk)
    assert not AuditEvent.objects.filter(action__in=["contact.read", "contact.listed"]).exists()


def test_inbox_filters_by_status_and_is_audited(client, team):
    new = ContactMessageFactory(name="Nia New")
    ContactMessageFactory(name="Cal Closed", status="closed")
    client.force_login(team)
    content = client.get("/programme/contact/?status=new").content.decode()
    assert "Nia New" in content
    assert "Cal Closed" not in content
    event = AuditEvent.objects.get(action="contact.listed")
    assert event.actor_id == team.pk
    assert event.data["ids"] == [new.pk]
    assert event.data["status"] == "new"
    content = client.get("/programme/contact/").content.decode()
    assert "Nia New" in content and "Cal Closed" in content


def test_inbox_does_not_query_per_message(client, team):
    assignee = UserFactory()
    MembershipFactory(user=assignee, role=Role.PROGRAMME_TEAM)
    ContactMessageFactory(assigned_to=assignee)
    client.force_login(team)
    client.get("/programme/contact/")
    with CaptureQueriesContext(connection) as few:
        client.get("/programme/contact/")
    for _ in range(8):
        ContactMessageFactory(assigned_to=assignee)
    with CaptureQueriesContext(connection) as more:
        client.get("/programme/contact/")
    assert len(more) <= len(few)


def test_reading_a_message_is_audited(client, team):
    received = ContactMessageFactory(message=SECRET)
    client.force_login(team)
    content = client.get(f"/programme/contact/{received.pk}").content.decode()
    assert SECRET in content
    assert received.email in content
    event = AuditEvent.objects.get(action="contact.read")
    assert (event.actor_id, event.object_id) == (team.pk, str(received.pk))
    assert client.get("/programme/contact/999999").status_code == 404


def test_triage_changes_status_assigns_and_adds_a_note(client, team):
    received = ContactMessageFactory()
    colleague = UserFactory(full_name="Sam Colleague")
    MembershipFactory(user=colleague, role=Role.PROGRAMME_TEAM)
    client.force_login(team)
    response = client.post(
        f"/programme/contact/{received.pk}",
        {"status": "in_progress", "assigned_to": colleague.pk, "note": "Sam to call back"},
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == "in_progress"
    assert received.assigned_to == colleague
    assert "Priya Team: Sam to call back" in received.triage_note
    event = AuditEvent.objects.get(action="contact.triaged")
    assert event.data == {
        "status": ["new", "in_progress"],
        "assigned_to": [None, colleague.pk],
        "note_added": True,
    }
    client.post(f"/programme/contact/{received.pk}", {"status": "closed", "note": "Answered"})
    received.refresh_from_db()
    assert received.status == "closed"
    assert received.closed_at is not None
    assert received.assigned_to is None
    assert received.triage_note.index("Sam to call back") < received.triage_note.index("Answered")


def test_triage_assigns_only_to_the_programme_team(client, team):
    received = ContactMessageFactory()
    outsider = UserFactory()
    MembershipFactory(user=outsider, role=Role.TRUSTED_PERSON)
    client.force_login(team)
    response = client.post(
        f"/programme/contact/{received.pk}",
        {"status": "in_progress", "assigned_to": outsider.pk, "note": "Keep this note"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Choose someone in the programme team" in content
    assert "Keep this note" in content
    received.refresh_from_db()
    assert received.status == "new"
    with pytest.raises(ValidationFailed):
        contact_triage(actor=team, message_id=received.pk, status="new", assigned_to_id=outsider.pk)
    with pytest.raises(ValidationFailed):
        contact_triage(actor=team, message_id=received.pk, status="lost")


def test_inbox_selector_refuses_others(make_user):
    with pytest.raises(Forbidden):
        contact_inbox(make_user(Role.TRUSTED_PERSON))


def test_a_bot_filling_the_honeypot_is_thanked_even_with_nothing_else_filled(client):
    response = client.post("/contact", {"website": "http://spam.example"})
    assert response.status_code == 302
    assert response.url == "/contact/sent"
    assert not ContactMessage.objects.exists()


def test_a_person_sending_an_empty_form_at_once_is_shown_what_to_fill_in(client):
    started = spam.stamp(time.time())
    response = client.post("/contact", {"website": "", "started": started})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter your name" in content
    # Only what to fill in: the stamp is kept, and old enough by the time they send it again.
    assert spam.ASK_AGAIN_MESSAGE not in content
    assert _stamp_in(content) == started
