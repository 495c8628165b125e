"""Barriers' pages: the list, raising one, a barrier's page with its history up the ladder, "I
have met this too", merging and the barriers you raised or met. Thin: parse, call a selector or
service, render. A barrier the reader may not see answers 404, as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from petal.access.barriers import may_decide, partnerships_of
from petal.access.policy import can, has_role
from petal.access.roles import Role
from petal.barriers.forms import barriers as forms
from petal.barriers.models import RaisedAs
from petal.barriers.selectors import barriers as selectors
from petal.barriers.services import barriers as services
from petal.core.views import attempt, or_404
from petal.reference.selectors import governance_levels


def barriers(request):
    search = forms.SearchForm(request.GET)
    filters = search.filters()
    page = selectors.barrier_page(request.user, page=request.GET.get("page", 1), **filters)
    return render(
        request,
        "barriers/barriers/list.html",
        {
            "search": search,
            "page": page,
            "filtered": any(filters.values()),
            "may_raise": can(request.user, "barriers.raise"),
        },
    )


def barrier_new(request):
    from petal.champions.selectors.champions import requesters_of

    user = request.user
    champion = has_role(user, Role.CHAMPION)
    requesters = list(requesters_of(user)) if champion else []
    offered, not_offered = selectors.linkable_people(user)
    mine = partnerships_of(user)
    form = forms.RaiseForm(
        request.POST if request.method == "POST" else None,
        initial={"raised_as": RaisedAs.OWN_WORK, "partnership": str(mine[0]) if mine else ""},
        champion=champion,
        requesters=requesters,
        linkable=offered,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for_trusted_person = data["raised_as"] == RaisedAs.FOR_TRUSTED_PERSON
        barrier = attempt(
            form,
            services.barrier_raise,
            actor=user,
            summary=data["summary"],
            detail=data["detail"],
            effect=data["effect"],
            services=data["services"],
            areas=data["areas"],
            how_often=data["how_often"],
            raised_as=data["raised_as"],
            partnership_id=data["partnership"],
            on_behalf_of=data["on_behalf_of"] if for_trusted_person else None,
            person_id=data["person"] or None,
        )
        if barrier is not None:
            messages.success(
                request,
                f"Barrier {barrier.reference} raised. It waits for a decision by the "
                f"{barrier.group.name}; you will hear of every decision.",
            )
            return redirect("barriers:barrier", barrier_id=barrier.pk)
    # Their names are on the page: a list of people, audited.
    selectors.linkable_people_listed(user, offered, not_offered)
    return render(
        request,
        "barriers/barriers/new.html",
        {
            "form": form,
            "champion": champion,
            "requesters": requesters,
            "offered": offered,
            "not_offered": not_offered,
        },
    )


def barrier(request, barrier_id: int, me_too_form=None):
    view = or_404(selectors.barrier_get_for, request.user, barrier_id)
    current = view.barrier.group.level.rank
    return render(
        request,
        "barriers/barriers/barrier.html",
        {
            "view": view,
            "barrier": view.barrier,
            "levels": [(level, level.rank == current) for level in governance_levels()],
            "me_too_form": me_too_form or forms.MeTooForm(),
            "errors": me_too_form.errors if me_too_form is not None else None,
        },
    )


@require_POST
def me_too(request, barrier_id: int):
    form = forms.MeTooForm(request.POST)
    if form.is_valid():
        done = attempt(
            form,
            services.me_too_add,
            actor=request.user,
            barrier_id=barrier_id,
            example=form.cleaned_data["example"],
        )
        if done is not None:
            messages.success(
                request,
                "Thank you: you said you have met this too. You will hear of every decision.",
            )
            return redirect("barriers:barrier", barrier_id=barrier_id)
    return barrier(request, barrier_id, me_too_form=form)


def merge(request, barrier_id: int):
    user = request.user
    found = or_404(selectors.barrier_for_decision, user, barrier_id)
    if not may_decide(user, found):
        raise PermissionDenied("Only whoever runs the group a barrier sits with can merge it")
    choices = selectors.merge_choices(user, found) if found.is_decidable else []
    form = forms.MergeForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and found.is_decidable and form.is_valid():
        merged = attempt(
            form,
            services.barrier_merge,
            actor=user,
            barrier_id=found.pk,
            into_id=form.cleaned_data["into_id"],
        )
        if merged is not None:
            messages.success(
                request,
                f"{merged.reference} is merged into this barrier. Everyone who raised or met it "
                "has been told.",
            )
            return redirect("barriers:barrier", barrier_id=merged.merged_into_id)
    return render(
        request,
        "barriers/barriers/merge.html",
        {"barrier": found, "form": form, "choices": choices},
    )


def mine(request):
    page = selectors.mine_page(request.user, page=request.GET.get("page", 1))
    return render(request, "barriers/barriers/mine.html", {"page": page})
