"""Synthetic meetings for benchmarks: professionals meetings about synthetic people, convened by
their current trusted person, spread over the past year and the next two months, with their
invitations (CGL, services@example.org's organisation, at about a quarter of them), and the
actions agreed there in every state, owned by people (services@example.org and
trusted.person@example.org among them) and organisations (CGL often); and some operational
partnerships' problem-solving sessions with several cases each.

Bulk inserts, no per-row queries, and no audit events (as for the other synthetic records:
nothing here happened, so there is nothing to account for). Deterministic for a seed, except
each meeting's calendar ``uid``, which must stay unique when this runs twice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from petal.access.people import relationships_in_force
from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, User
from petal.meetings.models import (
    Action,
    ActionStatus,
    Decision,
    Invitation,
    Kind,
    Meeting,
    MeetingCase,
    MeetingStatus,
    Reply,
    Retold,
    Voice,
)
from petal.reference.models import PartnershipCoverage

FOCUS_ORG = "cgl-change-grow-live"
FOCUS_USER = "services@example.org"
TRUSTED_USER = "trusted.person@example.org"
SESSION_SHARE = 0.1  # of the meetings made: problem-solving sessions
CGL_SHARE = 0.25  # of the meetings: CGL invited
CANCELLED_SHARE = 0.03
BATCH = 2000

# Texts others read never name a person (the services would refuse them); these name no one.
PURPOSES = [
    "Agree who will help with housing, and how",
    "Plan support around a hospital discharge",
    "Join up drug and alcohol treatment with mental health support",
    "Review the support plan and what has changed",
    "Agree a safe plan for moving on from supported accommodation",
    "Work out how to keep a tenancy going",
]
SESSION_PURPOSES = [
    "Monthly problem-solving session",
    "Problem-solving session: where services get stuck",
]
PLACES = ["Wisbech Hub, room 2", "Online", "Peterborough Town Hall", "Ely Community Centre"]
ACTIONS = [
    "Book a housing assessment",
    "Send the referral to the drug and alcohol service",
    "Arrange a GP appointment",
    "Check benefits entitlement",
    "Find out about a place at the day centre",
    "Share the support plan with the team",
    "Follow up the mental health assessment",
    "Ask the landlord about the repairs",
]
QUESTIONS = [
    "How to get a mental health assessment without a fixed address",
    "Housing keeps refusing: what else can be done",
    "Treatment and housing will not work together",
]


def _working_time(rng: random.Random, day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randrange(9, 16), rng.choice((0, 15, 30, 45))))
    )


class _Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        # The people with a trusted person now, and their trusted person (their lead, if
        # several): a professionals meeting is convened by them.
        self.relationships: dict[int, tuple[int, dt.date, int, int | None]] = {}
        for person_id, tp_id, starts_on, area_id, district_id in (
            relationships_in_force()
            .order_by("person_id", "-is_lead", "starts_on", "id")
            .values_list(
                "person_id",
                "trusted_person_id",
                "starts_on",
                "person__programme_area_id",
                "person__district_id",
            )
        ):
            self.relationships.setdefault(person_id, (tp_id, starts_on, area_id, district_id))
        self.people = sorted(self.relationships)
        # Where each user works now (their first membership), for the convener's organisation.
        self.organisation_of: dict[int, int | None] = {}
        coordinators: dict[int, list[int]] = defaultdict(list)
        for user_id, role, organisation_id, partnership_id in (
            Membership.objects.filter(ended_at__isnull=True, user__is_active=True)
            .order_by("user_id", "id")
            .values_list("user_id", "role", "organisation_id", "partnership_id")
        ):
            self.organisation_of.setdefault(user_id, organisation_id)
            if role == Role.PARTNERSHIP_COORDINATOR and partnership_id:
                coordinators[partnership_id].append(user_id)
        self.coordinators = {p: sorted(set(u)) for p, u in coordinators.items()}
        self.users = sorted(self.organisation_of)  # every user holding a role now
        emails = dict(
            User.objects.filter(email__in=[FOCUS_USER, TRUSTED_USER]).values_list("email", "pk")
        )
        self.focus_user = emails.get(FOCUS_USER)
        self.trusted_user = emails.get(TRUSTED_USER)
        self.organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        self.cgl = Organisation.objects.filter(slug=FOCUS_ORG).values_list("pk", flat=True).first()
        # The people living in each partnership's area now, for its sessions' case lists.
        covering = dict(
            PartnershipCoverage.objects.filter(ends_on__isnull=True).values_list(
                "district_id", "partnership_id"
            )
        )
        self.people_in: dict[int, list[int]] = defaultdict(list)
        for person_id in self.people:
            partnership = covering.get(self.relationships[person_id][3])
            if partnership in self.coordinators:
                self.people_in[partnership].append(person_id)

    # --- one meeting ----------------------------------------------------------------------

    def when(self, earliest: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Some time between the past year (not before ``earliest``) and two months ahead."""
        first = max((self.today - dt.timedelta(days=365) - earliest).days, 0)
        day = earliest + dt.timedelta(
            days=self.rng.randrange(first, (self.today - earliest).days + 61)
        )
        starts = _working_time(self.rng, day)
        return starts, starts + dt.timedelta(minutes=self.rng.choice((45, 60, 90, 120)))

    def status(self, ends_at: dt.datetime) -> str:
        if self.rng.random() < CANCELLED_SHARE:
            return MeetingStatus.CANCELLED
        return MeetingStatus.HELD if ends_at <= self.now else MeetingStatus.INVITED

    def professionals(self) -> tuple[Meeting, list[MeetingCase]]:
        person_id = self.rng.choice(self.people)
        tp_id, known_since, area_id, _ = self.relationships[person_id]
        starts, ends = self.when(known_since)
        meeting = Meeting(
            programme_area_id=area_id,
            kind=Kind.PROFESSIONALS,
            purpose=self.rng.choice(PURPOSES),
            starts_at=starts,
            ends_at=ends,
            place=self.rng.choice(PLACES),
            status=self.status(ends),
            convened_by_id=tp_id,
            convener_organisation_id=self.organisation_of.get(tp_id),
        )
        return meeting, [MeetingCase(person_id=person_id, brought_by_id=tp_id)]

    def session(self) -> tuple[Meeting, list[MeetingCase]]:
        partnership = self.rng.choice(sorted(self.people_in))
        people = self.people_in[partnership]
        chosen = self.rng.sample(people, min(len(people), self.rng.randrange(3, 7)))
        starts, ends = self.when(self.today - dt.timedelta(days=365))
        first_person = self.relationships[chosen[0]]
        meeting = Meeting(
            programme_area_id=first_person[2],
            kind=Kind.PARTNERSHIP,
            partnership_id=partnership,
            purpose=self.rng.choice(SESSION_PURPOSES),
            starts_at=starts,
            ends_at=ends,
            place=self.rng.choice(PLACES),
            status=self.status(ends),
            convened_by_id=(coordinator := self.rng.choice(self.coordinators[partnership])),
            convener_organisation_id=self.organisation_of.get(coordinator),
        )
        cases = [
            MeetingCase(
                person_id=person_id,
                brought_by_id=self.relationships[person_id][0],
                question=self.rng.choice(QUESTIONS),
            )
            for person_id in chosen
        ]
        return meeting, cases

    def fill_in(self, meeting: Meeting, cases: list[MeetingCase]) -> None:
        """Dates, and what was recorded once it was held."""
        sent = min(
            meeting.starts_at - dt.timedelta(days=self.rng.randrange(7, 22)),
            self.now - dt.timedelta(hours=self.rng.randrange(1, 48)),
        )
        meeting.created_at = sent - dt.timedelta(hours=self.rng.randrange(1, 48))
        meeting.invitations_sent_at = sent
        for case in cases:
            case.added_at = meeting.created_at
        if meeting.status == MeetingStatus.CANCELLED:
            meeting.cancelled_reason = "Synthetic: no longer needed"
        elif meeting.status == MeetingStatus.HELD:
            meeting.minutes = "Synthetic minutes: who will do what, and by when."
            meeting.minutes_by_id = meeting.convened_by_id
            meeting.minutes_at = meeting.ends_at + dt.timedelta(hours=self.rng.randrange(1, 48))
            for case in cases:
                case.voice = self.rng.choice(Voice.values)
                case.retold = Retold.NO if self.rng.random() < 0.8 else Retold.YES
                case.outcome = "Synthetic outcome"

    def invitations(self, meeting: Meeting) -> list[Invitation]:
        """Two to four invitees: CGL at about a quarter of the meetings, other organisations,
        and some users (services@example.org now and then)."""
        count = self.rng.randrange(2, 5)
        organisations: list[int] = []
        users: list[int] = []
        if self.cgl and self.rng.random() < CGL_SHARE:
            organisations.append(self.cgl)
        if self.focus_user and self.rng.random() < 0.02:
            users.append(self.focus_user)
        while len(organisations) + len(users) < count:
            if self.rng.random() < 0.6:
                org = self.rng.choice(self.organisations)
                if org not in organisations and org != self.cgl:
                    organisations.append(org)
            else:
                user = self.rng.choice(self.users)
                if user not in users and user != meeting.convened_by_id:
                    users.append(user)
        sent = meeting.invitations_sent_at
        rows = [Invitation(meeting=meeting, organisation_id=o) for o in organisations] + [
            Invitation(meeting=meeting, user_id=u) for u in users
        ]
        for row in rows:
            row.added_at = meeting.created_at
            row.added_by_id = meeting.convened_by_id
            row.sent_at = sent
            if meeting.status == MeetingStatus.HELD or self.rng.random() < 0.6:
                row.reply = Reply.ATTENDING if self.rng.random() < 0.8 else Reply.NOT_ATTENDING
                row.replied_at = min(sent + dt.timedelta(hours=self.rng.randrange(1, 96)), self.now)
                row.replied_by_id = row.user_id
            if meeting.status == MeetingStatus.HELD:
                row.attended = row.reply == Reply.ATTENDING and self.rng.random() < 0.9
        return rows

    def owner(self, meeting: Meeting, invited: list[Invitation]) -> tuple[int | None, int | None]:
        """(owner_user_id, owner_organisation_id): half people, half organisations."""
        if self.rng.random() < 0.5:
            pick = self.rng.random()
            if self.focus_user and pick < 0.1:
                return self.focus_user, None
            if self.trusted_user and pick < 0.2:
                return self.trusted_user, None
            people = [i.user_id for i in invited if i.user_id]
            if people and pick < 0.5:
                return self.rng.choice(people), None
            if meeting.convened_by_id:
                return meeting.convened_by_id, None
        if self.cgl and self.rng.random() < 0.35:
            return None, self.cgl
        organisations = [i.organisation_id for i in invited if i.organisation_id]
        return None, self.rng.choice(organisations or self.organisations)

    def actions(
        self, meeting: Meeting, cases: list[MeetingCase], invited: list[Invitation]
    ) -> list[Action]:
        """One to three actions (at a session, one or two for each case), in every state
        their dates allow; none at a cancelled meeting."""
        if meeting.status == MeetingStatus.CANCELLED:
            return []
        if meeting.kind == Kind.PARTNERSHIP:
            about = [c for c in cases for _ in range(self.rng.randrange(1, 3))]
        else:
            about = cases[:1] * self.rng.randrange(1, 4)
        held = meeting.status == MeetingStatus.HELD
        rows = []
        for case in about:
            created = (
                meeting.ends_at
                if held
                else meeting.created_at + dt.timedelta(hours=self.rng.randrange(1, 72))
            )
            created = min(created, self.now)
            due = created.date() + dt.timedelta(days=self.rng.randrange(3, 60))
            user, organisation = self.owner(meeting, invited)
            action = Action(
                programme_area_id=meeting.programme_area_id,
                meeting=meeting,
                case=case,
                description=self.rng.choice(ACTIONS),
                owner_user_id=user,
                owner_organisation_id=organisation,
                due_on=due,
                created_by_id=meeting.convened_by_id,
                created_at=created,
            )
            pick = self.rng.random()
            # Due and gone: mostly done, some cancelled, some still open (overdue).
            done_share, cancelled_share = (0.6, 0.1) if due < self.today else (0.2, 0.05)
            if pick < done_share:
                action.status = ActionStatus.DONE
                latest = min(self.now, timezone.make_aware(dt.datetime.combine(due, dt.time(17))))
                span = max(int((latest - created).total_seconds()), 60)
                action.completed_at = created + dt.timedelta(seconds=self.rng.randrange(span))
            elif pick < done_share + cancelled_share:
                action.status = ActionStatus.CANCELLED
                action.status_note = "Synthetic: no longer needed"
            elif pick < done_share + cancelled_share + 0.15:
                action.status = ActionStatus.IN_PROGRESS
            else:
                action.status = ActionStatus.OPEN
            rows.append(action)
        return rows


