"""The learning library: the public list, each document's page and its PDF (made from the same
HTML), and the programme team's pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from petal.core.views import attempt, or_404
from petal.programme.forms import library as forms
from petal.programme.selectors import library as selectors
from petal.programme.services import library as services
from petal.site.rendering import render_markdown

# --- public --------------------------------------------------------------------------------------


def library_list(request):
    tags = selectors.public_tags()
    form = forms.FilterForm(request.GET or None, tags=tags)
    filters = selectors.Filters(
        q=form.value("q"), kind=form.value("kind"), tag=form.value("tag"), area=form.value("area")
    )
    page = selectors.library_page(filters, page=request.GET.get("page", 1))
    return render(
        request,
        "programme/library/list.html",
        {"search": form, "page": page, "filters": filters},
    )


def library_item(request, item_id: int):
    item = or_404(selectors.public_item_get, item_id)
    return render(
        request, "programme/library/item.html", {"item": item, "body": render_markdown(item.body)}
    )


# A rendered PDF is kept a day, keyed by the document and when it last changed (an edit, or
# publishing it, makes a new one), so WeasyPrint runs once per version, not once per request.
PDF_CACHE_SECONDS = 24 * 60 * 60


def pdf_cache_key(item) -> str:
    return f"petal-library-pdf:{item.pk}:{item.updated_at.isoformat()}"


def _render_pdf(item) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "programme/library/item_pdf.html",
        {
            "item": item,
            "body": render_markdown(item.body),
            # The site's own address, not the request's: the same bytes for every reader.
            "page_url": settings.PETAL_BASE_URL + item_url(item),
        },
    )
    return HTML(string=html, base_url=settings.PETAL_BASE_URL + "/").write_pdf()


def library_pdf(request, item_id: int):
    # Whether the public may read it is asked of the database every time, before any cached
    # bytes are used: a withdrawn agreement takes the PDF away at once.
    item = or_404(selectors.public_item_get, item_id)
    key = pdf_cache_key(item)
    pdf = cache.get(key)
    if pdf is None:
        pdf = _render_pdf(item)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{item.reference}.pdf"'
    # A case study whose agreement is withdrawn must not linger in a shared cache.
    response["Cache-Control"] = "no-store"
    return response


def item_url(item) -> str:
    return reverse("library:item", args=[item.pk])


# --- the programme team --------------------------------------------------------------------------


def manage(request):
    page = or_404(selectors.items_for_team, request.user, page=request.GET.get("page", 1))
    return render(request, "programme/library/manage.html", {"page": page})


def _item_kwargs(data) -> dict:
    return {
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "tags": data["tags"],
        "areas": data["areas"],
        "issued_on": data["issued_on"],
    }


def new(request):
    form = forms.ItemForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        item = attempt(
            form,
            services.library_item_create,
            actor=request.user,
            **_item_kwargs(form.cleaned_data),
        )
        if item is not None:
            messages.success(request, "Saved as a draft. Publish it when it is ready.")
            return redirect("library:manage-item", item_id=item.pk)
    return render(request, "programme/library/form.html", {"form": form, "item": None})


def edit(request, item_id: int):
    view = or_404(selectors.item_for_team, request.user, item_id)
    item = view.item
    initial = {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "tags": ", ".join(t.name for t in item.tags.all()),
        "areas": [a.code for a in item.areas.all()],
        "issued_on": item.issued_on,
    }
    form = forms.ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            services.library_item_change,
            actor=request.user,
            item_id=item.pk,
            **_item_kwargs(form.cleaned_data),
        )
        if changed is not None:
            messages.success(request, "Saved.")
            return redirect("library:manage-item", item_id=item.pk)
    return render(request, "programme/library/form.html", {"form": form, "item": item})


def manage_item(request, item_id: int, *, publish_form=None, consent_errors=None):
    view = or_404(selectors.item_for_team, request.user, item_id)
    return render(
        request,
        "programme/library/manage_item.html",
        {
            "view": view,
            "item": view.item,
            "body": render_markdown(view.item.body),
            "publish_form": publish_form or forms.PublishForm(),
            "withdraw_form": (consent_errors or {}).get("form"),
            "withdraw_id": (consent_errors or {}).get("consent_id"),
            "form": publish_form or (consent_errors or {}).get("form"),
        },
    )


@require_POST
def publish(request, item_id: int):
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        publishing = form.cleaned_data["publish"] == "yes"
        item = attempt(
            form,
            services.library_item_publish,
            actor=request.user,
            item_id=item_id,
            publish=publishing,
        )
        if item is not None:
            messages.success(
                request,
                "Published in the learning library." if publishing else "Taken out of the library.",
            )
            return redirect("library:manage-item", item_id=item.pk)
    return manage_item(request, item_id, publish_form=form)


def consent_new(request, item_id: int):
    view = or_404(selectors.item_for_team, request.user, item_id)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = attempt(
            form,
            services.consent_record,
            actor=request.user,
            item_id=view.item.pk,
            who=data["who"],
            agreed_on=data["agreed_on"],
            how=data["how"],
        )
        if consent is not None:
            messages.success(request, "The agreement is recorded.")
            return redirect("library:manage-item", item_id=view.item.pk)
    return render(request, "programme/library/consent_new.html", {"form": form, "item": view.item})


@require_POST
def consent_withdraw(request, item_id: int, consent_id: int):
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        consent = attempt(
            form,
            services.consent_withdraw,
            actor=request.user,
            item_id=item_id,
            consent_id=consent_id,
            note=form.cleaned_data["note"],
        )
        if consent is not None:
            messages.success(
                request,
                "The agreement is withdrawn. The case study is no longer on the public site.",
            )
            return redirect("library:manage-item", item_id=item_id)
    return manage_item(request, item_id, consent_errors={"form": form, "consent_id": consent_id})
