import factory
from factory.django import DjangoModelFactory

from petal.access.categories import Category
from petal.accounts.tests.factories import OrganisationFactory
from petal.consent.models import bits_for
from petal.directory.models import Location, Service
from petal.people.tests.factories import _area


class ServiceFactory(DjangoModelFactory):
    """An open service taking referrals, needing identity, story and needs."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    programme_area = factory.LazyFunction(_area)
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Test service {n}")
    description = "Helps people find somewhere safe to live."
    needs_category_bits = bits_for([Category.IDENTITY, Category.STORY, Category.NEEDS])
    response_days = 5

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            from petal.directory.models import TaxonomyTerm

            self.taxonomy_terms.add(*TaxonomyTerm.objects.filter(area__code__in=list(extracted)))

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            from petal.reference.models import District

            self.districts.add(*District.objects.filter(code__in=list(extracted)))


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Test location {n}")
    address_1 = "1 High Street"
    city = "Wisbech"
    postcode = "PE13 1AA"
