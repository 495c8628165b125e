"""Pages for consent, receipts, break-glass, the data protection lead and the person's own
sign-in. Thin: parse, call a selector or service, render. Anything the reader may not see
answers 404, exactly as if it did not exist."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from petal.access.categories import Category
from petal.accounts.models import sign_in_name
from petal.accounts.reauth import confirm_first
from petal.audit.labels import action_label
from petal.consent import forms, selectors, services
from petal.consent.models import Purpose, Review
from petal.core.errors import NotFound, ValidationFailed
from petal.core.forms import apply_errors
from petal.people.selectors import person_get_for

CODE_KEY = "petal_own_code"


def _view(request, person_id, *, categories=(Category.IDENTITY,), purpose, change=False):
    try:
        return person_get_for(
            request.user,
            person_id,
            categories=categories,
            purpose=purpose,
            require_change=change,
        )
    except NotFound as exc:
        raise Http404 from exc


def _consent(request, person_id, consent_id, view):
    try:
        return selectors.consent_for_change(request.user, person_id, consent_id, view)
    except NotFound as exc:
        raise Http404 from exc


# --- a person's consents (their trusted person) -------------------------------------------


def person_consents(request, person_id: int):
    view = _view(request, person_id, purpose="consents")
    return render(
        request,
        "consent/person_consents.html",
        {
            "view": view,
            "person": view.person,
            "consents": selectors.consents_of_person(view),
            "reuse": selectors.story_reuse_count(view.person),
            "own": selectors.own_access_of_person(view.person) if view.can_change else None,
            "break_glass": selectors.break_glass_for_person(request.user, view),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def consent_new(request, person_id: int):
    view = _view(request, person_id, purpose="record consent", change=True)
    next_url = _next_url(request)
    form = forms.ConsentForm(request.POST or None, initial=_prefill(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["grantee_kind"]
        try:
            grantee_user = (
                services.grantee_by_email(data["email"], field="email")
                if kind == "person"
                else None
            )
            consent = services.consent_record(
                actor=request.user,
                person=view.person,
                categories=data["categories"],
                purposes=data["purposes"],
                purpose_text=data["purpose_text"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                given_how=data["given_how"],
                conditions=data["conditions"],
                agreement=data["agreement"],
                grantee_user=grantee_user,
                grantee_organisation=data["organisation"] if kind == "organisation" else None,
                grantee_partnership=data["partnership"] if kind == "partnership" else None,
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Consent recorded: shared with {consent.grantee_label}. Give them their receipt.",
            )
            receipt = reverse(
                "consent:receipt", kwargs={"person_id": view.person.pk, "consent_id": consent.pk}
            )
            if next_url:
                receipt += "?" + urlencode({"next": next_url})
            return redirect(receipt)
    return render(
        request,
        "consent/consent_new.html",
        {"person": view.person, "form": form, "next_url": next_url},
    )


def _next_url(request) -> str:
    """Where to carry on after recording consent on the way (a referral or a meeting): a path
    inside Petal, never another site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith(("/referrals/", "/meetings/")) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}
    ):
        return candidate
    return ""


def _prefill(request) -> dict:
    """A consent form started from a referral or a meeting: the grantee (an organisation, a
    partnership or a person by email) and the categories needed, ready for the trusted person
    to check with the person."""
    if request.method != "GET":
        return {}
    initial = {}
    organisation = request.GET.get("organisation", "")
    if organisation.isascii() and organisation.isdecimal() and len(organisation) < 12:
        initial["grantee_kind"] = "organisation"
        initial["organisation"] = int(organisation)
    partnership = request.GET.get("partnership", "")
    if partnership.isascii() and partnership.isdecimal() and len(partnership) < 12:
        initial["grantee_kind"] = "partnership"
        initial["partnership"] = int(partnership)
    email = request.GET.get("email", "")
    if email and "@" in email and len(email) <= 254:
        initial["grantee_kind"] = "person"
        initial["email"] = email
    categories = [c for c in request.GET.getlist("categories") if c in Category.values]
    if categories:
        initial["categories"] = sorted({Category.IDENTITY.value, *categories})
    purposes = [p for p in request.GET.getlist("purposes") if p in Purpose.values]
    if purposes:
        initial["purposes"] = purposes
    return initial


def _receipt_context(request, view, consent, easy: bool):
    code = request.session.get(CODE_KEY, {}).get(str(view.person.pk))
    own = selectors.own_access_of_person(view.person)
    return {
        "person": view.person,
        "consent": consent,
        "easy": easy,
        "code": code,
        "own": own,
        "sign_in_name": sign_in_name(own.user.email) if own else "",
        "base_url": settings.PETAL_BASE_URL,
        "contact_email": settings.PETAL_CONTACT_EMAIL,
        "today": timezone.localdate(),
    }


