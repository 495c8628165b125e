"""Demo contact messages (fictional senders at example.org; safe to run twice): one new, one
being dealt with by the programme team, one closed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from petal.accounts.models import User
from petal.programme.models import ContactMessage, ContactStatus

MESSAGES = [
    (
        "rowan.ellery@example.org",
        "Rowan Ellery",
        "question",
        "Does the Trusted Person approach cover people living in the Fenland villages, or only "
        "in the towns?",
        ContactStatus.NEW,
        1,
        "",
    ),
    (
        "kit.marsh@example.org",
        "Kit Marsh",
        "lived_experience",
        "I spent two years moving between hostels and would like to help with the design "
        "sessions if there is space.",
        ContactStatus.IN_PROGRESS,
        6,
        "Invited to the next design session; sent the expenses form.",
    ),
    (
        "jo.penhallow@example.org",
        "Jo Penhallow",
        "feedback",
        "The newsletter link to the learning library did not open on my phone.",
        ContactStatus.CLOSED,
        20,
        "Link fixed in the newsletter archive and thanked them.",
    ),
]


@transaction.atomic
def load() -> str:
    team = User.objects.filter(email="programme@example.org").first()
    for email, name, topic, message, status, days_ago, note in MESSAGES:
        if ContactMessage.objects.filter(email=email).exists():
            continue
        received_at = timezone.now() - dt.timedelta(days=days_ago)
        ContactMessage.objects.create(
            name=name,
            email=email,
            topic=topic,
            message=message,
            status=status,
            received_at=received_at,
            acknowledged_at=received_at,
            assigned_to=team if status != ContactStatus.NEW else None,
            triage_note=(
                f"{received_at + dt.timedelta(days=1):%-d %B %Y}, "
                f"{team.display_name if team else 'Programme team'}: {note}"
                if note
                else ""
            ),
            closed_at=received_at + dt.timedelta(days=2)
            if status == ContactStatus.CLOSED
            else None,
        )
    count = ContactMessage.objects.filter(email__in=[m[0] for m in MESSAGES]).count()
    return f"Contact: {count} messages through the contact form (new, being dealt with, closed)."
