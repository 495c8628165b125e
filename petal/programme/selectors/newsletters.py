"""Every read about newsletters: the programme team's list (with how many each was sent to),
one newsletter for preview, the public archive (published only: a draft is as if it did not
exist), the images, and subscriber counts.

Subscribers' addresses are personal data and no page or API shows them: the programme team
sees how many are waiting, subscribed and unsubscribed, never who. So nothing here reads an
address for showing, and there is nothing to audit; the task worker reads them only to send.
"""

from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from petal.core.errors import NotFound
from petal.programme.images import extension_for
from petal.programme.models import (
    DeliveryStatus,
    Newsletter,
    NewsletterImage,
    NewsletterStatus,
    Subscriber,
    SubscriberStatus,
)

PAGE_SIZE = 20
PUBLIC_PAGE_SIZE = 12
API_PAGE_SIZE = 50
IMAGES_SHOWN = 200
THUMB = 240
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _id(value) -> int:
    try:
        found = int(value)
    except (TypeError, ValueError):
        raise NotFound("No such newsletter") from None
    if found < 1 or found > 2**31 - 1:
        raise NotFound("No such newsletter")
    return found


# The error on a delivery claimed for sending whose worker stopped before it could say how it
# went: the email may have arrived, so it is never sent again.
INTERRUPTED = "Interrupted"


def _with_counts(queryset: QuerySet) -> QuerySet:
    def count(status, also=None):
        where = Q(deliveries__status=status)
        return Count("deliveries", filter=where & also if also is not None else where)

    failed = DeliveryStatus.FAILED
    return queryset.annotate(
        sent_count=count(DeliveryStatus.SENT),
        failed_count=count(failed),
        skipped_count=count(DeliveryStatus.SKIPPED),
        queued_count=count(DeliveryStatus.QUEUED),
        # Failed for certain (the mail server refused it or could not be reached): may be
        # sent again. Interrupted: may have arrived, so it is not.
        retryable_count=count(failed, ~Q(deliveries__error=INTERRUPTED)),
        interrupted_count=count(failed, Q(deliveries__error=INTERRUPTED)),
    )


def newsletters_page(*, page=1) -> Page:
    """Every newsletter, drafts and published, newest first, each with its delivery counts
    (one query for the page)."""
    queryset = _with_counts(Newsletter.objects.defer("body")).order_by(
        "-issue_date", "-created_at", "-id"
    )
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def newsletter_get(newsletter_id) -> Newsletter:
    """One newsletter, draft or published, for the programme team, with its delivery counts."""
    newsletter = _with_counts(Newsletter.objects.all()).filter(pk=_id(newsletter_id)).first()
    if newsletter is None:
        raise NotFound("No such newsletter")
    return newsletter


def subscriber_counts() -> dict[str, int]:
    """How many addresses are waiting for confirmation, subscribed and unsubscribed: counts
    only, never who (one query)."""
    counts = {status.value: 0 for status in SubscriberStatus}
    rows = Subscriber.objects.order_by().values("status").annotate(n=Count("id"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def confirmed_count() -> int:
    """How many a newsletter would go to if sent now."""
    return Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count()


# --- public --------------------------------------------------------------------------------------


def _published() -> QuerySet:
    return Newsletter.objects.filter(status=NewsletterStatus.PUBLISHED).order_by(
        "-issue_date", "-published_at", "-id"
    )


def archive_page(*, page=1) -> Page:
    """The public archive: published newsletters, newest first."""
    return Paginator(_published().defer("body"), PUBLIC_PAGE_SIZE).get_page(page)


def published_get(newsletter_id) -> Newsletter:
    """A published newsletter; a draft (or none) is NotFound."""
    newsletter = _published().filter(pk=_id(newsletter_id)).first()
    if newsletter is None:
        raise NotFound("No such newsletter")
    return newsletter


def published_for_api(*, page: int = 1) -> list[Newsletter]:
    start = (max(page, 1) - 1) * API_PAGE_SIZE
    return list(_published().defer("body")[start : start + API_PAGE_SIZE])


# --- images --------------------------------------------------------------------------------------


def images() -> list[NewsletterImage]:
    """The uploaded images, newest first, without their bytes; each with ``extension`` (for
    its address) and ``thumb_width``/``thumb_height`` (to show it small)."""
    found = list(
        NewsletterImage.objects.defer("data").order_by("-uploaded_at", "-id")[:IMAGES_SHOWN]
    )
    for image in found:
        image.extension = extension_for(image.content_type)
        scale = min(1.0, THUMB / max(image.width, image.height, 1))
        image.thumb_width = max(1, round(image.width * scale))
        image.thumb_height = max(1, round(image.height * scale))
    return found


def image_get(name: str) -> NewsletterImage:
    """An image by the name in its address: its key, with or without an extension."""
    key = str(name or "").split(".", 1)[0]
    if not KEY.fullmatch(key):
        raise NotFound("No such image")
    image = NewsletterImage.objects.filter(key=key).first()
    if image is None:
        raise NotFound("No such image")
    return image


# --- subscribers ---------------------------------------------------------------------------------


def subscriber_by_unsubscribe_token(token: str) -> Subscriber:
    """The subscriber an unsubscribe link is for (the token is the secret); NotFound when no
    one's, so a guessed link learns nothing."""
    token = str(token or "")
    if not (0 < len(token) <= 64) or "\x00" in token:
        raise NotFound("This link is not valid")
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise NotFound("This link is not valid")
    return subscriber
