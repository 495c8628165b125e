"""Every read of meetings and actions goes through here, and through
``petal.access.meetings``: lists are filtered in the database query; what a reader sees of each
person discussed is worked out at every request from the person's consents; every read of a
person leaves an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from petal.access.categories import Category
from petal.access.meetings import (
    _with_identity,
    action_visibility,
    coordinated_partnerships,
    invitee_categories,
    may_manage,
    meeting_visibility,
    member_organisations,
    readers_categories,
)
from petal.access.rls import unrestricted
from petal.audit.services import audit_record
from petal.core.errors import NotFound
from petal.meetings.models import (
    ACTION_OPEN,
    Action,
    Decision,
    Invitation,
    Kind,
    Meeting,
    MeetingCase,
    MeetingStatus,
    Retold,
)

PAGE_SIZE = 25


def _cases_prefetch() -> Prefetch:
    return Prefetch(
        "cases",
        queryset=MeetingCase.objects.select_related("person", "brought_by").order_by(
            "added_at", "id"
        ),
    )


def _base() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "partnership", "group", "convened_by", "convener_organisation"
    ).prefetch_related(_cases_prefetch())


@dataclass
class CaseView:
    case: MeetingCase
    categories: frozenset
    kind: str = Kind.PROFESSIONALS

    @property
    def sees_person(self) -> bool:
        return Category.IDENTITY in self.categories

    @property
    def sees_record(self) -> bool:
        """What was recorded about them at the meeting (the question, their voice, the
        outcome, decisions and actions): at a professionals meeting it is their involvement
        with services; at a session it goes with the case, seen with who they are."""
        needed = Category.INVOLVEMENT if self.kind == Kind.PROFESSIONALS else Category.IDENTITY
        return needed in self.categories


@dataclass
class MeetingRow:
    meeting: Meeting
    cases: list[CaseView]

    @property
    def people_shown(self) -> list[CaseView]:
        return [c for c in self.cases if c.sees_person]

    @property
    def hidden_count(self) -> int:
        return sum(1 for c in self.cases if not c.sees_person)


def _case_views(actor, meetings: list[Meeting]) -> dict[int, list[CaseView]]:
    ids = {case.person_id for m in meetings for case in m.cases.all()}
    seen = readers_categories(actor, ids)
    return {
        m.pk: [
            CaseView(case, seen.get(case.person_id, frozenset()), m.kind) for case in m.cases.all()
        ]
        for m in meetings
    }


def _audit_listed(actor, rows: list[MeetingRow], *, context: str) -> None:
    people = sorted({c.case.person_id for row in rows for c in row.people_shown})
    if not people:
        return
    audit_record(
        actor=actor,
        action="meetings.listed",
        object_type="meetings.meeting",
        categories=[Category.IDENTITY],
        data={"context": context, "meetings": [r.meeting.pk for r in rows], "people": people},
    )


WHEN = {"upcoming": "Upcoming", "past": "Past"}


def meeting_page(
    actor, *, when: str = "upcoming", kind: str = "", page=1
) -> tuple[Page, list[MeetingRow]]:
    """The meetings the actor may see, upcoming soonest first or past newest first."""
    now = timezone.now()
    meetings = _base().filter(meeting_visibility(actor))
    if kind in Kind.values:
        meetings = meetings.filter(kind=kind)
    if when == "past":
        meetings = meetings.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    else:
        meetings = meetings.filter(ends_at__gt=now).order_by("starts_at", "id")
    # Row-level security would drop the cases of people the reader may not see; the meeting's
    # own rule decides per case what is shown of each person (CaseView.sees_person).
    with unrestricted():
        result = Paginator(meetings, PAGE_SIZE).get_page(page)
        items = list(result.object_list)
    views = _case_views(actor, items)
    rows = [MeetingRow(m, views[m.pk]) for m in items]
    _audit_listed(actor, rows, context=when)
    return result, rows


def meeting_counts(actor) -> dict[str, int]:
    now = timezone.now()
    counts = Meeting.objects.filter(meeting_visibility(actor)).aggregate(
        upcoming=Count("id", filter=Q(ends_at__gt=now)),
        past=Count("id", filter=Q(ends_at__lte=now)),
    )
    return {key: counts[key] or 0 for key in WHEN}


def meetings_of_person(actor, person) -> list[Meeting]:
    """The meetings a person was discussed at, for their trusted person's view of the record."""
    return list(
        Meeting.objects.filter(meeting_visibility(actor), cases__person=person)
        .select_related("partnership")
        .order_by("-starts_at", "-id")
        .distinct()
    )


