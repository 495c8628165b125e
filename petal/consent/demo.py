"""Demo consents: some of trusted.person@example.org's people share parts of their record with
trusted.person2@example.org's organisation (one of them expired, one withdrawn), one with CGL;
a safeguarding lead's break-glass waits for review; and one person has their own sign-in,
individual@example.org. Everyone else of trusted.person stays unshared.

Safe to load twice: anything already there is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from petal.access.categories import Category
from petal.accounts.models import Organisation, User
from petal.audit.services import audit_record
from petal.consent.models import BreakGlass, Consent, OwnAccess, SharingAgreement, bits_for
from petal.people.models import Person

INDIVIDUAL_EMAIL = "individual@example.org"
C = Category

# (person index among trusted.person's people by name, organisation slug, categories,
#  days from today it started, days from today it ends, withdrawn days ago or None, purposes)
PLAN = [
    (
        0,
        "peterborough-light-project",
        [C.IDENTITY, C.STORY, C.NEEDS],
        -60,
        180,
        None,
        ["care_coordination"],
    ),
    (
        1,
        "peterborough-light-project",
        [C.IDENTITY, C.CONTACT, C.INVOLVEMENT],
        -340,
        12,
        None,
        ["professionals_meeting"],
    ),
    (2, "peterborough-light-project", [C.IDENTITY, C.STORY], -400, -30, None, ["referral"]),
    (
        3,
        "peterborough-light-project",
        [C.IDENTITY, C.NEEDS, C.HEALTH],
        -90,
        270,
        5,
        ["care_coordination"],
    ),
    (
        4,
        "cgl-change-grow-live",
        [C.IDENTITY, C.STORY, C.NEEDS, C.RISK],
        -20,
        345,
        None,
        ["referral"],
    ),
]


def _people_of(user) -> list[Person]:
    return list(
        Person.objects.filter(
            relationships__trusted_person=user, relationships__ends_on__isnull=True
        )
        .order_by("full_name", "id")
        .distinct()
    )


def load_consents(*, password: str) -> int:
    trusted = User.objects.get(email="trusted.person@example.org")
    people = _people_of(trusted)
    if len(people) < 6:
        return 0
    today = timezone.localdate()
    orgs = {o.slug: o for o in Organisation.objects.all()}
    agreement, _ = SharingAgreement.objects.get_or_create(
        title="Changing Futures information-sharing agreement",
        defaults={
            "programme_area": people[0].programme_area,
            "purpose": "Sharing what a person has agreed to share between the organisations "
            "that support them, so they tell their story once.",
            "starts_on": dt.date(2024, 4, 1),
            "review_on": dt.date(2027, 3, 31),
            "reference": "Programme shared drive: Governance / Information sharing",
        },
    )
    agreement.parties.set(
        [
            orgs[s]
            for s in (
                "ferry-project-wisbech",
                "peterborough-light-project",
                "cgl-change-grow-live",
                "cambridgeshire-county-council",
                "peterborough-city-council",
            )
            if s in orgs
        ]
    )
    made = 0
    for index, slug, categories, start, end, withdrawn, purposes in PLAN:
        person, org = people[index], orgs[slug]
        if Consent.objects.filter(person=person, grantee_organisation=org).exists():
            made += 1
            continue
        consent = Consent.objects.create(
            programme_area=person.programme_area,
            person=person,
            grantee_organisation=org,
            category_bits=bits_for(categories),
            purposes=purposes,
            purpose_text="So they do not have to tell their story again",
            starts_on=today + dt.timedelta(days=start),
            ends_on=today + dt.timedelta(days=end),
            given_how="verbal" if index % 2 else "easy_read",
            conditions="Only the people working with me, not the whole team" if index == 0 else "",
            agreement=agreement,
            recorded_by=trusted,
            recorded_at=timezone.now() + dt.timedelta(days=start),
        )
        audit_record(
            actor=trusted,
            action="consent.recorded",
            obj=person,
            categories=[str(c) for c in categories],
            data={"consent": consent.pk, "grantee": org.name, "demo": True},
        )
        if withdrawn is not None:
            consent.withdrawn_at = timezone.now() - dt.timedelta(days=withdrawn)
            consent.withdrawn_how, consent.withdrawn_by = "verbal", trusted
            consent.withdrawn_note = "Said on the phone she would rather tell them herself"
            consent.save()
            audit_record(
                actor=trusted,
                action="consent.withdrawn",
                obj=person,
                data={"consent": consent.pk, "how": "verbal", "demo": True},
            )
        made += 1

    lead = User.objects.get(email="safeguarding@example.org")
    glass_person = people[5]
    if not BreakGlass.objects.filter(person=glass_person, opened_by=lead).exists():
        opened = timezone.now() - dt.timedelta(hours=5)
        glass = BreakGlass.objects.create(
            programme_area=glass_person.programme_area,
            person=glass_person,
            opened_by=lead,
            lawful_basis="safeguarding",
            reason="risk_to_person",
            details="Police welfare check requested after a night-time call; needed the safe "
            "contact instructions before visiting.",
            opened_at=opened,
            expires_at=opened + dt.timedelta(hours=72),
        )
        audit_record(
            actor=lead,
            action="breakglass.opened",
            obj=glass_person,
            reason=f"{glass.get_reason_display()}: {glass.details}",
            data={"break_glass": glass.pk, "lawful_basis": "safeguarding", "demo": True},
        )

    own_person = people[0]
    if not OwnAccess.objects.filter(person=own_person).exists():
        user = User.objects.filter(email=INDIVIDUAL_EMAIL).first() or User.objects.create_user(
            email=INDIVIDUAL_EMAIL,
            full_name=own_person.preferred_name or own_person.full_name,
            is_individual=True,
        )
        OwnAccess.objects.create(person=own_person, user=user, invited_by=trusted)
    user = User.objects.get(email=INDIVIDUAL_EMAIL)
    user.set_password(password)
    user.save(update_fields=["password"])
    return made
