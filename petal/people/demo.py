"""About forty fictional people, across the three partnerships, for the demo.

Deterministic (a fixed seed), and safe to load twice: a person already there is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from petal.accounts.models import User
from petal.people import services
from petal.people.models import Person
from petal.reference.models import AreaOfDisadvantage, District

FIRST = [
    "Aaliyah",
    "Bartek",
    "Callum",
    "Danielle",
    "Eamon",
    "Farah",
    "Gareth",
    "Hollie",
    "Idris",
    "Jasmine",
    "Kieran",
    "Leanne",
    "Marcus",
    "Nadia",
    "Oskar",
    "Paige",
    "Quentin",
    "Rosa",
    "Shane",
    "Tanya",
    "Umar",
    "Vicky",
    "Wesley",
    "Yasmin",
    "Zoltan",
    "Abigail",
    "Bradley",
    "Chantelle",
    "Dominik",
    "Erin",
    "Fergus",
    "Gemma",
    "Harvey",
    "Imogen",
    "Jamal",
    "Kayleigh",
    "Lewis",
    "Megan",
    "Niall",
    "Orla",
]
LAST = [
    "Ashworth",
    "Brennan",
    "Cartwright",
    "Dobson",
    "Ellery",
    "Fairbairn",
    "Gallagher",
    "Hartley",
    "Iqbal",
    "Jankowski",
    "Kettering",
    "Lindqvist",
    "Maddox",
    "Norcott",
    "Osei",
    "Pennington",
    "Quayle",
    "Rahman",
    "Sutcliffe",
    "Thornbury",
    "Underhill",
    "Varga",
    "Whitmore",
    "Yardley",
    "Zielinski",
    "Ainsley",
    "Blackwood",
    "Crowther",
    "Dunmore",
    "Elphick",
    "Fenwick",
    "Greaves",
    "Hollis",
    "Ingram",
    "Jessop",
    "Kowalczyk",
    "Lovell",
    "Marlow",
    "Nuttall",
    "Ormerod",
]
PREFERRED = {"Aaliyah": "Ali", "Dominik": "Dom", "Oskar": "Oz", "Kayleigh": "Kay", "Gemma": "Gem"}
SAFE_CONTACT = [
    "Do not leave voicemail messages.",
    "Only call after 6pm.",
    "Text first; do not call. Phone may be checked by an ex-partner.",
    "",
    "",
]
STORIES = [
    (
        "I lost my flat after my mum died and things went downhill from there.",
        "Seeing my kids again.",
        "People who turn up when they say they will.",
        "Being passed from one office to another.",
        "Why I left my last hostel.",
    ),
    (
        "I've been in and out of prison since I was nineteen. Every time I come out I have "
        "nowhere to go.",
        "Staying out this time.",
        "Someone to go with me to appointments.",
        "Forms. Waiting rooms.",
        "About my childhood.",
    ),
    ("", "", "", "", ""),
]
# Patterns of areas (by order 1-5): some meet the rule now, some only in the past, some fewer.
PATTERNS = [
    (1, 2, 3),
    (1, 3, 5),
    (2, 3, 4),
    (1, 2, 3, 5),
    (3, 4),
    (1, 2),
    (1, 2, 3, 4, 5),
    (2, 3),
    (1, 5),
    (4,),
]


def load_people() -> int:
    """Create the demo people if they are not there yet; returns how many demo people exist."""
    rng = random.Random(2026)  # noqa: S311 - fictional data
    tps = [
        User.objects.get(email="trusted.person@example.org"),
        User.objects.get(email="trusted.person2@example.org"),
    ]
    districts = list(District.objects.order_by("code"))
    areas = {a.order: a for a in AreaOfDisadvantage.objects.all()}
    today = timezone.localdate()
    made = 0
    for index, (first, last) in enumerate(zip(FIRST, LAST, strict=True)):
        name = f"{first} {last}"
        actor = tps[index % 2]
        if Person.objects.filter(full_name=name, relationships__trusted_person=actor).exists():
            made += 1
            continue
        # Trusted person 1 works in Fenland and Cambridgeshire, 2 mostly in Peterborough.
        district = districts[index % len(districts)]
        person = services.person_create(
            actor=actor,
            full_name=name,
            preferred_name=PREFERRED.get(first, ""),
            pronouns=rng.choice(["", "she/her", "he/him", "they/them"]),
            date_of_birth=dt.date(
                1960 + rng.randrange(40), rng.randrange(1, 13), rng.randrange(1, 28)
            ),
            aliases=[f"{first[0]}. {last}"] if index % 5 == 0 else [],
            district=district,
            no_fixed_abode=index % 3 == 0,
            address="" if index % 3 == 0 else f"{10 + index} Example Road",
            phone=f"07700 900{index:03d}",
            safe_contact=SAFE_CONTACT[index % len(SAFE_CONTACT)],
            relationship_kind=["professional", "professional", "voluntary", "social"][index % 4],
            organisation=actor.memberships.first().organisation if index % 4 < 2 else None,
            starts_on=today - dt.timedelta(days=30 + rng.randrange(700)),
        )
        story = STORIES[index % len(STORIES)]
        if any(story):
            services.person_update(
                actor=actor,
                person=person,
                category="story",
                values=dict(
                    zip(
                        (
                            "what_happened",
                            "what_matters",
                            "what_helps",
                            "what_does_not_help",
                            "never_ask_again",
                        ),
                        story,
                        strict=True,
                    )
                ),
                expected_version=person.version,
            )
        pattern = PATTERNS[index % len(PATTERNS)]
        past_only = index % 6 == 5  # these met the rule once, not now
        for order in pattern:
            starts = today - dt.timedelta(days=200 + rng.randrange(800))
            ends = today - dt.timedelta(days=rng.randrange(20, 150)) if past_only else None
            services.episode_add(
                actor=actor,
                person=person,
                area=areas[order],
                starts_on=starts,
                ends_on=ends,
                note="",
            )
        for back in sorted(rng.sample(range(1, 90), 3), reverse=True):
            services.contact_record(
                actor=actor,
                person=person,
                happened_on=today - dt.timedelta(days=back),
                method=rng.choice(["in_person", "phone", "outreach", "online"]),
                note="Checked in.",
                next_contact_on=today + dt.timedelta(days=rng.randrange(1, 21)),
            )
        made += 1
    return made
