"""Demo barriers and governance: 22 barriers from the three operational partnerships, at every
level of the ladder and in every state, with their decisions, the lived-experience voices heard
(all four kinds, a few "not heard, because …"), "I have met this too" with examples, a merged
pair, and learning (three entries published on "You said, we did", one waiting for the
programme team); the members of the Tactical Group, the Strategic Group and the Public Service
Board (the demo governance sign-ins among them, some members with lived experience), their
meetings over the past four months with agendas, attendance, minutes and actions, and one
upcoming meeting of each. The Strategic Group's latest meeting has a full board pack: barriers
for decision with their history, other items, attendance, actions, and the previous meeting's
actions.

Everything goes through ``petal.barriers.services`` (and the meetings services for the
partnerships' earlier problem-solving sessions), so the rules hold as they would for real: each
decision is made by whoever runs the group at one of its meetings, with the voice recorded;
feedback reaches the raiser and everyone who met the barrier; texts are checked for names. The
services stamp everything "now", so once each step is done its times are moved back to when it
happened (the audit trail keeps the real time of loading, as for the meetings demo).

The level-one decisions of the last month are made at the problem-solving sessions the meetings
demo holds (each partnership's latest held session); the earlier ones at six sessions held here
for the purpose, with the meetings demo's own helper. The barriers those sessions raised (on
the ladder too) are dated to when they were raised, and the two the Cambridgeshire session
raised for the Tactical Group are escalated there. One barrier, raised by a trusted person,
links to one of their people who agreed to share who they are with the partnership.

Texts never name a person. Deterministic (fixed texts and days) and safe to load twice: nothing
is added once the demo's barriers exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from petal.access.people import relationships_in_force
from petal.accounts.models import Membership, Organisation, User
from petal.barriers.models import (
    AgendaItem,
    Attendance,
    Barrier,
    Decision,
    DecisionNotice,
    GroupMember,
    LearningEntry,
    MemberRole,
    MeToo,
    Outcome,
    RaisedAs,
    VoiceKind,
)
from petal.barriers.services import barriers as barrier_services
from petal.barriers.services import governance
from petal.barriers.services import learning as learning_services
from petal.barriers.services.decisions import decision_record
from petal.core.errors import ValidationFailed
from petal.meetings.demo import (
    AMARA,
    CHAMPION,
    DANIEL,
    FENLAND_COORDINATOR,
    PBORO_COORDINATOR,
    SERVICE_STAFF,
    SERVICES,
    TOMASZ,
)
from petal.meetings.models import (
    Action,
    ActionStatus,
    Kind,
    Meeting,
    MeetingStatus,
    RaisedBarrier,
    Reply,
)
from petal.meetings.services import action_set_status, partnerships_consented
from petal.reference.models import Partnership

TACTICAL = "tactical@example.org"
STRATEGIC = "strategic@example.org"
BOARD = "board@example.org"
PROGRAMME = "programme@example.org"
SAFEGUARDING = "safeguarding@example.org"
GOVERNANCE_USERS = (TACTICAL, STRATEGIC, BOARD)
NEEDED = (
    AMARA,
    TOMASZ,
    DANIEL,
    PBORO_COORDINATOR,
    FENLAND_COORDINATOR,
    PROGRAMME,
    *GOVERNANCE_USERS,
)

M, S, V, N = VoiceKind.MEMBER, VoiceKind.SUPPORTER, VoiceKind.SURVEY, VoiceKind.NOT_HEARD
RESOLVE, ESCALATE, CLOSE = Outcome.RESOLVE, Outcome.ESCALATE, Outcome.CLOSE
DONE, IN_PROGRESS, OPEN = ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.OPEN


# --- what the demo holds -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A decision at a meeting (a key of ``SESSIONS``, ``LAST_SESSIONS`` or ``MEETINGS``).
    Resolve: ``owner`` (an email or an organisation's slug), ``due`` (days from today) and
    where the action has got to."""

    meeting: str
    outcome: str
    reason: str
    voice: str
    said: str
    owner: str = ""
    due: int = 0
    status: str = OPEN


@dataclass(frozen=True)
class Learning:
    title: str
    problem: str
    change: str
    contact: str
    areas: tuple[str, ...]
    day: int
    published: int | None = None


@dataclass(frozen=True)
class DemoBarrier:
    """``raised``: days from today (moved earlier if its first meeting came sooner).
    ``me_too``: (email, example, days after it was raised). ``partnership``: a slug, or "" for
    the partnership of the person it links to (``person``)."""

    summary: str
    detail: str
    effect: str
    services: str
    areas: tuple[str, ...]
    how_often: str
    raiser: str
    partnership: str
    raised: int
    raised_as: str = RaisedAs.OWN_WORK
    on_behalf_of: str = ""
    at_session: str = ""
    person: bool = False
    me_too: tuple[tuple[str, str, int], ...] = ()
    steps: tuple[Step, ...] = ()
    learning: Learning | None = None
    merge_into: int | None = None  # index into BARRIERS
    merged: int = 0


@dataclass(frozen=True)
class Session:
    """An earlier problem-solving session, held by the partnership's coordinator."""

    key: str
    partnership: str
    convener: str
    day: int
    place: str
    invitees: tuple[str, ...]
    minutes: str


@dataclass(frozen=True)
class Member:
    """A member of a group: a Petal user (``who`` is an email) or someone named."""

    who: str
    organisation: str = ""
    role: str = MemberRole.MEMBER
    lived: bool = False
    ended: int | None = None  # days from today


@dataclass(frozen=True)
class GovAct:
    description: str
    owner: str
    due: int
    status: str = OPEN
    note: str = ""


@dataclass(frozen=True)
class GovMeeting:
    key: str
    group: str
    day: int
    start: tuple[int, int]
    minutes_long: int
    place: str
    online_link: str = ""
    items: tuple[tuple[str, str], ...] = ()
    absent: tuple[str, ...] = ()
    minutes: str = ""
    actions: tuple[GovAct, ...] = ()


RUNNERS = {"tactical-group": TACTICAL, "strategic-group": STRATEGIC, "public-service-board": BOARD}

CAMBS_PLACE = "New Shire Hall, Alconbury Weald: Room 3"
PBORO_PLACE = "Peterborough Town Hall, Bridge Street: Committee Room 1"
FENLAND_PLACE = "Fenland Hall, March: Council Chamber"
SESSION_MINUTES = (
    "A session given to barriers: no one was brought this time. Partners went through the "
    "barriers raised since the last session, decided those they could and took the rest to "
    "the Tactical Group."
)

# The partnerships' earlier sessions, held here (the meetings demo holds the last month's).
SESSIONS = [
    Session(
        "peterborough-old",
        "peterborough",
        PBORO_COORDINATOR,
        -126,
        PBORO_PLACE,
        ("cgl-change-grow-live", "peterborough-city-council", "probation-service"),
        SESSION_MINUTES,
    ),
    Session(
        "cambridgeshire-old",
        "cambridgeshire",
        DANIEL,
        -119,
        CAMBS_PLACE,
        ("cgl-change-grow-live", "cambridge-city-council", "cpsl-mind"),
        SESSION_MINUTES,
    ),
    Session(
        "fenland-old",
        "fenland-east-cambridgeshire",
        FENLAND_COORDINATOR,
        -112,
        FENLAND_PLACE,
        ("cgl-change-grow-live", "fenland-district-council", "womens-aid"),
        SESSION_MINUTES,
    ),
    Session(
        "peterborough-mid",
        "peterborough",
        PBORO_COORDINATOR,
        -70,
        PBORO_PLACE,
        ("cgl-change-grow-live", "peterborough-city-council", "peterborough-light-project"),
        SESSION_MINUTES,
    ),
    Session(
        "cambridgeshire-mid",
        "cambridgeshire",
        DANIEL,
        -63,
        CAMBS_PLACE,
        ("cgl-change-grow-live", "cambridge-city-council", "huntingdonshire-district-council"),
        SESSION_MINUTES,
    ),
    Session(
        "fenland-mid",
        "fenland-east-cambridgeshire",
        FENLAND_COORDINATOR,
        -56,
        FENLAND_PLACE,
        ("cgl-change-grow-live", "ferry-project-wisbech", "east-cambridgeshire-district-council"),
        SESSION_MINUTES,
    ),
]
# Each partnership's latest held session from the meetings demo (or one held here on this day
# if there is none).
LAST_SESSIONS = {
    "peterborough-last": ("peterborough", PBORO_COORDINATOR, -35, PBORO_PLACE),
    "cambridgeshire-last": ("cambridgeshire", DANIEL, -28, CAMBS_PLACE),
    "fenland-last": ("fenland-east-cambridgeshire", FENLAND_COORDINATOR, -14, FENLAND_PLACE),
}

