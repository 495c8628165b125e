"""Demo Trusted Person Champions: about twenty-five approved champions across the partner
organisations (champion@example.org among them), pledges waiting for approval and one withdrawn,
thirty Champion Network questions with their answers, tags, "this helped me", a report and a
hidden question, followed tags, success stories (two featured), events with registrations,
support connections from trusted.person@example.org and barriers raised on their behalf.

Written with the models directly, dated over the past weeks as if it had happened; the
denormalised fields the services keep (``Question.answers_text``, ``answer_count``,
``helped_count``, ``last_activity_at`` and ``Answer.helped_count``) are set to match the rows.
The champions' sign-ins and memberships go through ``petal.accounts.services``, as the accounts
demo's do; they share one password hash (the demo password), so loading stays quick.

Posts and stories are about situations, never people: no text here names anyone Petal supports
(nor any demo person). Deterministic and safe to load twice: every row is found by its natural
key (an email, a title) before it is made, and nothing is added the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.demo import DEFAULT_PASSWORD, DemoUser
from petal.accounts.models import Membership, Organisation, User
from petal.accounts.services import membership_add, user_create
from petal.champions.models import (
    Answer,
    Champion,
    ChampionStatus,
    ConnectionKind,
    ConnectionStatus,
    Event,
    EventKind,
    EventStatus,
    Helped,
    Moderation,
    ModerationAction,
    NetworkBarrier,
    PostStatus,
    Question,
    Registration,
    Report,
    Story,
    SupportConnection,
    TagFollow,
    Topic,
)
from petal.reference.models import AreaOfDisadvantage, District
from petal.reference.selectors import partnership_for_district

CHAMPION = "champion@example.org"
AMARA = "trusted.person@example.org"
TOMASZ = "trusted.person2@example.org"
PROGRAMME = "programme@example.org"
PLEDGE = "Trusted Person Champions pledge, first version (demo)."

# Area codes, short for the tables below.
HOME = "homelessness"
SUBS = "substance-misuse"
MH = "mental-health"
DA = "domestic-abuse"
CJ = "criminal-justice"


@dataclass(frozen=True)
class DemoChampion:
    full_name: str
    email: str
    organisation: str  # slug
    job_title: str
    district: str  # code
    areas: tuple[str, ...]
    skills: tuple[str, ...]  # topic slugs
    help_with: str
    how_to_reach: str
    phone: str = ""


CHAMPIONS = [
    DemoChampion(
        "Grace Whitfield",
        CHAMPION,
        "cpsl-mind",
        "Peer support lead",
        "cambridge",
        (MH, SUBS),
        ("mental-health-services", "trauma-informed-practice", "lived-experience"),
        "Getting someone seen by mental health services when they keep being discharged, and "
        "working alongside peer supporters.",
        "Email me; I reply within two working days. Happy to meet at the Cambridge hub.",
        "01223 000 101",
    ),
    DemoChampion(
        "Ruth Adebayo",
        "ruth.adebayo@example.org",
        "cambridge-city-council",
        "Housing options officer",
        "cambridge",
        (HOME,),
        ("housing-applications", "identity-documents"),
        "Homeless applications, the duty to refer, and what to do when someone has no ID.",
        "Email, or ring the housing options duty line and ask for me.",
    ),
    DemoChampion(
        "Stephen Gale",
        "stephen.gale@example.org",
        "probation-service",
        "Probation officer",
        "peterborough",
        (CJ,),
        ("working-with-probation", "leaving-prison"),
        "Licence conditions, release planning and how to reach the right probation officer.",
        "Email me; Mondays and Wednesdays I am in the Peterborough office.",
    ),
    DemoChampion(
        "Nicola Bryant",
        "nicola.bryant@example.org",
        "peterborough-city-council",
        "Housing needs team leader",
        "peterborough",
        (HOME,),
        ("housing-applications", "leaving-prison"),
        "Temporary accommodation, priority need, and housing for people leaving prison.",
        "Email me for a call back the same week.",
    ),
    DemoChampion(
        "Femi Oduya",
        "femi.oduya@example.org",
        "cgl-change-grow-live",
        "Recovery worker",
        "peterborough",
        (SUBS, CJ),
        ("drug-and-alcohol-services", "leaving-prison"),
        "Getting into treatment quickly, including straight from prison, and harm reduction.",
        "Drop into the Peterborough service on a weekday morning, or email.",
    ),
    DemoChampion(
        "Claire Dunstan",
        "claire.dunstan@example.org",
        "womens-aid",
        "Independent domestic violence adviser",
        "huntingdonshire",
        (DA,),
        ("domestic-abuse-support", "information-sharing"),
        "Safety planning, refuge referrals and what MARAC can and cannot do.",
        "Email only, please: I am often in court or at meetings.",
    ),
    DemoChampion(
        "Mark Hudson",
        "mark.hudson@example.org",
        "office-of-the-police-and-crime-commissioner-cambridgeshire-and-peterborough",
        "Neighbourhood policing liaison",
        "fenland",
        (CJ, DA),
        ("information-sharing",),
        "Who to speak to in the police about a concern, and what the police can share.",
        "Email me; for anything urgent call 999 or 101 as usual.",
    ),
    DemoChampion(
        "Lucy Tran",
        "lucy.tran@example.org",
        "dwp-and-jobcentre-plus-safeguarding-team",
        "Jobcentre safeguarding lead",
        "fenland",
        (HOME, MH),
        ("benefits", "identity-documents"),
        "Universal Credit claims, sanctions, easements and advance payments.",
        "Email me with the question (no claimant details); I reply within three days.",
    ),
    DemoChampion(
        "Sandeep Gill",
        "sandeep.gill@example.org",
        "cambridgeshire-and-peterborough-public-health",
        "Health inclusion lead",
        "huntingdonshire",
        (SUBS, MH),
        ("gp-registration", "mental-health-services"),
        "Registering with a GP without an address or ID, and health outreach.",
        "Email me, or catch me at the Champion Network meetings.",
    ),
    DemoChampion(
        "Hannah Pike",
        "hannah.pike@example.org",
        "ferry-project-wisbech",
        "Hostel support worker",
        "fenland",
        (HOME, SUBS),
        ("housing-applications", "benefits"),
        "Hostel move-on, supported housing in Fenland, and benefits for people in hostels.",
        "Ring the hostel office and ask for me, or email.",
    ),
    DemoChampion(
        "Aled Morgan",
        "aled.morgan@example.org",
        "peterborough-light-project",
        "Outreach worker",
        "peterborough",
        (HOME,),
        ("lived-experience", "identity-documents"),
        "Rough sleeping outreach, night shelters, and getting ID and a bank account.",
        "Email me; I am out on early morning outreach Tuesdays and Fridays.",
    ),
    DemoChampion(
        "Bola Ajayi",
        "bola.ajayi@example.org",
        "cambridge-womens-resource-centre",
        "Women's support worker",
        "cambridge",
        (DA, MH),
        ("domestic-abuse-support", "trauma-informed-practice"),
        "Women-only spaces, support after abuse, and making services feel safer for women.",
        "Email, or come to the centre on a weekday.",
    ),
    DemoChampion(
        "Fiona McLeod",
        "fiona.mcleod@example.org",
        "huntingdonshire-district-council",
        "Housing advice officer",
        "huntingdonshire",
        (HOME,),
        ("housing-applications",),
        "Homeless prevention, the housing register and local connection rules.",
        "Email me; I work Monday to Thursday.",
    ),
    DemoChampion(
        "Tariq Hussain",
        "tariq.hussain@example.org",
        "it-takes-a-city",
        "Project coordinator",
        "cambridge",
        (HOME,),
        ("lived-experience", "benefits"),
        "Community-led housing projects and involving people with lived experience.",
        "Email or phone me any weekday.",
    ),
    DemoChampion(
        "Jenny Stokes",
        "jenny.stokes@example.org",
        "east-cambridgeshire-district-council",
        "Community safety officer",
        "east-cambridgeshire",
        (DA, CJ),
        ("domestic-abuse-support", "information-sharing"),
        "Community safety partnerships, anti-social behaviour and domestic abuse in rural areas.",
        "Email me; I can meet in Ely or Littleport.",
    ),
    DemoChampion(
        "Patrick Doyle",
        "patrick.doyle@example.org",
        "sun-network",
        "Lived experience coordinator",
        "peterborough",
        (MH, SUBS),
        ("lived-experience", "mental-health-services"),
        "Involving people with lived experience safely, and paying them fairly.",
        "Email me, or come to a SUN network meeting.",
    ),
    DemoChampion(
        "Amy Chen",
        "amy.chen@example.org",
        "think-communities",
        "Think Communities coordinator",
        "south-cambridgeshire",
        (HOME, MH),
        ("benefits", "gp-registration"),
        "Local community support in the villages: food, transport and who is around.",
        "Email me; I know who is who in South Cambridgeshire.",
    ),
    DemoChampion(
        "Mohammed Rafiq",
        "mohammed.rafiq@example.org",
        "cgl-change-grow-live",
        "Criminal justice recovery worker",
        "cambridge",
        (SUBS, CJ),
        ("working-with-probation", "drug-and-alcohol-services"),
        "Drug rehabilitation requirements, treatment alongside probation, and prison release.",
        "Email me, or ask at the Cambridge service reception.",
    ),
    DemoChampion(
        "Sarah Lambert",
        "sarah.lambert@example.org",
        "cambridgeshire-county-council",
        "Adult social care practitioner",
        "huntingdonshire",
        (MH,),
        ("information-sharing", "trauma-informed-practice"),
        "Care Act assessments, self-neglect, and when to make a safeguarding referral.",
        "Email me; I reply the same week.",
    ),
    DemoChampion(
        "Ewan Fraser",
        "ewan.fraser@example.org",
        "south-cambridgeshire-district-council",
        "Tenancy sustainment officer",
        "south-cambridgeshire",
        (HOME,),
        ("housing-applications", "benefits"),
        "Keeping a tenancy going: rent arrears, repairs and neighbour disputes.",
        "Email or call me; I visit tenants across South Cambridgeshire.",
    ),
    DemoChampion(
        "Zainab Hassan",
        "zainab.hassan@example.org",
        "domestic-abuse-and-sexual-violence-partnership",
        "Domestic abuse partnership officer",
        "cambridge",
        (DA,),
        ("domestic-abuse-support", "trauma-informed-practice"),
        "Training on domestic abuse and coercive control, and the local support offer.",
        "Email me for training or advice.",
    ),
    DemoChampion(
        "Karen Webb",
        "karen.webb@example.org",
        "housing-board-for-cambridgeshire-peterborough-and-west-suffolk",
        "Housing pathway coordinator",
        "peterborough",
        (HOME, CJ),
        ("housing-applications", "leaving-prison"),
        "Housing pathways across the councils, and accommodation on release from prison.",
        "Email me; I can usually find out who to ask in any of the councils.",
    ),
    DemoChampion(
        "Thomas Reid",
        "thomas.reid@example.org",
        "fenland-district-council",
        "Rough sleeper outreach worker",
        "fenland",
        (HOME, SUBS),
        ("housing-applications", "drug-and-alcohol-services"),
        "Rough sleeping in Fenland, emergency beds in cold weather, and reconnection.",
        "Phone or text me during the day; email in the evening.",
    ),
    DemoChampion(
        "Agnieszka Nowak",
        "agnieszka.nowak@example.org",
        "peterborough-city-council",
        "Mental health practitioner",
        "peterborough",
        (MH,),
        ("mental-health-services", "gp-registration"),
        "Mental health assessments, crisis plans, and support in Polish.",
        "Email me; I speak Polish and English.",
    ),
    DemoChampion(
        "Chris Oliver",
        "chris.oliver@example.org",
        "cambridgeshire-and-peterborough-combined-authority",
        "Skills and employment adviser",
        "huntingdonshire",
        (CJ,),
        ("benefits", "leaving-prison"),
        "Training and work for people with convictions, and disclosure to employers.",
        "Email me to book a call.",
    ),
    DemoChampion(
        "Dawn Fletcher",
        "dawn.fletcher@example.org",
        "cpsl-mind",
        "Crisis café worker",
        "peterborough",
        (MH,),
        ("mental-health-services", "trauma-informed-practice"),
        "Crisis cafés and what to do out of hours when someone is struggling.",
        "Come to the crisis café in the evening, or email me.",
    ),
]

# Pledges waiting for the programme team: visitors without a sign-in (one from an
# organisation not yet in Petal's list).
PENDING = [
    ("Leah Brooks", "leah.brooks@example.org", None, "Jimmy's Cambridge", "Night shelter worker"),
    ("Gary Wells", "gary.wells@example.org", "probation-service", "", "Probation services officer"),
    (
        "Priti Desai",
        "priti.desai@example.org",
        "cambridgeshire-county-council",
        "",
        "Social worker",
    ),
]
WITHDRAWN = ("Martin Ashby", "martin.ashby@example.org", "fenland-district-council")


@dataclass(frozen=True)
class A:
    """An answer: who (an email), how many hours after the question, how many it helped."""

    author: str
    body: str
    hours: int
    helped: int = 0


@dataclass(frozen=True)
class Q:
    title: str
    body: str
    author: str
    days_ago: int
    areas: tuple[str, ...]
    topics: tuple[str, ...]
    answers: tuple[A, ...]
    accepted: int | None = None  # index into answers
    helped: int = 0
    hidden: str = ""  # the programme team's reason, when hidden


def _email(name: str) -> str:
    return next(c.email for c in CHAMPIONS if c.full_name == name)


RUTH = _email("Ruth Adebayo")
STEPHEN = _email("Stephen Gale")
NICOLA = _email("Nicola Bryant")
FEMI = _email("Femi Oduya")
CLAIRE = _email("Claire Dunstan")
MARK = _email("Mark Hudson")
LUCY = _email("Lucy Tran")
SANDEEP = _email("Sandeep Gill")
HANNAH = _email("Hannah Pike")
ALED = _email("Aled Morgan")
BOLA = _email("Bola Ajayi")
FIONA = _email("Fiona McLeod")
TARIQ = _email("Tariq Hussain")
JENNY = _email("Jenny Stokes")
PATRICK = _email("Patrick Doyle")
AMY = _email("Amy Chen")
MOHAMMED = _email("Mohammed Rafiq")
SARAH = _email("Sarah Lambert")
EWAN = _email("Ewan Fraser")
ZAINAB = _email("Zainab Hassan")
KAREN = _email("Karen Webb")
THOMAS = _email("Thomas Reid")
AGNIESZKA = _email("Agnieszka Nowak")
CHRIS = _email("Chris Oliver")
DAWN = _email("Dawn Fletcher")

REPORTED_ANSWER = (
    "Honestly, if they keep missing appointments just tell them to turn up at A&E and refuse "
    "to leave until someone sees them. That always works."
)
REPORT_REASON = (
    "This could send someone to A&E when they need the crisis line or the crisis café; "
    "please could the programme team look at it."
)

QUESTIONS = [
    Q(
        "Universal Credit sanction after a missed appointment: what can we do?",
        "Someone I support was sanctioned for missing a work coach appointment. They were in "
        "hospital that day but had no way of letting the jobcentre know. What is the quickest "
        "way to challenge a benefits sanction, and can they get a hardship payment meanwhile?",
        AMARA,
        62,
        (HOME, MH),
        ("benefits",),
        (
            A(
                LUCY,
                "Ask for a mandatory reconsideration straight away, in the journal or by phone, "
                "and say there was good reason: a hospital stay is one. A discharge letter helps "
                "but is not essential to start. They can ask for a hardship payment at the same "
                "time; it is a loan but repaid slowly.",
                3,
                helped=5,
            ),
            A(
                TARIQ,
                "Citizens Advice will help write the reconsideration if it is refused. Keep "
                "copies of everything and note who you spoke to and when.",
                20,
                helped=1,
            ),
            A(
                HANNAH,
                "Worth asking the work coach to add an easement for health too, so the next "
                "missed appointment is not treated the same way.",
                30,
            ),
        ),
        accepted=0,
        helped=4,
    ),
    Q(
        "Housing application when someone has no ID at all",
        "The person I work with lost everything in an eviction, including their passport and "
        "birth certificate. Housing options say they need ID to take a homeless application. "
        "Is that right? What counts as ID for a housing application?",
        TOMASZ,
        58,
        (HOME,),
        ("housing-applications", "identity-documents"),
        (
            A(
                RUTH,
                "A council cannot refuse to take a homeless application because someone has no "
                "ID. We need to be satisfied who they are, but that can be a letter from you as "
                "their worker, a GP letter, a benefits letter or a prison discharge form. Ask "
                "for the housing options team leader if the front desk says otherwise.",
                2,
                helped=6,
            ),
            A(
                ALED,
                "Meanwhile start on a birth certificate: the General Register Office fee can "
                "sometimes be paid from a local welfare fund, and some charities cover it.",
                26,
                helped=2,
            ),
        ),
        accepted=0,
        helped=5,
    ),
    Q(
        "Working with probation: who do I contact when the officer has changed?",
        "I support someone on licence whose probation officer has changed twice in three "
        "months. Appointments clash with their methadone pick-up. Who in probation can I speak "
        "to about making the appointments work, and will they talk to me?",
        AMARA,
        55,
        (CJ, SUBS),
        ("working-with-probation", "drug-and-alcohol-services"),
        (
            A(
                STEPHEN,
                "Ring the probation office and ask for the duty officer or the senior probation "
                "officer for the team. With the person's agreement we can talk to you, and we "
                "would much rather move an appointment than breach someone for a clash with "
                "treatment.",
                4,
                helped=4,
            ),
            A(
                MOHAMMED,
                "If they are with CGL, ask their recovery worker to contact probation too: we "
                "have joint appointments in Cambridge and Peterborough for exactly this.",
                9,
                helped=3,
            ),
            A(
                FEMI,
                "Same in Peterborough. A three-way call at the start saves a lot of missed "
                "appointments later.",
                28,
            ),
        ),
        accepted=0,
        helped=3,
    ),
    Q(
        "Consent to share with a GP: verbal or written?",
        "Someone I support wants me to talk to their GP about their medication. They are happy "
        "for me to, but will not sign forms. Is verbal consent enough for the surgery, and how "
        "should I record it?",
        TOMASZ,
        50,
        (MH,),
        ("information-sharing", "gp-registration"),
        (
            A(
                SARAH,
                "Verbal consent is valid if it is informed and specific: what will be shared, "
                "with whom and why. Record it in Petal with the date, what was agreed and how it "
                "was given. Some surgeries still ask for a form; a three-way call with the "
                "person on the line usually settles it.",
                5,
                helped=4,
            ),
            A(
                SANDEEP,
                "Ask the practice manager rather than reception. Most practices will accept "
                "consent given by the person on the phone to them directly.",
                22,
                helped=2,
            ),
        ),
        accepted=0,
        helped=3,
    ),
    Q(
        "Dual diagnosis: mental health team says treat the drinking first",
        "The community mental health team will not see someone until they stop drinking, and "
        "the alcohol service says the drinking will not stop until their mental health is "
        "treated. How have others got past this dual diagnosis stalemate?",
        AMARA,
        47,
        (MH, SUBS),
        ("mental-health-services", "drug-and-alcohol-services"),
        (
            A(
                CHAMPION,
                "Ask for a joint meeting between the two services, ideally a professionals "
                "meeting, and ask each to write down what they need from the other. The "
                "national guidance says people with co-occurring conditions should not be "
                "excluded from either service.",
                6,
                helped=5,
            ),
            A(
                FEMI,
                "CGL can start alcohol work alongside a mental health referral; we do not need "
                "the mental health side sorted first. Tell the worker you want both at once.",
                10,
                helped=3,
            ),
            A(
                PATRICK,
                "From lived experience: being told to come back when sober felt like being told "
                "not to come back. The joint meeting was what changed it for me.",
                30,
                helped=4,
            ),
            A(
                AGNIESZKA,
                "In Peterborough we have a dual diagnosis lead in the mental health team; ask "
                "for them by role.",
                52,
            ),
        ),
        accepted=0,
        helped=6,
    ),
    Q(
        "Domestic abuse refuges that accept pets",
        "A woman I support will not leave an abusive home because she will not leave her dog. "
        "Are there refuges that take pets, or schemes that foster pets while someone is in "
        "refuge?",
        TOMASZ,
        44,
        (DA, HOME),
        ("domestic-abuse-support",),
        (
            A(
                CLAIRE,
                "Very few refuges take pets, but there are national pet fostering schemes for "
                "people fleeing domestic abuse: the pet is fostered in confidence and returned "
                "when she is settled. Her IDVA can refer, or contact the scheme directly.",
                3,
                helped=5,
            ),
            A(
                ZAINAB,
                "Worth saying: the pet is often used for control, so her worry is real. Safety "
                "plan around the pet too.",
                15,
                helped=2,
            ),
        ),
        accepted=0,
        helped=4,
    ),
    Q(
        "Leaving prison on a Friday with nowhere to go",
        "Someone is due out on a Friday afternoon with no accommodation. By the time they reach "
        "the council the housing office will be closed for the weekend. What should happen, "
        "and who do I contact before release?",
        AMARA,
        41,
        (CJ, HOME),
        ("leaving-prison", "housing-applications"),
        (
            A(
                KAREN,
                "The prison should have made a duty to refer to the council weeks before; ask "
                "the resettlement team whether they did. Ring the council's housing options team "
                "early in the week before release, not on the day.",
                2,
                helped=4,
            ),
            A(
                NICOLA,
                "If they arrive out of hours, the council's out-of-hours homeless line must "
                "still assess them. Give them the number on paper before they leave.",
                7,
                helped=3,
            ),
            A(
                STEPHEN,
                "Probation can sometimes ask for a release earlier in the week. Speak to the "
                "responsible officer as soon as you know the date.",
                12,
                helped=2,
            ),
            A(
                FEMI,
                "If they are on a script, make sure the first dose is arranged for the Friday: "
                "a gap over the weekend is when people overdose.",
                30,
                helped=3,
            ),
        ),
        accepted=0,
        helped=6,
    ),
    Q(
        "Getting a GP registration without a fixed address",
        "A surgery told someone sleeping rough that they cannot register without proof of "
        "address. I thought that was not allowed. What should I say to the practice?",
        AMARA,
        38,
        (HOME,),
        ("gp-registration",),
        (
            A(
                SANDEEP,
                "You are right: NHS guidance says practices should not refuse registration "
                "because someone has no address or ID. They can use the practice address or a "
                "day centre. Ask for the practice manager and mention the guidance.",
                4,
                helped=5,
            ),
            A(
                THOMAS,
                "We register people using the day centre address in Wisbech; the surgery there "
                "knows us.",
                20,
            ),
        ),
        accepted=0,
        helped=3,
    ),
    Q(
        "Supported housing refused because of rent arrears",
        "Supported housing keep turning down someone because of old rent arrears with the "
        "council. The arrears are from years ago. Is there anything that helps?",
        TOMASZ,
        35,
        (HOME,),
        ("housing-applications", "benefits"),
        (
            A(
                EWAN,
                "A repayment plan, even a small amount weekly, often changes the decision. Ask "
                "the provider what they would accept and put it in writing.",
                8,
                helped=3,
            ),
            A(
                FIONA,
                "Check the arrears are actually theirs and not from a joint tenancy. We have "
                "found mistakes more than once.",
                28,
                helped=1,
            ),
        ),
        helped=2,
    ),
    Q(
        "What happens at MARAC, and should I go?",
        "I have been asked to attend a MARAC meeting about someone I support. I have never been "
        "to one. What is expected of me, and what can I share?",
        AMARA,
        33,
        (DA,),
        ("domestic-abuse-support", "information-sharing"),
        (
            A(
                CLAIRE,
                "MARAC is a meeting of agencies about high-risk domestic abuse cases. You share "
                "what is relevant to risk and safety; the chair will guide you. The person's "
                "IDVA represents their views. Information shared there stays there.",
                5,
                helped=4,
            ),
            A(
                JENNY,
                "Write down beforehand what you know that bears on safety and what the person "
                "has told you they want. Keep it short.",
                24,
                helped=2,
            ),
        ),
        accepted=0,
        helped=2,
    ),
    Q(
        "Bank account without photo ID",
        "Someone needs a bank account for Universal Credit but has no passport or driving "
        "licence. Which banks accept other documents?",
        TOMASZ,
        31,
        (HOME,),
        ("identity-documents", "benefits"),
        (
            A(
                LUCY,
                "Several high street banks offer basic accounts with a letter from the jobcentre "
                "confirming identity. Ask the work coach for the identity letter.",
                6,
                helped=3,
            ),
            A(
                ALED,
                "A Post Office card account no longer exists, but UC can be paid to a trusted "
                "person's account in the short term in some cases: ask the jobcentre.",
                30,
            ),
            A(
                AMY,
                "Local credit unions can be more flexible than banks too.",
                48,
                helped=1,
            ),
        ),
        helped=2,
    ),
    Q(
        "How do I make a Care Act assessment request stick?",
        "I asked for a Care Act assessment for someone who is neglecting themselves badly. "
        "Nothing has happened after six weeks. What should the request say?",
        AMARA,
        29,
        (MH,),
        ("information-sharing",),
        (
            A(
                SARAH,
                "Say what the person cannot do day to day and what happens as a result: the "
                "eligibility criteria are about outcomes. Mention self-neglect explicitly. If "
                "nothing happens, ask the team manager for a date in writing.",
                5,
                helped=3,
            ),
        ),
        accepted=0,
        helped=2,
    ),
    Q(
        "Night shelter places in Cambridge this winter",
        "Does anyone know how the winter night shelter referrals work this year, and whether "
        "self-referral is possible?",
        TOMASZ,
        27,
        (HOME,),
        ("housing-applications",),
        (
            A(
                TARIQ,
                "Referrals go through the street outreach team this year; they can refer the "
                "same day. Self-referral is not possible but the day centres can call outreach.",
                3,
                helped=2,
            ),
            A(
                RUTH,
                "When the temperature drops the severe weather protocol opens extra beds; the "
                "council website says when it is active.",
                18,
                helped=2,
            ),
        ),
        helped=1,
    ),
    Q(
        "Drug rehabilitation requirement: what if they relapse?",
        "Someone on a community order with a drug rehabilitation requirement has relapsed. "
        "They are frightened of being breached and are avoiding appointments, which makes it "
        "worse. What really happens?",
        AMARA,
        25,
        (SUBS, CJ),
        ("working-with-probation", "drug-and-alcohol-services"),
        (
            A(
                MOHAMMED,
                "Relapse on its own is not a breach; missing appointments is. Encourage them to "
                "come in and be honest: we would rather adjust the plan than breach.",
                2,
                helped=4,
            ),
            A(
                STEPHEN,
                "Agreed. If they talk to us we can often record it as an acceptable absence "
                "with a new plan. Silence is what leads to breach.",
                6,
                helped=3,
            ),
        ),
        accepted=0,
        helped=3,
    ),
    Q(
        "Talking about trauma without making someone retell their story",
        "Every new service asks the person I support to tell their whole story again. How do "
        "others handle this, and what can I share so they do not have to?",
        TOMASZ,
        23,
        (MH, DA),
        ("trauma-informed-practice", "information-sharing"),
        (
            A(
                BOLA,
                "Agree with the person a short summary they are happy for you to share, in "
                "their words, and what they do not want asked. Petal's consent record can say "
                "exactly that.",
                4,
                helped=4,
            ),
            A(
                CHAMPION,
                "Ask the new service to read the summary before the first appointment, and to "
                "start with what the person wants help with now, not their history.",
                10,
                helped=3,
            ),
            A(
                ZAINAB,
                "The trauma-informed systems workshop next month covers this; worth coming.",
                26,
            ),
        ),
        accepted=0,
        helped=5,
    ),
    Q(
        "Local connection rules for someone fleeing abuse",
        "Housing say someone has no local connection so they should apply elsewhere, but they "
        "have fled domestic abuse in that other area. Does local connection apply?",
        AMARA,
        21,
        (DA, HOME),
        ("housing-applications", "domestic-abuse-support"),
        (
            A(
                FIONA,
                "No: someone at risk of domestic abuse in the other area cannot be referred back "
                "there. The council must take the application. Ask for the decision in writing "
                "if they refuse.",
                3,
                helped=5,
            ),
            A(
                CLAIRE,
                "Their IDVA can write to housing to confirm the risk if that helps.",
                20,
                helped=1,
            ),
        ),
        accepted=0,
        helped=4,
    ),
    Q(
        "Personal independence payment forms: any tips?",
        "The PIP form is long and the person I support finds it overwhelming. Any tips on "
        "filling it in, especially for mental health?",
        TOMASZ,
        19,
        (MH,),
        ("benefits",),
        (
            A(
                AMY,
                "Describe a bad day, not a good one, and what would happen without help. "
                "Evidence from anyone who sees them regularly counts, including you.",
                8,
                helped=3,
            ),
            A(
                LUCY,
                "Ask for more time if needed: they can phone and ask for an extension before "
                "the deadline.",
                22,
                helped=1,
            ),
        ),
        helped=2,
    ),
    Q(
        "Appointments at a hostel: how do others avoid missed visits?",
        "Visiting services keep missing people at the hostel because they arrive unannounced "
        "and the person has gone out. What works for others?",
        AMARA,
        17,
        (HOME,),
        ("lived-experience",),
        (
            A(
                HANNAH,
                "We keep a simple visits board at the Ferry Project office, and ask services to "
                "ring us the day before. People like knowing who is coming.",
                5,
                helped=2,
            ),
        ),
        helped=1,
    ),
    Q(
        "Mental health crisis out of hours: where should someone go?",
        "Someone I support often reaches crisis late in the evening. A&E is overwhelming for "
        "them. What else is there out of hours?",
        TOMASZ,
        15,
        (MH,),
        ("mental-health-services",),
        (
            A(
                DAWN,
                "The crisis cafés are open in the evenings in Cambridge and Peterborough, no "
                "referral needed. The NHS 111 mental health option is open all night.",
                2,
                helped=4,
            ),
            A(MARK, REPORTED_ANSWER, 5),
            A(
                AGNIESZKA,
                "A crisis plan agreed in advance with the mental health team helps too: who to "
                "call, what helps, what does not.",
                12,
                helped=2,
            ),
        ),
        accepted=0,
        helped=3,
    ),
    Q(
        "Can I go with someone to their probation appointment?",
        "The person I support is anxious and wants me with them at probation. Is that allowed?",
        AMARA,
        13,
        (CJ,),
        ("working-with-probation",),
        (
            A(
                STEPHEN,
                "Usually yes, with their agreement. Let the officer know beforehand; some parts "
                "may be done privately.",
                3,
                helped=3,
            ),
        ),
        helped=2,
    ),
    Q(
        "Harm reduction supplies in rural Fenland",
        "Where can people in the villages get naloxone and clean equipment without going into "
        "Wisbech or March?",
        TOMASZ,
        11,
        (SUBS,),
        ("drug-and-alcohol-services",),
        (
            A(
                THOMAS,
                "Some pharmacies in the market towns stock naloxone; CGL's outreach van visits "
                "villages on set days.",
                6,
                helped=2,
            ),
            A(
                FEMI,
                "We can post naloxone kits and train by video call. Ask the service to arrange it.",
                20,
                helped=2,
            ),
        ),
        helped=1,
    ),
    Q(
        "Sharing information with the police about a concern",
        "I am worried about someone's safety but they do not want the police involved. When "
        "can I share without consent?",
        AMARA,
        10,
        (DA, CJ),
        ("information-sharing",),
        (
            A(
                MARK,
                "Where there is a serious risk of harm to them or others you can share without "
                "consent, proportionately, and record why. Speak to your safeguarding lead "
                "first if you can.",
                4,
                helped=3,
            ),
            A(
                SARAH,
                "Tell the person you are sharing and why, unless that would increase the risk.",
                9,
                helped=2,
            ),
        ),
        helped=2,
    ),
    Q(
        "Paying people with lived experience for their time",
        "We want people with lived experience on our interview panel. How do others pay them "
        "without affecting their benefits?",
        TOMASZ,
        9,
        (HOME, MH),
        ("lived-experience", "benefits"),
        (
            A(
                PATRICK,
                "Vouchers are simplest, but people should choose. Permitted work rules apply to "
                "some benefits; ask each person to check before, and never pay less than the "
                "rest of the panel.",
                5,
                helped=3,
            ),
        ),
        helped=2,
    ),
    Q(
        "Someone refused by every hostel: what next?",
        "Every hostel in the area has refused someone because of past behaviour. They are "
        "sleeping rough again. Where do we go from here?",
        AMARA,
        8,
        (HOME, CJ),
        ("housing-applications",),
        (
            A(
                NICOLA,
                "Ask for a professionals meeting with housing, outreach and the hostels to agree "
                "what would need to be in place. Refusals are often about old incidents nobody "
                "has reviewed.",
                6,
                helped=2,
            ),
            A(
                TARIQ,
                "Housing First might suit; ask the council whether there is a place.",
                20,
            ),
        ),
        helped=1,
    ),
    Q(
        "Coming out of hospital to no home",
        "Someone is being discharged from a mental health ward next week and has nowhere to go. "
        "Whose job is it to sort accommodation?",
        TOMASZ,
        7,
        (MH, HOME),
        ("mental-health-services", "housing-applications"),
        (
            A(
                AGNIESZKA,
                "The ward has a duty to refer to the council before discharge. Ask the ward "
                "discharge coordinator whether it has been done, and join the discharge meeting.",
                4,
                helped=2,
            ),
            A(
                RUTH,
                "Ring housing options yourself too. The earlier we know, the more options.",
                10,
                helped=1,
            ),
        ),
        accepted=0,
        helped=2,
    ),
    Q(
        "Translating for someone who does not speak English",
        "The person I support speaks Polish. Services keep using their teenage child to "
        "translate. How do I ask for a proper interpreter?",
        AMARA,
        6,
        (DA, MH),
        ("trauma-informed-practice",),
        (
            A(
                AGNIESZKA,
                "Every NHS and council service should book an interpreter; children should never "
                "translate. Ask when booking and put it in writing.",
                3,
                helped=3,
            ),
            A(
                JENNY,
                "In domestic abuse situations a family member translating can be dangerous: say "
                "so clearly.",
                12,
                helped=2,
            ),
        ),
        helped=2,
    ),
    Q(
        "Probation and housing: approved premises after release",
        "What are approved premises and how long can someone stay? Is it the same as a hostel?",
        TOMASZ,
        5,
        (CJ, HOME),
        ("leaving-prison", "working-with-probation"),
        (
            A(
                KAREN,
                "Approved premises are run by probation for people on licence who need close "
                "supervision; stays are usually a few months. It is not a hostel: move-on "
                "planning should start on arrival.",
                5,
                helped=2,
            ),
        ),
        helped=1,
    ),
    Q(
        "Accessing talking therapies while using drugs",
        "Talking therapies turned someone down because they use cannabis daily. Is that normal?",
        AMARA,
        4,
        (MH, SUBS),
        ("mental-health-services", "drug-and-alcohol-services"),
        (
            A(
                CHAMPION,
                "It varies. Ask what the concern is: often it is about being able to engage in "
                "sessions. A letter from the drug service about their use can help.",
                6,
                helped=1,
            ),
        ),
        helped=1,
    ),
    Q(
        "Council tax debt for someone in a hostel",
        "Someone in a hostel is being chased for council tax from their last flat. Can anything "
        "be done?",
        TOMASZ,
        3,
        (HOME,),
        ("benefits",),
        (
            A(
                EWAN,
                "Ask about council tax support backdating and the hardship fund. Bailiffs should "
                "pause if you tell the council the person is vulnerable.",
                5,
            ),
        ),
    ),
    Q(
        "Is anyone else working with the man from the hostel on the market square?",
        "Asking before I go further: is anyone else supporting the man staying at the hostel on "
        "the market square who was in court last week? He mentioned his brother too.",
        AMARA,
        2,
        (HOME, CJ),
        ("lived-experience",),
        (
            A(
                HANNAH,
                "Might be best to ask this by message rather than in the network.",
                2,
            ),
        ),
        hidden=(
            "Hidden: the question describes one person in enough detail to identify them. "
            "Posts are for learning, not cases; please use a support connection or a "
            "professionals meeting instead."
        ),
    ),
]

STORIES = [
    (
        "A kept appointment that changed everything",
        "Someone who had been discharged three times for missed appointments was offered a "
        "walk-and-talk session instead of a clinic room. They came, and kept coming. What "
        "worked: asking what would make it easier, and doing it.",
        CHAMPION,
        40,
        (MH,),
        True,
    ),
    (
        "Housing and treatment in one meeting",
        "Housing, the drug service and probation met together for the first time. Within a "
        "week there was a tenancy offer with treatment arranged around it. Nobody had to tell "
        "their story three times.",
        AMARA,
        32,
        (HOME, SUBS, CJ),
        True,
    ),
    (
        "The right person on the phone",
        "A champion at the council knew exactly who to call about a stuck homeless application. "
        "One call did what six weeks of emails had not.",
        TOMASZ,
        24,
        (HOME,),
        False,
    ),
    (
        "Released on a Friday, housed by the evening",
        "Planning started a month before release: a duty to refer, a bed booked, the first "
        "script arranged. The person walked out of prison to a named worker at the gate.",
        STEPHEN,
        18,
        (CJ, HOME, SUBS),
        False,
    ),
    (
        "A safe place with a dog",
        "A pet fostering scheme meant someone could leave an abusive home without losing their "
        "dog. They were reunited three months later in their own flat.",
        CLAIRE,
        12,
        (DA, HOME),
        False,
    ),
    (
        "Peer support made the difference",
        "A peer supporter with lived experience went along to the first mental health "
        "assessment. Being believed, by someone who had been there, made it possible to go "
        "back.",
        PATRICK,
        6,
        (MH,),
        False,
    ),
]


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    summary: str
    description: str
    days: int  # from today
    start: tuple[int, int]
    minutes: int
    place: str = ""
    online_link: str = ""
    capacity: int | None = None
    status: str = EventStatus.PUBLISHED
    registrations: int = 0
    cancelled: int = 0  # of the registrations, cancelled
    attended: tuple[bool, ...] = ()  # for a past event, per registration


EVENTS = [
    DemoEvent(
        "Trauma-informed systems workshop",
        EventKind.WORKSHOP,
        "A morning for champions and trusted persons on making whole systems trauma-informed.",
        "How do we avoid people re-telling their stories? How do we help people share what "
        "they are willing to with other services? How do we reduce the time it takes to reach "
        "the right support? We will share learning and experience, and agree a plan to take "
        "the work forward across the partner organisations.",
        30,
        (9, 30),
        210,
        place="The Maltings, Ship Lane, Ely",
        capacity=30,
        registrations=14,
        cancelled=1,
    ),
    DemoEvent(
        "Champion Network meeting (online)",
        EventKind.NETWORK_MEETING,
        "The monthly network meeting: tricky questions, stumbling blocks and what worked.",
        "Bring a question or a success to share. Forty-five minutes, cameras optional.",
        7,
        (12, 30),
        60,
        online_link="https://meet.example.org/champion-network",
        registrations=9,
    ),
    DemoEvent(
        "Champion Network meeting: what we learned this quarter",
        EventKind.NETWORK_MEETING,
        "An in-person network meeting to look back at the quarter's barriers and successes.",
        "Lunch provided. We reviewed the barriers raised through the network and agreed "
        "which to take to the operational partnerships.",
        -21,
        (12, 0),
        90,
        place="Peterborough Town Hall, Bridge Street",
        registrations=10,
        attended=(True, True, True, False, True, True, True, False, True, True),
    ),
    DemoEvent(
        "The Trusted Person approach: a learning session",
        EventKind.LEARNING,
        "An introduction to the Trusted Person approach for new champions and their managers.",
        "What a trusted person is, how the approach works with professionals meetings and "
        "problem-solving sessions, and how champions support it. With case studies.",
        21,
        (14, 0),
        90,
        online_link="https://meet.example.org/trusted-person-learning",
        capacity=50,
        registrations=6,
    ),
    DemoEvent(
        "Lived experience panel: planning session",
        EventKind.OTHER,
        "Planning how people with lived experience shape the next year of the network.",
        "Draft: date and place to be confirmed with the SUN network.",
        60,
        (10, 0),
        120,
        place="To be confirmed",
        status=EventStatus.DRAFT,
    ),
]

CONNECTIONS = [
    (
        CHAMPION,
        ConnectionKind.SUPPORT,
        "Could we talk through how to approach the community mental health team when someone "
        "keeps being discharged for missed appointments? No details needed yet, just the "
        "process and who to ask.",
        ConnectionStatus.ACCEPTED,
        "Yes, happy to. I am free on Thursday afternoon; I will ring you at two. Bring the "
        "dates of the missed appointments if the person agrees.",
        9,
    ),
    (
        STEPHEN,
        ConnectionKind.CONCERN,
        "A concern about appointment times: people on licence are being given probation "
        "appointments that clash with their daily pick-up at the pharmacy. Is there someone in "
        "probation who looks at this across the team?",
        ConnectionStatus.REQUESTED,
        "",
        2,
    ),
]

BARRIERS = [
    (
        "Homeless applications turned away at the front desk when someone has no photo ID",
        "Trusted persons report people being told to come back with ID before a homeless "
        "application is taken, although the council must take it. It costs weeks.",
        "District council housing options (front desk)",
        (HOME,),
        "Most weeks",
        20,
    ),
    (
        "Mental health appointments cancelled after a single missed appointment",
        "People sleeping rough or in hostels miss a letter and are discharged, then wait months "
        "to be referred again.",
        "Community mental health teams",
        (MH, HOME),
        "Several times a month",
        8,
    ),
]

# trusted.person@example.org follows "benefits" and homelessness; champion@ mental health.
FOLLOWS = [(AMARA, None, "benefits"), (AMARA, HOME, None), (CHAMPION, MH, None)]


@dataclass(frozen=True)
class Loaded:
    champions: int  # approved
    pending: int
    withdrawn: int
    questions: int
    answers: int
    stories: int
    events: int
    users: list[DemoUser] = field(default_factory=list)


class _Loader:
    def __init__(self, password: str):
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.hashed = make_password(password)
        self.users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
        self.orgs = {o.slug: o for o in Organisation.objects.all()}
        self.areas = {a.code: a for a in AreaOfDisadvantage.objects.all()}
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.districts = {d.code: d for d in District.objects.all()}
        self.programme = self.users[PROGRAMME]

    def ago(self, days: int, hours: int = 0) -> dt.datetime:
        """Days before now, at a working hour, plus ``hours``; never later than now."""
        day = self.today - dt.timedelta(days=days)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 15)))
        return min(at + dt.timedelta(hours=hours), self.now - dt.timedelta(minutes=5))

    # --- champions ------------------------------------------------------------------------

    def sign_in(self, demo: DemoChampion) -> User:
        """The champion's sign-in and CHAMPION membership (the demo password)."""
        user = self.users.get(demo.email)
        if user is None:
            user = user_create(actor=None, email=demo.email, full_name=demo.full_name)
            self.users[demo.email] = user
        user.password = self.hashed
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        organisation = self.orgs[demo.organisation]
        if not Membership.objects.filter(
            user=user, role=Role.CHAMPION, organisation=organisation, ended_at__isnull=True
        ).exists():
            membership_add(actor=None, user=user, role=Role.CHAMPION, organisation=organisation)
        return user

    def champions(self) -> None:
        for index, demo in enumerate(CHAMPIONS):
            user = self.sign_in(demo)
            if Champion.objects.filter(email=demo.email).exists():
                continue
            district = self.districts[demo.district]
            signed = self.ago(120 - index * 3)
            champion = Champion.objects.create(
                user=user,
                full_name=demo.full_name,
                email=demo.email,
                organisation=self.orgs[demo.organisation],
                job_title=demo.job_title,
                district=district,
                partnership=partnership_for_district(district, on=self.today),
                help_with=demo.help_with,
                how_to_reach=demo.how_to_reach,
                phone=demo.phone,
                status=ChampionStatus.APPROVED,
                pledge_text=PLEDGE,
                signed_at=signed,
                decided_at=signed + dt.timedelta(days=2),
                decided_by=self.programme,
            )
            champion.areas.set([self.areas[a] for a in demo.areas])
            champion.skills.set([self.topics[t] for t in demo.skills])
        for index, (name, email, org, org_name, job) in enumerate(PENDING):
            if Champion.objects.filter(email=email).exists():
                continue
            Champion.objects.create(
                full_name=name,
                email=email,
                organisation=self.orgs[org] if org else None,
                organisation_name=org_name,
                job_title=job,
                help_with="Happy to share what I know about local services.",
                how_to_reach="By email",
                status=ChampionStatus.PENDING,
                pledge_text=PLEDGE,
                signed_at=self.ago(5 - index),
            )
        name, email, org = WITHDRAWN
        if not Champion.objects.filter(email=email).exists():
            Champion.objects.create(
                full_name=name,
                email=email,
                organisation=self.orgs[org],
                job_title="Housing officer",
                status=ChampionStatus.WITHDRAWN,
                pledge_text=PLEDGE,
                signed_at=self.ago(150),
                decided_at=self.ago(148),
                decided_by=self.programme,
                withdrawn_at=self.ago(30),
                withdrawal_reason="Moving to a new job outside the area.",
            )

    # --- the network ----------------------------------------------------------------------

    def helpers(self, index: int, count: int, author: str) -> list[User]:
        """``count`` different readers (never the author) who found a post helpful."""
        pool = [AMARA, TOMASZ, CHAMPION, *(c.email for c in CHAMPIONS[1:])]
        start = (index * 7) % len(pool)
        rotated = [e for e in pool[start:] + pool[:start] if e != author]
        return [self.users[e] for e in rotated[:count]]

    def questions(self) -> None:
        for index, spec in enumerate(QUESTIONS):
            if Question.objects.filter(title=spec.title).exists():
                continue
            created = self.ago(spec.days_ago)
            question = Question.objects.create(
                author=self.users[spec.author],
                title=spec.title,
                body=spec.body,
                status=PostStatus.HIDDEN if spec.hidden else PostStatus.VISIBLE,
                created_at=created,
                last_activity_at=created,
            )
            question.areas.set([self.areas[a] for a in spec.areas])
            question.topics.set([self.topics[t] for t in spec.topics])
            answers = []
            for number, a in enumerate(spec.answers):
                answer = Answer.objects.create(
                    question=question,
                    author=self.users[a.author],
                    body=a.body,
                    created_at=self.ago(spec.days_ago, a.hours),
                    helped_count=a.helped,
                )
                Helped.objects.bulk_create(
                    Helped(user=u, answer=answer, created_at=answer.created_at)
                    for u in self.helpers(index + number + 1, a.helped, a.author)
                )
                answers.append(answer)
                if a.body == REPORTED_ANSWER:
                    Report.objects.create(
                        reporter=self.users[CLAIRE],
                        answer=answer,
                        reason=REPORT_REASON,
                        created_at=answer.created_at + dt.timedelta(hours=1),
                    )
            Helped.objects.bulk_create(
                Helped(user=u, question=question, created_at=created)
                for u in self.helpers(index, spec.helped, spec.author)
            )
            visible = [a for a in answers if a.status == PostStatus.VISIBLE]
            question.answers_text = "\n\n".join(a.body for a in visible)
            question.answer_count = len(visible)
            question.helped_count = spec.helped
            question.last_activity_at = max([created, *(a.created_at for a in visible)])
            if spec.accepted is not None:
                question.accepted_answer = answers[spec.accepted]
            question.save()
            if spec.hidden:
                hidden_at = question.last_activity_at + dt.timedelta(hours=1)
                Report.objects.create(
                    reporter=self.users[CHAMPION],
                    question=question,
                    reason="This seems to be about one person rather than a question for all.",
                    created_at=hidden_at - dt.timedelta(minutes=30),
                    resolved_at=hidden_at,
                    resolved_by=self.programme,
                )
                Moderation.objects.create(
                    question=question,
                    action=ModerationAction.HIDE,
                    reason=spec.hidden,
                    by=self.programme,
                    at=hidden_at,
                )
        for email, area, topic in FOLLOWS:
            TagFollow.objects.get_or_create(
                user=self.users[email],
                area=self.areas[area] if area else None,
                topic=self.topics[topic] if topic else None,
            )

    def stories(self) -> None:
        for title, body, author, days_ago, areas, featured in STORIES:
            if Story.objects.filter(title=title).exists():
                continue
            story = Story.objects.create(
                author=self.users[author],
                title=title,
                body=body,
                created_at=self.ago(days_ago),
                featured_at=self.ago(days_ago - 2) if featured else None,
                featured_by=self.programme if featured else None,
            )
            story.areas.set([self.areas[a] for a in areas])

    # --- events ---------------------------------------------------------------------------

    def events(self) -> None:
        attendees = [
            self.users[e] for e in [CHAMPION, AMARA, TOMASZ, *(c.email for c in CHAMPIONS[1:])]
        ]
        for index, spec in enumerate(EVENTS):
            if Event.objects.filter(title=spec.title).exists():
                continue
            day = self.today + dt.timedelta(days=spec.days)
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(*spec.start)))
            created = min(starts, self.now) - dt.timedelta(days=30)
            event = Event.objects.create(
                title=spec.title,
                kind=spec.kind,
                summary=spec.summary,
                description=spec.description,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=spec.minutes),
                place=spec.place,
                online_link=spec.online_link,
                capacity=spec.capacity,
                status=spec.status,
                created_by=self.programme,
                created_at=created,
                published_at=created + dt.timedelta(days=1)
                if spec.status == EventStatus.PUBLISHED
                else None,
            )
            start = (index * 5) % len(attendees)
            chosen = (attendees[start:] + attendees[:start])[: spec.registrations]
            Registration.objects.bulk_create(
                Registration(
                    event=event,
                    user=user,
                    registered_at=created + dt.timedelta(days=2, hours=number),
                    cancelled_at=created + dt.timedelta(days=5)
                    if number < spec.cancelled
                    else None,
                    attended=spec.attended[number] if spec.attended else None,
                )
                for number, user in enumerate(chosen)
            )

    # --- connections and barriers -----------------------------------------------------------

    def connections(self) -> None:
        amara = self.users[AMARA]
        for email, kind, note, status, response, days_ago in CONNECTIONS:
            champion = Champion.objects.get(email=email, status=ChampionStatus.APPROVED)
            if SupportConnection.objects.filter(
                requested_by=amara, champion=champion, note=note
            ).exists():
                continue
            created = self.ago(days_ago)
            SupportConnection.objects.create(
                requested_by=amara,
                champion=champion,
                kind=kind,
                note=note,
                status=status,
                response=response,
                created_at=created,
                responded_at=created + dt.timedelta(hours=5) if response else None,
            )
        for summary, detail, services, areas, how_often, days_ago in BARRIERS:
            if NetworkBarrier.objects.filter(summary=summary).exists():
                continue
            barrier = NetworkBarrier.objects.create(
                raised_by=self.users[CHAMPION],
                on_behalf_of=amara,
                summary=summary,
                detail=detail,
                services=services,
                how_often=how_often,
                raised_at=self.ago(days_ago),
            )
            barrier.areas.set([self.areas[a] for a in areas])


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD) -> Loaded:
    """Add the champions, the network, stories, events, connections and barriers (once; the
    accounts demo must be loaded first). Returns what there is."""
    if User.objects.filter(email__in=[AMARA, PROGRAMME, CHAMPION]).count() == 3:
        loader = _Loader(password)
        loader.champions()
        loader.questions()
        loader.stories()
        loader.events()
        loader.connections()
    titles = [q.title for q in QUESTIONS]
    return Loaded(
        champions=Champion.objects.filter(status=ChampionStatus.APPROVED).count(),
        pending=Champion.objects.filter(status=ChampionStatus.PENDING).count(),
        withdrawn=Champion.objects.filter(status=ChampionStatus.WITHDRAWN).count(),
        questions=Question.objects.filter(title__in=titles).count(),
        answers=Answer.objects.filter(question__title__in=titles).count(),
        stories=Story.objects.filter(title__in=[s[0] for s in STORIES]).count(),
        events=Event.objects.filter(title__in=[e.title for e in EVENTS]).count(),
        # champion@example.org is already on the accounts demo's list; the others' sign-ins
        # work with the demo password but are not printed, to keep the list short.
        users=[],
    )
