"""Every read of referrals goes through here, and through ``petal.access.referrals``: lists
are filtered in the database query; what the receiving side sees of a person is narrowed to
what an active consent covers at this request; every read of a person leaves an audit event."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from petal.access.categories import Category
from petal.access.referrals import (
    RECEIVER,
    REFERRER,
    ReferralAccess,
    consent_bits_to_organisations,
    receiver_categories,
    referral_access,
    referral_visibility,
)
from petal.access.rls import unrestricted
from petal.audit.services import audit_record
from petal.core.errors import NotFound
from petal.referrals.models import OPEN, EventKind, Referral, ReferralEvent, Status

PAGE_SIZE = 25

# The inbox's views of its referrals.
INBOX_VIEWS = {
    "waiting": ("Waiting to be acknowledged", [Status.SENT]),
    "in-progress": ("In progress", [Status.ACKNOWLEDGED, Status.FIRST_CONTACT]),
    "closed": ("Closed", [Status.STARTED, Status.DECLINED, Status.WITHDRAWN]),
}


@dataclass
class Row:
    referral: Referral
    categories: frozenset
    side: str

    @property
    def sees_person(self) -> bool:
        return Category.IDENTITY in self.categories


def _base() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "service", "organisation", "referred_by", "person", "referrer_organisation"
    )


def _rows(actor, referrals: list[Referral], side: str) -> list[Row]:
    if side == REFERRER:
        from petal.access.categories import ALL_CATEGORIES

        return [Row(r, frozenset(ALL_CATEGORIES), side) for r in referrals]
    bits = consent_bits_to_organisations((r.person_id, r.organisation_id) for r in referrals)
    return [
        Row(r, receiver_categories(r, bits.get((r.person_id, r.organisation_id), 0)), side)
        for r in referrals
    ]


def _audit_list(actor, rows: list[Row], *, context: str) -> None:
    shown = [row for row in rows if row.sees_person]
    if not shown:
        return
    audit_record(
        actor=actor,
        action="referrals.listed",
        object_type="referrals.referral",
        categories=[Category.IDENTITY],
        data={
            "context": context,
            "referrals": [row.referral.pk for row in shown],
            "people": sorted({row.referral.person_id for row in shown}),
        },
    )


def inbox_page(actor, *, view: str = "waiting", service_id=None, page=1) -> tuple[Page, list[Row]]:
    """The receiving organisations' referrals, a page at a time: waiting ones oldest first."""
    label, statuses = INBOX_VIEWS.get(view, INBOX_VIEWS["waiting"])
    referrals = _base().filter(referral_visibility(actor, side=RECEIVER), status__in=statuses)
    if service_id:
        referrals = referrals.filter(service_id=service_id)
    order = ("sent_at", "id") if view != "closed" else ("-sent_at", "-id")
    with unrestricted():  # every referral in the inbox; Row decides what shows of each person
        result = Paginator(referrals.order_by(*order), PAGE_SIZE).get_page(page)
        listed = list(result.object_list)
    rows = _rows(actor, listed, RECEIVER)
    _audit_list(actor, rows, context="inbox")
    return result, rows


def inbox_counts(actor) -> dict[str, int]:
    """How many referrals each inbox view holds, in one query."""
    from django.db.models import Count

    counts = dict(
        Referral.objects.filter(referral_visibility(actor, side=RECEIVER))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        key: sum(counts.get(s.value, 0) for s in statuses)
        for key, (_, statuses) in INBOX_VIEWS.items()
    }


def inbox_services(actor):
    from petal.access.referrals import receiving_organisations
    from petal.directory.models import Service

    return Service.objects.filter(organisation_id__in=receiving_organisations(actor)).order_by(
        "name"
    )


def sent_page(actor, *, open_only: bool = False, page=1) -> tuple[Page, list[Row]]:
    """Referrals of the people the actor is trusted person for, newest first."""
    referrals = _base().filter(referral_visibility(actor, side=REFERRER))
    if open_only:
        referrals = referrals.filter(status__in=list(OPEN))
    with unrestricted():  # every referral sent; Row decides what shows of each person
        result = Paginator(referrals.order_by("-sent_at", "-id"), PAGE_SIZE).get_page(page)
        listed = list(result.object_list)
    rows = _rows(actor, listed, REFERRER)
    _audit_list(actor, rows, context="sent")
    return result, rows


def referrals_of_person(actor, person) -> list[Row]:
    """A person's referrals, for their trusted person's view of their record."""
    with unrestricted():  # the referral's own rule decides what shows of the person
        referrals = list(
            _base()
            .filter(referral_visibility(actor, side=REFERRER), person=person)
            .order_by("-sent_at", "-id")
        )
    return _rows(actor, referrals, REFERRER)


