import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.barriers.models import (
    AgendaItem,
    Barrier,
    GroupMember,
    LearningEntry,
    MeToo,
)
from petal.meetings.models import Kind, Meeting, MeetingStatus
from petal.people.tests.factories import _area
from petal.reference.models import GovernanceGroup, Partnership


def group(slug: str) -> GovernanceGroup:
    """A seeded group: "partnership-cambridgeshire", "partnership-peterborough",
    "partnership-fenland-east-cambridgeshire", "tactical-group", "strategic-group",
    "public-service-board"."""
    return GovernanceGroup.objects.select_related("level", "partnership").get(slug=slug)


def _last_week() -> dt.datetime:
    return (timezone.now() - dt.timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


class BarrierFactory(DjangoModelFactory):
    """A barrier waiting for a decision at the Cambridgeshire partnership."""

    class Meta:
        model = Barrier

    programme_area = factory.LazyFunction(_area)
    summary = factory.Sequence(lambda n: f"Housing forms need a fixed address ({n})")
    detail = "People sleeping rough cannot complete the application without an address."
    effect = "Someone waited six weeks for a first appointment."
    services = "Housing options"
    how_often = "often"
    partnership = factory.LazyFunction(lambda: Partnership.objects.get(slug="cambridgeshire"))
    group = factory.LazyAttribute(lambda b: GovernanceGroup.objects.get(partnership=b.partnership))


class MeTooFactory(DjangoModelFactory):
    class Meta:
        model = MeToo

    barrier = factory.SubFactory(BarrierFactory)
    example = "The same happened to someone I support last month."


class GovernanceMeetingFactory(DjangoModelFactory):
    """A meeting of a governance group above the operational level, held last week."""

    class Meta:
        model = Meeting

    programme_area = factory.LazyFunction(_area)
    kind = Kind.GOVERNANCE
    group = factory.LazyFunction(lambda: group("tactical-group"))
    purpose = factory.LazyAttribute(lambda m: f"{m.group.name} meeting")
    starts_at = factory.LazyFunction(_last_week)
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    place = "Shire Hall, Alconbury"
    status = MeetingStatus.HELD


class SessionFactory(DjangoModelFactory):
    """A partnership's problem-solving session, held last week (the operational level's
    meetings)."""

    class Meta:
        model = Meeting

    programme_area = factory.LazyFunction(_area)
    kind = Kind.PARTNERSHIP
    partnership = factory.LazyFunction(lambda: Partnership.objects.get(slug="cambridgeshire"))
    purpose = "Problem-solving session"
    starts_at = factory.LazyFunction(_last_week)
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    place = "Cambridge Central Library"
    status = MeetingStatus.HELD


class GroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.LazyFunction(lambda: group("tactical-group"))
    name = factory.Sequence(lambda n: f"Member {n}")


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(GovernanceMeetingFactory)
    title = "Update from the programme team"


class LearningEntryFactory(DjangoModelFactory):
    class Meta:
        model = LearningEntry

    title = factory.Sequence(lambda n: f"Housing applications without an address ({n})")
    problem = "Housing forms asked for a fixed address that people sleeping rough do not have."
    change = "The council now accepts a day centre's address on housing forms."
    contact = "Housing Options, Cambridge City Council"
