"""The audit trail cannot be changed or pruned (it is append-only, and where an erased record
leaves its tombstone), so what it holds must not be a person's details. Events about a person
name them by number only; the details written through the main services (name, date of birth,
other names, address, phone, safe-contact instructions, notes, story, consent conditions) never
reach an event's ``data``.

A search typed into the caseload list (often a name) is not kept either: the list events
(``people.listed``, ``people.exported``) say only that a search narrowed the list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.reference.models import AreaOfDisadvantage

pytestmark = pytest.mark.django_db

NAME = "Quillon Canarywing"
CANARIES = [
    NAME,
    NAME.lower(),
    "Quill Canary",  # preferred name
    "Q. Featherstone",  # another name
    "1981-07-09",  # date of birth
    "14 Canary Row",
    "07700 900321",
    "canary-safe-contact",
    "canary-risk",
    "canary-health",
    "canary-story",
    "canary-episode-note",
    "canary-contact-note",
    "canary-consent-conditions",
]
# Events whose data may hold text someone typed to find a person (see the module docstring).
HOLD_TYPED_SEARCH: set[str] = set()


def _leaks(event: AuditEvent) -> list[str]:
    text = json.dumps(event.data) + event.actor_label
    return [c for c in CANARIES if c.lower() in text.lower()]


def test_person_events_never_hold_the_persons_details(make_user):
    from petal.consent.services import consent_record
    from petal.people import selectors, services
    from petal.retention.erase import person_erase

    helper = make_user(Role.TRUSTED_PERSON)
    colleague = make_user(Role.SERVICE_STAFF)
    start = AuditEvent.objects.count()
    person = services.person_create(
        actor=helper,
        full_name=NAME,
        preferred_name="Quill Canary",
        date_of_birth=dt.date(1981, 7, 9),
        aliases=["Q. Featherstone"],
        address="14 Canary Row",
        phone="07700 900321",
        safe_contact="canary-safe-contact",
    )
    for category, values in (
        (Category.RISK, {"risk_notes": "canary-risk"}),
        (Category.HEALTH, {"health_notes": "canary-health"}),
        (Category.STORY, {"what_happened": "canary-story"}),
        (Category.IDENTITY, {"full_name": NAME + " Jr", "aliases": ["Q. Featherstone", "QC"]}),
    ):
        person.refresh_from_db()
        person = services.person_update(
            actor=helper,
            person=person,
            category=category,
            values=values,
            expected_version=person.version,
        )
    services.episode_add(
        actor=helper,
        person=person,
        area=AreaOfDisadvantage.objects.get(code="homelessness"),
        starts_on=dt.date(2026, 1, 1),
        note="canary-episode-note",
    )
    services.contact_record(
        actor=helper,
        person=person,
        happened_on=timezone.localdate(),
        method="phone",
        note="canary-contact-note",
    )
    consent_record(
        actor=helper,
        person=person,
        categories=[Category.IDENTITY, Category.STORY],
        purposes=["care_coordination"],
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        given_how="verbal",
        conditions="canary-consent-conditions",
        grantee_user=colleague,
    )
    selectors.person_get_for(colleague, person.pk, purpose="care_coordination")
    selectors.caseload_page(helper)
    person_erase(person_id=person.pk, actor=None, reason="erasure_request")

    events = list(AuditEvent.objects.order_by("sequence")[start:])
    about_them = [e for e in events if e.object_type == "people.person"]
    assert {e.action for e in about_them} >= {
        "person.created",
        "person.updated",
        "person.episode_added",
        "person.contact_recorded",
        "consent.recorded",
        "person.read",
        "person.erased",
    }
    leaking = {e.action: _leaks(e) for e in events if _leaks(e)}
    assert leaking == {}


def test_no_event_keeps_a_typed_search(make_user):
    from petal.people import selectors, services

    helper = make_user(Role.TRUSTED_PERSON)
    services.person_create(actor=helper, full_name=NAME)
    start = AuditEvent.objects.count()
    selectors.caseload_page(helper, search=NAME)
    selectors.caseload_export(helper, search=NAME)
    events = list(AuditEvent.objects.order_by("sequence")[start:])
    holding = {e.action for e in events if _leaks(e)}
    assert holding == HOLD_TYPED_SEARCH
