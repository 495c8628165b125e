"""Who may see and do what with barriers and governance groups.

Barriers are about the system, never a named person: every worker with a role reads them, the
governance structure and the governance groups' meetings (``barriers.view``), and anyone working
in the system raises one or says "I have met this too" (``barriers.raise``).

**Running a group** — deciding its barriers, merging them, writing the learning a resolved one
becomes, keeping its members, meetings, agendas and attendance — is per group:

- the programme team runs every group;
- a partnership coordinator runs their partnership's operational group;
- a governance member runs the groups at the level their membership names (their
  ``Membership.governance_level``).

**The person a barrier links to** is shown only while the barrier sits at the operational level,
and only to a reader who may see that person's identity (their current trusted person, or a
consent in force covering the reader): never above that level, in a board pack, the API, an
email or the public page. It is worked out at every request, so a withdrawal hides it at once.

**Lived experience of a group's members** is theirs to share: only the group's runners and the
group's current members see who has it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from petal.access.categories import Category
from petal.access.meetings import coordinated_partnerships, readers_categories
from petal.access.people import _is_active_user
from petal.access.policy import can, has_role, memberships_of
from petal.access.roles import Role

OPERATIONAL_RANK = 1


def barrier_visibility(actor) -> Q:
    """A filter over Barrier: everything for a worker with a role; nothing for anyone else."""
    if not can(actor, "barriers.view"):
        return Q(pk__in=[])
    return Q()


def governance_levels_of(actor) -> list[int]:
    """The governance levels the actor's governance-member memberships name."""
    if not _is_active_user(actor):
        return []
    from petal.accounts.models import Membership

    # memberships_of carries (role, organisation, partnership); the level needs one query.
    if not has_role(actor, Role.GOVERNANCE_MEMBER):
        return []
    now = timezone.now()
    return sorted(
        set(
            Membership.objects.filter(
                Q(ended_at__isnull=True) | Q(ended_at__gt=now),
                user=actor,
                role=Role.GOVERNANCE_MEMBER,
                governance_level__isnull=False,
            ).values_list("governance_level_id", flat=True)
        )
    )


def groups_run_by(actor) -> Q:
    """A filter over GovernanceGroup: the groups the actor runs."""
    if not _is_active_user(actor):
        return Q(pk__in=[])
    if has_role(actor, Role.PROGRAMME_TEAM):
        return Q()
    runs = Q(pk__in=[])
    partnerships = coordinated_partnerships(actor)
    if partnerships:
        runs |= Q(partnership_id__in=partnerships)
    levels = governance_levels_of(actor)
    if levels:
        runs |= Q(level_id__in=levels)
    return runs


def may_run(actor, group) -> bool:
    """Whether the actor runs the group (decides its barriers, keeps its meetings)."""
    if group is None or not _is_active_user(actor):
        return False
    if has_role(actor, Role.PROGRAMME_TEAM):
        return True
    if group.partnership_id and group.partnership_id in coordinated_partnerships(actor):
        return True
    return group.level_id in governance_levels_of(actor)


def may_decide(actor, barrier) -> bool:
    """Whether the actor may decide the barrier where it sits now."""
    return can(actor, "barriers.decide") and may_run(actor, barrier.group)


def is_member(actor, group) -> bool:
    """Whether the actor is a current member of the group."""
    if not _is_active_user(actor):
        return False
    from petal.barriers.models import GroupMember

    today = timezone.localdate()
    return GroupMember.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today), group=group, user=actor
    ).exists()


def may_see_lived_experience(actor, group) -> bool:
    """Who has lived experience among a group's members: its runners and its members."""
    return may_run(actor, group) or is_member(actor, group)


def person_link_visible(actor, barrier) -> bool:
    """Whether the reader sees the person a barrier links to: only at the operational level,
    and only with the person's identity in what the reader may see of them."""
    if not barrier.person_id or not _is_active_user(actor):
        return False
    if barrier.group.level.rank != OPERATIONAL_RANK:
        return False
    seen = readers_categories(actor, [barrier.person_id])
    return Category.IDENTITY in seen.get(barrier.person_id, frozenset())


def partnerships_of(actor) -> list[int]:
    """The partnerships the actor belongs to (to suggest where a barrier they raise starts)."""
    if not _is_active_user(actor):
        return []
    return sorted({p for _, _, p in memberships_of(actor) if p})
