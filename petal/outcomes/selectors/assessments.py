"""Reading a person's assessments and service use: through the people access rule, in the query,
with an audit event naming the categories read.

A reader sees a tool's assessments only when they may read every category the tool describes
(the NDT assessment: needs and risk); a service-use measure only when they may read its
category. Someone who may see the person but none of these sees nothing here: 404, as for a
person they may not see at all.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from petal.access.categories import Category
from petal.audit.services import audit_record
from petal.core.errors import NotFound
from petal.outcomes import scoring
from petal.outcomes.models import (
    SERVICE_USE_MEASURES,
    Assessment,
    AssessmentAnswer,
    AssessmentItem,
    AssessmentTool,
    ServiceUse,
)
from petal.people.selectors import PersonView, person_get_for

QUARTER_MONTHS = {
    1: "January to March",
    2: "April to June",
    3: "July to September",
    4: "October to December",
}
EARLIEST_YEAR = 2000


# --- quarters ----------------------------------------------------------------------------------


def quarter_start(year: int, quarter: int) -> dt.date:
    """The first day of a quarter (quarter 1 starts in January)."""
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(start: dt.date) -> dt.date:
    last_month = start.month + 2
    return dt.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def days_in_quarter(start: dt.date) -> int:
    return (quarter_end(start) - start).days + 1


def quarter_label(start: dt.date) -> str:
    """ "April to June 2025"."""
    return f"{QUARTER_MONTHS[quarter_of(start)[1]]} {start.year}"


def recent_quarters(count: int = 8, *, today: dt.date | None = None) -> list[tuple[int, int]]:
    """This quarter and the ones before it, newest first (for choosing a quarter)."""
    year, quarter = quarter_of(today or timezone.localdate())
    found = []
    for _ in range(count):
        found.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found


# --- tools -------------------------------------------------------------------------------------


def tool_queryset():
    return AssessmentTool.objects.prefetch_related(
        Prefetch("items", queryset=AssessmentItem.objects.order_by("order"))
    )


def tools_readable(categories) -> list[AssessmentTool]:
    """Every tool whose categories are all among ``categories``, items prefetched."""
    allowed = {str(c) for c in categories}
    return [t for t in tool_queryset() if {str(c) for c in t.categories} <= allowed]


def tool_by_slug(slug: str, *, active_only: bool = True) -> AssessmentTool:
    tools = tool_queryset().filter(slug=slug)
    if active_only:
        tools = tools.filter(active=True)
    tool = tools.first()
    if tool is None:
        raise NotFound("No such assessment")
    return tool


def measures_readable(categories) -> list[tuple[str, str, str]]:
    """The service-use measures (field, label, category) whose category is among these."""
    allowed = {str(c) for c in categories}
    return [m for m in SERVICE_USE_MEASURES if m[2] in allowed]


def could_read_any(categories) -> bool:
    """Whether a reader with these categories sees anything on the assessments page."""
    return bool(tools_readable(categories) or measures_readable(categories))


# --- a person's assessments ----------------------------------------------------------------------


@dataclass
class AssessmentRow:
    """One assessment as the page shows it: every answer with its level, a summary, and the
    change in total since the person's first assessment with this tool."""

    assessment: Assessment
    answers: list[scoring.ScoredAnswer]
    summary: str
    since_first: scoring.Change | None = None


@dataclass
class ToolHistory:
    tool: AssessmentTool
    items: list[AssessmentItem]
    rows: list[AssessmentRow] = field(default_factory=list)  # oldest first
    distance: scoring.Distance | None = None

    @property
    def latest(self) -> AssessmentRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def highest_total(self) -> int | None:
        if not self.tool.has_total:
            return None
        return sum(scoring.highest_score(item) for item in self.items)


@dataclass
class QuarterRow:
    start: dt.date
    label: str
    year: int
    quarter: int
    values: list[int | None]
    note: str


@dataclass
class PersonOutcomes:
    view: PersonView
    histories: list[ToolHistory]
    measures: list[tuple[str, str, str]]
    quarters: list[QuarterRow]

    @property
    def person(self):
        return self.view.person

    @property
    def can_record(self) -> bool:
        return self.view.can_change

    @property
    def name(self) -> str:
        return shown_name(self.view)


def shown_name(view: PersonView) -> str:
    """The person's name for a heading, or their record number when the reader may not read
    who they are."""
    if Category.IDENTITY in view.categories:
        return view.person.full_name
    return f"Person P-{view.person.pk:06d}"


def _answers_by_code(assessment: Assessment, items_by_id: dict[int, AssessmentItem]) -> dict:
    return {
        items_by_id[a.item_id].code: a.score
        for a in assessment.answers.all()
        if a.item_id in items_by_id
    }


