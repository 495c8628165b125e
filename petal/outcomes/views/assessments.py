"""A person's assessments over time and their service use by quarter. Thin: parse, call a
selector or service, render. What the reader may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from petal.core.views import attempt, or_404
from petal.outcomes.forms.assessments import AssessmentForm, ServiceUseForm
from petal.outcomes.selectors import assessments as selectors
from petal.outcomes.services import assessments as services


def assessments(request, person_id: int):
    outcomes = or_404(selectors.person_outcomes, request.user, person_id)
    return render(
        request,
        "outcomes/assessments/list.html",
        {
            "outcomes": outcomes,
            "person": outcomes.person,
            "histories": [(h, selectors.totals_chart(h)) for h in outcomes.histories],
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_new(request, person_id: int, tool: str):
    context = or_404(selectors.assessment_form_for, request.user, person_id, tool)
    form = AssessmentForm(request.POST if request.method == "POST" else None, items=context.items)
    if request.method == "POST" and form.is_valid():
        assessment = attempt(
            form,
            services.assessment_record,
            actor=request.user,
            person_id=context.person.pk,
            tool_slug=context.tool.slug,
            assessed_on=form.cleaned_data["assessed_on"],
            scores=form.scores(),
            note=form.cleaned_data["note"],
        )
        if assessment is not None:
            messages.success(request, f"{context.tool.short_name} assessment recorded.")
            return redirect(
                "assessments:detail", person_id=context.person.pk, assessment_id=assessment.pk
            )
    return render(
        request,
        "outcomes/assessments/new.html",
        {"context": context, "person": context.person, "tool": context.tool, "form": form},
    )


def assessment_detail(request, person_id: int, assessment_id: int):
    one = or_404(selectors.assessment_get_for, request.user, person_id, assessment_id)
    return render(request, "outcomes/assessments/detail.html", {"one": one, "person": one.person})


def _service_use(request, person_id: int, *, year=None, quarter=None):
    fixed = year is not None
    context, existing = or_404(
        selectors.service_use_form_for, request.user, person_id, year=year, quarter=quarter
    )
    if request.method == "POST":
        form = ServiceUseForm(request.POST, fixed_quarter=fixed)
    else:
        initial = {}
        if existing is not None:
            initial = {
                name: getattr(existing, name) for name, _, _ in selectors.SERVICE_USE_MEASURES
            }
            initial["note"] = existing.note
        form = ServiceUseForm(initial=initial, fixed_quarter=fixed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        use = attempt(
            form,
            services.service_use_record,
            actor=request.user,
            person_id=context.person.pk,
            year=year if fixed else data["year"],
            quarter=quarter if fixed else int(data["quarter"]),
            values=form.values(),
            note=data["note"],
        )
        if use is not None:
            messages.success(
                request, f"Service use for {selectors.quarter_label(use.quarter)} saved."
            )
            return redirect("assessments:list", person_id=context.person.pk)
    label = selectors.quarter_label(selectors.quarter_start(year, quarter)) if fixed else ""
    return render(
        request,
        "outcomes/assessments/service_use.html",
        {
            "context": context,
            "person": context.person,
            "form": form,
            "existing": existing,
            "quarter_label": label,
        },
    )


@require_http_methods(["GET", "POST"])
def service_use_new(request, person_id: int):
    return _service_use(request, person_id)


@require_http_methods(["GET", "POST"])
def service_use_edit(request, person_id: int, year: int, quarter: int):
    return _service_use(request, person_id, year=year, quarter=quarter)
