"""The outcomes dashboards and the cohort export at scale, on PostgreSQL (default 100,000 people,
~500,000 need episodes, 200,000 referrals, NDT assessments for a third of the people and a year
of quarterly service use for a quarter of them).

Run: .venv/bin/python benchmarks/outcomes.py [--people 100000] [--runs 5] [--keep]
     [--reuse FOLDER] [--strict]

Starts a throwaway PostgreSQL (initdb in a temporary folder, on a free port), migrates it,
loads the demo and the synthetic data (``manage.py synth … --assessments --service-use``), then,
in a separate process with ``django.setup()``:

- each dashboard that reads people's records (cohort, referrals, tell it once, NDT, service
  use): ``get(slug).build(actor, {})`` for programme@example.org against ONE hand-written SQL
  query giving the same figures — the unsuppressed values of the tables' rows are checked
  against the query's before anything is timed — p50 over ``--runs`` runs after a warm-up;
  target: within 1.5×;
- the whole cohort export ("cohort-people", ``export_run`` — the task's body — for
  trusted.person@example.org, made the trusted person of about 20,000 people): against one raw
  SQL query applying the same access rule, its rows written with the csv module; the two files
  must be byte for byte the same; target: within 2×.

The barriers, champions and contributions dashboards read no one's record and are left out.
``--keep`` keeps the database folder (and says where); ``--reuse FOLDER`` starts it again and
skips building. Targets are reported; only ``--strict`` turns a missed one into exit code 1
(figures that disagree always do).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PY, ROOT, environment, free_port, manage  # noqa: E402

DASHBOARD_TARGET = 1.5
EXPORT_TARGET = 2.0
SLUGS = ["cohort", "referrals", "tell-it-once", "ndt", "service-use"]
READER = "trusted.person@example.org"
TEAM = "programme@example.org"
BUILT = "built.json"


# --- a throwaway PostgreSQL -------------------------------------------------------------------


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the postgres user then.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _pg_ctl(folder: Path, *args: str) -> None:
    subprocess.run(
        _as_postgres(["pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "pg.log"), *args]),
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def postgres(reuse: str | None, keep: bool):
    """A PostgreSQL server of our own: (folder, port, fresh). Stopped at the end; its folder
    deleted unless kept or reused."""
    if reuse:
        folder = Path(reuse).resolve()
        fresh = not (folder / BUILT).exists()
    else:
        folder = Path(tempfile.mkdtemp(prefix="petal-bench-pg-"))
        fresh = True
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    if not (folder / "data").exists():
        subprocess.run(
            _as_postgres(
                [
                    "initdb",
                    "-D",
                    str(folder / "data"),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )
    port = free_port()
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB "
        "-c maintenance_work_mem=256MB"
    )
    _pg_ctl(folder, "-w", "-o", options, "start")
    try:
        if fresh:
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "petal"],
                check=False,
                capture_output=True,
            )
        yield folder, port, fresh
    finally:
        _pg_ctl(folder, "-m", "fast", "stop")
        if keep or reuse:
            print(f"The database is kept in {folder} (--reuse {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _inner(env, *args: str) -> str:
    result = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--inner", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"The benchmark's inner step {args[0]} failed")
    return result.stdout


def build(env, args) -> None:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "demo", "--password", "benchmark-password")
    print(f"  migrated and loaded the demo ({time.perf_counter() - started:.0f} s)")
    steps = [
        ("people", ["--people", str(args.people)]),
        ("consents", ["--consents", str(args.people)]),
        ("referrals", ["--referrals", str(args.referrals)]),
        ("meetings", ["--meetings", str(args.meetings)]),
        (
            "assessments and service use",
            ["--assessments", str(args.people // 3), "--service-use", str(args.people // 4)],
        ),
    ]
    for n, (label, options) in enumerate(steps):
        t = time.perf_counter()
        base = ("1000", "50", "1000") if n == 0 else ("0", "0", "0")
        out = manage(
            env,
            *("synth", "--users", base[0], "--organisations", base[1], "--events", base[2]),
            *options,
        )
        made = " ".join(line for line in out.splitlines() if not line.startswith("Made 0 org"))
        print(f"  {label}: {time.perf_counter() - t:.0f} s — {made}")
    t = time.perf_counter()
    print("  " + _inner(env, "setup", str(args.reader_people)).strip().splitlines()[-1])
    print(f"  reader's people, stories read and ANALYZE: {time.perf_counter() - t:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--reader-people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="FOLDER")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--inner", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return inner(args.inner)
    began = time.perf_counter()
    with postgres(args.reuse, args.keep) as (folder, port, fresh):
        env = environment(folder)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/petal"
        if fresh:
            print(f"Building the synthetic database in {folder} …")
            build(env, args)
            (folder / BUILT).write_text(json.dumps(vars(args), default=str))
        else:
            print(f"Reusing the synthetic database in {folder}")
        found = json.loads(_inner(env, "measure", str(args.runs)).strip().splitlines()[-1])
    return report(found, args, time.perf_counter() - began)


def report(found: dict, args, seconds: float) -> int:
    sizes = found["sizes"]
    print(
        f"\n{sizes['people']:,} people, {sizes['episodes']:,} need episodes, "
        f"{sizes['referrals']:,} referrals, {sizes['assessments']:,} NDT assessments "
        f"({sizes['answers']:,} answers), {sizes['service_use']:,} service-use rows, "
        f"{sizes['story_reads']:,} stories read, {sizes['meeting_cases']:,} meeting cases; "
        f"p50 of {args.runs} runs after a warm-up (PostgreSQL {sizes['postgres']})\n"
    )
    print(f"{'what':34} {'Petal ms':>9} {'SQL ms':>9} {'ratio':>7}  target   figures")
    ok_targets, ok_figures = True, True
    for name, row in found["results"].items():
        ratio = row["petal_ms"] / row["sql_ms"]
        limit = EXPORT_TARGET if name.startswith("export") else DASHBOARD_TARGET
        met = ratio <= limit
        ok_targets &= met
        ok_figures &= row["agree"]
        print(
            f"{name:34} {row['petal_ms']:9.1f} {row['sql_ms']:9.1f} {ratio:7.2f}  "
            f"≤{limit:<4} {'ok' if met else 'MISSED'}  "
            f"{'agree' if row['agree'] else 'DISAGREE'} ({row['checked']})"
        )
        for problem in row.get("problems", [])[:10]:
            print(f"    {problem}")
    print(f"\nTotal time {seconds / 60:.1f} minutes")
    if not ok_figures:
        return 1
    return 1 if args.strict and not ok_targets else 0


# --- inside the benchmark's Django process ----------------------------------------------------


def inner(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if argv[0] == "setup":
        setup(int(argv[1]))
    else:
        print(json.dumps(measure(int(argv[1]))))
    return 0


def setup(reader_people: int) -> None:
    """The export's reader becomes a trusted person of ``reader_people`` people (non-lead
    relationships beside their own lead trusted person); about 60,000 stories read under
    consent over the past year (tell it once); then ANALYZE, as a live database would have."""
    import datetime as dt
    import random

    from django.db import connection
    from django.utils import timezone

    from petal.access.policy import PEOPLE_ROLES
    from petal.accounts.models import Membership, User
    from petal.consent.models import StoryReuse
    from petal.people.models import Person, TrustedRelationship

    rng = random.Random(7)  # noqa: S311 - synthetic data
    today = timezone.localdate()
    reader = User.objects.get(email=READER)
    theirs = set(
        TrustedRelationship.objects.filter(trusted_person=reader).values_list(
            "person_id", flat=True
        )
    )
    people = list(Person.objects.values_list("pk", "programme_area_id"))
    extra = [p for p in people if p[0] not in theirs]
    chosen = rng.sample(extra, max(0, min(len(extra), reader_people - len(theirs))))
    TrustedRelationship.objects.bulk_create(
        [
            TrustedRelationship(
                programme_area_id=area,
                person_id=pk,
                trusted_person=reader,
                kind="professional",
                starts_on=today - dt.timedelta(days=rng.randrange(30, 600)),
                is_lead=False,
            )
            for pk, area in chosen
        ],
        batch_size=5000,
    )
    readers = list(
        Membership.objects.filter(role__in=PEOPLE_ROLES).values_list("user_id", "organisation_id")
    )
    now = timezone.now()
    reads = []
    for _ in range(60_000):
        pk, area = rng.choice(people)
        user, org = rng.choice(readers)
        day = today - dt.timedelta(days=rng.randrange(0, 365))
        reads.append(
            StoryReuse(
                programme_area_id=area,
                person_id=pk,
                reader_id=user,
                organisation_id=org,
                read_on=day,
                read_at=now - dt.timedelta(days=(today - day).days),
            )
        )
    StoryReuse.objects.bulk_create(reads, batch_size=5000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"{reader.email} is a trusted person of "
        f"{TrustedRelationship.objects.filter(trusted_person=reader).count():,} people; "
        f"{StoryReuse.objects.count():,} stories read"
    )


def _timed(fn, runs: int):
    result = fn()  # warm-up (and the result that is checked)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _sql(query: str, params) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _same(a, b) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        # Averages and medians are rounded to one decimal place on both sides, from floats.
        return a is not None and b is not None and abs(float(a) - float(b)) < 0.051
    return a == b


def _compare(petal: dict, sql: dict, empty) -> tuple[bool, list[str], int]:
    problems = []
    for key in sorted(set(petal) | set(sql), key=repr):
        mine, theirs = petal.get(key, empty), sql.get(key, empty)
        if not _same(mine, theirs):
            problems.append(f"{key}: Petal {mine!r}, SQL {theirs!r}")
    return not problems, problems, len(petal)


def _days(us) -> float | None:
    return None if us is None else round(float(us) / 86_400_000_000, 1)


# -- cohort --


# One pass over the episodes: for each person and area, which of the days (the day asked for,
# then the first of each of the last 12 months) an episode covers, as bits; then per person the
# areas on the day (a mask) and how many areas on each day.
COHORT_SQL = """
WITH ea AS (
  SELECT e.person_id, 1 << (a."order" - 1) AS bit, bit_or({covers}) AS dm
  FROM people_needepisode e JOIN reference_areaofdisadvantage a ON a.id = e.area_id
  WHERE e.starts_on <= %(last)s AND (e.ends_on IS NULL OR e.ends_on >= %(first)s)
  GROUP BY e.person_id, a."order"
), pp AS (
  SELECT person_id, bit_or(CASE WHEN dm & 1 = 1 THEN bit ELSE 0 END) AS mask, {counts}
  FROM ea GROUP BY person_id
)
SELECT 'day', v.i, NULL::bigint, count(*)
FROM pp, LATERAL (VALUES {pairs}) AS v(i, areas) WHERE v.areas >= 3 GROUP BY v.i
UNION ALL
SELECT 'mask', NULL, mask, count(*) FROM pp WHERE c0 >= 3 GROUP BY mask
UNION ALL
SELECT 'district', NULL, p.district_id, count(*)
FROM pp JOIN people_person p ON p.id = pp.person_id WHERE pp.c0 >= 3
GROUP BY p.district_id
"""


def _cohort_sql(n: int) -> str:
    covers = " | ".join(
        f"CASE WHEN e.starts_on <= %(d{i})s AND (e.ends_on IS NULL OR e.ends_on >= %(d{i})s) "
        f"THEN {1 << i} ELSE 0 END"
        for i in range(n)
    )
    counts = ", ".join(f"sum((dm >> {i}) & 1) AS c{i}" for i in range(n))
    pairs = ", ".join(f"({i}, c{i})" for i in range(n))
    return COHORT_SQL.format(covers=covers, counts=counts, pairs=pairs)


def cohort_spec():
    from petal.outcomes.dashboards.common import month_starts, today
    from petal.reference.models import District

    day = today()
    days = month_starts(day, 12)
    codes = dict(District.objects.values_list("pk", "code"))

    def from_sql(rows):
        out = {}
        for kind, i, key, n in rows:
            if kind == "day":
                if i > 0:
                    out[("day", days[i - 1].isoformat())] = n
            elif kind == "mask":
                out[("mask", key)] = n
            else:
                out[("district", codes.get(key, ""))] = n
        return out

    def from_built(built):
        out = {}
        for row in built.table("by-partnership").rows:
            if str(row.key).startswith("district:"):
                out[("district", row.key.removeprefix("district:"))] = row.values[0]
        for row in built.table("combinations").rows:
            if isinstance(row.key, int):
                out[("mask", row.key)] = row.values[0]
        for row in built.table("over-time").rows:
            out[("day", row.key)] = row.values[0]
        return out

    every = [day, *days]
    params = {f"d{i}": d for i, d in enumerate(every)} | {"first": min(every), "last": max(every)}
    return _cohort_sql(len(every)), params, from_sql, from_built, 0


# -- referrals and time to access --


REFERRALS_SQL = """
SELECT GROUPING(sent_month, partnership_id, service_id, district_id) AS g,
       sent_month, partnership_id, service_id, district_id,
       count(*) AS sent, count({wait}) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY {wait}) AS median,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY {wait}) AS p90
