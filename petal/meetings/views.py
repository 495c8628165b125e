"""Meeting and action pages. Thin: parse, call a selector or service, render. A meeting the
reader may not see answers 404, exactly as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from petal.access.categories import Category
from petal.consent.models import Purpose
from petal.core.errors import NotFound, ValidationFailed
from petal.core.views import attempt, or_404
from petal.meetings import forms, ics, selectors, services
from petal.meetings.models import ActionStatus, Kind, MeetingStatus


def _number(text) -> int | None:
    """A whole number typed in a query string, or None ("²" is a digit but not a number)."""
    text = str(text or "")
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 12 else None


def meetings(request):
    when = request.GET.get("when", "upcoming")
    if when not in selectors.WHEN:
        when = "upcoming"
    page, rows = selectors.meeting_page(request.user, when=when, page=request.GET.get("page", 1))
    counts = selectors.meeting_counts(request.user)
    from petal.access.policy import can

    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "rows": rows,
            "when": when,
            "tabs": [(key, label, counts[key]) for key, label in selectors.WHEN.items()],
            "can_convene": can(request.user, "meetings.convene"),
            "can_plan": can(request.user, "meetings.sessions"),
        },
    )


def meeting_new(request):
    """A trusted person convenes a professionals meeting about one of their people."""
    from petal.referrals.selectors import person_for_referral, referral_people

    person_id = _number(request.GET.get("person"))
    if person_id is None:
        return render(
            request,
            "meetings/choose_person.html",
            {"people": referral_people(request.user)},
        )
    person = or_404(person_for_referral, request.user, person_id).person
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        meeting = attempt(
            form,
            services.meeting_convene,
            actor=request.user,
            person=person,
            purpose=form.cleaned_data["purpose"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            online_link=form.cleaned_data["online_link"],
            agenda=form.cleaned_data["agenda"],
        )
        if meeting is not None:
            messages.success(
                request, f"Meeting {meeting.reference} set up. Now choose who to invite."
            )
            return redirect("meetings:invitees", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "person": person})


def session_new(request):
    partnerships = selectors.partnerships_run_by(request.user)
    form = forms.SessionForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        meeting = attempt(
            form,
            services.session_plan,
            actor=request.user,
            partnership=form.cleaned_data["partnership"],
            purpose=form.cleaned_data["purpose"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            online_link=form.cleaned_data["online_link"],
            agenda=form.cleaned_data["agenda"],
        )
        if meeting is not None:
            messages.success(
                request,
                f"Session {meeting.reference} planned. Invite the organisations taking part.",
            )
            return redirect("meetings:invitees", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "session": True})


def session_bring(request):
    """A trusted person chooses an upcoming session to bring someone to."""
    from petal.referrals.selectors import person_for_referral

    person_id = _number(request.GET.get("person"))
    if person_id is None:
        raise Http404
    person = or_404(person_for_referral, request.user, person_id).person
    sessions = list(selectors.upcoming_sessions())
    consented = services.partnerships_consented(person)
    return render(
        request,
        "meetings/session_bring.html",
        {"person": person, "sessions": sessions, "consented": consented},
    )


def meeting_detail(request, meeting_id: int, reply_form=None, decision_form=None):
    if selectors.governance_meeting_exists(meeting_id):
        # A governance group's meeting has its own page (petal.barriers), so no link 404s.
        return redirect("governance:meeting", meeting_id=meeting_id)
    view = or_404(selectors.meeting_get_for, request.user, meeting_id)
    meeting = view.meeting
    return render(
        request,
        "meetings/meeting.html",
        {
            "view": view,
            "meeting": meeting,
            "reply_forms": [
                (
                    invitation,
                    reply_form
                    if reply_form is not None
                    and str(reply_form.data.get("invitation")) == str(invitation.pk)
                    else forms.ReplyForm(
                        initial={"invitation": invitation.pk, "reply": invitation.reply}
                    ),
                )
                for invitation in view.mine
            ]
            if meeting.status not in (MeetingStatus.CANCELLED, MeetingStatus.HELD)
            else [],
            "decision_form": decision_form
            or (
                forms.DecisionForm(case_choices=_case_choices(view))
                if view.manage and meeting.status != MeetingStatus.CANCELLED
                else None
            ),
            "is_session": meeting.kind == Kind.PARTNERSHIP,
            "statuses": ActionStatus,
        },
    )


def _case_choices(view) -> list[tuple[str, str]]:
    if view.meeting.kind != Kind.PARTNERSHIP:
        return []
    return [
        (str(c.case.pk), c.case.person.full_name if c.sees_person else f"Case {i}")
        for i, c in enumerate(view.cases, start=1)
    ]


def meeting_change(request, meeting_id: int):
    meeting = or_404(selectors.meeting_for_manager, request.user, meeting_id)
    form_class = forms.MeetingForm
    form = form_class(request.POST or None, initial=form_class.initial_from(meeting))
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        done = attempt(
            form,
            services.meeting_change,
            actor=request.user,
            meeting_id=meeting.pk,
            purpose=form.cleaned_data["purpose"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            online_link=form.cleaned_data["online_link"],
            agenda=form.cleaned_data["agenda"],
        )
        if done is not None:
            messages.success(request, f"{meeting.reference} changed.")
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "session": meeting.kind == Kind.PARTNERSHIP},
    )


def meeting_cancel(request, meeting_id: int):
    meeting = or_404(selectors.meeting_for_manager, request.user, meeting_id)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.meeting_cancel,
            actor=request.user,
            meeting_id=meeting.pk,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, f"{meeting.reference} cancelled. Everyone invited is told.")
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    return render(request, "meetings/cancel.html", {"form": form, "meeting": meeting})


def _consent_link(request, meeting, person, invitation) -> str:
    """Record the person's consent to share with this invitee, then come back here."""
    params = {
        "categories": [
            Category.IDENTITY.value,
            Category.STORY.value,
            Category.NEEDS.value,
            Category.INVOLVEMENT.value,
        ],
        "purposes": Purpose.PROFESSIONALS_MEETING.value,
        "next": reverse("meetings:invitees", kwargs={"meeting_id": meeting.pk}),
    }
    if invitation.organisation_id:
        params["organisation"] = invitation.organisation_id
    else:
        params["email"] = invitation.user.email
    return (
        reverse("consent:new", kwargs={"person_id": person.pk})
        + "?"
        + urlencode(params, doseq=True)
    )


