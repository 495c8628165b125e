"""Trauma-informed self-assessment and staff training records. Thin: parse, call a selector or
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from petal.core.views import attempt, or_404
from petal.programme.forms import assessment as forms
from petal.programme.selectors import assessment as selectors
from petal.programme.services import assessment as services


def _start_form(request, data=None):
    choices = list(selectors.organisations_for(request.user).values_list("id", "name"))
    return forms.StartForm(data, organisations=choices)


def home(request, start_form=None):
    view = selectors.assessment_home(request.user)
    return render(
        request,
        "programme/assessment/home.html",
        {
            "view": view,
            "start_form": start_form or _start_form(request),
            "errors": start_form.errors if start_form is not None else None,
        },
    )


@require_POST
def start(request):
    form = _start_form(request, request.POST)
    if not form.is_valid():
        return home(request, start_form=form)
    assessment, created = or_404(
        services.assessment_start,
        actor=request.user,
        organisation_id=form.cleaned_data["organisation"],
    )
    if created:
        messages.success(
            request,
            "Self-assessment started. Answers from the last one submitted are filled in: change "
            "what has moved on.",
        )
    else:
        messages.info(request, "This organisation already has a self-assessment in progress.")
    return redirect("assessment:assessment", assessment_id=assessment.pk)


def _render_assessment(request, view, form):
    return render(
        request,
        "programme/assessment/assessment.html",
        {
            "view": view,
            "assessment": view.assessment,
            "form": form,
            "sections": form.sections(view.sections) if form is not None else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def assessment(request, assessment_id: int):
    view = or_404(selectors.assessment_get_for, request.user, assessment_id)
    if not view.may_change:
        if request.method == "POST":
            messages.error(request, services.SUBMITTED)
            return redirect("assessment:assessment", assessment_id=view.assessment.pk)
        return _render_assessment(request, view, None)
    form = forms.AnswersForm(request.POST or None, questions=view.questions)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            services.assessment_answer,
            actor=request.user,
            assessment_id=view.assessment.pk,
            answers=form.answers(),
        )
        if saved is not None:
            messages.success(request, "Your answers have been saved.")
            return redirect("assessment:assessment", assessment_id=view.assessment.pk)
    return _render_assessment(request, view, form)


@require_POST
def submit(request, assessment_id: int):
    """Save what was sent (if anything) and submit: refused with the items still to rate named,
    and everything typed kept on the page."""
    view = or_404(selectors.assessment_get_for, request.user, assessment_id)
    if not view.may_change:
        messages.error(request, services.SUBMITTED)
        return redirect("assessment:assessment", assessment_id=view.assessment.pk)
    data = request.POST if any(k.startswith("item-") for k in request.POST) else None
    form = forms.AnswersForm(data or forms.saved_answers(view.questions), questions=view.questions)
    if not form.is_valid():
        return _render_assessment(request, view, form)
    if data is not None:
        saved = attempt(
            form,
            services.assessment_answer,
            actor=request.user,
            assessment_id=view.assessment.pk,
            answers=form.answers(),
        )
        if saved is None:
            return _render_assessment(request, view, form)
    done = attempt(
        form, services.assessment_submit, actor=request.user, assessment_id=view.assessment.pk
    )
    if done is None:
        if data is not None:
            form.add_error(None, "Your answers have been saved, but not submitted.")
        return _render_assessment(request, view, form)
    messages.success(
        request,
        "Self-assessment submitted. It now shows in your organisation's progress over time.",
    )
    return redirect("assessment:assessment", assessment_id=done.pk)


def organisation(request, slug: str):
    view = or_404(selectors.organisation_progress, request.user, slug)
    return render(request, "programme/assessment/organisation.html", {"view": view})


def compare(request):
    view = or_404(selectors.assessment_compare, request.user)
    return render(request, "programme/assessment/compare.html", {"view": view})


@require_http_methods(["GET", "HEAD", "POST"])
def training_new(request, slug: str):
    organisation = or_404(selectors.training_form_view, request.user, slug)
    form = forms.TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = attempt(
            form,
            services.training_record,
            actor=request.user,
            organisation_id=organisation.pk,
            course=data["course"],
            title=data["title"],
            completed_on=data["completed_on"],
            staff_trained=data["staff_trained"],
            provider=data["provider"],
            notes=data["notes"],
        )
        if record is not None:
            messages.success(request, "Training recorded.")
            return redirect("assessment:organisation", slug=organisation.slug)
    return render(
        request,
        "programme/assessment/training_new.html",
        {"organisation": organisation, "form": form},
    )
