"""The Champion Network links to shared learning: a question asked from a learning entry
carries it, and the question's author or the programme team links published learning from
the question page. The question page shows it under "Shared learning"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.barriers.models import LearningLink
from petal.barriers.services.learning import learning_link, learning_publish
from petal.barriers.tests.factories import LearningEntryFactory
from petal.champions.models import Question
from petal.champions.services.network import post_moderate, question_ask
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.people.tests.factories import person_of

pytestmark = pytest.mark.django_db

ASK = "/network/ask"


def actions(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def published(programme):
    entry = LearningEntryFactory(title="Day centre addresses accepted")
    learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def unpublished(db):
    return LearningEntryFactory(title="Benefit letters by text")


def question_url(question):
    return reverse("network:question", args=[question.pk])


def ask(author, title="Does the day centre address work for housing?"):
    return question_ask(actor=author, title=title, body="In Fenland too?")


# --- asking from a learning entry ----------------------------------------------------------------


def test_a_question_asked_from_learning_links_to_it_and_shows_it(client, tp, published):
    client.force_login(tp)
    html = client.get(ASK, {"learning": published.pk}).content.decode()
    assert "You are asking about shared learning" in html
    assert published.title in html
    assert f'name="learning" value="{published.pk}"' in html
    response = client.post(
        ASK,
        {
            "title": "Does this work in Fenland?",
            "body": "Asking for a hostel.",
            "learning": published.pk,
        },
    )
    question = Question.objects.get()
    assert response.status_code == 302
    link = LearningLink.objects.get()
    assert (link.entry, link.question, link.linked_by) == (published, question, tp)
    event = actions("learning.linked")
    assert len(event) == 1
    assert event[0].object_type == "barriers.learningentry"
    assert event[0].object_id == str(published.pk)
    assert event[0].data == {"question": question.pk}
    html = client.get(question_url(question)).content.decode()
    assert "Shared learning" in html
    # Published: the link goes to the public page.
    assert f'href="{reverse("learning:entry", args=[published.pk])}">{published.title}</a>' in html


def test_unpublished_learning_links_to_the_page_inside_petal(client, tp, unpublished):
    # Every worker reads barriers and their learning, so any entry may be asked about.
    client.force_login(tp)
    client.post(
        ASK, {"title": "Texts instead of letters?", "body": "How?", "learning": unpublished.pk}
    )
    question = Question.objects.get()
    html = client.get(question_url(question)).content.decode()
    internal = reverse("barriers:learning-entry", args=[unpublished.pk])
    assert f'href="{internal}">{unpublished.title}</a>' in html
    assert "not published yet" in html


def test_the_learning_survives_the_name_warning(client, tp, published):
    person_of(tp, full_name="Jordan Blakewell")
    client.force_login(tp)
    typed = {
        "title": "Jordan and the day centre",
        "body": "Will it work?",
        "learning": published.pk,
    }
    response = client.post(ASK, typed)
    assert response.status_code == 200
    assert f'name="learning" value="{published.pk}"' in response.content.decode()
    assert not LearningLink.objects.exists()
    response = client.post(ASK, {**typed, "publish_anyway": "on"})
    assert response.status_code == 302
    assert LearningLink.objects.get().entry == published


@pytest.mark.parametrize("given", ["999999", "nonsense", ""])
def test_unknown_learning_is_left_out_not_an_error(client, tp, given):
    client.force_login(tp)
    assert "You are asking about" not in client.get(ASK, {"learning": given}).content.decode()
    response = client.post(ASK, {"title": "A question", "body": "Body", "learning": given})
    assert response.status_code in (200, 302)
    assert not LearningLink.objects.exists()


# --- linking from the question page --------------------------------------------------------------


def test_the_author_links_published_learning_from_the_question_page(
    client, tp, published, unpublished
):
    question = ask(tp)
    client.force_login(tp)
    html = client.get(question_url(question)).content.decode()
    assert "Link this learning" in html
    assert f'<option value="{published.pk}">{published.title}</option>' in html
    assert unpublished.title not in html  # the select offers published learning only
    response = client.post(question_url(question), {"entry": published.pk})
    assert response.status_code == 302
    assert LearningLink.objects.get().entry == published
    assert len(actions("learning.linked")) == 1
    html = client.get(question_url(question)).content.decode()
    assert published.title in html
    # Linked already: no longer offered, and refused if sent again.
    assert f'<option value="{published.pk}">' not in html
    response = client.post(question_url(question), {"entry": published.pk})
    assert response.status_code == 200
    assert "Choose published learning from the list" in response.content.decode()
    assert LearningLink.objects.count() == 1


def test_unpublished_learning_cannot_be_chosen_on_the_question_page(client, tp, unpublished):
    question = ask(tp)
    client.force_login(tp)
    response = client.post(question_url(question), {"entry": unpublished.pk})
    assert response.status_code == 200
    assert "Choose published learning from the list" in response.content.decode()
    assert "<title>Error:" in response.content.decode()
    assert not LearningLink.objects.exists()


def test_only_the_author_and_the_programme_team_link_from_the_question_page(
    client, tp, make_user, programme, published
):
    question = ask(tp)
    other = make_user(Role.CHAMPION)
    client.force_login(other)
    html = client.get(question_url(question)).content.decode()
    assert "Link this learning" not in html
    assert client.post(question_url(question), {"entry": published.pk}).status_code == 403
    with pytest.raises(Forbidden):
        learning_link(actor=other, entry_id=published.pk, question_id=question.pk)
    assert not LearningLink.objects.exists()
    client.force_login(programme)
    assert "Link this learning" in client.get(question_url(question)).content.decode()
    assert client.post(question_url(question), {"entry": published.pk}).status_code == 302
    assert LearningLink.objects.get().linked_by == programme


def test_a_question_the_reader_may_not_see_is_missing(client, tp, make_user, programme, published):
    question = ask(tp)
    post_moderate(
        actor=programme, action="hide", reason="It describes someone.", question_id=question.pk
    )
    other = make_user(Role.CHAMPION)
    with pytest.raises(NotFound):
        learning_link(actor=other, entry_id=published.pk, question_id=question.pk)
    client.force_login(other)
    assert client.post(question_url(question), {"entry": published.pk}).status_code == 404
    with pytest.raises(NotFound):
        learning_link(actor=tp, entry_id=published.pk, question_id=999999)
    with pytest.raises(ValidationFailed):
        learning_link(actor=tp, entry_id=999999, question_id=question.pk)


def test_the_entry_page_lists_the_questions_linking_to_it(client, tp, published):
    question = ask(tp, title="Day centre address for a tenancy?")
    learning_link(actor=tp, entry_id=published.pk, question_id=question.pk)
    client.force_login(tp)
    html = client.get(reverse("barriers:learning-entry", args=[published.pk])).content.decode()
    assert "Asked about in the Champion Network" in html
    assert f'href="{question_url(question)}">{question.title}</a>' in html