MEMBERS = {
    "tactical-group": [
        Member(TACTICAL, role=MemberRole.CHAIR),
        Member(DANIEL),
        Member(PBORO_COORDINATOR),
        Member(FENLAND_COORDINATOR),
        Member("Lorraine Baxter", "probation-service"),
        Member("Kwame Asante", "cgl-change-grow-live"),
        Member("Sophie Marchetti", "sun-network", lived=True),
        Member("Dean Holloway", lived=True),
        Member(PROGRAMME, role=MemberRole.SECRETARY),
    ],
    "strategic-group": [
        Member("Catherine Whitlock", "cambridgeshire-county-council", role=MemberRole.CHAIR),
        Member(STRATEGIC),
        Member(
            "Paul Okonjo",
            "office-of-the-police-and-crime-commissioner-cambridgeshire-and-peterborough",
        ),
        Member("Janet Morrow", "peterborough-city-council"),
        Member("Michelle Adeyemi", "sun-network", lived=True),
        Member("Robert Vance", lived=True),
        Member("Graham Pettit", "probation-service", ended=-30),
        Member(PROGRAMME, role=MemberRole.SECRETARY),
    ],
    "public-service-board": [
        Member(
            "Anne Whitworth",
            "cambridgeshire-and-peterborough-combined-authority",
            role=MemberRole.CHAIR,
        ),
        Member(BOARD),
        Member("Simon Achebe", "cambridgeshire-county-council"),
        Member(
            "Deborah Linton",
            "office-of-the-police-and-crime-commissioner-cambridgeshire-and-peterborough",
        ),
        Member("Leroy Baptiste", "sun-network", lived=True),
        Member(PROGRAMME, role=MemberRole.SECRETARY),
    ],
}

LAST_ACTIONS = "Actions from the last meeting"
TACTICAL_PLACE = "New Shire Hall, Alconbury Weald: Room 2"
STRATEGIC_PLACE = "Sand Martin House, Peterborough: Board Room"
BOARD_PLACE = "New Shire Hall, Alconbury Weald: Council Chamber"

MEETINGS = [
    GovMeeting(
        "tactical-old",
        "tactical-group",
        -105,
        (10, 0),
        120,
        TACTICAL_PLACE,
        items=(("Lived experience: what members heard this month", ""),),
        absent=("Lorraine Baxter",),
        minutes="Members with lived experience opened the discussion of each barrier. Five "
        "barriers came from the partnerships: one will be resolved here by the councils' "
        "housing teams, four need a change of policy and go to the Strategic Group.",
        actions=(
            GovAct(
                "Write a one-page guide for trusted persons on the duty to refer",
                TACTICAL,
                -80,
                DONE,
            ),
        ),
    ),
    GovMeeting(
        "strategic-old",
        "strategic-group",
        -84,
        (14, 0),
        120,
        STRATEGIC_PLACE,
        items=(("Changing Futures: progress report from the programme team", ""),),
        absent=("Janet Morrow",),
        minutes="Four barriers came from the Tactical Group. Two will be resolved by partners "
        "on the group (sanctions after a hospital stay; refuge places for women who use drugs "
        "or alcohol); two need the whole system and go to the Public Service Board. The group "
        "asked for figures on how long barriers wait at each level, and for two more members "
        "with lived experience.",
        actions=(
            GovAct(
                "Bring figures on how long barriers wait at each level to the next meeting",
                PROGRAMME,
                -20,
                DONE,
            ),
            GovAct("Invite two more members with lived experience", STRATEGIC, -10, IN_PROGRESS),
        ),
    ),
    GovMeeting(
        "tactical-mid",
        "tactical-group",
        -49,
        (10, 0),
        120,
        TACTICAL_PLACE,
        items=(("Training on the local connection exemption: proposal", ""),),
        absent=("Sophie Marchetti", "Dean Holloway"),
        minutes="Both members with lived experience sent apologies; voices came from "
        "supporters and surveys instead, and one barrier was decided without any, which the "
        "group recorded. Six barriers: one resolved here, one closed, four to the Strategic "
        "Group.",
        actions=(
            GovAct(
                "Share the interpreting guidance with every partner",
                "peterborough-city-council",
                -35,
                DONE,
            ),
            GovAct(
                "Arrange training on the local connection exemption for housing staff",
                "huntingdonshire-district-council",
                20,
                IN_PROGRESS,
            ),
        ),
    ),
    GovMeeting(
        "board-old",
        "public-service-board",
        -40,
        (10, 0),
        150,
        BOARD_PLACE,
        online_link="https://meet.example.org/petal-demo-public-service-board",
        items=(("Report from the Strategic Group", ""),),
        absent=("Deborah Linton",),
        minutes="Two barriers from the Strategic Group. The Board will fund one shared housing "
        "application form for the five councils, and closed the barrier about claims before "
        "release as a national rule, with a letter from the chair.",
        actions=(
            GovAct(
                "Write to the Department for Work and Pensions about claims before release",
                BOARD,
                -25,
                DONE,
            ),
            GovAct(
                "Report on the shared housing application form at the next meeting",
                "cambridgeshire-and-peterborough-combined-authority",
                45,
            ),
        ),
    ),
    GovMeeting(
        "strategic-last",
        "strategic-group",
        -10,
        (14, 0),
        150,
        STRATEGIC_PLACE,
        online_link="https://meet.example.org/petal-demo-strategic-group",
        items=(
            (
                "Lived experience panel: what we heard this quarter",
                "Two members of the panel present what people told them about housing and "
                "benefits since the last meeting.",
            ),
            (
                "Changing Futures funding from April: update",
                "The programme team on what the next year's funding covers, and what it does not.",
            ),
            (
                "Figures: barriers at each level and how long they wait",
                "Asked for at the last meeting.",
            ),
        ),
        absent=("Robert Vance", "Paul Okonjo"),
        minutes="Three barriers decided: hostels will review violence markers over two years "
        "old; Friday releases go to the Public Service Board; the local connection barrier is "
        "closed on legal advice. Old rent arrears were held over until each council sends its "
        "figures. The sanctions work is under way but late. The lived experience panel's "
        "report was welcomed and will go to partners.",
        actions=(
            GovAct(
                "Ask each council how many housing applications were refused for old arrears",
                STRATEGIC,
                21,
            ),
            GovAct(
                "Send the Friday release barrier to the Public Service Board with the evidence",
                PROGRAMME,
                -3,
                DONE,
            ),
            GovAct("Share the lived experience panel's report with partners", "sun-network", 14),
        ),
    ),
    GovMeeting(
        "tactical-next",
        "tactical-group",
        16,
        (10, 0),
        120,
        TACTICAL_PLACE,
        items=(("Lived experience: what members heard this month", ""),),
    ),
    GovMeeting(
        "strategic-next",
        "strategic-group",
        38,
        (14, 0),
        150,
        STRATEGIC_PLACE,
        online_link="https://meet.example.org/petal-demo-strategic-group",
        items=(("Housing applications refused for old arrears: figures from each council", ""),),
    ),
    GovMeeting(
        "board-next",
        "public-service-board",
        52,
        (10, 0),
        150,
        BOARD_PLACE,
        online_link="https://meet.example.org/petal-demo-public-service-board",
        items=(
            ("Report from the Strategic Group", ""),
            ("Changing Futures: the year ahead", ""),
        ),
    ),
]

HOMELESS, SUBSTANCE, MENTAL, ABUSE, JUSTICE = (
    "homelessness",
    "substance-misuse",
    "mental-health",
    "domestic-abuse",
    "criminal-justice",
)

