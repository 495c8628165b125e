"""Canary personal data, and two organisations' worlds to look for it in.

Shared by tests/test_canary.py (canary values must never reach logs, URLs, error pages, emails
or notification payloads) and tests/test_id_guessing.py (another organisation's ids must never
open anything). Every personal value seeded here carries the marker ``7Q3Z`` (or the canary
date of birth), so ``canaries_in(text)`` finds it in any page, header, log line or email,
whatever the field and however it was cased, slugified or URL-encoded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace
from urllib.parse import unquote_plus

MARK = "7Q3Z"
DATE_OF_BIRTH = dt.date(1931, 2, 17)

# One unmistakable value per personal field, each naming its field.
CANARY = {
    "full_name": "Canarywyn Quillfeather-7Q3Z",
    "preferred_name": "Wynnie-7Q3Z",
    "pronouns": "xe/7q3z",
    "alias": "Quill Lanternhide-7Q3Z",
    "communication_needs": "Needs an interpreter COMMS-7Q3Z",
    "languages": "Lang-7Q3Z",
    "address": "7Q3Z Hiddenmoor Lane, Canarybridge",
    "phone": "07700-7Q3Z-PHONE",
    "safe_contact": "Only ring after 9pm SAFE-7Q3Z",
    "risk_notes": "Partner dangerous RISK-7Q3Z",
    "health_notes": "Takes lithium HEALTH-7Q3Z",
    "justice_notes": "On licence JUSTICE-7Q3Z",
    "what_happened": "Lost the flat STORY-HAPPENED-7Q3Z",
    "what_matters": "Being near my sister STORY-MATTERS-7Q3Z",
    "what_helps": "A quiet room STORY-HELPS-7Q3Z",
    "what_does_not_help": "Being rushed STORY-HURTS-7Q3Z",
    "never_ask_again": "About my father STORY-NEVER-7Q3Z",
    "episode_note": "Sofa surfing NEED-7Q3Z",
    "contact_note": "Met at the library CONTACT-7Q3Z",
    "referral_reason": "Needs a bed tonight REFERRAL-REASON-7Q3Z",
    "referral_note": "Called twice REFERRAL-NOTE-7Q3Z",
    "consent_conditions": "Only the housing team CONSENT-CONDITIONS-7Q3Z",
    "consent_purpose": "Finding a home CONSENT-PURPOSE-7Q3Z",
    "handover_note": "Agreed at the hub HANDOVER-7Q3Z",
    "assessment_note": "Scored in a hurry ASSESSMENT-7Q3Z",
    "service_use_note": "Two nights out SERVICE-USE-7Q3Z",
    "meeting_purpose": "Agree the housing plan MEETING-PURPOSE-7Q3Z",
    "meeting_agenda": "Housing, then money MEETING-AGENDA-7Q3Z",
    "meeting_minutes": "Agreed a referral MEETING-MINUTES-7Q3Z",
    "case_question": "Which hostel takes dogs CASE-QUESTION-7Q3Z",
    "decision": "Refer to the hostel DECISION-7Q3Z",
    "action": "Book the assessment ACTION-7Q3Z",
    "break_glass_details": "Police report a serious risk BREAKGLASS-7Q3Z",
    "export_row": "Exported row EXPORT-7Q3Z",
}

# Spellings of the canary date of birth that a page, a CSV or a log could use.
DATE_SPELLINGS = (
    "1931-02-17",
    "17/02/1931",
    "17/2/1931",
    "17 February 1931",
    "17 Feb 1931",
    "19310217",
)
# The marker only where it stands on its own, as in every canary value ("…-7Q3Z", "7Q3Z …"):
# inside a random token (a CSRF token, a nonce) the same four characters turn up by chance.
_PATTERN = re.compile(
    r"[\w/.-]{0,30}(?<![A-Za-z0-9])7q3z(?![A-Za-z0-9])[\w.-]{0,20}|"
    + "|".join(re.escape(s.lower()) for s in DATE_SPELLINGS),
    re.IGNORECASE,
)


def canaries_in(text) -> list[str]:
    """Every canary value (or recognisable piece of one) in ``text``: str or bytes, also read
    URL-decoded, so ``%2F``- and ``+``-encoded values are found too."""
    if text is None:
        return []
    if isinstance(text, bytes | bytearray | memoryview):
        text = bytes(text).decode("utf-8", "replace")
    text = str(text)
    found = set(_PATTERN.findall(text))
    if "%" in text or "+" in text:
        found |= set(_PATTERN.findall(unquote_plus(text)))
    return sorted(found)


def _area():
    from petal.reference.models import ProgrammeArea

    return ProgrammeArea.objects.get(slug="cambridgeshire-peterborough")


def canary_person(trusted_person, **overrides):
    """A person whose every personal field holds a canary, with the given user as their lead
    trusted person: aliases, story, an episode, a contact and a record version (history)."""
    from petal.access.categories import Category
    from petal.people import services as people
    from petal.people.models import Alias, Story
    from petal.people.tests.factories import person_of

    fields = {
        "full_name": CANARY["full_name"],
        "preferred_name": CANARY["preferred_name"],
        "pronouns": CANARY["pronouns"],
        "date_of_birth": DATE_OF_BIRTH,
        "communication_needs": CANARY["communication_needs"],
        "languages": CANARY["languages"],
        "address": CANARY["address"],
        "phone": CANARY["phone"],
        "safe_contact": CANARY["safe_contact"],
        "risk_notes": CANARY["risk_notes"],
        "health_notes": CANARY["health_notes"],
        "justice_notes": CANARY["justice_notes"],
        **overrides,
    }
    names = [fields["full_name"], fields["preferred_name"], CANARY["alias"]]
    fields["search_names"] = "|" + "|".join(n.lower() for n in names) + "|"
    person = person_of(trusted_person, **fields)
    Alias.objects.create(person=person, name=CANARY["alias"])
    Story.objects.create(person=person)
    people.person_update(
        actor=trusted_person,
        person=person,
        category=Category.STORY,
        values={k: CANARY[k] for k in STORY_FIELDS},
        expected_version=person.version,
    )
    person.refresh_from_db()
    return person


STORY_FIELDS = (
    "what_happened",
    "what_matters",
    "what_helps",
    "what_does_not_help",
    "never_ask_again",
)


def import_csv(tp_email: str, full_name: str = CANARY["full_name"]) -> bytes:
    """A caseload spreadsheet with one canary row that imports and one whose date is wrong."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Full name", "Preferred name", "Date of birth", "District", "Trusted person email"]
    )
    writer.writerow([full_name, CANARY["preferred_name"], "17/02/1931", "Cambridge", tp_email])
    writer.writerow(["Imported Canary-ROW2-7Q3Z", "", "31/02/1931 BAD-7Q3Z", "Cambridge", tp_email])
    return out.getvalue().encode()


