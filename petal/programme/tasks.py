"""Work the task worker does for the programme app."""

from __future__ import annotations

from django_tasks import task


@task()
def send_newsletter(*, newsletter_id: int, delivery_ids: list[int] | None = None) -> dict:
    """Send a published newsletter to its subscribers (see
    ``petal.programme.services.newsletters.newsletter_deliver``): one delivery per subscriber
    confirmed now, each sent at most once, so running it again sends nobody a second copy.
    Returns how many were sent, skipped and failed in this run. With ``delivery_ids`` (the
    team sending it again after failures) only those queued deliveries are sent."""
    from petal.programme.services.newsletters import newsletter_deliver

    return newsletter_deliver(newsletter_id=newsletter_id, delivery_ids=delivery_ids)
