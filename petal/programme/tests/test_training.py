"""Staff training records: an organisation's own workers and the programme team record how many
staff took which course (counts, never names); anyone else is answered 404; bad input is
refused with a clear message and what was typed kept; every record is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from petal.audit.models import AuditEvent
from petal.core.errors import NotFound, ValidationFailed
from petal.programme.models import TrainingRecord
from petal.programme.services.assessment import training_record

pytestmark = pytest.mark.django_db


def worker_of(organisation, role=Role.SERVICE_STAFF):
    user = UserFactory()
    MembershipFactory(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def org():
    return OrganisationFactory(slug="harbour-womens-centre", name="Harbour Women's Centre")


def post(client, org, **overrides):
    data = {
        "course": "trusted_person",
        "title": "",
        "completed_on_0": "14",
        "completed_on_1": "9",
        "completed_on_2": "2024",
        "staff_trained": "9",
        "provider": "Changing Futures programme team",
        "notes": "Half-day session",
        **overrides,
    }
    return client.post(f"/self-assessment/organisations/{org.slug}/training/new", data)


def test_worker_records_training_for_their_organisation(client, org):
    worker = worker_of(org)
    client.force_login(worker)
    assert client.get(f"/self-assessment/organisations/{org.slug}/training/new").status_code == 200
    response = post(client, org)
    assert response.status_code == 302
    assert response.url == f"/self-assessment/organisations/{org.slug}"
    record = TrainingRecord.objects.get(organisation=org)
    assert (record.course, record.staff_trained, record.completed_on) == (
        "trusted_person",
        9,
        dt.date(2024, 9, 14),
    )
    assert record.recorded_by == worker
    event = AuditEvent.objects.get(action="training.recorded")
    assert event.actor_id == worker.pk
    assert event.data == {"organisation": org.pk, "course": "trusted_person", "staff_trained": 9}
    page = client.get(f"/self-assessment/organisations/{org.slug}").content.decode()
    assert "Trusted Person approach" in page
    assert "Half-day session" in page


def test_programme_team_records_training_for_any_organisation(client, org):
    client.force_login(worker_of(OrganisationFactory(), role=Role.PROGRAMME_TEAM))
    assert post(client, org).status_code == 302
    assert TrainingRecord.objects.filter(organisation=org).count() == 1


def test_worker_of_another_organisation_gets_404(client, org):
    client.force_login(worker_of(OrganisationFactory()))
    assert client.get(f"/self-assessment/organisations/{org.slug}/training/new").status_code == 404
    assert post(client, org).status_code == 404
    assert not TrainingRecord.objects.exists()
    with pytest.raises(NotFound):
        training_record(
            actor=worker_of(OrganisationFactory()),
            organisation_id=org.pk,
            course="trauma_informed",
            completed_on=dt.date(2024, 1, 1),
            staff_trained=3,
        )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"staff_trained": "0"}, "The number of staff trained must be 1 or more"),
        ({"staff_trained": "lots"}, "Enter the number of staff trained, as a number"),
        ({"completed_on_2": "2999"}, "Date completed must be in the past"),
        ({"completed_on_0": "31", "completed_on_1": "2"}, "Date completed must be a real date"),
        ({"course": "juggling"}, "Choose the course from the list"),
        ({"course": "other"}, "Enter the title of the course"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client, org, overrides, message):
    client.force_login(worker_of(org))
    response = post(client, org, **overrides)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "<title>Error: " in content
    assert "Changing Futures programme team" in content
    assert not TrainingRecord.objects.exists()


def test_service_refuses_a_future_date():
    org = OrganisationFactory()
    with pytest.raises(ValidationFailed):
        training_record(
            actor=worker_of(org),
            organisation_id=org.pk,
            course="trauma_informed",
            completed_on=timezone.localdate() + dt.timedelta(days=1),
            staff_trained=3,
        )