BARRIERS = [
    # --- waiting at the operational partnerships ------------------------------------------------
    DemoBarrier(
        "Appointment letters go to people who have no postal address",
        "Hospital outpatient clinics and the community mental health team send appointments by "
        "letter only. People sleeping rough or sofa-surfing never see them, miss the "
        "appointment and are discharged for not attending.",
        "One man missed two outpatient appointments in a row and was taken off the list; it "
        "took his worker five weeks to get him back on.",
        "Hospital outpatient clinics; community mental health team",
        (HOMELESS, MENTAL),
        "every_time",
        SERVICES,
        "cambridgeshire",
        -6,
        me_too=(
            (
                AMARA,
                "Letters for two people I support still go to a hostel they left months ago.",
                1,
            ),
            (
                CHAMPION,
                "We ask clinics to text a worker's phone instead, but each clinic has to be "
                "asked separately.",
                2,
            ),
            (TOMASZ, "", 3),
        ),
    ),
    DemoBarrier(
        "GP practices ask for photo ID and proof of address before registering someone",
        "NHS guidance says no ID or address is needed to register with a GP, but several "
        "practices still ask for both at the front desk. People are turned away before they "
        "see anyone.",
        "A woman leaving a refuge went without her regular medication for nine days because "
        "two practices turned her away.",
        "GP practices in Peterborough",
        (HOMELESS, ABUSE, MENTAL),
        "often",
        TOMASZ,
        "peterborough",
        -18,
        me_too=(
            (
                SERVICE_STAFF,
                "Turned away twice last month; it worked only when I went along with the "
                "guidance printed out.",
                2,
            ),
            (AMARA, "The same happens at one practice in Wisbech.", 5),
        ),
    ),
    DemoBarrier(
        "Supervised doses at the pharmacy clash with probation appointments",
        "The pharmacy gives supervised doses only between nine and eleven in the morning, and "
        "probation appointments are often booked in the same hours in another town. People "
        "have to choose which one to miss.",
        "Missing the dose means withdrawal; missing probation means a warning. Either can "
        "undo months of progress.",
        "Community pharmacies; Probation Service; drug and alcohol service",
        (SUBSTANCE, JUSTICE),
        "often",
        "",  # the linked person's trusted person
        "",
        -9,
        person=True,
        me_too=((CHAMPION, "Two people I know of had a warning for exactly this.", 2),),
    ),
    DemoBarrier(
        "No NHS dentist takes new patients without an address",
        "Dental practices in Fenland and East Cambridgeshire have closed their lists, and the "
        "urgent dental line asks for an address before it books anyone. People in pain end up "
        "at A&E, or go without.",
        "Several guests at the day centre have lived with untreated abscesses for months.",
        "NHS dental practices; urgent dental care line",
        (HOMELESS, SUBSTANCE),
        "often",
        AMARA,
        "fenland-east-cambridgeshire",
        -30,
        me_too=(
            (FENLAND_COORDINATOR, "The same in March and Chatteris.", 2),
            (SERVICES, "", 4),
        ),
        steps=(
            Step(
                "fenland-last",
                RESOLVE,
                "Public Health will ask the dental commissioners for a weekly urgent session at "
                "the day centre that needs no address, and report back to the next session.",
                V,
                "The day centre asked 31 guests: 19 had not seen a dentist for "
                "over two years, and most had been turned away for having no "
                "address.",
                owner="cambridgeshire-and-peterborough-public-health",
                due=21,
            ),
        ),
    ),
    DemoBarrier(
        "Some services can only be reached by phone",
        "The drug and alcohol service and the housing options team take referrals only by "
        "phone, with long queues. People with no phone, or no credit, cannot get through; the "
        "day centre's phone is shared and always busy.",
        "People give up after waiting on hold for forty minutes on a borrowed phone.",
        "Drug and alcohol service; housing options",
        (HOMELESS, SUBSTANCE),
        "every_time",
        CHAMPION,
        "cambridgeshire",
        -80,
        me_too=(
            (SERVICES, "We know: the phone line was the main way in, and it was not enough.", 3),
            (AMARA, "", 6),
        ),
        steps=(
            Step(
                "cambridgeshire-mid",
                RESOLVE,
                "CGL will take self-referrals by text and by a short web form, and trusted "
                "persons can refer by email.",
                M,
                "The phone queue was why she gave up on treatment twice: 'By the "
                "time anyone answers, the credit has gone.'",
                owner="cgl-change-grow-live",
                due=-40,
                status=DONE,
            ),
        ),
        learning=Learning(
            "Getting through to services without a phone",
            "Two services took referrals only by phone, with long queues. People without a "
            "phone or credit could not get through, and gave up.",
            "CGL now takes self-referrals by text and through a short web form, and trusted "
            "persons refer by email. People no longer need a phone of their own to get help "
            "with drugs or alcohol.",
            "CGL Cambridgeshire referrals team, through the CGL website",
            (SUBSTANCE, HOMELESS),
            -30,
            published=-25,
        ),
    ),
    DemoBarrier(
        "Food bank vouchers only come from agencies that close at weekends",
        "The food bank needs a voucher from a referring agency. Most agencies close on Friday "
        "afternoon, so people released or evicted at the weekend go without food until "
        "Monday.",
        "People leaving custody on a Friday have gone two days without food.",
        "Food bank; referring agencies",
        (HOMELESS, JUSTICE),
        "now_and_then",
        SERVICE_STAFF,
        "peterborough",
        -45,
        me_too=((TOMASZ, "", 2),),
        steps=(
            Step(
                "peterborough-last",
                CLOSE,
                "The food bank now takes self-referrals at its Saturday session and the "
                "out-of-hours housing team can give vouchers. Nothing is left for the "
                "partnership to change; raise it again if it comes back.",
                S,
                "'It was the Saturday that was the worst. Now I know I can just turn up.'",
            ),
        ),
    ),
    DemoBarrier(
        "The crisis team will not see someone who has been drinking",
        "The out-of-hours mental health crisis team asks people to come back when sober. "
        "Someone in crisis who has been drinking is sent away, often to A&E.",
        "A person was turned away twice in one week and ended up at A&E both times.",
        "Mental health crisis team",
        (MENTAL, SUBSTANCE),
        "often",
        CHAMPION,
        "fenland-east-cambridgeshire",
        -50,
        raised_as=RaisedAs.FOR_TRUSTED_PERSON,
        on_behalf_of=AMARA,
        me_too=((FENLAND_COORDINATOR, "", 3),),
        merge_into=8,
        merged=-9,
    ),
    DemoBarrier(
        "Hostel service charges build arrears before the first Universal Credit payment",
        "Hostels charge a weekly service charge from the first night, which Universal Credit "
        "does not cover. By the time the first payment arrives five weeks later, people owe "
        "money and some are warned about eviction.",
        "Two people were given notice in their first two months for arrears of under £150.",
        "Hostels in Cambridge; Universal Credit",
        (HOMELESS,),
        "every_time",
        DANIEL,
        "cambridgeshire",
        -28,
        raised_as=RaisedAs.AT_SESSION,
        at_session="cambridgeshire-last",
        me_too=(
            (SERVICES, "", 0),
            (
                CHAMPION,
                "We pay it from a hardship fund when we can, but the fund runs out.",
                0,
            ),
        ),
        steps=(
            Step(
                "cambridgeshire-last",
                RESOLVE,
                "The city council will cover the service charge from its homelessness "
                "prevention fund for the first five weeks for anyone placed from the street, "
                "and tell the hostels.",
                M,
                "Being in debt from the first night made the hostel feel like one"
                " more place to fail.",
                owner="cambridge-city-council",
                due=-3,
            ),
        ),
    ),
    # --- the Tactical Group --------------------------------------------------------------------
    DemoBarrier(
        "Mental health services turn away people who use drugs or alcohol",
        "In their words: 'They told me to sort my drinking out first, and the drink service "
        "told me to sort my head out first. So nobody sees me.'",
        "People with both needs are passed between services and get neither. Several have "
        "reached crisis while waiting.",
        "Community mental health team; drug and alcohol service",
        (MENTAL, SUBSTANCE),
        "every_time",
        AMARA,
        "fenland-east-cambridgeshire",
        -40,
        raised_as=RaisedAs.FOR_PERSON,
        me_too=(
            (
                TOMASZ,
                "The same in Peterborough: referrals come back saying to deal with the drinking "
                "first.",
                2,
            ),
            (
                SERVICES,
                "We see the other side: people in treatment cannot get a mental health assessment.",
                4,
            ),
            (DANIEL, "", 6),
        ),
        steps=(
            Step(
                "fenland-last",
                ESCALATE,
                "Both services are commissioned across the whole area, so the partnership "
                "cannot change whom they accept. The Tactical Group can ask the commissioners "
                "for a joint assessment.",
                S,
                "'So nobody sees me. I've stopped asking.'",
            ),
        ),
    ),
    DemoBarrier(
        "Three missed appointments and the service discharges you",
        "Several services discharge anyone who misses three appointments, without asking why. "
        "People who are in hospital, in custody or without a phone are discharged and have to "
        "be referred again from the start.",
        "One person was discharged from three services in the same month while on a hospital ward.",
        "Community mental health team; drug and alcohol service; outpatient clinics",
        (MENTAL, SUBSTANCE, JUSTICE),
        "often",
        PBORO_COORDINATOR,
        "peterborough",
        -85,
        me_too=((TOMASZ, "", 2), (SERVICE_STAFF, "It happened twice this month.", 5)),
        steps=(
            Step(
                "peterborough-mid",
                ESCALATE,
                "Each service sets its own rule, and has told the partnership it is policy. "
                "The Tactical Group can ask the services to change it together.",
                M,
                "'Nobody asked why I missed them. I was in hospital.'",
            ),
            Step(
                "tactical-mid",
                RESOLVE,
                "Each service will contact the trusted person before discharging anyone for "
                "missed appointments; the chair will collect the three services' agreement in "
                "writing.",
                V,
                "The Service User Network asked 40 people: 23 had been discharged"
                " for missed appointments, 15 of them while in hospital or "
                "custody.",
                owner=TACTICAL,
                due=10,
                status=IN_PROGRESS,
            ),
        ),
    ),
    DemoBarrier(
        "People leave hospital with nowhere to go, and the housing team is not told",
        "Hospital wards discharge people with no fixed address without using the duty to "
        "refer, so the housing team first hears of them when they turn up at the day centre.",
        "People are discharged in the evening, still in hospital clothes, with nowhere to go.",
        "Hospital discharge teams; housing options",
        (HOMELESS, MENTAL),
        "often",
        DANIEL,
        "cambridgeshire",
        -135,
        me_too=(
            (SERVICES, "", 2),
            (CHAMPION, "", 3),
            (AMARA, "The same from the hospital in King's Lynn.", 6),
        ),
        steps=(
            Step(
                "cambridgeshire-old",
                ESCALATE,
                "Discharge is run by the hospital trust for the whole area; the partnership "
                "cannot change it alone.",
                S,
                "'They said I was medically fit. Fit for what? The pavement?'",
            ),
            Step(
                "tactical-old",
                RESOLVE,
                "The councils' housing teams will join the hospital's weekly discharge meeting, "
                "and wards will use the duty to refer before discharge, not on the day.",
                M,
                "The worst part was being told on the day: 'Even one day's notice"
                " would have let someone find me a bed.'",
                owner="cambridge-city-council",
                due=-75,
                status=DONE,
            ),
        ),
        learning=Learning(
            "Leaving hospital with somewhere to go",
            "People with no fixed address were discharged from hospital without the housing "
            "team being told, often late in the day, with nowhere to go.",
            "Housing officers from the councils now join the hospital's weekly discharge "
            "meeting, and wards refer to the housing team before discharge, not on the day. "
            "People are now usually offered somewhere to stay before they leave.",
            "Housing options at any of the district councils, or the hospital discharge team",
            (HOMELESS, MENTAL),
            -60,
            published=-55,
        ),
    ),
    DemoBarrier(
        "Interpreters are not booked for housing and benefit appointments",
        "People who speak little English are asked to bring a friend or relative to "
        "interpret at housing and Jobcentre appointments, or are given a telephone line that "
        "cuts out. What they say about abuse or debt is not always heard.",
        "One woman had to explain her situation with her teenage son interpreting.",
        "Housing options; Jobcentre Plus",
        (HOMELESS, ABUSE),
        "now_and_then",
        TOMASZ,
        "peterborough",
        -82,
        me_too=((PBORO_COORDINATOR, "", 3),),
        steps=(
            Step(
                "peterborough-mid",
                ESCALATE,
                "Interpreting is booked under contracts held above the partnership.",
                N,
                "No one with lived experience of needing an interpreter was at "
                "the session; the partnership will ask the community groups it "
                "works with.",
            ),
            Step(
                "tactical-mid",
                CLOSE,
                "The council and the Jobcentre confirmed interpreters can already be booked on "
                "request, and have reminded their front-desk staff; trusted persons have the "
                "guidance. Nothing is left for this group to change; raise it again if it "
                "happens again.",
                N,
                "Both members with lived experience sent apologies, and no one "
                "was asked before the meeting. The group agreed this should not "
                "happen again.",
            ),
        ),
    ),
    DemoBarrier(
        "A bank account needs photo ID, and a benefit claim needs a bank account",
        "Banks ask for photo ID and proof of address to open an account, and Universal Credit "
        "is paid only into an account. People without ID wait for a birth certificate and a "
        "provisional licence before anything can be paid.",
        "People wait eight weeks or more with no income while the documents arrive.",
        "Banks; Universal Credit; Jobcentre Plus",
        (HOMELESS, JUSTICE),
        "often",
        CHAMPION,
        "cambridgeshire",
        -45,
        me_too=(
            (AMARA, "", 2),
            (TOMASZ, "", 4),
            (
                SERVICE_STAFF,
                "Prison leavers are hit hardest: they come out with no ID at all.",
                6,
            ),
        ),
        steps=(
            Step(
                "cambridgeshire-last",
                ESCALATE,
                "Partners have tried a letter from the day centre as proof of address; some "
                "banks accept it, most do not. It needs an agreement with the banks and the "
                "Jobcentre across the area.",
                M,
                "'You need ID to get money, and money to get ID.'",
            ),
        ),
    ),
    # --- the Strategic Group -------------------------------------------------------------------
    DemoBarrier(
        "Universal Credit sanctions for appointments missed while in hospital",
        "Work coach appointments missed while someone is in hospital or detained are treated "
        "as missed without good reason, and a sanction follows unless someone knows to ask "
        "for it to be lifted.",
        "A man came out of a mental health ward to find his payment cut for four weeks.",
        "Jobcentre Plus; Universal Credit",
        (MENTAL, HOMELESS),
        "often",
        TOMASZ,
        "peterborough",
        -140,
        me_too=(
            (AMARA, "", 2),
            (CHAMPION, "Three people on our ward last winter.", 3),
            (SERVICES, "", 5),
            (PBORO_COORDINATOR, "", 7),
        ),
        steps=(
            Step(
                "peterborough-old",
                ESCALATE,
                "Sanctions follow the Jobcentre's national rules; the partnership has no say "
                "in them.",
                S,
                "'I was on a ward and they still stopped my money.'",
            ),
            Step(
                "tactical-old",
                ESCALATE,
                "The Jobcentre's district managers say the fix is a change of process across "
                "the district, which needs the Strategic Group.",
                M,
                "'A sanction after a hospital stay is what cost me my flat.'",
            ),
            Step(
                "strategic-old",
                RESOLVE,
                "The Jobcentre will flag people who have a trusted person, so a work coach "
                "checks with the trusted person before any sanction, and will lift sanctions "
                "for time in hospital when told.",
                V,
                "The Service User Network asked 40 people: 11 had been sanctioned"
                " while in hospital or custody, and none knew they could ask for "
                "it to be lifted.",
                owner="dwp-and-jobcentre-plus-safeguarding-team",
                due=-14,
                status=IN_PROGRESS,
            ),
        ),
    ),
    DemoBarrier(
        "Refuges will not take women who use drugs or alcohol",
        "Most refuge places in the area exclude women who use drugs or alcohol. Women with "
        "both needs stay with the person harming them, or sleep rough.",
        "Two women this year went back to an abusive partner because no refuge would take them.",
        "Refuges; domestic abuse services",
        (ABUSE, SUBSTANCE, HOMELESS),
        "every_time",
        AMARA,
        "fenland-east-cambridgeshire",
        -150,
        me_too=(
            (TOMASZ, "", 2),
            (SAFEGUARDING, "Safeguarding referrals stall at the same point.", 4),
            (CHAMPION, "", 6),
        ),
        steps=(
            Step(
                "fenland-old",
                ESCALATE,
                "Refuge places are commissioned across the area; the partnership cannot change "
                "whom they accept.",
                M,
                "'I was told to come back when I was clean. I couldn't get clean where I was.'",
            ),
            Step(
                "tactical-old",
                ESCALATE,
                "Changing who refuges accept needs the commissioners' agreement and money for "
                "specialist staff.",
                S,
                "'I had to pick between being safe and my prescription.'",
            ),
            Step(
                "strategic-old",
                RESOLVE,
                "The Domestic Abuse and Sexual Violence Partnership will fund two refuge rooms "
                "with specialist drug and alcohol support, and change the referral criteria.",
                M,
                "Welcomed the rooms, and asked that women are never told to stop "
                "using before they arrive.",
                owner="domestic-abuse-and-sexual-violence-partnership",
                due=-30,
                status=DONE,
            ),
        ),
        learning=Learning(
            "Refuge places for women who use drugs or alcohol",
            "Most refuge places excluded women who use drugs or alcohol, so women with both "
            "needs stayed where they were not safe, or slept rough.",
            "Two refuge rooms now have specialist drug and alcohol support, and the referral "
            "criteria no longer turn women away because of substance use.",
            "Domestic Abuse and Sexual Violence Partnership, through its website",
            (ABUSE, SUBSTANCE),
            -20,
        ),
    ),
    DemoBarrier(
        "Old rent arrears stop a housing application",
        "Housing registers refuse or suspend applications from anyone with former tenant "
        "arrears, even from years ago, unless a repayment plan has been kept for months. "
        "People leaving prison or a refuge start with arrears from a tenancy they had to "
        "leave.",
        "People stay in hostels for a year or more because they cannot join the register.",
        "Housing registers; district councils",
        (HOMELESS, JUSTICE, ABUSE),
        "often",
        DANIEL,
        "cambridgeshire",
        -75,
        me_too=(
            (AMARA, "", 1),
            (TOMASZ, "", 2),
            (PBORO_COORDINATOR, "", 3),
            (FENLAND_COORDINATOR, "", 4),
            (SERVICES, "The arrears are often from a flat someone had to flee.", 5),
        ),
        steps=(
            Step(
                "cambridgeshire-mid",
                ESCALATE,
                "Each district council sets its own rule; the partnership can only ask.",
                N,
                "The person whose situation this came from was in hospital that "
                "week, and no member with lived experience could come.",
            ),
            Step(
                "tactical-mid",
                ESCALATE,
                "Three of the five councils would change their rule if the others did; it "
                "needs the Strategic Group to agree one approach.",
                S,
                "'I fled that flat. Why is the debt mine?'",
            ),
        ),
    ),
    DemoBarrier(
        "Hostels refuse anyone with a violence marker on their record",
        "A violence marker, often from an incident years ago, makes every hostel decline a "
        "referral. Old markers are never reviewed, and there is no way to have one removed.",
        "People with old markers are left sleeping rough while others are housed.",
        "Hostels; housing options",
        (HOMELESS, JUSTICE),
        "often",
        PBORO_COORDINATOR,
        "peterborough",
        -85,
        me_too=((TOMASZ, "", 2), (SERVICE_STAFF, "", 4)),
        steps=(
            Step(
                "peterborough-mid",
                ESCALATE,
                "Markers are shared between all housing providers, so one partnership cannot "
                "review them.",
                S,
                "'That was ten years ago. I've done my time.'",
            ),
            Step(
                "tactical-mid",
                ESCALATE,
                "Reviewing markers needs a protocol agreed by every provider and the police.",
                V,
                "In the hostel residents' survey, a third of those with a marker "
                "did not know why it was there.",
            ),
            Step(
                "strategic-last",
                RESOLVE,
                "The Housing Board will agree a protocol to review any marker over two years "
                "old before a referral is declined, and tell people what their marker says.",
                M,
                "Asked that people are told what their marker says and how to "
                "challenge it; the group added that to the protocol.",
                owner="housing-board-for-cambridgeshire-peterborough-and-west-suffolk",
                due=45,
            ),
        ),
    ),
    DemoBarrier(
        "Local connection rules turn away people who fled abuse",
        "People who fled abuse from another area are told they have no local connection and "
        "are referred back to the area they fled.",
        "A woman was told to apply to the council in the town she had fled.",
        "Housing options; district councils",
        (ABUSE, HOMELESS),
        "now_and_then",
        AMARA,
        "fenland-east-cambridgeshire",
        -62,
        me_too=((TOMASZ, "", 2), (FENLAND_COORDINATOR, "", 3)),
        steps=(
            Step(
                "fenland-mid",
                ESCALATE,
                "The councils apply the rule differently; it needs agreement across the area.",
                M,
                "'I'd have had to go back to where he lives.'",
            ),
            Step(
                "tactical-mid",
                ESCALATE,
                "The councils' housing leads disagree about what the law requires; the "
                "Strategic Group should settle it.",
                S,
                "'They asked me to prove I had a reason to be here.'",
            ),
            Step(
                "strategic-last",
                CLOSE,
                "The councils' legal advice confirms the law already exempts people fleeing "
                "abuse from the local connection rule. What is left is staff practice, covered "
                "by the training the Tactical Group agreed; closed here, to come back if it "
                "happens again.",
                M,
                "Agreed it can be closed here, if housing staff are trained and "
                "people are told the rule does not apply to them.",
            ),
        ),
    ),
    # --- the Public Service Board --------------------------------------------------------------
    DemoBarrier(
        "Released from prison on a Friday with no housing appointment until Monday",
        "People are released on Friday afternoons after the housing team has closed. "
        "Probation and housing do not share release dates in time, so people spend the "
        "weekend on the street and many miss Monday's appointments.",
        "Half the people released on a Friday in the last quarter slept rough that night.",
        "Prisons; Probation Service; housing options",
        (JUSTICE, HOMELESS, SUBSTANCE),
        "every_time",
        FENLAND_COORDINATOR,
        "fenland-east-cambridgeshire",
        -68,
        me_too=(
            (TOMASZ, "", 1),
            (AMARA, "", 2),
            (SERVICES, "The risk of overdose is highest in the first days out.", 4),
            (CHAMPION, "", 6),
        ),
        steps=(
            Step(
                "fenland-mid",
                ESCALATE,
                "Release days are set by the prison and probation; the partnership cannot move "
                "them.",
                M,
                "'Friday at four with a discharge grant and nowhere open. You know how that ends.'",
            ),
            Step(
                "tactical-mid",
                ESCALATE,
                "It needs an agreement between the prisons, probation and all five councils.",
                S,
                "'I had an appointment on Monday. I wasn't in a state to get there by Monday.'",
            ),
            Step(
                "strategic-last",
                ESCALATE,
                "Only the Public Service Board brings together every body involved, including "
                "the prisons outside the area.",
                V,
                "Probation asked people released in the last year: 38 of the 60 "
                "released on a Friday had nowhere to stay that night.",
            ),
        ),
    ),
    DemoBarrier(
        "Each district has its own housing register, with a different form each time",
        "Someone moving between districts, or fleeing, has to apply to each council's "
        "register separately, tell their whole story on a different form each time, and "
        "start again at the bottom.",
        "People tell the same story five times and still wait months.",
        "Housing registers of the five councils",
        (HOMELESS, ABUSE),
        "every_time",
        DANIEL,
        "cambridgeshire",
        -130,
        me_too=(
            (AMARA, "", 1),
            (TOMASZ, "", 2),
            (FENLAND_COORDINATOR, "", 3),
            (PBORO_COORDINATOR, "", 4),
            (CHAMPION, "", 5),
            (SERVICES, "", 6),
        ),
        steps=(
            Step(
                "cambridgeshire-old",
                ESCALATE,
                "The partnership asked the councils for one shared form; the councils need to "
                "agree it together.",
                V,
                "In the Service User Network's survey, telling their story again "
                "and again was what people most wanted changed.",
            ),
            Step(
                "tactical-old",
                ESCALATE,
                "The councils' housing leads support one shared form but cannot fund the "
                "change to their systems.",
                M,
                "'Every form is another afternoon of going back over the worst of it.'",
            ),
            Step(
                "strategic-old",
                ESCALATE,
                "A shared register needs the councils' leaders and the Combined Authority, who "
                "sit on the Public Service Board.",
                S,
                "'I've told it so many times I don't feel anything when I say it any more.'",
            ),
            Step(
                "board-old",
                RESOLVE,
                "The Combined Authority will fund a shared housing application form for all "
                "five councils, shared between them with the person's consent, by the spring.",
                M,
                "Told the Board what telling the story five times had meant; the "
                "Board asked members with lived experience to help test the new "
                "form.",
                owner="cambridgeshire-and-peterborough-combined-authority",
                due=80,
                status=IN_PROGRESS,
            ),
        ),
    ),
    DemoBarrier(
        "Universal Credit cannot be claimed before release, so the first payment takes five weeks",
        "A claim can be started only on the day of release, and the first payment comes five "
        "weeks later. People leave prison with a small discharge grant and no other income.",
        "People go back to crime or to dealing in the first weeks because they have nothing "
        "to live on.",
        "Universal Credit; prisons; Probation Service",
        (JUSTICE, HOMELESS, SUBSTANCE),
        "every_time",
        PBORO_COORDINATOR,
        "peterborough",
        -135,
        me_too=((TOMASZ, "", 1), (SERVICES, "", 3), (AMARA, "", 5)),
        steps=(
            Step(
                "peterborough-old",
                ESCALATE,
                "A national rule: the partnership can help with advance payments but cannot "
                "change the rule.",
                M,
                "The five weeks after release were the hardest part of the whole sentence.",
            ),
            Step(
                "tactical-old",
                ESCALATE,
                "It needs raising with the Department for Work and Pensions, which the Board "
                "can do with more weight.",
                V,
                "In Probation's survey, most people released in the last year had"
                " run out of money within a week.",
            ),
            Step(
                "strategic-old",
                ESCALATE,
                "Partners agree it is a national rule; the Public Service Board should take it "
                "to the Department.",
                S,
                "'Forty-six pounds and a bus ticket. Then nothing for five weeks.'",
            ),
            Step(
                "board-old",
                CLOSE,
                "A national rule the Board cannot change here. The chair has written to the "
                "Department for Work and Pensions with the evidence, and every release plan "
                "now explains the advance payment people can ask for on the day.",
                M,
                "Asked that the letter quotes people's own words; the Board agreed.",
            ),
        ),
    ),
    # --- resolved at an operational partnership ------------------------------------------------
    DemoBarrier(
        "Hostel curfews clash with evening recovery meetings",
        "Hostels lock their doors at ten in the evening and give a warning for a late return. "
        "Recovery meetings across the city often end after half past nine, so residents "
        "choose between recovery and their bed.",
        "Residents stopped going to the meetings that were helping them stay off drink.",
        "Hostels in Peterborough; recovery meetings",
        (SUBSTANCE, HOMELESS),
        "often",
        SERVICE_STAFF,
        "peterborough",
        -138,
        me_too=((TOMASZ, "", 2),),
        steps=(
            Step(
                "peterborough-old",
                RESOLVE,
                "The council will ask the hostels it funds to allow a later return on recovery "
                "meeting nights, with a note from the recovery service.",
                M,
                "The meetings were the evenings they felt safest, and it made no "
                "sense to be punished for going.",
                owner="peterborough-city-council",
                due=-100,
                status=DONE,
            ),
        ),
        learning=Learning(
            "Later hostel curfews on recovery meeting nights",
            "Hostels locked their doors at ten in the evening and gave a warning for a late "
            "return, so residents going to evening recovery meetings risked losing their bed.",
            "Hostels funded by Peterborough City Council now let residents return later on the "
            "nights they go to a recovery meeting, with a note from the recovery service.",
            "Peterborough City Council housing team, through the council's website",
            (SUBSTANCE, HOMELESS),
            -95,
            published=-90,
        ),
    ),
]

