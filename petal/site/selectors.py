from __future__ import annotations

from django.db.models import QuerySet

from petal.core.errors import NotFound
from petal.site.models import Page, PageVersion


def pages_listed() -> QuerySet[Page]:
    return Page.objects.filter(listed=True).order_by("order", "title")


def pages_all() -> QuerySet[Page]:
    return Page.objects.select_related("updated_by").order_by("order", "title")


def page_get(slug: str) -> Page:
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise NotFound("No such page")
    return page


def page_versions(page: Page) -> QuerySet[PageVersion]:
    return page.versions.select_related("saved_by").order_by("-saved_at", "-id")
