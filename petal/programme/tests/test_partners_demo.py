"""The partners demo: the seed's figures exactly (£377,000 committed and £180,000 potential in
2022/23), staff time and other support with no value in pounds, the seed's milestones still
waiting for their documents, and safe to load twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from petal.programme.demo import partners as demo
from petal.programme.models import Contribution, Milestone
from petal.programme.selectors.milestones import public_milestones
from petal.programme.selectors.partners import contribution_totals

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_seed_figures_and_loads_twice_without_doubling():
    first = demo.load()
    count = Contribution.objects.count()
    assert "£377,000 committed and £180,000 potential" in first
    assert demo.load().startswith("Partners' contributions for 2022/23 (0 new)")
    assert Contribution.objects.count() == count
    totals = contribution_totals(financial_year=2022)
    assert totals["financial"] == {"committed": 377_000, "potential": 180_000}
    assert totals["total"] == {"committed": 377_000, "potential": 180_000}
    assert contribution_totals() == totals


def test_the_demo_has_staff_time_and_other_support_without_a_value():
    demo.load()
    coordinator = Contribution.objects.get(role="Trusted Person coordinator")
    assert coordinator.partner.organisation.name == "Probation Service"
    assert coordinator.fte == Decimal("0.5") and coordinator.amount is None
    assert (f"{coordinator.period_start:%B %Y}", f"{coordinator.period_end:%B %Y}") == (
        "April 2022",
        "March 2023",
    )
    others = Contribution.objects.filter(kind="other")
    assert others.count() >= 2 and not others.filter(amount__isnull=False).exists()
    assert Contribution.objects.filter(kind="staffing", amount__isnull=False).count() == 0


def test_the_seed_milestones_keep_their_documents_missing():
    demo.load()
    assert Milestone.objects.count() == 3
    assert all(row.document_missing for row in public_milestones())