FROM referrals_referral
WHERE sent_month >= %(since)s
GROUP BY GROUPING SETS (
  (sent_month, partnership_id), (sent_month), (service_id), (partnership_id), (district_id)
)
"""


def referrals_spec():
    from petal.outcomes.dashboards.common import month_starts, today
    from petal.outcomes.dashboards.referrals import NONE
    from petal.reference.models import District, Partnership
    from petal.referrals import measures

    since = month_starts(today(), 12)[0]
    wait = measures._wait_field(measures.DEFAULT_MEASURE)
    by_name = dict(Partnership.objects.values_list("name", "pk"))
    by_slug = dict(Partnership.objects.values_list("slug", "pk"))
    by_code = dict(District.objects.values_list("code", "pk"))

    def figure(n, median, p90):
        return [n, _days(median), _days(p90)] if n else [0, None, None]

    def from_sql(rows):
        out = {}
        for g, month, partnership, service, district, sent, n, median, p90 in rows:
            if g == 0b0011:
                out[("sent", month.isoformat(), partnership)] = sent
            elif g == 0b0111:
                out[("month", month.isoformat())] = figure(n, median, p90)
            elif g == 0b1101:
                out[("service", str(service))] = figure(n, median, p90)
            elif g == 0b1011 and partnership is not None:
                out[("partnership", partnership)] = figure(n, median, p90)
            elif g == 0b1110 and district is not None:
                out[("district", district)] = figure(n, median, p90)
        return {k: v for k, v in out.items() if v not in (0, [0, None, None])}

    def from_built(built):
        out = {}
        sent = built.table("referrals-by-month")
        for row in sent.rows:
            for column, value in zip(sent.columns, row.values, strict=True):
                pk = None if column.label == NONE else by_name[column.label]
                out[("sent", row.key, pk)] = value
        for row in built.table("time-to-access-by-month").rows:
            out[("month", row.key)] = list(row.values)
        for row in built.table("time-to-access-by-service").rows:
            out[("service", row.key)] = list(row.values)
        for row in built.table("time-to-access-by-area").rows:
            if row.section == "Partnerships":
                out[("partnership", by_slug[row.key])] = list(row.values)
            else:
                out[("district", by_code[row.key])] = list(row.values)
        return {k: v for k, v in out.items() if v not in (0, [0, None, None])}

    return REFERRALS_SQL.format(wait=wait), {"since": since}, from_sql, from_built, 0


# -- tell it once --


TELL_IT_ONCE_SQL = """
SELECT 'read', date_trunc('month', read_on)::date, count(*), 0
FROM consent_storyreuse WHERE read_on >= %(since)s GROUP BY 2
UNION ALL
SELECT 'meeting', date_trunc('month', m.starts_at AT TIME ZONE %(tz)s)::date,
       count(*) FILTER (WHERE c.retold = 'no'), count(*) FILTER (WHERE c.retold = 'yes')
