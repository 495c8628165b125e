"""Finding a worker by email address, to invite to a meeting, give an action or add to a
governance group: active workers only, never a person's own sign-in."""

import pytest

from petal.accounts.selectors import worker_by_email
from petal.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_worker_is_found_whatever_the_case_and_spaces():
    worker = UserFactory(email="sam.worker@example.org")
    assert worker_by_email("  Sam.Worker@EXAMPLE.org ") == worker


def test_a_persons_own_sign_in_a_disabled_worker_and_nothing_are_not_found():
    UserFactory(email="own.record@example.org", is_individual=True)
    UserFactory(email="gone@example.org", is_active=False)
    assert worker_by_email("own.record@example.org") is None
    assert worker_by_email("gone@example.org") is None
    assert worker_by_email("") is None
    assert worker_by_email("nobody@example.org") is None


def test_a_governance_group_member_cannot_be_a_persons_own_sign_in():
    from petal.access.roles import Role
    from petal.accounts.tests.factories import MembershipFactory
    from petal.barriers.services.governance import member_add
    from petal.core.errors import ValidationFailed

    programme = MembershipFactory(role=Role.PROGRAMME_TEAM).user
    UserFactory(email="own.record@example.org", is_individual=True)
    with pytest.raises(ValidationFailed) as refused:
        member_add(actor=programme, group_slug="tactical-group", email="own.record@example.org")
    assert "email" in refused.value.field_errors
