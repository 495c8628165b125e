import datetime as dt

import factory
from factory.django import DjangoModelFactory

from petal.people.models import NeedEpisode, Person, TrustedRelationship
from petal.reference.models import AreaOfDisadvantage, District, ProgrammeArea


def _area():
    return ProgrammeArea.objects.get(slug="cambridgeshire-peterborough")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    programme_area = factory.LazyFunction(_area)
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    date_of_birth = dt.date(1985, 5, 17)
    district = factory.LazyFunction(lambda: District.objects.get(code="cambridge"))
    search_names = factory.LazyAttribute(lambda p: f"|{p.full_name.lower()}|")


class EpisodeFactory(DjangoModelFactory):
    class Meta:
        model = NeedEpisode

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    area = factory.LazyFunction(lambda: AreaOfDisadvantage.objects.get(code="homelessness"))
    starts_on = dt.date(2026, 1, 1)


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = TrustedRelationship

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    kind = "professional"
    starts_on = dt.date(2025, 1, 1)
    is_lead = True


def person_of(trusted_person, **kwargs):
    """A person whose current lead trusted person is the given user."""
    person = PersonFactory(**kwargs)
    RelationshipFactory(person=person, trusted_person=trusted_person)
    return person