def consent_receipt(request, person_id: int, consent_id: int):
    view = _view(request, person_id, purpose="consent receipt", change=True)
    consent = _consent(request, person_id, consent_id, view)
    easy = request.GET.get("version") == "easy"
    context = _receipt_context(request, view, consent, easy)
    context["next_url"] = _next_url(request)
    return render(request, "consent/receipt_page.html", context)


def consent_receipt_pdf(request, person_id: int, consent_id: int):
    from weasyprint import HTML

    view = _view(request, person_id, purpose="consent receipt (PDF)", change=True)
    consent = _consent(request, person_id, consent_id, view)
    easy = request.GET.get("version") == "easy"
    html = render_to_string(
        "consent/receipt_pdf.html", _receipt_context(request, view, consent, easy)
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"consent-receipt-{consent.pk}{'-easy-read' if easy else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, person_id: int, consent_id: int):
    view = _view(request, person_id, purpose="withdraw consent", change=True)
    consent = _consent(request, person_id, consent_id, view)
    if consent.withdrawn_at is not None:
        raise Http404
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=request.user,
                consent_id=consent.pk,
                how=form.cleaned_data["how"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                f"Consent withdrawn. {consent.grantee_label} can no longer see what it shared.",
            )
            return redirect("consent:person", person_id=view.person.pk)
    return render(
        request,
        "consent/consent_withdraw.html",
        {"person": view.person, "consent": consent, "form": form},
    )


@require_http_methods(["GET", "POST"])
def consent_renew(request, person_id: int, consent_id: int):
    view = _view(request, person_id, purpose="renew consent", change=True)
    consent = _consent(request, person_id, consent_id, view)
    if consent.withdrawn_at is not None:
        raise Http404
    form = forms.RenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            renewed = services.consent_renew(
                actor=request.user,
                consent=consent,
                ends_on=form.cleaned_data["ends_on"],
                given_how=form.cleaned_data["given_how"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Consent renewed. Give them their new receipt.")
            return redirect("consent:receipt", person_id=view.person.pk, consent_id=renewed.pk)
    return render(
        request,
        "consent/consent_renew.html",
        {"person": view.person, "consent": consent, "form": form},
    )


@require_http_methods(["GET", "POST"])
def own_access_new(request, person_id: int):
    view = _view(request, person_id, purpose="own sign-in", change=True)
    form = forms.OwnAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, code = services.own_access_invite(
                actor=request.user, person=view.person, email=form.cleaned_data["email"]
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            if code is None:
                messages.success(request, "We have emailed them a link to set their password.")
                return redirect("consent:person", person_id=view.person.pk)
            codes = request.session.get(CODE_KEY, {})
            codes[str(view.person.pk)] = code
            request.session[CODE_KEY] = codes
            messages.success(
                request,
                "Their one-time code is printed on their receipts until you sign out. "
                "Print a receipt for them now.",
            )
            return redirect("consent:person", person_id=view.person.pk)
    return render(request, "consent/own_access_new.html", {"person": view.person, "form": form})


@require_http_methods(["POST"])
def own_access_end(request, person_id: int):
    view = _view(request, person_id, purpose="end own sign-in", change=True)
    services.own_access_end(actor=request.user, person=view.person)
    messages.success(request, "Their own sign-in has been turned off.")
    return redirect("consent:person", person_id=view.person.pk)


# --- break-glass (safeguarding leads) -----------------------------------------------------


@require_http_methods(["GET", "POST"])
@confirm_first("open a record without consent (break-glass)", methods=("POST",))
def safeguarding(request):
    """Open a record without consent: find it exactly, give the lawful basis and reason."""
    limit = services.break_glass_hours()
    form = forms.FindForBreakGlassForm(request.POST or None, max_hours=limit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = selectors.person_for_break_glass(
            request.user,
            reference=data["reference"],
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
        )
        if len(found) != 1:
            form.add_error(
                "reference",
                "No single record matches. Check the details, or ask for the record number"
                if found == []
                else "More than one record matches: ask for the record number",
            )
        else:
            try:
                glass = services.break_glass_open(
                    actor=request.user,
                    person=found[0],
                    lawful_basis=data["lawful_basis"],
                    reason=data["reason"],
                    details=data["details"],
                    hours=data["hours"],
                )
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    f"You can see this record until {timezone.localtime(glass.expires_at):%-d %B %Y %H:%M}. "
                    "The data protection lead and their trusted persons have been told.",
                )
                return redirect("people:person", person_id=glass.person_id)
    return render(
        request,
        "consent/safeguarding.html",
        {"form": form, "mine": selectors.break_glass_of(request.user), "limit": limit},
    )


@require_http_methods(["POST"])
def break_glass_close(request, glass_id: int):
    try:
        glass = services.break_glass_close(actor=request.user, glass_id=glass_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, f"Access to record {services.reference(glass.person)} ended.")
    return redirect("consent:safeguarding")


# --- the data protection lead -------------------------------------------------------------


def oversight(request):
    return render(
        request,
        "consent/oversight.html",
        {"summary": selectors.oversight_summary(request.user)},
    )


def expiring(request):
    return render(
        request,
        "consent/expiring.html",
        {"consents": selectors.expiring_consents(request.user), "today": timezone.localdate()},
    )


def break_glass_queue(request):
    status = request.GET.get("status", Review.PENDING)
    if status not in (*Review.values, "all"):
        status = Review.PENDING
    return render(
        request,
        "consent/break_glass_queue.html",
        {
            "items": selectors.break_glass_queue(
                request.user, status="" if status == "all" else status
            ),
            "status": status,
            "statuses": [
                (Review.PENDING, "Waiting"),
                (Review.UPHELD, "Upheld"),
                (Review.MISUSED, "Misused"),
                ("all", "All"),
            ],
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def break_glass_review(request, glass_id: int):
    try:
        glass = selectors.break_glass_get(request.user, glass_id)
    except NotFound as exc:
        raise Http404 from exc
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(
                actor=request.user,
                glass_id=glass.pk,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("consent:break-glass-queue")
    events = list(selectors.access_events(glass.person_id).filter(data__break_glass=glass.pk)[:100])
    return render(
        request,
        "consent/break_glass_review.html",
        {
            "glass": glass,
            "form": form,
            "reference": services.reference(glass.person_id),
            "events": _event_rows(events),
            "now": timezone.now(),
        },
    )


def _event_rows(events):
    category_labels = dict(Category.choices)
    names = selectors.actor_names(events)
    return [
        {
            "event": e,
            "who": names.get(e.actor_id, e.actor_label or "Petal"),
            "label": action_label(e.action),
            "categories": [category_labels.get(c, c) for c in e.categories],
            "purpose": (e.data or {}).get("purpose", ""),
            "basis": (e.data or {}).get("basis", ""),
        }
        for e in events
    ]


def access_report(request):
    form = forms.AccessReportForm(request.GET if "reference" in request.GET else None)
    events = None
    reference = ""
    if form.is_bound and form.is_valid():
        number = selectors.parse_reference(form.cleaned_data["reference"])
        if number is None:
            form.add_error("reference", "Enter a record number like P-000123")
        else:
            reference = f"P-{number:06d}"
            events = _event_rows(selectors.access_report(request.user, number))
    return render(
        request,
        "consent/access_report.html",
        {"form": form, "events": events, "reference": reference},
    )


def agreements(request):
    return render(request, "consent/agreements.html", {"agreements": selectors.agreements()})


@require_http_methods(["GET", "POST"])
def agreement_new(request):
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_create(
                actor=request.user,
                title=data["title"],
                purpose=data["purpose"],
                parties=data["parties"],
                starts_on=data["starts_on"],
                review_on=data["review_on"],
                reference=data["reference"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Agreement added.")
            return redirect("consent:agreements")
    return render(request, "consent/agreement_new.html", {"form": form})


# --- the person's own view ----------------------------------------------------------------


def _own_or_404(request):
    try:
        return selectors.own_access_for(request.user)
    except NotFound as exc:
        raise Http404 from exc


def own(request):
    try:
        record = selectors.own_record(request.user)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "consent/own.html",
        {
            "own": record.own,
            "consents": record.consents,
            "events": _event_rows(record.events),
            "break_glass": record.break_glass,
            "today": timezone.localdate(),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def own_withdraw(request, consent_id: int):
    _own_or_404(request)
    try:
        consent = selectors.own_consent(request.user, consent_id)
    except NotFound as exc:
        raise Http404 from exc
    if consent.withdrawn_at is not None:
        return redirect("consent:own")
    form = forms.OwnWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(actor=request.user, consent_id=consent.pk, how="in_petal")
        messages.success(
            request, f"Done. {consent.grantee_label} can no longer see this information."
        )
        return redirect("consent:own")
    return render(request, "consent/own_withdraw.html", {"consent": consent, "form": form})


@require_http_methods(["GET", "POST"])
def own_start(request):
    """Someone without email sets their password with the code from their receipt."""
    form = forms.RedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.own_access_redeem(
                code=form.cleaned_data["code"], password=form.cleaned_data["password"]
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return render(
                request, "consent/own_started.html", {"sign_in_name": sign_in_name(user.email)}
            )
    return render(request, "consent/own_start.html", {"form": form})
