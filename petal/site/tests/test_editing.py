"""The programme team keeps the public pages up to date; nothing they wrote is lost."""

import pytest

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.site.models import Page

pytestmark = pytest.mark.django_db


def test_programme_team_edits_a_page_and_the_old_words_are_kept(client, make_user):
    editor = make_user(Role.PROGRAMME_TEAM)
    client.force_login(editor)
    before = Page.objects.get(slug="vision")
    response = client.post(
        "/pages/vision/edit",
        {"title": "Our vision", "summary": "Four areas", "body": "## New\n\nNew words."},
    )
    assert response.status_code == 302
    page = Page.objects.get(slug="vision")
    assert page.title == "Our vision"
    assert page.updated_by == editor
    version = page.versions.get()
    assert version.body == before.body
    assert version.title == before.title
    assert AuditEvent.objects.filter(action="site.page_updated", object_id=str(page.pk)).exists()
    assert "New words." in client.get("/vision").content.decode()


def test_bad_edit_shows_errors_and_keeps_what_was_typed(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    long_summary = "x" * 301
    response = client.post(
        "/pages/vision/edit", {"title": "", "summary": long_summary, "body": "Kept words"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a title" in html
    assert "Summary must be 300 characters or fewer" in html
    assert "Kept words" in html
    assert Page.objects.get(slug="vision").body != "Kept words"


def test_script_in_page_content_is_not_rendered(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    client.post(
        "/pages/vision/edit",
        {"title": "Vision", "summary": "", "body": "Hello <script>alert(1)</script>"},
    )
    client.logout()
    html = client.get("/vision").content.decode()
    assert "alert(1)" not in html.split("<main")[1]


def test_unknown_page_is_404(client):
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/pages/no-such-page/edit").status_code == 302
