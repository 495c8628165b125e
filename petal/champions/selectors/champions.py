"""Reads for the pledge, the champions directory, support connections and barriers raised in
the network. Every read is scoped in the database query by ``petal.access.champions``: the
directory lists approved champions only, a connection is seen by its two sides only, and the
person a connection points at is shown to the champion only while their consent still covers
the champion (worked out at every request, and each showing audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from petal.access.categories import Category
from petal.access.champions import caseload_people, connection_visibility, directory_filter
from petal.access.people import person_visibility
from petal.accounts.models import Organisation, User
from petal.audit.services import audit_record
from petal.champions.models import (
    CHAMPION_CURRENT,
    Champion,
    ChampionStatus,
    NetworkBarrier,
    SupportConnection,
    Topic,
)
from petal.core.errors import NotFound

PLEDGE_SLUG = "champions-pledge"
PAGE_SIZE = 25
MAX_SEARCH_WORDS = 8


def _id(value) -> int | None:
    """A record id typed in a URL or a form, or None ("²" is a digit but not a number)."""
    text = str(value if value is not None else "")
    return int(text) if text.isascii() and text.isdecimal() and 0 < len(text) < 12 else None


# --- the pledge ----------------------------------------------------------------------------------


def pledge_page():
    """The site page holding the pledge (the programme team edits it like any other page)."""
    from petal.site.selectors import page_get

    return page_get(PLEDGE_SLUG)


def pledge_counts() -> dict[str, int]:
    """How many champions the directory lists, and in how many organisations: an organisation
    in Petal's list counts once, and so does each organisation name typed by a visitor."""
    rows = (
        Champion.objects.filter(directory_filter())
        .order_by()
        .values_list("organisation_id", Lower("organisation_name"))
        .distinct()
    )
    champions = Champion.objects.filter(directory_filter()).count()
    organisations = {("org", org) if org else ("name", name.strip()) for org, name in rows}
    organisations.discard(("name", ""))
    return {"champions": champions, "organisations": len(organisations)}


def current_pledge_for(user) -> Champion | None:
    """The user's pledge waiting for approval or approved: theirs by sign-in, or signed as a
    visitor with their email before they were linked. A visitor's pledge whose email address
    was never confirmed is not theirs: anyone could have typed it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Champion.objects.filter(status__in=CHAMPION_CURRENT)
        .filter(Q(user=user) | Q(user__isnull=True, email=user.email.lower()))
        .select_related("organisation", "district", "partnership")
        .prefetch_related("areas", "skills")
        .order_by("-signed_at")
        .first()
    )


def approved_champion_for(user) -> Champion | None:
    """The user's own entry in the directory (None when they have none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Champion.objects.filter(directory_filter(), user=user)
        .select_related("organisation", "district", "partnership")
        .prefetch_related("areas", "skills")
        .first()
    )


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def topics() -> QuerySet[Topic]:
    return Topic.objects.order_by("order", "name")


def first_organisation_of(user) -> Organisation | None:
    """The organisation of the user's first role in force (to suggest on the pledge form)."""
    from petal.access.policy import memberships_of

    ids = [org for _, org, _ in memberships_of(user) if org]
    return Organisation.objects.filter(pk__in=ids).order_by("name").first() if ids else None


# --- the programme team's queue ------------------------------------------------------------------


def pledge_queue(*, recent: int = 30) -> tuple[list[Champion], list[Champion]]:
    """Pledges waiting for a decision (oldest first), and the most recent decisions."""
    base = Champion.objects.select_related("organisation", "decided_by")
    waiting = list(base.filter(status=ChampionStatus.PENDING).order_by("signed_at", "id"))
    decided = list(
        base.exclude(status=ChampionStatus.PENDING)
        .filter(decided_at__isnull=False)
        .order_by("-decided_at", "-id")[:recent]
    )
    return waiting, decided


