"""The seams: a barrier raised at a problem-solving session, or by a champion for a trusted
person, is raised on the governance ladder too, and keeps its reference; rows raised before the
ladder existed become barriers through a data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory
from petal.barriers.models import Barrier, RaisedAs, Status
from petal.barriers.tests.factories import BarrierFactory, SessionFactory, group
from petal.barriers.tests.test_barriers import world
from petal.champions.models import Champion, NetworkBarrier
from petal.champions.services.champions import network_barrier_raise
from petal.champions.tests.factories import SupportConnectionFactory, champion_user
from petal.core.errors import ValidationFailed
from petal.meetings import services as meeting_services
from petal.meetings.models import RaisedBarrier
from petal.reference.models import AreaOfDisadvantage, Partnership

pytestmark = pytest.mark.django_db

__all__ = ["world"]


def _areas(*codes):
    return list(AreaOfDisadvantage.objects.filter(code__in=codes))


# --- at a problem-solving session ----------------------------------------------------------------


def test_a_barrier_raised_at_a_session_goes_on_the_ladder_from_its_partnership(world):
    session = SessionFactory()
    raised = meeting_services.barrier_raise(
        actor=world["coordinator"],
        meeting_id=session.pk,
        summary="No mental health assessment while someone is still drinking",
        detail="Services each wait for the other",
        services="Adult mental health",
        areas=[a.pk for a in _areas("mental-health", "substance-misuse")],
    )
    barrier = Barrier.objects.get()
    assert raised.barrier_ref == barrier.reference
    assert barrier.raised_as == RaisedAs.AT_SESSION and barrier.session == session
    assert barrier.partnership == session.partnership
    assert barrier.group == group("partnership-cambridgeshire") and barrier.status == Status.OPEN
    assert barrier.raised_by == world["coordinator"]
    assert (barrier.summary, barrier.detail, barrier.services) == (
        raised.summary,
        raised.detail,
        raised.services,
    )
    assert {a.code for a in barrier.areas.all()} == {"mental-health", "substance-misuse"}


def test_a_session_barrier_naming_the_coordinators_own_person_is_refused_on_both(world):
    from petal.people.tests.factories import person_of

    person_of(world["coordinator"], full_name="Casey Covered")
    with pytest.raises(ValidationFailed, match="never a named person"):
        meeting_services.barrier_raise(
            actor=world["coordinator"],
            meeting_id=SessionFactory().pk,
            summary="Casey cannot get an assessment",
        )
    assert not RaisedBarrier.objects.exists() and not Barrier.objects.exists()


def test_the_session_page_links_each_barrier_and_those_waiting_at_the_partnership(client, world):
    session = SessionFactory()
    raised = meeting_services.barrier_raise(
        actor=world["coordinator"], meeting_id=session.pk, summary="Letters go to old addresses"
    )
    barrier = Barrier.objects.get()
    client.force_login(world["coordinator"])
    url = reverse("meetings:meeting", args=[session.pk])
    html = client.get(url).content.decode()
    assert f'href="{reverse("barriers:barrier", args=[barrier.pk])}"' in html
    assert raised.barrier_ref in html
    waiting = (
        f"{reverse('barriers:list')}?partnership=cambridgeshire&amp;"
        "level=operational-partnership&amp;status=open"
    )
    assert waiting in html
    # The link leads to the barriers waiting there.
    elsewhere = BarrierFactory(group=group("tactical-group"), summary="Up the ladder already")
    html = client.get(waiting.replace("&amp;", "&")).content.decode()
    assert "Letters go to old addresses" in html and elsewhere.summary not in html

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        meeting_services.barrier_raise(
            actor=world["coordinator"], meeting_id=session.pk, summary=f"Another barrier {n}"
        )
    assert count() == few


# --- by a champion -------------------------------------------------------------------------------


def _champion_for(tp):
    champion = champion_user()
    SupportConnectionFactory(requested_by=tp, champion=Champion.objects.get(user=champion))
    return champion


def test_a_champions_barrier_goes_on_the_ladder_for_the_trusted_person(world):
    champion = _champion_for(world["tp"])
    raised = network_barrier_raise(
        actor=champion,
        summary="Housing forms need photo ID",
        services="District housing teams",
        areas=_areas("homelessness"),
        how_often="Now and then",
        on_behalf_of_id=world["tp"].pk,
        partnership_id=world["cambridgeshire"].pk,
    )
    barrier = Barrier.objects.get()
    assert NetworkBarrier.objects.get().barrier_ref == raised.barrier_ref == barrier.reference
    assert barrier.raised_as == RaisedAs.FOR_TRUSTED_PERSON
    assert barrier.on_behalf_of == world["tp"] and barrier.raised_by == champion
    assert barrier.how_often == "now_and_then"
    assert barrier.partnership.slug == "cambridgeshire"
    assert [a.code for a in barrier.areas.all()] == ["homelessness"]


@pytest.mark.parametrize(
    ("how_often", "stored"),
    [("This once", "once"), ("Often", "often"), ("Every time", "every_time"), ("", "")],
)
def test_how_often_is_kept_in_the_ladders_words(world, how_often, stored):
    champion = _champion_for(world["tp"])
    network_barrier_raise(
        actor=champion,
        summary="Forms",
        how_often=how_often,
        partnership_id=world["cambridgeshire"].pk,
    )
    barrier = Barrier.objects.get()
    assert barrier.how_often == stored
    assert barrier.raised_as == RaisedAs.OWN_WORK and barrier.on_behalf_of is None


def test_a_champions_barrier_starts_with_the_champions_partnership_else_the_trusted_persons(
    world,
):
    peterborough = Partnership.objects.get(slug="peterborough")
    fenland = Partnership.objects.get(slug="fenland-east-cambridgeshire")
    MembershipFactory(user=world["tp"], role=Role.TRUSTED_PERSON, partnership=fenland)
    champion = _champion_for(world["tp"])
    network_barrier_raise(actor=champion, summary="First", on_behalf_of_id=world["tp"].pk)
    assert Barrier.objects.get(summary="First").partnership == fenland
    MembershipFactory(user=champion, role=Role.CHAMPION, partnership=peterborough)
    champion = type(champion).objects.get(pk=champion.pk)  # memberships are cached per object
    network_barrier_raise(actor=champion, summary="Second", on_behalf_of_id=world["tp"].pk)
    second = Barrier.objects.get(summary="Second")
    assert second.partnership == peterborough
    assert second.group == group("partnership-peterborough")
    # The one chosen comes first.
    network_barrier_raise(
        actor=champion, summary="Third", partnership_id=str(fenland.pk), on_behalf_of_id=None
    )
    assert Barrier.objects.get(summary="Third").partnership == fenland


def test_a_champions_barrier_with_no_partnership_to_start_in_asks_for_one(world):
    champion = _champion_for(world["tp"])  # neither belongs to a partnership
    with pytest.raises(ValidationFailed) as error:
        network_barrier_raise(actor=champion, summary="Forms", on_behalf_of_id=world["tp"].pk)
    assert error.value.field_errors == {
        "partnership": ["Choose which partnership should take it up first"]
    }
    for wrong in ("x", "²", "99999999999", 424242):
        with pytest.raises(ValidationFailed) as error:
            network_barrier_raise(actor=champion, summary="Forms", partnership_id=wrong)
        assert error.value.field_errors == {"partnership": ["Choose a partnership from the list"]}
    assert not Barrier.objects.exists() and not NetworkBarrier.objects.exists()


def test_the_champions_barrier_form_asks_which_partnership_and_offers_their_own(client, world):
    champion = _champion_for(world["tp"])
    client.force_login(champion)
    url = reverse("champions:barrier-new")
    html = client.get(url).content.decode()
    assert "Which partnership should take it up first?" in html
    assert '<option value="" selected>Choose a partnership</option>' in html
    form = {"summary": "Housing forms need photo ID", "on_behalf_of": str(world["tp"].pk)}
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose which partnership should take it up first" in html and "<title>Error:" in html
    assert "Housing forms need photo ID" in html  # what was typed is kept
    assert not Barrier.objects.exists()
    peterborough = Partnership.objects.get(slug="peterborough")
    response = client.post(url, {**form, "partnership": str(peterborough.pk)})
    assert response.status_code == 302
    assert Barrier.objects.get().partnership == peterborough
    # A champion of a partnership has it chosen already.
    MembershipFactory(user=champion, role=Role.CHAMPION, partnership=peterborough)
    html = client.get(url).content.decode()
    assert f'<option value="{peterborough.pk}" selected>' in html


# --- rows raised before the ladder ---------------------------------------------------------------


def test_the_data_migration_puts_earlier_barriers_on_the_ladder_once(world):
    migration = importlib.import_module("petal.barriers.migrations.0002_barriers_from_seams")
    session = SessionFactory(partnership=Partnership.objects.get(slug="peterborough"))
    at_session = RaisedBarrier.objects.create(
        meeting=session, summary="From a session", detail="d", raised_by=world["coordinator"]
    )
    at_session.areas.set(_areas("criminal-justice"))
    champion = champion_user()
    for_tp = NetworkBarrier.objects.create(
        raised_by=champion, on_behalf_of=world["tp"], summary="From a champion", how_often="Often"
    )
    done = RaisedBarrier.objects.create(
        meeting=session, summary="Already on it", barrier_ref="B-000999"
    )

    migration.forward(apps, None)
    migration.forward(apps, None)  # a second run changes nothing

    assert Barrier.objects.count() == 2
    at_session.refresh_from_db()
    first = Barrier.objects.get(summary="From a session")
    assert at_session.barrier_ref == first.reference
    assert first.raised_as == "at_session" and first.session == session
    assert first.group == group("partnership-peterborough") and first.status == Status.OPEN
    assert first.raised_by == world["coordinator"] and first.raised_at == at_session.raised_at
    assert [a.code for a in first.areas.all()] == ["criminal-justice"]
    for_tp.refresh_from_db()
    second = Barrier.objects.get(summary="From a champion")
    assert for_tp.barrier_ref == second.reference
    assert second.raised_as == "for_trusted_person" and second.on_behalf_of == world["tp"]
    assert second.how_often == "often" and second.partnership.slug == "cambridgeshire"
    done.refresh_from_db()
    assert done.barrier_ref == "B-000999"
