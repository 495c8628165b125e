from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from petal.access.policy import can
from petal.core.errors import NotFound
from petal.reference.selectors import areas_of_disadvantage, partnerships_with_coverage
from petal.site import selectors, services
from petal.site.forms import PageForm
from petal.site.rendering import render_markdown

# The programme's public pages, made from its data rather than content pages: listed on the
# home page after the content pages. (title, URL name, summary)
PROGRAMME_PAGES = [
    (
        "Partners",
        "partners:public",
        "The organisations supporting Changing Futures Cambridgeshire & Peterborough, and what "
        "they contribute.",
    ),
    (
        "Materials and milestones",
        "partners:timeline",
        "What has happened so far, with the documents that go with it.",
    ),
    ("Newsletters", "newsletters:archive", "News from the programme, and how to subscribe."),
    (
        "Learning library",
        "library:list",
        "The briefing note on the Trusted Person approach, case studies and workshop outcomes.",
    ),
    (
        "Get involved",
        "contact:get-involved",
        "Become a Trusted Person Champion, join the newsletter or share your lived experience.",
    ),
    ("Contact", "contact:contact", "Ask a question, give feedback or tell us you want to help."),
]


def _page_or_404(slug):
    try:
        return selectors.page_get(slug)
    except NotFound as exc:
        raise Http404 from exc


def home(request):
    from petal.champions.selectors.champions import pledge_counts
    from petal.champions.selectors.stories import featured_stories

    page = _page_or_404("home")
    return render(
        request,
        "site/home.html",
        {
            "page": page,
            "body": render_markdown(page.body),
            "pages": selectors.pages_listed().exclude(slug="home"),
            "programme_pages": [
                (title, reverse(name), summary) for title, name, summary in PROGRAMME_PAGES
            ],
            "areas": areas_of_disadvantage(),
            "can_edit": can(request.user, "site.edit_pages"),
            "champions": pledge_counts(),
            "stories": featured_stories(3),
        },
    )


def page(request, slug):
    if slug == "home":
        return redirect("site:home")
    if slug == "champions-pledge":
        return redirect("champions:pledge")
    page = _page_or_404(slug)
    context = {
        "page": page,
        "body": render_markdown(page.body),
        "can_edit": can(request.user, "site.edit_pages"),
    }
    if slug == "partnerships":
        context["partnerships"] = partnerships_with_coverage()
    return render(request, "site/page.html", context)


def page_list(request):
    return render(request, "site/page_list.html", {"pages": selectors.pages_all()})


@require_http_methods(["GET", "POST"])
def page_edit(request, slug):
    page = _page_or_404(slug)
    initial = {"title": page.title, "summary": page.summary, "body": page.body}
    form = PageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.page_update(actor=request.user, page=page, **form.cleaned_data)
        messages.success(request, f"‘{form.cleaned_data['title']}’ has been saved.")
        return redirect("site:page-list")
    return render(
        request,
        "site/page_edit.html",
        {"page": page, "form": form, "versions": selectors.page_versions(page)[:10]},
    )
