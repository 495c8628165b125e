"""The co-production register and feedback, for the programme team. Thin: parse, call a
selector (which audits the read) or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from petal.core.views import attempt, or_404
from petal.programme.forms import coproduction as forms
from petal.programme.selectors import coproduction as selectors
from petal.programme.services import coproduction as services


def _details(data) -> dict:
    return {
        "named_as": data["named_as"],
        "consent_to_contact": data["consent_to_contact"] == "yes",
        "consent_recorded_on": data["consent_recorded_on"],
        "how_to_contact": data["how_to_contact"],
        "email": data["email"],
        "phone": data["phone"],
        "notes": data["notes"],
    }


def register(request):
    found = or_404(selectors.register_list, request.user, page=request.GET.get("page", 1))
    return render(
        request,
        "programme/coproduction/register.html",
        {"page": found.page, "totals": found.totals},
    )


def new(request):
    form = forms.ContributorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contributor = attempt(
            form, services.contributor_add, actor=request.user, **_details(form.cleaned_data)
        )
        if contributor is not None:
            messages.success(request, f"{contributor.named_as} is in the register.")
            return redirect("coproduction:contributor", contributor_id=contributor.pk)
    return render(request, "programme/coproduction/form.html", {"form": form, "contributor": None})


def contributor(request, contributor_id: int):
    view = or_404(selectors.contributor_get_for, request.user, contributor_id)
    return render(
        request,
        "programme/coproduction/contributor.html",
        {"view": view, "contributor": view.contributor},
    )


def edit(request, contributor_id: int):
    view = or_404(selectors.contributor_get_for, request.user, contributor_id, purpose="change")
    person = view.contributor
    initial = {
        "named_as": person.named_as,
        "consent_to_contact": "yes" if person.consent_to_contact else "no",
        "consent_recorded_on": person.consent_recorded_on,
        "how_to_contact": person.how_to_contact,
        "email": person.email,
        "phone": person.phone,
        "notes": person.notes,
        "active": "yes" if person.active else "no",
    }
    form = forms.ContributorChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            services.contributor_change,
            actor=request.user,
            contributor_id=person.pk,
            active=form.cleaned_data["active"] == "yes",
            **_details(form.cleaned_data),
        )
        if changed is not None:
            messages.success(request, "Saved.")
            return redirect("coproduction:contributor", contributor_id=person.pk)
    return render(
        request, "programme/coproduction/form.html", {"form": form, "contributor": person}
    )


def participation_new(request, contributor_id: int):
    view = or_404(selectors.contributor_get_for, request.user, contributor_id, purpose="record")
    form = forms.ParticipationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            services.participation_record,
            actor=request.user,
            contributor_id=view.contributor.pk,
            kind=data["kind"],
            took_part_on=data["took_part_on"],
            description=data["description"],
        )
        if done is not None:
            messages.success(request, "Taking part recorded.")
            return redirect("coproduction:contributor", contributor_id=view.contributor.pk)
    return render(
        request,
        "programme/coproduction/participation_new.html",
        {"form": form, "contributor": view.contributor},
    )


def recognition_new(request, contributor_id: int):
    view = or_404(selectors.contributor_get_for, request.user, contributor_id, purpose="record")
    form = forms.RecognitionForm(request.POST or None, participations=view.participations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            services.recognition_record,
            actor=request.user,
            contributor_id=view.contributor.pk,
            kind=data["kind"],
            amount=data["amount"],
            given_on=data["given_on"],
            participation_id=data["participation"] or None,
            note=data["note"],
        )
        if done is not None:
            messages.success(request, "Recognition recorded.")
            return redirect("coproduction:contributor", contributor_id=view.contributor.pk)
    return render(
        request,
        "programme/coproduction/recognition_new.html",
        {"form": form, "contributor": view.contributor},
    )


# --- feedback ------------------------------------------------------------------------------------


def feedback(request):
    page = or_404(selectors.feedback_list, request.user, page=request.GET.get("page", 1))
    return render(request, "programme/coproduction/feedback.html", {"page": page})


def feedback_new(request):
    contributors = or_404(selectors.contributor_choices, request.user)
    initial = {"contributor": request.GET.get("contributor", "")}
    form = forms.FeedbackForm(request.POST or None, contributors=contributors, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = attempt(
            form,
            services.feedback_record,
            actor=request.user,
            contributor_id=data["contributor"] or None,
            received_on=data["received_on"],
            where=data["where"],
            said=data["said"],
        )
        if item is not None:
            messages.success(request, "Feedback recorded. Record what we did when you can.")
            return redirect("coproduction:feedback-item", feedback_id=item.pk)
    return render(request, "programme/coproduction/feedback_new.html", {"form": form})


def feedback_item(request, feedback_id: int, *, response_form=None, publish_form=None):
    item = or_404(selectors.feedback_get_for, request.user, feedback_id)
    if request.method == "POST" and response_form is None and publish_form is None:
        return _respond(request, item)
    form = response_form or forms.ResponseForm(
        initial={"response": item.response, "responded_on": item.responded_on}
    )
    return render(
        request,
        "programme/coproduction/feedback_item.html",
        {
            "item": item,
            # The form whose errors the page's summary and title show.
            "form": publish_form if publish_form is not None else form,
            "response_form": form,
            "publish_form": publish_form or forms.PublishForm(),
        },
    )


def _respond(request, item):
    form = forms.ResponseForm(request.POST)
    if form.is_valid():
        done = attempt(
            form,
            services.feedback_respond,
            actor=request.user,
            feedback_id=item.pk,
            response=form.cleaned_data["response"],
            responded_on=form.cleaned_data["responded_on"],
        )
        if done is not None:
            messages.success(request, "Response saved.")
            return redirect("coproduction:feedback-item", feedback_id=item.pk)
    return feedback_item(request, item.pk, response_form=form)


@require_POST
def feedback_publish(request, feedback_id: int):
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        publishing = form.cleaned_data["publish"] == "yes"
        done = attempt(
            form,
            services.feedback_publish,
            actor=request.user,
            feedback_id=feedback_id,
            publish=publishing,
        )
        if done is not None:
            messages.success(
                request,
                "Published on ‘You said, we did’."
                if publishing
                else "Taken off ‘You said, we did’.",
            )
            return redirect("coproduction:feedback-item", feedback_id=done.pk)
    return feedback_item(request, feedback_id, publish_form=form)
