"""Milestones: the public timeline and the programme team's list and form. Thin: parse, call a
selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from petal.core.views import attempt, or_404
from petal.programme.forms import milestones as forms
from petal.programme.selectors import milestones as selectors
from petal.programme.services import milestones as services


def timeline(request):
    return render(
        request,
        "programme/milestones/timeline.html",
        {"rows": selectors.public_milestones(), "missing_text": selectors.MISSING_TEXT},
    )


def milestone_list(request):
    view = or_404(selectors.milestones_for_team, request.user)
    return render(request, "programme/milestones/list.html", {"view": view})


def _save(request, form, call, **kwargs):
    return attempt(form, call, actor=request.user, data=form.cleaned_data, **kwargs)


def milestone_new(request):
    form = forms.MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        milestone = _save(request, form, services.milestone_add)
        if milestone is not None:
            messages.success(request, f"Milestone ‘{milestone.title}’ added.")
            return redirect("partners:milestones")
    return render(request, "programme/milestones/form.html", {"form": form, "milestone": None})


def milestone_edit(request, milestone_id: int):
    milestone = or_404(selectors.milestone_for_edit, request.user, milestone_id)
    form = forms.MilestoneForm(
        request.POST or None,
        initial=forms.initial_for(milestone),
        newsletter_id=milestone.newsletter_id,
        library_item_id=milestone.library_item_id,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, services.milestone_change, milestone_id=milestone.pk)
        if saved is not None:
            messages.success(request, f"Milestone ‘{saved.title}’ saved.")
            return redirect("partners:milestones")
    return render(request, "programme/milestones/form.html", {"form": form, "milestone": milestone})
