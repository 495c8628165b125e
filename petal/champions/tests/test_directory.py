"""The champions directory lists approved champions with an active sign-in, and nobody else: not
a pledge waiting for approval, declined or withdrawn, from the next request on. Search and
filters work in the query; the list does not query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.champions.models import Champion, ChampionStatus
from petal.champions.services.champions import champion_withdraw
from petal.champions.tests.factories import ChampionFactory, TopicFactory, champion_user
from petal.reference.models import AreaOfDisadvantage, District, Partnership

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("champions:directory")


@pytest.fixture
def reader(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    client.force_login(user)
    return user


def _names(client, **params) -> str:
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return response.content.decode()


def test_only_approved_champions_with_an_active_sign_in_are_listed(client, reader):
    ChampionFactory(full_name="Alice Approved")
    ChampionFactory(
        user=None, status=ChampionStatus.PENDING, full_name="Pat Pending", email="p@example.org"
    )
    ChampionFactory(status=ChampionStatus.PENDING, full_name="Sam Signedin")
    ChampionFactory(status=ChampionStatus.DECLINED, full_name="Dee Declined")
    ChampionFactory(status=ChampionStatus.WITHDRAWN, full_name="Wyn Withdrawn")
    disabled = ChampionFactory(full_name="Dis Abled")
    disabled.user.is_active = False
    disabled.user.save()
    html = _names(client)
    assert "Alice Approved" in html
    for hidden in ("Pat Pending", "Sam Signedin", "Dee Declined", "Wyn Withdrawn", "Dis Abled"):
        assert hidden not in html
    for champion in Champion.objects.exclude(full_name="Alice Approved"):
        url = reverse("champions:champion", args=[champion.pk])
        assert client.get(url).status_code == 404, champion.full_name
        assert client.get(reverse("champions:connect", args=[champion.pk])).status_code == 404


def test_a_withdrawn_champion_disappears_at_once(client, reader):
    user = champion_user(full_name="Wren Leaving")
    champion = Champion.objects.get(user=user)
    detail = reverse("champions:champion", args=[champion.pk])
    assert "Wren Leaving" in _names(client)
    assert client.get(detail).status_code == 200
    champion_withdraw(actor=user, reason="")
    assert "Wren Leaving" not in _names(client)
    assert client.get(detail).status_code == 404


def test_search_finds_words_in_name_organisation_job_title_and_help(client, reader):
    ChampionFactory(full_name="Morgan Fairweather", job_title="Outreach lead", help_with="GPs")
    ChampionFactory(
        full_name="Jo Bloggs",
        organisation=None,
        organisation_name="Ely Food Bank",
        help_with="Probation appointments",
    )
    other = ChampionFactory(full_name="Kit Other", help_with="Tenancy")
    other.organisation.name = "Wisbech Housing Trust"
    other.organisation.save()
    assert "Morgan Fairweather" in _names(client, q="fairweather")
    assert "Jo Bloggs" not in _names(client, q="fairweather")
    assert "Morgan Fairweather" in _names(client, q="OUTREACH")
    assert "Jo Bloggs" in _names(client, q="food bank")
    assert "Jo Bloggs" in _names(client, q="probation")
    assert "Kit Other" in _names(client, q="wisbech")
    html = _names(client, q="nothing matches this")
    assert "No champions match" in html and "0 champions" in html


def test_filters_by_area_skill_district_and_partnership(client, reader):
    homeless = AreaOfDisadvantage.objects.get(code="homelessness")
    benefits = TopicFactory(slug="benefits")
    fenland = District.objects.get(code="fenland")
    a = ChampionFactory(full_name="Area Person")
    a.areas.add(homeless)
    b = ChampionFactory(full_name="Skill Person")
    b.skills.add(benefits)
    ChampionFactory(
        full_name="Place Person",
        district=fenland,
        partnership=Partnership.objects.get(slug="fenland-east-cambridgeshire"),
    )
    assert _only(client, area="homelessness") == {"Area Person"}
    assert _only(client, skill="benefits") == {"Skill Person"}
    assert _only(client, district="fenland") == {"Place Person"}
    assert _only(client, partnership="fenland-east-cambridgeshire") == {"Place Person"}
    # An unknown filter value is ignored, never an error page.
    assert _only(client, area="atlantis", page="x²") == {
        "Area Person",
        "Skill Person",
        "Place Person",
    }


def _only(client, **params) -> set[str]:
    html = _names(client, **params)
    names = {"Area Person", "Skill Person", "Place Person"}
    return {n for n in names if n in html}


def test_a_row_shows_what_a_trusted_person_needs(client, reader):
    champion = ChampionFactory(
        full_name="Rowan Tree",
        job_title="Navigator",
        district=District.objects.get(code="peterborough"),
        partnership=Partnership.objects.get(slug="peterborough"),
        how_to_reach="Text me",
    )
    champion.areas.add(AreaOfDisadvantage.objects.get(code="mental-health"))
    champion.skills.add(TopicFactory(slug="benefits"))
    html = _names(client)
    for text in ("Rowan Tree", "Navigator", champion.organisation.name, "Peterborough"):
        assert text in html
    assert "Mental health" in html and "Benefits" in html and "Text me" in html


def test_the_list_pages_by_25(client, reader):
    for n in range(27):
        ChampionFactory(full_name=f"Champion {n:02d}")
    html = _names(client)
    assert "27 champions" in html and "Champion 24" in html and "Champion 25" not in html
    assert "Champion 26" in _names(client, page=2)


def _queries(client) -> int:
    client.get(DIRECTORY)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DIRECTORY).status_code == 200
    return len(queries)


def test_the_directory_does_not_query_per_row(client, reader):
    homeless = AreaOfDisadvantage.objects.get(code="homelessness")
    topic = TopicFactory(slug="benefits")

    def add(n):
        for _ in range(n):
            c = ChampionFactory(
                district=District.objects.get(code="fenland"),
                partnership=Partnership.objects.get(slug="fenland-east-cambridgeshire"),
            )
            c.areas.add(homeless)
            c.skills.add(topic)

    add(2)
    few = _queries(client)
    add(20)
    assert _queries(client) == few


def test_the_champion_page_shows_contact_details_and_the_ask_button(client, make_user):
    user = champion_user(phone="01234 567890", help_with="Getting ID documents")
    champion = Champion.objects.get(user=user)
    url = reverse("champions:champion", args=[champion.pk])
    ask = reverse("champions:connect", args=[champion.pk])
    client.force_login(make_user(Role.TRUSTED_PERSON))
    html = client.get(url).content.decode()
    assert champion.email in html and "01234 567890" in html and "Getting ID documents" in html
    assert ask in html
    # Not for the champion themself, nor for a role that cannot ask.
    client.force_login(user)
    html = client.get(url).content.decode()
    assert ask not in html and "This is your entry" in html
    client.force_login(make_user(Role.SERVICE_STAFF))
    assert ask not in client.get(url).content.decode()
    assert client.get(reverse("champions:champion", args=[999999])).status_code == 404


def test_people_without_a_role_cannot_see_the_directory(client, make_user):
    ChampionFactory()
    client.force_login(make_user())
    assert client.get(DIRECTORY).status_code == 403
    client.logout()
    assert client.get(DIRECTORY).status_code == 302
