"""The people API follows the same rules as the pages."""

import json

import pytest

from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.audit.models import AuditEvent
from petal.people.models import Person
from petal.people.tests.factories import EpisodeFactory, person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    _, raw = token_create(actor=tp, name="api test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Api:
        user = tp

        def get(self, path):
            return client.get(path, **auth)

        def send(self, method, path, body):
            return getattr(client, method)(
                path, data=json.dumps(body), content_type="application/json", **auth
            )

    return Api()


def test_create_then_read_a_person(api):
    response = api.send(
        "post",
        "/api/v1/people",
        {"full_name": "Riley Dean", "district": "fenland", "aliases": ["R. Dean"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identity"]["full_name"] == "Riley Dean"
    assert body["contact"]["district"] == "fenland"
    assert set(body["readable_categories"]) == {
        "identity",
        "contact",
        "story",
        "needs",
        "risk",
        "health",
        "justice",
        "involvement",
    }
    again = api.get(f"/api/v1/people/{body['id']}").json()
    assert again["identity"]["aliases"] == ["R. Dean"]


def test_list_search_and_paging(api):
    for name in ("Ana One", "Ana Two", "Ben Three"):
        person_of(api.user, full_name=name, search_names=f"|{name.lower()}|")
    body = api.get("/api/v1/people?search=ana&page_size=1").json()
    assert body["count"] == 2
    assert len(body["items"]) == 1
    assert {"id", "name"} <= set(body["items"][0])
    second = api.get("/api/v1/people?search=ana&page_size=1&page=2").json()
    assert second["items"][0]["id"] != body["items"][0]["id"]


def test_search_in_the_body_keeps_the_name_out_of_the_address(api, make_user):
    for name in ("Ana One", "Ana Two", "Ben Three"):
        person_of(api.user, full_name=name, search_names=f"|{name.lower()}|")
    person_of(make_user(Role.TRUSTED_PERSON), full_name="Ana Elsewhere")
    response = api.send("post", "/api/v1/people/search", {"search": "ana", "page_size": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and len(body["items"]) == 1
    second = api.send("post", "/api/v1/people/search", {"search": "ana", "page_size": 1, "page": 2})
    assert second.json()["items"][0]["id"] != body["items"][0]["id"]
    too_long = api.send("post", "/api/v1/people/search", {"search": "a" * 101})
    assert too_long.status_code == 422


def test_someone_elses_person_is_exactly_like_a_missing_one(api, make_user):
    hidden = person_of(make_user(Role.TRUSTED_PERSON))
    missing = Person.objects.order_by("-pk").first().pk + 999
    for suffix in ("", "/episodes", "/relationships"):
        seen = api.get(f"/api/v1/people/{hidden.pk}{suffix}")
        absent = api.get(f"/api/v1/people/{missing}{suffix}")
        assert (
            (seen.status_code, seen.json())
            == (absent.status_code, absent.json())
            == (
                404,
                {"detail": "No such person"},
            )
        )
    listed = api.get("/api/v1/people").json()
    assert hidden.pk not in [item["id"] for item in listed["items"]]
    patched = api.send("patch", f"/api/v1/people/{hidden.pk}", {"version": 1, "full_name": "X"})
    assert patched.status_code == 404
    assert not AuditEvent.objects.filter(action="person.read", object_id=str(hidden.pk)).exists()


def test_patch_with_version_and_conflict(api):
    person = person_of(api.user, full_name="Old Name")
    response = api.send(
        "patch",
        f"/api/v1/people/{person.pk}",
        {"version": person.version, "full_name": "New Name", "what_matters": "My dog"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["identity"]["full_name"] == "New Name"
    assert body["story"]["what_matters"] == "My dog"
    stale = api.send(
        "patch", f"/api/v1/people/{person.pk}", {"version": person.version, "full_name": "Late"}
    )
    assert stale.status_code == 409
    person.refresh_from_db()
    assert person.full_name == "New Name"


def test_episodes_through_the_api(api):
    person = person_of(api.user)
    EpisodeFactory(person=person)
    created = api.send(
        "post",
        f"/api/v1/people/{person.pk}/episodes",
        {"area": "mental-health", "starts_on": "2026-02-01"},
    )
    assert created.status_code == 201
    episodes = api.get(f"/api/v1/people/{person.pk}/episodes").json()
    assert [e["area"] for e in episodes] == ["homelessness", "mental-health"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "A", "district": "atlantis"}, "district"),
        ({"full_name": "A", "relationship_kind": "enemy"}, "relationship_kind"),
        ({"full_name": "A", "date_of_birth": "not a date"}, "date_of_birth"),
    ],
)
def test_bad_input_is_422_with_the_field_named(api, body, field):
    response = api.send("post", "/api/v1/people", body)
    assert response.status_code == 422
    assert field in response.content.decode()
    assert not Person.objects.exists()


def test_episode_end_before_start_is_422(api):
    person = person_of(api.user)
    response = api.send(
        "post",
        f"/api/v1/people/{person.pk}/episodes",
        {"area": "homelessness", "starts_on": "2026-02-01", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 422
    assert "ends_on" in response.json()["errors"]


def test_add_a_trusted_person_through_the_api(api, make_user):
    person = person_of(api.user)
    other = make_user(Role.TRUSTED_PERSON)
    response = api.send(
        "post",
        f"/api/v1/people/{person.pk}/relationships",
        {"email": other.email, "kind": "social"},
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "social"
    listed = api.get(f"/api/v1/people/{person.pk}/relationships").json()
    assert len(listed) == 2
    unknown = api.send(
        "post", f"/api/v1/people/{person.pk}/relationships", {"email": "nobody@example.org"}
    )
    assert unknown.status_code == 422
    assert "email" in unknown.json()["errors"]
