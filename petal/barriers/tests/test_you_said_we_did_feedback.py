"""The public "You said, we did" page's second section: feedback from people with lived
experience, with what was done about it. Only feedback the programme team published (which
needs a response) is shown; the person is named only as they asked to be named, and never
when that is "Anonymous"; nothing else about them is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petal.programme.tests.factories import ContributorFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


def published_feedback(**kwargs):
    return FeedbackFactory(
        response=kwargs.pop("response", "We changed the letters."),
        responded_on=dt.date(2023, 7, 1),
        published_at=timezone.now(),
        **kwargs,
    )


def page(client, **params):
    return client.get(reverse("learning:list"), params).content.decode()


def test_unpublished_feedback_never_shows_and_published_does(client):
    published_feedback(said="The waiting room felt unsafe.", response="We made a quiet room.")
    FeedbackFactory(said="Not yet answered at all.")
    FeedbackFactory(
        said="Answered but not published.",
        response="Something we did.",
        responded_on=dt.date(2023, 8, 1),
    )
    shown = page(client)
    assert "You said, we did: feedback from people with lived experience" in shown
    assert "The waiting room felt unsafe." in shown
    assert "We made a quiet room." in shown
    assert "Not yet answered at all." not in shown
    assert "Answered but not published." not in shown
    assert "Something we did." not in shown


def test_the_person_is_named_only_as_they_asked_and_never_anonymous(client):
    named = ContributorFactory(
        named_as="Jay R.", email="jay@example.org", phone="07700 900001", notes="Private note"
    )
    anonymous = ContributorFactory(named_as="Anonymous", email="anon@example.org")
    published_feedback(contributor=named, said="Named feedback.", where="Peterborough session")
    published_feedback(contributor=anonymous, said="Anonymous feedback.")
    published_feedback(contributor=None, said="Feedback from no one in the register.")
    shown = page(client)
    assert "Jay R." in shown
    assert "Anonymous feedback." in shown
    assert ">Anonymous<" not in shown
    for private in ("jay@example.org", "07700 900001", "Private note", "anon@example.org"):
        assert private not in shown
    # Where it was said could point to someone: it is not shown.
    assert "Peterborough session" not in shown


def test_taking_feedback_off_removes_it_at_once(client):
    feedback = published_feedback(said="Soon to be taken off.")
    assert "Soon to be taken off." in page(client)
    feedback.published_at = None
    feedback.save()
    assert "Soon to be taken off." not in page(client)


def test_the_feedback_section_makes_no_query_per_row_and_pages_by_ten(client):
    for n in range(2):
        published_feedback(contributor=ContributorFactory(), said=f"Said {n}.")
    page(client)
    with CaptureQueriesContext(connection) as few:
        page(client)
    for n in range(2, 14):
        published_feedback(contributor=ContributorFactory(), said=f"Said {n}.")
    with CaptureQueriesContext(connection) as many:
        shown = page(client)
    assert len(many) == len(few)
    assert "14 responses" in shown
    assert "Feedback page 1 of 2" in shown
    assert "Said 0." in page(client, feedback_page=2)
