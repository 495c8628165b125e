import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.meetings.models import Action, Invitation, Kind, Meeting, MeetingCase
from petal.people.tests.factories import PersonFactory, _area


def _next_week() -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


class MeetingFactory(DjangoModelFactory):
    """A professionals meeting next week (add its case with MeetingCaseFactory)."""

    class Meta:
        model = Meeting

    programme_area = factory.LazyFunction(_area)
    kind = Kind.PROFESSIONALS
    purpose = "Agree who will help with housing, and how"
    starts_at = factory.LazyFunction(_next_week)
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=1))
    place = "Wisbech Hub, room 2"


class MeetingCaseFactory(DjangoModelFactory):
    class Meta:
        model = MeetingCase

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    programme_area = factory.LazyFunction(_area)
    meeting = factory.SubFactory(MeetingFactory)
    description = "Book a housing assessment"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
