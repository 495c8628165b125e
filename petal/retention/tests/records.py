"""A person with one of everything Petal links to a person, for the erasure and retention
tests. ``MAKERS`` names, for each model that points at ``people.Person`` (and each model one
level on from those that go with the person), how the test makes a row of it: a model added
later without an entry here fails ``test_every_model_linking_to_a_person_is_made``."""

from __future__ import annotations

from django.utils import timezone

from petal.access.roles import Role


def full_record(person, *, helper, other_person=None) -> dict:
    """Make one (or more) of every record about ``person``. ``helper`` is a trusted person
    (their current lead). ``other_person`` shares a problem-solving session with them.
    Returns the objects made, by name."""
    from petal.accounts.tests.factories import MembershipFactory
    from petal.barriers.tests.factories import BarrierFactory, SessionFactory
    from petal.champions.tests.factories import SupportConnectionFactory
    from petal.consent.models import StoryReuse
    from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory, make_individual
    from petal.meetings.models import Decision, Kind, MeetingStatus
    from petal.meetings.tests.factories import (
        ActionFactory,
        InvitationFactory,
        MeetingCaseFactory,
        MeetingFactory,
    )
    from petal.outcomes.models import ImportBatch, ImportedRecord, ImportStatus
    from petal.outcomes.tests.factories import AssessmentFactory, ServiceUseFactory
    from petal.people.models import (
        Alias,
        ConnectionRequest,
        ContactRecord,
        Handover,
        RecordVersion,
        Story,
    )
    from petal.people.tests.factories import EpisodeFactory, RelationshipFactory
    from petal.referrals.models import EventKind, ReferralEvent, Side
    from petal.referrals.tests.factories import ReferralFactory

    now = timezone.now()
    made: dict = {}
    area = person.programme_area
    made["relationship"] = RelationshipFactory(person=person, trusted_person=helper)
    made["alias"] = Alias.objects.create(person=person, name="Another Name")
    made["story"] = Story.objects.create(person=person, what_happened="Their own words")
    made["episode"] = EpisodeFactory(person=person)
    made["contact"] = ContactRecord.objects.create(
        programme_area=area, person=person, happened_on=now.date(), method="phone", note="Rang"
    )
    made["version"] = RecordVersion.objects.create(
        person=person, category="identity", changes={"full_name": ["A", "B"]}, changed_by=helper
    )
    next_helper = MembershipFactory(role=Role.TRUSTED_PERSON).user
    made["handover"] = Handover.objects.create(
        programme_area=area,
        person=person,
        from_user=helper,
        to_user=next_helper,
        to_kind="professional",
        planned_for=now.date(),
        agreed_how="in_person",
    )
    made["connection_request"] = ConnectionRequest.objects.create(
        programme_area=area, requester=next_helper, person=person
    )
    # Consent, its renewal, a "tell it once" read under it, break-glass, own sign-in.
    made["consent"] = ConsentFactory(person=person, grantee_user=next_helper)
    made["renewal"] = ConsentFactory(
        person=person, grantee_user=next_helper, renewal_of=made["consent"]
    )
    made["story_reuse"] = StoryReuse.objects.create(
        programme_area=area,
        person=person,
        reader=next_helper,
        consent=made["consent"],
        read_on=now.date(),
    )
    made["break_glass"] = BreakGlassFactory(person=person, opened_by=next_helper)
    made["own_user"] = make_individual(person)
    # A referral with a note on its timeline.
    made["referral"] = ReferralFactory(person=person, referred_by=helper)
    made["referral_event"] = ReferralEvent.objects.create(
        referral=made["referral"],
        kind=EventKind.NOTE,
        body="Called them back",
        side=Side.REFERRER,
        actor=helper,
        at=now,
    )
    # A professionals meeting about them alone, with an invitation, decision and action.
    meeting = MeetingFactory(kind=Kind.PROFESSIONALS, convened_by=helper, minutes="About them")
    case = MeetingCaseFactory(meeting=meeting, person=person, views="Their views")
    made["meeting"] = meeting
    made["case"] = case
    made["invitation"] = InvitationFactory(meeting=meeting, user=next_helper)
    made["decision"] = Decision.objects.create(meeting=meeting, case=case, text="Agreed")
    made["action"] = ActionFactory(meeting=meeting, case=case, owner_user=helper)
    # A problem-solving session about them and someone else.
    session = SessionFactory(status=MeetingStatus.HELD, minutes="Session-wide notes")
    made["session"] = session
    made["session_case"] = MeetingCaseFactory(meeting=session, person=person)
    made["session_case_action"] = ActionFactory(
        meeting=session, case=made["session_case"], owner_user=helper
    )
    made["session_case_decision"] = Decision.objects.create(
        meeting=session, case=made["session_case"], text="For them"
    )
    made["session_action"] = ActionFactory(meeting=session, owner_user=helper)
    if other_person is not None:
        made["other_session_case"] = MeetingCaseFactory(meeting=session, person=other_person)
    # Outcomes.
    made["assessment"] = AssessmentFactory(person=person)
    made["service_use"] = ServiceUseFactory(person=person)
    # Records about the system that point at them.
    made["support_connection"] = SupportConnectionFactory(person=person)
    made["barrier"] = BarrierFactory(person=person)
    # An import that created them.
    uploader = MembershipFactory(role=Role.TRUSTED_PERSON).user
    made["import_batch"] = ImportBatch.objects.create(
        uploaded_by=uploader,
        filename="caseload.csv",
        content=b"full_name,date_of_birth\n",
        rows=[{"number": 2, "action": "new", "person": person.pk, "full_name": person.full_name}],
        status=ImportStatus.IMPORTED,
        imported_at=now,
    )
    made["imported_record"] = ImportedRecord.objects.create(
        batch=made["import_batch"], model="people.person", object_id=person.pk
    )
    made["rights_case"] = _rights_case(person, helper=helper, now=now)
    return made


def _rights_case(person, *, helper, now):
    """A data-protection request about them (petal.rights), with a record version linked."""
    from petal.people.models import RecordVersion
    from petal.rights.models import RightsCase

    case = RightsCase.objects.create(
        programme_area=person.programme_area,
        kind="rectification",
        person=person,
        person_reference=f"P-{person.pk:06d}",
        received_on=now.date(),
        received_how="in_person",
    )
    case.versions.add(RecordVersion.objects.filter(person=person).first())
    return case
