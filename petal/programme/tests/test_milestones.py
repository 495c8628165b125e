"""Milestones: dated as precisely as known (year, month or day) and shown as such; linked to a
document elsewhere, a published newsletter or a public library document, or expecting one not
here yet — which the programme team sees flagged and the public timeline announces, never as a
dead link. The API gives the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import Forbidden, ValidationFailed
from petal.programme.models import Milestone
from petal.programme.selectors.library import public_item_ids
from petal.programme.selectors.milestones import MISSING_TEXT, date_label, public_milestones
from petal.programme.services.milestones import milestone_add, milestone_change, milestone_date
from petal.programme.tests.factories import (
    CaseStudyConsentFactory,
    LibraryItemFactory,
    MilestoneFactory,
    NewsletterFactory,
)

pytestmark = pytest.mark.django_db

SEED_TITLES = [
    "The Public Service Board agrees to explore funding and supporting Changing Futures "
    "Cambridgeshire & Peterborough",
    "The first project newsletter",
    "The first strategic group meeting",
]


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def data(**extra):
    return {
        "title": "The trauma-informed systems workshop",
        "year": "2022",
        "month": "",
        "day": "",
        "description": "",
        "document": "none",
        "published": True,
        **extra,
    }


# --- dates --------------------------------------------------------------------------------------


def test_a_date_is_as_precise_as_what_is_given():
    assert milestone_date("2022") == (dt.date(2022, 1, 1), "year")
    assert milestone_date("2022", "7") == (dt.date(2022, 7, 1), "month")
    assert milestone_date("2022", "7", "14") == (dt.date(2022, 7, 14), "day")


def test_dates_are_shown_as_precisely_as_they_are_known():
    assert date_label(dt.date(2022, 1, 1), "year") == "2022"
    assert date_label(dt.date(2022, 7, 1), "month") == "July 2022"
    assert date_label(dt.date(2022, 7, 7), "day") == "7 July 2022"


@pytest.mark.parametrize(
    ("parts", "field", "message"),
    [
        (("", "", ""), "year", "Enter the year"),
        (("22x", "", ""), "year", "Enter the year as 4 digits, like 2022"),
        (("1850", "", ""), "year", "The year must be between 1990 and 2100"),
        (("2022", "13", ""), "month", "Choose the month from the list"),
        (("2022", "", "7"), "month", "Choose the month too, or leave the day empty"),
        (("2022", "2", "30"), "day", "The date must be a real date"),
        (("2022", "2", "x"), "day", "Enter the day as a number, like 7"),
    ],
)
def test_a_date_that_cannot_be_is_refused_with_a_clear_message(parts, field, message):
    with pytest.raises(ValidationFailed) as caught:
        milestone_date(*parts)
    assert caught.value.field_errors == {field: [message]}


# --- adding and changing --------------------------------------------------------------------------


def test_adding_a_milestone_with_a_month_is_audited(team):
    m = milestone_add(
        actor=team, data=data(month="11", document="expected", document_title="Notes")
    )
    assert (m.date, m.precision, m.document_expected, m.created_by) == (
        dt.date(2022, 11, 1),
        "month",
        True,
        team,
    )
    event = AuditEvent.objects.get(action="milestone.added")
    assert event.object_type == "programme.milestone" and event.data["precision"] == "month"


def test_a_document_elsewhere_needs_a_title_and_a_web_address(team):
    with pytest.raises(ValidationFailed) as caught:
        milestone_add(actor=team, data=data(document="url", document_url="https://example.org"))
    assert "document_title" in caught.value.field_errors
    for bad in ("", "example.org/report", "javascript:alert(1)", "ftp://example.org/x"):
        with pytest.raises(ValidationFailed) as caught:
            milestone_add(
                actor=team, data=data(document="url", document_title="Report", document_url=bad)
            )
        assert "document_url" in caught.value.field_errors
    m = milestone_add(
        actor=team,
        data=data(document="url", document_title="Report", document_url="https://example.org/r"),
    )
    assert m.document_url == "https://example.org/r" and m.document_expected


def test_only_a_published_newsletter_or_a_public_library_document_may_be_linked(team):
    draft = NewsletterFactory()
    published = NewsletterFactory(status="published", published_at=timezone.now())
    with pytest.raises(ValidationFailed) as caught:
        milestone_add(actor=team, data=data(document="newsletter", newsletter=draft.pk))
    assert caught.value.field_errors == {"newsletter": ["Choose a published newsletter"]}
    m = milestone_add(actor=team, data=data(document="newsletter", newsletter=published.pk))
    assert m.newsletter == published

    unpublished = LibraryItemFactory()
    withheld = CaseStudyConsentFactory(
        item=LibraryItemFactory(kind="case_study", published_at=timezone.now()),
        withdrawn_at=timezone.now(),
    ).item
    public = LibraryItemFactory(published_at=timezone.now())
    for item in (unpublished, withheld):
        with pytest.raises(ValidationFailed) as caught:
            milestone_add(actor=team, data=data(document="library", library_item=item.pk))
        assert "library_item" in caught.value.field_errors
    m = milestone_add(actor=team, data=data(document="library", library_item=public.pk))
    assert m.library_item == public


def test_changing_a_milestone_records_what_changed_and_keeps_a_link_that_is_no_longer_public(team):
    newsletter = NewsletterFactory(status="published", published_at=timezone.now())
    m = milestone_add(actor=team, data=data(document="newsletter", newsletter=newsletter.pk))
    type(newsletter).objects.filter(pk=newsletter.pk).update(status="draft")
    milestone_change(
        actor=team,
        milestone_id=m.pk,
        data=data(month="9", day="14", document="newsletter", newsletter=newsletter.pk),
    )
    m.refresh_from_db()
    assert (m.date, m.precision, m.newsletter_id) == (dt.date(2022, 9, 14), "day", newsletter.pk)
    event = AuditEvent.objects.get(action="milestone.changed")
    assert event.data["changes"]["precision"] == ["year", "day"]
    assert event.data["changes"]["date"] == ["2022-01-01", "2022-09-14"]
    # Choosing "no document" clears the link and the expectation.
    milestone_change(actor=team, milestone_id=m.pk, data=data(document="none"))
    m.refresh_from_db()
    assert m.newsletter_id is None and not m.document_expected


def test_only_the_programme_team_adds_milestones(make_user):
    with pytest.raises(Forbidden):
        milestone_add(actor=make_user(Role.GOVERNANCE_MEMBER), data=data())
    assert not AuditEvent.objects.filter(action="milestone.added").exists()


def test_the_form_turns_year_month_and_day_into_a_date_and_shows_errors(client, team):
    client.force_login(team)
    response = client.post("/programme/milestones/new", data(day="7", month="", title="Typed"))
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Choose the month too, or leave the day empty" in html
    assert 'value="Typed"' in html
    response = client.post("/programme/milestones/new", data(month="7", day="7"))
    assert response.status_code == 302
    m = Milestone.objects.get(title="The trauma-informed systems workshop")
    assert (m.date, m.precision) == (dt.date(2022, 7, 7), "day")
    html = client.get(f"/programme/milestones/{m.pk}/edit").content.decode()
    assert 'value="7"' in html and '<option value="7" selected>July</option>' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("month", "13", "Choose the month from the list"),
        ("document", "film", "Choose what the milestone links to from the list"),
        ("newsletter", "999999", "Choose a published newsletter from the list"),
        ("library_item", "999999", "Choose a document the public can read from the list"),
    ],
)
def test_a_crafted_choice_gets_a_plain_message(client, team, field, value, message):
    client.force_login(team)
    document = {"newsletter": "newsletter", "library_item": "library"}.get(field, "none")
    posted = {**data(document=document, title="Kept"), field: value}
    response = client.post("/programme/milestones/new", posted)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in html
    assert message in html
    assert "Select a valid choice" not in html and "is not one of the available" not in html
    assert 'value="Kept"' in html
    assert not Milestone.objects.filter(title="Kept").exists()


# --- the programme team's list -------------------------------------------------------------------


def test_the_seed_milestones_are_flagged_as_missing_their_documents(client, team):
    client.force_login(team)
    html = client.get("/programme/milestones/").content.decode()
    assert "3 milestones are waiting for a document" in html
    missing = html.split('id="missing"')[1].split("</ul>")[0]
    for title in SEED_TITLES:
        assert title.replace("&", "&amp;") in missing
    assert missing.count("Document missing") == 3
    assert "Expected: Summary report to the Public Service Board." in missing


def test_a_linked_document_that_is_not_public_is_still_flagged(client, team):
    Milestone.objects.all().delete()
    draft = NewsletterFactory(title="Draft issue")
    MilestoneFactory(title="Linked to a draft", newsletter=draft, document_expected=True)
    MilestoneFactory(title="Nothing expected")
    MilestoneFactory(title="Linked", document_url="https://example.org/a", document_title="A")
    client.force_login(team)
    html = client.get("/programme/milestones/").content.decode()
    assert "1 milestone is waiting for a document" in html
    missing = html.split('id="missing"')[1].split("</ul>")[0]
    assert (
        "Linked to a draft" in missing and "The linked newsletter is not published yet" in missing
    )
    assert "Nothing expected" not in missing and "https://example.org/a" not in missing


def test_the_team_list_does_not_query_per_milestone(client, team):
    published = NewsletterFactory(status="published")
    public = LibraryItemFactory(published_at=timezone.now())
    MilestoneFactory(library_item=public, document_expected=True, title="First")
    client.force_login(team)
    client.get("/programme/milestones/")
    with CaptureQueriesContext(connection) as few:
        client.get("/programme/milestones/")
    for i in range(5):
        MilestoneFactory(newsletter=published, document_expected=True, title=f"N{i}")
        MilestoneFactory(library_item=public, document_expected=True, title=f"L{i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/programme/milestones/")
    assert len(many) == len(few)


# --- the public timeline -------------------------------------------------------------------------


def test_the_public_timeline_shows_the_seed_dates_oldest_first_with_no_dead_links(client):
    html = client.get("/milestones").content.decode()
    timeline = html.split('id="timeline"')[1].split("</ol>")[0]
    positions = [timeline.index(label) for label in ("2022</time>", "7 July 2022", "14 July 2022")]
    assert positions == sorted(positions)
    assert '<time datetime="2022">2022</time>' in timeline
    assert '<time datetime="2022-07-07">7 July 2022</time>' in timeline
    assert timeline.count(MISSING_TEXT) == 3
    assert "<a " not in timeline


def test_the_public_timeline_links_only_what_the_public_can_read(client):
    Milestone.objects.all().delete()
    published = NewsletterFactory(status="published", title="Issue 1")
    draft = NewsletterFactory(title="Issue 2")
    public = LibraryItemFactory(published_at=timezone.now(), title="Briefing note")
    unpublished = LibraryItemFactory(title="Draft briefing")
    case = CaseStudyConsentFactory(
        item=LibraryItemFactory(kind="case_study", published_at=timezone.now(), title="Case A"),
    ).item
    MilestoneFactory(title="M1", newsletter=published, document_expected=True)
    MilestoneFactory(title="M2", newsletter=draft, document_expected=True)
    MilestoneFactory(title="M3", library_item=public, document_expected=True)
    MilestoneFactory(title="M4", library_item=case, document_expected=True)
    MilestoneFactory(title="M7", library_item=unpublished, document_expected=True)
    MilestoneFactory(title="M5", document_url="https://example.org/x", document_title="Report")
    MilestoneFactory(title="Hidden", published=False)
    MilestoneFactory(title="M6", date=dt.date(2023, 5, 1), precision="month")
    assert public_item_ids([public.pk, case.pk, unpublished.pk]) == {public.pk, case.pk}
    html = client.get("/milestones").content.decode()
    # The real public pages: the newsletter archive's and the library's.
    assert f'href="/newsletters/{published.pk}">Issue 1</a>' in html
    assert client.get(f"/newsletters/{published.pk}").status_code == 200
    assert f"/newsletters/{draft.pk}" not in html and "Issue 2" not in html
    assert f'href="/library/{public.pk}">Briefing note</a>' in html
    assert client.get(f"/library/{public.pk}").status_code == 200
    assert f'href="/library/{case.pk}">Case A</a>' in html  # agreements in force
    assert f"/library/{unpublished.pk}" not in html and "Draft briefing" not in html
    assert 'href="https://example.org/x">Report</a>' in html
    assert "Hidden" not in html
    assert "May 2023</time>" in html
    assert html.count(MISSING_TEXT) == 2  # the draft newsletter and the unpublished document
    # Withdrawing the case study's agreement takes its link off at once, everywhere.
    case.consents.update(withdrawn_at=timezone.now())
    assert public_item_ids([case.pk]) == set()
    html = client.get("/milestones").content.decode()
    assert f'href="/library/{case.pk}"' not in html and "Case A" not in html
    assert html.count(MISSING_TEXT) == 3
    assert client.get(f"/library/{case.pk}").status_code == 404
    row = next(r for r in public_milestones() if r.milestone.title == "M4")
    assert row.document is None and row.document_missing


def test_the_public_timeline_does_not_query_per_milestone(client):
    item = LibraryItemFactory(published_at=timezone.now())
    MilestoneFactory(title="First", library_item=item)
    client.get("/milestones")
    with CaptureQueriesContext(connection) as few:
        client.get("/milestones")
    for i in range(6):
        MilestoneFactory(title=f"X{i}", library_item=item, newsletter=NewsletterFactory())
    with CaptureQueriesContext(connection) as many:
        client.get("/milestones")
    assert len(many) == len(few) <= 4


# --- the API -------------------------------------------------------------------------------------


def test_the_api_gives_published_milestones_with_their_dates_and_documents(client, make_user):
    published = NewsletterFactory(status="published", title="Issue 1")
    MilestoneFactory(title="Linked", newsletter=published, document_expected=True)
    MilestoneFactory(title="Hidden", published=False)
    client.force_login(make_user(Role.CHAMPION))
    body = client.get("/api/v1/milestones").json()
    assert [r["title"] for r in body][:3] == SEED_TITLES
    assert "Hidden" not in {r["title"] for r in body}
    first = body[0]
    assert (first["date"], first["precision"], first["date_label"]) == (
        "2022-01-01",
        "year",
        "2022",
    )
    assert first["document"] is None and first["document_missing"] is True
    assert body[1]["date_label"] == "7 July 2022"
    linked = next(r for r in body if r["title"] == "Linked")
    assert linked["document"] == {
        "title": "Issue 1",
        "url": f"http://testserver/newsletters/{published.pk}",
    }
    assert linked["document_missing"] is False


def test_the_api_refuses_a_sign_in_without_a_role(client, make_user):
    client.force_login(make_user())
    assert client.get("/api/v1/milestones").status_code == 403
