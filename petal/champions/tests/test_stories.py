"""Success stories: shared anonymised (a caseload name is refused, not just warned about),
featured on the public pages only once the programme team confirms it names no one, and gone
from them when unfeatured or hidden."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.champions.models import PostStatus, Story
from petal.champions.selectors.stories import featured_stories
from petal.champions.services import stories as services
from petal.champions.tests.factories import StoryFactory, champion_user
from petal.core.errors import NotFound, ValidationFailed
from petal.people.tests.factories import person_of
from petal.reference.models import AreaOfDisadvantage

pytestmark = pytest.mark.django_db

NAME = "Jordan Blakewell"


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def share(author, title="A café, not an office", body="Meeting somewhere calm helped."):
    return services.story_share(actor=author, title=title, body=body, areas=["homelessness"])


def feature(programme, story):
    return services.story_feature(actor=programme, story_id=story.pk, feature=True, confirmed=True)


def test_a_story_naming_someone_supported_is_refused_with_what_was_typed_kept(client, tp):
    supported = person_of(tp, full_name=NAME)
    client.force_login(tp)
    response = client.post(
        reverse("network:story-new"),
        {"title": "What worked", "body": "Jordan and I met at the library every week."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Story.objects.exists()
    assert "appears to name someone you support" in html
    assert NAME in html
    assert "met at the library every week" in html
    assert "<title>Error:" in html
    warning = AuditEvent.objects.get(action="network.name_warning")
    assert warning.data == {"post": "story", "people": [supported.pk]}


def test_a_story_never_names_people_the_author_does_not_support(tp, make_user):
    person_of(make_user(Role.TRUSTED_PERSON), full_name=NAME)
    story = share(tp, body="Jordan Blakewell would never know: not my caseload.")
    assert story.pk
    assert not AuditEvent.objects.filter(action="network.name_warning").exists()


def test_a_shared_story_is_listed_and_audited(client, tp):
    story = share(tp)
    assert AuditEvent.objects.get(action="story.shared").object_id == str(story.pk)
    client.force_login(champion_user())
    html = client.get(reverse("network:stories")).content.decode()
    assert "A café, not an office" in html
    assert client.get(reverse("network:story", args=[story.pk])).status_code == 200


def test_only_champions_and_trusted_persons_share(client, make_user):
    client.force_login(make_user(Role.SERVICE_STAFF))
    assert client.get(reverse("network:story-new")).status_code == 403


def test_featuring_needs_the_confirmation_then_the_public_page_shows_it(client, tp, programme):
    story = share(tp)
    client.force_login(programme)
    response = client.post(reverse("network:story-feature", args=[story.pk]), {"feature": "yes"})
    assert response.status_code == 200
    assert "Confirm you have checked" in response.content.decode()
    story.refresh_from_db()
    assert story.featured_at is None
    client.post(
        reverse("network:story-feature", args=[story.pk]), {"feature": "yes", "confirm": "on"}
    )
    story.refresh_from_db()
    assert story.featured_by == programme
    assert AuditEvent.objects.filter(action="story.featured", object_id=str(story.pk)).exists()

    client.logout()
    public = client.get(reverse("stories:featured")).content.decode()
    assert "A café, not an office" in public
    assert tp.display_name not in public
    page = client.get(reverse("stories:story", args=[story.pk]))
    assert page.status_code == 200
    assert tp.display_name not in page.content.decode()
    assert featured_stories() == [story]


def test_unfeaturing_takes_it_off_the_public_pages(client, tp, programme):
    story = feature(programme, share(tp))
    client.force_login(programme)
    client.post(reverse("network:story-feature", args=[story.pk]), {"feature": "no"})
    assert AuditEvent.objects.filter(action="story.unfeatured").count() == 1
    client.logout()
    assert client.get(reverse("stories:story", args=[story.pk])).status_code == 404
    assert "A café" not in client.get(reverse("stories:featured")).content.decode()


def test_hiding_a_featured_story_takes_it_off_the_public_pages_and_from_readers(
    client, tp, programme
):
    story = feature(programme, share(tp))
    client.force_login(programme)
    response = client.post(
        reverse("network:story-moderate", args=[story.pk]), {"action": "hide", "reason": ""}
    )
    assert "Enter the reason" in response.content.decode()
    client.post(
        reverse("network:story-moderate", args=[story.pk]),
        {"action": "hide", "reason": "It could identify someone"},
    )
    story.refresh_from_db()
    assert story.status == PostStatus.HIDDEN and story.featured_at is None
    assert AuditEvent.objects.filter(action="story.hidden").count() == 1
    client.logout()
    assert client.get(reverse("stories:story", args=[story.pk])).status_code == 404
    client.force_login(champion_user())
    assert client.get(reverse("network:story", args=[story.pk])).status_code == 404
    assert "A café" not in client.get(reverse("network:stories")).content.decode()
    client.force_login(tp)
    assert (
        "It could identify someone"
        in client.get(reverse("network:story", args=[story.pk])).content.decode()
    )
    # A hidden story cannot be featured; restored, it can.
    with pytest.raises(ValidationFailed):
        feature(programme, story)
    services.story_moderate(actor=programme, story_id=story.pk, action="restore", reason="Edited")
    assert feature(programme, story).featured_at is not None


def test_only_the_programme_team_features(client, tp):
    story = share(tp)
    client.force_login(tp)
    response = client.post(
        reverse("network:story-feature", args=[story.pk]), {"feature": "yes", "confirm": "on"}
    )
    assert response.status_code == 403
    with pytest.raises(NotFound):
        services.story_feature(actor=tp, story_id=story.pk, feature=True, confirmed=True)
    story.refresh_from_db()
    assert story.featured_at is None


def test_featured_stories_for_the_home_page(programme):
    stories = [feature(programme, StoryFactory()) for _ in range(4)]
    StoryFactory()  # not featured
    assert featured_stories() == list(reversed(stories))[:3]
    assert len(featured_stories(limit=None)) == 4


def test_the_stories_list_and_public_page_query_a_fixed_number_of_times(client, programme):
    def counted(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(2):
        feature(programme, StoryFactory()).areas.set(AreaOfDisadvantage.objects.all()[:2])
    client.force_login(champion_user())
    few = counted(reverse("network:stories")), counted(reverse("stories:featured"))
    for _ in range(8):
        feature(programme, StoryFactory()).areas.set(AreaOfDisadvantage.objects.all()[:2])
    assert (counted(reverse("network:stories")), counted(reverse("stories:featured"))) == few
