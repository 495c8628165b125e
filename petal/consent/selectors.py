"""Reads about consent, break-glass and access: every one scoped to who is asking, and every
one that shows a person's information recorded in the audit trail."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from petal.access.people import active_consent_filter
from petal.access.policy import can
from petal.audit.models import AuditEvent
from petal.audit.services import audit_record
from petal.consent.models import (
    BreakGlass,
    Consent,
    OwnAccess,
    Review,
    SharingAgreement,
    StoryReuse,
)
from petal.core.errors import NotFound

PERSON_TYPE = "people.person"
_REFERENCE = re.compile(r"^\s*P?-?0*(\d{1,9})\s*$", re.IGNORECASE)


def parse_reference(text: str) -> int | None:
    """A person's reference as shown on oversight pages (P-000123), or a bare number."""
    match = _REFERENCE.match(text or "")
    return int(match.group(1)) if match else None


def consent_base_queryset() -> QuerySet[Consent]:
    return Consent.objects.select_related(
        "grantee_user",
        "grantee_organisation",
        "grantee_partnership",
        "recorded_by",
        "withdrawn_by",
        "agreement",
    ).annotate(renewal_count=Count("renewals"))


def consents_of_person(view) -> list[Consent]:
    """The consents a reader of this person's record may see: all of them for the person's
    trusted person; for anyone else, only the active ones that cover them."""
    if view.can_change:
        return list(
            consent_base_queryset().filter(person=view.person).order_by("-recorded_at", "-id")
        )
    ids = [c.pk for c in (view.access.consents if view.access else ())]
    return list(consent_base_queryset().filter(pk__in=ids).order_by("ends_on", "id"))


def consent_for_change(actor, person_id: int, consent_id: int, view) -> Consent:
    """One consent of a person whose record the actor may change (else not found)."""
    if not view.can_change:
        raise NotFound("No such consent")
    consent = consent_base_queryset().filter(pk=consent_id, person_id=person_id).first()
    if consent is None:
        raise NotFound("No such consent")
    return consent


def agreements() -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.prefetch_related("parties").order_by("title")


def story_reuse_count(person) -> int:
    """How many times other services read this person's story instead of asking again."""
    return StoryReuse.objects.filter(person=person).count()


def story_reuse_total(since: dt.date | None = None) -> int:
    qs = StoryReuse.objects.all()
    if since is not None:
        qs = qs.filter(read_on__gte=since)
    return qs.count()


def break_glass_for_person(actor, view) -> list[BreakGlass]:
    """Break-glass on this person: all of it for their trusted person; one's own for anyone
    else who may see the record."""
    qs = BreakGlass.objects.filter(person=view.person).select_related("opened_by", "reviewed_by")
    if not view.can_change:
        qs = qs.filter(opened_by=actor)
    return list(qs.order_by("-opened_at")[:20])


def break_glass_of(actor) -> list[BreakGlass]:
    """The actor's own break-glass records, newest first (names shown: audited by caller)."""
    return list(
        BreakGlass.objects.filter(opened_by=actor)
        .select_related("person")
        .order_by("-opened_at")[:50]
    )


def person_for_break_glass(
    actor, *, reference: str = "", full_name: str = "", date_of_birth=None
) -> list:
    """Exact matches only, for a safeguarding lead about to open a record: a record number, or
    a full name with a date of birth. Returns a list (the caller refuses more than one). The
    search itself is recorded, whatever it finds."""
    from petal.access.rls import unrestricted
    from petal.people.models import Person

    number = parse_reference(reference) if reference else None
    found = []
    # The look-up a break-glass exists for: past row-level security, exact matches only.
    with unrestricted():
        if number is not None:
            found = list(Person.objects.filter(pk=number)[:2])
        elif full_name.strip() and date_of_birth is not None:
            from petal.people.selectors import normalise_name

            name = normalise_name(full_name)
            found = list(
                Person.objects.filter(
                    date_of_birth=date_of_birth, search_names__contains=f"|{name}|"
                ).order_by("pk")[:2]
            )
    audit_record(
        actor=actor,
        action="breakglass.searched",
        data={
            "matches": len(found),
            "by": "reference" if number is not None else "name and date of birth",
        },
    )
    return found


# --- the data protection lead -------------------------------------------------------------


def _require_oversight(actor) -> None:
    if not can(actor, "consent.oversee"):
        raise NotFound("Not found")


def consents_ending(*, days: int, today: dt.date | None = None) -> QuerySet[Consent]:
    """Consents in force today that end within ``days`` and have not been renewed: the one
    definition behind the expiring page, the overview count and the expiry warnings."""
    today = today or timezone.localdate()
    return Consent.objects.filter(
        active_consent_filter(on=today),
        ends_on__lte=today + dt.timedelta(days=days),
        renewals__isnull=True,
    )


def expiring_consents(actor, *, days: int = 30) -> list[Consent]:
    """Consents ending within ``days`` (no names: people are shown by reference)."""
    _require_oversight(actor)
    ending = consents_ending(days=days).values("pk")
    return list(consent_base_queryset().filter(pk__in=ending).order_by("ends_on", "id")[:200])


