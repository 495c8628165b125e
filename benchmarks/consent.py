"""The consent filter at scale: 100,000 people and 300,000 consents (defaults).

Run: .venv/bin/python benchmarks/consent.py [--people 100000] [--consents 300000]
Compares what a service worker sees through consent (service.staff@example.org, whose
organisation holds about 1,000 people's consents) with the same pages for the trusted person's
own people (trusted.person@example.org supports about 1,000): the person page and a search.
Target: the consent reader's pages take at most 1.3 × the trusted person's (p50).
"""

from __future__ import annotations

import argparse
import sys

from common import database, manage, measure, report, served, sign_in

TARGETS = {
    "consent: /people/<id>": ("own: /people/<id>", 1.3),
    "consent: /people/?q=smith": ("own: /people/?q=smith", 1.3),
}

FIRST_ID = (
    "from petal.people.models import Person\n"
    "print(Person.objects.filter({}).order_by('pk').values_list('pk', flat=True).first())"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--consents", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with database(args.keep) as env:
        manage(
            env,
            *("synth", "--users", "1000", "--organisations", "50", "--events", "1000"),
            *("--people", str(args.people), "--consents", str(args.consents)),
        )

        def first(condition: str) -> str:
            out = manage(env, "shell", "-c", FIRST_ID.format(condition))
            return out.strip().splitlines()[-1]

        own_id = first("relationships__trusted_person__email='trusted.person@example.org'")
        shared_id = first(
            "consents__grantee_organisation__slug='cgl-change-grow-live', "
            "consents__withdrawn_at__isnull=True"
        )
        with served(env) as port:
            tp = sign_in(port, "trusted.person@example.org")
            staff = sign_in(port, "service.staff@example.org")
            results = {
                "own: /people/<id>": measure(port, f"/people/{own_id}", tp, args.requests),
                "consent: /people/<id>": measure(
                    port, f"/people/{shared_id}", staff, args.requests
                ),
                "own: /people/?q=smith": measure(port, "/people/?q=smith", tp, args.requests),
                "consent: /people/?q=smith": measure(
                    port, "/people/?q=smith", staff, args.requests
                ),
            }
    print(
        f"\n{args.people} synthetic people, {args.consents} consents; "
        f"{args.requests} sequential requests each\n"
    )
    return 0 if report(results, TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
