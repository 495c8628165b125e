"""Every write to the service directory: one transaction each, with its audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from petal.access.categories import Category
from petal.accounts.models import Organisation
from petal.audit.services import audit_record
from petal.consent.models import bits_for
from petal.core.errors import Forbidden, fail
from petal.directory.models import Location, Service, ServiceAtLocation, TaxonomyTerm
from petal.directory.selectors import may_edit_service
from petal.reference.selectors import programme_area

SERVICE_FIELDS = (
    "name",
    "summary",
    "description",
    "who_for",
    "eligibility",
    "how_to_refer",
    "opening_times",
    "email",
    "phone",
    "url",
    "accepts_referrals",
    "response_days",
    "status",
)


@transaction.atomic
def service_save(
    *,
    actor,
    organisation: Organisation,
    data: dict,
    terms=(),
    districts=(),
    needs_categories=(),
    locations=None,
    service: Service | None = None,
) -> Service:
    """Add a service or change one. ``terms`` are taxonomy terms (areas, reach and any
    other); ``locations`` (when given) replaces where the service is delivered."""
    if not may_edit_service(actor, service=service, organisation_id=organisation.pk):
        raise Forbidden("You can change only your own organisation's services")
    if service is not None and service.organisation_id != organisation.pk:
        if not may_edit_service(actor, service=service):
            raise Forbidden("You can change only your own organisation's services")
    if not (data.get("name") or "").strip():
        fail("name", "Enter the name of the service")
    if not (data.get("description") or "").strip():
        fail("description", "Describe what the service does")
    creating = service is None
    if creating:
        service = Service(programme_area=programme_area())
    before = {f: getattr(service, f) for f in SERVICE_FIELDS} if not creating else {}
    for field in SERVICE_FIELDS:
        if field in data:
            setattr(service, field, data[field])
    service.organisation = organisation
    service.needs_category_bits = bits_for([Category.IDENTITY, *needs_categories])
    service.updated_by = actor
    service.save()
    service.taxonomy_terms.set(list(terms))
    service.districts.set(list(districts))
    if locations is not None:
        wanted = {location.pk for location in locations}
        foreign = [loc for loc in locations if loc.organisation_id not in (None, organisation.pk)]
        if foreign:
            fail("locations", "Choose locations of the service's own organisation")
        ServiceAtLocation.objects.filter(service=service).exclude(location__in=wanted).delete()
        have = set(
            ServiceAtLocation.objects.filter(service=service).values_list("location", flat=True)
        )
        ServiceAtLocation.objects.bulk_create(
            [ServiceAtLocation(service=service, location_id=pk) for pk in wanted - have]
        )
    changed = sorted(f for f in SERVICE_FIELDS if before and before[f] != getattr(service, f))
    audit_record(
        actor=actor,
        action="directory.service_added" if creating else "directory.service_changed",
        obj=service,
        data={"organisation": organisation.pk, "fields": changed},
    )
    return service


LOCATION_FIELDS = (
    "name",
    "description",
    "location_type",
    "address_1",
    "city",
    "postcode",
    "district",
    "url",
)


@transaction.atomic
def location_add(*, actor, organisation: Organisation, data: dict) -> Location:
    if not may_edit_service(actor, organisation_id=organisation.pk):
        raise Forbidden("You can change only your own organisation's locations")
    if not (data.get("name") or "").strip():
        fail("name", "Enter a name for the location")
    location = Location(organisation=organisation)
    for field in LOCATION_FIELDS:
        if field in data:
            setattr(location, field, data[field])
    location.postcode = (location.postcode or "").upper().strip()
    location.save()
    audit_record(
        actor=actor,
        action="directory.location_added",
        obj=location,
        data={"organisation": organisation.pk},
    )
    return location


ORGANISATION_FIELDS = ("name", "kind", "website", "description", "email", "phone")


@transaction.atomic
def organisation_save(*, actor, data: dict, organisation: Organisation | None = None):
    """The programme team adds an organisation to the directory or changes one."""
    from petal.access.policy import can

    if not can(actor, "directory.manage"):
        raise Forbidden("Only the programme team adds organisations")
    name = (data.get("name") or "").strip()
    if not name:
        fail("name", "Enter the organisation's name")
    clash = Organisation.objects.filter(name__iexact=name)
    if organisation is not None:
        clash = clash.exclude(pk=organisation.pk)
    if clash.exists():
        fail("name", "An organisation with this name is already in Petal")
    creating = organisation is None
    if creating:
        base = slugify(name.replace("&", "and"))[:110] or "organisation"
        slug, n = base, 2
        while Organisation.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        organisation = Organisation(slug=slug, programme_area=programme_area())
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    organisation.name = name
    organisation.save()
    audit_record(
        actor=actor,
        action="directory.organisation_added" if creating else "directory.organisation_changed",
        obj=organisation,
    )
    return organisation


def terms_by_ids(ids) -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(pk__in=list(ids)))