def org_a_world():
    """Organisation A: its trusted person's canary person and everything about them that has
    an id of its own — consent (with receipt), referral with a note, a professionals meeting
    with invitation, case, decision, action and minutes, assessment and service use, a planned
    handover, a connection request, a break-glass, a caseload import batch and an export."""
    from django.utils import timezone

    from petal.access.categories import ALL_CATEGORIES
    from petal.access.roles import Role
    from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from petal.consent.models import BreakGlass, Consent, bits_for
    from petal.directory.tests.factories import ServiceFactory
    from petal.meetings import services as meetings
    from petal.meetings.models import Invitation, MeetingCase
    from petal.outcomes.models import ExportJob, ExportStatus
    from petal.outcomes.services import assessments, imports
    from petal.outcomes.tests.factories import NDT_CODES
    from petal.people import services as people
    from petal.people.models import ConnectionRequest
    from petal.reference.models import Partnership
    from petal.referrals.models import ReferralEvent
    from petal.referrals.tests.factories import ReferralFactory

    cambridgeshire = Partnership.objects.get(slug="cambridgeshire")
    org = OrganisationFactory(name="Organisation A", slug="organisation-a")

    def member(role, **kwargs):
        user = UserFactory()
        MembershipFactory(user=user, role=role, **kwargs)
        return user

    tp = member(Role.TRUSTED_PERSON, organisation=org, partnership=cambridgeshire)
    colleague = member(Role.TRUSTED_PERSON, organisation=org, partnership=cambridgeshire)
    staff = member(Role.SERVICE_STAFF, organisation=org)
    coordinator = member(Role.PARTNERSHIP_COORDINATOR, partnership=cambridgeshire)
    safeguarding = member(Role.SAFEGUARDING_LEAD, organisation=org)
    service = ServiceFactory(organisation=org, name="Organisation A beds")
    person = canary_person(tp)
    today = timezone.localdate()
    episode = people.episode_add(
        actor=tp,
        person=person,
        area=_area_of_disadvantage("homelessness"),
        starts_on=today - dt.timedelta(days=40),
        note=CANARY["episode_note"],
    )
    people.contact_record(
        actor=tp,
        person=person,
        happened_on=today - dt.timedelta(days=1),
        method="in_person",
        note=CANARY["contact_note"],
    )
    consent = Consent.objects.create(
        programme_area=person.programme_area,
        person=person,
        grantee_organisation=org,
        category_bits=bits_for(ALL_CATEGORIES),
        purposes=["referral"],
        purpose_text=CANARY["consent_purpose"],
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
        given_how="verbal",
        conditions=CANARY["consent_conditions"],
        recorded_by=tp,
    )
    referral = ReferralFactory(person=person, service=service, reason=CANARY["referral_reason"])
    ReferralEvent.objects.create(
        referral=referral,
        kind="note",
        body=CANARY["referral_note"],
        side="sender",
        actor=tp,
        at=timezone.now(),
    )
    starts = timezone.now() - dt.timedelta(days=2)
    meeting = meetings.meeting_convene(
        actor=tp,
        person=person,
        purpose=CANARY["meeting_purpose"],
        agenda=CANARY["meeting_agenda"],
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place="Organisation A, room 1",
    )
    invitation = meetings.invitation_add(actor=tp, meeting_id=meeting.pk, organisation=org)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    case = MeetingCase.objects.get(meeting=meeting)
    MeetingCase.objects.filter(pk=case.pk).update(question=CANARY["case_question"])
    meetings.decision_add(actor=tp, meeting_id=meeting.pk, text=CANARY["decision"])
    action = meetings.action_add(
        actor=tp,
        meeting_id=meeting.pk,
        description=CANARY["action"],
        due_on=today + dt.timedelta(days=7),
        owner_organisation=org,
    )
    meetings.minutes_record(actor=tp, meeting_id=meeting.pk, minutes=CANARY["meeting_minutes"])
    assessment = assessments.assessment_record(
        actor=tp,
        person_id=person.pk,
        tool_slug="ndt",
        assessed_on=today - dt.timedelta(days=3),
        scores=dict.fromkeys(NDT_CODES, 2),
        note=CANARY["assessment_note"],
    )
    year, quarter = _last_quarter(today)
    assessments.service_use_record(
        actor=tp,
        person_id=person.pk,
        year=year,
        quarter=quarter,
        values={"arrests": 1},
        note=CANARY["service_use_note"],
    )
    handover = people.handover_plan(
        actor=tp,
        person=person,
        email=colleague.email,
        kind="professional",
        planned_for=today + dt.timedelta(days=10),
        agreed_how="in_person",
        agreement_note=CANARY["handover_note"],
    )
    # Someone in another team asks to connect about the canary person: tp is the recipient.
    asker = member(Role.TRUSTED_PERSON, organisation=OrganisationFactory())
    connection = ConnectionRequest.objects.create(
        programme_area=person.programme_area, requester=asker, person=person
    )
    glass = BreakGlass.objects.create(
        programme_area=person.programme_area,
        person=person,
        opened_by=safeguarding,
        lawful_basis="safeguarding",
        reason="risk_to_person",
        details=CANARY["break_glass_details"],
        opened_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=72),
    )
    batch = imports.import_check(
        actor=coordinator, filename="canary-7Q3Z.csv", content=import_csv(tp.email)
    )
    export = ExportJob.objects.create(
        requested_by=tp,
        kind="cohort-people",
        format="csv",
        params={"on": today.isoformat()},
        status=ExportStatus.DONE,
        content=f"Record,Full name\nP-{person.pk:06d},{CANARY['full_name']}\n".encode(),
        filename="cohort-people.csv",
        content_type="text/csv",
    )
    return SimpleNamespace(
        org=org,
        tp=tp,
        colleague=colleague,
        staff=staff,
        coordinator=coordinator,
        safeguarding=safeguarding,
        service=service,
        person=person,
        episode=episode,
        consent=consent,
        referral=referral,
        meeting=meeting,
        invitation=invitation,
        case=case,
        action=action,
        assessment=assessment,
        year=year,
        quarter=quarter,
        handover=handover,
        connection=connection,
        glass=glass,
        batch=batch,
        export=export,
    )