@dataclass
class MeetingView:
    meeting: Meeting
    manage: bool
    cases: list[CaseView]
    invitations: list[Invitation]
    mine: list[Invitation]
    decisions: list[Decision] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    barriers: list = field(default_factory=list)
    flagged: list[Invitation] = field(default_factory=list)

    @property
    def sees_involvement(self) -> bool:
        """Whether the reader may see the person's involvement with services (meetings,
        referrals, actions): a professionals meeting's minutes, decisions and the person's
        voice are part of it. False when there is no one (a person's record erased)."""
        return bool(self.cases) and all(Category.INVOLVEMENT in c.categories for c in self.cases)

    @property
    def sees_minutes(self) -> bool:
        """Minutes of a professionals meeting are about the person; a session's are not (each
        case's own outcome is shown with the case)."""
        if self.meeting.kind == Kind.PARTNERSHIP:
            return True
        return self.sees_involvement


def _get(actor, meeting_id) -> Meeting:
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such meeting") from exc
    with unrestricted():  # the cases of every person discussed; CaseView decides per case
        meeting = _base().filter(meeting_visibility(actor), pk=meeting_id).first()
    if meeting is None:
        raise NotFound("No such meeting")
    return meeting


def meeting_get_for(actor, meeting_id) -> MeetingView:
    """One meeting, authorised: a meeting the actor may not see is answered as missing. Of
    each person discussed the reader sees only what their consents allow; decisions and actions
    about a person the reader may not see are left out, except the actions they own."""
    from petal.meetings.services import unconsented

    meeting = _get(actor, meeting_id)
    manage = may_manage(actor, meeting)
    cases = _case_views(actor, [meeting])[meeting.pk]
    seen_cases = {c.case.pk for c in cases if c.sees_record}
    invitations = list(
        meeting.invitations.select_related("user", "organisation", "replied_by").order_by(
            "added_at", "id"
        )
    )
    organisations = set(member_organisations(actor))
    mine = [
        i
        for i in invitations
        if i.user_id == actor.pk or (i.organisation_id and i.organisation_id in organisations)
    ]
    decisions = [
        d
        for d in meeting.decisions.select_related("recorded_by").order_by("recorded_at", "id")
        if d.case_id is None or d.case_id in seen_cases
    ]
    labels = {
        c.case.pk: c.case.person.full_name if c.sees_person else f"case {number}"
        for number, c in enumerate(cases, start=1)
    }
    for decision in decisions:
        decision.case_label = labels.get(decision.case_id, "")
    actions = [
        a
        for a in meeting.actions.select_related("owner_user", "owner_organisation").order_by(
            "due_on", "id"
        )
        if manage
        or a.case_id is None
        or a.case_id in seen_cases
        or a.owner_user_id == actor.pk
        or (a.owner_organisation_id and a.owner_organisation_id in organisations)
    ]
    view = MeetingView(
        meeting=meeting,
        manage=manage,
        cases=cases,
        invitations=invitations,
        mine=mine,
        decisions=decisions,
        actions=actions,
        barriers=list(meeting.barriers.prefetch_related("areas").select_related("raised_by"))
        if meeting.kind == Kind.PARTNERSHIP
        else [],
        flagged=unconsented(meeting, invitations) if manage else [],
    )
    audit_record(actor=actor, action="meeting.read", obj=meeting)
    _audit_people_read(
        actor,
        [
            (c.case.person, c.categories & {Category.IDENTITY, Category.INVOLVEMENT})
            for c in cases
            if c.sees_person
        ],
        data={"purpose": "meeting", "basis": "meeting", "meeting": meeting.pk},
    )
    return view


def _audit_people_read(actor, reads: list[tuple], *, data: dict) -> None:
    """One ``person.read`` event for each person read, written together (a session's case
    list is read in a fixed number of queries however long it is)."""
    if not reads:
        return
    from petal.audit.services import audit_bulk_append
    from petal.core.middleware import current_request_id

    audit_bulk_append(
        {
            "actor_id": actor.pk,
            "actor_label": actor.email,
            "action": "person.read",
            "object_type": "people.person",
            "object_id": person.pk,
            "categories": [str(c) for c in categories],
            "request_id": current_request_id(),
            "data": data,
        }
        for person, categories in reads
    )


