"""The caseload import: upload a spreadsheet, see what would happen, import it whole, undo it.
Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from petal.core.errors import ValidationFailed
from petal.core.views import attempt, or_404
from petal.outcomes import imports as sheet_io
from petal.outcomes.forms import imports as forms
from petal.outcomes.models import ImportStatus
from petal.outcomes.selectors import imports as selectors
from petal.outcomes.services import imports as services
from petal.reference.selectors import areas_of_disadvantage


def _columns():
    return sheet_io.all_columns([(a.code, a.name) for a in areas_of_disadvantage()])


@require_http_methods(["GET", "POST"])
def import_list(request):
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = attempt(
            form,
            services.import_check,
            actor=request.user,
            filename=upload.name,
            content=upload.read(),
        )
        if batch is not None:
            return redirect("imports:batch", batch_id=batch.pk)
    return render(
        request,
        "outcomes/imports/list.html",
        {
            "form": form,
            "batches": selectors.batches_for(request.user)[:50],
            "columns": _columns(),
            "max_rows": sheet_io.MAX_ROWS,
        },
    )


@require_GET
def template(request):
    areas = [(a.code, a.name) for a in areas_of_disadvantage()]
    response = HttpResponse(sheet_io.template_csv(areas), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="petal-caseload-template.csv"'
    return response


def _preview(request, batch_id, *, refusal: ValidationFailed | None = None, status=200):
    batch = or_404(selectors.batch_get_for, request.user, batch_id)
    only_problems = request.GET.get("show") == "problems"
    page = selectors.batch_rows_page(
        batch, page=request.GET.get("page", 1), only_problems=only_problems
    )
    return render(
        request,
        "outcomes/imports/batch.html",
        {
            "batch": batch,
            "summary": batch.summary,
            "page": page,
            "only_problems": only_problems,
            "first_problems": batch.problems[:20],
            "more_problems": max(0, len(batch.problems) - 20),
            "refusal": refusal,
            "refusal_lines": [m for ms in refusal.field_errors.values() for m in ms]
            if refusal
            else [],
            "errors": bool(refusal),
            "Status": ImportStatus,
        },
        status=status,
    )


@require_GET
def batch(request, batch_id: int):
    return _preview(request, batch_id)


@require_POST
def run(request, batch_id: int):
    try:
        batch = or_404(services.import_run, actor=request.user, batch_id=batch_id)
    except ValidationFailed as refusal:
        return _preview(request, batch_id, refusal=refusal)
    if batch.status == ImportStatus.IMPORTED:
        created = batch.summary.get("created", {})
        people = created.get("people", 0)
        messages.success(
            request,
            f"Imported: {people} {'person' if people == 1 else 'people'} added and "
            f"{created.get('episodes', 0)} areas recorded.",
        )
        return redirect("imports:batch", batch_id=batch.pk)
    refusal = ValidationFailed(
        "Nothing was imported: records have changed since the file was checked, and some rows "
        "now have problems. They are shown below."
    )
    return _preview(request, batch_id, refusal=refusal)


@require_POST
def undo(request, batch_id: int):
    try:
        batch = or_404(services.import_undo, actor=request.user, batch_id=batch_id)
    except ValidationFailed as refusal:
        return _preview(request, batch_id, refusal=refusal)
    messages.success(request, "The import has been undone: everything it added is removed.")
    return redirect("imports:batch", batch_id=batch.pk)
