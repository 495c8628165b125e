"""The service directory's pages. Public to read (nothing in it is personal); changing it is
for an organisation's own service staff and the programme team."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from petal.access.policy import can
from petal.core.errors import Forbidden, ValidationFailed
from petal.core.forms import apply_errors
from petal.directory import forms, selectors, services
from petal.directory.models import ServiceStatus
from petal.reference import selectors as reference


def _param(request, name: str, limit: int = 100) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _service_or_404(service_id) -> object:
    try:
        service_id = uuid.UUID(str(service_id))
    except ValueError as exc:
        raise Http404 from exc
    service = selectors.service_get(service_id)
    if service is None:
        raise Http404
    return service


def directory(request):
    areas = list(selectors.area_terms())
    reaches = list(selectors.reach_terms())
    districts = list(reference.districts())
    q = _param(request, "q")
    area = _param(request, "area")
    if area not in {t.code for t in areas}:
        area = ""
    district = _param(request, "district")
    if district not in {d.code for d in districts}:
        district = ""
    reach = _param(request, "reach")
    if reach not in {t.code for t in reaches}:
        reach = ""
    found = selectors.service_search(q=q, area=area, district=district, reach=reach)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page", 1))
    return render(
        request,
        "directory/directory.html",
        {
            "page": page,
            "services": list(page.object_list),
            "q": q,
            "area": area,
            "district": district,
            "reach": reach,
            "areas": areas,
            "reaches": reaches,
            "districts": districts,
            "filtered": bool(q or area or district or reach),
            "can_add": selectors.may_edit_service(request.user),
            "can_manage": can(request.user, "directory.manage"),
        },
    )


def service_detail(request, service_id):
    service = _service_or_404(service_id)
    terms = selectors.terms_of(service)
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "areas": terms.areas,
            "reach": terms.reach,
            "other_terms": terms.other,
            "can_edit": selectors.may_edit_service(request.user, service=service),
            "can_refer": can(request.user, "referrals.make")
            and service.accepts_referrals
            and service.status == ServiceStatus.ACTIVE,
            "can_see_times": can(request.user, "referrals.measures"),
        },
    )


def _service_form(request, actor, service=None):
    organisations = selectors.editable_organisations(actor)
    organisation_id = None
    if service is not None:
        organisation_id = service.organisation_id
    elif organisations.count() == 1:
        organisation_id = organisations.first().pk
    locations = list(selectors.locations_of(organisation_id)) if organisation_id else []
    initial = {"status": ServiceStatus.ACTIVE, "response_days": 5, "accepts_referrals": True}
    if organisation_id:
        initial["organisation"] = organisation_id
    if service is not None:
        terms = selectors.terms_of(service)
        initial.update({field: getattr(service, field) for field in services.SERVICE_FIELDS})
        initial["areas"] = [str(t.pk) for t in terms.areas]
        initial["reach"] = [str(t.pk) for t in terms.reach]
        initial["districts"] = list(service.districts.all())
        initial["needs_categories"] = [c.value for c in service.needs_categories]
        initial["locations"] = [
            str(pk) for pk in service.service_at_locations.values_list("location_id", flat=True)
        ]
    return forms.ServiceForm(
        request.POST or None,
        initial=initial,
        organisations=organisations,
        area_terms=selectors.area_terms(),
        reach_terms=selectors.reach_terms(),
        locations=locations,
    )


def _save_service(request, form, service=None):
    data = form.cleaned_data
    # The form changes the areas and reach; terms of other taxonomies (imported) are kept.
    kept = selectors.terms_of(service).other if service is not None else []
    terms = services.terms_by_ids([*data["areas"], *data["reach"]]) + kept
    locations = None
    if "locations" in form.fields:
        locations = list(
            selectors.locations_of(data["organisation"].pk).filter(pk__in=data["locations"])
        )
    return services.service_save(
        actor=request.user,
        organisation=data["organisation"],
        data=data,
        terms=terms,
        districts=data["districts"],
        needs_categories=data["needs_categories"],
        locations=locations,
        service=service,
    )


def service_new(request):
    if not selectors.may_edit_service(request.user):
        raise PermissionDenied("You can add services for your own organisation only")
    form = _service_form(request, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            service = _save_service(request, form)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{service.name} is in the directory.")
            return redirect("directory:service", service_id=service.pk)
    return render(request, "directory/service_form.html", {"form": form, "service": None})


def service_edit(request, service_id):
    service = _service_or_404(service_id)
    if not selectors.may_edit_service(request.user, service=service):
        raise PermissionDenied("You can change your own organisation's services only")
    form = _service_form(request, request.user, service)
    if request.method == "POST" and form.is_valid():
        try:
            service = _save_service(request, form, service)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Changes to {service.name} saved.")
            return redirect("directory:service", service_id=service.pk)
    return render(request, "directory/service_form.html", {"form": form, "service": service})


def _organisation_or_404(slug):
    organisation = selectors.organisation_by_slug(slug)
    if organisation is None:
        raise Http404
    return organisation


def organisation_detail(request, slug):
    organisation = _organisation_or_404(slug)
    return render(
        request,
        "directory/organisation.html",
        {
            "organisation": organisation,
            "services": list(selectors.services_of_organisation(organisation)),
            "locations": list(selectors.locations_of(organisation.pk)),
            "can_edit": selectors.may_edit_service(request.user, organisation_id=organisation.pk),
            "can_manage": can(request.user, "directory.manage"),
        },
    )


def location_new(request, slug):
    organisation = _organisation_or_404(slug)
    if not selectors.may_edit_service(request.user, organisation_id=organisation.pk):
        raise PermissionDenied("You can add locations for your own organisation only")
    form = forms.LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            location = services.location_add(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{location.name} added. Choose it on a service's page.")
            return redirect("directory:organisation", slug=organisation.slug)
    return render(
        request, "directory/location_form.html", {"form": form, "organisation": organisation}
    )


def organisation_new(request):
    return _organisation_form(request, None)


def organisation_edit(request, slug):
    return _organisation_form(request, _organisation_or_404(slug))


def _organisation_form(request, organisation):
    initial = {}
    if organisation is not None:
        initial = {f: getattr(organisation, f) for f in services.ORGANISATION_FIELDS}
    form = forms.OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_save(
                actor=request.user, data=form.cleaned_data, organisation=organisation
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{organisation.name} saved.")
            return redirect("directory:organisation", slug=organisation.slug)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "organisation": organisation},
    )