def meeting_for_calendar(actor, meeting_id) -> Meeting:
    """A meeting the actor may see, for its calendar file (which holds nothing personal)."""
    meeting = _get(actor, meeting_id)
    audit_record(actor=actor, action="meeting.read", obj=meeting, data={"as": "calendar"})
    return meeting


def meeting_for_manager(actor, meeting_id) -> Meeting:
    """A meeting the actor runs (else not found): for the forms that change it."""
    meeting = _get(actor, meeting_id)
    if not may_manage(actor, meeting):
        raise NotFound("No such meeting")
    return meeting


# --- information packs ---------------------------------------------------------------------------


@dataclass
class PackEntry:
    person: object
    categories: frozenset
    case: MeetingCase
    story: object | None = None
    episodes: list = field(default_factory=list)
    involved: list = field(default_factory=list)
    referrals: list = field(default_factory=list)

    @property
    def sees_person(self) -> bool:
        return Category.IDENTITY in self.categories

    @property
    def not_shared(self) -> list[Category]:
        return [c for c in Category if c not in self.categories]


@dataclass
class Pack:
    meeting: Meeting
    invitee: str
    entries: list[PackEntry]
    invitation: Invitation | None = None


def _fill(entries: list[PackEntry]) -> None:
    """Each category an entry may hold, for every entry at once: a fixed handful of queries
    however many people a session discusses."""
    from petal.access.people import relationships_in_force
    from petal.people.models import NeedEpisode, Story
    from petal.referrals.models import Referral

    def wanting(category):
        return {e.person.pk: e for e in entries if category in e.categories}

    if story := wanting(Category.STORY):
        for item in Story.objects.filter(person_id__in=story):
            story[item.person_id].story = item
    if needs := wanting(Category.NEEDS):
        for item in (
            NeedEpisode.objects.filter(person_id__in=needs, ends_on__isnull=True)
            .select_related("area")
            .order_by("area__order")
        ):
            needs[item.person_id].episodes.append(item)
    if involved := wanting(Category.INVOLVEMENT):
        for item in (
            relationships_in_force()
            .filter(person_id__in=involved)
            .select_related("trusted_person", "organisation")
        ):
            involved[item.person_id].involved.append(item)
        for item in (
            Referral.objects.filter(person_id__in=involved)
            .select_related("service", "organisation")
            .order_by("-sent_at", "-id")
        ):
            entry = involved[item.person_id]
            if len(entry.referrals) < 10:
                entry.referrals.append(item)


def pack_for(actor, meeting_id, *, invitation_id=None) -> Pack:
    """An information pack: what one invitee may see of each person discussed. Without
    ``invitation_id``, the reader's own pack; with it, the convener's preview of an invitee's
    (only for whoever runs the meeting). Worked out now, from the consents in force now."""
    from petal.people.models import Alias, Person

    meeting = _get(actor, meeting_id)
    invitation = None
    if invitation_id is not None:
        if not may_manage(actor, meeting):
            raise NotFound("No such meeting")
        invitation = (
            meeting.invitations.select_related("user", "organisation")
            .filter(pk=int(invitation_id) if str(invitation_id).isdigit() else 0)
            .first()
        )
        if invitation is None:
            raise NotFound("No such invitation")
    cases = list(meeting.cases.all())
    ids = [c.person_id for c in cases]
    if invitation is None:
        seen = readers_categories(actor, ids)
        invitee = actor.display_name
    else:
        # What the invitee sees, and never more than the reader may see themselves.
        theirs = invitee_categories(invitation, ids)
        mine = readers_categories(actor, ids)
        seen = {pk: _with_identity(theirs[pk] & mine[pk]) for pk in ids}
        invitee = invitation.label
    with unrestricted():  # an entry for every case; ``seen`` decides what each shows
        people = {
            p.pk: p
            for p in Person.objects.filter(pk__in=ids)
            .select_related("district")
            .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("name")))
        }
    entries = [
        PackEntry(person=people[case.person_id], categories=seen[case.person_id], case=case)
        for case in cases
    ]
    _fill([e for e in entries if e.sees_person])
    audit_record(
        actor=actor,
        action="meeting.pack_read",
        obj=meeting,
        data={"invitation": invitation.pk if invitation else None},
    )
    _audit_people_read(
        actor,
        [(e.person, e.categories) for e in entries if e.sees_person],
        data={
            "purpose": "meeting pack" if invitation is None else "pack preview",
            "basis": "meeting",
            "meeting": meeting.pk,
            **({"for": invitation.label} if invitation else {}),
        },
    )
    if invitation is None:
        _story_reuse(actor, [e.person for e in entries if e.story is not None])
    return Pack(meeting=meeting, invitee=invitee, entries=entries, invitation=invitation)