SUMMARIES = [b.summary for b in BARRIERS]

# The barriers the meetings demo's sessions raised are on the ladder too (a session's barriers
# go up it); the two raised for the Tactical Group at the Cambridgeshire session went there.
SESSION_STEPS = {
    "Hostels turn away people with a dog": Step(
        "cambridgeshire-last",
        ESCALATE,
        "The hostels' rules on pets are set in one contract for the whole area; only the "
        "commissioners can change them.",
        M,
        "'My dog kept me going on the street. I'm not giving him up for a bed.'",
    ),
    "A mental health assessment needs a fixed address": Step(
        "cambridgeshire-last",
        ESCALATE,
        "The referral form belongs to the mental health trust and is used across the area; the "
        "Tactical Group can ask the trust to change it.",
        S,
        "'I just want someone to see me without me having to prove where I sleep.'",
    ),
}


@dataclass(frozen=True)
class Loaded:
    barriers: int
    decisions: int
    me_toos: int
    learning: int
    published: int
    meetings: int
    users: list = field(default_factory=list)


# --- loading -------------------------------------------------------------------------------------


class _Loader:
    def __init__(self):
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
        self.orgs = {o.slug: o for o in Organisation.objects.all()}
        self.partnerships = {p.slug: p for p in Partnership.objects.all()}
        self.meetings: dict[str, Meeting] = {}
        self.barriers: dict[int, Barrier] = {}
        self.members: dict[tuple[str, str], GroupMember] = {}
        self.raised_at: dict[int, dt.datetime] = {}
        self.person_link = self._person_link()

    # --- helpers --------------------------------------------------------------------------

    def at(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        day = self.today + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def day_of(self, meeting: Meeting) -> int:
        return (timezone.localtime(meeting.starts_at).date() - self.today).days

    def _person_link(self):
        """A person of a demo trusted person who agreed to share who they are with a
        partnership: (trusted person, person, partnership)."""
        by_pk = {p.pk: p for p in self.partnerships.values()}
        relationships = (
            relationships_in_force()
            .filter(trusted_person__email__in=[AMARA, TOMASZ])
            .select_related("person", "trusted_person")
            .order_by("trusted_person__email", "person__full_name", "person_id")
        )
        for relationship in relationships:
            consented = sorted(partnerships_consented(relationship.person))
            if consented:
                return (
                    self.users[relationship.trusted_person.email],
                    relationship.person,
                    by_pk[consented[0]],
                )
        return None

    def owner_of(self, owner: str) -> dict:
        if "@" in owner:
            return {"owner_user_id": self.users[owner].pk}
        return {"owner_organisation_id": self.orgs[owner].pk}

    def worker_for(self, action: Action) -> User | None:
        """Who moves an action on: its owner, or someone working in the owning
        organisation."""
        if action.owner_user_id:
            return action.owner_user
        member = (
            Membership.objects.filter(
                organisation_id=action.owner_organisation_id,
                ended_at__isnull=True,
                user__is_active=True,
                user__is_individual=False,
            )
            .select_related("user")
            .order_by("user__email", "id")
            .first()
        )
        return member.user if member else None

    def move_on(self, action: Action, status: str, note: str = "") -> None:
        """Where the action has got to, with dates to match: done the day before it was due
        (or yesterday), and reminded on the morning it fell due if still open."""
        due = (action.due_on - self.today).days
        if status != OPEN:
            worker = self.worker_for(action)
            if worker is None:
                return
            action_set_status(actor=worker, action_id=action.pk, status=status, note=note)
        changes = {}
        if status == DONE:
            done = self.at(min(due - 1, -1), 16)
            changes["completed_at"] = min(
                max(done, action.created_at + dt.timedelta(hours=20)), self.now
            )
        if status in (OPEN, IN_PROGRESS) and due < 0:
            changes["reminded_at"] = self.at(due, 9)
        if changes:
            Action.objects.filter(pk=action.pk).update(**changes)

    # --- meetings -------------------------------------------------------------------------

    def sessions(self) -> None:
        """The partnerships' latest held sessions (the meetings demo's), and earlier ones held
        here, through the meetings demo's own helper."""
        from petal.meetings.demo import _Loader as MeetingsLoader

        for key, (slug, convener, day, place) in LAST_SESSIONS.items():
            meeting = (
                Meeting.objects.filter(
                    kind=Kind.PARTNERSHIP,
                    partnership__slug=slug,
                    status=MeetingStatus.HELD,
                    ends_at__lte=self.now,
                )
                .order_by("-starts_at", "-id")
                .first()
            )
            if meeting is None:
                extra = Session(key, slug, convener, day, place, ("cgl-change-grow-live",), "")
                meeting = self._hold(MeetingsLoader(), extra)
                meeting.refresh_from_db()
            self.meetings[key] = meeting
        loader = MeetingsLoader()
        for session in SESSIONS:
            meeting = self._hold(loader, session)
            meeting.refresh_from_db()  # held as if tomorrow, then moved back
            self.meetings[session.key] = meeting

    def _hold(self, loader, session: Session) -> Meeting:
        return loader.meeting(
            convener=session.convener,
            partnership=session.partnership,
            days=session.day,
            start=(14, 0),
            minutes_long=120,
            place=session.place,
            purpose="Problem-solving session: the barriers raised since the last session.",
            agenda="1. Actions from last time\n2. Barriers raised since the last session\n"
            "3. Anything else",
            invitees=[(slug, True, Reply.ATTENDING, None, True) for slug in session.invitees],
            minutes=session.minutes or SESSION_MINUTES,
        )

    def members_added(self) -> None:
        for slug, members in MEMBERS.items():
            actor = self.users[RUNNERS[slug]]
            for member in members:
                by_email = "@" in member.who
                added = governance.member_add(
                    actor=actor,
                    group_slug=slug,
                    email=member.who if by_email else "",
                    name="" if by_email else member.who,
                    organisation=self.orgs.get(member.organisation),
                    role=member.role,
                    lived_experience=member.lived,
                )
                if member.ended is not None:
                    governance.member_end(actor=actor, group_slug=slug, member_id=added.pk)
                # Members since before any meeting here; an ended one until that day.
                GroupMember.objects.filter(pk=added.pk).update(
                    started_on=self.today - dt.timedelta(days=400),
                    ended_on=None
                    if member.ended is None
                    else self.today + dt.timedelta(days=member.ended),
                )
                self.members[(slug, member.who)] = added

    def governance_meeting(self, plan: GovMeeting) -> None:
        actor = self.users[RUNNERS[plan.group]]
        starts = self.at(plan.day, *plan.start)
        ends = starts + dt.timedelta(minutes=plan.minutes_long)
        meeting = governance.governance_meeting_plan(
            actor=actor,
            group_slug=plan.group,
            starts_at=starts,
            ends_at=ends,
            place=plan.place,
            online_link=plan.online_link,
        )
        self.meetings[plan.key] = meeting
        # The agenda: last time's actions, every barrier waiting at this level, other items.
        governance.agenda_item_add(actor=actor, meeting_id=meeting.pk, title=LAST_ACTIONS)
        try:
            governance.agenda_add_waiting(actor=actor, meeting_id=meeting.pk)
        except ValidationFailed:
            pass  # nothing waiting at this level
        for title, notes in plan.items:
            governance.agenda_item_add(actor=actor, meeting_id=meeting.pk, title=title, notes=notes)
        created = min(starts - dt.timedelta(days=21), self.now - dt.timedelta(days=1))
        AgendaItem.objects.filter(meeting=meeting).update(
            added_at=min(starts - dt.timedelta(days=7), self.now - dt.timedelta(hours=1))
        )
        Meeting.objects.filter(pk=meeting.pk).update(created_at=created)
        if ends > self.now:
            return
        for barrier, step in self.steps_at(plan.key):
            self.decide(barrier, step, meeting, actor)
        came = [
            self.members[(plan.group, m.who)].pk
            for m in MEMBERS[plan.group]
            if m.who not in plan.absent and (m.ended is None or m.ended > plan.day)
        ]
        governance.attendance_record(actor=actor, meeting_id=meeting.pk, attended=came)
        governance.minutes_record(actor=actor, meeting_id=meeting.pk, minutes=plan.minutes)
        for act in plan.actions:
            by_email = "@" in act.owner
            action = governance.governance_action_add(
                actor=actor,
                meeting_id=meeting.pk,
                description=act.description,
                due_on=self.today + dt.timedelta(days=act.due),
                owner_email=act.owner if by_email else "",
                owner_organisation=None if by_email else self.orgs[act.owner],
            )
            Action.objects.filter(pk=action.pk).update(created_at=ends + dt.timedelta(hours=1))
            action.refresh_from_db()
            self.move_on(action, act.status, act.note)
        Attendance.objects.filter(meeting=meeting).update(recorded_at=ends + dt.timedelta(hours=2))
        Meeting.objects.filter(pk=meeting.pk).update(minutes_at=ends + dt.timedelta(hours=3))

    # --- barriers -------------------------------------------------------------------------

    def steps_at(self, key: str) -> list[tuple[int, Step]]:
        return [(i, s) for i, b in enumerate(BARRIERS) for s in b.steps if s.meeting == key]

    def raise_barrier(self, index: int, day: int) -> None:
        demo = BARRIERS[index]
        kwargs = {}
        raiser_email, partnership = demo.raiser, self.partnerships.get(demo.partnership)
        raised_as, on_behalf_of = demo.raised_as, None
        if demo.person:
            if self.person_link is not None:
                trusted_person, person, partnership = self.person_link
                raiser_email = trusted_person.email
                kwargs["person_id"] = person.pk
            else:
                raiser_email, partnership = AMARA, self.partnerships["fenland-east-cambridgeshire"]
        if demo.on_behalf_of:
            from petal.champions.selectors.champions import requesters_of

            on_behalf_of = self.users[demo.on_behalf_of]
            if not requesters_of(self.users[raiser_email]).filter(pk=on_behalf_of.pk).exists():
                raised_as, on_behalf_of = RaisedAs.OWN_WORK, None
        raiser = self.users[raiser_email]
        session = self.meetings[demo.at_session] if demo.at_session else None
        barrier = barrier_services.barrier_raise(
            actor=raiser,
            summary=demo.summary,
            detail=demo.detail,
            effect=demo.effect,
            services=demo.services,
            areas=list(demo.areas),
            how_often=demo.how_often,
            raised_as=raised_as,
            partnership_id=None if session else partnership.pk,
            on_behalf_of=on_behalf_of,
            session=session,
            **kwargs,
        )
        when = session.starts_at + dt.timedelta(minutes=40) if session else self.at(day, 11, 15)
        Barrier.objects.filter(pk=barrier.pk).update(raised_at=when, level_since=when)
        self.barriers[index] = barrier
        self.raised_at[index] = when

    def me_too(self, index: int, email: str, example: str, when: dt.datetime) -> None:
        user = self.users[email]
        if user.pk == self.barriers[index].raised_by_id:
            return  # the raiser already counts (the linked person's trusted person may be)
        me_too = barrier_services.me_too_add(
            actor=user, barrier_id=self.barriers[index].pk, example=example
        )
        MeToo.objects.filter(pk=me_too.pk).update(created_at=when)

    def decide(self, index: int, step: Step, meeting: Meeting, actor: User) -> None:
        barrier = self.barriers[index]
        owner = self.owner_of(step.owner) if step.outcome == RESOLVE else {}
        decision = decision_record(
            actor=actor,
            barrier_id=barrier.pk,
            meeting_id=meeting.pk,
            outcome=step.outcome,
            reason=step.reason,
            voice_kind=step.voice,
            voice_said=step.said,
            due_on=self.today + dt.timedelta(days=step.due) if step.outcome == RESOLVE else None,
            **owner,
        )
        recorded = meeting.ends_at - dt.timedelta(minutes=20) + dt.timedelta(seconds=index)
        Decision.objects.filter(pk=decision.pk).update(recorded_at=recorded)
        DecisionNotice.objects.filter(decision=decision).update(sent_at=recorded)
        if step.outcome == ESCALATE:
            Barrier.objects.filter(pk=barrier.pk).update(level_since=meeting.ends_at)
        elif step.outcome == CLOSE:
            Barrier.objects.filter(pk=barrier.pk).update(closed_at=meeting.ends_at)
        if decision.action_id:
            Action.objects.filter(pk=decision.action_id).update(
                created_at=meeting.ends_at + dt.timedelta(hours=1)
            )
            self.move_on(
                Action.objects.select_related("owner_user").get(pk=decision.action_id), step.status
            )

    def learn(self, index: int) -> None:
        demo, barrier = BARRIERS[index], self.barriers[index]
        barrier.refresh_from_db()
        actor = self._runner_of(barrier)
        entry = learning_services.learning_write(
            actor=actor,
            barrier_id=barrier.pk,
            title=demo.learning.title,
            problem=demo.learning.problem,
            change=demo.learning.change,
            contact=demo.learning.contact,
            areas=list(demo.learning.areas),
        )
        written = self.at(demo.learning.day, 15)
        LearningEntry.objects.filter(pk=entry.pk).update(created_at=written, updated_at=written)
        Barrier.objects.filter(pk=barrier.pk).update(resolved_at=written)
        if demo.learning.published is not None:
            learning_services.learning_publish(
                actor=self.users[PROGRAMME], entry_id=entry.pk, confirmed=True
            )
            published = self.at(demo.learning.published, 10)
            LearningEntry.objects.filter(pk=entry.pk).update(
                published_at=published, updated_at=published
            )

    def _runner_of(self, barrier: Barrier) -> User:
        group = barrier.group
        if group.partnership_id:
            return next(
                self.users[convener]
                for slug, convener, *_ in LAST_SESSIONS.values()
                if self.partnerships[slug].pk == group.partnership_id
            )
        return self.users[RUNNERS[group.slug]]

    def merge(self, index: int, day: int) -> None:
        demo = BARRIERS[index]
        merged = barrier_services.barrier_merge(
            actor=self.users[PROGRAMME],
            barrier_id=self.barriers[index].pk,
            into_id=self.barriers[demo.merge_into].pk,
        )
        when = self.at(day, 12)
        Barrier.objects.filter(pk=merged.pk).update(merged_at=when)
        # The raiser of the merged barrier now counts on the other, since the merge.
        MeToo.objects.filter(
            barrier_id=self.barriers[demo.merge_into].pk, created_at__gte=self.now
        ).update(created_at=when)

    # --- the demo, in the order it happened -----------------------------------------------

    def when_decided(self, step: Step) -> tuple[int, dt.datetime]:
        """The day of a step's meeting (from today) and when its decision is recorded."""
        if step.meeting in self.meetings:
            meeting = self.meetings[step.meeting]
            return self.day_of(meeting), meeting.ends_at - dt.timedelta(minutes=20)
        plan = next(p for p in MEETINGS if p.key == step.meeting)
        ends = self.at(plan.day, *plan.start) + dt.timedelta(minutes=plan.minutes_long)
        return plan.day, ends - dt.timedelta(minutes=20)

    def session_barriers(self) -> dict[str, Barrier]:
        """The barriers the demo sessions raised, dated to when they were raised there; by
        summary."""
        found = {}
        for raised in RaisedBarrier.objects.filter(
            meeting__in=list(self.meetings.values())
        ).exclude(barrier_ref=""):
            barrier = Barrier.objects.filter(
                pk=int(raised.barrier_ref.removeprefix("B-")), session=raised.meeting
            ).first()
            if barrier is not None:
                Barrier.objects.filter(pk=barrier.pk).update(
                    raised_at=raised.raised_at, level_since=raised.raised_at
                )
                found[barrier.summary] = barrier
        return found

    def load(self) -> None:
        self.sessions()
        self.members_added()
        from_sessions = self.session_barriers()
        events: list[tuple[int, int, int, tuple]] = []
        for i, demo in enumerate(BARRIERS):
            first_day, first_time = self.when_decided(demo.steps[0]) if demo.steps else (None, None)
            raised = demo.raised
            if demo.at_session:
                raised = self.day_of(self.meetings[demo.at_session])
            elif first_day is not None:
                raised = min(raised, first_day - 3)
            events.append((raised, 0, i, ("raise", i, raised)))
            for n, (email, example, after) in enumerate(demo.me_too):
                day = raised + after if first_day is None else min(raised + after, first_day)
                events.append(
                    (day, 1, i * 100 + n, ("me_too", i, n, email, example, after, first_time))
                )
            for step in demo.steps:
                if step.meeting in self.meetings:  # a session (governance meetings decide theirs)
                    events.append(
                        (self.day_of(self.meetings[step.meeting]), 2, i, ("session", i, step))
                    )
            if demo.learning:
                events.append((demo.learning.day, 4, i, ("learn", i)))
            if demo.merge_into is not None:
                events.append((demo.merged, 5, i, ("merge", i, demo.merged)))
        for n, (summary, step) in enumerate(SESSION_STEPS.items()):
            if summary in from_sessions and step.meeting in self.meetings:
                barrier = from_sessions[summary]
                day = self.day_of(self.meetings[step.meeting])
                events.append((day, 2, 1000 + n, ("session_barrier", barrier, step)))
        for n, plan in enumerate(MEETINGS):
            events.append((plan.day, 3, n, ("governance", plan)))
        for *_, event in sorted(events, key=lambda e: e[:3]):
            kind = event[0]
            if kind == "raise":
                self.raise_barrier(event[1], event[2])
            elif kind == "me_too":
                _, i, n, email, example, after, first_time = event
                # Some days after it was raised, and before it was first decided.
                start = self.raised_at[i]
                when = start + dt.timedelta(days=after, hours=4)
                if first_time is not None:
                    when = min(when, first_time - dt.timedelta(minutes=20 - n))
                self.me_too(i, email, example, max(when, start + dt.timedelta(minutes=30 + n)))
            elif kind == "session":
                _, i, step = event
                meeting = self.meetings[step.meeting]
                self.decide(i, step, meeting, meeting.convened_by)
            elif kind == "governance":
                self.governance_meeting(event[1])
            elif kind == "learn":
                self.learn(event[1])
            elif kind == "merge":
                self.merge(event[1], event[2])
            elif kind == "session_barrier":
                _, barrier, step = event
                key = -barrier.pk  # beside the demo's own, by a key of their own
                self.barriers[key] = barrier
                meeting = self.meetings[step.meeting]
                self.decide(key, step, meeting, meeting.convened_by)
        self.touch()

    def touch(self) -> None:
        """Each barrier was last changed when its latest step happened."""
        for barrier in Barrier.objects.filter(pk__in=[b.pk for b in self.barriers.values()]):
            times = [barrier.raised_at, barrier.level_since, barrier.closed_at]
            times += [barrier.resolved_at, barrier.merged_at]
            times += list(barrier.decisions.values_list("recorded_at", flat=True))
            Barrier.objects.filter(pk=barrier.pk).update(updated_at=max(t for t in times if t))


def _demo_barriers():
    return Barrier.objects.filter(summary__in=SUMMARIES, raised_by__email__endswith="@example.org")


def _demo_governance_meetings():
    return Meeting.objects.filter(kind=Kind.GOVERNANCE, convened_by__email__in=GOVERNANCE_USERS)


def meeting_totals() -> tuple[int, int]:
    """Every demo meeting (the meetings demo's and the governance groups') and the actions
    agreed at them."""
    from petal.meetings.demo import CONVENERS

    meetings = Meeting.objects.filter(
        Q(convened_by__email__in=CONVENERS)
        | Q(kind=Kind.GOVERNANCE, convened_by__email__in=GOVERNANCE_USERS)
    )
    return meetings.count(), Action.objects.filter(meeting__in=meetings).count()


@transaction.atomic
def load_demo() -> Loaded:
    """Add the demo barriers, groups' members and governance meetings (once). Returns what
    there is."""
    ready = User.objects.filter(email__in=NEEDED).count() == len(set(NEEDED))
    if ready and not _demo_barriers().exists():
        _Loader().load()
    # Every demo barrier: these, and those the other demos raised (sessions, champions).
    barriers = Barrier.objects.filter(raised_by__email__endswith="@example.org")
    entries = LearningEntry.objects.filter(barrier__in=barriers)
    return Loaded(
        barriers=barriers.count(),
        decisions=Decision.objects.filter(barrier__in=barriers).count(),
        me_toos=MeToo.objects.filter(barrier__in=barriers).count(),
        learning=entries.count(),
        published=entries.filter(published_at__isnull=False).count(),
        meetings=_demo_governance_meetings().count(),
    )
