import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.access.categories import Category
from petal.consent.models import BreakGlass, Consent, OwnAccess, bits_for
from petal.people.tests.factories import PersonFactory, _area


class ConsentFactory(DjangoModelFactory):
    """An active consent (from a year ago until a year ahead) for identity and story."""

    class Meta:
        model = Consent

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    category_bits = bits_for([Category.IDENTITY, Category.STORY])
    purposes = ["care_coordination"]
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    given_how = "verbal"


class BreakGlassFactory(DjangoModelFactory):
    class Meta:
        model = BreakGlass

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    lawful_basis = "safeguarding"
    reason = "risk_to_person"
    details = "Police report a serious risk tonight"
    opened_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.opened_at + dt.timedelta(hours=72))


def make_individual(person=None):
    """A person's own sign-in, linked to their record (password: the test password)."""
    from petal.accounts.tests.factories import UserFactory

    person = person or PersonFactory()
    user = UserFactory(is_individual=True, full_name=person.full_name)
    OwnAccess.objects.create(person=person, user=user)
    return user