def break_glass_queue(actor, *, status: str = Review.PENDING) -> list[BreakGlass]:
    _require_oversight(actor)
    qs = BreakGlass.objects.select_related("opened_by", "reviewed_by")
    if status:
        qs = qs.filter(review=status)
    return list(qs.order_by("opened_at" if status == Review.PENDING else "-opened_at")[:200])


def break_glass_get(actor, glass_id: int) -> BreakGlass:
    _require_oversight(actor)
    glass = (
        BreakGlass.objects.select_related("opened_by", "reviewed_by").filter(pk=glass_id).first()
    )
    if glass is None:
        raise NotFound("No such access")
    return glass


def access_events(person_id: int) -> QuerySet[AuditEvent]:
    """Audit events about one person's record, newest first."""
    return AuditEvent.objects.filter(object_type=PERSON_TYPE, object_id=str(person_id)).order_by(
        "-sequence"
    )


def access_report(actor, person_id: int, *, limit: int = 500) -> list[AuditEvent]:
    """Who read which categories of a person's record, when and why: the audit metadata, never
    the record itself. Viewing the report is itself recorded."""
    _require_oversight(actor)
    events = list(access_events(person_id)[:limit])
    audit_record(
        actor=actor,
        action="consent.access_report_viewed",
        object_type=PERSON_TYPE,
        object_id=person_id,
        data={"events": len(events)},
    )
    return events


def oversight_summary(actor) -> dict:
    _require_oversight(actor)
    today = timezone.localdate()
    return {
        "pending": BreakGlass.objects.filter(review=Review.PENDING).count(),
        "expiring": consents_ending(days=30, today=today).count(),
        "active": Consent.objects.filter(active_consent_filter(on=today)).count(),
        "reuse_total": story_reuse_total(),
        "reuse_30": story_reuse_total(today - dt.timedelta(days=30)),
        "retelling": _retelling(),
    }


def _retelling():
    """Re-tells recorded in meetings: the other half of the "tell it once" measure."""
    from petal.meetings.selectors import retelling_counts

    return retelling_counts()


# --- the person's own view ----------------------------------------------------------------


def own_access_for(user) -> OwnAccess:
    """The person whose own sign-in this is (else not found)."""
    own = (
        OwnAccess.objects.select_related("person").filter(user=user, ended_at__isnull=True).first()
        if getattr(user, "is_individual", False)
        else None
    )
    if own is None:
        raise NotFound("No record")
    return own


def own_consent(user, consent_id: int) -> Consent:
    own = own_access_for(user)
    consent = consent_base_queryset().filter(pk=consent_id, person_id=own.person_id).first()
    if consent is None:
        raise NotFound("No such consent")
    return consent


@dataclass
class OwnRecord:
    own: OwnAccess
    consents: list[Consent]
    events: list[AuditEvent]
    break_glass: list[BreakGlass]


def own_record(user, *, limit: int = 200) -> OwnRecord:
    """What a person sees of their own record: their consents, exactly the audit events about
    their record (who, when, what, why) and every break-glass. Their looking is recorded first,
    so it is in the list they see."""
    own = own_access_for(user)
    audit_record(
        actor=user,
        action="consent.own_record_viewed",
        object_type=PERSON_TYPE,
        object_id=own.person_id,
    )
    return OwnRecord(
        own=own,
        consents=list(
            consent_base_queryset().filter(person_id=own.person_id).order_by("-recorded_at", "-id")
        ),
        events=list(access_events(own.person_id)[:limit]),
        break_glass=list(
            BreakGlass.objects.filter(person_id=own.person_id)
            .select_related("opened_by")
            .order_by("-opened_at")
        ),
    )


def own_access_of_person(person) -> OwnAccess | None:
    return OwnAccess.objects.select_related("user").filter(person=person).first()


def sharing_user(email: str):
    """The active staff sign-in with this email whose role works with people's records — who a
    consent may name — or None."""
    from petal.access.policy import PEOPLE_ROLES
    from petal.accounts.models import Membership, User

    now = timezone.now()
    members = Membership.objects.filter(role__in=PEOPLE_ROLES).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=now)
    )
    return User.objects.filter(
        email__iexact=email.strip(),
        is_active=True,
        is_individual=False,
        pk__in=members.values("user_id"),
    ).first()


def actor_names(events) -> dict[int, str]:
    """How to name the people behind audit events: name and organisation, in two queries."""
    from petal.accounts.models import Membership, User

    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    now = timezone.now()
    orgs: dict[int, str] = {}
    for user_id, name in (
        Membership.objects.filter(user_id__in=ids, organisation__isnull=False)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
        .order_by("started_at")
        .values_list("user_id", "organisation__name")
    ):
        orgs.setdefault(user_id, name)
    return {
        user.pk: f"{user.display_name} ({orgs[user.pk]})" if user.pk in orgs else user.display_name
        for user in User.objects.filter(pk__in=ids)
    }