@dataclass
class ReferralView:
    referral: Referral
    access: ReferralAccess
    events: list[ReferralEvent] = field(default_factory=list)
    story: object | None = None
    episodes: list = field(default_factory=list)
    involved: list = field(default_factory=list)

    @property
    def categories(self):
        return self.access.categories

    @property
    def sees_person(self) -> bool:
        return self.access.sees_person


def referral_get_for(actor, referral_id, *, purpose: str = "viewed") -> ReferralView:
    """One referral, authorised: a referral the actor may not see is answered as missing.
    What the receiving side sees of the person is audited as a read, with the referral as its
    basis; a story read this way counts as read instead of re-told."""
    try:
        referral_id = int(referral_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such referral") from exc
    # Past row-level security: once consent ends the receiving side still sees the referral
    # (and that consent ended), just not the person — referral_access decides that below.
    with unrestricted():
        referral = (
            _base()
            .select_related("person__district", "district", "partnership")
            .filter(referral_visibility(actor), pk=referral_id)
            .first()
        )
    if referral is None:
        raise NotFound("No such referral")
    access = referral_access(actor, referral)
    if access is None:
        raise NotFound("No such referral")
    events = list(referral.events.select_related("actor").order_by("at", "id"))
    if not access.sees_person:
        # Notes, and the reasons given for declining or withdrawing, are about the person:
        # hidden with them. The steps and their times stay.
        events = [e for e in events if e.kind != EventKind.NOTE]
        for event in events:
            if event.kind == EventKind.STATUS:
                event.body = ""
    view = ReferralView(referral=referral, access=access, events=events)
    person = referral.person
    if Category.STORY in access.categories:
        from petal.people.models import Story

        view.story = Story.objects.filter(person=person).first()
    if Category.NEEDS in access.categories:
        from petal.people.models import NeedEpisode

        view.episodes = list(
            NeedEpisode.objects.filter(person=person, ends_on__isnull=True)
            .select_related("area")
            .order_by("area__order")
        )
    if Category.INVOLVEMENT in access.categories:
        from petal.access.people import relationships_in_force

        view.involved = list(
            relationships_in_force()
            .filter(person=person)
            .select_related("trusted_person", "organisation")
        )
    audit_record(actor=actor, action="referral.read", obj=referral, data={"side": access.side})
    if access.sees_person:
        audit_record(
            actor=actor,
            action="person.read",
            obj=person,
            categories=sorted(str(c) for c in access.categories),
            data={"purpose": purpose, "basis": "referral", "referral": referral.pk},
        )
    if access.side == RECEIVER and Category.STORY in access.categories and view.story:
        from petal.access.people import consents_covering
        from petal.consent.services import story_reuse_record

        consents = consents_covering(actor).filter(
            person=person, grantee_organisation=referral.organisation_id
        )
        story_reuse_record(actor=actor, person=person, consents=list(consents))
    return view


def referrals_for_api(actor, *, side: str | None = None, status: str = "") -> QuerySet:
    referrals = _base().filter(referral_visibility(actor, side=side))
    if status in Status.values:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-sent_at", "-id")


def rows_for(actor, referrals: list[Referral]) -> list[Row]:
    """Rows for a mixed list (the API): each referral on the side the actor sees it from."""
    from petal.access.people import current_relationships

    mine = set(
        current_relationships(actor)
        .filter(person_id__in={r.person_id for r in referrals})
        .values_list("person_id", flat=True)
    )
    sent = [r for r in referrals if r.person_id in mine]
    received = [r for r in referrals if r.person_id not in mine]
    by_id = {row.referral.pk: row for row in _rows(actor, sent, REFERRER)}
    by_id.update({row.referral.pk: row for row in _rows(actor, received, RECEIVER)})
    return [by_id[r.pk] for r in referrals]


def person_for_referral(actor, person_id):
    """The person a trusted person is referring (identity read for the form's heading)."""
    from petal.people.selectors import person_get_for

    return person_get_for(
        actor,
        person_id,
        categories=(Category.IDENTITY,),
        purpose="referral",
        require_change=True,
    )


def referral_people(actor) -> list:
    """The people the actor may refer: those they are trusted person for now. Their names are
    listed, so the list is audited like the caseload."""
    from petal.access.people import current_relationships
    from petal.people.models import Person

    people = list(
        Person.objects.filter(
            pk__in=current_relationships(actor).order_by().values("person_id")
        ).order_by("full_name", "id")
    )
    if people:
        audit_record(
            actor=actor,
            action="people.listed",
            object_type="people.person",
            categories=[Category.IDENTITY],
            data={"context": "referral", "people": [p.pk for p in people]},
        )
    return people


def audit_api_list(actor, rows: list[Row]) -> None:
    _audit_list(actor, rows, context="api")