def synth_meetings(count: int, *, seed: int = 2026, session_share: float = SESSION_SHARE) -> int:
    """Add ``count`` meetings (``session_share`` of them problem-solving sessions) with their
    cases, invitations, a decision when held, and actions. Needs synthetic people (their
    trusted relationships) and the demo sign-ins. Returns the number of meetings made."""
    rng = random.Random(seed + 5)  # noqa: S311 - synthetic data
    maker = _Maker(rng)
    if not maker.people or not maker.organisations:
        return 0
    if not maker.people_in:
        session_share = 0.0
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        planned = []
        for _ in range(size):
            meeting, cases = (
                maker.session() if rng.random() < session_share else maker.professionals()
            )
            maker.fill_in(meeting, cases)
            planned.append((meeting, cases))
        with transaction.atomic():
            Meeting.objects.bulk_create([m for m, _ in planned], batch_size=1000)
            all_cases, invitations = [], []
            for meeting, cases in planned:
                for case in cases:
                    case.meeting = meeting
                all_cases.extend(cases)
            MeetingCase.objects.bulk_create(all_cases, batch_size=1000)
            actions, decisions = [], []
            for meeting, cases in planned:
                invited = maker.invitations(meeting)
                invitations.extend(invited)
                actions.extend(maker.actions(meeting, cases, invited))
                if meeting.status == MeetingStatus.HELD:
                    decisions.append(
                        Decision(
                            meeting=meeting,
                            case=cases[0] if meeting.kind == Kind.PROFESSIONALS else None,
                            text="Synthetic decision: agreed the next steps",
                            recorded_by_id=meeting.convened_by_id,
                            recorded_at=meeting.minutes_at,
                        )
                    )
            Invitation.objects.bulk_create(invitations, batch_size=1000)
            Decision.objects.bulk_create(decisions, batch_size=1000)
            Action.objects.bulk_create(actions, batch_size=1000)
        made += size
    return made
