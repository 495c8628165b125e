"""The events API follows the same rules as the pages: drafts are the programme team's and
answered as missing to anyone else; registering and cancelling go through the same services,
with the same refusals and the same emails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.audit.models import AuditEvent
from petal.champions.models import EventStatus, Registration
from petal.champions.tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/events"


class Caller:
    """Calls the API as one user, through a personal access token."""

    def __init__(self, client, user):
        _, raw = token_create(actor=user, name="events api test")
        self.client = client
        self.user = user
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.auth)

    def post(self, path):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post(path, content_type="application/json", **self.auth)

    def delete(self, path):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.delete(path, **self.auth)


@pytest.fixture
def world(client, make_user):
    now = timezone.now()
    return {
        "tp": Caller(client, make_user(Role.TRUSTED_PERSON)),
        "team": Caller(client, make_user(Role.PROGRAMME_TEAM)),
        "nobody": Caller(client, make_user()),
        "workshop": EventFactory(title="Workshop", kind="workshop", capacity=2),
        "meeting": EventFactory(title="Network meeting", kind="network_meeting"),
        "draft": EventFactory(title="Draft", status=EventStatus.DRAFT, published_at=None),
        "cancelled": EventFactory(title="Called off", status=EventStatus.CANCELLED),
        "past": EventFactory(
            title="Last week",
            starts_at=now - dt.timedelta(days=7),
            ends_at=now - dt.timedelta(days=7) + dt.timedelta(hours=2),
        ),
    }


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_list_is_upcoming_published_events_by_default(world):
    RegistrationFactory(event=world["workshop"], user=world["tp"].user)
    response = world["tp"].get(BASE)
    assert _titles(response) == ["Workshop", "Network meeting"]
    workshop = response.json()["items"][0]
    assert workshop["registered"] is True and workshop["registered_count"] == 1
    assert workshop["places_left"] == 1
    assert workshop["reference"] == f"E-{world['workshop'].pk:06d}"
    assert response.json()["items"][1]["places_left"] is None
    assert _titles(world["tp"].get(BASE, kind="network_meeting")) == ["Network meeting"]
    last_week = (timezone.localdate() - dt.timedelta(days=8)).isoformat()
    assert "Last week" in _titles(world["tp"].get(BASE, from_date=last_week))
    assert _titles(world["tp"].get(BASE, status="cancelled")) == ["Called off"]
    # Drafts: the programme team's alone.
    assert _titles(world["tp"].get(BASE, status="draft")) == []
    assert _titles(world["team"].get(BASE, status="draft")) == ["Draft"]
    assert world["tp"].get(BASE, kind="party").status_code == 422
    assert world["nobody"].get(BASE).status_code == 403


def test_list_queries_do_not_grow(world):
    caller = world["tp"]
    caller.get(BASE)
    with CaptureQueriesContext(connection) as few:
        caller.get(BASE)
    for _ in range(10):
        RegistrationFactory(event=EventFactory(capacity=3), user=caller.user)
    with CaptureQueriesContext(connection) as many:
        response = caller.get(BASE)
    assert len(response.json()["items"]) == 12
    assert len(many) == len(few)


def test_detail_says_places_left_and_whether_you_are_registered(world):
    workshop = world["workshop"]
    RegistrationFactory(event=workshop)
    body = world["tp"].get(f"{BASE}/{workshop.pk}").json()
    assert body["places_left"] == 1
    assert body["registered_count"] == 1
    assert body["registered"] is False
    assert body["attended_count"] is None  # for the programme team only
    assert world["team"].get(f"{BASE}/{workshop.pk}").json()["attended_count"] == 0
    assert world["tp"].get(f"{BASE}/{world['draft'].pk}").status_code == 404
    assert world["team"].get(f"{BASE}/{world['draft'].pk}").status_code == 200
    assert world["tp"].get(f"{BASE}/999999").status_code == 404


def test_register_and_unregister(world):
    caller, workshop = world["tp"], world["workshop"]
    mail.outbox.clear()
    response = caller.post(f"{BASE}/{workshop.pk}/registration")
    assert response.status_code == 200, response.content
    assert response.json()["registered"] is True
    assert response.json()["places_left"] == 1
    assert [m.to for m in mail.outbox] == [[caller.user.email]]
    assert mail.outbox[0].attachments[0][2] == "text/calendar"
    response = caller.delete(f"{BASE}/{workshop.pk}/registration")
    assert response.status_code == 200
    assert response.json()["registered"] is False
    assert Registration.objects.get(event=workshop, user=caller.user).cancelled_at is not None
    assert caller.delete(f"{BASE}/{workshop.pk}/registration").status_code == 422
    actions = list(
        AuditEvent.objects.filter(object_id=str(workshop.pk), action__startswith="event.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["event.registered", "event.registration_cancelled"]


def test_registration_refusals_match_the_pages(world, make_user):
    caller = world["tp"]
    for key in ("cancelled", "past"):
        response = caller.post(f"{BASE}/{world[key].pk}/registration")
        assert response.status_code == 422
        assert "register" in response.json()["errors"]
    workshop = world["workshop"]
    RegistrationFactory(event=workshop)
    RegistrationFactory(event=workshop)
    response = caller.post(f"{BASE}/{workshop.pk}/registration")
    assert response.status_code == 422
    assert "full" in response.json()["detail"]
    assert caller.post(f"{BASE}/{world['draft'].pk}/registration").status_code == 404
    assert world["nobody"].post(f"{BASE}/{world['meeting'].pk}/registration").status_code == 403
    assert not Registration.objects.filter(user=caller.user).exists()
