"""Demo data for the co-production register: five fictional people with lived experience, where
they took part (design sessions, the Tactical Group, a Public Service Board meeting, case-study
writing), the recognition they were given, and their feedback with our responses — two
published on "You said, we did" (one named as the person asked, one anonymous).

Everything goes through ``petal.programme.services.coproduction`` as the programme team. Safe
to run twice: nothing is added once the first demo person is in the register."""

from __future__ import annotations

import datetime as dt

from petal.accounts.models import User
from petal.programme.models import Contributor, Feedback
from petal.programme.services import coproduction as services

PROGRAMME_TEAM = "programme@example.org"
D = dt.date

PEOPLE = [
    {
        "named_as": "Jay R.",
        "consent": D(2022, 6, 1),
        "how_to_contact": "Text first, then call after 11am",
        "email": "jay.r@example.org",
        "phone": "07700 900461",
        "notes": "Prefers morning meetings to be online.",
        "took_part": [
            ("design_session", D(2022, 6, 14), "Design session on the Trusted Person approach"),
            ("tactical_group", D(2022, 10, 5), "Spoke about letters sent to old addresses"),
            ("board_meeting", D(2023, 1, 19), "Explained to the Board the difference it makes"),
        ],
        "recognition": [
            ("voucher", "25.00", D(2022, 6, 14), 0),
            ("expenses", "8.40", D(2022, 10, 5), 1),
            ("payment", "60.00", D(2023, 1, 19), 2),
        ],
    },
    {
        "named_as": "Anonymous",
        "consent": None,
        "notes": "Does not want to be contacted; comes to sessions through the day centre.",
        "took_part": [
            ("design_session", D(2022, 6, 14), "Design session on the Trusted Person approach"),
            ("case_study", D(2023, 2, 20), "Helped write an illustrative case study"),
        ],
        "recognition": [
            ("voucher", "25.00", D(2022, 6, 14), 0),
            ("voucher", "40.00", D(2023, 2, 20), 1),
        ],
    },
    {
        "named_as": "Mo",
        "consent": D(2022, 9, 2),
        "how_to_contact": "Email",
        "email": "mo.demo@example.org",
        "took_part": [
            ("tactical_group", D(2022, 10, 5), "Lived-experience voice at the Tactical Group"),
            ("strategic_group", D(2023, 3, 9), "Strategic Group: priorities for the year"),
        ],
        "recognition": [("payment", "60.00", D(2023, 3, 9), 1)],
    },
    {
        "named_as": "K.L.",
        "consent": D(2023, 4, 3),
        "how_to_contact": "Through their support worker at the Ferry Project",
        "took_part": [
            ("partnership", D(2023, 4, 26), "Fenland & East Cambridgeshire partnership meeting"),
        ],
        "recognition": [("expenses", "14.20", D(2023, 4, 26), 0)],
    },
    {
        "named_as": "Sam P.",
        "consent": D(2023, 5, 10),
        "how_to_contact": "Phone",
        "phone": "07700 900782",
        "took_part": [
            ("design_session", D(2023, 5, 17), "Design session on the self-assessment checklist"),
        ],
        "recognition": [("voucher", "25.00", D(2023, 5, 17), 0)],
    },
]

FEEDBACK = [
    {
        "from": "Jay R.",
        "received_on": D(2022, 10, 5),
        "where": "Tactical Group meeting",
        "said": "Letters about my housing went to a hostel I had left. I only found out when "
        "the claim was stopped.",
        "response": "The housing team now sends letters to a day centre's address when someone "
        "asks, and trusted persons can ask for this for the people they support.",
        "responded_on": D(2023, 1, 12),
        "publish": True,
    },
    {
        "from": "Anonymous",
        "received_on": D(2022, 6, 14),
        "where": "Design session",
        "said": "Every service asks me to tell my story again. It takes me back there every time.",
        "response": "With the person's consent, their trusted person now shares their story once "
        "with the other services involved, so they are not asked again.",
        "responded_on": D(2022, 12, 1),
        "publish": True,
    },
    {
        "from": "Mo",
        "received_on": D(2023, 3, 9),
        "where": "Strategic Group meeting",
        "said": "Waiting rooms with glass screens feel like a police station.",
        "response": "Partners are looking at their buildings through the trauma-informed "
        "self-assessment; results come back to the Strategic Group.",
        "responded_on": D(2023, 6, 1),
        "publish": False,
    },
    {
        "from": "K.L.",
        "received_on": D(2023, 4, 26),
        "where": "Partnership meeting",
        "said": "The bus to Wisbech does not run early enough for morning appointments.",
        "response": "",
        "responded_on": None,
        "publish": False,
    },
]


def load() -> str:
    actor = User.objects.filter(email=PROGRAMME_TEAM).first()
    if actor is None:
        return ""
    if not Contributor.objects.filter(named_as=PEOPLE[0]["named_as"]).exists():
        people = {}
        for spec in PEOPLE:
            person = services.contributor_add(
                actor=actor,
                named_as=spec["named_as"],
                consent_to_contact=spec["consent"] is not None,
                consent_recorded_on=spec["consent"],
                how_to_contact=spec.get("how_to_contact", ""),
                email=spec.get("email", ""),
                phone=spec.get("phone", ""),
                notes=spec.get("notes", ""),
            )
            people[spec["named_as"]] = person
            took_part = [
                services.participation_record(
                    actor=actor,
                    contributor_id=person.pk,
                    kind=kind,
                    took_part_on=day,
                    description=description,
                )
                for kind, day, description in spec["took_part"]
            ]
            for kind, amount, day, index in spec["recognition"]:
                services.recognition_record(
                    actor=actor,
                    contributor_id=person.pk,
                    kind=kind,
                    amount=amount,
                    given_on=day,
                    participation_id=took_part[index].pk,
                )
        for spec in FEEDBACK:
            item = services.feedback_record(
                actor=actor,
                contributor_id=people[spec["from"]].pk,
                received_on=spec["received_on"],
                where=spec["where"],
                said=spec["said"],
            )
            if spec["response"]:
                services.feedback_respond(
                    actor=actor,
                    feedback_id=item.pk,
                    response=spec["response"],
                    responded_on=spec["responded_on"],
                )
            if spec["publish"]:
                services.feedback_publish(actor=actor, feedback_id=item.pk, publish=True)
    published = Feedback.objects.filter(published_at__isnull=False).count()
    return (
        f"Co-production: {Contributor.objects.count()} people with lived experience in the "
        f"register, with where they took part and the recognition they were given; "
        f"{Feedback.objects.count()} pieces of feedback, {published} published on "
        '"You said, we did".'
    )
