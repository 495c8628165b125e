"""The board pack for a governance meeting, as a PDF (WeasyPrint). It holds no personal
details (``petal.barriers.selectors.pack``), so everyone with ``barriers.view`` may download
it; any other kind of meeting is 404."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from petal.barriers.selectors.pack import BoardPack, board_pack
from petal.core.views import or_404


def pack_html(pack: BoardPack) -> str:
    """The HTML the PDF is printed from."""
    return render_to_string(
        "barriers/pack/pack.html",
        {"pack": pack, "meeting": pack.meeting, "base_url": settings.PETAL_BASE_URL},
    )


def pack(request, meeting_id: int):
    from weasyprint import HTML

    found = or_404(board_pack, request.user, meeting_id)
    pdf = HTML(string=pack_html(found), base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
