"""Demo data for the learning library: the briefing note on the Trusted Person approach (real
material: the seed's roles explained, in plain words), two fictional case studies marked as
illustrative, each with the agreements of the people in it (one of those agreements withdrawn,
so that case study is withheld from the public site), and illustrative outcomes of the
late-2022 workshop on trauma-informed systems, all tagged.

Everything goes through ``petal.programme.services.library`` as the programme team, so the
rules hold (a case study is published only with an agreement). Safe to run twice: a document
whose title is already in the library is left as it is."""

from __future__ import annotations

import datetime as dt

from petal.accounts.models import User
from petal.programme.models import CaseStudyConsent, LibraryItem
from petal.programme.services import library as services

PROGRAMME_TEAM = "programme@example.org"

BRIEFING_TITLE = "The Trusted Person approach: roles explained"
BRIEFING = """\
## What Changing Futures is

Changing Futures Cambridgeshire & Peterborough works to improve life for people facing
**multiple disadvantage**. That means someone living with at least three of these five at the
same time:

- homelessness
- mental health issues
- substance misuse
- domestic abuse
- offending

We do this by involving people with lived experience at every stage of designing systems and
services, and by looking at how the way partners work together affects people.

## The Trusted Person approach

People facing multiple disadvantage often have to deal with many services at once. The
Trusted Person approach is about steady, caring relationships that help them feel safe,
listened to and supported while they do.

These relationships already happen, informally, in many organisations. The approach
recognises them and builds on them. Trusted Person Champions, and the network they form, help
make kindness, continuity and working together the first response across Cambridgeshire and
Peterborough — not the last resort.

## The roles

### The individual

The person who has told someone they trust what they need.

### The trusted person

Someone who has built a relationship of trust with a person facing multiple disadvantage (or
other needs). The relationship can be through work, social or voluntary. A trusted person
should be able to act on what the person tells them, and to pass it on to other services
that can help — so the person does not have to tell their story again and again.

### The Trusted Person Champion

Someone who believes in working in a relational way and can help move the approach forward
where they work. Champions:

- support others to learn and find their way around the system
- help spot and raise barriers that get in the way of working like this
- share their experience and knowledge generously
- connect people: helping trusted persons raise concerns, share what worked and overcome
  barriers in the system

Champions sign the Trusted Person Champions pledge.

### The Trusted Person Champion Network

Champions together: leaning on each other, learning from each other, and talking through
the tricky questions and stumbling blocks that slow progress.

## Find out more

Email the Changing Futures team at changing.futures@cambridgeshire.gov.uk.
"""

ILLUSTRATIVE = (
    "**This case study is illustrative.** It is made up to show how the Trusted Person "
    "approach can work; it is not about a real person."
)

CASE_STUDY_HOUSING = "Case study (illustrative): keeping a tenancy with one trusted person"
CASE_STUDY_HOUSING_BODY = f"""\
{ILLUSTRATIVE}

## Before

"A." had been moved between hostels four times in a year. Each new service asked the same
questions, and each time A. had to explain again about the violence they had left and their
drinking. A. stopped going to appointments.

## What changed

A support worker at a day centre had known A. for two years. With A.'s agreement she became
A.'s trusted person. She wrote down, once, in A.'s own words, what A. needed and what did not
help, and — with A.'s consent — shared it with the housing team and the drug and alcohol
service, so neither asked again.

When a letter about A.'s housing benefit went to an old address, she raised it as a barrier.
The housing team now sends letters to a day centre's address when someone asks.

## After

A. has kept the same flat for fourteen months. A. says: "I only had to tell it once."
"""

CASE_STUDY_GP = "Case study (illustrative): back in touch with a GP"
CASE_STUDY_GP_BODY = f"""\
{ILLUSTRATIVE}

## Before

"B." had not seen a GP for three years after being turned away for having no fixed address.

## What changed

B.'s probation officer, B.'s trusted person, called a professionals meeting with the surgery,
the mental health team and a peer mentor. The surgery agreed to register B. using the
probation office's address.

## After

B. now has regular appointments and a named nurse.
"""

WORKSHOP_TITLE = "Workshop outcomes (illustrative): trauma-informed systems, late 2022"
WORKSHOP_BODY = """\
**These outcomes are illustrative.** The workshop on trauma-informed systems was planned for
late 2022; this page shows the kind of outcomes it set out to reach, written for the demo.

## What we asked

How do we avoid people re-telling their stories? How do we help people share what they are
willing to share with other agencies? How do we cut the time it takes to reach all the
services someone needs?

## What people said

- Buildings matter: busy, noisy waiting areas and screens at reception can bring back past
  trauma.
- Being asked the same questions by each service is itself harmful.
- Staff training is a start, but the whole system needs to change, not only conversations.

## What we agreed to do

1. Each organisation looks at how people respond to its buildings and facilities, using the
   trauma-informed self-assessment.
2. Partners test sharing a person's story once, with their consent, through their trusted
   person.
3. Measure the time from referral to a service starting, and report it to the Tactical Group.
"""

