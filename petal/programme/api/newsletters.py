"""/api/v1/newsletters: the published newsletters, as in the public archive (every role may
read them, ``programme.view``). Never drafts, and nothing about subscribers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from petal.access.api import require
from petal.programme.selectors.newsletters import API_PAGE_SIZE, published_for_api

router = Router(tags=["newsletters"])


class NewsletterQuery(Schema):
    page: int = Field(1, ge=1, le=100_000, description=f"{API_PAGE_SIZE} a page, newest first")


class NewsletterOut(Schema):
    id: int
    title: str
    summary: str
    issue_date: dt.date | None
    published_at: dt.datetime | None
    url: str = Field(..., description="Its page in the public archive")


@router.get(
    "/newsletters", response=list[NewsletterOut], summary="Published newsletters, newest first"
)
def newsletters_list(request, query: Query[NewsletterQuery]):
    require(request, "programme.view")
    return [
        NewsletterOut(
            id=n.pk,
            title=n.title,
            summary=n.summary,
            issue_date=n.issue_date,
            published_at=n.published_at,
            url=settings.PETAL_BASE_URL
            + reverse("newsletters:newsletter", kwargs={"newsletter_id": n.pk}),
        )
        for n in published_for_api(page=query.page)
    ]
