"""Users and signed-in sessions for benchmarks/load.py, made inside Django (not over HTTP).

Run by load.py after `manage.py demo`, with the benchmark's environment:
    .venv/bin/python benchmarks/load/prepare.py --users 200 --out sessions.json

Makes the users (no usable password: nobody signs in through the form, so neither password
hashing nor django-axes is what the run measures), gives each trusted person a few people of
their own, and signs every user in with Django's own login() (Client.force_login: a real
session in the database, marked by petal.accounts.signals like any sign-in). Writes, per
user, the session cookie and the pages their role walks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from petal.access.roles import Role  # noqa: E402
from petal.accounts.models import Membership, Organisation, User  # noqa: E402
from petal.outcomes.dashboards import all_dashboards  # noqa: E402
from petal.people.tests.factories import EpisodeFactory, person_of  # noqa: E402
from petal.referrals.models import Referral  # noqa: E402

# Share of the signed-in users by role (what the programme expects at its peak: mostly trusted
# persons and service staff, a few coordinators and programme team on the dashboards).
MIX = [
    (Role.TRUSTED_PERSON, 0.55),
    (Role.SERVICE_STAFF, 0.25),
    (Role.PARTNERSHIP_COORDINATOR, 0.10),
    (Role.PROGRAMME_TEAM, 0.10),
]
PEOPLE_EACH = 3


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(2026)  # noqa: S311 - which demo records a walk visits, not security

    home_org = Organisation.objects.get(slug="ferry-project-wisbech")
    # Service staff work where most referrals arrive, so their inbox has something in it.
    busiest = (
        Referral.objects.values("organisation")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("organisation", flat=True)
        .first()
    )
    inbox_org = Organisation.objects.get(pk=busiest)
    inbox_referrals = list(
        Referral.objects.filter(organisation=inbox_org).values_list("pk", flat=True)[:20]
    )
    dashboards = [d.slug for d in all_dashboards()]

    counts = [(role, round(args.users * share)) for role, share in MIX]
    counts[0] = (counts[0][0], args.users - sum(n for _, n in counts[1:]))
    walkers = []
    with transaction.atomic():
        for role, n in counts:
            for i in range(n):
                user = User(email=f"load.{role.value}.{i}@example.org", full_name=f"Load {i}")
                user.set_unusable_password()
                user.save()
                organisation = inbox_org if role == Role.SERVICE_STAFF else home_org
                partnership = None
                if role == Role.PARTNERSHIP_COORDINATOR:
                    from petal.reference.models import Partnership

                    partnership = Partnership.objects.get(slug="cambridgeshire")
                Membership.objects.create(
                    user=user, role=role, organisation=organisation, partnership=partnership
                )
                pages = [("home", ["/dashboard"])]
                if role == Role.TRUSTED_PERSON:
                    people = []
                    for _ in range(PEOPLE_EACH):
                        person = person_of(user)
                        EpisodeFactory(person=person)
                        people.append(person.pk)
                    pages += [
                        ("my people", ["/people/"]),
                        ("a person", [f"/people/{pk}" for pk in people]),
                        ("referrals sent", ["/referrals/"]),
                    ]
                elif role == Role.SERVICE_STAFF:
                    pages += [
                        ("referral inbox", ["/referrals/inbox"]),
                        ("a referral", [f"/referrals/{pk}" for pk in inbox_referrals]),
                    ]
                else:
                    pages += [
                        ("outcomes", ["/outcomes/"]),
                        ("a dashboard", [f"/outcomes/{slug}/" for slug in dashboards]),
                    ]
                pages += [("meetings", ["/meetings/"]), ("barriers", ["/barriers/"])]
                walkers.append({"user": user, "role": role.value, "pages": pages})
    for walker in walkers:
        client = Client()
        client.force_login(walker.pop("user"))
        walker["cookie"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    rng.shuffle(walkers)
    Path(args.out).write_text(json.dumps(walkers))
    sys.stdout.write(
        f"{len(walkers)} users signed in: "
        + ", ".join(f"{n} {role.label.lower()}" for role, n in counts)
        + f"; service staff at {inbox_org.name} ({len(inbox_referrals)} referrals walked)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