def _story_reuse(actor, people: list) -> None:
    """A story read in a pack by someone other than the person's trusted person, under their
    consent, counts as read instead of re-told."""
    from petal.access.people import consents_covering, current_relationships
    from petal.consent.services import story_reuse_record

    if not people:
        return
    ids = [p.pk for p in people]
    mine = set(
        current_relationships(actor).filter(person_id__in=ids).values_list("person_id", flat=True)
    )
    consents: dict[int, list] = {}
    for consent in consents_covering(actor).filter(person_id__in=ids):
        consents.setdefault(consent.person_id, []).append(consent)
    for person in people:
        if person.pk not in mine and consents.get(person.pk):
            story_reuse_record(actor=actor, person=person, consents=consents[person.pk])


# --- actions -------------------------------------------------------------------------------------


ACTION_VIEWS = {
    "open": "To do",
    "done": "Done or cancelled",
    "all": "All",
}


@dataclass
class ActionRow:
    action: Action
    categories: frozenset

    @property
    def sees_person(self) -> bool:
        """Whether the list may say whom the action is about: at a professionals meeting that
        is the person's involvement with services; at a session it goes with the case."""
        needed = (
            Category.INVOLVEMENT
            if self.action.meeting.kind == Kind.PROFESSIONALS
            else Category.IDENTITY
        )
        return needed in self.categories


def _action_order(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Open actions first, soonest due first (so overdue ones lead); then the rest, by due
    date."""
    return actions.annotate(
        _closed=Case(
            When(status__in=list(ACTION_OPEN), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("_closed", "due_on", "id")


def actions_base() -> QuerySet[Action]:
    return Action.objects.select_related(
        "meeting", "meeting__partnership", "owner_user", "owner_organisation", "case__person"
    )


def _action_rows(actor, actions: list[Action]) -> list[ActionRow]:
    ids = {a.case.person_id for a in actions if a.case_id}
    seen = readers_categories(actor, ids)
    return [
        ActionRow(a, seen.get(a.case.person_id, frozenset()) if a.case_id else frozenset())
        for a in actions
    ]


def _audit_actions(actor, rows: list[ActionRow], *, context: str) -> None:
    people = sorted({r.action.case.person_id for r in rows if r.sees_person})
    if not people:
        return
    audit_record(
        actor=actor,
        action="actions.listed",
        object_type="meetings.action",
        categories=[Category.IDENTITY],
        data={"context": context, "actions": [r.action.pk for r in rows], "people": people},
    )


def my_actions(actor, *, view: str = "open", page=1) -> tuple[Page, list[ActionRow]]:
    """The actor's own actions and their organisations', across every meeting: open ones
    first, overdue at the top."""
    from petal.meetings.models import ActionStatus

    closed = [s for s in ActionStatus.values if s not in ACTION_OPEN]
    if view == "open":
        # One status group: ordered by due date alone, so the database can stop at a page.
        actions = actions_base().filter(action_visibility(actor, statuses=ACTION_OPEN))
        actions = actions.order_by("due_on", "id")
    elif view == "done":
        actions = actions_base().filter(action_visibility(actor, statuses=closed))
        actions = actions.order_by("-due_on", "-id")
    else:
        actions = _action_order(actions_base().filter(action_visibility(actor)))
    with unrestricted():  # each action's person is shown only where ActionRow allows
        result = Paginator(actions, PAGE_SIZE).get_page(page)
        listed = list(result.object_list)
    rows = _action_rows(actor, listed)
    _audit_actions(actor, rows, context="mine")
    return result, rows


def my_action_counts(actor) -> dict[str, int]:
    today = timezone.localdate()
    counts = Action.objects.filter(action_visibility(actor)).aggregate(
        open=Count("id", filter=Q(status__in=list(ACTION_OPEN))),
        overdue=Count("id", filter=Q(status__in=list(ACTION_OPEN), due_on__lt=today)),
        done=Count("id", filter=~Q(status__in=list(ACTION_OPEN))),
        all=Count("id"),
    )
    return {key: value or 0 for key, value in counts.items()}


def actions_for_api(actor, *, status: str = "") -> QuerySet[Action]:
    from petal.meetings.models import ActionStatus

    actions = actions_base().filter(action_visibility(actor))
    if status in ActionStatus.values:
        actions = actions.filter(status=status)
    return _action_order(actions)


def action_rows(actor, actions: list[Action], *, context: str) -> list[ActionRow]:
    rows = _action_rows(actor, actions)
    _audit_actions(actor, rows, context=context)
    return rows


def action_get_for(actor, action_id) -> Action:
    """One action the actor owns, or may see through its meeting (else not found)."""
    try:
        action_id = int(action_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such action") from exc
    with unrestricted():  # the action's person is shown only where the meeting's rule allows
        action = (
            actions_base()
            .filter(
                Q(action_visibility(actor))
                | Q(meeting_id__in=Meeting.objects.filter(meeting_visibility(actor)).values("pk")),
                pk=action_id,
            )
            .first()
        )
    if action is None:
        raise NotFound("No such action")
    from petal.meetings.services import may_update_action

    if not may_update_action(actor, action):
        raise NotFound("No such action")
    return action


# --- choosing, and the measures ---------------------------------------------------------------


def meetings_for_api(actor, *, when: str = "", kind: str = "") -> QuerySet[Meeting]:
    now = timezone.now()
    meetings = _base().filter(meeting_visibility(actor))
    if kind in Kind.values:
        meetings = meetings.filter(kind=kind)
    if when == "upcoming":
        return meetings.filter(ends_at__gt=now).order_by("starts_at", "id")
    if when == "past":
        meetings = meetings.filter(ends_at__lte=now)
    return meetings.order_by("-starts_at", "-id")


def rows_for(actor, meetings: list[Meeting], *, context: str) -> list[MeetingRow]:
    views = _case_views(actor, meetings)
    rows = [MeetingRow(m, views[m.pk]) for m in meetings]
    _audit_listed(actor, rows, context=context)
    return rows


def governance_meeting_exists(meeting_id) -> bool:
    """Whether the id is a governance group's meeting (its page lives in petal.barriers)."""
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError):
        return False
    return Meeting.objects.filter(pk=meeting_id, kind=Kind.GOVERNANCE).exists()


