"""The data protection lead's rights pages. Thin: parse, call one selector or service, render.
Every view is for ``rights.manage`` (petal/rights/urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from petal.core.errors import ValidationFailed
from petal.core.views import attempt, or_404
from petal.rights import forms, selectors, services
from petal.rights.export import printable_sections
from petal.rights.models import ErasureGround, ErasureRefusal, Kind


def _refused(request, error: ValidationFailed) -> None:
    for message in [m for ms in error.field_errors.values() for m in ms] or [error.message]:
        messages.error(request, message)


@require_GET
def case_list(request):
    cases = selectors.cases_list(request.user)
    return render(
        request,
        "rights/case_list.html",
        {"open_cases": cases.open, "closed_cases": cases.closed, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def person_find(request):
    # Posted, never in the query string: a name and date of birth must not be in URLs (which
    # end up in logs and browser history).
    form = forms.FindForm(request.POST or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = selectors.person_find(
            request.user,
            reference=data.get("reference", ""),
            full_name=data.get("full_name", ""),
            date_of_birth=data.get("date_of_birth"),
        )
    return render(request, "rights/find.html", {"form": form, "matches": matches})


@require_http_methods(["GET", "POST"])
def case_new(request, person_id: int):
    match = or_404(selectors.person_for_case, request.user, person_id)
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = attempt(
            form,
            services.case_record,
            actor=request.user,
            kind=data["kind"],
            person_id=match.id,
            received_on=data["received_on"],
            received_how=data["received_how"],
            identity_checked=data["identity_checked"] == "yes",
            notes=data["notes"],
            what_is_wrong=data["what_is_wrong"],
            what_should_be=data["what_should_be"],
        )
        if case is not None:
            messages.success(request, f"Request {case.reference} recorded")
            return redirect("rights:case", case_id=case.pk)
    return render(request, "rights/case_new.html", {"form": form, "match": match})


@require_GET
def case_detail(request, case_id: int):
    case = or_404(selectors.case_get, request.user, case_id)
    today = timezone.localdate()
    return render(
        request,
        "rights/case_detail.html",
        {
            "case": case,
            "today": today,
            "due_on": case.due_on(today),
            "days_left": case.days_left(today),
            "overdue": case.is_overdue(today),
            "exports": selectors.case_exports(case) if case.kind == Kind.ACCESS else [],
            "timeline": selectors.case_timeline(case),
            "pauses": list(case.pauses.all()),
            "blockers": selectors.erasure_blockers(request.user, case),
            "Kind": Kind,
            "basis_label": _basis_label(case.decision_basis),
        },
    )


def _basis_label(basis: str) -> str:
    labels = {**dict(ErasureGround.choices), **dict(ErasureRefusal.choices)}
    return labels.get(basis, basis)


def _form_page(request, case_id, *, form, template, call, done, args, extra=None):
    """A small form about one case: on a valid post, call the service and go back to the case
    with a message; otherwise show the form with what was typed."""
    case = or_404(selectors.case_get, request.user, case_id)
    if request.method == "POST" and form.is_valid():
        result = attempt(form, call, actor=request.user, case_id=case.pk, **args(form))
        if result is not None:
            messages.success(request, done)
            return redirect("rights:case", case_id=case.pk)
    return render(request, template, {"form": form, "case": case, **(extra or {})})


@require_http_methods(["GET", "POST"])
def clock_pause(request, case_id: int):
    return _form_page(
        request,
        case_id,
        form=forms.PauseForm(request.POST or None),
        template="rights/pause.html",
        call=services.clock_pause,
        done="Clock paused",
        args=lambda f: {"reason": f.cleaned_data["reason"]},
    )


@require_POST
def clock_resume(request, case_id: int):
    try:
        or_404(services.clock_resume, actor=request.user, case_id=case_id)
        messages.success(request, "Clock restarted")
    except ValidationFailed as error:
        _refused(request, error)
    return redirect("rights:case", case_id=case_id)


@require_http_methods(["GET", "POST"])
def clock_extend(request, case_id: int):
    return _form_page(
        request,
        case_id,
        form=forms.ExtendForm(request.POST or None),
        template="rights/extend.html",
        call=services.clock_extend,
        done="Time to respond extended",
        args=lambda f: {"months": f.cleaned_data["months"], "reason": f.cleaned_data["reason"]},
    )


@require_http_methods(["GET", "POST"])
def case_close(request, case_id: int):
    case = or_404(selectors.case_get, request.user, case_id)
    versions = selectors.versions_since(request.user, case)
    form = forms.CloseForm(request.POST or None, kind=case.kind, versions=versions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        closed = attempt(
            form,
            services.case_close,
            actor=request.user,
            case_id=case.pk,
            outcome=data["outcome"],
            note=data["note"],
            version_ids=[int(v) for v in data.get("versions", [])],
        )
        if closed is not None:
            messages.success(request, f"Request {closed.reference} closed")
            return redirect("rights:case", case_id=case.pk)
    return render(
        request,
        "rights/close.html",
        {"form": form, "case": case, "versions": versions, "Kind": Kind},
    )


@require_POST
def export_generate(request, case_id: int):
    try:
        or_404(services.export_generate, actor=request.user, case_id=case_id)
        messages.success(request, "Copy prepared: download it below")
    except ValidationFailed as error:
        _refused(request, error)
    return redirect("rights:case", case_id=case_id)


@require_GET
def export_download(request, case_id: int, export_id: int, fmt: str):
    content, filename, content_type = or_404(
        selectors.export_download, request.user, case_id, export_id, fmt
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def restrict(request, case_id: int):
    return _form_page(
        request,
        case_id,
        form=forms.ReasonForm(request.POST or None, label="Why is the record restricted?"),
        template="rights/restrict.html",
        call=services.restriction_apply,
        done="Record restricted: only you can read it now",
        args=lambda f: {"reason": f.cleaned_data["reason"]},
        extra={"lifting": False},
    )


@require_http_methods(["GET", "POST"])
def lift(request, case_id: int):
    return _form_page(
        request,
        case_id,
        form=forms.ReasonForm(request.POST or None, label="Why is the restriction lifted?"),
        template="rights/restrict.html",
        call=services.restriction_lift,
        done="Restriction lifted",
        args=lambda f: {"reason": f.cleaned_data["reason"]},
        extra={"lifting": True},
    )


@require_GET
def restricted_record(request, case_id: int):
    case, data = or_404(selectors.restricted_record, request.user, case_id)
    return render(
        request,
        "rights/record.html",
        {"case": case, "data": data, "sections": printable_sections(data)},
    )


@require_POST
def rectification_tell(request, case_id: int):
    try:
        told = or_404(services.rectification_tell, actor=request.user, case_id=case_id)
        messages.success(
            request, f"{told} trusted person{'s' if told != 1 else ''} asked to correct the record"
        )
    except ValidationFailed as error:
        _refused(request, error)
    return redirect("rights:case", case_id=case_id)


@require_http_methods(["GET", "POST"])
def erasure_decide(request, case_id: int):
    case = or_404(selectors.case_get, request.user, case_id)
    form = forms.ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decided = attempt(
            form,
            services.erasure_decide,
            actor=request.user,
            case_id=case.pk,
            decision=form.cleaned_data["decision"],
            basis=form.basis,
            reason=form.cleaned_data["reason"],
        )
        if decided is not None:
            messages.success(request, f"Decision recorded on {decided.reference}")
            return redirect("rights:case", case_id=case.pk)
    return render(
        request,
        "rights/erasure.html",
        {"form": form, "case": case, "blockers": selectors.erasure_blockers(request.user, case)},
    )
