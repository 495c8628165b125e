import factory
from factory.django import DjangoModelFactory

from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, User
from petal.reference.models import GovernanceLevel, Partnership, ProgrammeArea

PASSWORD = "correct horse battery staple"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    slug = factory.Sequence(lambda n: f"test-organisation-{n}")
    kind = "charity"
    programme_area = factory.LazyFunction(
        lambda: ProgrammeArea.objects.get(slug="cambridgeshire-peterborough")
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"worker{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Worker {n}")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.TRUSTED_PERSON
    organisation = factory.LazyAttribute(
        lambda m: OrganisationFactory() if m.role not in (Role.ADMINISTRATOR,) else None
    )
    partnership = factory.LazyAttribute(
        lambda m: (
            Partnership.objects.get(slug="cambridgeshire")
            if m.role == Role.PARTNERSHIP_COORDINATOR
            else None
        )
    )
    governance_level = factory.LazyAttribute(
        lambda m: (
            GovernanceLevel.objects.get(slug="tactical-group")
            if m.role == Role.GOVERNANCE_MEMBER
            else None
        )
    )
