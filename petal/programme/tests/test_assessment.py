"""Trauma-informed self-assessment: an organisation's own workers and the programme team start,
fill in and submit it (anyone else is answered 404); answers save part-way, submitting needs
every item rated and makes it read-only; a new one starts from the last submitted answers;
progress shows side by side in time, and the programme team sees every organisation side by
side without a query per row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from petal.audit.models import AuditEvent
from petal.core.errors import NotFound, ValidationFailed
from petal.programme.models import ChecklistItem, SelfAssessment, SelfAssessmentAnswer
from petal.programme.selectors.assessment import assessment_compare, organisation_progress
from petal.programme.services.assessment import (
    assessment_answer,
    assessment_start,
    assessment_submit,
)
from petal.programme.tests.factories import SelfAssessmentFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def worker_of(organisation, role=Role.SERVICE_STAFF):
    user = UserFactory()
    MembershipFactory(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def org():
    return OrganisationFactory(name="Riverside Housing Trust", slug="riverside-housing-trust")


@pytest.fixture
def worker(org):
    return worker_of(org)


@pytest.fixture
def team():
    return worker_of(OrganisationFactory(), role=Role.PROGRAMME_TEAM)


def items():
    return list(ChecklistItem.objects.filter(active=True).order_by("order", "id"))


def rate_all(actor, assessment, rating=3, **extra):
    assessment_answer(
        actor=actor,
        assessment_id=assessment.pk,
        answers={i.pk: {"rating": rating, "evidence": "", "action": "", **extra} for i in items()},
    )


def submitted(org, actor, ratings: dict, *, when=None):
    """A submitted assessment with ratings per section code (every item of it)."""
    assessment, _ = assessment_start(actor=actor, organisation_id=org.pk)
    assessment_answer(
        actor=actor,
        assessment_id=assessment.pk,
        answers={
            i.pk: {"rating": ratings[i.section], "evidence": "", "action": ""} for i in items()
        },
    )
    assessment_submit(actor=actor, assessment_id=assessment.pk)
    if when is not None:
        SelfAssessment.objects.filter(pk=assessment.pk).update(submitted_at=when, started_at=when)
    return assessment


def form_data(assessment, **overrides):
    data = {}
    for answer in SelfAssessmentAnswer.objects.filter(assessment=assessment):
        data[f"item-{answer.item_id}-rating"] = str(answer.rating or "")
        data[f"item-{answer.item_id}-evidence"] = answer.evidence
        data[f"item-{answer.item_id}-action"] = answer.action
    data.update(overrides)
    return data


# --- the checklist ---------------------------------------------------------------------------


def test_checklist_covers_buildings_practice_and_training():
    sections = {i.section for i in items()}
    assert sections == {"buildings", "practice", "training"}
    texts = " ".join(i.text.lower() for i in items())
    for word in ("buildings and facilities", "re-tell", "choice", "safe", "trust", "trained"):
        assert word in texts


# --- home ------------------------------------------------------------------------------------


def test_worker_sees_only_their_own_organisations(client, org, worker):
    other = OrganisationFactory(name="Elsewhere Advice Centre")
    SelfAssessmentFactory(organisation=other)
    client.force_login(worker)
    content = client.get("/self-assessment/").content.decode()
    assert "Riverside Housing Trust" in content
    assert "Elsewhere Advice Centre" not in content
    assert "side by side" not in content


def test_programme_team_sees_organisations_that_assessed_or_train_and_can_start_for_any(
    client, team
):
    assessed = SelfAssessmentFactory(
        organisation=OrganisationFactory(name="Assessed Org")
    ).organisation
    TrainingRecordFactory(organisation=OrganisationFactory(name="Training Org"))
    quiet = OrganisationFactory(name="Quiet Org")
    client.force_login(team)
    content = client.get("/self-assessment/").content.decode()
    table = content.split("<table", 1)[1].split("</table>", 1)[0]
    assert "Assessed Org" in table
    assert "Training Org" in table
    assert "Quiet Org" not in table
    # The start form offers every organisation.
    assert f'<option value="{quiet.pk}">Quiet Org</option>' in content
    response = client.post("/self-assessment/start", {"organisation": quiet.pk})
    assert response.status_code == 302
    assert SelfAssessment.objects.filter(organisation=quiet).count() == 1
    assert SelfAssessment.objects.filter(organisation=assessed).count() == 1


def test_home_does_not_query_per_organisation(client, team, django_assert_max_num_queries):
    for _ in range(2):
        org = OrganisationFactory()
        SelfAssessmentFactory(organisation=org)
        TrainingRecordFactory(organisation=org)
    client.force_login(team)
    client.get("/self-assessment/")
    with CaptureQueriesContext(connection) as few:
        client.get("/self-assessment/")
    for _ in range(6):
        org = OrganisationFactory()
        SelfAssessmentFactory(organisation=org, submitted_at=timezone.now())
        SelfAssessmentFactory(organisation=org)
        TrainingRecordFactory(organisation=org)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/self-assessment/")
    assert response.content.decode().count('scope="row"') == 8


# --- starting --------------------------------------------------------------------------------


def test_start_opens_one_answer_per_active_item_and_is_audited(client, org, worker):
    client.force_login(worker)
    response = client.post("/self-assessment/start", {"organisation": org.pk})
    assessment = SelfAssessment.objects.get(organisation=org)
    assert response.url == f"/self-assessment/{assessment.pk}"
    assert assessment.started_by == worker
    assert assessment.answers.count() == len(items())
    event = AuditEvent.objects.get(action="assessment.started")
    assert event.actor_id == worker.pk
    assert event.object_id == str(assessment.pk)


def test_starting_while_one_is_in_progress_goes_to_it(client, org, worker):
    client.force_login(worker)
    first = client.post("/self-assessment/start", {"organisation": org.pk}).url
    again = client.post("/self-assessment/start", {"organisation": org.pk}).url
    assert first == again
    assert SelfAssessment.objects.filter(organisation=org).count() == 1
    assert AuditEvent.objects.filter(action="assessment.started").count() == 1


def test_new_assessment_starts_from_the_last_submitted_answers(org, worker):
    first, _ = assessment_start(actor=worker, organisation_id=org.pk)
    rate_all(worker, first, rating=2, evidence="Reception redesigned", action="Ask visitors")
    assessment_submit(actor=worker, assessment_id=first.pk)
    second, created = assessment_start(actor=worker, organisation_id=org.pk)
    assert created
    assert second.pk != first.pk
    answers = list(second.answers.all())
    assert len(answers) == len(items())
    assert {(a.rating, a.evidence, a.action) for a in answers} == {
        (2, "Reception redesigned", "Ask visitors")
    }
    event = AuditEvent.objects.filter(action="assessment.started").order_by("-sequence").first()
    assert event.data["from"] == first.pk


def test_worker_cannot_start_for_another_organisation(client, worker):
    other = OrganisationFactory()
    client.force_login(worker)
    response = client.post("/self-assessment/start", {"organisation": other.pk})
    assert response.status_code == 200
    assert "Choose the organisation to assess from the list" in response.content.decode()
    assert not SelfAssessment.objects.filter(organisation=other).exists()
    with pytest.raises(NotFound):
        assessment_start(actor=worker, organisation_id=other.pk)


# --- who sees an assessment --------------------------------------------------------------------


def test_worker_of_another_organisation_gets_404_everywhere(client, org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    stranger = worker_of(OrganisationFactory(), role=Role.TRUSTED_PERSON)
    client.force_login(stranger)
    assert client.get(f"/self-assessment/{assessment.pk}").status_code == 404
    assert (
        client.post(f"/self-assessment/{assessment.pk}", form_data(assessment)).status_code == 404
    )
    assert client.post(f"/self-assessment/{assessment.pk}/submit").status_code == 404
    assert client.get(f"/self-assessment/organisations/{org.slug}").status_code == 404
    assert client.get(f"/self-assessment/organisations/{org.slug}/training/new").status_code == 404
    with pytest.raises(NotFound):
        assessment_answer(actor=stranger, assessment_id=assessment.pk, answers={})
    assert "Riverside" not in client.get("/self-assessment/").content.decode()


def test_programme_team_reads_and_fills_any_organisations_assessment(client, org, worker, team):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    client.force_login(team)
    assert client.get(f"/self-assessment/{assessment.pk}").status_code == 200
    item = items()[0]
    response = client.post(
        f"/self-assessment/{assessment.pk}",
        form_data(assessment, **{f"item-{item.pk}-rating": "4"}),
    )
    assert response.status_code == 302
    assert assessment.answers.get(item=item).rating == 4


def test_an_ended_role_no_longer_reaches_the_organisation(client, org):
    user = UserFactory()
    membership = MembershipFactory(user=user, role=Role.SERVICE_STAFF, organisation=org)
    # They moved on to another organisation.
    MembershipFactory(user=user, role=Role.SERVICE_STAFF)
    assessment, _ = assessment_start(actor=user, organisation_id=org.pk)
    membership.ended_at = timezone.now() - dt.timedelta(days=1)
    membership.save()
    client.force_login(user)
    assert client.get(f"/self-assessment/{assessment.pk}").status_code == 404


# --- saving and submitting ------------------------------------------------------------------


def test_page_groups_items_by_section_with_four_ratings(client, org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    client.force_login(worker)
    content = client.get(f"/self-assessment/{assessment.pk}").content.decode()
    positions = [
        content.index(f">{h}</h2>") for h in ("Buildings and facilities", "Practice", "Training")
    ]
    assert positions == sorted(positions)
    assert "how people respond to the buildings and facilities on offer".lower() in content.lower()
    for label in ("Not started", "Beginning", "Developing", "Embedded"):
        assert content.count(f">{label}</label>") == len(items())


def test_saving_part_way_keeps_what_was_given_and_is_audited(client, org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    first, second = items()[:2]
    client.force_login(worker)
    response = client.post(
        f"/self-assessment/{assessment.pk}",
        form_data(
            assessment,
            **{
                f"item-{first.pk}-rating": "2",
                f"item-{first.pk}-evidence": "Visitors said reception felt like a police station",
                f"item-{first.pk}-action": "Soften the reception area by March",
            },
        ),
    )
    assert response.status_code == 302
    answer = assessment.answers.get(item=first)
    assert (answer.rating, answer.action) == (2, "Soften the reception area by March")
    assert assessment.answers.get(item=second).rating is None
    event = AuditEvent.objects.get(action="assessment.answered")
    assert event.data["items"] == [first.pk]
    assert "reception" not in str(event.data)


def test_bad_rating_keeps_everything_typed_and_saves_nothing(client, org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    first, second = items()[:2]
    client.force_login(worker)
    response = client.post(
        f"/self-assessment/{assessment.pk}",
        form_data(
            assessment,
            **{
                f"item-{first.pk}-rating": "9",
                f"item-{second.pk}-evidence": "Our quiet room opened in May",
            },
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "Choose a rating from the list" in content
    assert "Our quiet room opened in May" in content
    assert not assessment.answers.exclude(evidence="").exists()


def test_submit_refuses_listing_unrated_items_and_keeps_what_was_typed(client, org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    all_items = items()
    data = form_data(assessment)
    for item in all_items[:-2]:
        data[f"item-{item.pk}-rating"] = "3"
    data[f"item-{all_items[0].pk}-evidence"] = "Signs in plain English and Polish"
    client.force_login(worker)
    response = client.post(f"/self-assessment/{assessment.pk}/submit", data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rate every item before you submit: 2 items still to rate" in content
    for item in all_items[-2:]:
        assert f"Rate ‘{item.text}’" in content.replace("&#x27;", "'")
    assert "Signs in plain English and Polish" in content
    assessment.refresh_from_db()
    assert assessment.submitted_at is None
    # What was typed was saved on the way.
    assert assessment.answers.filter(rating=3).count() == len(all_items) - 2
    assert not AuditEvent.objects.filter(action="assessment.submitted").exists()
    with pytest.raises(ValidationFailed, match=all_items[-1].text):
        assessment_submit(actor=worker, assessment_id=assessment.pk)


def test_submitting_makes_it_read_only(client, org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    client.force_login(worker)
    data = form_data(assessment, **{f"item-{i.pk}-rating": "4" for i in items()})
    response = client.post(f"/self-assessment/{assessment.pk}/submit", data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.submitted_at is not None
    assert assessment.submitted_by == worker
    assert AuditEvent.objects.filter(
        action="assessment.submitted", object_id=str(assessment.pk)
    ).exists()
    page = client.get(f"/self-assessment/{assessment.pk}").content.decode()
    assert 'type="radio"' not in page
    assert "Embedded" in page
    first = items()[0]
    client.post(f"/self-assessment/{assessment.pk}", {f"item-{first.pk}-rating": "1"})
    assert assessment.answers.get(item=first).rating == 4
    with pytest.raises(ValidationFailed):
        assessment_answer(
            actor=worker, assessment_id=assessment.pk, answers={first.pk: {"rating": 1}}
        )
    with pytest.raises(ValidationFailed):
        assessment_submit(actor=worker, assessment_id=assessment.pk)


def test_answers_only_for_checklist_items(org, worker):
    assessment, _ = assessment_start(actor=worker, organisation_id=org.pk)
    with pytest.raises(ValidationFailed):
        assessment_answer(
            actor=worker, assessment_id=assessment.pk, answers={999999: {"rating": 2}}
        )
    with pytest.raises(ValidationFailed):
        assessment_answer(actor=worker, assessment_id=assessment.pk, answers={"x": {"rating": 2}})


# --- progress over time -----------------------------------------------------------------------


def test_organisation_page_shows_each_submitted_assessment_side_by_side(client, org, worker):
    year_ago = timezone.now() - dt.timedelta(days=365)
    submitted(org, worker, {"buildings": 1, "practice": 2, "training": 1}, when=year_ago)
    submitted(org, worker, {"buildings": 3, "practice": 4, "training": 2})
    TrainingRecordFactory(organisation=org, course="trauma_informed", staff_trained=12)
    TrainingRecordFactory(organisation=org, course="trauma_informed", staff_trained=5)
    TrainingRecordFactory(organisation=org, course="trusted_person", staff_trained=4)
    view = organisation_progress(worker, org.slug)
    assert [label for label, _ in view.averages] == [
        "Buildings and facilities",
        "Practice",
        "Training",
    ]
    assert [values for _, values in view.averages] == [[1.0, 3.0], [2.0, 4.0], [1.0, 2.0]]
    assert view.training_totals == [
        ("Trauma-informed practice", 17),
        ("Trusted Person approach", 4),
    ]
    client.force_login(worker)
    content = client.get(f"/self-assessment/organisations/{org.slug}").content.decode()
    table = content.split('data-testid="item-ratings"', 1)[1].split("</table>", 1)[0]
    assert year_ago.strftime("%-d %b %Y") in table
    assert table.count("1 Not started") == 4 + 3  # buildings and training a year ago
    assert table.count("4 Embedded") == 6  # practice now
    totals = content.split('data-testid="training-totals"', 1)[1].split("</table>", 1)[0]
    assert ">17<" in totals
    assert ">4<" in totals


def test_organisation_page_queries_do_not_grow_with_assessments(client, org, worker):
    submitted(org, worker, {"buildings": 1, "practice": 1, "training": 1})
    client.force_login(worker)
    url = f"/self-assessment/organisations/{org.slug}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for rating in (2, 3, 4):
        submitted(org, worker, {"buildings": rating, "practice": rating, "training": rating})
        TrainingRecordFactory(organisation=org)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) <= len(few)


# --- side by side, for the programme team ---------------------------------------------------


def test_compare_is_for_the_programme_team(client, worker, team):
    client.force_login(worker)
    assert client.get("/self-assessment/compare").status_code == 403
    client.force_login(team)
    assert client.get("/self-assessment/compare").status_code == 200


def test_compare_shows_each_organisations_latest_submitted_assessment(client, org, worker, team):
    other = OrganisationFactory(name="Beacon Recovery Service")
    other_worker = worker_of(other)
    submitted(
        org,
        worker,
        {"buildings": 1, "practice": 1, "training": 1},
        when=timezone.now() - dt.timedelta(days=365),
    )
    submitted(org, worker, {"buildings": 3, "practice": 4, "training": 2})
    # A newer one in progress does not count.
    start, _ = assessment_start(actor=worker, organisation_id=org.pk)
    rate_all(worker, start, rating=1)
    submitted(other, other_worker, {"buildings": 2, "practice": 2, "training": 2})
    TrainingRecordFactory(organisation=other, course="trusted_person", staff_trained=7)
    view = assessment_compare(team)
    by_name = {row.organisation.name: row for row in view.rows}
    assert by_name["Riverside Housing Trust"].section_averages == [3.0, 4.0, 2.0]
    assert by_name["Beacon Recovery Service"].section_averages == [2.0, 2.0, 2.0]
    assert by_name["Beacon Recovery Service"].training == [0, 7, 0]
    assert view.training_totals == [0, 7, 0]
    assert len(view.items) == len(items())
    client.force_login(team)
    content = client.get("/self-assessment/compare").content.decode()
    sections = content.split('data-testid="compare-sections"', 1)[1].split("</table>", 1)[0]
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Practice</th>'
        in sections
    )
    assert "Riverside Housing Trust" in sections and "Beacon Recovery Service" in sections
    per_item = content.split('data-testid="compare-items"', 1)[1].split("</table>", 1)[0]
    assert per_item.count('scope="row"') == 2
    assert per_item.count('scope="col"') == len(items()) + 1


def test_compare_queries_do_not_grow_with_organisations(client, team):
    def add(n):
        for _ in range(n):
            org = OrganisationFactory()
            user = worker_of(org)
            submitted(
                org,
                user,
                {"buildings": 2, "practice": 3, "training": 1},
                when=timezone.now() - dt.timedelta(days=400),
            )
            submitted(org, user, {"buildings": 3, "practice": 3, "training": 2})
            TrainingRecordFactory(organisation=org)

    add(1)
    client.force_login(team)
    client.get("/self-assessment/compare")
    with CaptureQueriesContext(connection) as few:
        client.get("/self-assessment/compare")
    add(5)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/self-assessment/compare")
    assert len(more) <= len(few)
    sections = response.content.decode().split('data-testid="compare-sections"', 1)[1]
    assert sections.split("</table>", 1)[0].count('scope="row"') == 6
