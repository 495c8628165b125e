"""Reads of trauma-informed self-assessments and staff training records.

An organisation's assessments and training are for its own workers and the programme team
(``petal.access.programme``): anyone else is answered as if they did not exist. The programme
team also sees every organisation side by side. Nothing here is personal data (ratings,
evidence about buildings and practice, counts of staff trained), so reads are not audited.

Every page is a fixed handful of queries, whatever the number of organisations, assessments
or items: answers are read in one query and arranged here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum

from petal.access.programme import (
    may_assess,
    may_see_assessments,
    organisations_filter,
    sees_every_organisation,
)
from petal.accounts.models import Organisation
from petal.core.errors import Forbidden, NotFound
from petal.programme.models import (
    ChecklistItem,
    ChecklistSection,
    Rating,
    SelfAssessment,
    SelfAssessmentAnswer,
    TrainingCourse,
    TrainingRecord,
)

SECTIONS = list(ChecklistSection.choices)
COURSES = list(TrainingCourse.choices)


def _id(value, what: str) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError):
        raise NotFound(f"No such {what}") from None
    if found < 1 or found > 2**31 - 1:
        raise NotFound(f"No such {what}")
    return found


def average(ratings) -> float | None:
    """The mean of the ratings given (unrated items left out), to one decimal place."""
    given = [r for r in ratings if r]
    return round(sum(given) / len(given), 1) if given else None


def rating_label(value) -> str:
    return Rating(value).label if value in Rating.values else ""


def organisations_for(actor) -> QuerySet[Organisation]:
    """The organisations whose assessments the actor may see: their own, or every one for the
    programme team."""
    rule = organisations_filter(actor)
    if rule is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(**rule).order_by("name")


def _training_totals(organisation_ids=None) -> dict[int, dict[str, int]]:
    """{organisation id: {course: staff trained}}, in one query."""
    rows = TrainingRecord.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows.values("organisation_id", "course").annotate(staff=Sum("staff_trained")):
        totals[row["organisation_id"]][row["course"]] = row["staff"]
    return totals


# --- /self-assessment/ ------------------------------------------------------------------------


@dataclass
class HomeRow:
    organisation: Organisation
    in_progress: SelfAssessment | None = None
    last_submitted: SelfAssessment | None = None
    submitted_count: int = 0
    staff_trained: int = 0


@dataclass
class HomeView:
    rows: list[HomeRow]
    sees_every: bool
    # (id, name) of every organisation, for the programme team to start one for any.
    all_organisations: list[tuple[int, str]] = field(default_factory=list)


def assessment_home(actor) -> HomeView:
    """The organisations on the actor's home page: a worker's own; for the programme team,
    every organisation that has assessed itself or recorded training (and the list of all
    organisations, to start one for any). Four queries."""
    every = sees_every_organisation(actor)
    organisations = organisations_for(actor)
    if every:
        organisations = organisations.filter(
            Q(pk__in=SelfAssessment.objects.values("organisation_id"))
            | Q(pk__in=TrainingRecord.objects.values("organisation_id"))
        )
    rows = {o.pk: HomeRow(organisation=o) for o in organisations}
    assessments = SelfAssessment.objects.filter(organisation_id__in=list(rows)).order_by(
        "started_at", "id"
    )
    for assessment in assessments:
        row = rows[assessment.organisation_id]
        if assessment.submitted_at:
            row.submitted_count += 1
            if (
                row.last_submitted is None
                or assessment.submitted_at >= row.last_submitted.submitted_at
            ):
                row.last_submitted = assessment
        else:
            row.in_progress = assessment
    for org_id, courses in _training_totals(rows).items():
        rows[org_id].staff_trained = sum(courses.values())
    return HomeView(
        rows=list(rows.values()),
        sees_every=every,
        all_organisations=(
            list(Organisation.objects.order_by("name").values_list("id", "name")) if every else []
        ),
    )


# --- one assessment ------------------------------------------------------------------------------


@dataclass
class Question:
    item: ChecklistItem
    answer: SelfAssessmentAnswer | None

    @property
    def rating_label(self) -> str:
        return rating_label(self.answer.rating) if self.answer else ""


@dataclass
class AssessmentView:
    assessment: SelfAssessment
    organisation: Organisation
    # [(section label, [Question, …]), …] in checklist order.
    sections: list[tuple[str, list[Question]]]
    may_change: bool

    @property
    def questions(self) -> list[Question]:
        return [q for _label, questions in self.sections for q in questions]


def _grouped(items, answers: dict) -> list[tuple[str, list[Question]]]:
    by_section: dict[str, list[Question]] = defaultdict(list)
    for item in items:
        by_section[item.section].append(Question(item=item, answer=answers.get(item.pk)))
    return [(label, by_section[code]) for code, label in SECTIONS if by_section.get(code)]


def assessment_get_for(actor, assessment_id) -> AssessmentView:
    """One assessment with its checklist grouped by section. Missing, or of an organisation
    the actor may not see: NotFound. An assessment in progress shows every active item; a
    submitted one shows what was answered."""
    assessment = (
        SelfAssessment.objects.select_related("organisation", "started_by", "submitted_by")
        .filter(pk=_id(assessment_id, "self-assessment"))
        .first()
    )
    if assessment is None or not may_see_assessments(actor, assessment.organisation_id):
        raise NotFound("No such self-assessment")
    answers = {
        a.item_id: a
        for a in SelfAssessmentAnswer.objects.filter(assessment=assessment).select_related("item")
    }
    items = ChecklistItem.objects.order_by("order", "id")
    if assessment.submitted_at:
        items = items.filter(pk__in=list(answers))
    else:
        items = items.filter(Q(active=True) | Q(pk__in=list(answers)))
    return AssessmentView(
        assessment=assessment,
        organisation=assessment.organisation,
        sections=_grouped(items, answers),
        may_change=not assessment.submitted_at and may_assess(actor, assessment.organisation_id),
    )


# --- an organisation's progress --------------------------------------------------------------


@dataclass
class ProgressRow:
    item: ChecklistItem
    # One rating (or None) per submitted assessment, oldest first.
    ratings: list[int | None]

    @property
    def cells(self) -> list[tuple[int | None, str]]:
        return [(r, rating_label(r)) for r in self.ratings]


@dataclass
class OrganisationView:
    organisation: Organisation
    submitted: list[SelfAssessment]
    in_progress: SelfAssessment | None
    # [(section label, [ProgressRow, …]), …]
    rows: list[tuple[str, list[ProgressRow]]]
    # [(section label, [average per submitted assessment]), …]
    averages: list[tuple[str, list[float | None]]]
    training: list[TrainingRecord]
    # [(course label, staff trained), …] for every course with any.
    training_totals: list[tuple[str, int]]
    may_assess: bool


def organisation_by_slug_for(actor, slug: str) -> Organisation:
    """An organisation whose assessments the actor may see; NotFound otherwise."""
    organisation = Organisation.objects.filter(slug=str(slug)[:120]).first()
    if organisation is None or not may_see_assessments(actor, organisation.pk):
        raise NotFound("No such organisation")
    return organisation


def organisation_progress(actor, slug: str) -> OrganisationView:
    """An organisation's submitted assessments side by side in time (items × dates, and the
    average rating of each section), its assessment in progress, and its training records with
    totals per course. A fixed number of queries."""
    organisation = organisation_by_slug_for(actor, slug)
    assessments = list(
        SelfAssessment.objects.filter(organisation=organisation)
        .select_related("submitted_by")
        .order_by("submitted_at", "started_at", "id")
    )
    submitted = [a for a in assessments if a.submitted_at]
    in_progress = next((a for a in reversed(assessments) if not a.submitted_at), None)
    ratings: dict[int, dict[int, int | None]] = defaultdict(dict)
    item_ids = set()
    for assessment_id, item_id, rating in SelfAssessmentAnswer.objects.filter(
        assessment__in=[a.pk for a in submitted]
    ).values_list("assessment_id", "item_id", "rating"):
        ratings[item_id][assessment_id] = rating
        item_ids.add(item_id)
    items = list(ChecklistItem.objects.filter(pk__in=item_ids).order_by("order", "id"))
    by_section: dict[str, list[ProgressRow]] = defaultdict(list)
    for item in items:
        by_section[item.section].append(
            ProgressRow(item=item, ratings=[ratings[item.pk].get(a.pk) for a in submitted])
        )
    rows = [(label, by_section[code]) for code, label in SECTIONS if by_section.get(code)]
    averages = [
        (
            label,
            [average(row.ratings[i] for row in section_rows) for i in range(len(submitted))],
        )
        for label, section_rows in rows
    ]
    training = list(
        TrainingRecord.objects.filter(organisation=organisation).order_by("-completed_on", "-id")
    )
    totals = _training_totals([organisation.pk]).get(organisation.pk, {})
    return OrganisationView(
        organisation=organisation,
        submitted=submitted,
        in_progress=in_progress,
        rows=rows,
        averages=averages,
        training=training,
        training_totals=[(label, totals[code]) for code, label in COURSES if code in totals],
        may_assess=may_assess(actor, organisation.pk),
    )


# --- side by side, for the programme team -----------------------------------------------------


@dataclass
class CompareRow:
    organisation: Organisation
    latest: SelfAssessment | None
    # One average per section (SECTIONS order), and one rating per item (items order).
    section_averages: list[float | None]
    ratings: list[int | None]
    # Staff trained per course (COURSES order).
    training: list[int]

    @property
    def rating_cells(self) -> list[tuple[int | None, str]]:
        return [(r, rating_label(r)) for r in self.ratings]


@dataclass
class CompareView:
    sections: list[str]
    items: list[ChecklistItem]
    courses: list[str]
    rows: list[CompareRow]
    training_totals: list[int]


def assessment_compare(actor) -> CompareView:
    """Every organisation that has submitted an assessment or recorded training, side by side:
    the average rating per section and each item's rating in its latest submitted assessment
    (and its date), and staff trained per course. For the programme team alone. Five queries,
    however many organisations and assessments there are."""
    if not sees_every_organisation(actor):
        raise Forbidden("Only the programme team sees every organisation side by side")
    latest: dict[int, SelfAssessment] = {}
    for assessment in (
        SelfAssessment.objects.filter(submitted_at__isnull=False)
        .only("id", "organisation_id", "submitted_at", "started_at")
        .order_by("organisation_id", "-submitted_at", "-id")
    ):
        latest.setdefault(assessment.organisation_id, assessment)
    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    item_ids = set()
    for assessment_id, item_id, rating in SelfAssessmentAnswer.objects.filter(
        assessment_id__in=[a.pk for a in latest.values()]
    ).values_list("assessment_id", "item_id", "rating"):
        answers[assessment_id][item_id] = rating
        item_ids.add(item_id)
    items = list(ChecklistItem.objects.filter(pk__in=item_ids).order_by("order", "id"))
    training = _training_totals()
    organisations = Organisation.objects.filter(pk__in=set(latest) | set(training)).order_by("name")
    rows = []
    for organisation in organisations:
        assessment = latest.get(organisation.pk)
        given = answers.get(assessment.pk, {}) if assessment else {}
        rows.append(
            CompareRow(
                organisation=organisation,
                latest=assessment,
                section_averages=[
                    average(given.get(i.pk) for i in items if i.section == code)
                    if assessment
                    else None
                    for code, _label in SECTIONS
                ],
                ratings=[given.get(i.pk) for i in items],
                training=[training.get(organisation.pk, {}).get(code, 0) for code, _ in COURSES],
            )
        )
    return CompareView(
        sections=[label for _code, label in SECTIONS],
        items=items,
        courses=[label for _code, label in COURSES],
        rows=rows,
        training_totals=[sum(r.training[i] for r in rows) for i in range(len(COURSES))],
    )


def training_form_view(actor, slug: str) -> Organisation:
    """The organisation whose training is being recorded: one the actor may assess."""
    organisation = organisation_by_slug_for(actor, slug)
    if not may_assess(actor, organisation.pk):
        raise NotFound("No such organisation")
    return organisation
