"""The public contact form: a message is kept, acknowledged by email to the sender, and the
programme team is told one is waiting; the programme team triages it (status, who deals with
it, notes).

Both emails are fixed sentences with the message's reference and a link, never what the
message says (``petal.core.notify``): the acknowledgement links to the contact page, the
notice to the team links to the inbox, where signing in decides who reads it. They are queued
once the message is kept (``transaction.on_commit``), so a message that fails to save sends
nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from petal.access.policy import can
from petal.access.roles import Role
from petal.accounts.selectors import users_with_role
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.core.notify import deliverable, notify
from petal.programme.models import ContactMessage, ContactStatus, ContactTopic

MAX_NAME = 200
MAX_EMAIL = 254
MAX_MESSAGE = 5000
MAX_NOTE = 2000

ACK_SUBJECT = "We have your message"
ACK_MESSAGE = (
    "Thank you for contacting Changing Futures Cambridgeshire & Peterborough. We have your "
    "message and will reply soon."
)
TEAM_SUBJECT = "A new message has come through the contact form"
TEAM_MESSAGE = "A new message is waiting in the contact inbox."
ACK_LINK = "/contact"
TEAM_LINK = "/programme/contact/"


def _email(value: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = clean_text(
        value, field="email", label="your email address", required=True, limit=MAX_EMAIL
    )
    try:
        validate_email(email)
    except ValidationError:
        fail("email", "Enter an email address in the correct format, like name@example.com")
    return email


@transaction.atomic
def contact_receive(*, name: str, email: str, topic: str, message: str) -> ContactMessage:
    """Keep a message sent through the public contact form, acknowledge it to the sender and
    tell the programme team one is waiting (both once it is kept). The sender is a visitor:
    the audit event has no actor and only the topic."""
    name = clean_text(name, field="name", label="your name", required=True, limit=MAX_NAME)
    email = _email(email)
    if topic not in ContactTopic.values:
        fail("topic", "Choose what your message is about")
    message = clean_text(
        message, field="message", label="your message", required=True, limit=MAX_MESSAGE
    )
    received = ContactMessage.objects.create(
        name=name, email=email, topic=topic, message=message, acknowledged_at=timezone.now()
    )
    audit_record(actor=None, action="contact.received", obj=received, data={"topic": topic})
    reference = received.reference
    team = deliverable(users_with_role(Role.PROGRAMME_TEAM).values_list("email", flat=True))

    def tell():
        notify(
            to=[email], subject=ACK_SUBJECT, message=ACK_MESSAGE, reference=reference, link=ACK_LINK
        )
        if team:
            notify(
                to=team,
                subject=TEAM_SUBJECT,
                message=TEAM_MESSAGE,
                reference=reference,
                link=TEAM_LINK,
            )

    transaction.on_commit(tell)
    return received


def _assignee(user_id):
    if user_id in (None, ""):
        return None
    user = users_with_role(Role.PROGRAMME_TEAM).filter(pk=_int(user_id)).first()
    if user is None:
        fail("assigned_to", "Choose someone in the programme team")
    return user


def _int(value) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError):
        return 0
    return found if 0 < found < 2**31 else 0


@transaction.atomic
def contact_triage(
    *, actor, message_id, status: str, assigned_to_id=None, note: str = ""
) -> ContactMessage:
    """The programme team changes a message's status (new, being dealt with, closed), assigns
    it to someone in the programme team (or no one) and adds a triage note, kept dated and
    signed under the earlier ones."""
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team triages contact messages")
    received = (
        ContactMessage.objects.select_for_update().filter(pk=_int(message_id) or None).first()
    )
    if received is None:
        raise NotFound("No such message")
    if status not in ContactStatus.values:
        fail("status", "Choose the status from the list")
    assignee = _assignee(assigned_to_id)
    note = clean_text(note, field="note", label="the note", limit=MAX_NOTE)
    before = {"status": received.status, "assigned_to": received.assigned_to_id}
    now = timezone.now()
    received.status = status
    received.assigned_to = assignee
    if status == ContactStatus.CLOSED:
        received.closed_at = received.closed_at or now
    else:
        received.closed_at = None
    if note:
        signed = (
            f"{date_format(timezone.localtime(now), 'j F Y H:i')}, {actor.display_name}: {note}"
        )
        received.triage_note = (
            f"{received.triage_note}\n\n{signed}" if received.triage_note else signed
        )
    received.save()
    audit_record(
        actor=actor,
        action="contact.triaged",
        obj=received,
        data={
            "status": [before["status"], status],
            "assigned_to": [before["assigned_to"], assignee.pk if assignee else None],
            "note_added": bool(note),
        },
    )
    return received
