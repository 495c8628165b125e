"""Shared learning: writing the learning a barrier being resolved becomes, the list and pages
inside Petal, publishing, and the public "You said, we did" page. Thin: parse, call a selector
or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from petal.barriers.forms import learning as forms
from petal.barriers.selectors import learning as selectors
from petal.barriers.services import learning as services
from petal.core.views import attempt, or_404


def _initial(view) -> dict:
    if view.entry is not None:
        entry = view.entry
        return {
            "title": entry.title,
            "problem": entry.problem,
            "change": entry.change,
            "contact": entry.contact,
            "areas": [a.code for a in entry.areas.all()],
        }
    barrier = view.barrier
    return {"problem": barrier.summary, "areas": [a.code for a in barrier.areas.all()]}


def learning_write(request, barrier_id: int):
    view = or_404(selectors.learning_write_view, request.user, barrier_id)
    form = forms.LearningForm(request.POST or None, initial=_initial(view))
    if request.method == "POST" and view.writable and form.is_valid():
        data = form.cleaned_data
        entry = attempt(
            form,
            services.learning_write,
            actor=request.user,
            barrier_id=view.barrier.pk,
            title=data["title"],
            problem=data["problem"],
            change=data["change"],
            contact=data["contact"],
            areas=data["areas"],
        )
        if entry is not None:
            messages.success(
                request,
                "Saved. The barrier is resolved. The programme team checks the learning before "
                "it is published on ‘You said, we did’.",
            )
            return redirect("barriers:learning-entry", entry_id=entry.pk)
    return render(
        request,
        "barriers/learning/write.html",
        {"view": view, "barrier": view.barrier, "entry": view.entry, "form": form},
    )


def learning_list(request):
    search = forms.SearchForm(request.GET)
    q = search.query()
    page = selectors.learning_page(request.user, q=q, page=request.GET.get("page", 1))
    return render(
        request,
        "barriers/learning/list.html",
        {"search": search, "page": page, "searching": bool(q.strip())},
    )


def learning_entry(request, entry_id: int, publish_form=None):
    view = or_404(selectors.learning_get_for, request.user, entry_id)
    return render(
        request,
        "barriers/learning/entry.html",
        {
            "view": view,
            "entry": view.entry,
            "publish_form": publish_form or forms.PublishForm(),
        },
    )


@require_POST
def learning_publish(request, entry_id: int):
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        publish = form.cleaned_data["publish"] == "yes"
        entry = attempt(
            form,
            services.learning_publish,
            actor=request.user,
            entry_id=entry_id,
            publish=publish,
            confirmed=form.cleaned_data["confirm"],
        )
        if entry is not None:
            messages.success(
                request,
                "Published on ‘You said, we did’." if publish else "Taken off ‘You said, we did’.",
            )
            return redirect("barriers:learning-entry", entry_id=entry.pk)
    return learning_entry(request, entry_id, publish_form=form)


# --- the public "You said, we did" page ----------------------------------------------------------


def public_list(request):
    # Feedback from people with lived experience, with what was done (published by the
    # programme team from the co-production register), is the page's second section.
    from petal.programme.selectors.coproduction import public_feedback_page

    return render(
        request,
        "barriers/learning/public_list.html",
        {
            "page": selectors.public_page(page=request.GET.get("page", 1)),
            "feedback": public_feedback_page(page=request.GET.get("feedback_page", 1)),
        },
    )


def public_entry(request, entry_id: int):
    return render(
        request,
        "barriers/learning/public_entry.html",
        {"entry": or_404(selectors.public_entry_get, entry_id)},
    )
