"""Copy the front-end packages from node_modules into static files, ready to serve.

GOV.UK Frontend's CSS points at ``/assets/…``; we rewrite those to relative URLs so whitenoise's
manifest storage can hash them. Petal is not on GOV.UK, so the GOV.UK-only Transport typeface is
dropped in favour of Arial (the Design System's advice for services off GOV.UK).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings

NODE = Path(settings.BASE_DIR) / "node_modules"
TARGET = Path(settings.BASE_DIR) / "petal" / "core" / "static_build"

FONT_FACE = re.compile(r"@font-face\{[^}]*GDS Transport[^}]*\}")


def _css(text: str) -> str:
    text = FONT_FACE.sub("", text)
    text = text.replace("GDS Transport,arial,sans-serif", "arial,sans-serif")
    text = text.replace("font-family:GDS Transport", "font-family:arial")
    text = text.replace("url(/assets/", "url(assets/")
    return re.sub(r"/\*# sourceMappingURL=.*?\*/", "", text)


def build_assets() -> list[Path]:
    """Write the vendor files; returns what was written. Safe to run again."""
    govuk = NODE / "govuk-frontend" / "dist" / "govuk"
    if not govuk.exists():
        raise FileNotFoundError(
            "node_modules/govuk-frontend is missing: run `npm ci` in the project folder"
        )
    out = TARGET / "vendor" / "govuk"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    css = out / "govuk-frontend.min.css"
    css.write_text(_css((govuk / "govuk-frontend.min.css").read_text(encoding="utf-8")))
    written.append(css)
    js = (govuk / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=.*", "", js)
    (out / "govuk-frontend.min.js").write_text(js)
    written.append(out / "govuk-frontend.min.js")
    images = out / "assets" / "images"
    images.mkdir(parents=True, exist_ok=True)
    # Only the crest is referenced by the CSS; Petal uses its own logo and favicon.
    for name in ("govuk-crest.svg",):
        shutil.copy2(govuk / "assets" / "images" / name, images / name)
        written.append(images / name)
    htmx_out = TARGET / "vendor" / "htmx"
    htmx_out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(NODE / "htmx.org" / "dist" / "htmx.min.js", htmx_out / "htmx.min.js")
    written.append(htmx_out / "htmx.min.js")
    return written