def org_b_users():
    """Organisation B: one user in every role (a coordinator and a trusted person of another
    partnership), and a person's own sign-in (of someone B supports). Keyed by role value, and
    "individual" for the person's own sign-in; ``.person`` is B's trusted person's person."""
    from petal.access.roles import Role
    from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from petal.consent.tests.factories import make_individual
    from petal.people.tests.factories import person_of
    from petal.reference.models import Partnership

    peterborough = Partnership.objects.get(slug="peterborough")
    org = OrganisationFactory(name="Organisation B", slug="organisation-b")
    users = {}
    for role in Role:
        user = UserFactory()
        membership = {"organisation": None if role == Role.ADMINISTRATOR else org}
        if role in (Role.PARTNERSHIP_COORDINATOR, Role.TRUSTED_PERSON):
            membership["partnership"] = peterborough
        MembershipFactory(user=user, role=role, **membership)
        users[role.value] = user
    person = person_of(users[Role.TRUSTED_PERSON.value], full_name="Bee Person")
    users["individual"] = make_individual(person)
    return SimpleNamespace(org=org, users=users, person=person)


def _area_of_disadvantage(code: str):
    from petal.reference.models import AreaOfDisadvantage

    return AreaOfDisadvantage.objects.get(code=code)


def _last_quarter(today: dt.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
