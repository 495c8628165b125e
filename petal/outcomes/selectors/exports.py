"""Reads for exports: a reader's own export jobs, a dashboard's table for a download, and the
people in the multiple-disadvantage cohort on a day, as one reader may see them.

The cohort export is person-level, so it follows the people access rule (petal.access.people)
row by row and column by column, all decided in the one database query:

- a person is in it only when they meet the three-of-five rule on the day **and** the reader
  may read their needs (being in the cohort says which areas apply: that is their needs);
- their name only when the reader may read their identity;
- their district and partnership only when their contact details may appear in a list
  (``listed_contact_visibility``: never for someone with a domestic-abuse episode unless the
  reader holds their consent for contact);
- their latest NDT total and its date only when the reader may read every category the NDT
  assessment describes (needs and risk).

Rows are read in chunks (``iterator(chunk_size=…)``), so 100,000 people are never all in memory;
each chunk's areas on the day and latest NDT assessments are read in two more queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.expressions import RawSQL

from petal.access.categories import Category
from petal.access.people import listed_contact_visibility, person_visibility
from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound
from petal.outcomes.models import Assessment, AssessmentTool, ExportJob
from petal.outcomes.tables import Table

NDT = "ndt"
COHORT_HEADER = [
    "Record",
    "Name",
    "District",
    "Partnership",
    "Areas on the day",
    "Number of areas",
    "Latest NDT total",
    "Latest NDT date",
]


# --- the reader's own export jobs ------------------------------------------------------------


def may_export(actor) -> bool:
    """Whether the actor has any kind of export: dashboards (counts) or people (their own)."""
    return can(actor, "outcomes.dashboards") or can(actor, "people.use")


def export_jobs_for(actor, *, limit: int = 50) -> list[ExportJob]:
    """The actor's own exports, newest first (without their files: one query)."""
    if not may_export(actor):
        raise Forbidden("You do not have access to exports")
    return list(
        ExportJob.objects.filter(requested_by=actor)
        .defer("content")
        .order_by("-created_at")[:limit]
    )


def export_job_for(actor, job_id) -> ExportJob:
    """One of the actor's own exports (without its file). Anyone else's is not found."""
    if not may_export(actor):
        raise Forbidden("You do not have access to exports")
    job = ExportJob.objects.filter(pk=job_id, requested_by=actor).defer("content").first()
    if job is None:
        raise NotFound("No such export")
    return job


# --- one dashboard table, for a download -----------------------------------------------------


@dataclass
class TableDownload:
    dashboard: object
    table: Table
    params: dict = field(default_factory=dict)
    caption: str = ""

    def filename(self, fmt: str, today: dt.date) -> str:
        return f"{self.dashboard.slug}-{self.table.slug}-{today:%Y-%m-%d}.{fmt}"


def dashboard_table_download(
    actor, *, slug: str, table: str, fmt: str, params: Mapping[str, str]
) -> TableDownload:
    """A dashboard's table built for the reader with the page's parameters, the same
    suppressed figures as the page; the download is recorded."""
    from petal.outcomes.dashboards import get

    if not can(actor, "outcomes.dashboards"):
        raise Forbidden("You do not have access to the dashboards")
    dashboard = get(slug)
    built = dashboard.build(actor, params)
    found = built.table(table)
    audit_record(
        actor=actor,
        action="export.downloaded",
        data={
            "dashboard": dashboard.slug,
            "table": found.slug,
            "format": fmt,
            "params": {k: str(v) for k, v in (built.params or {}).items()},
        },
    )
    return TableDownload(
        dashboard=dashboard, table=found, params=built.params, caption=built.caption
    )


# --- the people in the cohort on a day -------------------------------------------------------


