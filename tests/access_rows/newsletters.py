"""Access-matrix rows for newsletters: the archive, subscribing, unsubscribing and images are
public; writing, previewing, publishing, sending again and uploading images are the programme
team's. A draft is as if it did not exist to the public."""

from __future__ import annotations

from tests.access_rows.common import (  # noqa: F401
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

TEAM = {R.PROGRAMME_TEAM}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "newsletters:archive": ("/newsletters/", allow(EVERYONE)),
    "newsletters:newsletter": ("/newsletters/{newsletter_published}", allow(EVERYONE)),
    "newsletters:subscribe": ("/newsletters/subscribe", allow(EVERYONE)),
    "newsletters:subscribe-sent": ("/newsletters/subscribe/sent", allow(EVERYONE)),
    # A link that is not valid is a page saying so, for anyone.
    "newsletters:confirm": ("/newsletters/confirm/not-a-token", allow(EVERYONE)),
    # An unsubscribe link no one holds: a calm "not valid" page with 404.
    "newsletters:unsubscribe": (
        "/newsletters/unsubscribe/not-a-token",
        allow(EVERYONE, ok_status=404),
    ),
    "newsletters:image": ("/newsletters/images/{newsletter_image}.png", allow(EVERYONE)),
    "newsletters:manage": ("/programme/newsletters/", allow(TEAM)),
    "newsletters:new": ("/programme/newsletters/new", allow(TEAM)),
    "newsletters:images": ("/programme/newsletters/images", allow(TEAM)),
    "newsletters:preview": ("/programme/newsletters/{newsletter_draft}", allow(TEAM)),
    "newsletters:edit": ("/programme/newsletters/{newsletter_draft}/edit", allow(TEAM)),
    # POST only: a GET is refused once the role check has passed.
    "newsletters:publish": (
        "/programme/newsletters/{newsletter_draft}/publish",
        allow(TEAM, ok_status=405),
    ),
    "newsletters:retry": (
        "/programme/newsletters/{newsletter_draft}/retry",
        allow(TEAM, ok_status=405),
    ),
    "api:newsletters_list": ("/api/v1/newsletters", allow(EVERY_ROLE, anon=401)),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {
    ("get", "/api/v1/newsletters"): ("/api/v1/newsletters", None, allow(EVERY_ROLE, anon=401)),
}


def _pixel() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    return out.getvalue()


def ids() -> dict:
    from django.utils import timezone

    from petal.programme.models import NewsletterImage
    from petal.programme.tests.factories import NewsletterFactory

    image = NewsletterImage.objects.create(
        alt="One pixel", content_type="image/png", data=_pixel(), width=1, height=1
    )
    return {
        "newsletter_draft": NewsletterFactory().pk,
        "newsletter_published": NewsletterFactory(
            status="published", published_at=timezone.now()
        ).pk,
        "newsletter_image": image.key,
    }
