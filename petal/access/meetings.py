"""Who may see a meeting, what they see of the people discussed there, and whose actions are
whose.

A meeting is seen by:

- its convener, and the current trusted persons of the people discussed at it;
- its invitees: an invited user, or anyone holding a role in an invited organisation;
- for a problem-solving session, anyone holding a role in its partnership, and the trusted
  person who brought a case to it.

Anyone else is answered as if the meeting did not exist.

What a reader sees of a **person** discussed at a meeting is decided as for the person's record,
without break-glass (a meeting is not an emergency): a current trusted person sees it all;
anyone else sees the categories an active consent covering them (by name, organisation or
partnership) includes — and nothing at all without ``identity``. An invited organisation's
**information pack** holds what active consents to that organisation cover. All of it is worked
out at every request, so a withdrawal hides the person at once.

An action is its owner's: the user who owns it, or anyone holding a role in the organisation
that owns it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from petal.access.categories import ALL_CATEGORIES, Category
from petal.access.people import _is_active_user, consents_covering, current_relationships
from petal.access.policy import has_role, memberships_of
from petal.access.referrals import consent_bits_to_organisations
from petal.access.roles import Role


def member_organisations(actor) -> list[int]:
    """Organisations in which the actor holds any role now."""
    if not _is_active_user(actor):
        return []
    return sorted({org for _, org, _ in memberships_of(actor) if org})


def member_partnerships(actor) -> list[int]:
    """Partnerships in which the actor holds any role now."""
    if not _is_active_user(actor):
        return []
    return sorted({p for _, _, p in memberships_of(actor) if p})


def coordinated_partnerships(actor) -> list[int]:
    """Partnerships whose sessions the actor runs: their coordinator memberships."""
    if not _is_active_user(actor):
        return []
    return sorted(
        {p for role, _, p in memberships_of(actor) if role == Role.PARTNERSHIP_COORDINATOR and p}
    )


def meeting_visibility(actor, *, on: dt.date | None = None) -> Q:
    """A filter over Meeting: the meetings the actor may see."""
    from petal.meetings.models import Invitation, Kind, MeetingCase

    if not _is_active_user(actor):
        return Q(pk__in=[])
    people = current_relationships(actor, on=on).order_by().values("person_id")
    organisations = member_organisations(actor)
    invited = Invitation.objects.filter(Q(user=actor) | Q(organisation_id__in=organisations))
    cases = MeetingCase.objects.filter(Q(person_id__in=people) | Q(brought_by=actor))
    seen = Q(convened_by=actor) | Q(
        pk__in=invited.order_by().values("meeting_id").union(cases.order_by().values("meeting_id"))
    )
    partnerships = member_partnerships(actor)
    if partnerships:
        seen |= Q(kind=Kind.PARTNERSHIP, partnership_id__in=partnerships)
    return seen


def may_manage(actor, meeting) -> bool:
    """Who runs a meeting: for a professionals meeting, the current trusted persons of the
    person it is about (the convener among them, while they still are); for a session, the
    partnership's coordinators now; for a governance meeting, the group's runners
    (petal.access.barriers). A former trusted person or coordinator no longer does."""
    if not _is_active_user(actor):
        return False
    if meeting.kind == "governance":
        from petal.access.barriers import may_run

        return may_run(actor, meeting.group)
    if meeting.kind == "partnership":
        return meeting.partnership_id in coordinated_partnerships(actor)
    if not has_role(actor, Role.TRUSTED_PERSON):
        return False
    people = [case.person_id for case in meeting.cases.all()]
    return bool(people) and current_relationships(actor).filter(person_id__in=people).exists()


def _with_identity(categories: Iterable[Category]) -> frozenset[Category]:
    found = frozenset(categories)
    return found if Category.IDENTITY in found else frozenset()


def readers_categories(actor, person_ids: Iterable[int]) -> dict[int, frozenset[Category]]:
    """For people discussed at a meeting: what the actor may see of each (two queries)."""
    from petal.consent.models import categories_in

    ids = sorted(set(person_ids))
    if not ids or not _is_active_user(actor):
        return {pk: frozenset() for pk in ids}
    trusted = set(
        current_relationships(actor).filter(person_id__in=ids).values_list("person_id", flat=True)
    )
    bits: dict[int, int] = {}
    for person_id, category_bits in (
        consents_covering(actor).filter(person_id__in=ids).values_list("person_id", "category_bits")
    ):
        bits[person_id] = bits.get(person_id, 0) | category_bits
    return {
        pk: frozenset(ALL_CATEGORIES)
        if pk in trusted
        else _with_identity(categories_in(bits.get(pk, 0)))
        for pk in ids
    }


def invitee_categories(invitation, person_ids: Iterable[int]) -> dict[int, frozenset[Category]]:
    """What an invitee's information pack may hold of each person: an invited user sees what
    they would see as a reader; an invited organisation what consents to it cover."""
    return invitees_categories([invitation], person_ids)[invitation.pk]


def _readers_categories_many(users, ids: list[int]) -> dict[int, dict[int, frozenset]]:
    """readers_categories for many users at once, in three queries: their memberships, their
    trusted relationships and the consents covering any of them."""
    from django.utils import timezone

    from petal.access.people import active_consent_filter, relationships_in_force
    from petal.access.policy import PEOPLE_ROLES
    from petal.accounts.models import Membership
    from petal.consent.models import Consent, categories_in

    users = [u for u in users if _is_active_user(u)]
    result = {u.pk: {pk: frozenset() for pk in ids} for u in users}
    if not users or not ids:
        return result
    now = timezone.now()
    scope: dict[int, tuple[set, set]] = {u.pk: (set(), set()) for u in users}
    for user_id, role, organisation_id, partnership_id in (
        Membership.objects.filter(user_id__in=list(scope))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
        .values_list("user_id", "role", "organisation_id", "partnership_id")
    ):
        if role in PEOPLE_ROLES:
            if organisation_id:
                scope[user_id][0].add(organisation_id)
            if partnership_id:
                scope[user_id][1].add(partnership_id)
    trusted = set(
        relationships_in_force()
        .filter(trusted_person_id__in=list(scope), person_id__in=ids)
        .values_list("trusted_person_id", "person_id")
    )
    organisations = set().union(*(o for o, _ in scope.values()))
    partnerships = set().union(*(p for _, p in scope.values()))
    grantee = Q(grantee_user_id__in=list(scope))
    if organisations:
        grantee |= Q(grantee_organisation_id__in=organisations)
    if partnerships:
        grantee |= Q(grantee_partnership_id__in=partnerships)
    consents = list(
        Consent.objects.filter(active_consent_filter(), person_id__in=ids)
        .filter(grantee)
        .values_list(
            "person_id",
            "grantee_user_id",
            "grantee_organisation_id",
            "grantee_partnership_id",
            "category_bits",
        )
    )
    for user_id, (orgs, parts) in scope.items():
        bits: dict[int, int] = {}
        for person_id, to_user, to_org, to_partnership, category_bits in consents:
            if to_user == user_id or to_org in orgs or to_partnership in parts:
                bits[person_id] = bits.get(person_id, 0) | category_bits
        result[user_id] = {
            pk: frozenset(ALL_CATEGORIES)
            if (user_id, pk) in trusted
            else _with_identity(categories_in(bits.get(pk, 0)))
            for pk in ids
        }
    return result


def invitees_categories(
    invitations, person_ids: Iterable[int]
) -> dict[int, dict[int, frozenset[Category]]]:
    """For each invitation (by id): what its pack may hold of each person, for all the
    invitations in a fixed handful of queries."""
    from petal.consent.models import categories_in

    ids = sorted(set(person_ids))
    invitations = list(invitations)
    organisations = {i.organisation_id for i in invitations if i.organisation_id}
    bits = consent_bits_to_organisations((pk, org) for pk in ids for org in organisations)
    readers = _readers_categories_many([i.user for i in invitations if i.user_id], ids)
    result = {}
    for invitation in invitations:
        if invitation.user_id:
            result[invitation.pk] = readers.get(invitation.user_id, {pk: frozenset() for pk in ids})
        else:
            result[invitation.pk] = {
                pk: _with_identity(categories_in(bits.get((pk, invitation.organisation_id), 0)))
                for pk in ids
            }
    return result


def action_visibility(actor, *, statuses=None) -> Q:
    """A filter over Action: the actor's own actions and their organisations' (with these
    statuses, when given: inside each branch, so the database uses the owner indexes)."""
    if not _is_active_user(actor):
        return Q(pk__in=[])
    also = Q(status__in=list(statuses)) if statuses is not None else Q()
    organisations = member_organisations(actor)
    mine = Q(owner_user=actor) & also
    if organisations:
        mine |= Q(owner_organisation_id__in=organisations) & also
    return mine
