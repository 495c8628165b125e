"""Referral pages. Thin: parse, call a selector or service, render. A referral the reader may
not see answers 404, exactly as one that does not exist."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from petal.access.categories import Category
from petal.access.referrals import RECEIVER, REFERRER, shareable_bits
from petal.consent.models import CATEGORY_BIT, Purpose
from petal.core.errors import NotFound, ValidationFailed
from petal.core.forms import apply_errors
from petal.directory import selectors as directory
from petal.referrals import forms, selectors, services
from petal.referrals.models import STEP_FIELD, STEPS, Status


def _view_or_404(request, referral_id):
    try:
        return selectors.referral_get_for(request.user, referral_id)
    except NotFound as exc:
        raise Http404 from exc


def sent(request):
    open_only = request.GET.get("show") == "open"
    page, rows = selectors.sent_page(
        request.user, open_only=open_only, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "referrals/sent.html",
        {"page": page, "rows": rows, "open_only": open_only},
    )


def inbox(request):
    view = request.GET.get("view", "waiting")
    if view not in selectors.INBOX_VIEWS:
        view = "waiting"
    services_ = list(selectors.inbox_services(request.user))
    service_id = request.GET.get("service", "")
    if service_id not in {str(s.pk) for s in services_}:
        service_id = ""
    page, rows = selectors.inbox_page(
        request.user, view=view, service_id=service_id or None, page=request.GET.get("page", 1)
    )
    counts = selectors.inbox_counts(request.user)
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "rows": rows,
            "view": view,
            "views": [
                (key, label, counts[key]) for key, (label, _) in selectors.INBOX_VIEWS.items()
            ],
            "services": services_,
            "service_id": service_id,
            "now": timezone.now(),
        },
    )


def _service_for_referral(service_id):
    try:
        service_id = uuid.UUID(str(service_id))
    except ValueError as exc:
        raise Http404 from exc
    service = directory.referrable_services().filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def referral_new(request):
    person_id = request.GET.get("person", "")
    service_id = request.GET.get("service", "")
    if not person_id.isdigit():
        return render(
            request,
            "referrals/choose_person.html",
            {"people": selectors.referral_people(request.user), "service_id": service_id},
        )
    if not service_id:
        return render(
            request,
            "referrals/choose_service.html",
            {
                "services": directory.referrable_services().order_by("organisation__name", "name"),
                "person_id": person_id,
            },
        )
    try:
        person_view = selectors.person_for_referral(request.user, int(person_id))
    except NotFound as exc:
        raise Http404 from exc
    person = person_view.person
    service = _service_for_referral(service_id)
    covered = shareable_bits(person.pk, service.organisation_id)
    needed = set(service.needs_categories)
    rows = []
    for category in Category:
        rows.append(
            {
                "category": category,
                "needed": category in needed,
                "covered": bool(covered & CATEGORY_BIT[category]),
            }
        )
    choices = [
        (r["category"].value, r["category"].label)
        for r in rows
        if r["covered"] and r["category"] != Category.IDENTITY
    ]
    missing = [r["category"] for r in rows if r["needed"] and not r["covered"]]
    here = f"{reverse('referrals:new')}?{urlencode({'person': person.pk, 'service': service.pk})}"
    consent_link = (
        reverse("consent:new", kwargs={"person_id": person.pk})
        + "?"
        + urlencode(
            {
                "organisation": service.organisation_id,
                "categories": [c.value for c in sorted(needed, key=list(Category).index)],
                "purposes": Purpose.REFERRAL.value,
                "next": here,
            },
            doseq=True,
        )
    )
    form = forms.ReferralForm(
        request.POST or None,
        choices=choices,
        initial={"categories": [c for c, _ in choices if Category(c) in needed]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(
                actor=request.user,
                person=person,
                service=service,
                categories=form.cleaned_data["categories"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Referral {referral.reference} sent to {service.name}. "
                "You will be told at each step.",
            )
            return redirect("referrals:referral", referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_new.html",
        {
            "person": person,
            "service": service,
            "rows": rows,
            "form": form,
            "identity_covered": bool(covered & CATEGORY_BIT[Category.IDENTITY]),
            "missing": missing,
            "consent_link": consent_link,
        },
    )


def _timeline(referral):
    """The four steps with when each happened, for the step indicator."""
    steps = []
    for step in STEPS:
        at = getattr(referral, STEP_FIELD[step])
        steps.append({"status": step, "label": step.label, "at": at})
    return steps


def referral_detail(request, referral_id: int, move_form=None, note_form=None):
    view = _view_or_404(request, referral_id)
    referral = view.referral
    moves = services.allowed_moves(referral, view.access.side)
    return render(
        request,
        "referrals/referral.html",
        {
            "view": view,
            "referral": referral,
            "person": referral.person,
            "categories": view.categories,
            "C": {c.name: c for c in Category},
            "steps": _timeline(referral),
            "is_receiver": view.access.side == RECEIVER,
            "is_referrer": view.access.side == REFERRER,
            "move_form": move_form or (forms.MoveForm(moves=moves) if moves else None),
            "note_form": note_form or (forms.NoteForm() if view.sees_person else None),
            "closed": referral.status in (Status.STARTED, Status.DECLINED, Status.WITHDRAWN),
        },
    )


@require_POST
def referral_move(request, referral_id: int):
    view = _view_or_404(request, referral_id)
    moves = services.allowed_moves(view.referral, view.access.side)
    form = forms.MoveForm(request.POST, moves=moves)
    if form.is_valid():
        try:
            referral = services.referral_move(
                actor=request.user,
                referral_id=view.referral.pk,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{referral.reference}: {referral.get_status_display().lower()}."
            )
            return redirect("referrals:referral", referral_id=referral.pk)
    return referral_detail(request, referral_id, move_form=form)


@require_POST
def referral_note(request, referral_id: int):
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.referral_note(
                actor=request.user, referral_id=referral_id, body=form.cleaned_data["body"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Note added. The other side can see it.")
            return redirect("referrals:referral", referral_id=referral_id)
    return referral_detail(request, referral_id, note_form=form)
