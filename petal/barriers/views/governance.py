"""Governance pages: the structure, the report, a group and its meetings. Thin: parse, call a
selector or service, render.

Everyone with ``barriers.view`` reads them. Changing a group or its meetings (including
changing or cancelling a meeting, posted to the meeting's own page) is for the group's runners: anyone else who reaches those pages (they hold ``governance.manage`` for another group)
is refused with 403, since they can see what they may not change; a group or meeting that does
not exist is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from petal.access.barriers import may_run
from petal.access.policy import can
from petal.barriers.forms import governance as forms
from petal.barriers.models import Outcome, Status, VoiceKind
from petal.barriers.selectors import governance as selectors
from petal.barriers.services import governance as services
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.views import attempt, or_404


def _number(text) -> int | None:
    text = str(text or "")
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 6 else None


def _post(request, call, **kwargs):
    """A one-button change: its refusal shown as a message on the page it returns to."""
    try:
        return call(actor=request.user, **kwargs)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationFailed as error:
        messages.error(request, error.message)
        return None


def _runner_group(request, slug):
    group = or_404(selectors.group_get, request.user, slug)
    if not may_run(request.user, group):
        raise PermissionDenied("Only the people who run this group can change it")
    return group


def _runner_meeting(request, meeting_id):
    meeting, runs = or_404(selectors.meeting_for_runner, request.user, meeting_id)
    if not runs:
        raise PermissionDenied("Only the people who run this group can change its meetings")
    return meeting


def _meeting_url(meeting_id: int, anchor: str = "") -> str:
    url = reverse("governance:meeting", kwargs={"meeting_id": meeting_id})
    return f"{url}#{anchor}" if anchor else url


# --- the structure and the report ----------------------------------------------------------------


def structure(request):
    found = selectors.structure(request.user)
    return render(
        request,
        "barriers/governance/structure.html",
        {
            "structure": found,
            "open": Status.OPEN.value,
            "being_resolved": Status.BEING_RESOLVED.value,
            "resolved": Status.RESOLVED.value,
            "closed": Status.CLOSED.value,
        },
    )


def report(request):
    year = _number(request.GET.get("year"))
    found = or_404(selectors.governance_report, request.user, year=year)
    return render(
        request,
        "barriers/governance/report.html",
        {
            "report": found,
            "outcomes": Outcome,
            "kinds": [k for k in VoiceKind if k != VoiceKind.NOT_HEARD],
        },
    )


# --- a group -------------------------------------------------------------------------------------


def group(request, slug: str):
    page = or_404(selectors.group_page, request.user, slug)
    return render(request, "barriers/governance/group.html", {"page": page, "group": page.group})


def member_add(request, slug: str):
    group = _runner_group(request, slug)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = attempt(
            form,
            services.member_add,
            actor=request.user,
            group_slug=group.slug,
            email=data.get("email") or "",
            name=data.get("name") or "",
            organisation=data.get("organisation"),
            role=data["role"],
            lived_experience=data["lived_experience"] == forms.YES,
            started_on=data.get("started_on"),
        )
        if member is not None:
            messages.success(request, f"{member.label} added to the {group.name}.")
            return redirect("governance:group", slug=group.slug)
    return render(request, "barriers/governance/member_form.html", {"form": form, "group": group})


@require_POST
def member_end(request, slug: str, member_id: int):
    member = _post(request, services.member_end, group_slug=slug, member_id=member_id)
    if member is not None:
        messages.success(request, f"{member.label}'s membership has ended.")
    return redirect("governance:group", slug=slug)


def meeting_new(request, slug: str):
    group = _runner_group(request, slug)
    if group.level.rank == selectors.OPERATIONAL_RANK:
        # A partnership meets at its problem-solving sessions, planned in Meetings.
        raise Http404
    form = forms.MeetingPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        meeting = attempt(
            form,
            services.governance_meeting_plan,
            actor=request.user,
            group_slug=group.slug,
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            online_link=form.cleaned_data["online_link"],
        )
        if meeting is not None:
            messages.success(
                request,
                "Meeting planned. Add the barriers waiting at this level to its agenda.",
            )
            return redirect("governance:meeting", meeting_id=meeting.pk)
    return render(request, "barriers/governance/meeting_form.html", {"form": form, "group": group})


# --- a meeting -----------------------------------------------------------------------------------


def _meeting_forms(meeting, request=None, action=""):
    """The runners' forms on the meeting page: change when and where it is, or cancel it. Only
    the form posted is bound."""
    data = request.POST if request is not None else None
    return (
        forms.MeetingChangeForm.for_meeting(meeting, data if action == "change" else None),
        forms.MeetingCancelForm(data if action == "cancel" else None),
    )


def _meeting_change(request, meeting, form):
    starts_at, ends_at = form.times()
    return attempt(
        form,
        services.governance_meeting_change,
        actor=request.user,
        meeting_id=meeting.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        place=form.cleaned_data["place"],
        online_link=form.cleaned_data["online_link"],
    )


def _meeting_cancel(request, meeting, form):
    return attempt(
        form,
        services.governance_meeting_cancel,
        actor=request.user,
        meeting_id=meeting.pk,
        reason=form.cleaned_data["reason"],
    )


def meeting(request, meeting_id: int):
    """The meeting's page. Its runners also change its date, time and place, or cancel it,
    here: a POST with ``action`` ``change`` or ``cancel``."""
    action = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("change", "cancel"):
            return HttpResponseBadRequest("Choose to change or cancel the meeting")
        if not can(request.user, "governance.manage"):
            raise PermissionDenied("Only the people who run this group can change its meetings")
        found = _runner_meeting(request, meeting_id)
        change_form, cancel_form = _meeting_forms(found, request, action)
        form = change_form if action == "change" else cancel_form
        if form.is_valid():
            call = _meeting_change if action == "change" else _meeting_cancel
            if call(request, found, form) is not None:
                messages.success(
                    request,
                    "Meeting changed." if action == "change" else "Meeting cancelled.",
                )
                return redirect(_meeting_url(found.pk))
    page = or_404(selectors.meeting_page, request.user, meeting_id)
    if not action:
        change_form, cancel_form = _meeting_forms(page.meeting)
    return render(
        request,
        "barriers/governance/meeting.html",
        {
            "page": page,
            "meeting": page.meeting,
            "group": page.group,
            "change_form": change_form,
            "cancel_form": cancel_form,
            "errors": bool(change_form.errors or cancel_form.errors),
            "changing": action,
        },
    )


def agenda(request, meeting_id: int):
    """Add the barriers waiting at this level, or another item."""
    meeting = _runner_meeting(request, meeting_id)
    if request.method == "POST" and request.POST.get("add") == "waiting":
        items = _post(request, services.agenda_add_waiting, meeting_id=meeting.pk)
        if items:
            count = len(items)
            messages.success(
                request,
                f"{count} barrier{'s' if count != 1 else ''} added to the agenda.",
            )
        return redirect(_meeting_url(meeting.pk, "agenda-heading"))
    form = forms.AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = attempt(
            form,
            services.agenda_item_add,
            actor=request.user,
            meeting_id=meeting.pk,
            title=form.cleaned_data["title"],
            notes=form.cleaned_data["notes"],
        )
        if item is not None:
            messages.success(request, "Item added to the agenda.")
            return redirect(_meeting_url(meeting.pk, "agenda-heading"))
    return render(
        request,
        "barriers/governance/agenda_form.html",
        {"form": form, "meeting": meeting, "group": meeting.group},
    )


@require_POST
def agenda_remove(request, meeting_id: int, item_id: int):
    done = _post(request, services.agenda_item_remove, meeting_id=meeting_id, item_id=item_id)
    if done is not None:
        messages.success(request, "Item taken off the agenda.")
    return redirect(_meeting_url(meeting_id, "agenda-heading"))


def attendance(request, meeting_id: int):
    meeting = _runner_meeting(request, meeting_id)
    rows, _ = selectors.attendance_rows(meeting, with_later=True)
    form = forms.AttendanceForm(
        request.POST or None,
        rows=rows,
        initial={"attended": [str(row.member.pk) for row in rows if row.attended]},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.attendance_record,
            actor=request.user,
            meeting_id=meeting.pk,
            attended=form.cleaned_data["attended"],
        )
        if done is not None:
            came, of = done
            messages.success(request, f"Attendance recorded: {came} of {of} members came.")
            return redirect(_meeting_url(meeting.pk, "attendance-heading"))
    return render(
        request,
        "barriers/governance/attendance_form.html",
        {"form": form, "meeting": meeting, "group": meeting.group, "rows": rows},
    )


def minutes(request, meeting_id: int):
    meeting = _runner_meeting(request, meeting_id)
    form = forms.MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.minutes_record,
            actor=request.user,
            meeting_id=meeting.pk,
            minutes=form.cleaned_data["minutes"],
        )
        if done is not None:
            messages.success(request, "Minutes saved.")
            return redirect(_meeting_url(meeting.pk, "minutes-heading"))
    return render(
        request,
        "barriers/governance/minutes_form.html",
        {"form": form, "meeting": meeting, "group": meeting.group},
    )


def action_new(request, meeting_id: int):
    meeting = _runner_meeting(request, meeting_id)
    form = forms.ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = attempt(
            form,
            services.governance_action_add,
            actor=request.user,
            meeting_id=meeting.pk,
            description=data["description"],
            due_on=data["due_on"],
            owner_email=data["owner_email"] if data["owner_kind"] == "person" else "",
            owner_organisation=data["owner_organisation"]
            if data["owner_kind"] == "organisation"
            else None,
        )
        if action is not None:
            messages.success(request, f"Action {action.reference} given to {action.owner_label}.")
            return redirect(_meeting_url(meeting.pk, "actions-heading"))
    return render(
        request,
        "barriers/governance/action_form.html",
        {"form": form, "meeting": meeting, "group": meeting.group},
    )