def invitees(request, meeting_id: int, form=None, send_error: str = ""):
    """Who is invited, and — before anything is sent — what each will be able to see."""
    view = or_404(selectors.meeting_get_for, request.user, meeting_id)
    if not view.manage:
        raise Http404
    meeting = view.meeting
    if request.method == "POST" and form is None:
        form = forms.InviteForm(request.POST)
        if form.is_valid():
            invitation = attempt(
                form,
                services.invitation_add,
                actor=request.user,
                meeting_id=meeting.pk,
                email=form.cleaned_data.get("email") or "",
                organisation=form.cleaned_data.get("organisation"),
            )
            if invitation is not None:
                messages.success(request, f"{invitation.label} added.")
                return redirect("meetings:invitees", meeting_id=meeting.pk)
    people = [c.case.person_id for c in view.cases]
    from petal.access.meetings import invitees_categories

    rows = []
    person = (
        view.cases[0].case.person if meeting.kind == Kind.PROFESSIONALS and view.cases else None
    )
    seen_by = invitees_categories(view.invitations, people) if person else {}
    for invitation in view.invitations:
        categories = seen_by[invitation.pk].get(person.pk, frozenset()) if person else frozenset()
        rows.append(
            {
                "invitation": invitation,
                "categories": [c for c in Category if c in categories],
                "sees_person": Category.IDENTITY in categories,
                "flagged": invitation in view.flagged,
                "consent_link": _consent_link(request, meeting, person, invitation)
                if person
                else "",
            }
        )
    return render(
        request,
        "meetings/invitees.html",
        {
            "view": view,
            "meeting": meeting,
            "person": person,
            "rows": rows,
            "form": form or forms.InviteForm(),
            "unsent": sum(1 for i in view.invitations if i.sent_at is None),
            "send_error": send_error,
            "open": meeting.status in (MeetingStatus.DRAFT, MeetingStatus.INVITED),
        },
    )


