"""Synthetic referrals for benchmarks: spread over every person and every service taking
referrals over the past year, a fifth of them to CGL (services@example.org's inbox), in every
state, with their steps' times."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from petal.access.categories import Category
from petal.consent.models import bits_for
from petal.directory.models import Service
from petal.people.models import Person
from petal.reference.models import PartnershipCoverage
from petal.referrals.models import STEP_FIELD, STEPS, Referral, Status

FOCUS_ORG = "cgl-change-grow-live"
SHARED = bits_for([Category.IDENTITY, Category.STORY, Category.NEEDS])


def synth_referrals(count: int, *, seed: int = 2026) -> int:
    rng = random.Random(seed + 3)  # noqa: S311 - synthetic data
    people = list(Person.objects.values_list("pk", "district_id", "programme_area_id"))
    services = list(
        Service.objects.filter(accepts_referrals=True).values_list(
            "pk", "organisation_id", "organisation__slug", "response_days"
        )
    )
    if not people or not services:
        return 0
    focus = [s for s in services if s[2] == FOCUS_ORG] or services
    # The partnership covering each district now (good enough for synthetic rows).
    covering = {
        c.district_id: c.partnership_id
        for c in PartnershipCoverage.objects.filter(ends_on__isnull=True)
    }
    users = [None]
    from petal.accounts.models import User

    tp = User.objects.filter(email="trusted.person@example.org").values_list("pk", flat=True)
    users = list(tp) or [None]
    now = timezone.now()
    made = 0
    while made < count:
        size = min(5000, count - made)
        batch = []
        for _ in range(size):
            person, district, area = rng.choice(people)
            service = rng.choice(focus) if rng.random() < 0.2 else rng.choice(services)
            sent = now - dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            ack = sent + dt.timedelta(hours=rng.expovariate(1 / 30))
            contact = ack + dt.timedelta(hours=rng.expovariate(1 / 80))
            started = contact + dt.timedelta(hours=rng.expovariate(1 / 200))
            fate = rng.random()
            row = Referral(
                programme_area_id=area,
                person_id=person,
                service_id=service[0],
                organisation_id=service[1],
                referred_by_id=rng.choice(users),
                reason="Synthetic referral",
                category_bits=SHARED,
                sent_at=sent,
                response_due_at=sent + dt.timedelta(days=service[3]),
                district_id=district,
                partnership_id=covering.get(district),
            )
            if fate < 0.08:
                row.status, row.closed_at = Status.DECLINED, min(ack, now)
            elif fate < 0.14:
                row.status, row.closed_at = Status.WITHDRAWN, min(ack, now)
            else:
                row.status = Status.SENT
                for at, step in zip((ack, contact, started), STEPS[1:], strict=True):
                    if at > now:
                        break
                    setattr(row, STEP_FIELD[step], at)
                    row.status = step
                if row.status == Status.STARTED:
                    row.closed_at = row.started_at
            row.fill_measures()
            batch.append(row)
        with transaction.atomic():
            Referral.objects.bulk_create(batch, batch_size=2000)
        made += size
    return made
