"""The public contact form and get-involved page, and the programme team's contact inbox.
Thin: parse, call a selector or service, render."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from petal.core import spam
from petal.core.errors import Forbidden
from petal.core.views import attempt, or_404
from petal.programme.forms import contact as forms
from petal.programme.models import ContactTopic
from petal.programme.selectors import contact as selectors
from petal.programme.services import contact as services

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    if request.method != "POST":
        topic = request.GET.get("topic", "")
        initial = {"topic": topic} if topic in ContactTopic.values else {}
        return render(
            request, "programme/contact/contact.html", {"form": forms.ContactForm(initial=initial)}
        )
    form = forms.ContactForm(request.POST)
    # A bot that filled the honeypot is thanked at once. Anyone else sees what to correct first
    # (a person sending an empty form at once is not a bot); a form that is complete is then
    # checked for the other signs (too fast, no valid stamp, too many from one address).
    bot = bool((request.POST.get("website") or "").strip())
    if bot or form.is_valid():
        reason = (
            "honeypot"
            if bot
            else spam.spam_reason(request.POST, remote_addr=request.META.get("REMOTE_ADDR", ""))
        )
        if reason:
            # Answered as if it worked; nothing is kept or sent, so a bot learns nothing.
            logger.info("Contact form submission dropped: %s", reason)
            return redirect("contact:sent")
        data = form.cleaned_data
        received = attempt(
            form,
            services.contact_receive,
            name=data["name"],
            email=data["email"],
            topic=data["topic"],
            message=data["message"],
        )
        if received is not None:
            return redirect("contact:sent")
    return render(request, "programme/contact/contact.html", {"form": form})


def sent(request):
    return render(request, "programme/contact/sent.html")


def get_involved(request):
    return render(request, "programme/contact/get_involved.html")


def _manage(call, *args, **kwargs):
    try:
        return or_404(call, *args, **kwargs)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc


def inbox(request):
    filters = forms.InboxFilterForm(request.GET)
    found = _manage(
        selectors.contact_inbox,
        request.user,
        status=filters.status_value(),
        page=request.GET.get("page", 1),
    )
    return render(request, "programme/contact/inbox.html", {"inbox": found, "filters": filters})


@require_http_methods(["GET", "HEAD", "POST"])
def message(request, message_id: int):
    received = _manage(selectors.contact_message_get, request.user, message_id)
    form = forms.TriageForm(
        request.POST or None,
        team=selectors.programme_team(),
        initial={"status": received.status, "assigned_to": received.assigned_to_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = attempt(
                form,
                services.contact_triage,
                actor=request.user,
                message_id=received.pk,
                status=data["status"],
                assigned_to_id=data["assigned_to"],
                note=data["note"],
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        if done is not None:
            messages.success(request, f"{done.reference} updated.")
            return redirect("contact:message", message_id=done.pk)
    return render(request, "programme/contact/message.html", {"received": received, "form": form})
