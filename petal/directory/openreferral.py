"""Petal's service directory as a read-only Open Referral UK version 3 API, at /openreferral/.

The shapes follow the UK profile of HSDS 3.0 (github.com/OpenReferralUK/uk-profile,
``schema/openapi.json``). Where the profile's versions disagree on which keys are required,
every key any version requires is sent, so a consumer validating against either passes.
Optional keys with no value are left out rather than sent as null (the schema's types do not
allow null); only keys that are required but have no type in the profile (``url`` on
locations and schedules) are sent as null when Petal has no value.

Paging is 1-based: ``page`` (default 1) and ``per_page`` (default 50, at most 200); a value
that is not a positive whole number falls back to the default. The envelope always has
``total_items``, ``total_pages``, ``page_number``, ``size`` (items on this page),
``first_page``, ``last_page``, ``empty`` (this page has no items) and ``contents``.

Filters on ``/services`` and ``/service_at_locations``: ``search``, ``taxonomy_term_id`` and
``taxonomy_id`` as in the profile, and one Petal extension, ``district``: a district code
(``cambridge``, ``east-cambridgeshire``, ``fenland``, ``huntingdonshire``,
``south-cambridgeshire``, ``peterborough``), listed by the root endpoint too. A filter value
that cannot match (an id that is not a UUID, an unknown district) gives an empty page.

Every status is listed (active, temporarily closed, inactive, defunct): it is a directory
feed and consumers filter by ``status``. Nothing here is personal, so answers carry
``Access-Control-Allow-Origin: *`` for other directories' pages to read; caching is left to
Petal's middleware.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from django.db.models import Prefetch, QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from petal.directory import selectors
from petal.directory.models import (
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from petal.reference.models import District

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# Petal's districts are all in the ceremonial county of Cambridgeshire (Peterborough too), and
# the profile requires ``state_province`` on every address.
COUNTY = "Cambridgeshire"
COUNTRY = "GB"


# Queries ----------------------------------------------------------------------------------


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None


def services_matching(
    *, search: str = "", taxonomy_term_id: str = "", taxonomy_id: str = "", district: str = ""
) -> QuerySet[Service]:
    """Services for the Open Referral filters, every status. An id that is not a UUID
    matches nothing, as an unknown one does."""
    services = selectors.service_search(q=search, district=district, open_only=False)
    if taxonomy_term_id:
        term = _uuid_or_none(taxonomy_term_id)
        if term is None:
            return services.none()
        services = services.filter(
            pk__in=Service.objects.filter(taxonomy_terms__pk=term).values("pk")
        )
    if taxonomy_id:
        taxonomy = _uuid_or_none(taxonomy_id)
        if taxonomy is None:
            return services.none()
        services = services.filter(
            pk__in=Service.objects.filter(taxonomy_terms__taxonomy_id=taxonomy).values("pk")
        )
    return services


def service_at_locations_matching(**filters) -> QuerySet[ServiceAtLocation]:
    services = services_matching(**filters)
    return (
        ServiceAtLocation.objects.filter(service__in=services.values("pk"))
        .select_related("service__organisation", "location")
        .order_by("service__name", "location__name", "id")
    )


def _terms_with_taxonomy() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy")


def service_full_get(service_id) -> Service | None:
    return selectors.service_get(service_id)


def service_at_location_full_get(sal_id) -> ServiceAtLocation | None:
    return (
        ServiceAtLocation.objects.filter(pk=sal_id)
        .select_related("location__district", "service__organisation")
        .prefetch_related(
            "service__districts",
            Prefetch("service__taxonomy_terms", queryset=_terms_with_taxonomy()),
            Prefetch(
                "service__service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__district"),
            ),
        )
        .first()
    )


def taxonomy_list() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("name", "id")


def taxonomy_full_get(taxonomy_id) -> Taxonomy | None:
    return (
        Taxonomy.objects.filter(pk=taxonomy_id)
        .prefetch_related(Prefetch("terms", queryset=_terms_with_taxonomy()))
        .first()
    )


def term_list() -> QuerySet[TaxonomyTerm]:
    return _terms_with_taxonomy().order_by("taxonomy__name", "order", "name", "id")


def term_get(term_id) -> TaxonomyTerm | None:
    return _terms_with_taxonomy().filter(pk=term_id).first()


# Serialisers (plain dicts) ------------------------------------------------------------------


def _derived_id(owner: uuid.UUID, kind: str) -> str:
    """A stable id for an object Petal does not store as a row (a schedule, a service area),
    so it is the same in every answer."""
    return str(uuid.uuid5(owner, kind))


def _put(data: dict, key: str, value) -> None:
    """Set an optional key only when it has a value."""
    if value not in (None, ""):
        data[key] = value


def timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the profile asks: 2023-03-15T10:30:45.123Z."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def organization_out(organisation, *, full: bool = False) -> dict:
    data = {
        "id": str(organisation.uid),
        "name": organisation.name,
        "description": organisation.description,
    }
    _put(data, "email", organisation.email)
    _put(data, "website", organisation.website)
    if full:
        data["organization_identifiers"] = []
        data["attributes"] = []
    return data


def _service_url(service: Service, request) -> str:
    # The profile requires ``url`` (a URI). A service without its own website has a page in
    # Petal's public directory, which is where a reader would learn more about it.
    if service.url:
        return service.url
    return request.build_absolute_uri(reverse("directory:service", args=[service.pk]))


def _service_scalars(service: Service, request) -> dict:
    data = {
        "id": str(service.pk),
        "organization_id": str(service.organisation.uid),
        "name": service.name,
    }
    _put(data, "description", service.description)
    data["url"] = _service_url(service, request)
    _put(data, "email", service.email)
    data["status"] = service.status
    data["last_modified"] = timestamp(service.updated_at)
    return data


def service_list_out(service: Service, request) -> dict:
    """``compiled/service_list.json``: the service and its organisation, without arrays."""
    return {
        **_service_scalars(service, request),
        "organization": organization_out(service.organisation),
    }


def term_out(term: TaxonomyTerm) -> dict:
    # Both versions of the profile's required list: ["id","name","description"] and
    # ["id","taxonomy"]; ``term`` is the profile's own name for the label.
    data = {
        "id": str(term.pk),
        "name": term.name,
        "description": term.description,
        "term": term.name,
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": str(term.taxonomy_id),
    }
    if term.parent_id:
        data["parent_id"] = str(term.parent_id)
    return data


def taxonomy_out(taxonomy: Taxonomy, *, terms=None) -> dict:
    data = {"id": str(taxonomy.pk), "name": taxonomy.name, "description": taxonomy.description}
    _put(data, "uri", taxonomy.uri)
    _put(data, "version", taxonomy.version)
    if terms is not None:
        data["taxonomy_terms"] = [term_out(term) for term in terms]
    return data


def _address_out(location: Location) -> list[dict]:
    if not (location.address_1 or location.city or location.postcode):
        return []
    address = {
        "id": _derived_id(location.pk, "address"),
        "location_id": str(location.pk),
        "address_1": location.address_1,
        "city": location.city,
        "state_province": COUNTY if location.district_id else "",
        "postal_code": location.postcode,
        "country": COUNTRY,
        "address_type": location.location_type,
    }
    if location.district_id:
        # The district travels as the address's region, so an import can place it again.
        address["region"] = location.district.name
    return [address]


def location_out(location: Location, *, full: bool = False) -> dict:
    data = {
        "id": str(location.pk),
        "location_type": location.location_type,
        # Required by the compiled profile but given no type there: null when there is none.
        "url": location.url or None,
        "name": location.name,
    }
    _put(data, "description", location.description)
    if location.latitude is not None:
        data["latitude"] = float(location.latitude)
    if location.longitude is not None:
        data["longitude"] = float(location.longitude)
    if full:
        data["addresses"] = _address_out(location)
        data["accessibility"] = []
        data["attributes"] = []
    return data


def _attribute_out(service: Service, term: TaxonomyTerm) -> dict:
    return {
        "id": _derived_id(service.pk, f"attribute/{term.pk}"),
        "link_id": str(service.pk),
        "taxonomy_term_id": str(term.pk),
        "taxonomy_term": term_out(term),
    }


def _schedules_out(service: Service) -> list[dict]:
    if not service.opening_times.strip():
        return []
    return [
        {
            "id": _derived_id(service.pk, "schedule"),
            "service_id": str(service.pk),
            "description": service.opening_times.strip(),
            "url": None,
        }
    ]


def _service_areas_out(service: Service) -> list[dict]:
    return [
        {
            "id": _derived_id(service.pk, f"service_area/{district.code}"),
            "service_id": str(service.pk),
            "name": district.name,
            "service_area": district.name,
        }
        for district in service.districts.all()
    ]


def service_full_out(service: Service, request) -> dict:
    """``compiled/service.json``: the fully nested service."""
    data = _service_scalars(service, request)
    data["organization"] = organization_out(service.organisation, full=True)
    data["service_at_locations"] = [
        {
            "id": str(sal.pk),
            "service_id": str(service.pk),
            "location_id": str(sal.location_id),
            "location": location_out(sal.location, full=True),
        }
        for sal in service.service_at_locations.all()
    ]
    data["attributes"] = [_attribute_out(service, term) for term in service.taxonomy_terms.all()]
    data["contacts"] = []
    data["schedules"] = _schedules_out(service)
    data["service_areas"] = _service_areas_out(service)
    data["languages"] = []
    data["funding"] = []
    data["cost_options"] = []
    return data


def service_at_location_list_out(sal: ServiceAtLocation, request) -> dict:
    """``compiled/service_at_location_list.json``."""
    return {
        "id": str(sal.pk),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location_out(sal.location),
        "service": service_list_out(sal.service, request),
    }


def service_at_location_full_out(sal: ServiceAtLocation, request) -> dict:
    """``compiled/service_at_location.json``: the openapi names compiled/service.json for
    this path, which looks like a slip; the service is nested in full under ``service``."""
    return {
        "id": str(sal.pk),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location_out(sal.location, full=True),
        "service": service_full_out(sal.service, request),
    }


# Views ----------------------------------------------------------------------------------


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # Public directory data: other sites' directories may read it from the browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found() -> JsonResponse:
    return _json({"detail": "Not found"}, status=404)


def _text_param(request, name: str, limit: int = 100) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _positive_int(request, name: str, default: int) -> int:
    try:
        value = int(_text_param(request, name, limit=12))
    except ValueError:
        return default
    return value if value >= 1 else default


def paged(request, queryset: QuerySet, serialise) -> dict:
    """The profile's Page envelope for one page of ``queryset``."""
    page = _positive_int(request, "page", 1)
    per_page = min(_positive_int(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    total = queryset.count()
    start = (page - 1) * per_page
    rows = list(queryset[start : start + per_page]) if start < total else []
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(rows),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not rows,
        "contents": [serialise(row) for row in rows],
    }


def _filters(request) -> dict:
    return {
        "search": _text_param(request, "search"),
        "taxonomy_term_id": _text_param(request, "taxonomy_term_id"),
        "taxonomy_id": _text_param(request, "taxonomy_id"),
        "district": _text_param(request, "district"),
    }


@require_safe
def root(request):
    return _json(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": OPENAPI_URL,
            # Not in the profile (extra keys are allowed): Petal's one extra filter.
            "extensions": {
                "district": {
                    "description": "Filter /services and /service_at_locations by one of "
                    "Petal's districts, by code.",
                    "values": list(
                        District.objects.order_by("name").values_list("code", flat=True)
                    ),
                }
            },
        }
    )


@require_safe
def services(request):
    found = services_matching(**_filters(request))
    return _json(paged(request, found, lambda s: service_list_out(s, request)))


@require_safe
def service(request, service_id):
    found = service_full_get(service_id)
    if found is None:
        return _not_found()
    return _json(service_full_out(found, request))


@require_safe
def taxonomies(request):
    return _json(paged(request, taxonomy_list(), taxonomy_out))


@require_safe
def taxonomy(request, taxonomy_id):
    found = taxonomy_full_get(taxonomy_id)
    if found is None:
        return _not_found()
    return _json(taxonomy_out(found, terms=found.terms.all()))


@require_safe
def taxonomy_terms(request):
    return _json(paged(request, term_list(), term_out))


@require_safe
def taxonomy_term(request, term_id):
    found = term_get(term_id)
    if found is None:
        return _not_found()
    return _json(term_out(found))


@require_safe
def service_at_locations(request):
    found = service_at_locations_matching(**_filters(request))
    return _json(paged(request, found, lambda sal: service_at_location_list_out(sal, request)))


@require_safe
def service_at_location(request, sal_id):
    found = service_at_location_full_get(sal_id)
    if found is None:
        return _not_found()
    return _json(service_at_location_full_out(found, request))
