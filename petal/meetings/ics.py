"""Calendar files for meeting invitations (built by ``petal.core.ics``).

A calendar file leaves Petal in an email, so it carries what every invitee may know and nothing
about a person: the meeting's reference and kind, its time, its place or link, and a link into
Petal for the papers. Never the purpose, the agenda or anyone's name. ``METHOD:PUBLISH``: replies
are made in Petal, where they are recorded, not by the calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from petal.core import ics
from petal.core.ics import PRODID
from petal.meetings.models import Meeting, MeetingStatus

__all__ = ["PRODID", "attachment", "filename", "meeting_ics", "meeting_link"]


def meeting_link(meeting: Meeting) -> str:
    return (
        f"{settings.PETAL_BASE_URL}{reverse('meetings:meeting', kwargs={'meeting_id': meeting.pk})}"
    )


def filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.reference.lower()}.ics"


def meeting_ics(meeting: Meeting) -> str:
    """The meeting as a calendar file; a cancelled meeting as a cancellation."""
    link = meeting_link(meeting)
    return ics.calendar_file(
        uid=f"{meeting.uid}@petal",
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=f"{meeting.title} ({meeting.reference})",
        location=", ".join(part for part in (meeting.place, meeting.online_link) if part),
        url=link,
        description=f"{meeting.title}, {meeting.reference}.\n"
        f"Sign in to Petal for the agenda, your information pack and to reply: {link}\n"
        "This invitation does not contain personal details.",
        cancelled=meeting.status == MeetingStatus.CANCELLED,
    )


def attachment(meeting: Meeting) -> dict:
    return ics.attachment(filename(meeting), meeting_ics(meeting))
