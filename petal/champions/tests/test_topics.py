"""The programme team's list of topics (a champion's skills and the network's tags): only they
see it; each topic shows how many champions in the directory offer it and how many visible
questions carry it, counted in one query; adding one makes its slug from the name and refuses a
name already taken; renaming keeps the slug; every change is audited; nothing is deleted."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.champions.models import ChampionStatus, PostStatus, Topic
from petal.champions.selectors.topics import topic_get, topics_with_counts
from petal.champions.services import topics as services
from petal.champions.tests.factories import (
    ChampionFactory,
    QuestionFactory,
    TopicFactory,
    champion_user,
)
from petal.core.errors import Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db

TOPICS = reverse("champions:topics")


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _page(topic) -> str:
    return reverse("champions:topic", kwargs={"topic_id": topic.pk})


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def signed_in(client, team):
    client.force_login(team)
    return client


# --- who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.CHAMPION, Role.TRUSTED_PERSON, Role.PARTNERSHIP_COORDINATOR, Role.ADMINISTRATOR]
)
def test_only_the_programme_team_sees_or_changes_topics(client, make_user, role):
    topic = TopicFactory(name="Debt advice", slug="debt-advice")
    client.force_login(make_user(role))
    assert client.get(TOPICS).status_code == 403
    assert client.post(TOPICS, {"name": "Sneaked in"}).status_code == 403
    assert client.post(_page(topic), {"name": "Renamed", "order": "1"}).status_code == 403
    assert not Topic.objects.filter(name__in=["Sneaked in", "Renamed"]).exists()


def test_the_services_refuse_anyone_but_the_programme_team(make_user):
    topic = TopicFactory()
    champion = champion_user()
    with pytest.raises(Forbidden):
        services.topic_create(actor=champion, name="Debt advice")
    with pytest.raises(Forbidden):
        services.topic_change(actor=champion, topic_id=topic.pk, name="Renamed", order=1)
    assert not Topic.objects.filter(name__in=["Debt advice", "Renamed"]).exists()


def test_the_pledges_queue_links_to_the_topics(signed_in):
    page = signed_in.get(reverse("champions:pledges")).content.decode()
    assert f'href="{TOPICS}"' in page
    assert "Skills and tags" in page


# --- the list and its counts ---------------------------------------------------------------------


def test_counts_are_champions_in_the_directory_and_visible_questions(signed_in):
    topic = TopicFactory(name="Debt advice", slug="debt-advice")
    unused = TopicFactory(name="Allotments", slug="allotments")
    for _ in range(2):
        ChampionFactory().skills.add(topic)
    # Not in the directory: withdrawn, waiting for approval, an unconfirmed signature.
    ChampionFactory(status=ChampionStatus.WITHDRAWN).skills.add(topic)
    ChampionFactory(user=None, status=ChampionStatus.PENDING).skills.add(topic)
    ChampionFactory(user=None, status=ChampionStatus.UNCONFIRMED).skills.add(topic)
    for _ in range(3):
        QuestionFactory().topics.add(topic)
    QuestionFactory(status=PostStatus.HIDDEN).topics.add(topic)
    # A champion with two skills counts once for each, not twice for either.
    both = ChampionFactory()
    both.skills.add(topic, unused)

    response = signed_in.get(TOPICS)

    assert response.status_code == 200
    listed = {t.slug: t for t in response.context["topics"]}
    assert (listed["debt-advice"].champion_count, listed["debt-advice"].question_count) == (3, 3)
    assert (listed["allotments"].champion_count, listed["allotments"].question_count) == (1, 0)
    assert listed["benefits"].champion_count == 0  # seeded by the migration, unused here
    page = _text(response)
    assert "Debt advice" in page and _page(topic) in page
    assert "cannot be deleted" in page
    one = topic_get(topic.pk)
    assert (one.champion_count, one.question_count) == (3, 3)


def test_topics_are_listed_in_their_order_then_by_name(signed_in):
    TopicFactory(name="Zebra crossings", slug="zebra", order=0)
    TopicFactory(name="Aardvarks", slug="aardvarks", order=100)
    names = [t.name for t in signed_in.get(TOPICS).context["topics"]]
    assert names[0] == "Zebra crossings"
    assert names[-1] == "Aardvarks"
    assert names.index("Benefits") < names.index("Housing applications")  # seeded 1, 2


def test_the_counts_are_one_query_however_many_topics(signed_in):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(TOPICS).status_code == 200
        return len(captured)

    signed_in.get(TOPICS)  # warm up (session, sign-in)
    before = queries()
    for n in range(15):
        topic = TopicFactory(name=f"Extra topic {n}", slug=f"extra-{n}")
        ChampionFactory().skills.add(topic)
        QuestionFactory().topics.add(topic)
    assert queries() == before
    with CaptureQueriesContext(connection) as captured:
        rows = list(topics_with_counts())
    assert len(captured) == 1
    assert all(r.champion_count == 1 for r in rows if r.slug.startswith("extra-"))


# --- adding a topic ------------------------------------------------------------------------------


def test_adding_a_topic_makes_its_slug_and_is_audited(signed_in, team):
    response = signed_in.post(TOPICS, {"name": "  Debt   advice & budgeting "})

    assert response.status_code == 302
    assert response["Location"] == TOPICS
    topic = Topic.objects.get(name="Debt advice & budgeting")
    assert topic.slug == "debt-advice-budgeting"
    assert topic.order == 100
    event = AuditEvent.objects.get(action="topic.created")
    assert event.actor_id == team.pk
    assert (event.object_type, event.object_id) == ("champions.topic", str(topic.pk))
    assert event.data["name"] == "Debt advice & budgeting"
    assert "added" in signed_in.get(TOPICS).content.decode()


def test_a_name_already_taken_is_refused_on_the_form_whatever_its_case(signed_in):
    count = Topic.objects.count()

    response = signed_in.post(TOPICS, {"name": "BENEFITS"})

    assert response.status_code == 200
    page = _text(response)
    assert "There is already a topic called ‘Benefits’" in page
    assert "<title>Error: " in page
    assert 'value="BENEFITS"' in page  # what was typed is kept
    assert Topic.objects.count() == count
    assert not AuditEvent.objects.filter(action="topic.created").exists()


def test_a_different_name_with_the_same_slug_gets_a_slug_of_its_own(team):
    first = services.topic_create(actor=team, name="Benefits!")
    second = services.topic_create(actor=team, name="Benefits?")
    assert (first.slug, second.slug) == ("benefits-2", "benefits-3")
    assert Topic.objects.get(slug="benefits").name == "Benefits"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the topic's name"),
        ("   ", "Enter the topic's name"),
        ("!!!", "at least one letter or number"),
        ("x" * 101, "100 characters or fewer"),
    ],
)
def test_a_name_that_cannot_be_a_topic_is_refused(signed_in, typed, message):
    count = Topic.objects.count()
    response = signed_in.post(TOPICS, {"name": typed})
    assert response.status_code == 200
    assert message in _text(response)
    assert Topic.objects.count() == count


# --- changing a topic ----------------------------------------------------------------------------


def test_renaming_and_moving_keeps_the_slug_and_is_audited(signed_in, team):
    topic = Topic.objects.get(slug="benefits")
    question = QuestionFactory()
    question.topics.add(topic)
    assert signed_in.get(_page(topic)).status_code == 200

    response = signed_in.post(_page(topic), {"name": "Benefits and money", "order": "7"})

    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.order, topic.slug) == ("Benefits and money", 7, "benefits")
    assert list(question.topics.all()) == [topic]
    event = AuditEvent.objects.get(action="topic.changed")
    assert event.actor_id == team.pk
    assert event.object_id == str(topic.pk)
    assert event.data == {"name": ["Benefits", "Benefits and money"], "order": [1, 7]}


def test_saving_without_a_change_records_nothing(signed_in):
    topic = Topic.objects.get(slug="benefits")
    response = signed_in.post(_page(topic), {"name": "Benefits", "order": str(topic.order)})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="topic.changed").exists()


def test_renaming_to_another_topics_name_is_refused(signed_in):
    topic = Topic.objects.get(slug="benefits")

    response = signed_in.post(_page(topic), {"name": "leaving PRISON", "order": "3"})

    assert response.status_code == 200
    page = _text(response)
    assert "There is already a topic called ‘Leaving prison’" in page
    assert 'value="leaving PRISON"' in page
    topic.refresh_from_db()
    assert (topic.name, topic.order) == ("Benefits", 1)
    assert not AuditEvent.objects.filter(action="topic.changed").exists()


def test_changing_only_the_case_of_its_own_name_is_allowed(team):
    topic = Topic.objects.get(slug="benefits")
    services.topic_change(actor=team, topic_id=topic.pk, name="BENEFITS", order=1)
    topic.refresh_from_db()
    assert topic.name == "BENEFITS"


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ("first", "must be a whole number"),
        ("1000", "between 0 and 999"),
        ("-1", "between 0 and 999"),
        ("", "Enter the topic's place in the list"),
    ],
)
def test_a_place_that_is_not_a_number_in_range_is_refused(signed_in, order, message):
    topic = Topic.objects.get(slug="benefits")
    response = signed_in.post(_page(topic), {"name": "Benefits and money", "order": order})
    assert response.status_code == 200
    page = _text(response)
    assert message in page
    assert 'value="Benefits and money"' in page
    topic.refresh_from_db()
    assert topic.name == "Benefits"


def test_the_service_checks_the_place_too(team):
    topic = Topic.objects.get(slug="benefits")
    with pytest.raises(ValidationFailed) as refused:
        services.topic_change(actor=team, topic_id=topic.pk, name="Benefits", order=40_000)
    assert "order" in refused.value.field_errors


def test_a_topic_that_does_not_exist_is_404(signed_in):
    missing = (Topic.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    url = reverse("champions:topic", kwargs={"topic_id": missing})
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, {"name": "Ghost", "order": "1"}).status_code == 404
    assert not Topic.objects.filter(name="Ghost").exists()


def test_there_is_no_way_to_delete_a_topic(signed_in):
    topic = Topic.objects.get(slug="benefits")
    ChampionFactory().skills.add(topic)
    assert signed_in.post(_page(topic), {"delete": "yes"}).status_code == 200
    assert signed_in.delete(_page(topic)).status_code == 405
    assert Topic.objects.filter(pk=topic.pk).exists()