@require_POST
def invitee_without_details(request, meeting_id: int, invitation_id: int):
    on = request.POST.get("without_details") == "yes"
    or_404(
        services.invitation_without_details,
        actor=request.user,
        meeting_id=meeting_id,
        invitation_id=invitation_id,
        on=on,
    )
    return redirect("meetings:invitees", meeting_id=meeting_id)


@require_POST
def invitee_remove(request, meeting_id: int, invitation_id: int):
    try:
        services.invitation_remove(
            actor=request.user, meeting_id=meeting_id, invitation_id=invitation_id
        )
    except NotFound as exc:
        raise Http404 from exc
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Invitation removed.")
    return redirect("meetings:invitees", meeting_id=meeting_id)


@require_POST
def invitations_send(request, meeting_id: int):
    try:
        sent = services.invitations_send(actor=request.user, meeting_id=meeting_id)
    except NotFound as exc:
        raise Http404 from exc
    except ValidationFailed as error:
        request.method = "GET"
        return invitees(request, meeting_id, send_error=error.message)
    messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
    return redirect("meetings:meeting", meeting_id=meeting_id)


@require_POST
def reply(request, meeting_id: int):
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        invitation = attempt(
            form,
            services.reply_record,
            actor=request.user,
            meeting_id=meeting_id,
            invitation_id=form.cleaned_data["invitation"],
            reply=form.cleaned_data["reply"],
        )
        if invitation is not None:
            messages.success(request, f"Reply recorded: {invitation.get_reply_display().lower()}.")
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return meeting_detail(request, meeting_id, reply_form=form)


def pack(request, meeting_id: int):
    result = or_404(selectors.pack_for, request.user, meeting_id)
    return render(request, "meetings/pack.html", {"pack": result, "preview": False})


def pack_preview(request, meeting_id: int, invitation_id: int):
    result = or_404(selectors.pack_for, request.user, meeting_id, invitation_id=invitation_id)
    return render(request, "meetings/pack.html", {"pack": result, "preview": True})


def calendar(request, meeting_id: int):
    meeting = or_404(selectors.meeting_for_calendar, request.user, meeting_id)
    response = HttpResponse(ics.meeting_ics(meeting), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    return response


def minutes(request, meeting_id: int):
    view = or_404(selectors.meeting_get_for, request.user, meeting_id)
    if not view.manage:
        raise Http404
    meeting = view.meeting
    form = forms.MinutesForm(
        request.POST or None,
        meeting=meeting,
        cases=[c for c in view.cases if c.sees_record],
        invitations=view.invitations,
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.minutes_record,
            actor=request.user,
            meeting_id=meeting.pk,
            minutes=form.cleaned_data["minutes"],
            attended=[int(pk) for pk in form.cleaned_data["attended"]],
            cases=form.case_answers(),
        )
        if done is not None:
            messages.success(request, "Minutes recorded.")
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    return render(
        request, "meetings/minutes.html", {"form": form, "view": view, "meeting": meeting}
    )


@require_POST
def decision_new(request, meeting_id: int):
    view = or_404(selectors.meeting_get_for, request.user, meeting_id)
    if not view.manage:
        raise Http404
    form = forms.DecisionForm(request.POST, case_choices=_case_choices(view))
    if form.is_valid():
        done = attempt(
            form,
            services.decision_add,
            actor=request.user,
            meeting_id=meeting_id,
            text=form.cleaned_data["text"],
            case_id=form.cleaned_data.get("case") or None,
        )
        if done is not None:
            messages.success(request, "Decision recorded.")
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return meeting_detail(request, meeting_id, decision_form=form)


def action_new(request, meeting_id: int):
    view = or_404(selectors.meeting_get_for, request.user, meeting_id)
    if not view.manage:
        raise Http404
    meeting = view.meeting
    form = forms.ActionForm(request.POST or None, case_choices=_case_choices(view))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = attempt(
            form,
            services.action_add,
            actor=request.user,
            meeting_id=meeting.pk,
            description=data["description"],
            due_on=data["due_on"],
            owner_email=data["owner_email"] if data["owner_kind"] == "person" else "",
            owner_organisation=data["owner_organisation"]
            if data["owner_kind"] == "organisation"
            else None,
            case_id=data.get("case") or None,
        )
        if action is not None:
            messages.success(request, f"Action {action.reference} given to {action.owner_label}.")
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/action_form.html",
        {
            "form": form,
            "view": view,
            "meeting": meeting,
            "is_session": meeting.kind == Kind.PARTNERSHIP,
        },
    )


