"""Demo newsletters and subscribers (fictional; safe to run more than once).

Issue 1 restates facts from the programme's public page (seed 003) under the date the seed
gives for the first newsletter, 7 July 2022; it is not the real newsletter, and says so. The
later issues and the draft are made up for trying Petal, and say so too. Subscribers are
fictional addresses at example.org, a few in each state; the confirmed ones are recorded as
sent the published issues (no email is sent by loading the demo)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from petal.programme.models import (
    DeliveryStatus,
    Newsletter,
    NewsletterDelivery,
    NewsletterStatus,
    Subscriber,
    SubscriberStatus,
)

DEMO_NOTE = (
    "*Demo newsletter: made up for trying Petal{extra}. It is not a real Changing Futures "
    "newsletter.*"
)

ISSUE_1 = (
    DEMO_NOTE.format(extra=", restating facts from the programme's public page")
    + """

## Welcome

This is the first newsletter of **Changing Futures Cambridgeshire & Peterborough**. During 2020
and 2021 local partners worked together on a bid to the government's national Changing Futures
programme. The bid was not successful, but with support from the Cambridgeshire and
Peterborough Public Service Board (CPSB) partners have carried on together with a locally
funded and supported programme.

## Who the programme is for

People are said to be in multiple disadvantage when they experience at least three of five
situations: homelessness, substance misuse, mental health issues, domestic abuse and contact
with criminal justice. The five areas are why the programme's logo is a five-petal flower.

## Our four vision areas

- Embed the Trusted Person model.
- Embed a trauma-informed approach to support.
- Establish ways to share learning and address the barriers we find.
- Embed co-production and co-design across the system.

## Support is building

Taking a lead from CPSB, partners have pledged to support the programme financially, with
staff time or in other ways. Contributions total £377K, with a potential further £180K
subject to formal agreement.

## A new operational partnership

A new operational partnership is being set up for Fenland and East Cambridgeshire, alongside
the existing partnerships for Cambridgeshire and for Peterborough.

[Find out who our partners are](/partners)
"""
)

ISSUE_2 = (
    DEMO_NOTE.format(extra="")
    + """

## Thinking about trauma-informed systems

A workshop about trauma-informed systems is being planned for late 2022. It is for anyone
interested in how the buildings, conversations and processes of our organisations help
people share and overcome past traumas, rather than adding to them.

## Telling it once

How do we avoid people re-telling their stories? How do we help people share what they are
willing to with other agencies? Trusted persons and champions will be talking about this at
the next partnership sessions.

## Get involved

If you work with people facing multiple disadvantage, you can
[sign the Trusted Person Champions pledge](/champions/pledge).
"""
)

ISSUE_3_DRAFT = (
    DEMO_NOTE.format(extra="")
    + """

## What partners changed this year

A draft: the programme team is still writing this issue.

- Shared learning from barriers resolved by the partnerships.
- An update on the Fenland & East Cambridgeshire partnership.
"""
)

NEWSLETTERS = [
    {
        "title": "Issue 1 — July 2022",
        "summary": "Demo restatement: what Changing Futures Cambridgeshire & Peterborough is, "
        "who it is for and the support pledged so far.",
        "issue_date": dt.date(2022, 7, 7),
        "body": ISSUE_1,
        "status": NewsletterStatus.PUBLISHED,
    },
    {
        "title": "Issue 2 — October 2022",
        "summary": "Demo: planning a workshop on trauma-informed systems, and telling it once.",
        "issue_date": dt.date(2022, 10, 6),
        "body": ISSUE_2,
        "status": NewsletterStatus.PUBLISHED,
    },
    {
        "title": "Issue 3 — draft",
        "summary": "Demo draft, not yet published.",
        "issue_date": None,
        "body": ISSUE_3_DRAFT,
        "status": NewsletterStatus.DRAFT,
    },
]

SUBSCRIBERS = [
    ("alex.reader@example.org", SubscriberStatus.CONFIRMED),
    ("sam.partner@example.org", SubscriberStatus.CONFIRMED),
    ("jo.volunteer@example.org", SubscriberStatus.CONFIRMED),
    ("charlie.waiting@example.org", SubscriberStatus.PENDING),
    ("robin.new@example.org", SubscriberStatus.PENDING),
    ("pat.former@example.org", SubscriberStatus.UNSUBSCRIBED),
]


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@transaction.atomic
def load() -> str:
    """Load the demo newsletters and subscribers; running again changes nothing."""
    start = _moment(dt.date(2022, 6, 1))
    subscribers = []
    for email, status in SUBSCRIBERS:
        subscriber, _ = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "status": status,
                "created_at": start,
                "confirmation_sent_at": start,
                "confirmed_at": start if status != SubscriberStatus.PENDING else None,
                "unsubscribed_at": (
                    _moment(dt.date(2022, 9, 1))
                    if status == SubscriberStatus.UNSUBSCRIBED
                    else None
                ),
            },
        )
        subscribers.append(subscriber)
    made = 0
    for spec in NEWSLETTERS:
        published = spec["status"] == NewsletterStatus.PUBLISHED
        at = _moment(spec["issue_date"]) if published else None
        newsletter, created = Newsletter.objects.get_or_create(
            title=spec["title"],
            defaults={
                **spec,
                "published_at": at,
                "send_requested_at": at,
                "sent_at": at,
            },
        )
        made += created
        if not (created and published):
            continue
        # Recorded as sent to the fictional subscribers confirmed then; nothing is emailed.
        NewsletterDelivery.objects.bulk_create(
            [
                NewsletterDelivery(
                    newsletter=newsletter,
                    subscriber=s,
                    status=DeliveryStatus.SENT,
                    queued_at=at,
                    sent_at=at,
                )
                for s in subscribers
                if s.status == SubscriberStatus.CONFIRMED
                or (
                    s.status == SubscriberStatus.UNSUBSCRIBED
                    and s.unsubscribed_at
                    and s.unsubscribed_at > at
                )
            ],
            ignore_conflicts=True,
        )
    return (
        f"Newsletters: {len(NEWSLETTERS)} demo newsletters (two published, one a draft; "
        f"{made} new) and {len(SUBSCRIBERS)} fictional subscribers."
    )
