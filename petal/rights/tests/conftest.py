import pytest

from petal.access.roles import Role


@pytest.fixture
def dpo(make_user):
    """The data protection lead."""
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.fixture
def trusted(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def person(trusted):
    from petal.people.tests.factories import person_of

    return person_of(trusted, full_name="Robin Canary-Hart", search_names="|robin canary hart|")