def _among(ids: list[int]):
    """A chunk's ids for ``field__in``: on PostgreSQL one array parameter (2,000 placeholders
    cost more to build and parse than the query takes to run), elsewhere the plain list."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return ids


def _flag(condition: Q):
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


@dataclass
class CohortExport:
    """The cohort on a day as one reader may see it: ``count()`` people, read by ``chunks()``
    as lists of text cells (``COHORT_HEADER``) with the ids written.

    The one query over people (``queryset``) decides who is in it and what of each the reader
    may see; each chunk then reads its people's areas on the day and latest NDT assessment in
    two more queries (a fixed number per chunk, whatever its size), so the database is never
    asked to work out fifteen correlated subqueries a row."""

    day: dt.date
    queryset: object
    areas: list[dict]
    tool_id: int | None
    ndt_categories: frozenset
    districts: dict[int, str]
    partnerships: dict[int, str]
    header: list[str] = field(default_factory=lambda: list(COHORT_HEADER))
    # Which categories the rows showed (filled in while reading, for the audit event).
    shown: set = field(default_factory=set)

    def count(self) -> int:
        return self.queryset.order_by().count()

    def chunks(self, chunk_size: int = 2000) -> Iterator[tuple[list[int], list[list[str]]]]:
        batch: list[tuple] = []
        rows = self.queryset.values_list(
            "pk", "full_name", "district_id", "may_identity", "may_contact", "may_ndt"
        ).iterator(chunk_size=chunk_size)
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk_size:
                yield self._rows(batch)
                batch = []
        if batch:
            yield self._rows(batch)

    def _areas_of(self, ids: list[int]) -> dict[int, list[str]]:
        from petal.people.disadvantage import covering
        from petal.people.models import NeedEpisode

        order = {a["pk"]: (a["order"], a["name"]) for a in self.areas}
        found: dict[int, set] = {}
        for person_id, area_id in (
            NeedEpisode.objects.filter(covering(self.day), person_id__in=_among(ids))
            .order_by()
            .values_list("person_id", "area_id")
            .distinct()
        ):
            found.setdefault(person_id, set()).add(order[area_id])
        return {pk: [name for _, name in sorted(areas)] for pk, areas in found.items()}

    def _latest_ndt(self, ids: list[int]) -> dict[int, tuple]:
        if self.tool_id is None or not ids:
            return {}
        latest: dict[int, tuple] = {}
        for person_id, on, total in (
            Assessment.objects.filter(
                tool_id=self.tool_id, person_id__in=_among(ids), assessed_on__lte=self.day
            )
            .order_by("person_id", "-assessed_on", "-id")
            .values_list("person_id", "assessed_on", "total")
        ):
            latest.setdefault(person_id, (on, total))
        return latest

    def _rows(self, batch: list[tuple]) -> tuple[list[int], list[list[str]]]:
        ids = [row[0] for row in batch]
        areas = self._areas_of(ids)
        ndt = self._latest_ndt([row[0] for row in batch if row[5]])
        out = []
        for pk, full_name, district_id, may_identity, may_contact, may_ndt in batch:
            names = areas.get(pk, [])
            district = self.districts.get(district_id, "") if may_contact else ""
            on, total = ndt.get(pk, (None, None)) if may_ndt else (None, None)
            if may_identity:
                self.shown.add(Category.IDENTITY)
            if district:
                self.shown.add(Category.CONTACT)
            if on is not None:
                self.shown |= set(self.ndt_categories)
            out.append(
                [
                    f"P-{pk:06d}",
                    full_name if may_identity else "",
                    district,
                    self.partnerships.get(district_id, "") if district else "",
                    "; ".join(names),
                    str(len(names)),
                    "" if total is None else str(total),
                    "" if on is None else on.isoformat(),
                ]
            )
        return ids, out


def cohort_people_export(actor, day: dt.date) -> CohortExport:
    """The people in the multiple-disadvantage cohort on ``day`` whose needs the actor may
    read, with what of each the actor may see decided in the same query (see the module
    docstring). Nothing is read until ``chunks()`` is; the caller records the export."""
    from django.utils import timezone

    from petal.people.disadvantage import area_rows, multiply_disadvantaged_on
    from petal.people.selectors import people_visible_to
    from petal.reference.models import District
    from petal.reference.selectors import coverage_on

    if not can(actor, "people.use"):
        raise Forbidden("Only people who work with people's records can export them")
    today = timezone.localdate()
    tool = AssessmentTool.objects.filter(slug=NDT).first()
    ndt_categories = frozenset(Category(c) for c in (tool.categories if tool else ()))
    may_ndt = Q()
    for category in ndt_categories - {Category.NEEDS}:
        may_ndt &= person_visibility(actor, category)
    people = multiply_disadvantaged_on(people_visible_to(actor, Category.NEEDS), day).annotate(
        may_identity=_flag(person_visibility(actor, Category.IDENTITY)),
        may_contact=_flag(listed_contact_visibility(actor, on=today)),
        may_ndt=_flag(may_ndt) if may_ndt else Value(tool is not None, BooleanField()),
    )
    partnerships: dict[int, str] = {}
    for district_id, name in (
        coverage_on(day)
        .order_by("partnership__name")
        .values_list("district_id", "partnership__name")
    ):
        partnerships.setdefault(district_id, name)
    return CohortExport(
        day=day,
        queryset=people.order_by("pk"),
        areas=area_rows(),
        tool_id=tool.pk if tool else None,
        ndt_categories=ndt_categories,
        districts=dict(District.objects.values_list("pk", "name")),
        partnerships=partnerships,
    )


# --- what each kind of background export is ---------------------------------------------------


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    permission: str
    formats: tuple[str, ...]
    # What the progress counts ("123 of 1,000 rows").
    unit: str


DASHBOARD = "dashboard"
QUARTERLY_REPORT = "quarterly-report"
COHORT_PEOPLE = "cohort-people"
KINDS: dict[str, Kind] = {
    DASHBOARD: Kind(
        DASHBOARD, "Every table of a dashboard", "outcomes.dashboards", ("xlsx",), "tables"
    ),
    QUARTERLY_REPORT: Kind(
        QUARTERLY_REPORT, "Quarterly report", "outcomes.dashboards", ("pdf",), "parts"
    ),
    COHORT_PEOPLE: Kind(COHORT_PEOPLE, "People in the cohort", "people.use", ("csv",), "people"),
}


def kinds_for(actor) -> list[Kind]:
    return [kind for kind in KINDS.values() if can(actor, kind.permission)]


def job_title(job: ExportJob) -> str:
    """What an export is, in plain words, for the list and the job page."""
    params = job.params or {}
    if job.kind == DASHBOARD:
        from petal.outcomes.dashboards import get

        try:
            name = get(params.get("dashboard", "")).title
        except NotFound:
            name = params.get("dashboard") or "a dashboard"
        return f"Every table of {name}"
    if job.kind == QUARTERLY_REPORT:
        from petal.outcomes.report import _CODE, Quarter

        match = _CODE.match(params.get("quarter", ""))
        if match:
            return f"Quarterly report, {Quarter(int(match.group(1)), int(match.group(2))).label}"
        return "Quarterly report"
    if job.kind == COHORT_PEOPLE:
        try:
            day = dt.date.fromisoformat(params.get("on", ""))
        except ValueError:
            return "People in the cohort"
        return f"People in the cohort on {day.day} {day:%B %Y}"
    return "Export"


def job_unit(job: ExportJob) -> str:
    kind = KINDS.get(job.kind)
    return kind.unit if kind else "parts"