FROM meetings_meetingcase c JOIN meetings_meeting m ON m.id = c.meeting_id
WHERE c.retold <> '' AND (m.starts_at AT TIME ZONE %(tz)s)::date >= %(since)s
GROUP BY 2
"""


def tell_it_once_spec():
    from django.conf import settings

    from petal.outcomes.dashboards.common import month_starts, today

    months = month_starts(today(), 12)

    def from_sql(rows):
        out = {m.isoformat(): [0, 0, 0] for m in months}
        for kind, month, a, b in rows:
            if month.isoformat() in out:
                if kind == "read":
                    out[month.isoformat()][0] = a
                else:
                    out[month.isoformat()][1:] = [a, b]
        return out

    def from_built(built):
        return {row.key: list(row.values) for row in built.table("tell-it-once-by-month").rows}

    params = {"since": months[0], "tz": settings.TIME_ZONE}
    return TELL_IT_ONCE_SQL, params, from_sql, from_built, [0, 0, 0]


# -- NDT distance travelled --


NDT_SQL = """
WITH a AS (
  SELECT id, person_id, total,
         row_number() OVER (PARTITION BY person_id ORDER BY assessed_on, recorded_at, id) AS rf,
         row_number() OVER (PARTITION BY person_id
                            ORDER BY assessed_on DESC, recorded_at DESC, id DESC) AS rl
  FROM outcomes_assessment
  WHERE tool_id = (SELECT id FROM outcomes_assessmenttool WHERE slug = 'ndt')
    AND total IS NOT NULL
), pairs AS (
  SELECT person_id,
         max(id) FILTER (WHERE rf = 1) AS first_id, max(total) FILTER (WHERE rf = 1) AS first_total,
         max(id) FILTER (WHERE rl = 1) AS latest_id, max(total) FILTER (WHERE rl = 1) AS latest_total
  FROM a GROUP BY person_id HAVING count(*) >= 2
), cover AS (
  SELECT DISTINCT ON (district_id) district_id, partnership_id
  FROM reference_partnershipcoverage
  WHERE (starts_on IS NULL OR starts_on <= %(today)s) AND (ends_on IS NULL OR ends_on >= %(today)s)
  ORDER BY district_id, starts_on DESC NULLS FIRST, id DESC
)
SELECT 'partnership', c.partnership_id, GROUPING(c.partnership_id), count(*),
       avg(pairs.first_total), avg(pairs.latest_total),
       count(*) FILTER (WHERE pairs.latest_total < pairs.first_total),
       count(*) FILTER (WHERE pairs.latest_total = pairs.first_total)
