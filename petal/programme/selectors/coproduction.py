"""Every read of the co-production register: the people with lived experience who take part,
where they took part, the recognition they were given and their feedback.

The register holds personal details (how someone is named, how to contact them), so it is the
programme team's alone and every list and every read of an entry is recorded in the audit trail
(``coproduction.register_listed``, ``coproduction.contributor_read``). The public sees only
published feedback with its response (``public_feedback_page``), named only as the person
asked to be named — and never when that is "Anonymous".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound
from petal.programme.models import (
    Contributor,
    Feedback,
    Participation,
    Recognition,
    RecognitionKind,
)

REGISTER_PAGE_SIZE = 50
FEEDBACK_PAGE_SIZE = 25
PUBLIC_FEEDBACK_PAGE_SIZE = 10
ANONYMOUS = "anonymous"
MONEY = DecimalField(max_digits=12, decimal_places=2)


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team reads the co-production register")


def _id(value, what: str) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError) as exc:
        raise NotFound(f"No such {what}") from exc
    if found < 1 or found > 2**31 - 1:
        raise NotFound(f"No such {what}")
    return found


def _times_taken_part():
    return Coalesce(
        Subquery(
            Participation.objects.filter(contributor=OuterRef("pk"))
            .order_by()
            .values("contributor")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _total_recognition():
    return Coalesce(
        Subquery(
            Recognition.objects.filter(contributor=OuterRef("pk"))
            .order_by()
            .values("contributor")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=MONEY,
        ),
        Value(Decimal("0.00")),
        output_field=MONEY,
    )


def register_queryset():
    """Contributors with how many times each took part and the recognition they were given in
    total (subqueries: one query for the lot)."""
    return Contributor.objects.annotate(
        times_taken_part=_times_taken_part(), total_recognition=_total_recognition()
    )


def recognition_totals() -> dict:
    """Recognition given across the programme, in pounds by kind, and overall."""
    rows = dict(
        Recognition.objects.order_by()
        .values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    by_kind = [
        (label, rows.get(value) or Decimal("0.00")) for value, label in RecognitionKind.choices
    ]
    return {"by_kind": by_kind, "total": sum((t for _, t in by_kind), Decimal("0.00"))}


@dataclass
class Register:
    page: Page
    totals: dict


def register_list(actor, *, page=1) -> Register:
    """The register for the programme team, a page of 50 by name, with the programme's totals
    of recognition by kind. The listing is audited."""
    _require_team(actor)
    found = Paginator(register_queryset().order_by("named_as", "id"), REGISTER_PAGE_SIZE).get_page(
        page
    )
    found.object_list = list(found.object_list)
    audit_record(
        actor=actor,
        action="coproduction.register_listed",
        object_type="programme.contributor",
        data={"list": "register", "page": found.number, "shown": len(found.object_list)},
    )
    return Register(page=found, totals=recognition_totals())


@dataclass
class ContributorView:
    contributor: Contributor
    participations: list[Participation]
    recognitions: list[Recognition]
    feedback: list[Feedback]


def contributor_get_for(actor, contributor_id, *, purpose: str = "read") -> ContributorView:
    """One register entry with where they took part, their recognition and their feedback,
    for the programme team; the read is audited (with why: read, change, record)."""
    _require_team(actor)
    contributor = register_queryset().filter(pk=_id(contributor_id, "person")).first()
    if contributor is None:
        raise NotFound("No such person in the register")
    audit_record(
        actor=actor,
        action="coproduction.contributor_read",
        obj=contributor,
        data={"purpose": purpose},
    )
    return ContributorView(
        contributor=contributor,
        participations=list(contributor.participations.order_by("-took_part_on", "-id")),
        recognitions=list(
            contributor.recognitions.select_related("participation").order_by("-given_on", "-id")
        ),
        feedback=list(contributor.feedback.order_by("-received_on", "-id")),
    )


def contributor_choices(actor) -> list[tuple[int, str]]:
    """Who feedback may be from (active people in the register), by name."""
    _require_team(actor)
    return list(
        Contributor.objects.filter(active=True)
        .order_by("named_as", "id")
        .values_list("pk", "named_as")
    )


# --- feedback ------------------------------------------------------------------------------------


def feedback_list(actor, *, page=1) -> Page:
    """Feedback for the programme team, newest first, each with who it came from; audited, as
    it names people in the register."""
    _require_team(actor)
    found = Paginator(
        Feedback.objects.select_related("contributor").order_by("-received_on", "-id"),
        FEEDBACK_PAGE_SIZE,
    ).get_page(page)
    found.object_list = list(found.object_list)
    audit_record(
        actor=actor,
        action="coproduction.register_listed",
        object_type="programme.feedback",
        data={"list": "feedback", "page": found.number, "shown": len(found.object_list)},
    )
    return found


def feedback_get_for(actor, feedback_id) -> Feedback:
    """One piece of feedback for the programme team; reading who it came from is audited."""
    _require_team(actor)
    feedback = (
        Feedback.objects.select_related("contributor")
        .filter(pk=_id(feedback_id, "feedback"))
        .first()
    )
    if feedback is None:
        raise NotFound("No such feedback")
    if feedback.contributor_id:
        audit_record(
            actor=actor,
            action="coproduction.contributor_read",
            obj=feedback.contributor,
            data={"purpose": "feedback", "feedback": feedback.pk},
        )
    return feedback


@dataclass
class PublicFeedback:
    said: str
    response: str
    responded_on: object
    named_as: str  # "" when they are not to be named


def named_publicly(named_as: str | None) -> str:
    """How a contributor is named on the public page: as they asked, never "Anonymous"."""
    name = (named_as or "").strip()
    return "" if not name or name.lower() == ANONYMOUS else name


def public_feedback_page(*, page=1) -> Page:
    """One page (10) of published feedback with its response, newest response first: what was
    said, what was done, and the name the person asked to be known by (nothing else about
    them). One query for the rows, one for the count."""
    rows = (
        Feedback.objects.filter(published_at__isnull=False)
        .exclude(response="")
        .order_by("-responded_on", "-published_at", "-id")
        .values("pk", "said", "response", "responded_on", "contributor__named_as")
    )
    found = Paginator(rows, PUBLIC_FEEDBACK_PAGE_SIZE).get_page(page)
    found.object_list = [
        PublicFeedback(
            said=row["said"],
            response=row["response"],
            responded_on=row["responded_on"],
            named_as=named_publicly(row["contributor__named_as"]),
        )
        for row in found.object_list
    ]
    return found
