from django.core.paginator import Paginator
from django.shortcuts import render

from petal.audit.labels import ACTIONS
from petal.audit.selectors import audit_events_visible_to


def event_list(request):
    action = request.GET.get("action", "").strip()[:100]
    events = audit_events_visible_to(request.user, action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "action": action, "actions": sorted(ACTIONS.items(), key=lambda a: a[1])},
    )
