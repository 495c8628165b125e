"""/api/v1/champions follows the same rule as the directory page: approved champions with an
active sign-in, nobody else, from the next request after a withdrawal."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.champions.models import Champion, ChampionStatus
from petal.champions.services.champions import champion_withdraw
from petal.champions.tests.factories import ChampionFactory, TopicFactory, champion_user
from petal.reference.models import AreaOfDisadvantage, District, Partnership

pytestmark = pytest.mark.django_db

URL = "/api/v1/champions"


@pytest.fixture
def call(client, make_user):
    _, raw = token_create(actor=make_user(Role.TRUSTED_PERSON), name="champions api test")

    def get(path=URL, **params):
        return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")

    return get


def test_the_list_has_approved_champions_only_with_the_directory_fields(call):
    champion = ChampionFactory(
        full_name="Ada Approved",
        job_title="Navigator",
        phone="01234",
        district=District.objects.get(code="fenland"),
        partnership=Partnership.objects.get(slug="fenland-east-cambridgeshire"),
    )
    champion.areas.add(AreaOfDisadvantage.objects.get(code="homelessness"))
    champion.skills.add(TopicFactory(slug="benefits", name="Benefits"))
    ChampionFactory(user=None, status=ChampionStatus.PENDING, email="p@example.org")
    ChampionFactory(status=ChampionStatus.DECLINED)
    ChampionFactory(status=ChampionStatus.WITHDRAWN)
    body = call().json()
    assert body["count"] == 1 and body["page"] == 1 and body["page_size"] == 25
    assert body["items"] == [
        {
            "id": champion.pk,
            "name": "Ada Approved",
            "job_title": "Navigator",
            "organisation": champion.organisation.name,
            "district": "fenland",
            "partnership": "fenland-east-cambridgeshire",
            "areas": [{"code": "homelessness", "name": "Homelessness"}],
            "skills": [{"slug": "benefits", "name": "Benefits"}],
            "help_with": champion.help_with,
            "how_to_reach": champion.how_to_reach,
            "email": champion.email,
            "phone": "01234",
        }
    ]
    # Never more than the directory shows: no pledge text, status, or decisions.
    assert "pledge_text" not in body["items"][0] and "status" not in body["items"][0]


def test_search_and_filters(call):
    a = ChampionFactory(full_name="Ash Probation", help_with="Probation appointments")
    a.areas.add(AreaOfDisadvantage.objects.get(code="criminal-justice"))
    ChampionFactory(full_name="Bea Other")
    assert [i["name"] for i in call(q="probation").json()["items"]] == ["Ash Probation"]
    assert [i["name"] for i in call(area="criminal-justice").json()["items"]] == ["Ash Probation"]
    assert call(skill="nothing").json()["count"] == 0
    assert call(page=0).status_code == 422


def test_one_champion_and_404_unless_in_the_directory(call):
    user = champion_user()
    champion = Champion.objects.get(user=user)
    pending = ChampionFactory(user=None, status=ChampionStatus.PENDING, email="q@example.org")
    assert call(f"{URL}/{champion.pk}").json()["id"] == champion.pk
    assert call(f"{URL}/{pending.pk}").status_code == 404
    assert call(f"{URL}/999999").status_code == 404
    assert call(f"{URL}/not-a-number").status_code in (404, 422)
    champion_withdraw(actor=user)
    assert call(f"{URL}/{champion.pk}").status_code == 404
    assert call().json()["count"] == 0


def test_the_api_needs_a_role(client, make_user):
    ChampionFactory()
    assert client.get(URL).status_code == 401
    _, raw = token_create(actor=make_user(), name="no role")
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403


def test_the_list_does_not_query_per_row(call):
    topic = TopicFactory(slug="benefits")

    def add(n):
        for _ in range(n):
            c = ChampionFactory(district=District.objects.get(code="cambridge"))
            c.skills.add(topic)

    add(2)
    call()
    with CaptureQueriesContext(connection) as few:
        call()
    add(15)
    with CaptureQueriesContext(connection) as many:
        call()
    assert len(many) == len(few)
