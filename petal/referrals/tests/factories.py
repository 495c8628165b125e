import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.access.categories import Category
from petal.consent.models import bits_for
from petal.directory.tests.factories import ServiceFactory
from petal.people.tests.factories import PersonFactory, _area
from petal.referrals.models import Referral


class ReferralFactory(DjangoModelFactory):
    """A referral sent now, sharing identity and story (set the consent up separately)."""

    class Meta:
        model = Referral

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    service = factory.SubFactory(ServiceFactory)
    organisation = factory.LazyAttribute(lambda r: r.service.organisation)
    reason = "Needs somewhere safe to stay"
    category_bits = bits_for([Category.IDENTITY, Category.STORY])
    sent_at = factory.LazyFunction(timezone.now)
    response_due_at = factory.LazyAttribute(lambda r: r.sent_at + dt.timedelta(days=5))
