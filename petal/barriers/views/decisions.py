"""Recording a decision on a barrier at a meeting of the group it sits with. Thin: parse, call
the service, render. Only whoever runs that group reaches the form (403 for other readers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from petal.access.barriers import may_decide
from petal.barriers.forms.decisions import REASON_FIELD, DecideForm
from petal.barriers.selectors import barriers as selectors
from petal.barriers.selectors import decisions as decision_selectors
from petal.barriers.services import decisions as services
from petal.core.errors import ValidationFailed
from petal.core.views import attempt, or_404

# The service's field names, as the form names them.
_FIELD = {"owner": "owner_organisation"}


def _record(**kwargs):
    """The service, with its refusal of "the reason" shown under the chosen outcome's box."""
    try:
        return services.decision_record(**kwargs)
    except ValidationFailed as error:
        renamed: dict[str, list[str]] = {}
        for name, found in error.field_errors.items():
            if name == "reason":
                name = REASON_FIELD.get(kwargs.get("outcome"), "outcome")
            renamed.setdefault(_FIELD.get(name, name), []).extend(found)
        raise ValidationFailed(error.message, field_errors=renamed) from error


def decide(request, barrier_id: int):
    user = request.user
    barrier = or_404(selectors.barrier_for_decision, user, barrier_id)
    if not may_decide(user, barrier):
        raise PermissionDenied("Only whoever runs the group a barrier sits with can decide it")
    view = decision_selectors.decide_view(user, barrier)
    form = DecideForm(
        request.POST if request.method == "POST" else None,
        meetings=view.meetings,
        organisations=view.organisations,
    )
    if request.method == "POST" and barrier.is_decidable and form.is_valid():
        data = form.cleaned_data
        decision = attempt(
            form,
            _record,
            actor=user,
            barrier_id=barrier.pk,
            meeting_id=data["meeting"],
            outcome=data["outcome"],
            reason=form.reason,
            voice_kind=data["voice_kind"],
            voice_said=data["voice_said"],
            owner_email=data.get("owner_email") or "",
            owner_organisation_id=data.get("owner_organisation") or None,
            due_on=data.get("due_on"),
        )
        if decision is not None:
            messages.success(
                request,
                "Decision recorded. Everyone who raised or met this barrier has been told.",
            )
            return redirect("barriers:barrier", barrier_id=barrier.pk)
    return render(
        request,
        "barriers/barriers/decide.html",
        {"view": view, "barrier": barrier, "form": form},
    )
