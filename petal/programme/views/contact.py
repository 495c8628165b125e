"""The public contact form and get-involved page, and the programme team's contact inbox.
Thin: parse, call a selector or service, render."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from petal.core import spam
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
    reason = spam.spam_reason(request.POST, count=False)
    if spam.silent_drop(reason):
        # Only a bot fills the hidden field: answered as if it worked, nothing kept or sent,
        # so it learns nothing.
        logger.info("Contact form submission dropped: %s", reason)
        return redirect("contact:sent")
    valid = form.is_valid()
    if reason in spam.ASK_AGAIN and (valid or reason != spam.TOO_FAST):
        # A person can do this too (a page left open overnight, a form filled in at once by a
        # password manager): the form is shown again with what they typed and a fresh stamp,
        # never dropped. (A form with mistakes that was only too fast keeps its stamp: it will
        # be old enough once they have corrected them.)
        form.restamp()
    if valid:
        if reason in spam.ASK_AGAIN:
            logger.info("Contact form shown again: %s", reason)
            form.add_error(None, spam.ASK_AGAIN_MESSAGE)
            form.error_anchor = "id_name"
        elif spam.count_and_check_limit(spam.client_address(request)):
            logger.info("Contact form shown again: %s", spam.TOO_MANY)
            form.add_error(None, spam.TOO_MANY_MESSAGE)
            form.error_anchor = "id_name"
        else:
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


def inbox(request):
    filters = forms.InboxFilterForm(request.GET)
    found = or_404(
        selectors.contact_inbox,
        request.user,
        status=filters.status_value(),
        page=request.GET.get("page", 1),
    )
    return render(request, "programme/contact/inbox.html", {"inbox": found, "filters": filters})


@require_http_methods(["GET", "HEAD", "POST"])
def message(request, message_id: int):
    received = or_404(selectors.contact_message_get, request.user, message_id)
    form = forms.TriageForm(
        request.POST or None,
        team=selectors.programme_team(),
        initial={"status": received.status, "assigned_to": received.assigned_to_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            services.contact_triage,
            actor=request.user,
            message_id=received.pk,
            status=data["status"],
            assigned_to_id=data["assigned_to"],
            note=data["note"],
        )
        if done is not None:
            messages.success(request, f"{done.reference} updated.")
            return redirect("contact:message", message_id=done.pk)
    return render(request, "programme/contact/message.html", {"received": received, "form": form})
