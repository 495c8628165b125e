"""Markdown to safe HTML with GOV.UK classes. nh3 (Rust's ammonia) removes anything unsafe."""

from __future__ import annotations

import re
from functools import lru_cache

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
_TAG = re.compile(r"<(" + "|".join(CLASSES) + r")(\s[^>]*)?>")


def _add_classes(html: str) -> str:
    def repl(match: re.Match) -> str:
        tag, attrs = match.group(1), match.group(2) or ""
        if tag == "th" and "scope=" not in attrs:
            attrs += ' scope="col"'
        return f'<{tag} class="{CLASSES[tag]}"{attrs}>'

    return _TAG.sub(repl, html)


def render_markdown(text: str) -> SafeString:
    """Render the programme team's Markdown. Raw HTML, scripts and event handlers are removed;
    links may only be http(s), mailto or relative."""
    return mark_safe(_render(text or ""))  # noqa: S308 - cleaned by nh3 in _render.


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    # Keyed by the text itself, so an edited page is rendered afresh and nothing goes stale.
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    # Headings in page bodies start at h2: the page title is the only h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={k: set(v) - {"class"} for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return _add_classes(clean)
