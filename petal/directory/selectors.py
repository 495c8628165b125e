"""Reads of the service directory. None of it is personal, so reads are not audited; who may
change a service is decided here, once, for pages and API alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from petal.access.policy import can, has_role, organisations_with_role
from petal.access.roles import Role
from petal.accounts.models import Organisation
from petal.directory.models import (
    AREAS_TAXONOMY,
    REACH_TAXONOMY,
    Location,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

PAGE_SIZE = 20


def _clean(text: str, limit: int = 100) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def area_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy__slug=AREAS_TAXONOMY).select_related("area")


def reach_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy__slug=REACH_TAXONOMY)


@dataclass(frozen=True)
class Terms:
    """A service's taxonomy terms, split as its pages show them."""

    areas: list
    reach: list
    other: list


def terms_of(service: Service) -> Terms:
    """The service's terms (prefetched with their taxonomy by the selectors here): the areas
    it helps with, how it reaches people, and terms of any other taxonomy (from an import)."""
    terms = list(service.taxonomy_terms.all())
    slug = {t.pk: t.taxonomy.slug for t in terms}
    return Terms(
        areas=[t for t in terms if slug[t.pk] == AREAS_TAXONOMY],
        reach=[t for t in terms if slug[t.pk] == REACH_TAXONOMY],
        other=[t for t in terms if slug[t.pk] not in (AREAS_TAXONOMY, REACH_TAXONOMY)],
    )


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.annotate(term_count=Count("terms")).order_by("name")


def taxonomy_get(taxonomy_id) -> Taxonomy | None:
    return Taxonomy.objects.filter(pk=taxonomy_id).first()


def _list_prefetch(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.select_related("organisation").prefetch_related(
        "districts",
        Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
    )


def service_search(
    *,
    q: str = "",
    area: str = "",
    district: str = "",
    reach: str = "",
    organisation: str = "",
    term_id=None,
    open_only: bool = True,
) -> QuerySet[Service]:
    """Services matching a keyword, a need (area code), a district, a way of reaching people
    and an organisation (slug), all in the database query."""
    services = Service.objects.all()
    if open_only:
        services = services.filter(
            status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED]
        )
    q = _clean(q)
    if q:
        for word in q.split()[:8]:
            services = services.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Q(who_for__icontains=word)
                | Q(organisation__name__icontains=word)
            )
    if area:
        services = services.filter(
            taxonomy_terms__taxonomy__slug=AREAS_TAXONOMY, taxonomy_terms__code=area
        )
    if reach:
        services = services.filter(
            pk__in=Service.objects.filter(
                taxonomy_terms__taxonomy__slug=REACH_TAXONOMY, taxonomy_terms__code=reach
            ).values("pk")
        )
    if district:
        services = services.filter(
            pk__in=Service.objects.filter(districts__code=district).values("pk")
        )
    if organisation:
        services = services.filter(organisation__slug=organisation)
    if term_id:
        services = services.filter(
            pk__in=Service.objects.filter(taxonomy_terms__pk=term_id).values("pk")
        )
    return _list_prefetch(services).order_by("name", "id").distinct()


def service_get(service_id) -> Service | None:
    """One service with everything its page shows, or None."""
    return (
        _list_prefetch(Service.objects.filter(pk=service_id))
        .prefetch_related(
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__district"),
            )
        )
        .first()
    )


def referrable_services() -> QuerySet[Service]:
    return Service.objects.filter(
        status=ServiceStatus.ACTIVE, accepts_referrals=True
    ).select_related("organisation")


def organisations_with_services() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        service_count=Count("services", filter=Q(services__status=ServiceStatus.ACTIVE))
    ).order_by("name")


def organisation_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def own_organisation_ids(actor) -> list[int]:
    """Organisations whose services the actor may change as their own service staff."""
    return organisations_with_role(actor, Role.SERVICE_STAFF)


def may_edit_service(actor, service: Service | None = None, organisation_id=None) -> bool:
    """The programme team may change every service; an organisation's service staff change
    their own organisation's."""
    if not can(actor, "directory.edit"):
        return False
    if has_role(actor, Role.PROGRAMME_TEAM):
        return True
    organisation_id = organisation_id or (service.organisation_id if service else None)
    if organisation_id is None:
        return bool(own_organisation_ids(actor))
    return organisation_id in own_organisation_ids(actor)


def editable_organisations(actor) -> QuerySet[Organisation]:
    if has_role(actor, Role.PROGRAMME_TEAM) and can(actor, "directory.edit"):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=own_organisation_ids(actor)).order_by("name")


def locations_of(organisation_id) -> QuerySet[Location]:
    return Location.objects.filter(organisation_id=organisation_id).select_related("district")


def services_of_organisation(organisation: Organisation) -> QuerySet[Service]:
    return _list_prefetch(organisation.services.all()).order_by("name")
