from django.core.paginator import Paginator
from django.shortcuts import render

from petal.audit.labels import ACTIONS
from petal.audit.selectors import audit_chain_verify, audit_events_visible_to


def event_list(request):
    action = request.GET.get("action", "").replace("\x00", "").strip()[:100]
    who = request.GET.get("who", "").replace("\x00", "").strip()[:200]
    events = audit_events_visible_to(request.user, action=action, who=who)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "action": action,
            "who": who,
            "actions": sorted(ACTIONS.items(), key=lambda a: a[1]),
        },
    )


def verify(request):
    # Walks the whole chain: fine for a county's trail; at national scale this becomes a task.
    return render(request, "audit/verify.html", {"report": audit_chain_verify()})
