"""People pages and the cohort count at scale (default 100,000 people, ~500,000 episodes).

Run: .venv/bin/python benchmarks/people.py [--people 100000] [--requests 100] [--keep]
Part 1 serves Petal and times the caseload, search and person pages of a trusted person
against the signed-in floor. Part 2 times the multiple-disadvantage cohort for one day, by
partnership (petal.people.disadvantage.cohort_by_partnership) against one hand-written SQL query that
gives the same counts, and checks that both agree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import PY, ROOT, database, manage, measure, report, served, sign_in

# A caseload page works out 25 people's areas and contacts, draws 25 sets of petals and writes
# an audit event; about 17 × the floor was measured at 100,000 people (33 ms p50).
TARGETS = {
    "/people/": ("signed-in floor", 25.0),
    "/people/?q=smith": ("signed-in floor", 25.0),
    "/people/?sort=-last-contact": ("signed-in floor", 25.0),
    "/people/<id>": ("signed-in floor", 12.0),
}
COHORT_TARGET = 2.0  # the ORM's cohort may take at most this many times the hand-written SQL

COHORT_SCRIPT = r"""
import json, os, statistics, time
import django
django.setup()
from django.db import connection
from django.utils import timezone
from petal.people.disadvantage import cohort_by_partnership
from petal.people.models import Person

day = timezone.localdate()
SQL = '''
SELECT pa.name, COUNT(*) FROM (
  SELECT p.id, p.district_id FROM people_person p
  JOIN people_needepisode e ON e.person_id = p.id
  WHERE e.starts_on <= %s AND (e.ends_on IS NULL OR e.ends_on >= %s)
  GROUP BY p.id, p.district_id HAVING COUNT(DISTINCT e.area_id) >= 3
) c
LEFT JOIN reference_partnershipcoverage pc ON pc.district_id = c.district_id
  AND (pc.starts_on IS NULL OR pc.starts_on <= %s) AND (pc.ends_on IS NULL OR pc.ends_on >= %s)
LEFT JOIN reference_partnership pa ON pa.id = pc.partnership_id
GROUP BY pa.name
'''
def orm():
    return cohort_by_partnership(day)
def raw():
    with connection.cursor() as cur:
        cur.execute(SQL, [day, day, day, day])
        return {name or "No partnership recorded": n for name, n in cur.fetchall()}
def timed(fn, n=5):
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter(); result = fn(); times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, result
orm_ms, orm_result = timed(orm)
raw_ms, raw_result = timed(raw)
print(json.dumps({"orm_ms": orm_ms, "raw_ms": raw_ms, "orm": orm_result, "raw": raw_result,
                  "people": Person.objects.count()}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with database(args.keep) as env:
        manage(
            env,
            "synth",
            "--users",
            "1000",
            "--organisations",
            "50",
            "--events",
            "1000",
            "--people",
            str(args.people),
        )
        person_id = (
            manage(
                env,
                "shell",
                "-c",
                "from petal.people.models import Person\n"
                "print(Person.objects.filter(relationships__trusted_person__email="
                "'trusted.person@example.org').order_by('pk').values_list('pk', flat=True).first())",
            )
            .strip()
            .splitlines()[-1]
        )
        with served(env) as port:
            cookie = sign_in(port, "trusted.person@example.org")
            results = {"signed-in floor": measure(port, "/_floor", cookie, args.requests)}
            for path in TARGETS:
                real = path.replace("<id>", person_id)
                results[path] = measure(port, real, cookie, args.requests)
        cohort = json.loads(
            subprocess.run(
                [PY, "-c", COHORT_SCRIPT],
                cwd=ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
    print(f"\n{args.people} synthetic people; {args.requests} sequential requests each\n")
    ok = report(results, TARGETS)
    ratio = cohort["orm_ms"] / cohort["raw_ms"]
    agree = cohort["orm"] == cohort["raw"]
    print(
        f"\ncohort for one day by partnership ({cohort['people']} people): "
        f"ORM {cohort['orm_ms']:.0f} ms, hand-written SQL {cohort['raw_ms']:.0f} ms, "
        f"ratio {ratio:.2f} (target ≤{COHORT_TARGET}); counts agree: {agree}"
    )
    print(f"  {cohort['orm']}")
    return 0 if ok and agree and ratio <= COHORT_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