DOCUMENTS = [
    {
        "kind": "briefing_note",
        "title": BRIEFING_TITLE,
        "summary": "What the Trusted Person approach is, and the roles involved: the "
        "individual, the trusted person, the champion and the champion network.",
        "body": BRIEFING,
        "tags": "Trusted person, champions, roles",
        "areas": [],
        "issued_on": dt.date(2022, 9, 1),
        "published": dt.datetime(2022, 9, 5, 10, 0, tzinfo=dt.UTC),
        "consents": [],
    },
    {
        "kind": "workshop_outcome",
        "title": WORKSHOP_TITLE,
        "summary": "Illustrative outcomes of the workshop on trauma-informed systems: "
        "buildings, re-telling stories and time to reach services.",
        "body": WORKSHOP_BODY,
        "tags": "Trauma-informed, tell it once, workshop",
        "areas": [],
        "issued_on": dt.date(2022, 11, 24),
        "published": dt.datetime(2022, 12, 2, 10, 0, tzinfo=dt.UTC),
        "consents": [],
    },
    {
        "kind": "case_study",
        "title": CASE_STUDY_HOUSING,
        "summary": "Illustrative: how one trusted person, and telling it once, helped someone "
        "keep a tenancy.",
        "body": CASE_STUDY_HOUSING_BODY,
        "tags": "Trusted person, housing, tell it once, case study",
        "areas": ["homelessness", "domestic-abuse", "substance-misuse"],
        "issued_on": dt.date(2023, 3, 1),
        "published": dt.datetime(2023, 3, 6, 10, 0, tzinfo=dt.UTC),
        "consents": [
            (
                "The person the story is about",
                dt.date(2023, 2, 20),
                "Signed the case-study agreement with their trusted person",
                "",
            ),
            ("Their trusted person", dt.date(2023, 2, 20), "Agreed by email", ""),
        ],
    },
    {
        "kind": "case_study",
        "title": CASE_STUDY_GP,
        "summary": "Illustrative: a professionals meeting that got someone registered with a GP.",
        "body": CASE_STUDY_GP_BODY,
        "tags": "Trusted person, health, professionals meeting, case study",
        "areas": ["mental-health", "criminal-justice", "homelessness"],
        "issued_on": dt.date(2023, 5, 1),
        "published": dt.datetime(2023, 5, 8, 10, 0, tzinfo=dt.UTC),
        # The person withdrew: the case study stays in the library for the programme team but
        # is not on the public site.
        "consents": [
            (
                "The person the story is about",
                dt.date(2023, 4, 18),
                "Agreed in person with their trusted person",
                "Told their trusted person they no longer want it shared",
            ),
        ],
    },
]


def _areas(codes):
    from petal.reference.models import AreaOfDisadvantage

    known = set(AreaOfDisadvantage.objects.filter(code__in=codes).values_list("code", flat=True))
    return [c for c in codes if c in known]


def load() -> str:
    actor = User.objects.filter(email=PROGRAMME_TEAM).first()
    if actor is None:
        return ""
    added = 0
    for doc in DOCUMENTS:
        if LibraryItem.objects.filter(title=doc["title"]).exists():
            continue
        item = services.library_item_create(
            actor=actor,
            kind=doc["kind"],
            title=doc["title"],
            summary=doc["summary"],
            body=doc["body"],
            tags=doc["tags"],
            areas=_areas(doc["areas"]),
            issued_on=doc["issued_on"],
        )
        consents = []
        for who, agreed_on, how, _ in doc["consents"]:
            consents.append(
                services.consent_record(
                    actor=actor, item_id=item.pk, who=who, agreed_on=agreed_on, how=how
                )
            )
        services.library_item_publish(actor=actor, item_id=item.pk, publish=True)
        for consent, (_, _, _, withdrawn_note) in zip(consents, doc["consents"], strict=True):
            if withdrawn_note:
                services.consent_withdraw(
                    actor=actor, item_id=item.pk, consent_id=consent.pk, note=withdrawn_note
                )
                CaseStudyConsent.objects.filter(pk=consent.pk).update(
                    withdrawn_at=dt.datetime(2023, 9, 12, 11, 0, tzinfo=dt.UTC)
                )
        # Dated to when the document was added, as it would have been.
        LibraryItem.objects.filter(pk=item.pk).update(published_at=doc["published"])
        added += 1
    total = LibraryItem.objects.count()
    withheld = (
        CaseStudyConsent.objects.filter(withdrawn_at__isnull=False)
        .values("item_id")
        .distinct()
        .count()
    )
    return (
        f"Learning library: {total} documents (the Trusted Person briefing note, illustrative "
        f"case studies and workshop outcomes; {withheld} case study withheld because an "
        f"agreement was withdrawn){'' if added else ', already loaded'}."
    )
