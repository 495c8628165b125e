"""The service directory's pages: search and filters in the database query, and who may change
what (service staff their own organisation's services, the programme team everything)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petal.access.categories import Category
from petal.access.roles import Role
from petal.accounts.models import Organisation
from petal.audit.models import AuditEvent
from petal.directory.models import Service, ServiceAtLocation, TaxonomyTerm
from petal.directory.tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    housing = ServiceFactory(
        name="Fen beds", areas=["homelessness"], districts=["fenland"], summary="Beds in Wisbech"
    )
    housing.taxonomy_terms.add(
        TaxonomyTerm.objects.get(taxonomy__slug="petal-reach", code="outreach")
    )
    drugs = ServiceFactory(
        name="City recovery", areas=["substance-misuse"], districts=["cambridge"]
    )
    closed = ServiceFactory(
        name="Old beds", areas=["homelessness"], districts=["fenland"], status="defunct"
    )
    return housing, drugs, closed


def names(client, **params) -> list[str]:
    response = client.get(reverse("directory:directory"), params)
    assert response.status_code == 200
    return [s.name for s in response.context["services"]]


def test_search_and_filters(client, services):
    assert names(client) == ["City recovery", "Fen beds"]  # not the defunct one
    assert names(client, area="homelessness") == ["Fen beds"]
    assert names(client, district="cambridge") == ["City recovery"]
    assert names(client, reach="outreach") == ["Fen beds"]
    assert names(client, q="wisbech") == ["Fen beds"]
    assert names(client, q="recovery city") == ["City recovery"]
    assert names(client, q="nothing like it") == []
    # Unknown filter values are ignored, odd input is a miss, never an error.
    assert names(client, area="made-up", district="atlantis") == ["City recovery", "Fen beds"]
    assert names(client, q="\x00beds") == ["Fen beds"]


def test_the_directory_list_does_not_query_per_row(client, django_assert_max_num_queries):
    for _ in range(20):
        ServiceFactory(areas=["homelessness", "mental-health"], districts=["fenland", "cambridge"])
    with django_assert_max_num_queries(8):
        assert len(names(client)) == 20


def test_a_service_page_shows_what_a_referral_needs(client, services):
    housing = services[0]
    page = client.get(reverse("directory:service", args=[housing.pk])).content.decode()
    assert "Fen beds" in page
    assert "Their story, in their words" in page
    assert "Refer someone" not in page  # anonymous
    assert client.get(f"/directory/services/{'0' * 8}-0000-0000-0000-{'0' * 12}").status_code == 404


def _form(service_or_org, **changes):
    organisation = getattr(service_or_org, "organisation", service_or_org)
    data = {
        "organisation": organisation.pk,
        "name": "Fen beds",
        "summary": "Beds",
        "description": "Emergency beds",
        "response_days": "3",
        "status": "active",
        "accepts_referrals": "on",
        "needs_categories": ["story"],
        "districts": [],
    }
    data.update(changes)
    return data


def test_service_staff_change_their_own_organisations_services_only(client, make_user, services):
    housing, drugs, _ = services
    staff = make_user(Role.SERVICE_STAFF, organisation=housing.organisation)
    client.force_login(staff)
    response = client.post(
        reverse("directory:service-edit", args=[housing.pk]),
        _form(housing, name="Fen beds and more", response_days="2"),
    )
    assert response.status_code == 302
    housing.refresh_from_db()
    assert housing.name == "Fen beds and more"
    assert housing.response_days == 2
    assert set(housing.needs_categories) == {Category.IDENTITY, Category.STORY}
    event = AuditEvent.objects.get(action="directory.service_changed")
    assert set(event.data["fields"]) >= {"name", "response_days"}
    # Another organisation's service: refused, and unchanged.
    assert client.get(reverse("directory:service-edit", args=[drugs.pk])).status_code == 403
    response = client.post(
        reverse("directory:service-edit", args=[drugs.pk]), _form(drugs, name="Hijacked")
    )
    assert response.status_code == 403
    drugs.refresh_from_db()
    assert drugs.name == "City recovery"
    # Nor can they move their own service to, or add one for, another organisation.
    response = client.post(reverse("directory:service-new"), _form(drugs, name="Sneaky"))
    assert response.status_code == 200  # the other organisation is not a choice
    assert not Service.objects.filter(name="Sneaky").exists()


def test_the_programme_team_changes_any_service_and_adds_organisations(client, make_user, services):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    _, drugs, _ = services
    response = client.post(
        reverse("directory:service-edit", args=[drugs.pk]), _form(drugs, name="City recovery hub")
    )
    assert response.status_code == 302
    response = client.post(
        reverse("directory:organisation-new"),
        {"name": "Wisbech Food Bank", "kind": "charity", "website": "wisbechfoodbank.example.org"},
    )
    organisation = Organisation.objects.get(name="Wisbech Food Bank")
    assert response["Location"] == reverse("directory:organisation", args=[organisation.slug])
    assert organisation.website == "https://wisbechfoodbank.example.org"
    response = client.post(
        reverse("directory:organisation-new"), {"name": "wisbech food bank", "kind": "charity"}
    )
    assert "already in Petal" in response.content.decode()


def test_bad_input_is_explained_and_nothing_typed_is_lost(client, make_user, services):
    housing = services[0]
    client.force_login(make_user(Role.SERVICE_STAFF, organisation=housing.organisation))
    response = client.post(
        reverse("directory:service-edit", args=[housing.pk]),
        _form(housing, description="", response_days="soon", summary="Kept as typed"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Describe what the service does" in page
    assert "Enter a whole number of days" in page
    assert 'value="Kept as typed"' in page
    housing.refresh_from_db()
    assert housing.description == "Helps people find somewhere safe to live."


def test_locations_are_added_and_chosen_for_a_service(client, make_user, services):
    housing = services[0]
    client.force_login(make_user(Role.SERVICE_STAFF, organisation=housing.organisation))
    response = client.post(
        reverse("directory:location-new", args=[housing.organisation.slug]),
        {"name": "Hub", "location_type": "physical", "city": "Wisbech", "postcode": "pe13 1aa"},
    )
    assert response.status_code == 302
    location = housing.organisation.locations.get(name="Hub")
    assert location.postcode == "PE13 1AA"
    foreign = LocationFactory(organisation=services[1].organisation)
    response = client.post(
        reverse("directory:service-edit", args=[housing.pk]),
        _form(housing, locations=[str(location.pk), str(foreign.pk)]),
    )
    assert response.status_code == 200  # the other organisation's location is not a choice
    client.post(
        reverse("directory:service-edit", args=[housing.pk]),
        _form(housing, locations=[str(location.pk)]),
    )
    assert list(
        ServiceAtLocation.objects.filter(service=housing).values_list("location", flat=True)
    ) == [location.pk]
    page = client.get(reverse("directory:service", args=[housing.pk])).content.decode()
    assert "Hub" in page and "PE13 1AA" in page


def test_changing_a_service_keeps_terms_of_other_taxonomies(client, make_user, services):
    """The form edits the areas and reach; a term from an imported taxonomy stays."""
    from petal.directory.models import Taxonomy

    housing = services[0]
    imported = TaxonomyTerm.objects.create(
        taxonomy=Taxonomy.objects.create(slug="esd", name="ESD"), code="x1", name="Counselling"
    )
    housing.taxonomy_terms.add(imported)
    mental = TaxonomyTerm.objects.get(area__code="mental-health")
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    response = client.post(
        reverse("directory:service-edit", args=[housing.pk]),
        _form(housing, areas=[str(mental.pk)], reach=[]),
    )
    assert response.status_code == 302
    assert set(housing.taxonomy_terms.values_list("name", flat=True)) == {
        "Mental health",
        "Counselling",
    }
    page = client.get(reverse("directory:service", args=[housing.pk])).content.decode()
    assert "Also listed under" in page and "Counselling" in page
