"""The programme team's home page counts what is waiting in each part, in a fixed number of
queries, and is the programme team's alone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from petal.access.roles import Role
from petal.core.errors import Forbidden
from petal.programme.models import Milestone
from petal.programme.selectors.home import programme_home
from petal.programme.tests.factories import (
    CaseStudyConsentFactory,
    ContactMessageFactory,
    ContributionFactory,
    FeedbackFactory,
    LibraryItemFactory,
    MilestoneFactory,
    NewsletterFactory,
    SelfAssessmentFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


def _fill():
    ContributionFactory(amount=1_000, status="committed")
    ContributionFactory(amount=250, status="potential")
    ContributionFactory(amount=9_999, status="committed", withdrawn_at=timezone.now())
    MilestoneFactory(document_expected=True)
    MilestoneFactory(document_expected=True, document_url="https://example.org/report.pdf")
    NewsletterFactory(status="published", published_at=timezone.now())
    NewsletterFactory()
    NewsletterFactory()
    SubscriberFactory()
    SubscriberFactory(status="pending", confirmed_at=None)
    LibraryItemFactory(published_at=timezone.now())
    CaseStudyConsentFactory(withdrawn_at=timezone.now())
    FeedbackFactory()
    FeedbackFactory(response="We changed it", published_at=timezone.now())
    ContactMessageFactory()
    ContactMessageFactory(status="closed")
    SelfAssessmentFactory()
    SelfAssessmentFactory(submitted_at=timezone.now())


def test_home_counts_what_is_waiting_in_each_part(make_user):
    _fill()
    home = programme_home(make_user(Role.PROGRAMME_TEAM))
    # The seed's three milestones still wait for their documents, plus the one made here.
    seeded_missing = Milestone.objects.filter(document_expected=True, title__startswith="The ")
    assert home.documents_missing == seeded_missing.count() + 1
    assert home.totals["financial"] == {"committed": 1_000, "potential": 250}
    assert (home.newsletters_published, home.newsletter_drafts, home.subscribers) == (1, 2, 1)
    assert (home.library_published, home.library_drafts) == (1, 1)
    assert home.case_studies_withheld == 1
    assert (home.feedback_to_answer, home.feedback_published) == (1, 1)
    assert (home.contact_new, home.contact_in_progress) == (1, 0)
    assert (home.assessments_in_progress, home.assessments_submitted) == (1, 1)


def test_home_page_shows_the_counts_in_a_fixed_number_of_queries(
    client, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    client.get("/programme/")
    _fill()
    with django_assert_max_num_queries(20):
        html = client.get("/programme/").content.decode()
    assert "£1,000" in html and "£250" in html
    assert "1 new" in html


def test_only_the_programme_team_sees_the_home(make_user):
    with pytest.raises(Forbidden):
        programme_home(make_user(Role.GOVERNANCE_MEMBER))
