"""The outcomes dashboards' pages: the index and one dashboard. Thin: read the dashboard
(checked, built from the query string and audited in one place), render its tables."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.template.loader import select_template

from petal.core.errors import NotFound
from petal.outcomes import dashboards
from petal.outcomes.dashboards.common import dashboard_read, headlines_for, messages_of


def index(request):
    return render(
        request,
        "outcomes/dashboards/index.html",
        {"rows": headlines_for(request.user, dashboards.all_dashboards())},
    )


def dashboard(request, slug):
    try:
        board, built = dashboard_read(actor=request.user, slug=slug, params=request.GET)
    except NotFound as exc:
        raise Http404 from exc
    filters = select_template(
        [f"outcomes/dashboards/filters/{slug}.html", "outcomes/dashboards/filters/none.html"]
    )
    query = request.GET.urlencode()
    return render(
        request,
        "outcomes/dashboards/dashboard.html",
        {
            "dashboard": board,
            "built": built,
            "sections": [(table, built.charts.get(table.slug)) for table in built.tables],
            "messages_about_params": messages_of(built),
            "filters_template": filters.template.name,
            "query": query,
        },
    )