def pledge_get(champion_id) -> Champion:
    """One pledge, for the programme team (who see every pledge whose email address has been
    confirmed: until then it is not a pledge, only a signature waiting for its link)."""
    pk = _id(champion_id)
    champion = (
        Champion.objects.select_related(
            "organisation", "district", "partnership", "decided_by", "user"
        )
        .prefetch_related("areas", "skills")
        .exclude(status=ChampionStatus.UNCONFIRMED)
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if champion is None:
        raise NotFound("No such pledge")
    return champion


def sign_in_for(champion: Champion) -> User | None:
    """The Petal sign-in approving the pledge would give the champion role to: the one it was
    signed with, or one with its email address."""
    if champion.user_id:
        return champion.user
    return User.objects.filter(email__iexact=champion.email).first()


# --- the directory -------------------------------------------------------------------------------


def _directory() -> QuerySet[Champion]:
    return (
        Champion.objects.filter(directory_filter())
        .select_related("organisation", "district", "partnership")
        .prefetch_related("areas", "skills")
    )


def directory_search(
    *, q: str = "", area: str = "", skill: str = "", district: str = "", partnership: str = ""
) -> QuerySet[Champion]:
    """Approved champions matching every word of ``q`` (in their name, organisation, job title
    or what they can help with) and each filter given, by name."""
    found = _directory()
    for word in (q or "").split()[:MAX_SEARCH_WORDS]:
        found = found.filter(
            Q(full_name__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation_name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(help_with__icontains=word)
        )
    if area:
        found = found.filter(areas__code=area)
    if skill:
        found = found.filter(skills__slug=skill)
    if district:
        found = found.filter(district__code=district)
    if partnership:
        found = found.filter(partnership__slug=partnership)
    return found.order_by("full_name", "id")


def directory_page(*, page=1, **filters) -> Page:
    return Paginator(directory_search(**filters), PAGE_SIZE).get_page(page)


def champion_in_directory(champion_id) -> Champion:
    """One champion from the directory; anyone else (pending, declined, withdrawn, disabled
    sign-in, no such id) is answered as missing."""
    pk = _id(champion_id)
    champion = _directory().filter(pk=pk).first() if pk else None
    if champion is None:
        raise NotFound("No such champion")
    return champion


def other_champions(champion: Champion) -> QuerySet[Champion]:
    """Champions in the directory a champion may suggest instead of themselves."""
    return (
        Champion.objects.filter(directory_filter())
        .exclude(pk=champion.pk)
        .exclude(user_id=champion.user_id)
        .select_related("organisation")
        .order_by("full_name", "id")
    )


# --- support connections -------------------------------------------------------------------------


def covered_people(actor, champion: Champion):
    """The actor's own people whose consent in force covers the champion: the only people a
    connection may point at."""
    return caseload_people(actor).filter(person_visibility(champion.user)).order_by("full_name")


def covered_people_listed(actor, champion: Champion) -> list:
    """``covered_people`` for the connect form's choice: their names are listed, so the list
    is audited, as every list of people is."""
    people = list(covered_people(actor, champion))
    if people:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="people.listed",
                object_type="people.person",
                categories=[Category.IDENTITY],
                data={"context": "support connection", "people": [p.pk for p in people]},
            )
    return people


@dataclass
class ConnectionView:
    connection: SupportConnection
    is_requester: bool
    is_champion: bool
    person: object | None  # shown only while the reader may see them
    person_hidden: bool  # a person is recorded but the reader may no longer see them
    suggested: Champion | None = None  # offered only while still in the directory
    suggested_gone: bool = False  # a champion was suggested but is no longer in the directory

    @property
    def open(self) -> bool:
        return self.connection.status != "closed"


def _connections(actor) -> QuerySet[SupportConnection]:
    return SupportConnection.objects.filter(connection_visibility(actor)).select_related(
        "requested_by",
        "champion",
        "champion__organisation",
        "suggested",
        "suggested__organisation",
        "closed_by",
    )


def connection_get(actor, connection_id) -> ConnectionView:
    """One connection for one of its two sides (anyone else: missing). The person it points at
    is shown only while ``person_visibility`` lets the reader see them, decided now; each
    showing (to the champion or the trusted person) is recorded as a read of the person."""
    from petal.people.models import Person

    pk = _id(connection_id)
    connection = _connections(actor).filter(pk=pk).first() if pk else None
    if connection is None:
        raise NotFound("No such connection")
    is_requester = connection.requested_by_id == actor.pk
    is_champion = connection.champion.user_id == actor.pk
    person = None
    if connection.person_id:
        person = Person.objects.filter(
            person_visibility(actor, Category.IDENTITY), pk=connection.person_id
        ).first()
        if person is not None:
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="connection.read",
                    obj=person,
                    categories=[Category.IDENTITY],
                    data={"connection": connection.pk},
                )
    suggested = None
    if connection.suggested_id and (
        Champion.objects.filter(directory_filter(), pk=connection.suggested_id).exists()
    ):
        suggested = connection.suggested
    return ConnectionView(
        connection=connection,
        is_requester=is_requester,
        is_champion=is_champion,
        person=person,
        person_hidden=bool(connection.person_id) and person is None,
        suggested=suggested,
        suggested_gone=bool(connection.suggested_id) and suggested is None,
    )


def connections_asked(actor) -> list[SupportConnection]:
    """Connections the actor asked for, newest first."""
    return list(_connections(actor).filter(requested_by=actor).order_by("-created_at", "-id"))


def connections_asked_of(actor) -> list[SupportConnection]:
    """Connections asking the actor, as a champion, newest first."""
    return list(_connections(actor).filter(champion__user=actor).order_by("-created_at", "-id"))


# --- barriers raised in the network --------------------------------------------------------------


def requesters_of(actor) -> QuerySet[User]:
    """The trusted persons who have asked the actor, as a champion, for support: those a
    barrier can be raised on behalf of."""
    asked = SupportConnection.objects.filter(champion__user=actor).values("requested_by_id")
    return User.objects.filter(pk__in=asked, is_active=True).order_by("full_name", "pk")


def barriers_raised_by(actor) -> list[NetworkBarrier]:
    return list(
        NetworkBarrier.objects.filter(raised_by=actor)
        .select_related("on_behalf_of")
        .prefetch_related("areas")
        .order_by("-raised_at", "-id")
    )
