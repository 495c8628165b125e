"""The programme team's list of topics (a champion's skills and the network's tags): see how
much each is used, add one, rename one or move it in the list. Thin: parse a form, call one
selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from petal.champions.forms import topics as forms
from petal.champions.selectors import topics as selectors
from petal.champions.services import topics as services
from petal.core.errors import NotFound
from petal.core.views import attempt


@require_http_methods(["GET", "POST"])
def topics(request):
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topic = attempt(
            form, services.topic_create, actor=request.user, name=form.cleaned_data["name"]
        )
        if topic is not None:
            messages.success(
                request,
                f"‘{topic.name}’ added: champions can offer it as a skill and questions can "
                "carry it as a tag.",
            )
            return redirect("champions:topics")
    return render(
        request,
        "champions/topics.html",
        {"topics": list(selectors.topics_with_counts()), "form": form},
    )


@require_http_methods(["GET", "POST"])
def topic(request, topic_id: int):
    try:
        current = selectors.topic_get(topic_id)
    except NotFound as exc:
        raise Http404 from exc
    form = forms.TopicChangeForm(
        request.POST or None, initial=forms.TopicChangeForm.initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            services.topic_change,
            actor=request.user,
            topic_id=current.pk,
            name=data["name"],
            order=data["order"],
        )
        if done is not None:
            messages.success(request, f"‘{done.name}’ saved.")
            return redirect("champions:topics")
    return render(request, "champions/topic.html", {"topic": current, "form": form})
