"""The outcomes dashboards: counts only, never a person, with small numbers suppressed.

Each dashboard is a module in this package that registers a ``Dashboard``; its ``build(actor,
params)`` returns the figures as ``Table`` objects (petal.outcomes.tables), which the page, the
CSV and XLSX downloads, the quarterly PDF and the reports API all read — so every one of them
shows the same suppressed figures.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from petal.core.errors import NotFound
from petal.outcomes.tables import Table


@dataclass
class Built:
    """What a dashboard shows for one set of parameters."""

    tables: list[Table]
    # Charts for the page, each beside the table it draws (keyed by the table's slug).
    charts: dict[str, dict] = field(default_factory=dict)
    # The parameters as understood (a date, a number of months …), for the page and exports.
    params: dict = field(default_factory=dict)
    # Plain-words description of what the figures cover ("People in the cohort on 1 May 2026").
    caption: str = ""

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise NotFound("No such table")


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str
    summary: str
    build: Callable[..., Built]  # build(actor, params: Mapping[str, str]) -> Built
    order: int = 0


REGISTRY: dict[str, Dashboard] = {}


def _counted_across_everyone(build: Callable[..., Built]) -> Callable[..., Built]:
    """Dashboards count everyone in the cohort (never showing a person, small numbers
    suppressed), so they read past row-level security (petal.access.rls)."""

    @functools.wraps(build)
    def wrapped(*args, **kwargs) -> Built:
        from petal.access.rls import unrestricted

        with unrestricted():
            return build(*args, **kwargs)

    return wrapped


def register(dashboard: Dashboard) -> Dashboard:
    dashboard = dataclasses.replace(dashboard, build=_counted_across_everyone(dashboard.build))
    REGISTRY[dashboard.slug] = dashboard
    return dashboard


def _load() -> None:
    # Importing the modules registers their dashboards.
    from petal.outcomes.dashboards import modules  # noqa: F401


def all_dashboards() -> list[Dashboard]:
    _load()
    return sorted(REGISTRY.values(), key=lambda d: (d.order, d.title))


def get(slug: str) -> Dashboard:
    _load()
    if slug not in REGISTRY:
        raise NotFound("No such dashboard")
    return REGISTRY[slug]
