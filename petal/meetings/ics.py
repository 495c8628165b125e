"""Calendar files (RFC 5545) for meeting invitations, built with the icalendar library.

A calendar file leaves Petal in an email, so it carries what every invitee may know and nothing
about a person: the meeting's reference and kind, its time, its place or link, and a link into
Petal for the papers. Never the purpose, the agenda or anyone's name. ``METHOD:PUBLISH``: replies
are made in Petal, where they are recorded, not by the calendar.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from petal.meetings.models import Meeting, MeetingStatus

PRODID = "-//Changing Futures Cambridgeshire and Peterborough//Petal//EN"


def meeting_link(meeting: Meeting) -> str:
    return (
        f"{settings.PETAL_BASE_URL}{reverse('meetings:meeting', kwargs={'meeting_id': meeting.pk})}"
    )


def filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.reference.lower()}.ics"


def meeting_ics(meeting: Meeting) -> str:
    """The meeting as a calendar file; a cancelled meeting as a cancellation."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting.uid}@petal")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{meeting.title} ({meeting.reference})")
    where = ", ".join(part for part in (meeting.place, meeting.online_link) if part)
    if where:
        event.add("location", where)
    link = meeting_link(meeting)
    event.add("url", link)
    event.add(
        "description",
        f"{meeting.title}, {meeting.reference}.\n"
        f"Sign in to Petal for the agenda, your information pack and to reply: {link}\n"
        "This invitation does not contain personal details.",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def attachment(meeting: Meeting) -> dict:
    return {
        "filename": filename(meeting),
        "content": meeting_ics(meeting),
        "mimetype": "text/calendar",
    }
