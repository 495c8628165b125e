"""/api/v1/questions follows the pages' rules: hidden posts are missing to everyone but their
author and the programme team; asking or answering with a caseload name answers 422 with the
names (only the caller's own people) unless ``publish_anyway``; search never fails."""

from __future__ import annotations

import json

import pytest

from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.audit.models import AuditEvent
from petal.champions.models import Answer, Question
from petal.champions.tests.test_network import ask, hide, reply
from petal.people.tests.factories import person_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/questions"
NAME = "Jordan Blakewell"


class Caller:
    def __init__(self, client, user):
        _, raw = token_create(actor=user, name="network api test")
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.auth)

    def post(self, path, body):
        return self.client.post(
            path, data=json.dumps(body), content_type="application/json", **self.auth
        )


@pytest.fixture
def world(make_user, client):
    tp = make_user(Role.TRUSTED_PERSON)
    champion = make_user(Role.CHAMPION)
    programme = make_user(Role.PROGRAMME_TEAM)
    question = ask(
        tp,
        title="Getting a tenancy deposit together",
        body="Any schemes in Fenland?",
        areas=["homelessness"],
        topics=["benefits"],
    )
    answer = reply(champion, question, body="Ask about the rent deposit guarantee scheme.")
    return {
        "tp": tp,
        "champion": champion,
        "programme": programme,
        "question": question,
        "answer": answer,
        "as_tp": Caller(client, tp),
        "as_champion": Caller(client, champion),
    }


def test_the_list_has_the_fields_and_filters(world):
    other = ask(world["tp"], title="Unanswered one", areas=["mental-health"])
    response = world["as_champion"].get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == world["question"].pk)
    assert item["title"] == "Getting a tenancy deposit together"
    assert item["excerpt"] == "Any schemes in Fenland?"
    assert item["areas"] == ["homelessness"] and item["topics"] == ["benefits"]
    assert item["answer_count"] == 1 and item["helped_count"] == 0
    assert item["accepted_answer_id"] is None
    assert "created_at" in item
    assert [i["id"] for i in world["as_champion"].get(URL, unanswered="true").json()["items"]] == [
        other.pk
    ]
    assert [
        i["id"] for i in world["as_champion"].get(URL, area="mental-health").json()["items"]
    ] == [other.pk]
    assert [
        i["id"] for i in world["as_champion"].get(URL, q="guarantee scheme").json()["items"]
    ] == [world["question"].pk]


@pytest.mark.parametrize("q", ['"', "NEAR(", "*", "-x", "a:b", "東京", "'; --", "x" * 200])
def test_odd_search_input_never_fails(world, q):
    assert world["as_champion"].get(URL, q=q).status_code == 200


def test_one_question_with_its_visible_answers(world):
    response = world["as_champion"].get(f"{URL}/{world['question'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["body"] == "Any schemes in Fenland?"
    assert [a["id"] for a in body["answers"]] == [world["answer"].pk]
    assert world["as_champion"].get(f"{URL}/999999").status_code == 404


def test_hidden_posts_are_missing_from_the_api(world):
    hide(world["programme"], answer=world["answer"])
    detail = world["as_tp"].get(f"{URL}/{world['question'].pk}").json()
    assert detail["answers"] == []
    assert world["as_tp"].get(URL, q="guarantee").json()["count"] == 0
    hide(world["programme"], question=world["question"])
    assert world["as_champion"].get(f"{URL}/{world['question'].pk}").status_code == 404
    assert world["as_champion"].get(URL).json()["count"] == 0
    response = world["as_champion"].post(f"{URL}/{world['question'].pk}/answers", {"body": "Hi"})
    assert response.status_code == 404
    # Its author still sees it, marked hidden.
    assert world["as_tp"].get(f"{URL}/{world['question'].pk}").json()["status"] == "hidden"


def test_asking_and_answering(world):
    response = world["as_tp"].post(
        URL, {"title": "A new one", "body": "Details", "areas": ["criminal-justice"]}
    )
    assert response.status_code == 201
    created = Question.objects.get(pk=response.json()["id"])
    assert created.author == world["tp"]
    response = world["as_champion"].post(f"{URL}/{created.pk}/answers", {"body": "An answer"})
    assert response.status_code == 201
    assert [a["body"] for a in response.json()["answers"]] == ["An answer"]
    response = world["as_tp"].post(URL, {"title": "", "body": "x"})
    assert response.status_code == 422
    response = world["as_tp"].post(URL, {"title": "Tagged", "body": "x", "areas": ["nope"]})
    assert response.status_code == 422
    assert "areas" in response.json()["errors"]


def test_a_caseload_name_answers_422_with_only_the_callers_own_people(world, make_user):
    person_of(world["tp"], full_name=NAME)
    person_of(make_user(Role.TRUSTED_PERSON), full_name="Zebedee Quarrington")
    response = world["as_tp"].post(
        URL, {"title": "Jordan and Zebedee need a flat", "body": "Quarrington too"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["names"] == [NAME]
    assert "Zebedee Quarrington" not in json.dumps(body)
    assert "publish_anyway" in body["errors"]
    assert Question.objects.count() == 1
    assert AuditEvent.objects.filter(action="network.name_warning").count() == 1
    response = world["as_tp"].post(
        URL,
        {"title": "Jordan and Zebedee need a flat", "body": "x", "publish_anyway": True},
    )
    assert response.status_code == 201
    assert Question.objects.count() == 2


def test_an_answer_with_a_caseload_name_answers_422(world):
    person_of(world["champion"], full_name=NAME)
    path = f"{URL}/{world['question'].pk}/answers"
    response = world["as_champion"].post(path, {"body": "Blakewell had the same"})
    assert response.status_code == 422
    assert response.json()["names"] == [NAME]
    assert Answer.objects.count() == 1
    response = world["as_champion"].post(
        path, {"body": "Blakewell had the same", "publish_anyway": True}
    )
    assert response.status_code == 201
    assert Answer.objects.count() == 2


def test_the_api_needs_a_sign_in(client, world):
    assert client.get(URL).status_code == 401


def test_too_many_tags_or_too_long_an_answer_is_422_not_500(world):
    question = world["question"]
    before = (Question.objects.count(), Answer.objects.count())
    for field, tags in (("areas", ["homelessness"] * 11), ("topics", [f"t{i}" for i in range(11)])):
        response = world["as_tp"].post(URL, {"title": "Many tags", "body": "Why?", field: tags})
        assert response.status_code == 422, response.content
        assert field in response.content.decode()
    ten = world["as_tp"].post(
        URL, {"title": "Ten areas", "body": "Fine", "areas": ["homelessness"] * 10}
    )
    assert ten.status_code == 201, ten.content
    response = world["as_champion"].post(f"{URL}/{question.pk}/answers", {"body": "a" * 10_001})
    assert response.status_code == 422
    assert (Question.objects.count(), Answer.objects.count()) == (before[0] + 1, before[1])
