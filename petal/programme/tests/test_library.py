"""The learning library: one public list of documents and published learning from barriers,
newest first, searchable and filtered by kind, tag and area; each document as accessible HTML
and as a PDF made from the same HTML; drafts and withheld case studies are 404 to the public.
A case study is public only while at least one agreement to its use is recorded and none is
withdrawn: withdrawing one takes it off the public site at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.barriers.tests.factories import BarrierFactory, LearningEntryFactory
from petal.core.errors import Forbidden, ValidationFailed
from petal.programme.models import CaseStudyConsent, LibraryItem, Tag
from petal.programme.selectors.library import public_item_ids, public_items
from petal.programme.services import library as services
from petal.programme.tests.factories import (
    CaseStudyConsentFactory,
    LibraryItemFactory,
    MilestoneFactory,
)
from petal.reference.models import AreaOfDisadvantage

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def published(**kwargs):
    return LibraryItemFactory(published_at=kwargs.pop("published_at", timezone.now()), **kwargs)


def case_study(**kwargs):
    item = published(kind="case_study", **kwargs)
    CaseStudyConsentFactory(item=item)
    return item


def actions(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- the test: a withdrawn agreement hides a case study at once -------------------------


def test_a_case_study_whose_consent_is_withdrawn_disappears_from_the_public_site_at_once(
    client, programme
):
    item = case_study(title="Finding a way back to a GP", body="## How it went\n\nA GP surgery.")
    tag = Tag.objects.create(slug="health", name="Health")
    item.tags.add(tag)
    milestone = MilestoneFactory(library_item=item)
    consent = CaseStudyConsentFactory(item=item, who="Their trusted person")
    pages = [
        reverse("library:list"),
        reverse("library:list") + "?q=surgery",
        reverse("library:list") + "?kind=case_study",
        reverse("library:list") + "?tag=health",
    ]
    for url in pages:
        assert "Finding a way back to a GP" in client.get(url).content.decode()
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 200
    assert client.get(reverse("library:pdf", args=[item.pk])).status_code == 200
    assert public_item_ids([milestone.library_item_id]) == {item.pk}

    services.consent_withdraw(
        actor=programme, item_id=item.pk, consent_id=consent.pk, note="Told us by phone"
    )

    for url in pages:
        assert "Finding a way back to a GP" not in client.get(url).content.decode()
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 404
    assert client.get(reverse("library:pdf", args=[item.pk])).status_code == 404
    # Anything linking to it (the milestones timeline) asks the same question.
    assert public_item_ids([milestone.library_item_id]) == set()
    assert not public_items().filter(pk=item.pk).exists()
    # Still published in the record, and flagged to the programme team.
    item.refresh_from_db()
    assert item.published_at is not None
    client.force_login(programme)
    page = client.get(reverse("library:manage")).content.decode()
    assert "Withheld: an agreement was withdrawn" in page
    (event,) = actions("library.consent_withdrawn")
    assert event.object_id == str(consent.pk)
    assert event.actor_id == programme.pk


def test_a_case_study_without_any_agreement_is_never_public(client):
    item = published(kind="case_study", title="Nobody agreed to this")
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 404
    assert "Nobody agreed to this" not in client.get(reverse("library:list")).content.decode()


def test_publishing_a_case_study_without_an_agreement_is_refused_with_a_clear_message(
    client, programme
):
    item = LibraryItemFactory(kind="case_study")
    with pytest.raises(ValidationFailed, match="agreed to its use"):
        services.library_item_publish(actor=programme, item_id=item.pk, publish=True)
    client.force_login(programme)
    response = client.post(reverse("library:publish", args=[item.pk]), {"publish": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record that the people in this case study agreed to its use" in page
    assert "<title>Error:" in page
    item.refresh_from_db()
    assert item.published_at is None
    assert actions("library.item_published") == []


def test_publishing_after_recording_an_agreement_and_never_after_a_withdrawal(programme):
    item = LibraryItemFactory(kind="case_study")
    consent = services.consent_record(
        actor=programme,
        item_id=item.pk,
        who="The person the story is about",
        agreed_on=dt.date(2024, 3, 1),
        how="Signed the agreement with their trusted person",
    )
    services.library_item_publish(actor=programme, item_id=item.pk, publish=True)
    assert public_items().filter(pk=item.pk).exists()
    (recorded,) = actions("library.consent_recorded")
    assert recorded.object_id == str(consent.pk)
    assert len(actions("library.item_published")) == 1
    services.library_item_publish(actor=programme, item_id=item.pk, publish=False)
    services.consent_withdraw(actor=programme, item_id=item.pk, consent_id=consent.pk, note="Asked")
    with pytest.raises(ValidationFailed, match="withdrawn"):
        services.library_item_publish(actor=programme, item_id=item.pk, publish=True)
    # A second agreement does not bring it back while one is withdrawn.
    CaseStudyConsentFactory(item=item)
    item.published_at = timezone.now()
    item.save()
    assert not public_items().filter(pk=item.pk).exists()


def test_recording_an_agreement_is_for_case_studies_and_the_past_only(programme):
    note = LibraryItemFactory(kind="briefing_note")
    with pytest.raises(ValidationFailed, match="case studies only"):
        services.consent_record(
            actor=programme, item_id=note.pk, who="x", agreed_on=dt.date(2024, 1, 1), how="y"
        )
    item = LibraryItemFactory(kind="case_study")
    with pytest.raises(ValidationFailed) as refused:
        services.consent_record(
            actor=programme,
            item_id=item.pk,
            who="Them",
            agreed_on=timezone.localdate() + dt.timedelta(days=1),
            how="Spoken",
        )
    assert "agreed_on" in refused.value.field_errors


def test_only_the_programme_team_changes_the_library(make_user):
    item = LibraryItemFactory(kind="case_study")
    other = make_user(Role.GOVERNANCE_MEMBER)
    with pytest.raises(Forbidden):
        services.library_item_publish(actor=other, item_id=item.pk, publish=True)
    with pytest.raises(Forbidden):
        services.consent_record(
            actor=other, item_id=item.pk, who="x", agreed_on=dt.date(2024, 1, 1), how="y"
        )


def test_withdrawing_through_the_page_needs_a_note_and_keeps_the_page(client, programme):
    item = case_study()
    consent = item.consents.get()
    client.force_login(programme)
    url = reverse("library:consent-withdraw", args=[item.pk, consent.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 200
    assert "Enter a note of how they withdrew" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    response = client.post(url, {"note": "Emailed the team"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_note == "Emailed the team"
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 404


def test_recording_an_agreement_through_the_page(client, programme):
    item = LibraryItemFactory(kind="case_study")
    client.force_login(programme)
    url = reverse("library:consent-new", args=[item.pk])
    response = client.post(url, {"who": "", "how": "", "agreed_on_0": "31", "agreed_on_1": "2"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter who agreed" in page
    assert "Enter how they agreed" in page
    response = client.post(
        url,
        {
            "who": "The person the story is about",
            "how": "Signed with their trusted person",
            "agreed_on_0": "2",
            "agreed_on_1": "5",
            "agreed_on_2": "2024",
        },
    )
    assert response.status_code == 302
    consent = CaseStudyConsent.objects.get(item=item)
    assert consent.agreed_on == dt.date(2024, 5, 2)
    assert consent.recorded_by == programme


# --- drafts --------------------------------------------------------------------------------------


def test_drafts_are_404_to_the_public_and_not_listed(client):
    draft = LibraryItemFactory(title="A draft briefing")
    assert client.get(reverse("library:item", args=[draft.pk])).status_code == 404
    assert client.get(reverse("library:pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("library:item", args=[999999])).status_code == 404
    assert "A draft briefing" not in client.get(reverse("library:list")).content.decode()


# --- the item page and its PDF -------------------------------------------------------------------


def test_the_item_page_is_accessible_html_with_tags_areas_and_issued_date(client):
    item = published(
        title="The Trusted Person approach",
        body="## What it is\n\nA relationship based on trust.\n\n<script>alert(1)</script>",
        issued_on=dt.date(2022, 7, 14),
    )
    item.tags.add(Tag.objects.create(slug="trusted-person", name="Trusted person"))
    item.areas.add(AreaOfDisadvantage.objects.get(code="homelessness"))
    page = client.get(reverse("library:item", args=[item.pk])).content.decode()
    assert '<h2 class="govuk-heading-' in page
    assert "A relationship based on trust." in page
    assert "<script>alert(1)</script>" not in page
    assert "Trusted person" in page
    assert "Homelessness" in page
    assert "14 July 2022" in page
    assert reverse("library:pdf", args=[item.pk]) in page


def test_the_pdf_is_made_from_the_same_html(client, monkeypatch):
    item = published(title="Workshop outcomes", body="## Outcomes\n\nFewer re-tellings.")
    rendered = {}
    import weasyprint

    original = weasyprint.HTML

    def spy(*args, string="", **kwargs):
        rendered["html"] = string
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    response = client.get(reverse("library:pdf", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "Fewer re-tellings." in rendered["html"]
    assert "Workshop outcomes" in rendered["html"]


# --- the list: search, filters, learning from barriers, queries -----------------------------------


def test_one_list_newest_first_with_learning_from_barriers_linking_to_its_page(client):
    now = timezone.now()
    old = published(title="Older briefing", published_at=now - dt.timedelta(days=10))
    entry = LearningEntryFactory(
        title="Letters to an old address", published_at=now - dt.timedelta(days=5)
    )
    LearningEntryFactory(title="Unpublished learning")
    new = published(title="Newer briefing", published_at=now - dt.timedelta(days=1))
    page = client.get(reverse("library:list")).content.decode()
    assert page.index("Newer briefing") < page.index("Letters to an old address")
    assert page.index("Letters to an old address") < page.index("Older briefing")
    assert "Unpublished learning" not in page
    assert reverse("learning:entry", args=[entry.pk]) in page
    assert reverse("library:item", args=[new.pk]) in page
    assert reverse("library:item", args=[old.pk]) in page
    assert "Learning from barriers" in page


def test_search_covers_title_summary_body_and_learning_title_problem_change(client):
    published(title="Alpha", summary="About kettles")
    published(title="Beta", body="Text about toasters")
    LearningEntryFactory(title="Gamma", change="Now accepts kettles", published_at=timezone.now())
    LearningEntryFactory(title="Delta", published_at=timezone.now())
    page = client.get(reverse("library:list"), {"q": "kettles"}).content.decode()
    assert "Alpha" in page
    assert "Gamma" in page
    assert "Beta" not in page
    assert "Delta" not in page
    assert "2 documents" in page


def test_kind_tag_and_area_filters(client):
    health = Tag.objects.create(slug="health", name="Health")
    homelessness = AreaOfDisadvantage.objects.get(code="homelessness")
    briefing = published(title="Briefing one")
    briefing.tags.add(health)
    workshop = published(title="Workshop one", kind="workshop_outcome")
    workshop.areas.add(homelessness)
    entry = LearningEntryFactory(title="Learning one", published_at=timezone.now())
    entry.areas.add(homelessness)

    def titles(**params):
        page = client.get(reverse("library:list"), params).content.decode()
        return {t for t in ("Briefing one", "Workshop one", "Learning one") if t in page}

    assert titles(kind="workshop_outcome") == {"Workshop one"}
    assert titles(kind="learning") == {"Learning one"}
    assert titles(tag="health") == {"Briefing one"}
    assert titles(area="homelessness") == {"Workshop one", "Learning one"}
    # Something not understood is left out rather than refused.
    assert titles(kind="nonsense", area="\x00") == {"Briefing one", "Workshop one", "Learning one"}


def test_a_search_cannot_find_learning_by_the_linked_persons_withheld_name(client):
    from petal.people.tests.factories import PersonFactory

    person = PersonFactory(full_name="Zebedee Quartermain")
    barrier = BarrierFactory(person=person)
    LearningEntryFactory(
        barrier=barrier,
        title="Zebedee could not register",
        problem="Forms asked for an address.",
        published_at=timezone.now(),
    )
    page = client.get(reverse("library:list"), {"q": "zebedee"}).content.decode()
    assert "could not register" not in page
    listed = client.get(reverse("library:list")).content.decode()
    assert "Zebedee" not in listed
    assert "could not register" in listed


def test_the_list_pages_by_ten_without_a_query_per_row(client):
    homelessness = AreaOfDisadvantage.objects.get(code="homelessness")
    health = Tag.objects.create(slug="health", name="Health")
    for n in range(3):
        item = case_study(title=f"Case {n}")
        item.tags.add(health)
        item.areas.add(homelessness)
    for n in range(3):
        LearningEntryFactory(title=f"Learning {n}", published_at=timezone.now()).areas.add(
            homelessness
        )
    client.get(reverse("library:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("library:list"))
    for n in range(3, 12):
        item = case_study(title=f"Case {n}")
        item.tags.add(health)
        item.areas.add(homelessness)
        LearningEntryFactory(title=f"Learning {n}", published_at=timezone.now()).areas.add(
            homelessness
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("library:list"))
    assert len(many) == len(few)
    assert "24 documents" in response.content.decode()
    assert client.get(reverse("library:list"), {"page": 3}).status_code == 200


# --- the programme team's pages ------------------------------------------------------------------


def test_adding_a_document_with_tags_and_areas_then_changing_it(client, programme):
    client.force_login(programme)
    response = client.post(
        reverse("library:new"),
        {
            "kind": "briefing_note",
            "title": "The Trusted Person approach",
            "summary": "What it is",
            "body": "## Background\n\nText.",
            "tags": "Trusted person, housing, trusted person,  ",
            "areas": ["homelessness"],
            "issued_on_0": "1",
            "issued_on_1": "6",
            "issued_on_2": "2023",
        },
    )
    assert response.status_code == 302
    item = LibraryItem.objects.get()
    assert item.published_at is None
    assert sorted(t.slug for t in item.tags.all()) == ["housing", "trusted-person"]
    assert [a.code for a in item.areas.all()] == ["homelessness"]
    assert item.issued_on == dt.date(2023, 6, 1)
    assert len(actions("library.item_added")) == 1

    response = client.post(
        reverse("library:edit", args=[item.pk]),
        {"kind": "briefing_note", "title": "Changed", "body": "Text", "tags": "housing"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Changed"
    assert [t.slug for t in item.tags.all()] == ["housing"]
    (changed,) = actions("library.item_changed")
    assert "title" in changed.data["fields"]
    assert "tags" in changed.data["fields"]


def test_bad_input_is_shown_on_the_form_with_what_was_typed(client, programme):
    client.force_login(programme)
    response = client.post(
        reverse("library:new"),
        {"kind": "", "title": "Kept title", "body": "", "tags": "!!!", "issued_on_0": "40"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    assert "Choose what kind of document it is" in page
    assert "Enter the document&#x27;s text" in page or "Enter the document's text" in page
    assert "Kept title" in page
    response = client.post(
        reverse("library:new"), {"kind": "other", "title": "T", "body": "B", "tags": "!!!"}
    )
    assert response.status_code == 200
    assert "cannot be a tag" in response.content.decode()
    assert not LibraryItem.objects.exists()


def test_the_team_list_flags_drafts_and_withheld_case_studies_without_a_query_per_row(
    client, programme
):
    client.force_login(programme)
    LibraryItemFactory(title="Draft note")
    case_study(title="Public case")
    withheld = case_study(title="Withheld case")
    withheld.consents.update(withdrawn_at=timezone.now())
    client.get(reverse("library:manage"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("library:manage")).content.decode()
    assert "Draft" in page
    assert "Published" in page
    assert "Withheld: an agreement was withdrawn" in page
    for n in range(8):
        case_study(title=f"More {n}").tags.add(Tag.objects.get_or_create(slug="t", name="T")[0])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("library:manage"))
    assert len(many) == len(few)


def test_the_manage_item_page_shows_agreements_and_publish_buttons(client, programme):
    client.force_login(programme)
    item = LibraryItemFactory(kind="case_study", title="A story")
    page = client.get(reverse("library:manage-item", args=[item.pk])).content.decode()
    assert "No agreement recorded yet" in page
    assert "Publish in the learning library" in page
    CaseStudyConsentFactory(item=item, who="Their trusted person")
    response = client.post(reverse("library:publish", args=[item.pk]), {"publish": "yes"})
    assert response.status_code == 302
    page = client.get(reverse("library:manage-item", args=[item.pk])).content.decode()
    assert "Their trusted person" in page
    assert "Take it out of the public library" in page
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 200
    client.post(reverse("library:publish", args=[item.pk]), {"publish": "no"})
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 404
    assert len(actions("library.item_unpublished")) == 1
