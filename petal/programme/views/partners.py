"""Partners and contributions: the public partners page, the programme team's list and partner
pages, adding and changing partners and contributions, withdrawing one, and the downloads.
Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from petal.core.views import attempt, or_404
from petal.programme import exports
from petal.programme.forms import partners as forms
from petal.programme.selectors import partners as selectors
from petal.programme.services import partners as services

WITHDRAWN = "This contribution was withdrawn, so it cannot be changed. It is kept as it was."


def public(request):
    view = selectors.public_partners()
    return render(
        request,
        "programme/partners/public.html",
        {
            "view": view,
            "committed": selectors.money(view.committed),
            "potential": selectors.money(view.potential),
            "committed_full": selectors.pounds(view.committed),
            "potential_full": selectors.pounds(view.potential),
        },
    )


def partner_list(request):
    years = selectors.contribution_years()
    filters = forms.TotalsFilterForm(request.GET or None, years=years)
    view = or_404(
        selectors.partners_overview, request.user, financial_year=filters.chosen_year(), years=years
    )
    return render(
        request,
        "programme/partners/list.html",
        {
            "view": view,
            "filters": filters,
            "year_label": _year_label(view.financial_year),
            # A partner's page is /programme/partners/<id>: reversed once, not once a row.
            "partner_url": reverse("partners:list"),
        },
    )


def _year_label(year):
    return selectors.financial_year_label(year) if year else "every year"


def partner_detail(request, partner_id: int):
    view = or_404(selectors.partner_get_for, request.user, partner_id)
    return render(request, "programme/partners/partner.html", {"view": view})


def partner_new(request):
    form = forms.PartnerNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = attempt(
            form,
            services.partner_add,
            actor=request.user,
            organisation_id=data["organisation"] or None,
            new_name=data["new_name"],
            new_kind=data["new_kind"],
            tier=data["tier"],
            listed=data["listed"],
            joined_on=data["joined_on"],
            summary=data["summary"],
        )
        if partner is not None:
            messages.success(request, f"{partner} added as a partner.")
            return redirect("partners:partner", partner_id=partner.pk)
    return render(request, "programme/partners/partner_form.html", {"form": form, "partner": None})


def partner_edit(request, partner_id: int):
    partner = or_404(selectors.partner_for_edit, request.user, partner_id)
    form = forms.PartnerForm(
        request.POST or None,
        initial={
            "tier": partner.tier,
            "listed": partner.listed,
            "joined_on": partner.joined_on,
            "summary": partner.summary,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = attempt(
            form,
            services.partner_change,
            actor=request.user,
            partner_id=partner.pk,
            tier=data["tier"],
            listed=data["listed"],
            joined_on=data["joined_on"],
            summary=data["summary"],
        )
        if changed is not None:
            messages.success(request, "Partner saved.")
            return redirect("partners:partner", partner_id=partner.pk)
    return render(
        request, "programme/partners/partner_form.html", {"form": form, "partner": partner}
    )


def contribution_new(request, partner_id: int):
    partner = or_404(selectors.partner_for_edit, request.user, partner_id)
    form = forms.ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contribution = attempt(
            form,
            services.contribution_record,
            actor=request.user,
            partner_id=partner.pk,
            data=form.data_for_service(),
        )
        if contribution is not None:
            messages.success(request, f"Contribution {contribution.reference} recorded.")
            return redirect("partners:partner", partner_id=partner.pk)
    return render(
        request,
        "programme/partners/contribution_form.html",
        {"form": form, "partner": partner, "contribution": None},
    )


def contribution_edit(request, contribution_id: int):
    contribution = or_404(selectors.contribution_for_edit, request.user, contribution_id)
    if request.method == "POST" and contribution.withdrawn_at is not None:
        messages.error(request, WITHDRAWN)
        return redirect("partners:partner", partner_id=contribution.partner_id)
    form = forms.ContributionForm(
        request.POST or None,
        initial=forms.initial_for(contribution),
        year=contribution.financial_year,
    )
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            services.contribution_change,
            actor=request.user,
            contribution_id=contribution.pk,
            data=form.data_for_service(),
        )
        if changed is not None:
            messages.success(request, f"Contribution {contribution.reference} saved.")
            return redirect("partners:partner", partner_id=contribution.partner_id)
    return render(
        request,
        "programme/partners/contribution_form.html",
        {
            "form": form,
            "partner": contribution.partner,
            "contribution": contribution,
            "withdraw_form": forms.WithdrawForm(),
        },
    )


@require_POST
def contribution_withdraw(request, contribution_id: int):
    contribution = or_404(selectors.contribution_for_edit, request.user, contribution_id)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        done = attempt(
            form,
            services.contribution_withdraw,
            actor=request.user,
            contribution_id=contribution.pk,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(
                request,
                f"Contribution {contribution.reference} withdrawn. It is kept here but no "
                "longer counts in any total.",
            )
            return redirect("partners:partner", partner_id=contribution.partner_id)
    return render(
        request,
        "programme/partners/contribution_form.html",
        {
            "form": forms.ContributionForm(
                initial=forms.initial_for(contribution), year=contribution.financial_year
            ),
            "partner": contribution.partner,
            "contribution": contribution,
            "withdraw_form": form,
            "errors": True,
        },
        status=400,
    )


def _filename(ext: str) -> str:
    return f"contributions-{timezone.localdate():%Y-%m-%d}.{ext}"


def export_csv(request):
    rows = or_404(selectors.contributions_export, request.user, file_format="csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    exports.write_csv(response, rows)
    return response


def export_xlsx(request):
    rows = or_404(selectors.contributions_export, request.user, file_format="xlsx")
    response = HttpResponse(content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    response.write(exports.xlsx_bytes(rows))
    return response