def upcoming_sessions(partnership_ids=None) -> QuerySet[Meeting]:
    """Problem-solving sessions still to come (not personal: the partnership, time and place)."""
    sessions = Meeting.objects.filter(kind=Kind.PARTNERSHIP, starts_at__gt=timezone.now()).exclude(
        status=MeetingStatus.CANCELLED
    )
    if partnership_ids is not None:
        sessions = sessions.filter(partnership_id__in=list(partnership_ids))
    return sessions.select_related("partnership").order_by("starts_at", "id")


def partnerships_run_by(actor):
    from petal.reference.models import Partnership

    return Partnership.objects.filter(pk__in=coordinated_partnerships(actor)).order_by("name")


def session_people(actor, meeting: Meeting) -> list:
    """The people the actor may bring to a session: those they are trusted person for now and
    not yet on its case list. Their names are listed, so the list is audited."""
    from petal.access.people import current_relationships
    from petal.people.models import Person

    people = list(
        Person.objects.filter(pk__in=current_relationships(actor).order_by().values("person_id"))
        .exclude(meeting_cases__meeting=meeting)
        .order_by("full_name", "id")
    )
    if people:
        audit_record(
            actor=actor,
            action="people.listed",
            object_type="people.person",
            categories=[Category.IDENTITY],
            data={"context": "session", "people": [p.pk for p in people]},
        )
    return people


@dataclass(frozen=True)
class Retelling:
    """Tell it once, from meetings: how many times a person discussed at a meeting did not
    have to tell their story again, and how many times they did."""

    not_retold: int
    retold: int

    @property
    def recorded(self) -> int:
        return self.not_retold + self.retold


def retelling_counts(*, since: dt.date | None = None, person=None) -> Retelling:
    cases = MeetingCase.objects.exclude(retold="")
    if since is not None:
        cases = cases.filter(meeting__starts_at__date__gte=since)
    if person is not None:
        cases = cases.filter(person=person)
    counts = cases.aggregate(
        no=Count("id", filter=Q(retold=Retold.NO)), yes=Count("id", filter=Q(retold=Retold.YES))
    )
    return Retelling(not_retold=counts["no"] or 0, retold=counts["yes"] or 0)
