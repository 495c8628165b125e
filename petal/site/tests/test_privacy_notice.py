"""The privacy notice says what the programme keeps about visitors, subscribers and people who
take part in shaping the programme (site migration 0003)."""

import importlib

import pytest

from petal.site.models import Page

pytestmark = pytest.mark.django_db

privacy_migration = importlib.import_module("petal.site.migrations.0003_privacy_programme")


def test_privacy_notice_covers_contact_newsletter_and_co_production(client):
    html = client.get("/privacy").content.decode()
    assert "If you contact us or subscribe to the newsletter" in html
    assert "The programme team sees how many people subscribe, never who." in html
    assert "If you take part in shaping the programme" in html
    # Placed before the retention section, once.
    body = Page.objects.get(slug="privacy").body
    assert body.count(privacy_migration.MARKER) == 1
    assert body.index(privacy_migration.MARKER) < body.index(privacy_migration.HEADING)


def test_adding_the_section_again_changes_nothing_and_keeps_the_old_words():
    from django.apps import apps

    page = Page.objects.get(slug="privacy")
    before, versions = page.body, page.versions.count()
    privacy_migration.load(apps, None)
    page.refresh_from_db()
    assert page.body == before
    assert page.versions.count() == versions


def test_a_rewritten_notice_gets_the_section_at_the_end_and_its_words_kept():
    from django.apps import apps

    page = Page.objects.get(slug="privacy")
    page.body = "Our own words about privacy."
    page.save()
    privacy_migration.load(apps, None)
    page.refresh_from_db()
    assert page.body.startswith("Our own words about privacy.")
    assert page.body.rstrip().endswith("anyone withdraws.")
    assert page.versions.filter(body="Our own words about privacy.").exists()
