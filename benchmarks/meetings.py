"""The meetings list, the actions list and a meeting's page at scale (default 20,000 meetings
over the past year and the next two months, about 50,000 actions, 20,000 people).

Run: .venv/bin/python benchmarks/meetings.py [--meetings 20000] [--requests 50] [--keep]
Serves Petal and times, against the signed-in floor: as services@example.org (CGL, invited to
about a quarter of the meetings and owning about a quarter of the actions) the meetings list
(upcoming, past, a deep past page), the actions list (to do, all) and the page of one meeting
CGL is invited to; and as trusted.person@example.org (who sees about a tenth of the
meetings) the meetings list and the actions list.
"""

from __future__ import annotations

import argparse
import sys

from common import database, manage, measure, report, served, sign_in

SERVICES = "services@example.org"
TRUSTED = "trusted.person@example.org"

# Targets set from the first measurement on this machine (issue 7), with headroom. A meetings
# list page is the visibility filter counted twice (the page's count and the tabs) and one page
# of 25 sorted by time with its cases; a meeting's page is one meeting. The "to do" actions
# view filters by status inside each owner branch and orders by due date alone, so it uses the
# owner indexes (measured 25.6x for services@, who sees 13,220 actions, and 13.9x for a trusted
# person; it was 40.6x and 32.3x before). "All" still sorts open-before-closed over every
# visible action (see benchmarks/README.md).
TARGETS = {
    "/meetings/": ("signed-in floor", 25.0),
    "/meetings/?when=past": ("signed-in floor", 25.0),
    "/meetings/?when=past&page=40": ("signed-in floor", 30.0),
    "/meetings/actions/": ("signed-in floor", 38.0),
    "/meetings/actions/?show=all": ("signed-in floor", 35.0),
    "/meetings/<id>": ("signed-in floor", 12.0),
    "trusted: /meetings/": ("signed-in floor", 25.0),
    "trusted: /meetings/actions/": ("signed-in floor", 22.0),
}

# A held professionals meeting CGL is invited to (its page, as CGL staff see it).
MEETING_ID = (
    "from petal.meetings.models import Invitation\n"
    "print(Invitation.objects.filter(organisation__slug='cgl-change-grow-live',"
    " meeting__kind='professionals', meeting__status='held')"
    ".order_by('-meeting_id').values_list('meeting_id', flat=True).first())"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with database(args.keep) as env:
        manage(
            env,
            *("synth", "--users", "200", "--organisations", "20", "--events", "1000"),
            *("--people", str(args.people), "--meetings", str(args.meetings)),
        )
        meeting_id = manage(env, "shell", "-c", MEETING_ID).strip().splitlines()[-1]
        with served(env) as port:
            staff = sign_in(port, SERVICES)
            trusted = sign_in(port, TRUSTED)
            results = {"signed-in floor": measure(port, "/_floor", staff, args.requests)}
            for name in TARGETS:
                cookie, path = (
                    (trusted, name[9:]) if name.startswith("trusted: ") else (staff, name)
                )
                results[name] = measure(
                    port, path.replace("<id>", meeting_id), cookie, args.requests
                )
    print(
        f"\n{args.meetings} synthetic meetings, {args.people} people; "
        f"{args.requests} sequential requests each; /meetings/<id> is M-{int(meeting_id):06d}\n"
    )
    return 0 if report(results, TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
