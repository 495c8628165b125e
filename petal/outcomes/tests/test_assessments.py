"""Assessments over time: only a person's current trusted person records them; readers see a
tool's assessments only when they may read every category it describes; every read and write
is audited; out-of-range scores are refused by the service, the form and the API alike."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.audit.models import AuditEvent
from petal.consent.models import bits_for
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import NotFound, ValidationFailed
from petal.outcomes.models import Assessment, AssessmentAnswer
from petal.outcomes.services.assessments import assessment_record
from petal.outcomes.tests.factories import NDT_CODES, AssessmentFactory, ServiceUseFactory
from petal.people.models import TrustedRelationship
from petal.people.tests.factories import person_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_WEEK = TODAY - dt.timedelta(days=7)
SCORES = dict(zip(NDT_CODES, [3, 2, 1, 4, 6, 3, 2, 4, 3, 4], strict=True))  # total 32
WELLBEING = {"life-satisfaction": 4, "worthwhile": 5, "happiness": 6, "anxiety": 7}


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def person(tp):
    return person_of(tp, full_name="Morgan Ashby", date_of_birth=dt.date(1980, 6, 1))


def _record(actor, person, **overrides):
    kwargs = {
        "actor": actor,
        "person_id": person.pk,
        "tool_slug": "ndt",
        "assessed_on": LAST_WEEK,
        "scores": SCORES,
        **overrides,
    }
    return assessment_record(**kwargs)


def _reader(make_user, person, categories, role=Role.SERVICE_STAFF):
    reader = make_user(role)
    ConsentFactory(person=person, grantee_user=reader, category_bits=bits_for(categories))
    return reader


def _api(client, user):
    _, raw = token_create(actor=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def send(method, path, body=None):
        if body is None:
            return getattr(client, method)(path, **auth)
        return getattr(client, method)(
            path, data=json.dumps(body), content_type="application/json", **auth
        )

    return send


def _form(day=LAST_WEEK, **scores):
    data = {
        "assessed_on_0": str(day.day),
        "assessed_on_1": str(day.month),
        "assessed_on_2": str(day.year),
        "note": "",
    }
    data.update({code: str(v) for code, v in scores.items()})
    return data


# --- recording ---------------------------------------------------------------------------------


def test_the_trusted_person_records_an_ndt_assessment_with_its_total_and_audit(tp, person):
    assessment = _record(tp, person, note="  Done together.  ")
    assert assessment.total == 32
    assert assessment.programme_area_id == person.programme_area_id
    assert assessment.recorded_by == tp
    assert assessment.note == "Done together."
    answers = {a.item.code: a.score for a in AssessmentAnswer.objects.filter(assessment=assessment)}
    assert answers == SCORES
    (event,) = AuditEvent.objects.filter(action="person.assessment_recorded")
    assert (event.actor_id, event.object_type, event.object_id) == (
        tp.pk,
        "people.person",
        str(person.pk),
    )
    assert event.categories == ["needs", "risk"]
    assert event.data["assessment"] == assessment.pk and event.data["total"] == 32


def test_a_wellbeing_assessment_has_no_total(tp, person):
    assessment = _record(tp, person, tool_slug="ons4-wellbeing", scores=WELLBEING)
    assert assessment.total is None
    event = AuditEvent.objects.get(action="person.assessment_recorded")
    assert event.categories == ["health"]


@pytest.mark.parametrize(
    ("code", "value"),
    [("housing", 5), ("engagement", -1), ("risk-to-others", 3), ("risk-from-others", 9)],
)
def test_the_service_refuses_an_out_of_range_score_and_saves_nothing(tp, person, code, value):
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person, scores={**SCORES, code: value})
    assert list(refused.value.field_errors) == [code]
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="person.assessment_recorded").exists()


def test_the_service_refuses_a_missing_or_unknown_item(tp, person):
    scores = {k: v for k, v in SCORES.items() if k != "housing"}
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person, scores={**scores, "sleep": 1})
    assert set(refused.value.field_errors) == {"housing", "sleep"}
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + dt.timedelta(days=1), "must be today or in the past"),
        (dt.date(1979, 1, 1), "must be after their date of birth"),
    ],
)
def test_the_date_must_be_sensible(tp, person, day, message):
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person, assessed_on=day)
    assert message in refused.value.field_errors["assessed_on"][0]


def test_two_assessments_with_one_tool_on_one_day_are_refused(tp, person):
    _record(tp, person)
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person)
    assert "already recorded" in refused.value.field_errors["assessed_on"][0]
    # Another tool on the same day is fine.
    _record(tp, person, tool_slug="ons4-wellbeing", scores=WELLBEING)
    assert Assessment.objects.count() == 2


def test_only_the_current_trusted_person_may_record(tp, person, make_user):
    other_tp = make_user(Role.TRUSTED_PERSON)
    full_consent = _reader(make_user, person, list(Category))
    for actor in (other_tp, full_consent):
        with pytest.raises(NotFound):
            _record(actor, person)
    # A relationship that has ended gives no right to record.
    TrustedRelationship.objects.filter(person=person, trusted_person=tp).update(
        ends_on=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(NotFound):
        _record(tp, person)
    assert not Assessment.objects.exists()


# --- reading -----------------------------------------------------------------------------------


def test_the_list_shows_each_tool_over_time_with_distance_travelled(client, tp, person):
    AssessmentFactory(
        person=person, assessed_on=TODAY - dt.timedelta(days=200), scores=[4] * 3 + [8, 8] + [4] * 5
    )
    AssessmentFactory(person=person, assessed_on=TODAY - dt.timedelta(days=100), scores=SCORES)
    AssessmentFactory(
        person=person, assessed_on=TODAY - dt.timedelta(days=10), scores=[1] * 3 + [2, 2] + [1] * 5
    )
    client.force_login(tp)
    page = client.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "Morgan Ashby" in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "The total went from 48 on" in text and "to 12 on" in text
    assert "36 points better" in text
    assert "16 points better" in text  # 48 → 32, the middle one
    assert 'role="img"' in page and "<desc" in page
    assert "Record a new NDT assessment" in page
    assert "No Wellbeing assessments recorded yet." in page


def test_reading_the_list_is_audited_with_the_categories_read(client, tp, person):
    AssessmentFactory(person=person, scores=SCORES)
    client.force_login(tp)
    assert client.get(f"/people/{person.pk}/assessments/").status_code == 200
    read = AuditEvent.objects.get(action="person.assessments_read")
    assert (read.actor_id, read.object_id) == (tp.pk, str(person.pk))
    assert read.categories == ["health", "needs", "risk"]
    assert read.data["tools"] == ["ndt", "ons4-wellbeing"]
    assert len(read.data["assessments"]) == 1
    use = AuditEvent.objects.get(action="person.service_use_read")
    assert use.categories == ["health", "justice", "needs"]


def test_someone_elses_person_answers_404_and_reads_nothing(client, person, make_user):
    AssessmentFactory(person=person, scores=SCORES)
    other = make_user(Role.TRUSTED_PERSON)
    client.force_login(other)
    assessment = Assessment.objects.get()
    for path in (
        f"/people/{person.pk}/assessments/",
        f"/people/{person.pk}/assessments/{assessment.pk}",
        f"/people/{person.pk}/assessments/new/ndt",
    ):
        assert client.get(path).status_code == 404, path
    assert not AuditEvent.objects.filter(action__startswith="person.").exists()


def test_a_consent_reader_without_needs_and_risk_does_not_see_the_ndt(client, person, make_user):
    ndt = AssessmentFactory(person=person, scores=SCORES)
    wellbeing = AssessmentFactory(person=person, tool="ons4-wellbeing", scores=WELLBEING)
    ServiceUseFactory(person=person, arrests=3, ae_attendances=2)
    reader = _reader(make_user, person, [Category.IDENTITY, Category.STORY, Category.HEALTH])
    client.force_login(reader)
    page = client.get(f"/people/{person.pk}/assessments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Personal wellbeing (ONS4)" in html
    assert "New Directions Team" not in html and "NDT" not in html
    assert f"/assessments/{ndt.pk}" not in html
    # Only health measures of service use, and no way to record anything.
    assert "A&amp;E attendances" in html and "Arrests" not in html
    assert "Record a new" not in html and "Record service use" not in html
    assert client.get(f"/people/{person.pk}/assessments/{ndt.pk}").status_code == 404
    assert client.get(f"/people/{person.pk}/assessments/{wellbeing.pk}").status_code == 200
    assert client.get(f"/people/{person.pk}/assessments/new/ons4-wellbeing").status_code == 404
    read = AuditEvent.objects.filter(action="person.assessments_read").first()
    assert read.categories == ["health"] and read.data["assessments"] == [wellbeing.pk]
    # The API says the same.
    body = _api(client, reader)("get", f"/api/v1/people/{person.pk}/assessments").json()
    assert [a["tool"] for a in body["assessments"]] == ["ons4-wellbeing"]


def test_a_consent_reader_with_needs_and_risk_sees_the_ndt_but_cannot_record(
    client, person, make_user
):
    ndt = AssessmentFactory(person=person, scores=SCORES)
    reader = _reader(make_user, person, [Category.NEEDS, Category.RISK])
    client.force_login(reader)
    page = client.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "New Directions Team" in page
    # Identity is not shared: the record number, never the name.
    assert "Morgan Ashby" not in page and f"P-{person.pk:06d}" in page
    detail = client.get(f"/people/{person.pk}/assessments/{ndt.pk}").content.decode()
    assert "No home: sleeping rough or nowhere safe to stay" in detail
    assert client.get(f"/people/{person.pk}/assessments/new/ndt").status_code == 404


def test_a_reader_who_may_see_none_of_it_gets_404(client, person, make_user):
    AssessmentFactory(person=person, scores=SCORES)
    reader = _reader(make_user, person, [Category.IDENTITY, Category.STORY])
    client.force_login(reader)
    assert client.get(f"/people/{person.pk}/assessments/").status_code == 404
    send = _api(client, reader)
    assert send("get", f"/api/v1/people/{person.pk}/assessments").status_code == 404
    assert not AuditEvent.objects.filter(action="person.assessments_read").exists()


def test_the_detail_page_shows_every_answer_with_its_level_text(client, tp, person):
    AssessmentFactory(person=person, assessed_on=TODAY - dt.timedelta(days=90))
    assessment = AssessmentFactory(person=person, scores=SCORES)
    client.force_login(tp)
    page = client.get(f"/people/{person.pk}/assessments/{assessment.pk}").content.decode()
    for text in (
        "Rarely engages: turns up only in a crisis",  # engagement 3
        "Moderate risk: threats or minor violence",  # risk to others 4
        "High risk: harmed by others, and abuse is likely",  # risk from others 6
        "No home: sleeping rough or nowhere safe to stay",  # housing 4
    ):
        assert text in page
    assert "<strong>32</strong> out of 48" in page
    assert "32 points worse" in page  # from 0 at the first
    # An assessment of another person, under this person's address: not there.
    other = AssessmentFactory(scores=SCORES)
    assert client.get(f"/people/{person.pk}/assessments/{other.pk}").status_code == 404


def test_the_list_does_not_query_per_assessment(client, tp, person):
    for n in range(2):
        AssessmentFactory(person=person, assessed_on=TODAY - dt.timedelta(days=300 - n))
    client.force_login(tp)
    path = f"/people/{person.pk}/assessments/"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for n in range(10):
        AssessmentFactory(
            person=person, assessed_on=TODAY - dt.timedelta(days=200 - n), scores=SCORES
        )
        AssessmentFactory(
            person=person,
            tool="ons4-wellbeing",
            assessed_on=TODAY - dt.timedelta(days=200 - n),
            scores=WELLBEING,
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many]
    assert len(many) <= 32, len(many)


# --- the form ----------------------------------------------------------------------------------


def test_the_form_shows_each_score_in_plain_words(client, tp, person):
    client.force_login(tp)
    page = client.get(f"/people/{person.pk}/assessments/new/ndt").content.decode()
    assert "4 – No home: sleeping rough or nowhere safe to stay" in page
    assert "8 – Very high risk: serious violence; other people are in danger" in page
    assert page.count('type="radio"') == 8 * 5 + 2 * 5
    assert 'name="risk-to-others" type="radio" value="6"' in page
    wellbeing = client.get(f"/people/{person.pk}/assessments/new/ons4-wellbeing").content.decode()
    assert "0 – not at all satisfied" in wellbeing and "0 – 0 –" not in wellbeing


def test_the_form_names_each_missing_item_and_keeps_what_was_chosen(client, tp, person):
    client.force_login(tp)
    chosen = {k: v for k, v in SCORES.items() if k not in {"housing", "impulse-control"}}
    response = client.post(f"/people/{person.pk}/assessments/new/ndt", _form(**chosen))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "Choose a score for housing" in summary
    assert "Choose a score for impulse control" in summary
    assert 'href="#id_housing"' in summary
    assert 'name="risk-from-others" type="radio" value="6" checked' in page
    assert f'value="{LAST_WEEK.year}"' in page
    assert not Assessment.objects.exists()


def test_the_form_refuses_an_out_of_range_score(client, tp, person):
    client.force_login(tp)
    response = client.post(
        f"/people/{person.pk}/assessments/new/ndt", _form(**{**SCORES, "risk-to-others": 3})
    )
    assert response.status_code == 200
    assert "The score for risk to others must be one of 0, 2, 4, 6 or 8" in (
        response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_the_form_shows_the_services_refusal_on_the_date(client, tp, person):
    _record(tp, person)
    client.force_login(tp)
    response = client.post(f"/people/{person.pk}/assessments/new/ndt", _form(**SCORES))
    assert response.status_code == 200
    assert "is already recorded" in response.content.decode()
    future = client.post(
        f"/people/{person.pk}/assessments/new/ndt",
        _form(day=TODAY + dt.timedelta(days=3), **SCORES),
    )
    assert "must be today or in the past" in future.content.decode()
    assert Assessment.objects.count() == 1


def test_the_form_records_and_shows_the_assessment(client, tp, person):
    client.force_login(tp)
    response = client.post(f"/people/{person.pk}/assessments/new/ndt", _form(**SCORES))
    assessment = Assessment.objects.get()
    assert response["Location"] == f"/people/{person.pk}/assessments/{assessment.pk}"
    assert assessment.total == 32
    page = client.get(response["Location"]).content.decode()
    assert "NDT assessment recorded." in page


def test_an_unknown_or_inactive_tool_is_not_found(client, tp, person):
    from petal.outcomes.models import AssessmentTool

    client.force_login(tp)
    assert client.get(f"/people/{person.pk}/assessments/new/nothing").status_code == 404
    AssessmentTool.objects.filter(slug="ons4-wellbeing").update(active=False)
    assert client.get(f"/people/{person.pk}/assessments/new/ons4-wellbeing").status_code == 404


def test_the_person_page_links_to_assessments_only_for_readers_who_may_see_them(
    client, tp, person, make_user
):
    client.force_login(tp)
    link = f"/people/{person.pk}/assessments/"
    assert link in client.get(f"/people/{person.pk}").content.decode()
    reader = _reader(make_user, person, [Category.IDENTITY, Category.STORY])
    client.force_login(reader)
    assert link not in client.get(f"/people/{person.pk}").content.decode()


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_assessments_with_answers_and_levels(client, tp, person):
    AssessmentFactory(person=person, scores=SCORES, assessed_on=LAST_WEEK)
    body = _api(client, tp)("get", f"/api/v1/people/{person.pk}/assessments").json()
    assert body["person_id"] == person.pk
    (one,) = body["assessments"]
    assert (one["tool"], one["assessed_on"], one["total"]) == ("ndt", LAST_WEEK.isoformat(), 32)
    housing = next(a for a in one["answers"] if a["item"] == "housing")
    assert housing == {
        "item": "housing",
        "label": "Housing",
        "score": 4,
        "level": "No home: sleeping rough or nowhere safe to stay",
    }
    assert [a["item"] for a in one["answers"]] == NDT_CODES


def test_the_api_records_an_assessment_and_refuses_out_of_range(client, tp, person, make_user):
    send = _api(client, tp)
    path = f"/api/v1/people/{person.pk}/assessments"
    body = {"tool": "ndt", "assessed_on": LAST_WEEK.isoformat(), "scores": SCORES}
    refused = send("post", path, {**body, "scores": {**SCORES, "housing": 5}})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "housing": ["The score for housing must be a whole number from 0 to 4"]
    }
    created = send("post", path, body)
    assert created.status_code == 201
    assert created.json()["total"] == 32
    assert Assessment.objects.get().recorded_by == tp
    other = make_user(Role.TRUSTED_PERSON)
    assert _api(client, other)("post", path, body).status_code == 404
    assert _api(client, other)("get", path).status_code == 404