def _history(tool: AssessmentTool, assessments: list[Assessment]) -> ToolHistory:
    items = list(tool.items.all())
    by_id = {item.pk: item for item in items}
    history = ToolHistory(tool=tool, items=items)
    first_answers = None
    first_total = None
    for assessment in assessments:
        answers = _answers_by_code(assessment, by_id)
        scored = scoring.answers_of(items, answers)
        row = AssessmentRow(assessment=assessment, answers=scored, summary=scoring.summary(scored))
        if first_answers is None:
            first_answers, first_total = answers, assessment.total
        elif tool.has_total and assessment.total is not None and first_total is not None:
            delta = assessment.total - first_total
            row.since_first = scoring.Change(
                label="Total",
                first=first_total,
                latest=assessment.total,
                change=delta,
                direction=scoring.direction(delta, lower_is_better=tool.lower_is_better),
            )
        history.rows.append(row)
    if len(history.rows) >= 2:
        history.distance = scoring.distance(
            tool, items, first_answers, _answers_by_code(history.rows[-1].assessment, by_id)
        )
        if tool.has_total and history.rows[-1].since_first is not None:
            # The stored totals are what every figure uses.
            history.distance = scoring.Distance(
                total=history.rows[-1].since_first, items=history.distance.items
            )
    return history


def _assessments(person, tools) -> list[Assessment]:
    """One query for the assessments, one for all their answers."""
    return list(
        Assessment.objects.filter(person=person, tool__in=[t.pk for t in tools])
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("answers", queryset=AssessmentAnswer.objects.order_by("item_id"))
        )
        .order_by("assessed_on", "id")
    )


def _quarter_rows(person, measures) -> list[QuarterRow]:
    rows = []
    for use in ServiceUse.objects.filter(person=person).order_by("-quarter"):
        year, quarter = quarter_of(use.quarter)
        rows.append(
            QuarterRow(
                start=use.quarter,
                label=quarter_label(use.quarter),
                year=year,
                quarter=quarter,
                values=[getattr(use, name) for name, _, _ in measures],
                note=use.note,
            )
        )
    return rows


def _categories(tools) -> list[str]:
    return sorted({str(c) for t in tools for c in t.categories})


def person_outcomes(
    actor, person_id: int, *, service_use: bool = True, purpose: str = "assessments"
) -> PersonOutcomes:
    """A person's assessments over time, tool by tool (only the tools whose categories the
    reader may read), with distance travelled from the first to the latest; and their service
    use by quarter (only the measures the reader may read). Not found when the reader may not
    see the person, or may see none of this. Each part read is audited."""
    view = person_get_for(actor, person_id, categories=(Category.IDENTITY,), purpose=purpose)
    allowed = view.access.categories
    tools = tools_readable(allowed)
    if not tools and not measures_readable(allowed):
        raise NotFound("No such person")
    measures = measures_readable(allowed) if service_use else []
    person = view.person
    assessments = _assessments(person, tools) if tools else []
    by_tool: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        by_tool.setdefault(assessment.tool_id, []).append(assessment)
    histories = [
        _history(tool, by_tool.get(tool.pk, []))
        for tool in tools
        if tool.active or tool.pk in by_tool
    ]
    if tools:
        audit_record(
            actor=actor,
            action="person.assessments_read",
            obj=person,
            categories=_categories(tools),
            data={
                "purpose": purpose,
                "tools": [t.slug for t in tools],
                "assessments": [a.pk for a in assessments],
            },
        )
    quarters = []
    if measures:
        quarters = _quarter_rows(person, measures)
        audit_record(
            actor=actor,
            action="person.service_use_read",
            obj=person,
            categories=sorted({m[2] for m in measures}),
            data={"purpose": purpose, "quarters": [q.start.isoformat() for q in quarters]},
        )
    return PersonOutcomes(view=view, histories=histories, measures=measures, quarters=quarters)


@dataclass
class OneAssessment:
    view: PersonView
    tool: AssessmentTool
    row: AssessmentRow
    previous: AssessmentRow | None
    first: AssessmentRow | None

    @property
    def person(self):
        return self.view.person

    @property
    def highest_total(self) -> int | None:
        if not self.tool.has_total:
            return None
        return sum(scoring.highest_score(item) for item in self.tool.items.all())

    @property
    def name(self) -> str:
        return shown_name(self.view)


def assessment_get_for(actor, person_id: int, assessment_id: int) -> OneAssessment:
    """One assessment of a person, every answer with its level text. Not found when the
    reader may not see the person, or may not read every category of the assessment's tool."""
    view = person_get_for(actor, person_id, categories=(Category.IDENTITY,), purpose="assessment")
    allowed = {str(c) for c in view.access.categories}
    assessment = (
        Assessment.objects.filter(pk=assessment_id, person=view.person)
        .select_related("tool", "recorded_by")
        .first()
    )
    if assessment is None or not {str(c) for c in assessment.tool.categories} <= allowed:
        raise NotFound("No such assessment")
    tool = tool_by_slug(assessment.tool.slug, active_only=False)
    # The first and the one before, for "since last time" and "since the first".
    earlier = [
        a
        for a in _assessments(view.person, [tool])
        if (a.assessed_on, a.pk) <= (assessment.assessed_on, assessment.pk)
    ]
    history = _history(tool, earlier)
    row = history.rows[-1]
    audit_record(
        actor=actor,
        action="person.assessments_read",
        obj=view.person,
        categories=_categories([tool]),
        data={"purpose": "assessment", "tools": [tool.slug], "assessments": [assessment.pk]},
    )
    return OneAssessment(
        view=view,
        tool=tool,
        row=row,
        previous=history.rows[-2] if len(history.rows) >= 2 else None,
        first=history.rows[0] if len(history.rows) >= 2 else None,
    )


