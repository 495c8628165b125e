"""Page latency against the framework floor, on a synthetic database.

Run: .venv/bin/python benchmarks/pages.py [--requests 300] [--keep]
Builds a SQLite database in a temporary folder (demo data plus `manage.py synth`), serves
Petal with gunicorn on a free loopback port, and reports p50/p95 for each page and its ratio
to the floor (the same middleware, no reads). Ratios, not seconds, are the targets: they hold
from one machine to another. The script exits 1 if a page misses its target.
"""

from __future__ import annotations

import argparse
import sys

from common import database, manage, measure, report, served, sign_in

# page → (floor it is compared with, highest acceptable p50 ratio). The anonymous floor is
# very thin (no session, no user), so template rendering alone makes a public page several
# times it; the targets leave room for that and catch a query per row.
TARGETS = {
    "/": ("anonymous floor", 12.0),
    "/about": ("anonymous floor", 12.0),
    "/dashboard": ("signed-in floor", 6.0),
    "/organisations": ("signed-in floor", 10.0),
    "/users": ("signed-in floor", 10.0),
    "/audit/": ("signed-in floor", 10.0),
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    with database(args.keep) as env:
        manage(
            env,
            "synth",
            "--users",
            str(args.users),
            "--organisations",
            str(args.organisations),
            "--events",
            str(args.events),
        )
        with served(env) as port:
            cookie = sign_in(port, "admin@example.org")
            results = {
                "anonymous floor": measure(port, "/_floor", "", args.requests),
                "signed-in floor": measure(port, "/_floor", cookie, args.requests),
            }
            for path, (floor, _) in TARGETS.items():
                anonymous = floor == "anonymous floor"
                results[path] = measure(port, path, "" if anonymous else cookie, args.requests)
    print(
        f"\n{args.requests} sequential requests each; {args.users} users, "
        f"{args.organisations} extra organisations, {args.events} audit events\n"
    )
    return 0 if report(results, TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
