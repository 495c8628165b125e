"""The pledge, the programme team's approval queue, a champion's own entry, the champions
directory, support connections and barriers raised in the network. Thin: parse a form, call one
selector or service, render. Anything the reader may not see answers 404, exactly as a record
that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from petal.access.policy import can
from petal.champions.forms import champions as forms
from petal.champions.models import ChampionStatus, ConnectionStatus
from petal.champions.selectors import champions as selectors
from petal.champions.services import champions as services
from petal.core.errors import ValidationFailed
from petal.core.forms import apply_errors
from petal.core.views import attempt, or_404
from petal.site.rendering import render_markdown


def _is_worker(user) -> bool:
    """Signed in with a worker's sign-in (not a person's own sign-in to their record)."""
    return bool(user.is_authenticated and not getattr(user, "is_individual", False))


# --- the pledge ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pledge(request):
    page = or_404(selectors.pledge_page)
    user = request.user
    worker = _is_worker(user)
    mine = selectors.current_pledge_for(user) if worker else None
    form = None
    if mine is None:
        organisations = list(selectors.organisations())
        initial = {}
        if worker:
            first = selectors.first_organisation_of(user)
            initial["organisation"] = str(first.pk) if first else ""
        form = forms.PledgeForm(
            request.POST or None,
            signed_in=worker,
            organisations=organisations,
            initial=initial,
        )
        if request.method == "POST":
            if form.is_bot:
                # A bot filled the hidden field: thank it and keep nothing.
                return redirect("champions:pledge-signed")
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.pledge_sign(
                        actor=user,
                        full_name=data.get("full_name", ""),
                        email=data.get("email", ""),
                        organisation=form.chosen_organisation(),
                        organisation_name=data.get("organisation_name", ""),
                        job_title=data["job_title"],
                        district=data.get("district"),
                        areas=data.get("areas") or [],
                        skills=data.get("skills") or [],
                        help_with=data["help_with"],
                        how_to_reach=data["how_to_reach"],
                        phone=data.get("phone", ""),
                        listed=data["listed"],
                        pledged=data["pledged"],
                    )
                except ValidationFailed as error:
                    apply_errors(form, error)
                else:
                    # A visitor sees the same page whatever became of it (kept, or the address
                    # already had a pledge and its owner was emailed): nothing tells who is a
                    # champion.
                    return redirect("champions:pledge-signed")
    return render(
        request,
        "champions/pledge.html",
        {
            "page": page,
            "body": render_markdown(page.body),
            "counts": selectors.pledge_counts(),
            "can_edit": can(user, "site.edit_pages"),
            "mine": mine,
            "approved": mine is not None and mine.status == ChampionStatus.APPROVED,
            "form": form,
            "worker": worker,
        },
    )


def pledge_signed(request):
    return render(request, "champions/pledge_signed.html", {"worker": _is_worker(request.user)})


@require_http_methods(["GET", "HEAD"])
def pledge_confirm(request, token: str):
    """The link emailed to a visitor who signed: their pledge now waits for approval. A link
    that is not valid or has expired is a page saying so."""
    try:
        services.pledge_confirm(token=token)
    except ValidationFailed as error:
        return render(request, "champions/pledge_confirm.html", {"problem": error.message})
    return render(request, "champions/pledge_confirm.html", {"problem": ""})


# --- the programme team's queue ------------------------------------------------------------------


def pledges(request):
    waiting, decided = selectors.pledge_queue()
    return render(request, "champions/pledges.html", {"waiting": waiting, "decided": decided})


def _suggested_organisation(champion, organisations):
    if champion.organisation_id:
        return champion.organisation_id
    typed = (champion.organisation_name or "").strip().lower()
    return next((o.pk for o in organisations if o.name.lower() == typed), None)


@require_http_methods(["GET", "POST"])
def pledge_review(request, champion_id: int):
    champion = or_404(selectors.pledge_get, champion_id)
    organisations = selectors.organisations()
    decide_form = remove_form = None
    if champion.status == ChampionStatus.PENDING:
        decide_form = forms.ReviewForm(
            request.POST or None,
            organisations=organisations,
            initial={"organisation": _suggested_organisation(champion, list(organisations))},
        )
        if request.method == "POST" and decide_form.is_valid():
            data = decide_form.cleaned_data
            if data["decision"] == "approve":
                done = attempt(
                    decide_form,
                    services.pledge_approve,
                    actor=request.user,
                    champion_id=champion.pk,
                    organisation=data.get("organisation"),
                )
                note = "Pledge approved: they are in the champions directory and have been told."
            else:
                done = attempt(
                    decide_form,
                    services.pledge_decline,
                    actor=request.user,
                    champion_id=champion.pk,
                    reason=data["reason"],
                )
                note = "Pledge not approved. They have been told."
            if done is not None:
                messages.success(request, note)
                return redirect("champions:pledges")
    elif champion.status == ChampionStatus.APPROVED:
        remove_form = forms.ReasonForm(request.POST or None)
        if request.method == "POST" and remove_form.is_valid():
            done = attempt(
                remove_form,
                services.champion_remove,
                actor=request.user,
                champion_id=champion.pk,
                reason=remove_form.cleaned_data["reason"],
            )
            if done is not None:
                messages.success(request, "Removed from the champions directory.")
                return redirect("champions:pledges")
    elif request.method == "POST":
        messages.info(request, "This pledge has already been decided.")
        return redirect("champions:pledge-review", champion_id=champion.pk)
    return render(
        request,
        "champions/pledge_review.html",
        {
            "champion": champion,
            "reference": services.pledge_reference(champion),
            "decide_form": decide_form,
            "remove_form": remove_form,
            "sign_in": selectors.sign_in_for(champion) if decide_form else None,
            "form": decide_form or remove_form,
        },
    )


# --- a champion's own entry ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def profile(request):
    mine = selectors.current_pledge_for(request.user) if _is_worker(request.user) else None
    if mine is None or mine.user_id != request.user.pk:
        return render(request, "champions/profile.html", {"mine": mine, "form": None})
    form = forms.EntryForm(request.POST or None, initial=forms.EntryForm.initial_from(mine))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            services.champion_profile_update,
            actor=request.user,
            job_title=data["job_title"],
            district=data.get("district"),
            areas=data.get("areas") or [],
            skills=data.get("skills") or [],
            help_with=data["help_with"],
            how_to_reach=data["how_to_reach"],
            phone=data.get("phone", ""),
        )
        if done is not None:
            messages.success(request, "Your entry in the champions directory is saved.")
            return redirect("champions:profile")
    return render(request, "champions/profile.html", {"mine": mine, "form": form})


@require_http_methods(["GET", "POST"])
def withdraw(request):
    mine = selectors.current_pledge_for(request.user) if _is_worker(request.user) else None
    if mine is None or mine.user_id != request.user.pk:
        return redirect("champions:profile")
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form, services.champion_withdraw, actor=request.user, reason=form.cleaned_data["reason"]
        )
        if done is not None:
            messages.success(
                request,
                "You have withdrawn from the pledge and are no longer in the champions "
                "directory. Thank you for all you have done.",
            )
            return redirect("champions:pledge")
    return render(request, "champions/withdraw.html", {"mine": mine, "form": form})


# --- the directory -------------------------------------------------------------------------------


def directory(request):
    filter_form = forms.DirectoryFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    page = selectors.directory_page(page=request.GET.get("page", 1), **filters)
    return render(
        request,
        "champions/directory.html",
        {
            "filter_form": filter_form,
            "filtered": any(filters.values()),
            "page": page,
            "rows": list(page.object_list),
            "can_approve": can(request.user, "champions.approve"),
            "mine": selectors.approved_champion_for(request.user),
        },
    )


def champion(request, champion_id: int):
    entry = or_404(selectors.champion_in_directory, champion_id)
    own = entry.user_id == request.user.pk
    return render(
        request,
        "champions/champion.html",
        {
            "champion": entry,
            "own": own,
            "can_connect": can(request.user, "champions.connect") and not own,
            "can_approve": can(request.user, "champions.approve"),
        },
    )


@require_http_methods(["GET", "POST"])
def connect(request, champion_id: int):
    entry = or_404(selectors.champion_in_directory, champion_id)
    if entry.user_id == request.user.pk:
        messages.info(request, "This is your own entry: you cannot ask yourself for support.")
        return redirect("champions:champion", champion_id=entry.pk)
    people = selectors.covered_people_listed(request.user, entry)
    form = forms.ConnectForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        connection = attempt(
            form,
            services.connection_request,
            actor=request.user,
            champion_id=entry.pk,
            kind=data["kind"],
            note=data["note"],
            person_id=int(data["person"]) if data.get("person") else None,
        )
        if connection is not None:
            messages.success(
                request, f"Sent to {entry.full_name} ({connection.reference}). They have been told."
            )
            return redirect("champions:connection", connection_id=connection.pk)
    return render(
        request, "champions/connect.html", {"champion": entry, "form": form, "people": people}
    )


# --- support connections -------------------------------------------------------------------------


def connections(request):
    return render(
        request,
        "champions/connections.html",
        {
            "asked": selectors.connections_asked(request.user),
            "asked_of": selectors.connections_asked_of(request.user),
        },
    )


def _connection_page(request, view, *, respond_form=None, close_form=None):
    connection = view.connection
    is_open = connection.status != ConnectionStatus.CLOSED
    may_respond = view.is_champion and connection.status == ConnectionStatus.REQUESTED
    if may_respond and respond_form is None:
        respond_form = forms.RespondForm(champions=selectors.other_champions(connection.champion))
    if is_open and close_form is None:
        close_form = forms.CloseForm()
    return render(
        request,
        "champions/connection.html",
        {
            "view": view,
            "connection": connection,
            "respond_form": respond_form if may_respond else None,
            "close_form": close_form if is_open else None,
            "form": respond_form if (respond_form and respond_form.errors) else close_form,
        },
    )


def connection(request, connection_id: int):
    view = or_404(selectors.connection_get, request.user, connection_id)
    return _connection_page(request, view)


@require_http_methods(["GET", "POST"])
def connection_respond(request, connection_id: int):
    view = or_404(selectors.connection_get, request.user, connection_id)
    if request.method != "POST" or not view.is_champion:
        return redirect("champions:connection", connection_id=view.connection.pk)
    form = forms.RespondForm(
        request.POST, champions=selectors.other_champions(view.connection.champion)
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "accept":
            done = attempt(
                form,
                services.connection_accept,
                actor=request.user,
                connection_id=view.connection.pk,
                message=data.get("message", ""),
            )
            note = "You have accepted. The trusted person has been told."
        else:
            done = attempt(
                form,
                services.connection_suggest,
                actor=request.user,
                connection_id=view.connection.pk,
                suggested_id=int(data["suggested"]),
                message=data.get("message", ""),
            )
            note = "Your suggestion has been sent to the trusted person."
        if done is not None:
            messages.success(request, note)
            return redirect("champions:connection", connection_id=view.connection.pk)
    return _connection_page(request, view, respond_form=form)


@require_http_methods(["GET", "POST"])
def connection_close(request, connection_id: int):
    view = or_404(selectors.connection_get, request.user, connection_id)
    if request.method != "POST":
        return redirect("champions:connection", connection_id=view.connection.pk)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        done = attempt(
            form,
            services.connection_close,
            actor=request.user,
            connection_id=view.connection.pk,
            note=form.cleaned_data["note"],
        )
        if done is not None:
            messages.success(
                request, f"{view.connection.reference} closed. The other side has been told."
            )
            return redirect("champions:connection", connection_id=view.connection.pk)
    return _connection_page(request, view, close_form=form)


# --- barriers raised in the network --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def barrier_new(request):
    from petal.access.barriers import partnerships_of

    form = forms.BarrierForm(
        request.POST or None,
        trusted_persons=list(selectors.requesters_of(request.user)),
        default_partnership=next(iter(partnerships_of(request.user)), None),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        barrier = attempt(
            form,
            services.network_barrier_raise,
            actor=request.user,
            summary=data["summary"],
            detail=data.get("detail", ""),
            services=data.get("services", ""),
            areas=data.get("areas") or [],
            how_often=data.get("how_often", ""),
            on_behalf_of_id=int(data["on_behalf_of"]) if data.get("on_behalf_of") else None,
            partnership_id=data.get("partnership") or None,
        )
        if barrier is not None:
            messages.success(
                request,
                f"Barrier {services.barrier_reference(barrier)} raised. It is waiting to go to "
                "the partnership.",
            )
            return redirect("champions:barriers")
    return render(request, "champions/barrier_form.html", {"form": form})


def barriers(request):
    return render(
        request, "champions/barriers.html", {"barriers": selectors.barriers_raised_by(request.user)}
    )
