"""Synthetic meetings for the benchmarks: both kinds, statuses that fit their time, actions in
every state, deterministic for a seed."""

import pytest
from django.utils import timezone

from petal.access.people import relationships_in_force
from petal.accounts.demo import load_demo
from petal.accounts.models import Organisation
from petal.meetings.models import (
    Action,
    ActionStatus,
    Invitation,
    Kind,
    Meeting,
    MeetingCase,
    MeetingStatus,
)
from petal.meetings.synth import FOCUS_ORG, synth_meetings
from petal.people.synth import synth_people

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Meeting.objects.count(),
        MeetingCase.objects.count(),
        Invitation.objects.count(),
        Action.objects.count(),
    )


def test_synth_meetings_are_consistent_and_deterministic():
    load_demo(password="a synthetic passphrase")
    synth_people(300, demo_share=0.05)
    assert synth_meetings(200) == 200

    now = timezone.now()
    meetings = list(Meeting.objects.prefetch_related("cases", "invitations", "actions"))
    assert len(meetings) == 200
    assert {m.kind for m in meetings} == {Kind.PROFESSIONALS, Kind.PARTNERSHIP}
    in_force = set(relationships_in_force().values_list("trusted_person_id", "person_id"))
    for meeting in meetings:
        assert meeting.ends_at > meeting.starts_at
        if meeting.status != MeetingStatus.CANCELLED:
            expected = MeetingStatus.HELD if meeting.ends_at <= now else MeetingStatus.INVITED
            assert meeting.status == expected
        cases = list(meeting.cases.all())
        if meeting.kind == Kind.PROFESSIONALS:
            assert len(cases) == 1
            assert (meeting.convened_by_id, cases[0].person_id) in in_force
        else:
            assert meeting.partnership_id is not None
            assert len(cases) >= 2
        assert 2 <= len(meeting.invitations.all()) <= 4
        actions = list(meeting.actions.all())
        if meeting.status == MeetingStatus.CANCELLED:
            assert actions == []
        elif meeting.kind == Kind.PROFESSIONALS:
            assert 1 <= len(actions) <= 3
        for action in actions:
            assert (action.owner_user_id is None) != (action.owner_organisation_id is None)
            assert (action.status == ActionStatus.DONE) == (action.completed_at is not None)
    assert {m.starts_at < now for m in meetings} == {True, False}
    assert set(Action.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    cgl = Organisation.objects.get(slug=FOCUS_ORG)
    assert Invitation.objects.filter(organisation=cgl).count() >= 20
    assert Action.objects.filter(owner_organisation=cgl).exists()
    assert Action.objects.filter(owner_user__email="services@example.org").exists()
    assert Action.objects.filter(owner_user__email="trusted.person@example.org").exists()

    first = _counts()
    synth_meetings(200)
    second = _counts()
    assert [b - a for a, b in zip(first, second, strict=True)] == list(first)
