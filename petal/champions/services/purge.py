"""Clearing away signatures of the pledge that were never confirmed.

A visitor's signature is kept, unconfirmed, until they follow the link emailed to them, which
works for ``PLEDGE_LINK_DAYS`` (7) days. Once the link has expired the row can never count: it
is a name and an email address that nobody proved were theirs, so it is deleted. A daily cron
runs ``manage.py champions_purge_unconfirmed``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from petal.audit.services import audit_record
from petal.champions.models import Champion, ChampionStatus
from petal.champions.services.champions import PLEDGE_LINK_DAYS

# A day beyond the link's life, so a link opened just before it expires is never cut short.
DEFAULT_OLDER_THAN_DAYS = PLEDGE_LINK_DAYS + 1


@transaction.atomic
def unconfirmed_pledges_purge(*, now=None, older_than_days: int = DEFAULT_OLDER_THAN_DAYS) -> int:
    """Delete every unconfirmed signature made more than ``older_than_days`` days before
    ``now``, and record one audit event with how many (none when there were none). Returns how
    many were deleted. Pledges that were confirmed, decided or withdrawn are never touched."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    ids = list(
        Champion.objects.filter(status=ChampionStatus.UNCONFIRMED, signed_at__lt=cutoff)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    # The status is asked again: a visitor who follows their link as this runs keeps the pledge.
    _, per_model = Champion.objects.filter(pk__in=ids, status=ChampionStatus.UNCONFIRMED).delete()
    count = per_model.get(Champion._meta.label, 0)
    if count:
        audit_record(
            actor=None,
            action="champion.unconfirmed_purged",
            object_type="champions.champion",
            data={"count": count},
        )
    return count
