"""Synthetic consents for benchmarks: spread over every person, organisation, partnership and
people-role user, with a focus organisation (CGL, service.staff@example.org's) receiving about
as many people as the demo trusted person supports, so their pages can be compared."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from petal.access.categories import Category
from petal.access.policy import PEOPLE_ROLES
from petal.accounts.models import Membership, Organisation
from petal.consent.models import Consent, bits_for
from petal.people.models import Person
from petal.reference.models import Partnership

FOCUS_ORG = "cgl-change-grow-live"
SHAPES = [
    bits_for([Category.IDENTITY, Category.STORY]),
    bits_for([Category.IDENTITY, Category.STORY, Category.NEEDS]),
    bits_for([Category.IDENTITY, Category.CONTACT, Category.INVOLVEMENT]),
    bits_for([Category.IDENTITY, Category.NEEDS, Category.HEALTH, Category.RISK]),
]


def synth_consents(count: int, *, focus: int = 1000, seed: int = 2026) -> int:
    rng = random.Random(seed + 2)  # noqa: S311 - synthetic data
    people = list(Person.objects.values_list("pk", flat=True))
    if not people:
        return 0
    area_id = Person.objects.values_list("programme_area_id", flat=True).first()
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    focus_org = Organisation.objects.filter(slug=FOCUS_ORG).values_list("pk", flat=True).first()
    partnerships = list(Partnership.objects.values_list("pk", flat=True))
    users = list(Membership.objects.filter(role__in=PEOPLE_ROLES).values_list("user_id", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    focus_people = rng.sample(people, min(focus, len(people))) if focus_org else []
    made = 0
    while made < count:
        size = min(5000, count - made)
        batch = []
        for i in range(size):
            n = made + i
            grantee = {}
            if n < len(focus_people):
                person = focus_people[n]
                grantee["grantee_organisation_id"] = focus_org
            else:
                person = rng.choice(people)
                kind = rng.random()
                if kind < 0.6:
                    grantee["grantee_organisation_id"] = rng.choice(orgs)
                elif kind < 0.9 and users:
                    grantee["grantee_user_id"] = rng.choice(users)
                else:
                    grantee["grantee_partnership_id"] = rng.choice(partnerships)
            state = rng.random()
            starts = today - dt.timedelta(days=rng.randrange(1, 700))
            ends = (
                today - dt.timedelta(days=rng.randrange(1, 30))
                if state < 0.2 and n >= len(focus_people)
                else today + dt.timedelta(days=rng.randrange(1, 700))
            )
            batch.append(
                Consent(
                    programme_area_id=area_id,
                    person_id=person,
                    category_bits=rng.choice(SHAPES),
                    purposes=["care_coordination"],
                    starts_on=min(starts, ends),
                    ends_on=ends,
                    given_how="verbal",
                    recorded_at=now,
                    withdrawn_at=now if 0.2 <= state < 0.25 and n >= len(focus_people) else None,
                    **grantee,
                )
            )
        with transaction.atomic():
            Consent.objects.bulk_create(batch, batch_size=2000)
        made += size
    return made
