"""The co-production demo: five fictional people, where they took part, recognition, and
feedback with responses, two published on "You said, we did"; safe to load twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, UserFactory
from petal.programme.demo import coproduction as demo
from petal.programme.models import Contributor, Feedback, Participation, Recognition

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_and_publishes_two_responses(client):
    user = UserFactory(email=demo.PROGRAMME_TEAM)
    MembershipFactory(user=user, role=Role.PROGRAMME_TEAM)
    first = demo.load()
    assert demo.load() == first
    assert Contributor.objects.count() == 5
    assert Participation.objects.count() == 9
    assert Recognition.objects.count() == 8
    assert Feedback.objects.count() == 4
    assert Feedback.objects.filter(published_at__isnull=False).count() == 2
    # No contact details for the person who did not agree to be contacted.
    anonymous = Contributor.objects.get(named_as="Anonymous")
    assert (anonymous.email, anonymous.phone, anonymous.how_to_contact) == ("", "", "")
    page = client.get(reverse("learning:list")).content.decode()
    assert "Jay R." in page
    assert "tell my story again" in page
    assert "glass screens" not in page
    assert "2 published" in first