# --- for the forms -----------------------------------------------------------------------------


@dataclass
class RecordingContext:
    view: PersonView
    tool: AssessmentTool | None = None
    items: list[AssessmentItem] = field(default_factory=list)

    @property
    def person(self):
        return self.view.person

    @property
    def name(self) -> str:
        return shown_name(self.view)


def assessment_form_for(actor, person_id: int, tool_slug: str) -> RecordingContext:
    """For the page that records an assessment: only the person's current trusted person gets
    it (anyone else: not found), and only for an active tool."""
    view = person_get_for(
        actor,
        person_id,
        categories=(Category.IDENTITY,),
        purpose="record assessment",
        require_change=True,
    )
    tool = tool_by_slug(tool_slug)
    return RecordingContext(view=view, tool=tool, items=list(tool.items.all()))


def service_use_form_for(
    actor, person_id: int, *, year: int | None = None, quarter: int | None = None
) -> tuple[RecordingContext, ServiceUse | None]:
    """For the page that records a quarter's service use: only the person's current trusted
    person. With a quarter, what is already recorded for it (its reading is audited)."""
    view = person_get_for(
        actor,
        person_id,
        categories=(Category.IDENTITY,),
        purpose="record service use",
        require_change=True,
    )
    existing = None
    if year is not None and quarter is not None:
        if not (EARLIEST_YEAR <= year <= 9999 and 1 <= quarter <= 4):
            raise NotFound("No such quarter")
        existing = ServiceUse.objects.filter(
            person=view.person, quarter=quarter_start(year, quarter)
        ).first()
        if existing is not None:
            audit_record(
                actor=actor,
                action="person.service_use_read",
                obj=view.person,
                categories=sorted({m[2] for m in SERVICE_USE_MEASURES}),
                data={"purpose": "change", "quarters": [existing.quarter.isoformat()]},
            )
    return RecordingContext(view=view), existing


# --- a small line of totals --------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 280
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 56, 24, 16, 56


def totals_chart(history: ToolHistory) -> dict | None:
    """An accessible SVG line of a tool's totals over time (dates spaced as they fell), with a
    sentence saying what it shows; None when the tool has no total or fewer than two."""
    rows = [r for r in history.rows if r.assessment.total is not None]
    if not history.tool.has_total or len(rows) < 2:
        return None
    top = history.highest_total or 1
    first_day, last_day = rows[0].assessment.assessed_on, rows[-1].assessment.assessed_on
    span = max((last_day - first_day).days, 1)
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def x(day: dt.date) -> float:
        return round(CHART_LEFT + (day - first_day).days / span * plot_w, 1)

    def y(value: float) -> float:
        return round(CHART_TOP + plot_h - value / top * plot_h, 1)

    dots = [
        (
            x(r.assessment.assessed_on),
            y(r.assessment.total),
            f"{r.assessment.assessed_on.day} {r.assessment.assessed_on:%B %Y}: "
            f"{r.assessment.total} of {top}",
        )
        for r in rows
    ]
    ticks = [{"y": y(top * k / 4), "label": f"{top * k / 4:g}"} for k in range(5)]
    labels = [
        {
            "x": x(r.assessment.assessed_on),
            "label": f"{r.assessment.assessed_on:%b}",
            "year": f"{r.assessment.assessed_on:%Y}",
        }
        for r in (rows[0], rows[-1])
    ]
    first, last = rows[0].assessment, rows[-1].assessment
    change = last.total - first.total
    way = scoring.direction(change, lower_is_better=history.tool.lower_is_better)
    described = (
        f"{len(rows)} {history.tool.short_name} assessments from {first.assessed_on.day} "
        f"{first.assessed_on:%B %Y} to {last.assessed_on.day} {last.assessed_on:%B %Y}. "
        f"The total went from {first.total} to {last.total} out of {top}"
        + (
            f": {abs(change)} {'lower' if change < 0 else 'higher'}, which is {way}."
            if change
            else ": no change."
        )
    )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP,
        "bottom": CHART_HEIGHT - CHART_BOTTOM,
        "points": " ".join(f"{px},{py}" for px, py, _ in dots),
        "dots": dots,
        "ticks": ticks,
        "labels": labels,
        "description": described,
        "highest": top,
    }
