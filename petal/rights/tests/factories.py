import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.people.tests.factories import PersonFactory, _area
from petal.rights.models import RightsCase


class RightsCaseFactory(DjangoModelFactory):
    """An open subject access request received today."""

    class Meta:
        model = RightsCase

    programme_area = factory.LazyFunction(_area)
    kind = "access"
    person = factory.SubFactory(PersonFactory)
    person_reference = factory.LazyAttribute(lambda c: f"P-{c.person.pk:06d}")
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=0))
    received_how = "email"