FROM pairs JOIN people_person p ON p.id = pairs.person_id
LEFT JOIN cover c ON c.district_id = p.district_id
GROUP BY ROLLUP (c.partnership_id)
UNION ALL
SELECT 'item', i.id, 0, count(*), avg(f.score), avg(l.score),
       count(*) FILTER (WHERE CASE WHEN i.lower_is_better THEN l.score < f.score
                                   ELSE l.score > f.score END),
       count(*) FILTER (WHERE l.score = f.score)
FROM pairs
JOIN outcomes_assessmentanswer f ON f.assessment_id = pairs.first_id
JOIN outcomes_assessmentanswer l ON l.assessment_id = pairs.latest_id AND l.item_id = f.item_id
JOIN outcomes_assessmentitem i ON i.id = f.item_id
GROUP BY i.id
"""


def ndt_spec():
    from petal.outcomes.dashboards.common import today
    from petal.outcomes.models import AssessmentItem
    from petal.reference.models import Partnership

    slugs = dict(Partnership.objects.values_list("pk", "slug"))
    codes = dict(AssessmentItem.objects.filter(tool__slug="ndt").values_list("pk", "code"))

    def figures(n, first, latest, better, same):
        first, latest = float(first), float(latest)
        return [n, round(first, 1), round(latest, 1), round(latest - first, 1), better, same,
                n - better - same]  # fmt: skip

    def from_sql(rows):
        out = {}
        for kind, key, rolled, n, first, latest, better, same in rows:
            if kind == "item":
                out[("item", codes[key])] = figures(n, first, latest, better, same)
            elif rolled:
                out[("partnership", "all")] = figures(n, first, latest, better, same)
            else:
                out[("partnership", slugs.get(key, ""))] = figures(n, first, latest, better, same)
        return out

    def from_built(built):
        out = {}
        for row in built.table("ndt-by-partnership").rows:
            out[("partnership", row.key)] = list(row.values)
        for row in built.table("ndt-by-item").rows:
            out[("item", row.key)] = list(row.values)
        return {k: v for k, v in out.items() if v[0]}

    return NDT_SQL, {"today": today()}, from_sql, from_built, [0, None, None, None, 0, 0, 0]


# -- service use --


def service_use_spec():
    from petal.outcomes.dashboards.common import quarter_starts, today
    from petal.outcomes.dashboards.service_use import QUARTERS
    from petal.outcomes.models import SERVICE_USE_MEASURES

    fields = [f for f, _, _ in SERVICE_USE_MEASURES]
    quarters = quarter_starts(today(), QUARTERS)
    columns = ", ".join(f"count({f}), sum({f})" for f in fields)
    sql = (
        f"SELECT quarter, {columns} FROM outcomes_serviceuse "  # noqa: S608 - fixed names
        "WHERE quarter >= %(since)s GROUP BY quarter"
    )

    def from_sql(rows):
        found = {row[0]: row[1:] for row in rows}
        out = {}
        for i, field in enumerate(fields):
            for q in quarters:
                n, total = (found.get(q) or [0] * (2 * len(fields)))[2 * i : 2 * i + 2]
                out[f"{field}:{q.isoformat()}"] = (
                    [n, total, round(total / n, 1)] if n else [0, None, None]
                )
        return out

    def from_built(built):
        return {row.key: list(row.values) for row in built.table("service-use-by-quarter").rows}

    return sql, {"since": quarters[0]}, from_sql, from_built, [0, None, None]


SPECS = {
    "cohort": cohort_spec,
    "referrals": referrals_spec,
    "tell-it-once": tell_it_once_spec,
    "ndt": ndt_spec,
    "service-use": service_use_spec,
}


# -- the cohort export --


EXPORT_SQL = """
WITH rel AS (
  SELECT person_id FROM people_trustedrelationship
  WHERE trusted_person_id = %(me)s AND starts_on <= %(today)s
    AND (ends_on IS NULL OR ends_on > %(today)s)
), glass AS (
  SELECT person_id FROM consent_breakglass
  WHERE opened_by_id = %(me)s AND opened_at <= %(now)s AND expires_at > %(now)s
    AND closed_at IS NULL
), cons AS (
  SELECT person_id, bit_or(category_bits) AS bits FROM consent_consent
  WHERE starts_on <= %(today)s AND ends_on >= %(today)s AND withdrawn_at IS NULL
    AND (grantee_user_id = %(me)s OR grantee_organisation_id = ANY(%(orgs)s::bigint[])
         OR grantee_partnership_id = ANY(%(partnerships)s::bigint[]))
  GROUP BY person_id
), access AS (
  SELECT person_id, bit_or(bits) AS bits FROM (
    SELECT person_id, %(all)s AS bits FROM rel
    UNION ALL SELECT person_id, %(all)s FROM glass
    UNION ALL SELECT person_id, bits FROM cons
  ) x GROUP BY person_id
), cohort AS (
  SELECT e.person_id, bit_or(a.bit) AS mask
  FROM people_needepisode e
  JOIN (SELECT id, 1 << ("order" - 1) AS bit FROM reference_areaofdisadvantage) a
    ON a.id = e.area_id
  JOIN access ac ON ac.person_id = e.person_id AND ac.bits & %(needs)s <> 0
  WHERE e.starts_on <= %(day)s AND (e.ends_on IS NULL OR e.ends_on >= %(day)s)
  GROUP BY e.person_id
  HAVING bit_count(bit_or(a.bit)::bit(5)) >= 3
)
SELECT p.id, p.full_name, d.name, cov.name, c.mask, ndt.total, ndt.assessed_on,
       ac.bits & %(identity)s <> 0,
       (ac.bits & %(contact)s <> 0 AND NOT EXISTS (
          SELECT 1 FROM people_needepisode x
          WHERE x.person_id = p.id AND x.area_id = %(abuse)s))
       OR coalesce(cons.bits & %(contact)s <> 0, false),
       ac.bits & %(ndt)s = %(ndt)s
