from __future__ import annotations

from django.db import transaction

from petal.audit.services import audit_record
from petal.site.models import Page, PageVersion


@transaction.atomic
def page_update(*, actor, page: Page, title: str, summary: str, body: str) -> Page:
    """Save new content for a public page, keeping what it said before as a version."""
    locked = Page.objects.select_for_update().get(pk=page.pk)
    PageVersion.objects.create(
        page=locked,
        title=locked.title,
        summary=locked.summary,
        body=locked.body,
        saved_by=locked.updated_by,
    )
    changed = [
        name
        for name, value in (("title", title), ("summary", summary), ("body", body))
        if getattr(locked, name) != value
    ]
    locked.title, locked.summary, locked.body = title, summary, body
    locked.updated_by = actor
    locked.save()
    audit_record(actor=actor, action="site.page_updated", obj=locked, data={"changed": changed})
    return locked
