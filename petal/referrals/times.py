"""Time to access services: pages for the programme, a service, a district and a partnership.
Durations and counts of referrals only, never a person."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from petal.directory import selectors as directory
from petal.reference import selectors as reference
from petal.referrals import measures
from petal.referrals.charts import line_chart


def _measure(request) -> str:
    measure = request.GET.get("measure", measures.DEFAULT_MEASURE)
    return measure if measure in measures.MEASURES else measures.DEFAULT_MEASURE


def _page(request, *, scope: Q, title: str, caption: str, extra=None):
    # Counts and medians go through the outcomes tables, so a count from 1 to 4 reads "fewer
    # than 5" and a median from fewer than 5 referrals is not shown (every worker reads these
    # pages; none of them sees the people behind the figures).
    from petal.outcomes.dashboards.referrals import by_month_table
    from petal.outcomes.suppression import is_small

    measure = _measure(request)
    figures = measures.by_month(scope, measure=measure)
    month_table = by_month_table(measure, timezone.localdate(), scope)
    shown = [
        f if f.count > 4 else measures.Figure(key=f.key, count=f.count, median=None, p90=None)
        for f in figures
    ]
    waiting = measures.still_waiting(scope, measure=measure)
    context = {
        "title": title,
        "caption": caption,
        "measure": measure,
        "measures": list(measures.MEASURES.items()),
        "measure_label": measures.MEASURES[measure],
        "figures": shown,
        "month_table": month_table,
        "chart": line_chart(shown),
        "waiting": waiting,
        "waiting_small": is_small(waiting),
    }
    context.update(extra or {})
    return render(request, "referrals/times.html", context)


def times(request):
    from petal.outcomes.dashboards.referrals import area_table

    measure = _measure(request)
    return _page(
        request,
        scope=Q(),
        title="Time to access services",
        caption="All services",
        extra={
            "overview": True,
            "area_table": area_table(measure, timezone.localdate()),
            "partnerships": list(reference.partnerships()),
            "districts": list(reference.districts()),
        },
    )


def times_service(request, service_id):
    try:
        service = directory.service_get(uuid.UUID(str(service_id)))
    except ValueError as exc:
        raise Http404 from exc
    if service is None:
        raise Http404
    return _page(
        request,
        scope=Q(service_id=service.pk),
        title=service.name,
        caption=f"Time to access · {service.organisation.name}",
        extra={"service": service},
    )


def times_district(request, code: str):
    district = reference.district_by_code(code)
    if district is None:
        raise Http404
    return _page(
        request,
        scope=Q(district_id=district.pk),
        title=district.name,
        caption="Time to access services · district where the person lived when referred",
    )


def times_partnership(request, slug: str):
    partnership = reference.partnership_by_slug(slug)
    if partnership is None:
        raise Http404
    return _page(
        request,
        scope=Q(partnership_id=partnership.pk),
        title=partnership.name,
        caption="Time to access services · operational partnership",
    )
