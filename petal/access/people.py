"""Who may see and change a person's record, category by category.

A reader sees a category of a person's record when:

- they are one of the person's current trusted persons (every category), or
- an active consent covers them for that category — naming them, their organisation or their
  operational partnership (through a membership whose role works with people's records), or
- they hold an active break-glass for the person (every category, for a limited time).

Only a current trusted person changes a record. Nobody else sees anything: not colleagues in
the same organisation, not the data protection lead, not administrators. Records outside a
reader's scope are answered as if they did not exist.

A restricted record (UK GDPR article 18, ``petal.rights``) is read by no one through these
rules: while the restriction is in force its relationships, consents and break-glass give no
access at all, so its trusted persons, those its consents name and break-glass holders all
find nothing — on the page, in lists, search, counts, exports, the API, referrals and
meetings. Only the data protection lead reads it, through the rights pages.

Every page, list, search, count, export and API call asks these functions, so a withdrawal or
an expiry takes effect on the next request, including in sessions already open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from petal.access.categories import ALL_CATEGORIES, Category
from petal.access.policy import PEOPLE_ROLES, memberships_of

DOMESTIC_ABUSE = "domestic-abuse"


def _today() -> dt.date:
    return timezone.localdate()


def _is_active_user(actor) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and not getattr(actor, "is_individual", False)
    )


def restricted_people() -> QuerySet:
    """The ids of records restricted now (article 18), as a subquery: a handful of rows, found
    through a partial index of the restrictions in force."""
    from petal.rights.models import Kind, RightsCase

    return (
        RightsCase.objects.filter(
            kind=Kind.RESTRICTION,
            restricted_at__isnull=False,
            lifted_at__isnull=True,
            # Never a NULL in a NOT IN list: it would make the list match nothing at all.
            person__isnull=False,
        )
        .order_by()
        .values("person_id")
    )


def not_restricted() -> Q:
    """A filter over any model with a ``person``: rows whose record is not restricted."""
    return ~Q(person_id__in=restricted_people())


def relationships_in_force(*, on: dt.date | None = None):
    """Trusted relationships in force on a date (a queryset). A restricted record's
    relationships are not in force while the restriction lasts."""
    from petal.people.models import TrustedRelationship

    on = on or _today()
    # A relationship's ends_on is the day it ended: no access on or after it.
    return (
        TrustedRelationship.objects.filter(starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .filter(not_restricted())
    )


def current_relationships(actor, *, on: dt.date | None = None):
    """The actor's trusted relationships in force on a date (a queryset)."""
    return relationships_in_force(on=on).filter(trusted_person=actor)


def consent_scope(actor) -> tuple[list[int], list[int]]:
    """The organisations and partnerships through which consents reach the actor: those of
    their memberships in force whose role works with people's records."""
    organisations, partnerships = set(), set()
    for role, organisation_id, partnership_id in memberships_of(actor):
        if role not in PEOPLE_ROLES:
            continue
        if organisation_id:
            organisations.add(organisation_id)
        if partnership_id:
            partnerships.add(partnership_id)
    return sorted(organisations), sorted(partnerships)


def active_consent_filter(*, on: dt.date | None = None) -> Q:
    """Consents in force on a day: started, not past their last day, not withdrawn, and not
    about a restricted record."""
    on = on or _today()
    return Q(starts_on__lte=on, ends_on__gte=on, withdrawn_at__isnull=True) & not_restricted()


def consents_covering(actor, *, on: dt.date | None = None) -> QuerySet:
    """Active consents that name the actor, their organisation or their partnership."""
    from petal.consent.models import Consent

    organisations, partnerships = consent_scope(actor)
    grantee = Q(grantee_user=actor)
    if organisations:
        grantee |= Q(grantee_organisation__in=organisations)
    if partnerships:
        grantee |= Q(grantee_partnership__in=partnerships)
    return Consent.objects.filter(active_consent_filter(on=on)).filter(grantee).order_by()


