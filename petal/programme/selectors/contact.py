"""Reads of messages sent through the public contact form: the programme team's inbox and one
message. A message holds its sender's name, email address and whatever they wrote, so only
the programme team reads them and every read is audited (the list as ``contact.listed``, one
message as ``contact.read``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count

from petal.access.policy import can
from petal.access.roles import Role
from petal.accounts.selectors import users_with_role
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound
from petal.programme.models import ContactMessage, ContactStatus

PAGE_SIZE = 25


def _check(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team reads contact messages")


def base_queryset():
    return ContactMessage.objects.select_related("assigned_to")


@dataclass
class Inbox:
    page: Page
    status: str
    counts: dict[str, int]


def contact_inbox(actor, *, status: str = "", page=1) -> Inbox:
    """One page of messages, newest first, optionally of one status, with how many there are
    of each status. Audited with the page's message ids."""
    _check(actor)
    status = status if status in ContactStatus.values else ""
    messages = base_queryset().order_by("-received_at", "-id")
    if status:
        messages = messages.filter(status=status)
    found = Paginator(messages, PAGE_SIZE).get_page(page)
    found.object_list = list(found.object_list)
    counts = dict.fromkeys(ContactStatus.values, 0)
    for row in ContactMessage.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    audit_record(
        actor=actor,
        action="contact.listed",
        object_type="programme.contactmessage",
        data={"status": status, "page": found.number, "ids": [m.pk for m in found.object_list]},
    )
    return Inbox(page=found, status=status, counts=counts)


def contact_message_get(actor, message_id) -> ContactMessage:
    """One message, for the programme team; the read is audited. Missing: NotFound."""
    _check(actor)
    try:
        message_id = int(str(message_id))
    except (TypeError, ValueError):
        raise NotFound("No such message") from None
    received = base_queryset().filter(pk=message_id).first() if 0 < message_id < 2**31 else None
    if received is None:
        raise NotFound("No such message")
    audit_record(actor=actor, action="contact.read", obj=received)
    return received


def programme_team() -> list[tuple[int, str]]:
    """(id, name) of everyone in the programme team, to assign a message to."""
    return [(u.pk, u.display_name) for u in users_with_role(Role.PROGRAMME_TEAM)]
