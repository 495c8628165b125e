"""Success stories: shared and read inside Petal, featured by the programme team on the
public pages. A story the reader may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from petal.access.policy import can
from petal.champions.forms import network as forms
from petal.champions.selectors import stories as selectors
from petal.champions.services import stories as services
from petal.core.views import attempt, or_404


def stories(request):
    page = selectors.story_page(request.user, page=request.GET.get("page", 1))
    return render(
        request,
        "champions/stories/list.html",
        {"page": page, "can_share": can(request.user, "stories.share")},
    )


def story_new(request):
    form = forms.StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        story = attempt(
            form,
            services.story_share,
            actor=request.user,
            title=data["title"],
            body=data["body"],
            areas=data["areas"],
        )
        if story is not None:
            messages.success(request, "Thank you for sharing your story.")
            return redirect("network:story", story_id=story.pk)
    return render(request, "champions/stories/new.html", {"form": form})


def story(request, story_id: int, feature_form=None, moderate_form=None):
    view = or_404(selectors.story_get_for, request.user, story_id)
    return render(
        request,
        "champions/stories/story.html",
        {
            "view": view,
            "story": view.story,
            "feature_form": feature_form or forms.FeatureForm(),
            "moderate_form": moderate_form or forms.ModerateForm(),
            "errors": (feature_form.errors if feature_form else None)
            or (moderate_form.errors if moderate_form else None),
        },
    )


def story_feature(request, story_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    or_404(selectors.story_get_for, request.user, story_id)
    form = forms.FeatureForm(request.POST)
    form.is_valid()
    feature = request.POST.get("feature") == "yes"
    done = attempt(
        form,
        services.story_feature,
        actor=request.user,
        story_id=story_id,
        feature=feature,
        confirmed=bool(form.cleaned_data.get("confirm")),
    )
    if done is None:
        return story(request, story_id, feature_form=form)
    messages.success(
        request,
        "The story is featured on the public pages."
        if feature
        else "The story is no longer featured.",
    )
    return redirect("network:story", story_id=story_id)


def story_moderate(request, story_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    or_404(selectors.story_get_for, request.user, story_id)
    form = forms.ModerateForm(request.POST)
    if form.is_valid():
        done = attempt(
            form,
            services.story_moderate,
            actor=request.user,
            story_id=story_id,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(
                request,
                "The story is hidden." if done.action == "hide" else "The story is restored.",
            )
            return redirect("network:story", story_id=story_id)
    return story(request, story_id, moderate_form=form)


def featured(request):
    return render(
        request,
        "champions/stories/featured.html",
        {"stories": selectors.featured_stories(limit=None)},
    )


def featured_story(request, story_id: int):
    return render(
        request,
        "champions/stories/featured_story.html",
        {"story": or_404(selectors.featured_story_get, story_id)},
    )