FROM cohort c
JOIN people_person p ON p.id = c.person_id
JOIN access ac ON ac.person_id = p.id
LEFT JOIN cons ON cons.person_id = p.id
LEFT JOIN reference_district d ON d.id = p.district_id
LEFT JOIN LATERAL (
  SELECT pa.name FROM reference_partnershipcoverage pc
  JOIN reference_partnership pa ON pa.id = pc.partnership_id
  WHERE pc.district_id = p.district_id
    AND (pc.starts_on IS NULL OR pc.starts_on <= %(day)s)
    AND (pc.ends_on IS NULL OR pc.ends_on >= %(day)s)
  ORDER BY pa.name LIMIT 1
) cov ON true
LEFT JOIN LATERAL (
  SELECT total, assessed_on FROM outcomes_assessment
  WHERE person_id = p.id AND tool_id = %(tool)s AND assessed_on <= %(day)s
  ORDER BY assessed_on DESC, id DESC LIMIT 1
) ndt ON true
ORDER BY p.id
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_by_hand(reader, day) -> bytes:
    """The cohort export's file from one raw query and the csv module."""
    import csv
    import io

    from django.db import connection
    from django.utils import timezone

    from petal.access.categories import Category
    from petal.access.people import consent_scope
    from petal.consent.models import ALL_BITS, CATEGORY_BIT
    from petal.outcomes.models import AssessmentTool
    from petal.outcomes.selectors.exports import COHORT_HEADER
    from petal.reference.models import AreaOfDisadvantage

    orgs, partnerships = consent_scope(reader)
    tool = AssessmentTool.objects.get(slug="ndt")
    areas = list(AreaOfDisadvantage.objects.order_by("order").values_list("order", "name"))
    names = {
        mask: "; ".join(name for order, name in areas if mask & 1 << (order - 1))
        for mask in range(32)
    }
    params = {
        "me": reader.pk,
        "today": timezone.localdate(),
        "now": timezone.now(),
        "day": day,
        "orgs": orgs,
        "partnerships": partnerships,
        "all": ALL_BITS,
        "needs": CATEGORY_BIT[Category.NEEDS],
        "identity": CATEGORY_BIT[Category.IDENTITY],
        "contact": CATEGORY_BIT[Category.CONTACT],
        "ndt": sum(CATEGORY_BIT[Category(c)] for c in tool.categories),
        "abuse": AreaOfDisadvantage.objects.get(code="domestic-abuse").pk,
        "tool": tool.pk,
    }

    def safe(value):
        return "'" + value if value.startswith(FORMULA_START) else value

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COHORT_HEADER)
    with connection.cursor() as cursor:
        cursor.execute(EXPORT_SQL, params)
        while rows := cursor.fetchmany(2000):
            for pk, name, district, partnership, mask, total, on, who, contact, ndt in rows:
                writer.writerow(
                    [
                        f"P-{pk:06d}",
                        safe(name) if who else "",
                        safe(district or "") if contact else "",
                        safe(partnership or "") if contact and district else "",
                        safe(names[mask]),
                        str(mask.bit_count()),
                        "" if not ndt or total is None else str(total),
                        "" if not ndt or on is None else on.isoformat(),
                    ]
                )
    return out.getvalue().encode("utf-8")


