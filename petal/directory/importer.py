"""Import services from another directory's Open Referral UK (version 3) data.

Everything is matched by the UUIDs the data carries, so importing the same data again
changes what changed and creates nothing new. Each service is imported in its own
transaction: one bad item is reported and skipped, the rest still arrive.
"""

from __future__ import annotations

import decimal
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from petal.accounts.models import Organisation, OrganisationKind
from petal.audit.services import audit_record
from petal.directory.models import (
    AREAS_TAXONOMY,
    REACH_TAXONOMY,
    Location,
    LocationType,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from petal.reference.models import District
from petal.reference.selectors import programme_area

IMPORTED_TAXONOMY_SLUG = "imported-terms"
IMPORTED_TAXONOMY_NAME = "Imported terms"
# Petal's own taxonomies are reference data: an import links to their terms, never edits them.
OWN_TAXONOMIES = {AREAS_TAXONOMY, REACH_TAXONOMY}
STATUSES = {choice.value for choice in ServiceStatus}
LOCATION_TYPES = {choice.value for choice in LocationType}
_url_ok = URLValidator(schemes=["http", "https"])


@dataclass
class ImportResult:
    """Counts of services created, updated and skipped, and what went wrong (and where)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    organisations_created: int = 0
    locations_created: int = 0
    terms_created: int = 0
    service_ids: list[uuid.UUID] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "problems": len(self.problems),
            "organisations_created": self.organisations_created,
            "locations_created": self.locations_created,
            "terms_created": self.terms_created,
        }


class _Skip(Exception):
    """This item cannot be imported; the message says why."""


# Small readers for untrusted values -----------------------------------------------------


def _uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def _text(value, limit: int | None = None) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    text = str(value).replace("\x00", "").strip()
    return text[:limit] if limit else text


def _url(value, limit: int = 200) -> str:
    text = _text(value)
    if not text or len(text) > limit:
        return ""
    try:
        _url_ok(text)
    except ValidationError:
        return ""
    return text


def _email(value) -> str:
    text = _text(value)
    if not text or len(text) > 254:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text


def _coordinate(value, bound: int) -> decimal.Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > bound:
        return None
    return number.quantize(decimal.Decimal("0.000001"))


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _items(data) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if isinstance(data.get("contents"), list):
            return data["contents"]
        return [data]
    return []


# Matching --------------------------------------------------------------------------------


class _Context:
    """What stays the same for the whole import: districts by name, the programme area."""

    def __init__(self, *, actor, source: str) -> None:
        self.actor = actor
        self.source = source[:300]
        self.programme_area = programme_area()
        self.districts = {}
        for district in District.objects.all():
            self.districts[district.name.casefold()] = district
            self.districts[district.code.casefold()] = district

    def district(self, name) -> District | None:
        return self.districts.get(_text(name).casefold()) if name else None


def _unique_slug(model, base: str, **scope) -> str:
    base = (slugify(base.replace("&", "and")) or "imported")[:100]
    slug, n = base, 2
    field_name = "code" if model is TaxonomyTerm else "slug"
    while model.objects.filter(**{field_name: slug}, **scope).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _organisation(ctx: _Context, item: dict, result: ImportResult) -> Organisation:
    data = item.get("organization") if isinstance(item.get("organization"), dict) else {}
    uid = _uuid(data.get("id")) or _uuid(item.get("organization_id"))
    name = _text(data.get("name"), 200)
    organisation = Organisation.objects.filter(uid=uid).first() if uid else None
    if organisation is None and name:
        # Organisation names are unique in Petal: the same name is the same partner.
        organisation = Organisation.objects.filter(name__iexact=name).first()
    values = {
        "description": _text(data.get("description")),
        "email": _email(data.get("email")),
        "website": _url(data.get("website")),
    }
    if organisation is not None:
        # Petal's own record of a partner wins; the import only fills in what is missing.
        changed = [f for f, v in values.items() if v and not getattr(organisation, f)]
        for f in changed:
            setattr(organisation, f, values[f])
        if changed:
            organisation.save(update_fields=changed)
        return organisation
    if not name:
        raise _Skip("its organisation is not in Petal and the data does not name it")
    organisation = Organisation(
        uid=uid or uuid.uuid4(),
        name=name,
        slug=_unique_slug(Organisation, name),
        kind=OrganisationKind.OTHER,
        programme_area=ctx.programme_area,
        **values,
    )
    organisation.save()
    result.organisations_created += 1
    return organisation


def _taxonomy(term_data: dict) -> Taxonomy:
    taxonomy_id = _uuid(term_data.get("taxonomy_id"))
    if taxonomy_id is None:
        taxonomy, _ = Taxonomy.objects.get_or_create(
            slug=IMPORTED_TAXONOMY_SLUG,
            defaults={
                "name": IMPORTED_TAXONOMY_NAME,
                "description": "Terms that arrived with imported services without a taxonomy.",
            },
        )
        return taxonomy
    taxonomy = Taxonomy.objects.filter(pk=taxonomy_id).first()
    if taxonomy is None:
        name = _text(term_data.get("taxonomy"), 200) or "Imported taxonomy"
        taxonomy = Taxonomy.objects.create(
            id=taxonomy_id,
            slug=_unique_slug(Taxonomy, name),
            name=name,
            uri=_url(term_data.get("taxonomy")),
        )
    return taxonomy


def _term(attribute: dict, result: ImportResult, where: str) -> TaxonomyTerm | None:
    term_data = attribute.get("taxonomy_term")
    term_data = term_data if isinstance(term_data, dict) else {}
    term_id = _uuid(term_data.get("id")) or _uuid(attribute.get("taxonomy_term_id"))
    if term_id is None:
        result.problems.append(f"{where}: an attribute has no valid taxonomy term id; left out")
        return None
    name = _text(term_data.get("name"), 200) or _text(term_data.get("term"), 200)
    description = _text(term_data.get("description"))
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=term_id).first()
    if term is not None:
        new = (name, description or term.description)
        if (
            term.taxonomy.slug not in OWN_TAXONOMIES
            and name
            and new != (term.name, term.description)
        ):
            term.name, term.description = new
            term.save(update_fields=["name", "description"])
        return term
    if not name:
        result.problems.append(f"{where}: taxonomy term {term_id} is unknown and has no name")
        return None
    taxonomy = _taxonomy(term_data)
    parent = None
    parent_id = _uuid(term_data.get("parent_id"))
    if parent_id:
        parent = TaxonomyTerm.objects.filter(pk=parent_id).first()
    term = TaxonomyTerm.objects.create(
        id=term_id,
        taxonomy=taxonomy,
        code=_unique_slug(TaxonomyTerm, name, taxonomy=taxonomy),
        name=name,
        description=description,
        parent=parent,
    )
    result.terms_created += 1
    return term


def _location(
    ctx: _Context,
    data: dict,
    *,
    organisation: Organisation,
    service_name: str,
    service_districts: list[District],
    result: ImportResult,
) -> Location:
    location_id = _uuid(data.get("id"))
    addresses = _dicts(data.get("addresses"))
    address = addresses[0] if addresses else {}
    location_type = _text(data.get("location_type"))
    if location_type not in LOCATION_TYPES:
        location_type = _text(address.get("address_type"))
    if location_type not in LOCATION_TYPES:
        location_type = LocationType.PHYSICAL
    city = _text(address.get("city"), 100)
    district = (
        ctx.district(city)
        or ctx.district(address.get("region"))
        or ctx.district(address.get("state_province"))
    )
    if district is None and len(service_districts) == 1 and location_type != "virtual":
        # A place the service covers only one district of is in that district.
        district = service_districts[0]
    postcode = _text(address.get("postal_code")).upper()
    address_1 = _text(address.get("address_1"), 200)
    values = {
        "name": _text(data.get("name"), 200) or address_1 or service_name[:200],
        "description": _text(data.get("description")),
        "location_type": location_type,
        "address_1": address_1,
        "city": city,
        "postcode": postcode if len(postcode) <= 10 else "",
        "district": district,
        "latitude": _coordinate(data.get("latitude"), 90),
        "longitude": _coordinate(data.get("longitude"), 180),
        "url": _url(data.get("url")),
    }
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        location = Location(id=location_id, organisation=organisation)
        result.locations_created += 1
    for name, value in values.items():
        setattr(location, name, value)
    location.save()
    return location


def _opening_times(schedules: list[dict]) -> str:
    lines = []
    for schedule in schedules:
        text = _text(schedule.get("description"))
        if not text:
            # No words given: say it from the recurrence, e.g. "MO,TU 09:00–17:00".
            parts = [_text(schedule.get("byday"))]
            opens, closes = _text(schedule.get("opens_at")), _text(schedule.get("closes_at"))
            if opens or closes:
                parts.append(f"{opens}–{closes}")
            text = " ".join(p for p in parts if p)
        if text and text not in lines:
            lines.append(text)
    return "\n".join(lines)


def _is_petal_page_of(url: str, service_id: uuid.UUID) -> bool:
    # Petal's export names a service's own directory page as its url when it has no website;
    # bringing that back would give the service a "website" that is Petal itself.
    return url.rstrip("/").endswith(f"/directory/services/{service_id}")


def _import_service(ctx: _Context, item: dict, result: ImportResult) -> bool:
    """Upsert one service; True if it was created."""
    service_id = _uuid(item.get("id"))
    name = _text(item.get("name"), 200)
    where = f"service {service_id} ({name})"
    organisation = _organisation(ctx, item, result)
    service = Service.objects.filter(pk=service_id).first()
    created = service is None
    if created:
        service = Service(
            id=service_id,
            programme_area=ctx.programme_area,
            accepts_referrals=False,  # referrals through Petal need the service's agreement
            description="",
        )
    service.organisation = organisation
    service.name = name
    if "description" in item or created:
        service.description = _text(item.get("description"))
    if "url" in item or created:
        url = _url(item.get("url"))
        service.url = "" if _is_petal_page_of(url, service_id) else url
    if "email" in item or created:
        service.email = _email(item.get("email"))
    if "status" in item or created:
        status = _text(item.get("status"))
        if status not in STATUSES:
            result.problems.append(f"{where}: status {status!r} is not Open Referral's; active")
            status = ServiceStatus.ACTIVE
        service.status = status
    if "schedules" in item:
        service.opening_times = _opening_times(_dicts(item.get("schedules")))
    service.source = ctx.source
    service.updated_by = ctx.actor
    service.save()

    districts = None
    if "service_areas" in item:
        districts = []
        for area in _dicts(item.get("service_areas")):
            district = ctx.district(area.get("name")) or ctx.district(area.get("service_area"))
            if district is not None and district not in districts:
                districts.append(district)
        service.districts.set(districts)
    if "attributes" in item:
        terms = [_term(a, result, where) for a in _dicts(item.get("attributes"))]
        service.taxonomy_terms.set({t.pk: t for t in terms if t is not None}.values())
    if "service_at_locations" in item:
        kept = []
        for sal_data in _dicts(item.get("service_at_locations")):
            location_data = sal_data.get("location")
            location_data = location_data if isinstance(location_data, dict) else {}
            if _uuid(location_data.get("id")) is None:
                location_data = {**location_data, "id": sal_data.get("location_id")}
            if _uuid(location_data.get("id")) is None:
                result.problems.append(f"{where}: a location has no valid id; left out")
                continue
            location = _location(
                ctx,
                location_data,
                organisation=organisation,
                service_name=name,
                service_districts=districts if districts is not None else [],
                result=result,
            )
            sal_id = _uuid(sal_data.get("id"))
            sal = ServiceAtLocation.objects.filter(pk=sal_id).first() if sal_id else None
            if sal is None:
                sal = ServiceAtLocation.objects.filter(service=service, location=location).first()
            if sal is None:
                sal = ServiceAtLocation(id=sal_id or uuid.uuid4())
            sal.service, sal.location = service, location
            sal.save()
            kept.append(sal.pk)
        ServiceAtLocation.objects.filter(service=service).exclude(pk__in=kept).delete()
    return created


def import_openreferral(data, *, actor=None, source: str = "") -> ImportResult:
    """Bring services from Open Referral UK data into Petal's directory.

    ``data`` is one fully nested service, a list of them, or a page envelope (``contents``).
    Organisations, taxonomy terms, locations and services are matched by their ids (an
    organisation by name too), so Petal's own area terms are recognised and a second import
    updates rather than duplicates. Imported services do not take referrals through Petal until
    the service agrees. Items without a valid id or a name are skipped and reported. One audit
    event records the counts.
    """
    result = ImportResult()
    ctx = _Context(actor=actor, source=source)
    items = _items(data)
    if not items and not isinstance(data, (list, dict)):
        result.problems.append("The data is not an Open Referral service, list or page")
    for number, item in enumerate(items, start=1):
        label = f"item {number}"
        if not isinstance(item, dict):
            result.skipped += 1
            result.problems.append(f"{label}: not a service object; skipped")
            continue
        service_id = _uuid(item.get("id"))
        if service_id is None:
            result.skipped += 1
            result.problems.append(f"{label}: no valid id (a UUID); skipped")
            continue
        if not _text(item.get("name")):
            result.skipped += 1
            result.problems.append(f"{label} ({service_id}): no name; skipped")
            continue
        if ctx.programme_area is None:
            result.skipped += 1
            result.problems.append(f"{label} ({service_id}): Petal has no programme area yet")
            continue
        before = (result.organisations_created, result.locations_created, result.terms_created)
        problems_before = len(result.problems)
        try:
            with transaction.atomic():
                created = _import_service(ctx, item, result)
        except _Skip as reason:
            created = None
            result.problems[problems_before:] = [f"{label} ({service_id}): {reason}; skipped"]
        except (DatabaseError, ValidationError, ValueError, TypeError) as error:
            created = None
            result.problems[problems_before:] = [
                f"{label} ({service_id}): could not be saved ({type(error).__name__}); skipped"
            ]
        if created is None:
            # Rolled back: what the item created is not in Petal, so it does not count.
            result.skipped += 1
            result.organisations_created, result.locations_created, result.terms_created = before
            continue
        result.service_ids.append(service_id)
        if created:
            result.created += 1
        else:
            result.updated += 1
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="directory.imported",
            object_type="directory.service",
            data={
                **result.as_dict(),
                "source": ctx.source,
            },
        )
    return result
