"""Work the task worker does for the champions app."""

from __future__ import annotations

from django_tasks import task


@task()
def send_network_digest(week_starting: str | None = None) -> int:
    """Send this week's Champion Network digests (see
    ``petal.champions.services.network.network_digest``): once per reader per week, so a
    second run sends nothing. ``week_starting`` is an ISO date (a Monday); this week's Monday
    when not given. Returns how many were sent."""
    from petal.champions.services.network import network_digest

    return network_digest(week_starting=week_starting)
