"""Calendar files (RFC 5545) built with the icalendar library: one builder for every part of
Petal that sends or offers a calendar file (meetings, champions' events).

A calendar file leaves Petal in an email and lands in calendars Petal does not control, so the
caller passes only what every recipient may know: a title, a time, a place or a link, and a link
back into Petal. ``METHOD:PUBLISH`` for an invitation or an update (replies are made in Petal,
where they are recorded, not by the calendar), ``METHOD:CANCEL`` when it is called off. The UID
stays the same for the life of the meeting or event and SEQUENCE goes up with each change, so a
calendar replaces its earlier copy instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

PRODID = "-//Changing Futures Cambridgeshire and Peterborough//Petal//EN"
MIMETYPE = "text/calendar"


def calendar_file(
    *,
    uid: str,
    sequence: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    location: str = "",
    url: str = "",
    description: str = "",
    cancelled: bool = False,
) -> str:
    """One event as a calendar file, its times in UTC; a cancellation when ``cancelled``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("dtstart", starts_at.astimezone(dt.UTC))
    event.add("dtend", ends_at.astimezone(dt.UTC))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def attachment(filename: str, content: str) -> dict:
    """A calendar file in the shape ``petal.core.notify.notify(attachments=[...])`` takes."""
    return {"filename": filename, "content": content, "mimetype": MIMETYPE}