def export_by_petal(reader, day) -> tuple[float, bytes]:
    from petal.outcomes.models import ExportJob, ExportStatus
    from petal.outcomes.services.exports import export_run

    job = ExportJob.objects.create(
        requested_by=reader, kind="cohort-people", format="csv", params={"on": day.isoformat()}
    )
    started = time.perf_counter()
    status = export_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    if status != ExportStatus.DONE:
        raise SystemExit(f"The cohort export failed: {ExportJob.objects.get(pk=job.pk).error}")
    return elapsed, bytes(ExportJob.objects.values_list("content", flat=True).get(pk=job.pk))


def measure(runs: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from petal.accounts.models import User
    from petal.consent.models import StoryReuse
    from petal.meetings.models import MeetingCase
    from petal.outcomes.dashboards import get
    from petal.outcomes.models import Assessment, AssessmentAnswer, ServiceUse
    from petal.people.models import NeedEpisode, Person
    from petal.referrals.models import Referral

    team = User.objects.get(email=TEAM)
    results = {}
    for slug in SLUGS:
        sql, params, from_sql, from_built, empty = SPECS[slug]()
        dashboard = get(slug)
        petal_ms, built = _timed(lambda d=dashboard: d.build(team, {}), runs)
        sql_ms, rows = _timed(lambda q=sql, p=params: _sql(q, p), runs)
        agree, problems, checked = _compare(from_built(built), from_sql(rows), empty)
        results[slug] = {
            "petal_ms": petal_ms,
            "sql_ms": sql_ms,
            "agree": agree,
            "problems": problems,
            "checked": f"{checked} rows",
        }
    reader = User.objects.get(email=READER)
    day = timezone.localdate()
    petal_times, sql_times = [], []
    _, petal_file = export_by_petal(reader, day)  # warm-up, and the file checked
    hand_file = export_by_hand(reader, day)
    for _ in range(runs):
        elapsed, _ = export_by_petal(reader, day)
        petal_times.append(elapsed * 1000)
        started = time.perf_counter()
        export_by_hand(reader, day)
        sql_times.append((time.perf_counter() - started) * 1000)
    petal_rows = petal_file.count(b"\n") - 1
    hand_rows = hand_file.count(b"\n") - 1
    results[f"export cohort-people ({petal_rows:,} rows)"] = {
        "petal_ms": statistics.median(petal_times),
        "sql_ms": statistics.median(sql_times),
        "agree": petal_file == hand_file and petal_rows == hand_rows,
        "problems": []
        if petal_file == hand_file
        else [f"rows: Petal {petal_rows}, SQL {hand_rows}; the files differ"],
        "checked": f"{petal_rows:,} rows, same bytes" if petal_file == hand_file else "",
    }
    sizes = {
        "people": Person.objects.count(),
        "episodes": NeedEpisode.objects.count(),
        "referrals": Referral.objects.count(),
        "assessments": Assessment.objects.count(),
        "answers": AssessmentAnswer.objects.count(),
        "service_use": ServiceUse.objects.count(),
        "story_reads": StoryReuse.objects.count(),
        "meeting_cases": MeetingCase.objects.exclude(retold="").count(),
        "postgres": connection.pg_version,
    }
    return {"results": results, "sizes": sizes}


if __name__ == "__main__":
    sys.exit(main())
