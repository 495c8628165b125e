"""Synthetic people at scale, for benchmarks: bulk inserts, no per-row queries."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership, User
from petal.people.models import NeedEpisode, Person, TrustedRelationship
from petal.reference.models import AreaOfDisadvantage, District, ProgrammeArea

FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Pat",
    "Lee",
    "Kim",
    "Robin",
    "Jamie",
    "Charlie",
    "Morgan",
    "Taylor",
    "Jordan",
    "Casey",
    "Drew",
    "Frankie",
    "Hayden",
    "Reese",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Walker",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Hughes",
    "Khan",
]
BATCH = 5000


def synth_people(count: int, *, seed: int = 2026, demo_share: float = 0.01) -> tuple[int, int]:
    """Add ``count`` people with about five episodes each, spread over the trusted persons
    (a ``demo_share`` of them go to trusted.person@example.org, so the demo caseload is big)."""
    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data
    area = ProgrammeArea.objects.get(slug="cambridgeshire-peterborough")
    districts = list(District.objects.values_list("pk", flat=True))
    areas = list(AreaOfDisadvantage.objects.values_list("pk", flat=True))
    tps = list(
        Membership.objects.filter(role=Role.TRUSTED_PERSON).values_list("user_id", flat=True)
    )
    demo_tp = User.objects.filter(email="trusted.person@example.org").values_list("pk", flat=True)
    demo_tp = demo_tp[0] if demo_tp else None
    if not tps:
        raise ValueError("No trusted persons: run `manage.py demo` or synth users first")
    today = timezone.localdate()
    start = Person.objects.count()
    made = episodes_made = 0
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            people = []
            for i in range(size):
                n = start + made + i
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{n}"
                people.append(
                    Person(
                        programme_area=area,
                        full_name=name,
                        search_names=f"|{name.lower()}|",
                        date_of_birth=dt.date(
                            1950 + rng.randrange(55), rng.randrange(1, 13), rng.randrange(1, 29)
                        ),
                        district_id=rng.choice(districts),
                        no_fixed_abode=rng.random() < 0.3,
                    )
                )
            people = Person.objects.bulk_create(people, batch_size=1000)
            relationships, episodes = [], []
            for person in people:
                tp = demo_tp if demo_tp and rng.random() < demo_share else rng.choice(tps)
                relationships.append(
                    TrustedRelationship(
                        programme_area=area,
                        person=person,
                        trusted_person_id=tp,
                        kind="professional",
                        starts_on=today - dt.timedelta(days=rng.randrange(30, 900)),
                        is_lead=True,
                    )
                )
                for _ in range(rng.randrange(1, 10)):
                    starts = today - dt.timedelta(days=rng.randrange(0, 1500))
                    ends = (
                        None
                        if rng.random() < 0.5
                        else starts + dt.timedelta(days=rng.randrange(0, 400))
                    )
                    episodes.append(
                        NeedEpisode(
                            programme_area=area,
                            person=person,
                            area_id=rng.choice(areas),
                            starts_on=starts,
                            ends_on=ends,
                        )
                    )
            TrustedRelationship.objects.bulk_create(relationships, batch_size=2000)
            NeedEpisode.objects.bulk_create(episodes, batch_size=2000)
        made += size
        episodes_made += len(episodes)
    return made, episodes_made
