"""Factories for the champions app. ``champion_user()`` gives a signed-in, approved champion."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.access.roles import Role
from petal.accounts.models import Membership
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from petal.champions.models import (
    Answer,
    Champion,
    ChampionStatus,
    Event,
    EventKind,
    EventStatus,
    Question,
    Registration,
    Story,
    SupportConnection,
    Topic,
)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class ChampionFactory(DjangoModelFactory):
    """An approved champion with a sign-in (pass ``user=None, status="pending"`` for a visitor's
    pledge waiting for approval)."""

    class Meta:
        model = Champion
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda c: c.user.full_name if c.user else "Visitor Name")
    email = factory.LazyAttributeSequence(
        lambda c, n: c.user.email if c.user else f"visitor{n}@example.org"
    )
    organisation = factory.SubFactory(OrganisationFactory)
    how_to_reach = "Email me, Tuesdays to Thursdays"
    help_with = "Finding the right door at the council"
    status = ChampionStatus.APPROVED
    pledge_text = "I pledge to work relationally."
    decided_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        """An approved champion holds the champion role (the directory asks for it); pass
        ``role=False`` for one whose role was ended elsewhere."""
        if not create or extracted is False or obj.user is None:
            return
        if obj.status != ChampionStatus.APPROVED:
            return
        if not Membership.objects.filter(
            user=obj.user, role=Role.CHAMPION, ended_at__isnull=True
        ).exists():
            Membership.objects.create(
                user=obj.user, role=Role.CHAMPION, organisation=obj.organisation
            )


def champion_user(**kwargs):
    """A user holding the champion role with an approved directory entry; returns the user."""
    membership = MembershipFactory(role=Role.CHAMPION)
    ChampionFactory(user=membership.user, organisation=membership.organisation, **kwargs)
    return membership.user


class SupportConnectionFactory(DjangoModelFactory):
    class Meta:
        model = SupportConnection

    requested_by = factory.LazyFunction(lambda: MembershipFactory(role=Role.TRUSTED_PERSON).user)
    champion = factory.SubFactory(ChampionFactory)
    kind = "support"
    note = "How do I get a housing application moving when the person has no ID?"


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"How do I help with benefits claims, question {n}?")
    body = "Someone I support lost their claim after missing an appointment."


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body = "Ask the jobcentre for a mandatory reconsideration within a month."


class StoryFactory(DjangoModelFactory):
    class Meta:
        model = Story

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"What worked {n}")
    body = "Meeting in a cafe rather than an office made the difference."


def _next_month() -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Trauma-informed systems workshop {n}")
    kind = EventKind.WORKSHOP
    summary = "A morning on trauma-informed systems for champions and trusted persons."
    starts_at = factory.LazyFunction(_next_month)
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + dt.timedelta(hours=3))
    place = "Huntingdon Town Hall"
    status = EventStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