def _with_category(consents: QuerySet, category: Category | None) -> QuerySet:
    if category is None:
        return consents
    from petal.consent.models import CATEGORY_BIT

    bit = CATEGORY_BIT[Category(category)]
    return consents.annotate(_bit=F("category_bits").bitand(bit)).filter(_bit=bit)


def break_glass_active(actor, *, now: dt.datetime | None = None) -> QuerySet:
    from petal.consent.models import BreakGlass

    now = now or timezone.now()
    return (
        BreakGlass.objects.filter(
            opened_by=actor, opened_at__lte=now, expires_at__gt=now, closed_at__isnull=True
        )
        .filter(not_restricted())
        .order_by()
    )


def person_visibility(
    actor, category: Category | None = Category.IDENTITY, *, on: dt.date | None = None
) -> Q:
    """A filter over Person: the records whose ``category`` the actor may read (any category
    when None). Every list, search and count uses it, so they are scoped in the database query
    by the same rule as the person page. Lists show names, so they ask for identity."""
    if not _is_active_user(actor):
        return Q(pk__in=[])
    # One semi-join over a UNION driven from the reader's own relationships, consents and
    # break-glass (each indexed by who holds it), so the database starts from the few people
    # the reader may see, not from everyone.
    mine = current_relationships(actor, on=on).order_by().values("person_id")
    shared = _with_category(consents_covering(actor, on=on), category).values("person_id")
    urgent = break_glass_active(actor).values("person_id")
    return Q(pk__in=mine.union(shared, urgent))


def listed_contact_visibility(actor, *, on: dt.date | None = None, among=None) -> Q:
    """A filter over Person: the records whose contact details may appear in a list, export or
    notification for the actor. Contact details of anyone with a domestic-abuse episode appear
    there only for a reader who holds the person's consent for ``contact`` — not through being
    their trusted person or a break-glass: those readers open the record to see them.
    ``among`` (ids) narrows the domestic-abuse look-up to the rows being listed."""
    from petal.people.models import NeedEpisode

    if not _is_active_user(actor):
        return Q(pk__in=[])
    abused = NeedEpisode.objects.filter(area__code=DOMESTIC_ABUSE)
    if among is not None:
        abused = abused.filter(person_id__in=list(among))
    abused = abused.order_by().values("person_id")
    consented = _with_category(consents_covering(actor, on=on), Category.CONTACT).values(
        "person_id"
    )
    return (person_visibility(actor, Category.CONTACT, on=on) & ~Q(pk__in=abused)) | Q(
        pk__in=consented
    )


@dataclass(frozen=True)
class Access:
    """What one reader may do with one person's record, and why."""

    categories: frozenset[Category] = frozenset()
    can_change: bool = False
    trusted: bool = False
    consents: tuple = ()
    break_glass: object | None = None

    @property
    def by_consent_only(self) -> bool:
        """Reading under consent: not the trusted person, and not by break-glass."""
        return not self.trusted and self.break_glass is None and bool(self.consents)


def person_access(actor, person, *, on: dt.date | None = None) -> Access:
    """What the actor may read of this person, whether they may change it, and why — the
    relationships, consents and break-glass that give it, in three small indexed queries."""
    if not _is_active_user(actor):
        return Access()
    trusted = current_relationships(actor, on=on).filter(person=person).exists()
    consents = tuple(
        consents_covering(actor, on=on)
        .filter(person=person)
        .select_related("recorded_by")
        .order_by("ends_on", "id")
    )
    glass = break_glass_active(actor).filter(person=person).order_by("-expires_at").first()
    if trusted or glass is not None:
        categories = ALL_CATEGORIES
    else:
        categories = frozenset(c for consent in consents for c in consent.categories)
    return Access(
        categories=frozenset(categories),
        can_change=trusted,
        trusted=trusted,
        consents=consents,
        break_glass=glass,
    )


def readable_categories(actor, person, *, on: dt.date | None = None) -> frozenset[Category]:
    """The categories of this person's record the actor may read now."""
    return person_access(actor, person, on=on).categories


def can_change_person(actor, person, *, on: dt.date | None = None) -> bool:
    """Whether the actor may change this person's record now."""
    return person_access(actor, person, on=on).can_change