def case_new(request, meeting_id: int):
    """A trusted person brings someone they support to a problem-solving session."""
    session = (
        selectors.upcoming_sessions().filter(pk=meeting_id).first()
        if isinstance(meeting_id, int)
        else None
    )
    if session is None:
        raise Http404
    people = selectors.session_people(request.user, session)
    form = forms.CaseForm(request.POST or None, people=people)
    if request.method == "GET" and _number(request.GET.get("person")) is not None:
        form = forms.CaseForm(people=people, initial={"person": request.GET["person"]})
    if request.method == "POST" and form.is_valid():
        person = next(p for p in people if str(p.pk) == form.cleaned_data["person"])
        done = attempt(
            form,
            services.case_add,
            actor=request.user,
            meeting_id=session.pk,
            person=person,
            question=form.cleaned_data["question"],
        )
        if done is not None:
            messages.success(request, f"{person.name} is on the case list for {session.reference}.")
            return redirect("meetings:meeting", meeting_id=session.pk)
    return render(
        request, "meetings/case_form.html", {"form": form, "session": session, "people": people}
    )


def barrier_new(request, meeting_id: int):
    view = or_404(selectors.meeting_get_for, request.user, meeting_id)
    if not view.manage or view.meeting.kind != Kind.PARTNERSHIP:
        raise Http404
    form = forms.BarrierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            services.barrier_raise,
            actor=request.user,
            meeting_id=meeting_id,
            summary=data["summary"],
            detail=data["detail"],
            services=data["services"],
            areas=[int(a) for a in data["areas"]],
        )
        if done is not None:
            messages.success(request, "Barrier recorded.")
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return render(request, "meetings/barrier_form.html", {"form": form, "meeting": view.meeting})


def my_actions(request):
    view = request.GET.get("show", "open")
    if view not in selectors.ACTION_VIEWS:
        view = "open"
    page, rows = selectors.my_actions(request.user, view=view, page=request.GET.get("page", 1))
    counts = selectors.my_action_counts(request.user)
    return render(
        request,
        "meetings/actions.html",
        {
            "page": page,
            "rows": rows,
            "show": view,
            "tabs": [(key, label, counts[key]) for key, label in selectors.ACTION_VIEWS.items()],
            "overdue": counts["overdue"],
            "statuses": ActionStatus,
        },
    )


def action_status(request, action_id: int):
    """Move an action on. The list's buttons post here; the page is for a status with a note
    (cancelling needs one), and shows a refusal with what was typed kept."""
    back = request.POST.get("back") or request.GET.get("back") or ""
    if not back.startswith("/meetings/"):
        back = reverse("meetings:actions")
    action = or_404(selectors.action_get_for, request.user, action_id)
    if request.method != "POST":
        form = forms.ActionStatusForm(initial={"status": action.status, "note": action.status_note})
        return render(
            request, "meetings/action_status.html", {"form": form, "action": action, "back": back}
        )
    form = forms.ActionStatusForm(request.POST)
    if form.is_valid():
        moved = attempt(
            form,
            services.action_set_status,
            actor=request.user,
            action_id=action_id,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        if moved is not None:
            messages.success(request, f"{moved.reference}: {moved.get_status_display().lower()}.")
            return redirect(back)
    # Kept as typed, with the reason it was refused.
    return render(
        request,
        "meetings/action_status.html",
        {"form": form, "action": action, "back": back},
        status=400,
    )
