"""Demo meetings: professionals meetings convened by the two demo trusted persons about people
they support, and problem-solving sessions for each of the three operational partnerships, past
and upcoming, with their invitations, replies, minutes, decisions, the person's voice, barriers
raised, and actions in every state (some overdue, some due soon).

Everything goes through ``petal.meetings.services`` (and ``petal.consent.services`` for the
consents the meetings rely on), so the audit trail holds what it would hold had the meetings
really happened. The services rightly refuse some of that for a meeting already in the past
(cases cannot be brought, minutes need it started), so a past meeting is set up as if it were
tomorrow and then moved back to its real time, with its invitations, replies, minutes,
decisions and actions dated to match. Its invitations are marked sent two weeks before it
directly (with their audit event): ``invitations_send`` refuses a started meeting, and would
email a calendar file for the wrong day.

Partnerships other than Cambridgeshire have no coordinator in the accounts demo, so two
fictional coordinators are added here (``COORDINATORS``), the same way the accounts demo adds
its sign-ins.

Texts others read (purpose, agenda, session minutes, barriers, action descriptions and notes)
never name a person: the services would refuse them.

Deterministic (fixed people, dates and texts) and safe to load twice: nothing is added if the
demo's meetings exist. Loading queues the notifications the services send (invitations to the
upcoming meetings, a cancellation, new actions) and, where the task backend can defer, the
actions' reminders; all go to fictional ``example.org`` addresses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from petal.access.categories import Category
from petal.access.meetings import invitee_categories
from petal.access.people import relationships_in_force
from petal.access.roles import Role
from petal.accounts.demo import DEFAULT_PASSWORD, DEMO_USERS, DemoUser
from petal.accounts.models import Membership, Organisation, User
from petal.accounts.services import membership_add, user_create
from petal.audit.services import audit_record
from petal.consent.models import Consent
from petal.consent.services import consent_record
from petal.meetings import services
from petal.meetings.models import (
    Action,
    ActionStatus,
    Decision,
    Invitation,
    Kind,
    Meeting,
    MeetingCase,
    MeetingStatus,
    RaisedBarrier,
    Reply,
    Retold,
    Voice,
)
from petal.reference.models import AreaOfDisadvantage, Partnership
from petal.reference.selectors import partnership_for_district

C = Category
AMARA = "trusted.person@example.org"
TOMASZ = "trusted.person2@example.org"
DANIEL = "coordinator@example.org"
SERVICES = "services@example.org"
SERVICE_STAFF = "service.staff@example.org"
CHAMPION = "champion@example.org"

# The two partnerships' coordinators besides Daniel's: demo sign-ins of the accounts demo.
COORDINATORS = [
    d
    for d in DEMO_USERS
    if d.email in {"coordinator.peterborough@example.org", "coordinator.fenland@example.org"}
]
PBORO_COORDINATOR = COORDINATORS[0].email
FENLAND_COORDINATOR = COORDINATORS[1].email
CONVENERS = [AMARA, TOMASZ, DANIEL, PBORO_COORDINATOR, FENLAND_COORDINATOR]

# Only people their trusted person has known this long are met about, so no meeting predates
# the relationship.
KNOWN_FOR_DAYS = 120
# Roles whose holders move an organisation's actions on; otherwise whoever ran the meeting does.
WORKS_ON_ACTIONS = (
    Role.SERVICE_STAFF,
    Role.TRUSTED_PERSON,
    Role.CHAMPION,
    Role.SAFEGUARDING_LEAD,
    Role.PARTNERSHIP_COORDINATOR,
)


@dataclass(frozen=True)
class Loaded:
    meetings: int
    actions: int
    users: list[DemoUser]


@dataclass(frozen=True)
class Act:
    """An action agreed at a demo meeting: ``owner`` is an email address or an organisation's
    slug; ``due`` is days from today."""

    description: str
    owner: str
    due: int
    status: str = ActionStatus.OPEN
    note: str = ""
    case: int | None = None  # index into the meeting's cases (sessions)


def _ensure_user(demo: DemoUser, password: str) -> User:
    """As the accounts demo does: create or refresh the sign-in and its membership."""
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = user_create(
            actor=None, email=demo.email, full_name=demo.full_name, password=password
        )
    else:
        user.full_name = demo.full_name
        user.is_active = True
        user.set_password(password)
        user.save()
    organisation = Organisation.objects.get(slug=demo.organisation)
    partnership = Partnership.objects.get(slug=demo.partnership)
    if not Membership.objects.filter(
        user=user,
        role=demo.role,
        organisation=organisation,
        partnership=partnership,
        ended_at__isnull=True,
    ).exists():
        membership_add(
            actor=None,
            user=user,
            role=demo.role,
            organisation=organisation,
            partnership=partnership,
        )
    return user


class _Loader:
    def __init__(self):
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
        self.orgs = {o.slug: o for o in Organisation.objects.all()}
        self.areas = {a.code: a for a in AreaOfDisadvantage.objects.all()}
        self.partnerships = {p.slug: p for p in Partnership.objects.all()}
        known_since = self.today - dt.timedelta(days=KNOWN_FOR_DAYS)
        self.known: dict[str, list] = {AMARA: [], TOMASZ: []}
        self.trusted_person: dict[int, User] = {}
        relationships = (
            relationships_in_force()
            .filter(trusted_person__email__in=[AMARA, TOMASZ], starts_on__lte=known_since)
            .select_related("person__district", "trusted_person")
            .order_by("person__full_name", "person_id")
        )
        for relationship in relationships:
            person = relationship.person
            if person.pk in self.trusted_person:
                continue
            self.trusted_person[person.pk] = self.users[relationship.trusted_person.email]
            self.known[relationship.trusted_person.email].append(person)

    # --- helpers --------------------------------------------------------------------------

    def at(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        day = self.today + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def people_in(self, slug: str) -> list:
        """People either trusted person has known long enough, living in the partnership's
        area, by name."""
        partnership = self.partnerships[slug]
        people = [p for email in (AMARA, TOMASZ) for p in self.known[email]]
        return sorted(
            (
                p
                for p in people
                if p.district_id
                and partnership_for_district(p.district, on=self.today) == partnership
            ),
            key=lambda p: (p.full_name, p.pk),
        )

    def _backdate_consent(self, consent: Consent, starts_on: dt.date) -> None:
        recorded = timezone.make_aware(dt.datetime.combine(starts_on, dt.time(9, 30)))
        Consent.objects.filter(pk=consent.pk).update(recorded_at=recorded)

    def share(self, person, *, since: dt.date, organisation=None, user=None) -> None:
        """The person agreed (some days before the meeting) to share with an invitee."""
        consent = consent_record(
            actor=self.trusted_person[person.pk],
            person=person,
            categories=[C.IDENTITY, C.STORY, C.NEEDS],
            purposes=["professionals_meeting"],
            purpose_text="So everyone at the meeting knows their story and they tell it once",
            starts_on=since,
            ends_on=self.today + dt.timedelta(days=180),
            given_how="verbal",
            grantee_organisation=organisation,
            grantee_user=user,
        )
        self._backdate_consent(consent, since)

    def share_with_partnership(self, person, slug: str, *, since: dt.date) -> None:
        partnership = self.partnerships[slug]
        if services.partnership_consent(person, partnership.pk):
            return
        consent = consent_record(
            actor=self.trusted_person[person.pk],
            person=person,
            categories=[C.IDENTITY, C.STORY, C.NEEDS],
            purposes=["care_coordination"],
            purpose_text="So the partnership can help when services get stuck",
            starts_on=since,
            ends_on=self.today + dt.timedelta(days=300),
            given_how="easy_read",
            grantee_partnership=partnership,
        )
        self._backdate_consent(consent, since)

    def invite(self, meeting: Meeting, actor: User, invitee: str, *, share: bool, since):
        """Invite a user (by email) or an organisation (by slug). At a professionals meeting,
        an invitee the person has not agreed to share with either gets a consent recorded
        (``share``) or is invited without the person's details."""
        by_email = "@" in invitee
        invitation = services.invitation_add(
            actor=actor,
            meeting_id=meeting.pk,
            email=invitee if by_email else "",
            organisation=None if by_email else self.orgs[invitee],
        )
        if meeting.kind == Kind.PROFESSIONALS and services.unconsented(meeting, [invitation]):
            if share:
                person = meeting.cases.get().person
                if by_email:
                    self.share(person, since=since, user=self.users[invitee])
                else:
                    self.share(person, since=since, organisation=self.orgs[invitee])
            else:
                services.invitation_without_details(
                    actor=actor, meeting_id=meeting.pk, invitation_id=invitation.pk, on=True
                )
        return invitation

    def sent_long_ago(self, meeting: Meeting, actor: User, when: dt.datetime) -> None:
        """The invitations to a past meeting went out two weeks before it. Recorded directly,
        not through ``invitations_send``: that refuses a meeting that has started, and would
        email invitees a calendar file for the wrong day."""
        invitations = list(meeting.invitations.order_by("id").values_list("pk", flat=True))
        Invitation.objects.filter(pk__in=invitations).update(sent_at=when)
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.INVITED, invitations_sent_at=when
        )
        audit_record(
            actor=actor,
            action="meeting.invitations_sent",
            obj=meeting,
            data={"invitations": invitations, "demo": True},
        )

    def reply(self, meeting: Meeting, invitation: Invitation, reply: str, by: str | None):
        """``by``: who replies (an email); None when the convener records a reply given to
        them."""
        services.reply_record(
            actor=self.users[by] if by else meeting.convened_by,
            meeting_id=meeting.pk,
            invitation_id=invitation.pk,
            reply=reply,
        )

    def worker_for(self, action: Action, meeting: Meeting) -> User:
        """Who moves an action on: its owner, someone working in the owning organisation, or
        whoever ran the meeting."""
        if action.owner_user_id:
            return self.users[action.owner_user.email]
        member = (
            Membership.objects.filter(
                organisation_id=action.owner_organisation_id,
                role__in=list(WORKS_ON_ACTIONS),
                ended_at__isnull=True,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        if member is not None and member.user.email in self.users:
            return self.users[member.user.email]
        return meeting.convened_by

    # --- one meeting ----------------------------------------------------------------------

    def meeting(
        self,
        *,
        convener: str,
        days: int,
        start: tuple[int, int],
        minutes_long: int,
        purpose: str,
        agenda: str,
        place: str = "",
        online_link: str = "",
        person=None,
        partnership: str = "",
        cases: list[tuple] = (),
        invitees: list[tuple] = (),
        send: bool = True,
        cancelled: str = "",
        minutes: str = "",
        voices: list[dict] = (),
        decisions: list[tuple] = (),
        barriers: list[dict] = (),
        actions: list[Act] = (),
    ) -> Meeting:
        """Hold a demo meeting.

        ``cases``: (person, question) brought to a session by their trusted person.
        ``invitees``: (email or slug, share, reply, replied by, attended), where ``share`` is
        True (record consent if needed), False (invite without details) and ``reply`` is a
        Reply or None.
        ``voices``: per case, the answers ``minutes_record`` takes.
        ``decisions``: (text, case index or None).
        """
        actor = self.users[convener]
        starts = self.at(days, *start)
        ends = starts + dt.timedelta(minutes=minutes_long)
        past = ends <= self.now
        # A past meeting is set up as if tomorrow, then moved back (see the module docstring).
        set_up = self.at(1, *start) if past else starts
        since = min(starts.date(), self.today) - dt.timedelta(days=21)
        when = {
            "purpose": purpose,
            "agenda": agenda,
            "starts_at": set_up,
            "ends_at": set_up + dt.timedelta(minutes=minutes_long),
            "place": place,
            "online_link": online_link,
        }
        if partnership:
            meeting = services.session_plan(
                actor=actor, partnership=self.partnerships[partnership], **when
            )
        else:
            meeting = services.meeting_convene(actor=actor, person=person, **when)
        invitations = [
            self.invite(meeting, actor, invitee, share=share, since=since)
            for invitee, share, *_ in invitees
        ]
        if send and past:
            self.sent_long_ago(meeting, actor, starts - dt.timedelta(days=14))
        elif send:
            services.invitations_send(actor=actor, meeting_id=meeting.pk)
        if send:
            for invitation, (_, _, reply, by, _) in zip(invitations, invitees, strict=True):
                if reply:
                    self.reply(meeting, invitation, reply, by)
        for case_person, question in cases:
            self.share_with_partnership(case_person, partnership, since=since)
            services.case_add(
                actor=self.trusted_person[case_person.pk],
                meeting_id=meeting.pk,
                person=case_person,
                question=question,
            )
        if cancelled:
            services.meeting_cancel(actor=actor, meeting_id=meeting.pk, reason=cancelled)
        if not past:
            return meeting

        # Back to when it really happened.
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=starts, ends_at=ends, created_at=starts - dt.timedelta(days=21)
        )
        Invitation.objects.filter(meeting=meeting).update(added_at=starts - dt.timedelta(days=15))
        Invitation.objects.filter(meeting=meeting, replied_at__isnull=False).update(
            replied_at=starts - dt.timedelta(days=10)
        )
        MeetingCase.objects.filter(meeting=meeting).update(
            added_at=starts - dt.timedelta(days=21 if meeting.is_professionals else 8)
        )
        case_ids = list(meeting.cases.order_by("added_at", "id").values_list("pk", flat=True))
        services.minutes_record(
            actor=actor,
            meeting_id=meeting.pk,
            minutes=minutes,
            attended=[
                inv.pk
                for inv, (*_, attended) in zip(invitations, invitees, strict=True)
                if attended
            ],
            cases=dict(zip(case_ids, voices, strict=False)),
        )
        Meeting.objects.filter(pk=meeting.pk).update(minutes_at=ends + dt.timedelta(hours=3))
        for text, case in decisions:
            services.decision_add(
                actor=actor,
                meeting_id=meeting.pk,
                text=text,
                case_id=None if case is None else case_ids[case],
            )
        Decision.objects.filter(meeting=meeting).update(recorded_at=ends - dt.timedelta(minutes=5))
        for barrier in barriers:
            services.barrier_raise(
                actor=actor,
                meeting_id=meeting.pk,
                summary=barrier["summary"],
                detail=barrier.get("detail", ""),
                services=barrier.get("services", ""),
                areas=[self.areas[code] for code in barrier.get("areas", ())],
            )
        RaisedBarrier.objects.filter(meeting=meeting).update(
            raised_at=ends - dt.timedelta(minutes=15)
        )
        for act in actions:
            self.action(meeting, actor, act, ends=ends, case_ids=case_ids)
        return meeting

    def action(self, meeting: Meeting, actor: User, act: Act, *, ends, case_ids) -> Action:
        by_email = "@" in act.owner
        action = services.action_add(
            actor=actor,
            meeting_id=meeting.pk,
            description=act.description,
            due_on=self.today + dt.timedelta(days=act.due),
            owner_email=act.owner if by_email else "",
            owner_organisation=None if by_email else self.orgs[act.owner],
            case_id=None if act.case is None else case_ids[act.case],
        )
        created = ends + dt.timedelta(hours=1)
        Action.objects.filter(pk=action.pk).update(created_at=created)
        if act.status != ActionStatus.OPEN:
            services.action_set_status(
                actor=self.worker_for(action, meeting),
                action_id=action.pk,
                status=act.status,
                note=act.note,
            )
        changes = {}
        if act.status == ActionStatus.DONE:
            # Done the day before it was due, or yesterday, and after the meeting.
            done = self.at(min(act.due - 1, -1), 16)
            changes["completed_at"] = min(max(done, created + dt.timedelta(hours=20)), self.now)
        if act.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS) and act.due < 0:
            # Reminded on the morning it fell due (one due today has not been yet).
            changes["reminded_at"] = self.at(act.due, 9)
        if changes:
            Action.objects.filter(pk=action.pk).update(**changes)
        return action

    # --- the demo -------------------------------------------------------------------------

    def professionals_meetings(self) -> None:
        amara, tomasz = self.known[AMARA], self.known[TOMASZ]
        cgl = "cgl-change-grow-live"

        # Held six weeks ago: the person came and did not have to tell their story again.
        self.meeting(
            convener=AMARA,
            person=amara[3],
            days=-42,
            start=(10, 0),
            minutes_long=90,
            place="Ferry Project, Wisbech: meeting room 1",
            purpose="Agree one plan for somewhere safe to stay and for support with drinking, "
            "so they do not have to explain themselves to each service in turn.",
            agenda="1. What they want from today\n2. Somewhere to stay before the winter\n"
            "3. Drug and alcohol support\n4. Who does what, and by when",
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICES, True),
                ("probation-service", True, Reply.ATTENDING, None, True),
                (CHAMPION, True, Reply.ATTENDING, CHAMPION, False),
            ],
            minutes="They came with their trusted person and led the first part of the "
            "meeting. CGL and Probation had read what had already been shared, so nobody asked "
            "about the past again. Supported housing near family matters more to them than a "
            "quicker hostel place further away. The Trusted Person Champion sent apologies on "
            "the day.",
            voices=[
                {
                    "voice": Voice.ATTENDED,
                    "retold": Retold.NO,
                    "outcome": "One plan agreed: a supported housing referral this week and a "
                    "named key worker at CGL, reviewed together in six weeks.",
                }
            ],
            decisions=[
                ("Refer to supported housing near family rather than a hostel further away.", None),
                ("One named key worker at CGL; other services go through the trusted person.", 0),
            ],
            actions=[
                Act("Send the supported housing referral with the agreed plan", AMARA, -38, "done"),
                Act("Offer a first appointment with a named key worker", cgl, -35, "done"),
                Act(
                    "Check whether the licence conditions allow a move of district",
                    "probation-service",
                    -30,
                    "cancelled",
                    "Not needed: the move stays within the same district.",
                ),
                Act("Arrange the review meeting once the housing offer is known", AMARA, -3),
                Act(
                    "Help with the benefits claim so the rent is covered from the first week",
                    SERVICES,
                    4,
                    "in_progress",
                ),
            ],
        )

        # Held last week: the person sent their views; they had had to tell their story again.
        self.meeting(
            convener=AMARA,
            person=amara[0],
            days=-9,
            start=(14, 0),
            minutes_long=60,
            online_link="https://meet.example.org/petal-demo-professionals",
            purpose="Plan support after leaving the refuge, and make sure contact arrangements "
            "keep them safe.",
            agenda="1. Their views, sent in writing\n2. Safe contact arrangements\n"
            "3. Move-on accommodation\n4. Actions",
            invitees=[
                ("peterborough-light-project", True, Reply.ATTENDING, TOMASZ, True),
                (TOMASZ, True, Reply.ATTENDING, TOMASZ, True),
                (cgl, True, Reply.NOT_ATTENDING, SERVICES, False),
            ],
            minutes="Their views were read out first, as they wrote them. Everyone agreed to use "
            "texts only and never to write to the old address. The housing team had needed the "
            "whole history again before this meeting, because nobody could share it with them; "
            "the trusted person will ask about sharing with the housing team next time.",
            voices=[
                {
                    "voice": Voice.SENT_VIEWS,
                    "views": "I want to stay round here, near my sister and the school. Please "
                    "don't send letters to the old address. Texts are fine, calls in the day "
                    "are not. I've told the refuge everything already and I don't want to go "
                    "through it all again with someone new.",
                    "retold": Retold.YES,
                    "outcome": "A housing application is in, for a flat near the school. Texts "
                    "only; no letters to the old address.",
                }
            ],
            decisions=[("Texts only, never calls in the day; no letters to the old address.", 0)],
            actions=[
                Act(
                    "Give every service involved the new address for letters",
                    "peterborough-light-project",
                    -5,
                    "done",
                ),
                Act(
                    "Ask the housing team about move-on flats close to the school",
                    TOMASZ,
                    -1,
                    "in_progress",
                ),
                Act("Send the trusted person a summary of the support plan", SERVICE_STAFF, 0),
                Act("Find out whether the refuge can extend the stay by four weeks", AMARA, 2),
            ],
        )

        # Held three weeks ago by Tomasz: the person chose not to take part.
        self.meeting(
            convener=TOMASZ,
            person=tomasz[0],
            days=-20,
            start=(11, 0),
            minutes_long=60,
            place="Peterborough Light Project: the quiet room",
            purpose="Agree how services can help keep a tenancy that is at risk because of rent "
            "arrears.",
            agenda="1. Where things stand\n2. A repayment plan\n3. Budgeting support",
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICE_STAFF, True),
                ("peterborough-city-council", True, Reply.ATTENDING, None, True),
            ],
            minutes="They chose not to come and asked their trusted person to speak for them. "
            "The council agreed to hold the possession notice while a repayment plan is kept "
            "to.",
            voices=[
                {
                    "voice": Voice.CHOSE_NOT,
                    "outcome": "The possession notice is on hold while repayments are made.",
                }
            ],
            decisions=[("Hold the possession notice while the repayment plan is kept to.", 0)],
            actions=[
                Act(
                    "Put the possession notice on hold and confirm it in writing",
                    "peterborough-city-council",
                    -15,
                    "done",
                ),
                Act("Apply for a discretionary housing payment", TOMASZ, -10, "done"),
                Act(
                    "Set up a budgeting session",
                    cgl,
                    -6,
                    "cancelled",
                    "They chose to do this with their trusted person instead.",
                ),
                Act("Check in after the first two repayments", TOMASZ, 9),
            ],
        )

        # Next week: one invitee the person has not agreed to share with, invited without
        # their details.
        without = self._unshared(
            amara[1],
            [
                "fenland-district-council",
                "east-cambridgeshire-district-council",
                "huntingdonshire-district-council",
                "womens-aid",
            ],
        )
        self.meeting(
            convener=AMARA,
            person=amara[1],
            days=6,
            start=(10, 0),
            minutes_long=60,
            place="Wisbech Hub, room 2",
            purpose="Bring the services involved together to agree one plan for mental health "
            "support and day-to-day money.",
            agenda="1. What matters to them\n2. Mental health support\n3. Money and debts\n"
            "4. Who does what",
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICES, None),
                ("peterborough-light-project", True, Reply.ATTENDING, TOMASZ, None),
                (without, False, Reply.NOT_ATTENDING, None, None),
                (SERVICE_STAFF, True, None, None, None),
            ],
        )

        # In a fortnight, by Tomasz: planning for release from prison.
        self.meeting(
            convener=TOMASZ,
            person=tomasz[1],
            days=13,
            start=(13, 30),
            minutes_long=60,
            online_link="https://meet.example.org/petal-demo-release-plan",
            purpose="Plan for release next month: somewhere to stay from the first day, and "
            "support to stay well.",
            agenda="1. Release date and conditions\n2. Accommodation from day one\n"
            "3. Health and substance use support",
            invitees=[
                ("probation-service", True, Reply.ATTENDING, None, None),
                (cgl, True, None, None, None),
                ("cpsl-mind", True, Reply.ATTENDING, CHAMPION, None),
            ],
        )

        # Called off once a phone call was enough.
        self.meeting(
            convener=AMARA,
            person=amara[2],
            days=3,
            start=(15, 0),
            minutes_long=45,
            place="Ferry Project, Wisbech: meeting room 2",
            purpose="Agree support with the move into a new flat.",
            agenda="1. Moving day\n2. Furniture and utilities",
            invitees=[(cgl, True, None, None, None)],
            cancelled="No longer needed: everything was sorted out in a phone call.",
        )

        # Still being prepared: an invitee added, the invitations not sent.
        self.meeting(
            convener=AMARA,
            person=amara[4],
            days=20,
            start=(10, 30),
            minutes_long=60,
            place="Ferry Project, Wisbech: meeting room 1",
            purpose="Review how the support plan is going and what to change.",
            agenda="1. What has helped\n2. What has not\n3. Changes to the plan",
            invitees=[("cpsl-mind", True, None, None, None)],
            send=False,
        )

    def _unshared(self, person, slugs: list[str]) -> str:
        """The first organisation the person has not agreed to share who they are with."""
        for slug in slugs:
            probe = Invitation(organisation=self.orgs[slug])
            if C.IDENTITY not in invitee_categories(probe, [person.pk]).get(person.pk, ()):
                return slug
        return slugs[0]

    def sessions(self) -> None:
        cgl = "cgl-change-grow-live"
        agenda = (
            "1. Actions from last time\n2. The people trusted persons have brought\n"
            "3. Barriers to raise\n4. Anything else"
        )
        purpose = (
            "Problem-solving session: trusted persons bring the people they support where "
            "services have got stuck, and partners agree what to do."
        )

        # --- Cambridgeshire, run by Daniel ------------------------------------------------
        cambs = self.people_in("cambridgeshire")
        self.meeting(
            convener=DANIEL,
            partnership="cambridgeshire",
            days=-28,
            start=(14, 0),
            minutes_long=120,
            place="New Shire Hall, Alconbury Weald: Room 3",
            purpose=purpose,
            agenda=agenda,
            cases=[
                (cambs[1], "Refused by two hostels because of their dog: what else is there?"),
                (
                    cambs[2],
                    "Waiting four months for a mental health assessment that needs a fixed "
                    "address first.",
                ),
            ],
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICES, True),
                ("cpsl-mind", True, Reply.ATTENDING, CHAMPION, True),
                ("cambridge-city-council", True, Reply.ATTENDING, None, True),
                ("probation-service", True, Reply.NOT_ATTENDING, None, False),
                ("huntingdonshire-district-council", True, Reply.ATTENDING, None, True),
            ],
            minutes="Four partners came; Probation sent apologies. Two people were brought, "
            "both stuck for over a month. Partners used what had already been shared, so no "
            "one had to be asked for their story again. Two barriers raised for the Tactical "
            "Group.",
            voices=[
                {
                    "retold": Retold.NO,
                    "outcome": "The city council will look for a place that accepts pets.",
                },
                {
                    "voice": Voice.SENT_VIEWS,
                    "views": "I just want someone to see me without me having to prove where I "
                    "sleep.",
                    "retold": Retold.NO,
                    "outcome": "CPSL Mind will offer an assessment at the day centre.",
                },
            ],
            decisions=[
                ("Ask the district councils for one shared housing assessment form.", None),
                ("Look for accommodation that accepts pets before any hostel place.", 0),
            ],
            barriers=[
                {
                    "summary": "Hostels turn away people with a dog",
                    "detail": "Two of the three hostels in Cambridge do not take pets, so people "
                    "with a dog stay on the street rather than give it up.",
                    "services": "Hostels in Cambridge",
                    "areas": ["homelessness"],
                },
                {
                    "summary": "A mental health assessment needs a fixed address",
                    "detail": "The referral form asks for an address; people without one are "
                    "not booked in.",
                    "services": "Community mental health team",
                    "areas": ["mental-health", "homelessness"],
                },
            ],
            actions=[
                Act("Write to the hostel providers about accepting pets", DANIEL, -14, "done"),
                Act(
                    "Offer a mental health assessment at the day centre",
                    "cpsl-mind",
                    -7,
                    case=1,
                ),
                Act(
                    "Find a dual-diagnosis worker to join the next session",
                    SERVICES,
                    3,
                    "in_progress",
                ),
                Act(
                    "Check whether a care-of address can be used for the housing register",
                    "cambridge-city-council",
                    5,
                    case=0,
                ),
                Act(
                    "Invite the GP practice manager to the next session",
                    DANIEL,
                    -10,
                    "cancelled",
                    "The practice will join by phone instead; no invitation needed.",
                ),
            ],
        )
        self.meeting(
            convener=DANIEL,
            partnership="cambridgeshire",
            days=14,
            start=(14, 0),
            minutes_long=120,
            place="New Shire Hall, Alconbury Weald: Room 3",
            purpose=purpose,
            agenda=agenda,
            cases=[
                (cambs[2], "Back for review: is the assessment at the day centre happening?"),
                (cambs[3], "Keeps missing appointments because letters go to an old address."),
            ],
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICES, None),
                ("cpsl-mind", True, None, None, None),
                ("cambridge-city-council", True, Reply.ATTENDING, None, None),
                ("probation-service", True, None, None, None),
            ],
        )

        # --- Peterborough -----------------------------------------------------------------
        pboro = self.people_in("peterborough")
        self.meeting(
            convener=PBORO_COORDINATOR,
            partnership="peterborough",
            days=-35,
            start=(10, 0),
            minutes_long=120,
            place="Peterborough Town Hall, Bridge Street: Committee Room 1",
            online_link="https://meet.example.org/petal-demo-peterborough-session",
            purpose=purpose,
            agenda=agenda,
            cases=[
                (
                    pboro[0],
                    "Benefits stopped after a move into temporary accommodation out of area.",
                ),
                (
                    pboro[1],
                    "Wants support at the drop-in but has not felt safe there since a threat.",
                ),
            ],
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICE_STAFF, True),
                ("peterborough-city-council", True, Reply.ATTENDING, None, True),
                ("peterborough-light-project", True, Reply.ATTENDING, TOMASZ, True),
                ("probation-service", True, Reply.ATTENDING, None, False),
                ("dwp-and-jobcentre-plus-safeguarding-team", True, Reply.ATTENDING, None, True),
            ],
            minutes="Four partners came; Probation could not join on the day. Two people were "
            "brought. The Jobcentre agreed a named contact for trusted persons. Two barriers "
            "raised.",
            voices=[
                {"retold": Retold.NO, "outcome": "The benefit claim was restarted."},
                {
                    "voice": Voice.CHOSE_NOT,
                    "retold": Retold.NO,
                    "outcome": "A quiet morning, with a separate room, will be tried at the drop-in.",
                },
            ],
            decisions=[
                ("Trial a quiet morning with a separate room at the drop-in for a month.", None),
                ("Restart the claim using the temporary address.", 0),
            ],
            barriers=[
                {
                    "summary": "Benefit claims stop when someone is placed out of area",
                    "detail": "A move into temporary accommodation in another district ends the "
                    "claim, and a new one takes five weeks.",
                    "services": "Jobcentre Plus; housing options",
                    "areas": ["homelessness"],
                },
                {
                    "summary": "Nowhere quiet or separate at the drop-in",
                    "detail": "People who have been threatened or abused stay away from the "
                    "drop-in because there is nowhere quieter or more private to talk.",
                    "services": "Drop-in centre",
                    "areas": ["domestic-abuse", "mental-health"],
                },
            ],
            actions=[
                Act(
                    "Name a Jobcentre contact for trusted persons",
                    "dwp-and-jobcentre-plus-safeguarding-team",
                    -21,
                    "done",
                ),
                Act(
                    "Review the rule on out-of-area temporary placements",
                    "peterborough-city-council",
                    10,
                    "in_progress",
                ),
                Act(
                    "Share the session notes with the Tactical Group",
                    PBORO_COORDINATOR,
                    -28,
                    "done",
                ),
                Act(
                    "Trial a quiet morning with a separate room at the drop-in",
                    "peterborough-light-project",
                    -4,
                    case=1,
                ),
                Act(
                    "Check the licence conditions before the next session",
                    "probation-service",
                    -20,
                    "cancelled",
                    "The licence ended, so there is nothing to check.",
                ),
            ],
        )
        self.meeting(
            convener=PBORO_COORDINATOR,
            partnership="peterborough",
            days=21,
            start=(10, 0),
            minutes_long=120,
            place="Peterborough Town Hall, Bridge Street: Committee Room 1",
            purpose=purpose,
            agenda=agenda,
            cases=[
                (pboro[1], "Back for review: how did the quiet morning at the drop-in go?"),
                (pboro[2], "Leaving hospital soon with nowhere to go."),
            ],
            invitees=[
                (cgl, True, None, None, None),
                ("peterborough-city-council", True, Reply.ATTENDING, None, None),
                ("peterborough-light-project", True, Reply.ATTENDING, TOMASZ, None),
                ("dwp-and-jobcentre-plus-safeguarding-team", True, None, None, None),
            ],
        )

        # --- Fenland & East Cambridgeshire ------------------------------------------------
        fenland = self.people_in("fenland-east-cambridgeshire")
        self.meeting(
            convener=FENLAND_COORDINATOR,
            partnership="fenland-east-cambridgeshire",
            days=-14,
            start=(13, 0),
            minutes_long=120,
            place="Fenland Hall, March: Council Chamber",
            purpose=purpose,
            agenda=agenda,
            cases=[
                (fenland[0], "Cannot get to the clinic in Wisbech from the village in time."),
                (fenland[1], "Offered appointments only in Cambridge or Peterborough."),
            ],
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICES, True),
                ("ferry-project-wisbech", True, Reply.ATTENDING, AMARA, True),
                ("fenland-district-council", True, Reply.ATTENDING, None, True),
                ("east-cambridgeshire-district-council", True, Reply.ATTENDING, None, True),
                ("womens-aid", True, Reply.NOT_ATTENDING, None, False),
            ],
            minutes="Four partners came. Both people brought live in villages with no early "
            "bus; services in the towns are out of reach before mid-morning. Outreach "
            "appointments agreed as a first step; the bus times raised as a barrier.",
            voices=[
                {"retold": Retold.NO, "outcome": "CGL will offer outreach appointments."},
                {"retold": Retold.YES, "outcome": "An appointment in March was found."},
            ],
            decisions=[("Offer outreach appointments in the market towns first.", None)],
            barriers=[
                {
                    "summary": "No bus from the villages before 10am",
                    "detail": "Morning clinics in Wisbech cannot be reached by bus from the "
                    "villages, so people miss the prescribing appointments.",
                    "services": "Drug and alcohol clinic, Wisbech",
                    "areas": ["substance-misuse"],
                },
                {
                    "summary": "Specialist appointments only in the cities",
                    "detail": "Some services offer appointments only in Cambridge or "
                    "Peterborough, a long and costly journey.",
                    "services": "Specialist services",
                    "areas": ["mental-health", "substance-misuse"],
                },
            ],
            actions=[
                Act("Offer outreach appointments in Chatteris and Littleport", cgl, 6, case=0),
                Act(
                    "Ask the bus operator about an earlier service",
                    FENLAND_COORDINATOR,
                    -5,
                    "in_progress",
                ),
                Act(
                    "Keep a room free at Fenland Hall for outreach appointments",
                    "fenland-district-council",
                    -7,
                    "done",
                ),
                Act(
                    "Add the outreach appointments to the service directory",
                    "east-cambridgeshire-district-council",
                    12,
                ),
                Act(
                    "Send information about the outreach sessions to partners",
                    "womens-aid",
                    -2,
                    "cancelled",
                    "CGL sent it to everyone already.",
                ),
            ],
        )
        self.meeting(
            convener=FENLAND_COORDINATOR,
            partnership="fenland-east-cambridgeshire",
            days=7,
            start=(13, 0),
            minutes_long=120,
            place="Ely: The Grange, Nutholt Lane",
            purpose=purpose,
            agenda=agenda,
            cases=[
                (fenland[0], "Back for review: did the outreach appointment work?"),
                (fenland[2], "Keeps losing their place on the waiting list after moving."),
            ],
            invitees=[
                (cgl, True, Reply.ATTENDING, SERVICES, None),
                ("ferry-project-wisbech", True, Reply.ATTENDING, AMARA, None),
                ("east-cambridgeshire-district-council", True, None, None, None),
                ("womens-aid", True, Reply.NOT_ATTENDING, None, None),
            ],
        )


def _demo_meetings():
    return Meeting.objects.filter(convened_by__email__in=CONVENERS)


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD) -> Loaded:
    """Add the coordinators and the demo meetings (once). Returns what there is."""
    for demo in COORDINATORS:
        _ensure_user(demo, password)
    if not _demo_meetings().exists() and User.objects.filter(email=AMARA).exists():
        loader = _Loader()
        loader.professionals_meetings()
        loader.sessions()
    meetings = _demo_meetings()
    return Loaded(
        meetings=meetings.count(),
        actions=Action.objects.filter(meeting__in=meetings).count(),
        # Only sign-ins the accounts demo does not already list.
        users=[d for d in COORDINATORS if d.email not in {u.email for u in DEMO_USERS}],
    )
