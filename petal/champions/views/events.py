"""Event pages. Thin: parse, call a selector or service, render. A draft event is answered as
missing to anyone but the programme team, exactly as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from petal.champions.forms import events as forms
from petal.champions.models import EventStatus
from petal.champions.selectors import events as selectors
from petal.champions.services import events as services
from petal.core.views import attempt, or_404
from petal.site.rendering import render_markdown


def events(request):
    found = selectors.event_list(request.user, page=request.GET.get("page", 1))
    return render(
        request,
        "champions/events/list.html",
        {
            "page": found.upcoming,
            "rows": found.rows,
            "past": found.past,
            "more_past": found.more_past,
            "can_manage": selectors.may_manage(request.user),
        },
    )


def event(request, event_id: int, register_form=None):
    view = or_404(selectors.event_get_for, request.user, event_id)
    ev, now = view.event, timezone.now()
    return render(
        request,
        "champions/events/event.html",
        {
            "view": view,
            "row": view.row,
            "event": ev,
            "reference": view.row.reference,
            "description": render_markdown(ev.description) if ev.description else "",
            "form": register_form,
            "started": ev.starts_at <= now,
            "finished": ev.ends_at <= now,
            "when": services.when_text(ev),
        },
    )


def event_new(request):
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = attempt(form, services.event_create, actor=request.user, **form.details())
        if created is not None:
            if created.status == EventStatus.PUBLISHED:
                messages.success(request, "Event published. Everyone in Petal can now register.")
            else:
                messages.success(
                    request, "Event saved as a draft. Only the programme team sees it."
                )
            return redirect("events:event", event_id=created.pk)
    return render(request, "champions/events/form.html", {"form": form})


def event_change(request, event_id: int):
    ev = or_404(selectors.event_for_manager, request.user, event_id)
    if ev.status == EventStatus.CANCELLED:
        raise Http404
    published = ev.status == EventStatus.PUBLISHED
    form = forms.EventForm(
        request.POST or None, initial=forms.EventForm.initial_from(ev), published=published
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form, services.event_change, actor=request.user, event_id=ev.pk, **form.details()
        )
        if done is not None:
            messages.success(request, "Event changed.")
            return redirect("events:event", event_id=ev.pk)
    return render(
        request, "champions/events/form.html", {"form": form, "event": ev, "published": published}
    )


def event_cancel(request, event_id: int):
    ev = or_404(selectors.event_for_manager, request.user, event_id)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.event_cancel,
            actor=request.user,
            event_id=ev.pk,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, "Event cancelled. Everyone registered is told.")
            return redirect("events:event", event_id=ev.pk)
    return render(request, "champions/events/cancel.html", {"form": form, "event": ev})


@require_POST
def register(request, event_id: int):
    form = forms.RegisterForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        call = services.event_register if action == "register" else services.event_unregister
        try:
            done = attempt(form, call, actor=request.user, event_id=event_id)
        except PermissionDenied as exc:
            # An event the reader may not register for is, to them, not there.
            raise Http404 from exc
        if done is not None:
            if action == "register":
                messages.success(
                    request,
                    "You are registered. We have emailed you the details for your calendar.",
                )
            else:
                messages.success(request, "Your registration is cancelled.")
            return redirect("events:event", event_id=event_id)
    else:
        form.add_error(None, "Choose whether to register or cancel your registration")
    return event(request, event_id, register_form=form)


def attendance(request, event_id: int):
    ev, registrations = or_404(selectors.registrations_of, request.user, event_id)
    form = forms.AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        counts = attempt(
            form,
            services.attendance_record,
            actor=request.user,
            event_id=ev.pk,
            attended=form.cleaned_data["attended"],
        )
        if counts is not None:
            messages.success(
                request,
                f"Attendance recorded: {counts['attended']} came, {counts['absent']} did not.",
            )
            return redirect("events:event", event_id=ev.pk)
    return render(
        request,
        "champions/events/attendance.html",
        {
            "form": form,
            "event": ev,
            "registrations": registrations,
            "started": ev.starts_at <= timezone.now(),
            "when": services.when_text(ev),
        },
    )


def calendar(request, event_id: int):
    ev = or_404(selectors.event_for_calendar, request.user, event_id)
    response = HttpResponse(services.event_ics(ev), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{services.calendar_filename(ev)}"'
    return response
