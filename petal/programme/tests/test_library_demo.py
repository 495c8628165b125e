"""The learning library's demo: the briefing note (from the seed), illustrative case studies
with agreements (one withdrawn, so withheld) and workshop outcomes; safe to load twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, UserFactory
from petal.programme.demo import library as demo
from petal.programme.models import LibraryItem
from petal.programme.selectors.library import public_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_team():
    user = UserFactory(email=demo.PROGRAMME_TEAM)
    MembershipFactory(user=user, role=Role.PROGRAMME_TEAM)
    return user


def test_the_demo_loads_twice_and_withholds_the_case_study_whose_agreement_was_withdrawn(
    client, programme_team
):
    sentence = demo.load()
    assert "4 documents" in sentence
    assert demo.load().endswith("already loaded.")
    assert LibraryItem.objects.count() == 4
    public = set(public_items().values_list("title", flat=True))
    assert public == {demo.BRIEFING_TITLE, demo.WORKSHOP_TITLE, demo.CASE_STUDY_HOUSING}
    page = client.get(reverse("library:list")).content.decode()
    assert "Trusted Person approach" in page
    assert "(illustrative)" in page
    assert demo.CASE_STUDY_GP not in page
    briefing = LibraryItem.objects.get(title=demo.BRIEFING_TITLE)
    shown = client.get(reverse("library:item", args=[briefing.pk])).content.decode()
    assert "The person who has told someone they trust what they need." in shown
    assert briefing.tags.filter(slug="trusted-person").exists()
