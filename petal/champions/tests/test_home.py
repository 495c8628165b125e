"""The public home page links to the pledge and shows what the champions' work has made public:
how many champions in how many organisations, and the stories the programme team featured."""

import re

import pytest
from django.utils import timezone

from petal.champions.models import ChampionStatus, PostStatus
from petal.champions.tests.factories import ChampionFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_home_links_to_the_pledge_with_sign_the_pledge(client):
    html = client.get("/").content.decode()
    links = re.findall(r'<a href="([^"]+)"[^>]*>\s*Sign the pledge', html)
    assert links
    assert "pledge" in links[0]
    assert client.get(links[0]).status_code == 200


def test_home_counts_approved_champions_and_their_organisations_only(client):
    first = ChampionFactory()
    ChampionFactory(organisation=first.organisation)
    ChampionFactory()
    ChampionFactory(status=ChampionStatus.PENDING, user=None, email="new@example.org")
    ChampionFactory(status=ChampionStatus.WITHDRAWN)
    html = client.get("/").content.decode()
    assert "3 champions in 2 organisations have signed the pledge" in html


def test_home_shows_featured_visible_stories_only(client):
    StoryFactory(title="The cafe, not the office", featured_at=timezone.now())
    StoryFactory(title="Not featured yet")
    StoryFactory(
        title="Hidden after featuring", featured_at=timezone.now(), status=PostStatus.HIDDEN
    )
    html = client.get("/").content.decode()
    assert "The cafe, not the office" in html
    assert "Not featured yet" not in html
    assert "Hidden after featuring" not in html


def test_the_pledge_page_at_its_site_slug_sends_you_to_the_pledge(client):
    response = client.get("/champions-pledge")
    assert response.status_code == 302
    assert response["Location"] == "/champions/pledge"
