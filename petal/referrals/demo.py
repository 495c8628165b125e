"""Demo referrals: about 160 over the past year, most made by trusted.person@example.org, in
every state, with waits that shorten over the year (and are longer in rural Fenland and East
Cambridgeshire), so the time-to-access pages show a trend. Each referred person has a consent
to share with the receiving organisation; one was withdrawn after the referral, to show what
the receiving side sees then.

Deterministic (a fixed random seed). Safe to load twice: nothing is added if referrals exist.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import relationships_in_force
from petal.accounts.models import User
from petal.consent.models import Consent, bits_for
from petal.directory.models import Service
from petal.reference.selectors import partnership_for_district
from petal.referrals.models import STEP_FIELD, EventKind, Referral, ReferralEvent, Side, Status

C = Category
SEED = 6
HOW_MANY = 160
REASONS = [
    "Has been sleeping in a car since the spring and wants somewhere safe before winter.",
    "Wants to cut down on drinking and asked for help with it.",
    "Feeling very low; would like someone to talk to regularly.",
    "Leaving prison next month with nowhere to go.",
    "Needs help to keep the flat: rent arrears and letters they cannot face opening.",
    "Would like support to stay safe from an ex-partner.",
]
NOTES = [
    "Best to text first; mornings are better.",
    "Can you see them at the hub on Thursday?",
    "They would like a woman worker if possible.",
    "Booked in for an assessment next week.",
]
DECLINE = [
    "Outside our area: please try the district council's housing options team.",
    "We are full this month; we have added them to our waiting list.",
]
WITHDRAW = ["They found somewhere through family.", "They did not want this service after all."]


def _wait(rng: random.Random, months_ago: int, rural: bool, scale: float) -> dt.timedelta:
    """Waits shorten as the year goes on, and are longer in rural districts."""
    base = scale * (1 + months_ago / 6) * (1.5 if rural else 1.0)
    return dt.timedelta(hours=max(1.0, rng.expovariate(1 / base)))


def _consent_to(person, organisation, recorded_by, starts_on):
    found = Consent.objects.filter(
        person=person, grantee_organisation=organisation, withdrawn_at__isnull=True
    ).first()
    if found:
        return found
    return Consent.objects.create(
        programme_area_id=person.programme_area_id,
        person=person,
        grantee_organisation=organisation,
        category_bits=bits_for([C.IDENTITY, C.STORY, C.NEEDS, C.CONTACT]),
        purposes=["referral"],
        starts_on=starts_on,
        ends_on=timezone.localdate() + dt.timedelta(days=300),
        given_how="verbal",
        recorded_by=recorded_by,
    )


def load_referrals() -> int:
    if Referral.objects.exists():
        return Referral.objects.count()
    rng = random.Random(SEED)  # noqa: S311 - fictional demo data, not security
    now = timezone.now()
    tp = User.objects.get(email="trusted.person@example.org")
    tp2 = User.objects.get(email="trusted.person2@example.org")
    services = list(
        Service.objects.filter(accepts_referrals=True)
        .select_related("organisation")
        .order_by("name")
    )
    by_referrer = {}
    for user in (tp, tp2):
        by_referrer[user] = [
            r.person
            for r in relationships_in_force()
            .filter(trusted_person=user)
            .select_related("person__district")
            .order_by("person__full_name")
        ]
    cgl = [s for s in services if s.organisation.slug == "cgl-change-grow-live"]
    cgl_staff = User.objects.filter(email="services@example.org").first()
    made = 0
    for index in range(HOW_MANY):
        referrer = tp if index % 4 else tp2
        people = by_referrer[referrer]
        if not people:
            continue
        person = people[index % len(people)]
        # Many go to CGL, whose inbox services@example.org works.
        service = cgl[index % len(cgl)] if index % 3 == 0 else rng.choice(services)
        # One in eight is recent, so every state shows in the inboxes today.
        recent = index % 8 == 0
        days_ago = rng.randint(0, 20) if recent else rng.randint(0, 364)
        sent = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 9))
        months_ago = days_ago // 30
        rural = person.district is not None and person.district.code in (
            "fenland",
            "east-cambridgeshire",
        )
        slow = 6 if recent else 1
        ack = sent + _wait(rng, months_ago, rural, 20 * slow)
        contact = ack + _wait(rng, months_ago, rural, 60 * slow)
        started = contact + _wait(rng, months_ago, rural, 120 * slow)
        fate = rng.random()
        consent = _consent_to(
            person, service.organisation, referrer, timezone.localdate(sent) - dt.timedelta(days=1)
        )
        if consent.starts_on > timezone.localdate(sent):
            Consent.objects.filter(pk=consent.pk).update(
                starts_on=timezone.localdate(sent) - dt.timedelta(days=1)
            )
        referral = Referral(
            programme_area_id=person.programme_area_id,
            person=person,
            service=service,
            organisation=service.organisation,
            referred_by=referrer,
            reason=rng.choice(REASONS),
            category_bits=bits_for(
                [C.IDENTITY, *[c for c in service.needs_categories if c in consent.categories]]
            ),
            sent_at=sent,
            response_due_at=sent + dt.timedelta(days=service.response_days),
            district=person.district,
            partnership=(
                partnership_for_district(person.district, on=timezone.localdate(sent))
                if person.district
                else None
            ),
        )
        events = [(sent, Status.SENT, "", Side.REFERRER, referrer)]
        staff = cgl_staff if service.organisation.slug == "cgl-change-grow-live" else None
        steps = [
            (ack, Status.ACKNOWLEDGED),
            (contact, Status.FIRST_CONTACT),
            (started, Status.STARTED),
        ]
        if fate < 0.08:
            referral.status = Status.DECLINED
            referral.acknowledged_at = ack if ack < now else None
            referral.closed_at = min(ack + dt.timedelta(days=1), now)
            if referral.acknowledged_at:
                events.append((ack, Status.ACKNOWLEDGED, "", Side.RECEIVER, staff))
            events.append(
                (referral.closed_at, Status.DECLINED, rng.choice(DECLINE), Side.RECEIVER, staff)
            )
        elif fate < 0.14:
            referral.status = Status.WITHDRAWN
            referral.closed_at = min(sent + dt.timedelta(days=rng.randint(1, 10)), now)
            events.append(
                (
                    referral.closed_at,
                    Status.WITHDRAWN,
                    rng.choice(WITHDRAW),
                    Side.REFERRER,
                    referrer,
                )
            )
        else:
            referral.status = Status.SENT
            for at, step in steps:
                if at > now:
                    break
                setattr(referral, STEP_FIELD[step], at)
                referral.status = step
                events.append((at, step, "", Side.RECEIVER, staff))
            if referral.status == Status.STARTED:
                referral.closed_at = referral.started_at
            if referral.status == Status.SENT and referral.response_due_at < now:
                referral.reminded_at = referral.response_due_at
        referral.save()
        ReferralEvent.objects.bulk_create(
            [
                ReferralEvent(
                    referral=referral,
                    kind=EventKind.STATUS,
                    status=status,
                    body=body,
                    side=side,
                    actor=actor,
                    at=at,
                )
                for at, status, body, side, actor in events
            ]
            + (
                [
                    ReferralEvent(
                        referral=referral,
                        kind=EventKind.NOTE,
                        body=rng.choice(NOTES),
                        side=Side.RECEIVER,
                        at=min(sent + dt.timedelta(hours=30), now),
                    )
                ]
                if index % 5 == 0
                else []
            )
        )
        made += 1
    # One person withdrew their consent to CGL after being referred: services@example.org
    # sees those referrals with the details hidden.
    hidden = (
        Referral.objects.filter(organisation__slug="cgl-change-grow-live", referred_by=tp2)
        .order_by("sent_at")
        .first()
    )
    if hidden is not None:
        Consent.objects.filter(
            person=hidden.person, grantee_organisation=hidden.organisation
        ).update(withdrawn_at=now - dt.timedelta(days=2), withdrawn_how="verbal", withdrawn_by=tp2)
    return made
