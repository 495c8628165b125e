"""The access rules of petal.access.champions, table-driven where they are tables."""

import pytest
from django.utils import timezone

from petal.access.champions import directory_filter, post_visibility
from petal.access.roles import Role
from petal.accounts.models import Membership
from petal.accounts.tests.factories import MembershipFactory, UserFactory
from petal.champions.models import Champion, ChampionStatus, PostStatus, Question
from petal.champions.tests.factories import ChampionFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _listed() -> set[int]:
    return set(Champion.objects.filter(directory_filter()).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("status", "listed"),
    [
        (ChampionStatus.UNCONFIRMED, False),
        (ChampionStatus.PENDING, False),
        (ChampionStatus.APPROVED, True),
        (ChampionStatus.DECLINED, False),
        (ChampionStatus.WITHDRAWN, False),
    ],
)
def test_only_approved_champions_are_in_the_directory(status, listed):
    champion = ChampionFactory(status=status)
    assert (champion.pk in _listed()) is listed


def test_a_champion_whose_role_an_administrator_ended_leaves_the_directory_at_once():
    champion = ChampionFactory()
    assert champion.pk in _listed()
    Membership.objects.filter(user=champion.user, role=Role.CHAMPION).update(
        ended_at=timezone.now()
    )
    assert champion.pk not in _listed()


def test_a_champion_whose_sign_in_is_disabled_leaves_the_directory():
    champion = ChampionFactory()
    champion.user.is_active = False
    champion.user.save()
    assert champion.pk not in _listed()


def test_a_champion_role_in_another_role_does_not_count():
    champion = ChampionFactory(role=False)
    MembershipFactory(user=champion.user, role=Role.TRUSTED_PERSON)
    assert champion.pk not in _listed()


def test_hidden_posts_are_seen_by_their_author_and_the_programme_team_only():
    author = MembershipFactory(role=Role.TRUSTED_PERSON).user
    reader = MembershipFactory(role=Role.CHAMPION).user
    team = MembershipFactory(role=Role.PROGRAMME_TEAM).user
    no_role = UserFactory()
    hidden = QuestionFactory(author=author, status=PostStatus.HIDDEN)
    shown = QuestionFactory(status=PostStatus.VISIBLE)

    def sees(user):
        return set(Question.objects.filter(post_visibility(user)).values_list("pk", flat=True))

    assert sees(author) == {hidden.pk, shown.pk}
    assert sees(reader) == {shown.pk}
    assert sees(team) == {hidden.pk, shown.pk}
    assert sees(no_role) == set()
