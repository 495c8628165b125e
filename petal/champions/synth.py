"""Synthetic champions, network questions and events for benchmarks.

- ``synth_champions``: champions with their own sign-ins and CHAMPION memberships, across every
  organisation (the synthetic ones too), with areas, skills, a district and its partnership;
  about nine in ten approved, the rest waiting or withdrawn.
- ``synth_questions``: questions over the past year with about three answers each, written
  from a mix of frontline words so full-text search has work to do (some words common, most
  rare); tags from the five areas and the topics, accepted answers on some, "this helped me"
  rows, and about 2% of the questions (and 1% of the answers) hidden. The denormalised fields
  are set as the services keep them: ``answers_text`` (the visible answers' bodies joined by a
  blank line), ``answer_count``, ``helped_count`` and ``last_activity_at``. The search index is
  filled as rows go in: on SQLite by the FTS5 table's insert trigger, on PostgreSQL by the
  generated column (see migrations/0002_question_search.py).
- ``synth_events``: events over the past year and the next six months, with registrations
  (attendance recorded for past ones).

Bulk inserts in batches, no per-row queries, no audit events (nothing here happened).
Deterministic for a seed, except events' calendar ``uid``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, User
from petal.champions.models import (
    Answer,
    Champion,
    ChampionStatus,
    Event,
    EventKind,
    EventStatus,
    Helped,
    PostStatus,
    Question,
    Registration,
    Topic,
)
from petal.reference.models import AreaOfDisadvantage, District
from petal.reference.selectors import coverage_on

BATCH = 2000
PASSWORD = "synthetic-password-2026"  # noqa: S105 - synthetic sign-ins, for benchmarks.
HIDDEN_SHARE = 0.02
HIDDEN_ANSWER_SHARE = 0.01
ACCEPTED_SHARE = 0.4

FIRST = [
    "Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Kim", "Robin", "Jamie", "Charlie", "Morgan",
    "Taylor", "Jordan", "Casey", "Drew", "Frankie", "Hayden", "Reese", "Ruth", "Femi", "Lucy",
    "Tariq", "Fiona", "Ewan", "Zainab", "Karen", "Dawn", "Amy", "Sandeep", "Bola",
]  # fmt: skip
LAST = [
    "Smith", "Jones", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
    "Walker", "Green", "Hall", "Wood", "Clarke", "Hughes", "Khan", "Adebayo", "Gale", "Bryant",
    "Tran", "Gill", "Pike", "Morgan", "Stokes", "Doyle", "Chen", "Lambert", "Fraser", "Webb",
]  # fmt: skip
JOBS = [
    "Housing options officer", "Recovery worker", "Probation officer", "Outreach worker",
    "Support worker", "Independent domestic violence adviser", "Mental health practitioner",
    "Tenancy sustainment officer", "Peer support worker", "Jobcentre work coach",
    "Community safety officer", "Social worker", "Hostel manager", "Health inclusion nurse",
]  # fmt: skip
HELP_WITH = [
    "Homeless applications and temporary accommodation",
    "Universal Credit, sanctions and hardship payments",
    "Licence conditions and release planning",
    "Getting into drug and alcohol treatment quickly",
    "Safety planning and refuge referrals",
    "Mental health assessments and crisis plans",
    "Registering with a GP without an address",
    "ID documents, birth certificates and bank accounts",
    "Keeping a tenancy going: arrears and repairs",
    "Involving people with lived experience",
]
REACH = ["Email me", "Phone the office and ask for me", "Email or text, weekdays", "Drop in"]

# The network's vocabulary: subjects, what goes wrong, where, who, and what helps.
SUBJECTS = [
    "housing application", "homeless application", "benefit sanction", "Universal Credit claim",
    "housing benefit claim", "PIP assessment", "GP registration", "probation appointment",
    "licence condition", "methadone script", "detox referral", "refuge place", "MARAC referral",
    "mental health assessment", "crisis plan", "tenancy", "rent arrears", "council tax debt",
    "hostel place", "night shelter bed", "birth certificate", "bank account", "dual diagnosis",
    "talking therapies referral", "safeguarding referral", "Care Act assessment",
    "interpreter booking", "hospital discharge", "prison release", "court date",
    "housing register", "supported accommodation", "hardship payment", "advance payment",
    "discretionary housing payment", "food bank voucher", "dental appointment",
    "prescription charges", "naloxone kit", "needle exchange", "rehab place",
]  # fmt: skip
PROBLEMS = [
    "keeps being refused", "has been waiting for months", "was closed without warning",
    "needs ID we do not have", "clashes with another appointment", "was lost after a move",
    "depends on a local connection", "was turned down at the front desk",
    "was cancelled after one missed letter", "needs a fixed address", "is stuck between teams",
    "was sent to the wrong office", "needs a form nobody can find", "ended on a Friday",
    "needs consent to share", "was refused because of arrears", "was made without asking them",
]  # fmt: skip
TOWNS = [
    "Cambridge", "Peterborough", "Wisbech", "March", "Whittlesey", "Chatteris", "Ely",
    "Littleport", "Soham", "Huntingdon", "St Neots", "St Ives", "Ramsey", "Cambourne",
    "Sawston", "Histon",
]  # fmt: skip
SERVICES = [
    "the jobcentre", "housing options", "the council", "probation", "the drug and alcohol "
    "service", "the community mental health team", "the GP surgery", "the hostel", "the "
    "refuge", "adult social care", "the police", "the crisis team", "the day centre",
    "Citizens Advice", "the pharmacy", "the ward", "the resettlement team", "the IDVA service",
]  # fmt: skip
ASKS = [
    "How do I get a {s} moving when it {p}?",
    "{S} {p} in {t}: what now?",
    "Who to contact about a {s} that {p}",
    "Has anyone managed a {s} that {p}?",
    "{S} and {s2}: where do I start?",
    "What can {v} do when a {s} {p}?",
]
BODY = [
    "Someone I support has a {s} that {p}.",
    "We have tried {v} and {v2} but nobody seems to own it.",
    "This is in {t}, so travel to appointments is hard.",
    "They have been sleeping rough on and off and their phone keeps running out of credit.",
    "The person is worried about their {s2} too, which makes everything harder.",
    "Is there a named contact at {v} for this?",
    "I have explained the situation twice already and want to avoid them retelling it again.",
    "Any tips on what to write or who to ring would help.",
    "It is affecting their mental health and their drinking has got worse.",
    "They are on licence, so missing appointments is risky.",
    "Their housing benefit stopped when they went into hospital.",
    "Consent is in place for sharing with {v}.",
]
ADVICE = [
    "Ask {v} for the team leader and put the request in writing.",
    "A professionals meeting with {v} and {v2} usually gets it moving.",
    "The {s} can be challenged: ask for a review within a month.",
    "We had the same in {t}; a letter from you as their worker was enough.",
    "Ring {v} early in the week, not on a Friday afternoon.",
    "Record the consent in Petal and share the summary so they do not retell their story.",
    "Citizens Advice helped us with the {s}; they know the rules on {s2}.",
    "Ask for a hardship payment while the {s} is sorted out.",
    "The duty to refer applies here: ask whether it was made.",
    "Try the crisis café in the evening; no referral needed.",
    "A named worker at {v} makes all the difference; ask for one.",
    "Check the {s2} as well, it often causes the same problem.",
    "Housing benefit can be backdated in some cases; ask for it.",
]
# Rarer words sprinkled in, so the index holds a long tail of terms.
EXTRA = (
    "advocacy allocation appeal assessment backdate bailiff bedsit breach caseworker "
    "chaotic clinic coercive commissioner complaint continuity councillor counselling curfew "
    "deposit eligibility emergency eviction evidence exemption foodbank furniture guarantor "
    "helpline hospitalisation inclusion intervention keyworker landlord legal letter "
    "mediation medication nomination overdose outreach pathway payslip placement priority "
    "reconnection referral relapse reoffending repairs resettlement respite sanctuary "
    "scheme signposting sofa surfing stabilisation tenancy threshold transport triage "
    "vulnerability waiting warrant wellbeing withdrawal"
).split()


def _fill(template: str, rng: random.Random) -> str:
    s, s2 = rng.sample(SUBJECTS, 2)
    v, v2 = rng.sample(SERVICES, 2)
    return template.format(
        s=s, S=s[0].upper() + s[1:], s2=s2, p=rng.choice(PROBLEMS), t=rng.choice(TOWNS), v=v,
        v2=v2,
    )  # fmt: skip


def _when(rng: random.Random, now: dt.datetime, days: int = 365) -> dt.datetime:
    return now - dt.timedelta(seconds=rng.randrange(days * 86400))


def _user_pool() -> list[int]:
    """Everyone holding a role now, with an active sign-in."""
    return sorted(
        set(
            Membership.objects.filter(ended_at__isnull=True, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    )


def synth_champions(count: int, *, seed: int = 2026) -> int:
    """Add ``count`` champions, each with a sign-in and a CHAMPION membership. Returns how many
    were made."""
    rng = random.Random(seed + 8)  # noqa: S311 - synthetic data
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    if not organisations or count <= 0:
        return 0
    districts = list(District.objects.order_by("pk").values_list("pk", flat=True))
    covering = dict(coverage_on(timezone.localdate()).values_list("district_id", "partnership_id"))
    areas = list(AreaOfDisadvantage.objects.order_by("pk").values_list("pk", flat=True))
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    hashed = make_password(PASSWORD)
    now = timezone.now()
    # Not "synthetic-": the synth command numbers its own users by counting those.
    first = User.objects.filter(email__startswith="synthetic.champion-").count()
    AreaLink = Champion.areas.through
    SkillLink = Champion.skills.through
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(size)]
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"synthetic.champion-{first + made + i:06d}@example.org",
                        full_name=names[i],
                        password=hashed,
                    )
                    for i in range(size)
                ],
                batch_size=1000,
            )
            champions, memberships = [], []
            for user in users:
                organisation = rng.choice(organisations)
                district = rng.choice(districts)
                signed = _when(rng, now, 700)
                pick = rng.random()
                status = (
                    ChampionStatus.APPROVED
                    if pick < 0.9
                    else ChampionStatus.PENDING
                    if pick < 0.95
                    else ChampionStatus.WITHDRAWN
                )
                decided = signed + dt.timedelta(days=2)
                champions.append(
                    Champion(
                        user=user,
                        full_name=user.full_name,
                        email=user.email,
                        organisation_id=organisation,
                        job_title=rng.choice(JOBS),
                        district_id=district,
                        partnership_id=covering.get(district),
                        help_with=". ".join(rng.sample(HELP_WITH, rng.randrange(1, 4))) + ".",
                        how_to_reach=rng.choice(REACH),
                        status=status,
                        pledge_text="Synthetic pledge",
                        signed_at=signed,
                        decided_at=None if status == ChampionStatus.PENDING else decided,
                        withdrawn_at=decided + dt.timedelta(days=30)
                        if status == ChampionStatus.WITHDRAWN
                        else None,
                    )
                )
                if status != ChampionStatus.WITHDRAWN:
                    memberships.append(
                        Membership(user=user, role=Role.CHAMPION, organisation_id=organisation)
                    )
            Champion.objects.bulk_create(champions, batch_size=1000)
            Membership.objects.bulk_create(memberships, batch_size=1000)
            AreaLink.objects.bulk_create(
                [
                    AreaLink(champion_id=c.pk, areaofdisadvantage_id=a)
                    for c in champions
                    for a in rng.sample(areas, rng.randrange(1, 4))
                ],
                batch_size=1000,
            )
            SkillLink.objects.bulk_create(
                [
                    SkillLink(champion_id=c.pk, topic_id=t)
                    for c in champions
                    for t in rng.sample(topics, min(len(topics), rng.randrange(1, 5)))
                ],
                batch_size=1000,
            )
        made += size
    return made


def _question_text(rng: random.Random) -> tuple[str, str]:
    title = _fill(rng.choice(ASKS), rng)[:200]
    sentences = [_fill(t, rng) for t in rng.sample(BODY, rng.randrange(2, 5))]
    extra = " ".join(rng.sample(EXTRA, rng.randrange(0, 4)))
    body = " ".join(sentences) + (f" ({extra})" if extra else "")
    return title, body


def _answer_text(rng: random.Random) -> str:
    return " ".join(_fill(t, rng) for t in rng.sample(ADVICE, rng.randrange(1, 4)))


def synth_questions(count: int, *, seed: int = 2026, answers: float = 3.0) -> tuple[int, int]:
    """Add ``count`` questions with about ``answers`` answers each. Returns (questions,
    answers) made."""
    rng = random.Random(seed + 9)  # noqa: S311 - synthetic data
    users = _user_pool()
    if not users or count <= 0:
        return 0, 0
    areas = list(AreaOfDisadvantage.objects.order_by("pk").values_list("pk", flat=True))
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    AreaTag = Question.areas.through
    TopicTag = Question.topics.through
    made = answered = 0
    while made < count:
        size = min(BATCH, count - made)
        planned: list[tuple[Question, list[Answer], list[int], list[int]]] = []
        for _ in range(size):
            title, body = _question_text(rng)
            created = _when(rng, now)
            question = Question(
                author_id=rng.choice(users),
                title=title,
                body=body,
                status=PostStatus.HIDDEN if rng.random() < HIDDEN_SHARE else PostStatus.VISIBLE,
                created_at=created,
            )
            rows = []
            at = created
            for _ in range(min(8, int(rng.expovariate(1 / answers) + 0.5))):
                at = min(at + dt.timedelta(minutes=rng.randrange(10, 4 * 1440)), now)
                rows.append(
                    Answer(
                        author_id=rng.choice(users),
                        body=_answer_text(rng),
                        created_at=at,
                        status=PostStatus.HIDDEN
                        if rng.random() < HIDDEN_ANSWER_SHARE
                        else PostStatus.VISIBLE,
                    )
                )
            visible = [a for a in rows if a.status == PostStatus.VISIBLE]
            question.answers_text = "\n\n".join(a.body for a in visible)
            question.answer_count = len(visible)
            question.last_activity_at = max([created, *(a.created_at for a in visible)])
            # "This helped me": a few readers, never the author.
            helped_q = rng.sample(users, min(len(users), rng.randrange(0, 5)))
            helped_q = [u for u in helped_q if u != question.author_id]
            question.helped_count = len(helped_q)
            tags_a = rng.sample(areas, rng.randrange(1, 3)) if areas else []
            tags_t = rng.sample(topics, min(len(topics), rng.randrange(0, 3)))
            planned.append((question, rows, helped_q, [tags_a, tags_t]))
        with transaction.atomic():
            Question.objects.bulk_create([p[0] for p in planned], batch_size=500)
            all_answers, helped, area_tags, topic_tags, accepted = [], [], [], [], []
            for question, rows, helped_q, (tags_a, tags_t) in planned:
                for answer in rows:
                    answer.question_id = question.pk
                all_answers.extend(rows)
                helped.extend(Helped(user_id=u, question_id=question.pk) for u in helped_q)
                area_tags.extend(
                    AreaTag(question_id=question.pk, areaofdisadvantage_id=a) for a in tags_a
                )
                topic_tags.extend(TopicTag(question_id=question.pk, topic_id=t) for t in tags_t)
            # Answer helped counts are set before insert; their rows follow.
            answer_helpers = []
            for answer in all_answers:
                if answer.status == PostStatus.VISIBLE and rng.random() < 0.25:
                    who = rng.sample(users, min(len(users), rng.randrange(1, 4)))
                    who = [u for u in who if u != answer.author_id]
                    answer_helpers.append(who)
                    answer.helped_count = len(who)
                else:
                    answer_helpers.append([])
            Answer.objects.bulk_create(all_answers, batch_size=1000)
            for answer, who in zip(all_answers, answer_helpers, strict=True):
                helped.extend(Helped(user_id=u, answer_id=answer.pk) for u in who)
            for question, rows, _, _ in planned:
                visible = [a for a in rows if a.status == PostStatus.VISIBLE]
                if visible and rng.random() < ACCEPTED_SHARE:
                    question.accepted_answer_id = rng.choice(visible).pk
                    accepted.append(question)
            Question.objects.bulk_update(accepted, ["accepted_answer"], batch_size=500)
            Helped.objects.bulk_create(helped, batch_size=1000)
            AreaTag.objects.bulk_create(area_tags, batch_size=1000)
            TopicTag.objects.bulk_create(topic_tags, batch_size=1000)
        made += size
        answered += len(all_answers)
    return made, answered


EVENT_TITLES = {
    EventKind.WORKSHOP: [
        "Trauma-informed systems workshop",
        "Working with probation: a practical workshop",
        "Housing applications workshop",
        "Consent and information sharing workshop",
    ],
    EventKind.NETWORK_MEETING: [
        "Champion Network meeting",
        "Champion Network meeting (online)",
    ],
    EventKind.LEARNING: [
        "The Trusted Person approach: a learning session",
        "Dual diagnosis: a learning session",
        "Benefits update for champions",
    ],
    EventKind.OTHER: ["Lived experience panel", "Champions' celebration"],
}


def synth_events(count: int, *, seed: int = 2026) -> int:
    """Add ``count`` events over the past year and the next six months, with registrations.
    Returns how many were made."""
    rng = random.Random(seed + 10)  # noqa: S311 - synthetic data
    users = _user_pool()
    if count <= 0:
        return 0
    now = timezone.now()
    today = timezone.localdate()
    kinds = list(EVENT_TITLES)
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        events, registrations = [], []
        for _ in range(size):
            kind = rng.choice(kinds)
            day = today + dt.timedelta(days=rng.randrange(-365, 183))
            starts = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.randrange(9, 17), rng.choice((0, 30))))
            )
            pick = rng.random()
            status = (
                EventStatus.PUBLISHED
                if pick < 0.9
                else EventStatus.CANCELLED
                if pick < 0.95
                else EventStatus.DRAFT
            )
            created = min(starts, now) - dt.timedelta(days=rng.randrange(14, 60))
            online = rng.random() < 0.4
            events.append(
                Event(
                    title=f"{rng.choice(EVENT_TITLES[kind])}, {rng.choice(TOWNS)}",
                    kind=kind,
                    summary=_fill("For champions and trusted persons: the {s} and {s2}.", rng),
                    description=_answer_text(rng),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=rng.choice((60, 90, 120, 180))),
                    place="" if online else f"{rng.choice(TOWNS)} community centre",
                    online_link="https://meet.example.org/synthetic" if online else "",
                    capacity=rng.choice((None, 20, 30, 50, 100)),
                    status=status,
                    created_at=created,
                    published_at=None if status == EventStatus.DRAFT else created,
                )
            )
        with transaction.atomic():
            Event.objects.bulk_create(events, batch_size=1000)
            for event in events:
                if event.status == EventStatus.DRAFT or not users:
                    continue
                wanted = rng.randrange(3, 41)
                if event.capacity:
                    wanted = min(wanted, event.capacity)
                past = event.ends_at <= now
                for user_id in rng.sample(users, min(len(users), wanted)):
                    cancelled = rng.random() < 0.05
                    registrations.append(
                        Registration(
                            event=event,
                            user_id=user_id,
                            registered_at=event.created_at + dt.timedelta(days=1),
                            cancelled_at=event.created_at + dt.timedelta(days=3)
                            if cancelled
                            else None,
                            attended=(rng.random() < 0.85) if past and not cancelled else None,
                        )
                    )
            Registration.objects.bulk_create(registrations, batch_size=1000)
        made += size
    return made
