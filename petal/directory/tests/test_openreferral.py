"""The Open Referral UK version 3 API at /openreferral/ and the importer of such data."""

from __future__ import annotations

import copy
import io
import json
import math
import re
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.accounts.models import Organisation
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.directory.importer import import_openreferral
from petal.directory.models import (
    AREAS_TAXONOMY,
    REACH_TAXONOMY,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from petal.directory.openreferral import OPENAPI_URL
from petal.reference.models import District, ProgrammeArea

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "oruk_export.json"
NAMESPACE = uuid.UUID("6c7a4f0e-3f4e-4d0b-9c1e-0a5b2f1d7e21")  # 0002_petal_taxonomies
HOMELESSNESS_TERM_ID = uuid.uuid5(NAMESPACE, f"{AREAS_TAXONOMY}/homelessness")
SUBSTANCE_TERM_ID = uuid.uuid5(NAMESPACE, f"{AREAS_TAXONOMY}/substance-misuse")

# The fixture's ids.
WISBECH_SHELTER = uuid.UUID("032f01ec-32be-4287-b607-d8ff07aec18b")
TENANCY_SUPPORT = uuid.UUID("925ee091-bce0-451b-8e7d-2588906f6e0c")
RECOVERY_CAFE = uuid.UUID("d8a5d933-fab1-4a74-b3e3-c10d1b62e493")
NAMELESS = uuid.UUID("5a31d94c-3e91-42b7-bfb3-c796661ce1d5")
HOUSING_TRUST = uuid.UUID("636ec75f-f95f-4a8a-ba4a-a3d899a0e1bd")
RECOVERY_NETWORK = uuid.UUID("a25570fe-9b42-4507-95ff-691785082db4")
FENLAND_TAXONOMY = uuid.UUID("4acc1198-5eaf-495b-bee8-812b4eb6548c")
EMERGENCY_ACCOMMODATION = uuid.UUID("8a581390-7bdf-4328-b9f9-81f05f2d1b4c")
WISBECH_HUB = uuid.UUID("3ffb8576-21bf-4f92-8b27-4ff1a15e94c8")
ONLINE = uuid.UUID("312d2736-c39b-4854-bf8a-2d98e1554362")
RECOVERY_HUB = uuid.UUID("1d0a62f7-9f05-4ddd-a7d2-174fb8e50d70")

# Required keys from the UK profile (OpenReferralUK/uk-profile), the union of every stored
# version's `required` (and `allOf` required) arrays, as summarised in the brief's §6.
# schema/service.json @6eee0e49, schema/compiled/service_list.json @6eee0e49,
# schema/compiled/service.json @bc932046 (["id","name","status"] + allOf ["url"])
SERVICE_REQUIRED = {"id", "name", "status", "url"}
# schema/organization.json @7ccc2fc2
ORGANIZATION_REQUIRED = {"id", "name", "description"}
# schema/location.json @991a5a19, profile/location.json @822a58cd, compiled (+ allOf url)
LOCATION_REQUIRED = {"id", "location_type", "url"}
# compiled address in schema/compiled/service.json @bc932046
ADDRESS_REQUIRED = {
    "id",
    "address_1",
    "city",
    "state_province",
    "postal_code",
    "country",
    "address_type",
}
# schema/service_at_location.json @e2fdd0a2 (required ["id"], tabular_required the two ids)
SERVICE_AT_LOCATION_REQUIRED = {"id", "service_id", "location_id"}
# schema/taxonomy.json @fe45d917
TAXONOMY_REQUIRED = {"id", "name", "description"}
# schema/taxonomy_term.json @fe45d917 (["id","name","description"]) and @566ddb69 (["id","taxonomy"])
TAXONOMY_TERM_REQUIRED = {"id", "name", "description", "taxonomy"}
# schema/attribute.json @6eee0e49
ATTRIBUTE_REQUIRED = {"id"}
# schema/schedule.json @6eee0e49
SCHEDULE_REQUIRED = {"id", "url"}
# compiled service_area
SERVICE_AREA_REQUIRED = {"id"}
# The full service's arrays (schema/compiled/service.json @bc932046)
FULL_SERVICE_ARRAYS = {
    "schedules",
    "service_areas",
    "service_at_locations",
    "languages",
    "funding",
    "cost_options",
    "contacts",
    "attributes",
}
# openapi.json components.schemas.Page plus the `contents` each list adds
PAGE_KEYS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
LOCATION_TYPES = {"physical", "postal", "virtual"}
ADDRESS_TYPES = {"physical", "postal", "virtual"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# Test data ----------------------------------------------------------------------------------


def term(code: str, taxonomy: str = AREAS_TAXONOMY) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__slug=taxonomy, code=code)


def district(code: str) -> District:
    return District.objects.get(code=code)


def make_location(organisation, name="Community centre", *, city="", district_code=None, **kw):
    return Location.objects.create(
        organisation=organisation,
        name=name,
        address_1=kw.pop("address_1", "1 Market Place" if city else ""),
        city=city,
        postcode=kw.pop("postcode", "PE13 1AA" if city else ""),
        district=district(district_code) if district_code else None,
        **kw,
    )


def make_service(
    name,
    *,
    organisation=None,
    terms=(),
    districts=(),
    locations=(),
    status="active",
    description="Help for people who need it.",
    **fields,
) -> Service:
    organisation = organisation or OrganisationFactory()
    service = Service.objects.create(
        programme_area=ProgrammeArea.objects.order_by("pk").first(),
        organisation=organisation,
        name=name,
        description=description,
        status=status,
        **fields,
    )
    service.taxonomy_terms.set(terms)
    service.districts.set([district(code) for code in districts])
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    return service


@pytest.fixture
def directory():
    """Five services in two organisations, across districts, areas and a new taxonomy."""
    shelter_org = OrganisationFactory(
        name="Fenland Shelter Trust", description="Beds for the night.", email="a@example.org"
    )
    recovery_org = OrganisationFactory(name="Recovery Together")
    food = Taxonomy.objects.create(slug="food", name="Food", description="Food and meals")
    food_bank = TaxonomyTerm.objects.create(taxonomy=food, code="food-bank", name="Food bank")
    wisbech = make_location(
        shelter_org, "Wisbech Hub", city="Wisbech", district_code="fenland", latitude=52.66
    )
    online = make_location(
        shelter_org, "Online", location_type="virtual", url="https://example.org/chat"
    )
    ely = make_location(recovery_org, "Ely Rooms", city="Ely", district_code="east-cambridgeshire")
    services = {
        "shelter": make_service(
            "Night shelter",
            organisation=shelter_org,
            terms=[term("homelessness")],
            districts=["fenland"],
            locations=[wisbech],
            opening_times="Every night, 8pm to 8am",
            email="shelter@example.org",
            url="https://example.org/shelter",
        ),
        "advice": make_service(
            "Housing advice line",
            organisation=shelter_org,
            terms=[term("homelessness"), term("phone", REACH_TAXONOMY)],
            districts=["fenland", "east-cambridgeshire"],
            locations=[online],
        ),
        "cafe": make_service(
            "Recovery café",
            organisation=recovery_org,
            terms=[term("substance-misuse")],
            districts=["east-cambridgeshire"],
            locations=[ely],
            status="temporarily closed",
        ),
        "pantry": make_service(
            "Community pantry",
            organisation=recovery_org,
            terms=[food_bank],
            districts=["cambridge"],
            locations=[ely],
            status="inactive",
        ),
        "closed": make_service(
            "Old drop-in",
            organisation=recovery_org,
            terms=[term("mental-health")],
            districts=["peterborough"],
            status="defunct",
        ),
    }
    return {"services": services, "food": food, "food_bank": food_bank}


def _walk_nulls(value, path="$"):
    """Paths of nulls anywhere except under keys the profile requires but gives no type."""
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None and key != "url":
                yield f"{path}.{key}"
            yield from _walk_nulls(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _walk_nulls(item, f"{path}[{n}]")


def _get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# Root and envelope ------------------------------------------------------------------------


def test_root_names_the_hsds_version_profile_and_openapi(client):
    response = client.get("/openreferral/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "3.0"
    assert body["profile"] == "https://github.com/OpenReferralUK/uk-profile"
    assert body["openapi_url"] == OPENAPI_URL
    assert body["openapi_url"].endswith("/openreferral/uk-profile/main/schema/openapi.json")
    assert "fenland" in body["extensions"]["district"]["values"]
    assert response["Access-Control-Allow-Origin"] == "*"


LISTS = {
    "/openreferral/services": lambda: Service.objects.count(),
    "/openreferral/service_at_locations": lambda: ServiceAtLocation.objects.count(),
    "/openreferral/taxonomies": lambda: Taxonomy.objects.count(),
    "/openreferral/taxonomy_terms": lambda: TaxonomyTerm.objects.count(),
}


@pytest.mark.parametrize("path", list(LISTS))
def test_every_list_pages_with_the_profile_envelope(client, directory, path):
    expected_total = LISTS[path]()
    assert expected_total > 2  # so there are at least two pages of two
    seen = []
    pages = math.ceil(expected_total / 2)
    for number in range(1, pages + 1):
        body = _get(client, path, page=number, per_page=2)
        assert set(body) == set(PAGE_KEYS)
        for key, kind in PAGE_KEYS.items():
            assert type(body[key]) is kind, key
        assert body["total_items"] == expected_total
        assert body["total_pages"] == pages
        assert body["page_number"] == number
        assert (
            body["size"]
            == len(body["contents"])
            == (2 if number < pages else 2 - (expected_total % 2))
        )
        assert body["first_page"] is (number == 1)
        assert body["last_page"] is (number == pages)
        assert body["empty"] is False
        seen.extend(item["id"] for item in body["contents"])
    assert len(seen) == len(set(seen)) == expected_total

    past = _get(client, path, page=pages + 1, per_page=2)
    assert set(past) == set(PAGE_KEYS)
    assert past["contents"] == []
    assert past["size"] == 0
    assert past["empty"] is True
    assert past["total_items"] == expected_total
    assert past["page_number"] == pages + 1
    assert past["last_page"] is True


@pytest.mark.parametrize(
    ("params", "page_number", "size"),
    [
        ({}, 1, 5),
        ({"page": "abc", "per_page": "xyz"}, 1, 5),
        ({"page": "-3", "per_page": "0"}, 1, 5),
        ({"page": "0", "per_page": "-1"}, 1, 5),
        ({"per_page": "1"}, 1, 1),
        ({"per_page": "1", "page": "5"}, 5, 1),
        ({"page": "99999999999999999999999999"}, 999999999999, 0),
        ({"page": "\x00"}, 1, 5),
    ],
)
def test_bad_paging_values_fall_back_to_defaults(client, directory, params, page_number, size):
    body = _get(client, "/openreferral/services", **params)
    assert body["page_number"] == page_number
    assert body["size"] == size
    assert body["total_items"] == 5


def test_per_page_defaults_to_50_and_stops_at_200(client):
    organisation = OrganisationFactory()
    Service.objects.bulk_create(
        Service(
            programme_area=organisation.programme_area,
            organisation=organisation,
            name=f"Service {n:03d}",
            description="x",
        )
        for n in range(205)
    )
    assert _get(client, "/openreferral/services")["size"] == 50
    assert _get(client, "/openreferral/services")["total_pages"] == 5
    big = _get(client, "/openreferral/services", per_page=1000)
    assert big["size"] == 200
    assert big["total_pages"] == 2
    assert _get(client, "/openreferral/services", per_page=1000, page=2)["size"] == 5


def test_an_empty_directory_gives_an_empty_first_page(client):
    body = _get(client, "/openreferral/services")
    assert body == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


# Shapes -------------------------------------------------------------------------------------


def test_full_service_has_every_required_key_at_every_level(client, directory):
    shelter = directory["services"]["shelter"]
    body = _get(client, f"/openreferral/services/{shelter.pk}")
    assert SERVICE_REQUIRED <= set(body)
    assert FULL_SERVICE_ARRAYS <= set(body)
    assert body["id"] == str(shelter.pk)
    assert body["name"] == "Night shelter"
    assert body["url"] == "https://example.org/shelter"
    assert body["email"] == "shelter@example.org"
    assert body["status"] == "active"
    assert TIMESTAMP.match(body["last_modified"])
    assert body["organization_id"] == str(shelter.organisation.uid)
    assert ORGANIZATION_REQUIRED <= set(body["organization"])
    assert body["organization"]["name"] == "Fenland Shelter Trust"
    assert body["organization"]["id"] == str(shelter.organisation.uid)

    [sal] = body["service_at_locations"]
    assert SERVICE_AT_LOCATION_REQUIRED <= set(sal)
    location = sal["location"]
    assert LOCATION_REQUIRED <= set(location)
    assert location["name"] == "Wisbech Hub"
    assert location["location_type"] == "physical"
    assert location["latitude"] == 52.66
    [address] = location["addresses"]
    assert ADDRESS_REQUIRED <= set(address)
    assert address["city"] == "Wisbech"
    assert address["postal_code"] == "PE13 1AA"
    assert address["country"] == "GB"
    assert address["region"] == "Fenland"

    [attribute] = body["attributes"]
    assert ATTRIBUTE_REQUIRED <= set(attribute)
    assert attribute["taxonomy_term_id"] == str(HOMELESSNESS_TERM_ID)
    assert attribute["link_id"] == str(shelter.pk)
    assert TAXONOMY_TERM_REQUIRED <= set(attribute["taxonomy_term"])
    assert attribute["taxonomy_term"]["name"] == "Homelessness"

    [schedule] = body["schedules"]
    assert SCHEDULE_REQUIRED <= set(schedule)
    assert schedule["description"] == "Every night, 8pm to 8am"
    [area] = body["service_areas"]
    assert SERVICE_AREA_REQUIRED <= set(area)
    assert area["name"] == "Fenland"
    assert body["contacts"] == body["languages"] == body["funding"] == body["cost_options"] == []
    assert list(_walk_nulls(body)) == []


def test_derived_ids_are_stable_between_answers(client, directory):
    path = f"/openreferral/services/{directory['services']['advice'].pk}"
    first, second = _get(client, path), _get(client, path)
    assert [a["id"] for a in first["service_areas"]] == [a["id"] for a in second["service_areas"]]
    assert len({a["id"] for a in first["service_areas"]}) == 2
    assert [a["id"] for a in first["attributes"]] == [a["id"] for a in second["attributes"]]


def test_optional_empty_values_are_left_out_not_null(client, directory):
    advice = directory["services"]["advice"]
    body = _get(client, f"/openreferral/services/{advice.pk}")
    assert "email" not in body
    assert body["schedules"] == []
    location = body["service_at_locations"][0]["location"]
    assert location["location_type"] == "virtual"
    assert location["url"] == "https://example.org/chat"
    assert location["addresses"] == []
    assert "latitude" not in location
    assert body["organization"]["email"] == "a@example.org"
    assert list(_walk_nulls(body)) == []
    cafe = _get(client, f"/openreferral/services/{directory['services']['cafe'].pk}")
    assert cafe["organization"]["description"] == ""  # required, so present even when blank
    assert "email" not in cafe["organization"]
    assert "website" not in cafe["organization"]


def test_service_without_a_website_points_at_its_petal_page(client, directory):
    advice = directory["services"]["advice"]
    body = _get(client, f"/openreferral/services/{advice.pk}")
    assert body["url"] == f"http://testserver/directory/services/{advice.pk}"


def test_services_list_items_are_the_service_list_shape(client, directory):
    body = _get(client, "/openreferral/services")
    assert [item["name"] for item in body["contents"]] == [
        "Community pantry",
        "Housing advice line",
        "Night shelter",
        "Old drop-in",
        "Recovery café",
    ]
    for item in body["contents"]:
        assert SERVICE_REQUIRED <= set(item)
        assert ORGANIZATION_REQUIRED <= set(item["organization"])
        assert item["status"] in STATUSES
        assert TIMESTAMP.match(item["last_modified"])
        # The list variant carries no arrays.
        assert not FULL_SERVICE_ARRAYS & set(item)
        assert "organization_identifiers" not in item["organization"]
    assert {item["status"] for item in body["contents"]} == STATUSES


def test_service_at_locations_list_items_nest_location_and_service(client, directory):
    body = _get(client, "/openreferral/service_at_locations")
    assert body["total_items"] == 4
    for item in body["contents"]:
        assert SERVICE_AT_LOCATION_REQUIRED <= set(item)
        assert LOCATION_REQUIRED <= set(item["location"])
        assert item["location"]["location_type"] in LOCATION_TYPES
        assert "addresses" not in item["location"]
        assert SERVICE_REQUIRED <= set(item["service"])
        assert ORGANIZATION_REQUIRED <= set(item["service"]["organization"])
        assert item["service_id"] == item["service"]["id"]
        assert item["location_id"] == item["location"]["id"]
    names = [(i["service"]["name"], i["location"]["name"]) for i in body["contents"]]
    assert names == [
        ("Community pantry", "Ely Rooms"),
        ("Housing advice line", "Online"),
        ("Night shelter", "Wisbech Hub"),
        ("Recovery café", "Ely Rooms"),
    ]


def test_service_at_location_detail_nests_full_location_and_service(client, directory):
    sal = directory["services"]["shelter"].service_at_locations.get()
    body = _get(client, f"/openreferral/service_at_locations/{sal.pk}")
    assert body["id"] == str(sal.pk)
    assert SERVICE_AT_LOCATION_REQUIRED <= set(body)
    assert ADDRESS_REQUIRED <= set(body["location"]["addresses"][0])
    assert SERVICE_REQUIRED <= set(body["service"])
    assert body["service"]["attributes"][0]["taxonomy_term_id"] == str(HOMELESSNESS_TERM_ID)


def test_taxonomies_and_terms_have_required_keys(client, directory):
    taxonomies = _get(client, "/openreferral/taxonomies", per_page=200)
    names = [t["name"] for t in taxonomies["contents"]]
    assert names == sorted(names)
    assert {"Areas of multiple disadvantage", "Food"} <= set(names)
    for item in taxonomies["contents"]:
        assert TAXONOMY_REQUIRED <= set(item)
        assert "taxonomy_terms" not in item

    terms = _get(client, "/openreferral/taxonomy_terms", per_page=200)
    by_id = {t["id"]: t for t in terms["contents"]}
    homelessness = by_id[str(HOMELESSNESS_TERM_ID)]
    assert homelessness["name"] == homelessness["term"] == "Homelessness"
    assert homelessness["taxonomy"] == "Areas of multiple disadvantage"
    assert homelessness["taxonomy_id"] == str(uuid.uuid5(NAMESPACE, AREAS_TAXONOMY))
    assert "parent_id" not in homelessness
    for item in terms["contents"]:
        assert TAXONOMY_TERM_REQUIRED <= set(item)
        assert list(_walk_nulls(item)) == []


def test_taxonomy_detail_lists_its_terms_and_term_detail_names_its_parent(client, directory):
    food, food_bank = directory["food"], directory["food_bank"]
    child = TaxonomyTerm.objects.create(
        taxonomy=food, code="hot-meals", name="Hot meals", parent=food_bank, order=2
    )
    body = _get(client, f"/openreferral/taxonomies/{food.pk}")
    assert body["name"] == "Food"
    assert [t["name"] for t in body["taxonomy_terms"]] == ["Food bank", "Hot meals"]
    detail = _get(client, f"/openreferral/taxonomy_terms/{child.pk}")
    assert detail["parent_id"] == str(food_bank.pk)
    assert detail["taxonomy"] == "Food"


def test_enum_values_are_the_profiles(client, directory):
    for service in directory["services"].values():
        body = _get(client, f"/openreferral/services/{service.pk}")
        assert body["status"] in STATUSES
        for sal in body["service_at_locations"]:
            assert sal["location"]["location_type"] in LOCATION_TYPES
            for address in sal["location"]["addresses"]:
                assert address["address_type"] in ADDRESS_TYPES


# Filters ------------------------------------------------------------------------------------


def _names(client, path, **params):
    body = _get(client, path, per_page=200, **params)
    if path.endswith("service_at_locations"):
        return sorted(item["service"]["name"] for item in body["contents"])
    return sorted(item["name"] for item in body["contents"])


def test_search_finds_by_keyword_in_name_description_or_organisation(client, directory):
    path = "/openreferral/services"
    assert _names(client, path, search="shelter") == ["Housing advice line", "Night shelter"]
    assert _names(client, path, search="recovery together") == [
        "Community pantry",
        "Old drop-in",
        "Recovery café",
    ]
    assert _names(client, path, search="advice line") == ["Housing advice line"]
    assert _names(client, path, search="nothing-like-this") == []


def test_taxonomy_term_id_filters_by_petals_area_term(client, directory):
    names = _names(client, "/openreferral/services", taxonomy_term_id=str(HOMELESSNESS_TERM_ID))
    assert names == ["Housing advice line", "Night shelter"]
    sal_names = _names(
        client, "/openreferral/service_at_locations", taxonomy_term_id=str(SUBSTANCE_TERM_ID)
    )
    assert sal_names == ["Recovery café"]


def test_taxonomy_id_filters_by_any_term_of_the_taxonomy(client, directory):
    areas = Taxonomy.objects.get(slug=AREAS_TAXONOMY)
    assert _names(client, "/openreferral/services", taxonomy_id=str(areas.pk)) == [
        "Housing advice line",
        "Night shelter",
        "Old drop-in",
        "Recovery café",
    ]
    food = str(directory["food"].pk)
    assert _names(client, "/openreferral/services", taxonomy_id=food) == ["Community pantry"]
    assert _names(client, "/openreferral/service_at_locations", taxonomy_id=food) == [
        "Community pantry"
    ]


def test_district_extension_filters_by_district_code(client, directory):
    assert _names(client, "/openreferral/services", district="fenland") == [
        "Housing advice line",
        "Night shelter",
    ]
    assert _names(client, "/openreferral/services", district="east-cambridgeshire") == [
        "Housing advice line",
        "Recovery café",
    ]
    assert _names(client, "/openreferral/service_at_locations", district="cambridge") == [
        "Community pantry"
    ]


def test_filters_combine(client, directory):
    assert _names(
        client,
        "/openreferral/services",
        district="east-cambridgeshire",
        taxonomy_term_id=str(HOMELESSNESS_TERM_ID),
    ) == ["Housing advice line"]


@pytest.mark.parametrize(
    "params",
    [
        {"taxonomy_term_id": "not-a-uuid"},
        {"taxonomy_term_id": str(uuid.uuid4())},
        {"taxonomy_id": "12345"},
        {"taxonomy_id": str(uuid.uuid4())},
        {"district": "narnia"},
        {"district": "fen\x00x"},
        {"search": "\x00"},
        {"taxonomy_term_id": "\x00abc"},
    ],
)
@pytest.mark.parametrize("path", ["/openreferral/services", "/openreferral/service_at_locations"])
def test_filter_values_that_cannot_match_give_an_empty_page(client, directory, path, params):
    body = _get(client, path, **params)
    if params.get("search") == "\x00":
        assert body["total_items"] > 0  # an empty search is no filter
        return
    assert body["total_items"] == 0
    assert body["contents"] == []
    assert set(body) == set(PAGE_KEYS)


# Errors and access -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route", ["services", "taxonomies", "taxonomy_terms", "service_at_locations"]
)
def test_unknown_id_is_a_json_404(client, route):
    response = client.get(f"/openreferral/{route}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_malformed_id_is_not_found(client):
    assert client.get("/openreferral/services/not-a-uuid").status_code == 404


def test_the_api_is_read_only(client, directory):
    response = client.post("/openreferral/services", {})
    assert response.status_code == 405
    assert Service.objects.count() == 5


def test_anonymous_and_signed_in_readers_get_the_same_answers(client, directory, make_user):
    paths = [
        "/openreferral/",
        "/openreferral/services",
        f"/openreferral/services/{directory['services']['shelter'].pk}",
        "/openreferral/taxonomies",
        "/openreferral/taxonomy_terms",
        "/openreferral/service_at_locations",
    ]
    anonymous = [_get(client, path) for path in paths]
    for path in paths:
        assert client.get(path)["Access-Control-Allow-Origin"] == "*"
    client.force_login(make_user())
    assert [_get(client, path) for path in paths] == anonymous


# Queries ------------------------------------------------------------------------------------


def _grow(n):
    areas = list(TaxonomyTerm.objects.filter(taxonomy__slug=AREAS_TAXONOMY))
    for i in range(n):
        organisation = OrganisationFactory()
        location = make_location(organisation, f"Hall {i}", city="March", district_code="fenland")
        make_service(
            f"Grown service {i}",
            organisation=organisation,
            terms=areas[: 1 + i % 3],
            districts=["fenland", "cambridge"],
            locations=[location],
            opening_times="Mondays",
        )


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        _get(client, path)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/openreferral/services",
        "/openreferral/service_at_locations",
        "/openreferral/taxonomies",
        "/openreferral/taxonomy_terms",
        "/openreferral/services?district=fenland&taxonomy_id="
        + str(uuid.uuid5(NAMESPACE, AREAS_TAXONOMY)),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client, path, django_assert_max_num_queries):
    _grow(3)
    few = _count(client, path)
    _grow(30)
    many = _count(client, path)
    assert many == few, f"{path}: {few} queries for few rows, {many} for many"
    with django_assert_max_num_queries(4):
        _get(client, path)


def test_full_service_queries_are_bounded(client, django_assert_max_num_queries):
    _grow(1)
    service = Service.objects.get()
    with django_assert_max_num_queries(5):
        _get(client, f"/openreferral/services/{service.pk}")


# Importer ---------------------------------------------------------------------------------


def _fixture():
    return json.loads(FIXTURE.read_text())


def test_importer_loads_the_fixture_with_its_links():
    result = import_openreferral(_fixture(), source="Fenland directory")
    assert (result.created, result.updated, result.skipped) == (3, 0, 1)
    assert (result.organisations_created, result.locations_created, result.terms_created) == (
        2,
        3,
        3,
    )
    assert len(result.problems) == 1
    assert str(NAMELESS) in result.problems[0]
    assert "no name" in result.problems[0]
    assert not Service.objects.filter(pk=NAMELESS).exists()

    shelter = Service.objects.get(pk=WISBECH_SHELTER)
    assert shelter.name == "Wisbech Night Shelter"
    assert shelter.organisation.uid == HOUSING_TRUST
    assert shelter.organisation.name == "Fenland Housing Trust"
    assert shelter.organisation.kind == "other"
    assert shelter.organisation.website == "https://fenlandhousingtrust.example.org"
    assert shelter.accepts_referrals is False
    assert shelter.summary == ""
    assert shelter.source == "Fenland directory"
    assert shelter.email == "shelter@fenlandhousingtrust.example.org"
    assert shelter.opening_times == "Every night, 8pm to 8am"
    assert [d.code for d in shelter.districts.all()] == ["fenland"]
    assert {t.pk for t in shelter.taxonomy_terms.all()} == {
        HOMELESSNESS_TERM_ID,
        EMERGENCY_ACCOMMODATION,
    }
    hub = Location.objects.get(pk=WISBECH_HUB)
    assert (hub.address_1, hub.city, hub.postcode) == ("12 Hill Street", "Wisbech", "PE13 1BA")
    assert hub.district.code == "fenland"  # Wisbech: the service covers Fenland only
    assert hub.organisation.uid == HOUSING_TRUST
    assert str(hub.latitude) == "52.664123"
    assert shelter.service_at_locations.get().location_id == WISBECH_HUB

    tenancy = Service.objects.get(pk=TENANCY_SUPPORT)
    assert tenancy.organisation_id == shelter.organisation_id
    assert tenancy.opening_times == "MO,TU,WE,TH,FR 09:00–17:00"
    assert sorted(d.code for d in tenancy.districts.all()) == ["east-cambridgeshire", "fenland"]
    online = Location.objects.get(pk=ONLINE)
    assert online.location_type == "virtual"
    assert online.url == "https://fenlandhousingtrust.example.org/contact"
    assert online.district is None

    cafe = Service.objects.get(pk=RECOVERY_CAFE)
    assert cafe.status == "temporarily closed"
    assert cafe.organisation.uid == RECOVERY_NETWORK
    assert [d.code for d in cafe.districts.all()] == ["peterborough"]  # Rutland is not Petal's
    recovery_hub = Location.objects.get(pk=RECOVERY_HUB)
    assert recovery_hub.district.code == "peterborough"
    assert recovery_hub.postcode == "PE1 2RR"

    # Petal's own area term is linked, not copied; the new taxonomy keeps its id.
    assert TaxonomyTerm.objects.filter(name="Homelessness").count() == 1
    fenland_taxonomy = Taxonomy.objects.get(pk=FENLAND_TAXONOMY)
    assert fenland_taxonomy.name == "Fenland Community Directory categories"
    assert sorted(fenland_taxonomy.terms.values_list("name", flat=True)) == [
        "Emergency accommodation",
        "Peer support",
        "Tenancy support",
    ]

    [event] = AuditEvent.objects.filter(action="directory.imported")
    assert event.data["created"] == 3
    assert event.data["skipped"] == 1
    assert event.data["source"] == "Fenland directory"


def test_importing_twice_updates_and_creates_nothing_new():
    import_openreferral(_fixture())
    counts = [
        m.objects.count()
        for m in (Service, Organisation, Location, ServiceAtLocation, Taxonomy, TaxonomyTerm)
    ]
    again = import_openreferral(_fixture())
    assert (again.created, again.updated, again.skipped) == (0, 3, 1)
    assert (again.organisations_created, again.locations_created, again.terms_created) == (0, 0, 0)
    assert counts == [
        m.objects.count()
        for m in (Service, Organisation, Location, ServiceAtLocation, Taxonomy, TaxonomyTerm)
    ]
    assert AuditEvent.objects.filter(action="directory.imported").count() == 2


def test_a_second_import_carries_changes_and_removals():
    import_openreferral(_fixture())
    Service.objects.filter(pk=WISBECH_SHELTER).update(accepts_referrals=True)
    data = _fixture()
    shelter = data["contents"][0]
    shelter["name"] = "Wisbech Winter Night Shelter"
    shelter["status"] = "inactive"
    shelter["attributes"] = shelter["attributes"][:1]
    shelter["service_areas"] = []
    result = import_openreferral(data)
    assert result.updated == 3
    service = Service.objects.get(pk=WISBECH_SHELTER)
    assert service.name == "Wisbech Winter Night Shelter"
    assert service.status == "inactive"
    assert [t.pk for t in service.taxonomy_terms.all()] == [HOMELESSNESS_TERM_ID]
    assert service.districts.count() == 0
    # The service agreed to take referrals after the first import; a re-import keeps that.
    assert service.accepts_referrals is True


def test_importer_takes_one_service_or_a_list():
    data = _fixture()
    one = import_openreferral(data["contents"][2])
    assert (one.created, one.skipped) == (1, 0)
    assert Service.objects.get().pk == RECOVERY_CAFE
    many = import_openreferral(data["contents"][:2])
    assert (many.created, many.skipped) == (2, 0)


def test_invalid_items_are_skipped_and_the_rest_imported():
    data = _fixture()
    cafe = data["contents"][2]
    no_org = {**copy.deepcopy(cafe), "id": str(uuid.uuid4()), "organization": None}
    no_org["organization_id"] = str(uuid.uuid4())
    items = [
        "not an object",
        {"id": "not-a-uuid", "name": "Bad id"},
        {"name": "No id at all"},
        no_org,
        cafe,
    ]
    result = import_openreferral(items)
    assert (result.created, result.skipped) == (1, 4)
    assert result.problems[0] == "item 1: not a service object; skipped"
    assert "no valid id" in result.problems[1]
    assert "no valid id" in result.problems[2]
    assert "organisation is not in Petal" in result.problems[3]
    assert list(Service.objects.values_list("pk", flat=True)) == [RECOVERY_CAFE]


def test_untrusted_values_are_cleaned_not_crashed_on():
    cafe = _fixture()["contents"][2]
    cafe["name"] = "Café " + "x" * 400
    cafe["url"] = "javascript:alert(1)"
    cafe["email"] = "not an email"
    cafe["status"] = "open"
    location = cafe["service_at_locations"][0]["location"]
    location["latitude"] = "north"
    location["longitude"] = 1e400
    location["addresses"][0]["postal_code"] = "x" * 40
    result = import_openreferral(cafe)
    assert result.created == 1
    service = Service.objects.get()
    assert len(service.name) == 200
    assert (service.url, service.email, service.status) == ("", "", "active")
    assert any("status 'open'" in problem for problem in result.problems)
    hub = Location.objects.get()
    assert (hub.latitude, hub.longitude, hub.postcode) == (None, None, "")


def test_an_existing_organisation_is_matched_by_name_and_kept_as_petal_has_it():
    existing = OrganisationFactory(name="Fenland Housing Trust", description="Petal's words")
    import_openreferral(_fixture())
    existing.refresh_from_db()
    assert Organisation.objects.filter(name__iexact="fenland housing trust").count() == 1
    assert existing.description == "Petal's words"
    assert existing.email == "hello@fenlandhousingtrust.example.org"  # was blank: filled in
    assert Service.objects.get(pk=WISBECH_SHELTER).organisation == existing


def test_importer_does_not_rename_petals_own_terms():
    data = _fixture()
    data["contents"][0]["attributes"][0]["taxonomy_term"]["name"] = "Homeless people"
    import_openreferral(data)
    assert TaxonomyTerm.objects.get(pk=HOMELESSNESS_TERM_ID).name == "Homelessness"


# The command ------------------------------------------------------------------------------


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_openreferral", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_a_file():
    out, err = _call(str(FIXTURE))
    assert "3 created, 0 updated, 1 skipped" in out
    assert str(NAMELESS) in err
    assert Service.objects.filter(source=str(FIXTURE)).count() == 3


def test_command_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(FIXTURE.read_text()))
    out, _ = _call("-", "--source", "pasted")
    assert "Imported from pasted: 3 created" in out
    assert Service.objects.filter(source="pasted").count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not readable JSON"), ('"just a string"', "not an Open Referral")],
)
def test_command_refuses_unreadable_json(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        _call(str(path))
    assert not AuditEvent.objects.filter(action="directory.imported").exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Could not read"):
        _call(str(tmp_path / "missing.json"))


class _Directory:
    """Another directory's API over real HTTP: the fixture split into pages of two."""

    def __init__(self, per_page: int = 2, *, broken: bool = False):
        items = _fixture()["contents"]
        pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
        self.requests: list[str] = []
        directory = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                directory.requests.append(self.path)
                query = parse_qs(urlsplit(self.path).query)
                number = int(query.get("page", ["1"])[0])
                if broken:
                    body = b"<html>oops</html>"
                else:
                    contents = pages[number - 1] if number <= len(pages) else []
                    body = json.dumps(
                        {
                            "total_items": len(items),
                            "total_pages": len(pages),
                            "page_number": number,
                            "size": len(contents),
                            "first_page": number == 1,
                            "last_page": number >= len(pages),
                            "empty": not contents,
                            "contents": contents,
                        }
                    ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/openreferral/services"

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_command_fetches_a_url_and_follows_its_pages():
    with _Directory() as remote:
        out, err = _call(f"{remote.url}?per_page=2&district=fenland")
    assert "3 created, 0 updated, 1 skipped" in out
    assert len(remote.requests) == 2
    second = parse_qs(urlsplit(remote.requests[1]).query)
    assert second == {"per_page": ["2"], "district": ["fenland"], "page": ["2"]}
    assert Service.objects.count() == 3


def test_command_stops_at_max_pages():
    with _Directory(per_page=1) as remote:
        out, err = _call(remote.url, "--max-pages", "2")
    assert len(remote.requests) == 2
    assert "2 created" in out
    assert "Stopped after 2 pages" in err


def test_command_refuses_a_url_that_is_not_json():
    with _Directory(broken=True) as remote, pytest.raises(CommandError, match="readable JSON"):
        _call(remote.url)


def test_command_refuses_an_unreachable_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CommandError, match="Could not reach"):
        _call(f"http://127.0.0.1:{port}/services", "--timeout", "2")


# Round trip ------------------------------------------------------------------------------


def test_petals_export_imports_back_the_same_services(client, directory):
    services = directory["services"]
    before = {
        s.pk: (
            s.name,
            s.status,
            s.organisation_id,
            s.opening_times,
            s.url,
            {t.pk for t in s.taxonomy_terms.all()},
            {d.code for d in s.districts.all()},
            {(sal.location.name, sal.location.district_id) for sal in s.service_at_locations.all()},
        )
        for s in services.values()
    }
    exported = [_get(client, f"/openreferral/services/{s.pk}") for s in services.values()]
    Service.objects.all().delete()
    Location.objects.all().delete()

    result = import_openreferral(exported, source="round trip")
    assert (result.created, result.skipped, result.problems) == (5, 0, [])
    assert result.organisations_created == result.terms_created == 0
    after = {
        s.pk: (
            s.name,
            s.status,
            s.organisation_id,
            s.opening_times,
            s.url,
            {t.pk for t in s.taxonomy_terms.all()},
            {d.code for d in s.districts.all()},
            {(sal.location.name, sal.location.district_id) for sal in s.service_at_locations.all()},
        )
        for s in Service.objects.all()
    }
    assert after == before
