"""Markdown to safe HTML with GOV.UK classes. nh3 (Rust's ammonia) removes anything unsafe.

Pages may not have images. Newsletters may (``images=True``), but only images uploaded to Petal
(``/newsletters/images/<key>.<ext>``, re-encoded on upload so they carry no metadata): any
other image source is removed with its image, so a newsletter never makes its readers' mail
clients fetch from elsewhere (a tracking pixel, a changed picture). Alt text is kept.

For email (``absolute_to=PETAL_BASE_URL``) relative links and image sources become absolute, as
a mail client has no page to resolve them against."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "abbr": {"title"}, "th": {"scope"}}
# Classes added after cleaning, so authors cannot add their own.
CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "tr": "govuk-table__row",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
# The only image sources a newsletter may use: images uploaded to Petal.
IMAGE_SRC = re.compile(r"/newsletters/images/[A-Za-z0-9_-]{1,64}(\.(png|jpg|jpeg|gif|webp))?")
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_RELATIVE = re.compile(r'(<(?:a|img)\s[^>]*?(?:href|src)=")(/(?!/)[^"]*")')
_TAG = re.compile(r"<(" + "|".join(CLASSES) + r")(\s[^>]*)?>")


def _add_classes(html: str) -> str:
    def repl(match: re.Match) -> str:
        tag, attrs = match.group(1), match.group(2) or ""
        if tag == "th" and "scope=" not in attrs:
            attrs += ' scope="col"'
        return f'<{tag} class="{CLASSES[tag]}"{attrs}>'

    return _TAG.sub(repl, html)


def render_markdown(text: str, *, images: bool = False, absolute_to: str = "") -> SafeString:
    """Render the programme team's Markdown. Raw HTML, scripts and event handlers are removed;
    links may only be http(s), mailto or relative. With ``images``, images uploaded to Petal
    are kept (with their alt text) and every other image is removed; without, no image is.
    With ``absolute_to`` (a base URL such as settings.PETAL_BASE_URL), relative links and image
    sources are made absolute on it, for email."""
    # Cleaned by nh3 in _render.
    return mark_safe(_render(text or "", images, absolute_to.rstrip("/")))  # noqa: S308  # nosec B308, B703


def _image_source(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not IMAGE_SRC.fullmatch(value):
        return None
    return value


@lru_cache(maxsize=512)
def _render(text: str, images: bool = False, absolute_to: str = "") -> str:
    # Keyed by the text itself, so an edited page is rendered afresh and nothing goes stale.
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    # Headings in page bodies start at h2: the page title is the only h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    attributes = {k: set(v) - {"class"} for k, v in ALLOWED_ATTRIBUTES.items()}
    if images:
        attributes["img"] = {"src", "alt"}
    clean = nh3.clean(
        html,
        tags=(ALLOWED_TAGS | {"img"}) if images else ALLOWED_TAGS,
        attributes=attributes,
        attribute_filter=_image_source if images else None,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    if images:
        # An image whose source was removed would show as a broken picture: drop it whole.
        clean = _IMG_WITHOUT_SRC.sub("", clean)
    if absolute_to:
        clean = _RELATIVE.sub(lambda m: f"{m.group(1)}{absolute_to}{m.group(2)}", clean)
    return _add_classes(clean)


class _ImageFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "img":
            values = dict(attrs)
            self.found.append(
                ((values.get("src") or "").strip(), (values.get("alt") or "").strip())
            )


def images_in(text: str) -> list[tuple[str, str]]:
    """Every image the Markdown asks for, as (source, alt text), before any cleaning: for
    telling the writer which ones would be removed, or have no alt text."""
    finder = _ImageFinder()
    finder.feed(markdown.markdown(text or "", extensions=["tables", "sane_lists"]))
    finder.close()
    return finder.found
