"""Factories for the programme app. Each part's tests may add its own factories in its own test
module; these are the shared ones."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.accounts.tests.factories import OrganisationFactory
from petal.programme.models import (
    CaseStudyConsent,
    ContactMessage,
    Contribution,
    Contributor,
    Feedback,
    LibraryItem,
    Milestone,
    Newsletter,
    Partner,
    SelfAssessment,
    Subscriber,
    Tag,
    TrainingRecord,
)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    organisation = factory.SubFactory(OrganisationFactory)
    tier = "other"


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    partner = factory.SubFactory(PartnerFactory)
    kind = "financial"
    status = "committed"
    financial_year = 2022
    amount = 10_000


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"Milestone {n}")
    date = dt.date(2023, 3, 1)
    precision = "day"


class NewsletterFactory(DjangoModelFactory):
    class Meta:
        model = Newsletter

    title = factory.Sequence(lambda n: f"Newsletter {n}")
    summary = "News from the programme."
    body = "## What happened\n\nPartners met and agreed the next steps."


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.Sequence(lambda n: f"Tag {n}")


class LibraryItemFactory(DjangoModelFactory):
    class Meta:
        model = LibraryItem

    kind = "briefing_note"
    title = factory.Sequence(lambda n: f"Library document {n}")
    summary = "What this document is about."
    body = "## Background\n\nHow the Trusted Person approach works in practice."


class CaseStudyConsentFactory(DjangoModelFactory):
    class Meta:
        model = CaseStudyConsent

    item = factory.SubFactory(LibraryItemFactory, kind="case_study")
    who = "The person the story is about"
    agreed_on = dt.date(2023, 5, 2)
    how = "Signed the case-study agreement with their trusted person"


class SelfAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = SelfAssessment

    organisation = factory.SubFactory(OrganisationFactory)


class TrainingRecordFactory(DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    organisation = factory.SubFactory(OrganisationFactory)
    course = "trauma_informed"
    completed_on = dt.date(2023, 9, 14)
    staff_trained = 12


class ContributorFactory(DjangoModelFactory):
    class Meta:
        model = Contributor

    named_as = factory.Sequence(lambda n: f"Contributor {n}")
    consent_to_contact = True
    consent_recorded_on = dt.date(2023, 1, 10)
    email = factory.Sequence(lambda n: f"contributor{n}@example.org")


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = Feedback

    contributor = factory.SubFactory(ContributorFactory)
    received_on = dt.date(2023, 6, 1)
    said = "Letters about appointments arrive after the appointment."


class ContactMessageFactory(DjangoModelFactory):
    class Meta:
        model = ContactMessage

    name = "Sam Visitor"
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    topic = "question"
    message = "How can my organisation take part?"
