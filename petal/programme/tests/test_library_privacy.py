"""The learning library after review: a withdrawn agreement keeps a document off the public site
whatever its kind becomes (and its kind cannot be changed once agreements are recorded), and
a document's PDF is rendered once per version, not on every request."""

from __future__ import annotations

import pytest
import weasyprint
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import ValidationFailed
from petal.programme.models import LibraryItem
from petal.programme.selectors.library import public_item_ids, public_items
from petal.programme.services import library as services
from petal.programme.tests.factories import (
    CaseStudyConsentFactory,
    LibraryItemFactory,
    MilestoneFactory,
)
from petal.programme.views.library import pdf_cache_key

pytestmark = pytest.mark.django_db

TITLE = "Finding a way back to a GP"


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _withdrawn_case_study(programme) -> LibraryItem:
    item = LibraryItemFactory(
        kind="case_study", title=TITLE, body="A GP surgery.", published_at=timezone.now()
    )
    consent = CaseStudyConsentFactory(item=item)
    services.consent_withdraw(
        actor=programme, item_id=item.pk, consent_id=consent.pk, note="Told us by phone"
    )
    return item


def _public_urls(item) -> list[str]:
    return [
        reverse("library:list"),
        reverse("library:list") + "?q=surgery",
        reverse("library:list") + "?kind=other",
        reverse("library:list") + "?kind=briefing_note",
    ]


@pytest.mark.parametrize("kind", ["other", "briefing_note", "workshop_outcome"])
def test_a_withdrawn_case_study_stays_hidden_whatever_its_kind_becomes(client, programme, kind):
    item = _withdrawn_case_study(programme)
    milestone = MilestoneFactory(library_item=item)
    # However the kind came to change (data from before the rule, a slip in the database), the
    # withdrawal still holds: the rule is in the public query, not only in the form.
    LibraryItem.objects.filter(pk=item.pk).update(kind=kind)

    for url in _public_urls(item):
        assert TITLE not in client.get(url).content.decode(), url
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 404
    assert client.get(reverse("library:pdf", args=[item.pk])).status_code == 404
    assert public_item_ids([milestone.library_item_id]) == set()
    assert not public_items().filter(pk=item.pk).exists()
    # The programme team sees why.
    client.force_login(programme)
    page = client.get(reverse("library:manage")).content.decode()
    assert "Withheld: an agreement was withdrawn" in page


def test_a_document_never_given_agreements_is_public_whatever_its_kind(client):
    item = LibraryItemFactory(kind="other", title="Open material", published_at=timezone.now())
    assert client.get(reverse("library:item", args=[item.pk])).status_code == 200
    assert public_item_ids([item.pk]) == {item.pk}


def test_publishing_is_refused_after_a_withdrawal_whatever_the_kind(programme):
    item = _withdrawn_case_study(programme)
    LibraryItem.objects.filter(pk=item.pk).update(kind="other", published_at=None)
    with pytest.raises(ValidationFailed, match="withdrawn"):
        services.library_item_publish(actor=programme, item_id=item.pk, publish=True)
    item.refresh_from_db()
    assert item.published_at is None


def _edit_form(**overrides) -> dict:
    data = {
        "kind": "other",
        "title": "Typed new title",
        "summary": "Typed summary",
        "body": "Typed body text",
        "tags": "typed tag",
    }
    data.update(overrides)
    return data


def test_changing_the_kind_of_a_document_with_agreements_is_refused(client, programme):
    item = _withdrawn_case_study(programme)
    client.force_login(programme)

    response = client.post(reverse("library:edit", args=[item.pk]), _edit_form())

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    assert "its kind cannot be changed" in page
    assert "Typed new title" in page and "Typed body text" in page  # what was typed is kept
    item.refresh_from_db()
    assert item.kind == "case_study"
    assert item.title == TITLE
    assert not AuditEvent.objects.filter(action="library.item_changed").exists()
    assert not public_items().filter(pk=item.pk).exists()


def test_the_kind_change_is_refused_with_an_agreement_in_force_too(programme):
    item = LibraryItemFactory(kind="case_study", published_at=timezone.now())
    CaseStudyConsentFactory(item=item)
    with pytest.raises(ValidationFailed, match="kind cannot be changed"):
        services.library_item_change(
            actor=programme, item_id=item.pk, kind="briefing_note", title="T", body="B"
        )
    # Other changes to it are still fine.
    services.library_item_change(
        actor=programme, item_id=item.pk, kind="case_study", title="New title", body="B"
    )
    item.refresh_from_db()
    assert (item.kind, item.title) == ("case_study", "New title")


def test_a_document_without_agreements_may_change_kind(programme):
    item = LibraryItemFactory(kind="case_study")
    services.library_item_change(
        actor=programme, item_id=item.pk, kind="other", title="T", body="B"
    )
    item.refresh_from_db()
    assert item.kind == "other"


# --- the PDF is cached by version ----------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The HTML of every PDF WeasyPrint is asked to render."""
    found: list[str] = []
    original = weasyprint.HTML

    def counting(*args, string="", **kwargs):
        found.append(string)
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", counting)
    return found


def test_a_second_request_for_the_pdf_does_not_render_it_again(client, renders):
    item = LibraryItemFactory(title="Workshop outcomes", published_at=timezone.now())
    url = reverse("library:pdf", args=[item.pk])

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF")
    assert second.content == first.content
    assert len(renders) == 1
    assert cache.get(pdf_cache_key(item)) == first.content
    assert second["Cache-Control"] == "no-store"


def test_an_edited_document_gets_a_fresh_pdf(client, programme, renders):
    item = LibraryItemFactory(title="Before the edit", published_at=timezone.now())
    url = reverse("library:pdf", args=[item.pk])
    client.get(url)

    services.library_item_change(
        actor=programme, item_id=item.pk, kind=item.kind, title="After the edit", body="New"
    )
    response = client.get(url)
    client.get(url)

    assert response.status_code == 200
    assert len(renders) == 2
    assert "Before the edit" in renders[0]
    assert "After the edit" in renders[1]


def test_a_cached_pdf_is_never_served_once_the_agreement_is_withdrawn(client, programme, renders):
    item = LibraryItemFactory(kind="case_study", title=TITLE, published_at=timezone.now())
    consent = CaseStudyConsentFactory(item=item)
    url = reverse("library:pdf", args=[item.pk])
    assert client.get(url).status_code == 200
    assert cache.get(pdf_cache_key(item)) is not None

    services.consent_withdraw(actor=programme, item_id=item.pk, consent_id=consent.pk, note="N")

    assert client.get(url).status_code == 404
