"""Accessible charts for the outcomes dashboards, drawn as SVG on the server: no script, a
<title> and a <desc> saying in words what the chart shows, and always the same figures in a
table beside it (the page draws the table; a chart never shows a figure its table hides).

Every chart is drawn from a ``Table`` (petal.outcomes.tables), through ``table.value`` and the
cells' text, so a hidden figure is drawn as "fewer than 5" or "not shown", never as a number.
Colours are presentation attributes, not inline styles (the pages' CSP forbids those).
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from petal.outcomes.tables import Table

INK = "#0b0c0c"
# Text sizes in the SVG's own units: a chart is drawn at about 460 to 640 pixels wide.
SMALL, LARGE = 20, 24
GREY = "#505a5f"
LINE = "#1d70b8"
# The five areas' colours, by their order (dark enough for a 3:1 contrast on white).
# The class of a text that is a figure (tests read them; ticks and labels are not figures).
VALUE = "petal-chart__value"
PETALS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840"]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below is escaped as it is put in  # nosec B308, B703
        f'<svg viewBox="0 0 {width} {height}" role="img" class="petal-chart__svg" '
        'font-family="arial, helvetica, sans-serif" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _chart(kind: str, chart_id: str, title: str, desc: str, svg: SafeString) -> dict:
    return {"kind": kind, "id": chart_id, "title": title, "description": desc, "svg": svg}


def _text(x, y, text, *, anchor="middle", size=16, weight="normal", fill=INK, cls="") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}"{klass}>{escape(text)}</text>'
    )


# --- the five-petal flower ----------------------------------------------------------------------


def flower(petals: list[tuple[str, int | None, str]], *, chart_id: str, title: str) -> dict:
    """Five petals, one per area, each labelled with its name and its figure (or why it is
    not shown). ``petals`` is [(area name, value or None when hidden, text as shown)]. A petal's
    length follows its figure; a hidden figure is drawn at a fixed, outlined size."""
    width, height = 760, 520
    cx, cy = 380, 270
    known = [v for _, v, _ in petals if v is not None]
    top = max(known) if known else 1
    parts = []
    labels = []
    for i, (name, value, shown) in enumerate(petals):
        angle = -90 + 360 * i / max(len(petals), 1)
        rad = math.radians(angle)
        length = 50 + 90 * (value / top if value and top else 0) if value is not None else 80
        colour = PETALS[i % len(PETALS)]
        rx, ry = length / 2 + 10, 30
        ex, ey = cx + (rx + 14) * math.cos(rad), cy + (rx + 14) * math.sin(rad)
        fill = colour if value is not None else "#ffffff"
        dash = "" if value is not None else ' stroke-dasharray="6 4"'
        parts.append(
            f'<ellipse cx="{ex:.1f}" cy="{ey:.1f}" rx="{rx:.1f}" ry="{ry}" '
            f'transform="rotate({angle:.1f} {ex:.1f} {ey:.1f})" fill="{fill}" '
            f'fill-opacity="0.85" stroke="{colour}" stroke-width="3"{dash}>'
            f"<title>{escape(name)}: {escape(shown)}</title></ellipse>"
        )
        lx, ly = cx + 175 * math.cos(rad), cy + 175 * math.sin(rad) + 8
        anchor = "middle" if abs(math.cos(rad)) < 0.3 else ("start" if lx > cx else "end")
        if ly < cy - 150:
            ly = cy - 226
        labels.append(_text(lx, ly, name, anchor=anchor, size=LARGE, weight="bold"))
        labels.append(_text(lx, ly + 28, shown, anchor=anchor, size=LARGE, cls=VALUE))
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="16" fill="#ffdd00" stroke="{INK}"/>')
    described = "; ".join(f"{name}: {shown}" for name, _, shown in petals)
    desc = (
        "A flower with a petal for each of the five areas of disadvantage; the longer the "
        f"petal, the more people have that area. {described}."
    )
    svg = _svg(chart_id, width, height, title, desc, "".join(parts + labels))
    return _chart("flower", chart_id, title, desc, svg)


def flower_from_table(table: Table, areas) -> dict:
    """The flower for the cohort's combination table: a petal for each "with <area>" row."""
    petals = []
    for r, (row, cells) in enumerate(table.body()):
        if isinstance(row.key, str) and row.key.startswith("area:"):
            petals.append((areas_name(row.key, areas), table.value(r, 0), cells[0].text))
    return flower(petals, chart_id=f"chart-{table.slug}", title=f"{table.title}: each area")


def areas_name(key: str, areas) -> str:
    code = key.split(":", 1)[1]
    for area in areas:
        if area["code"] == code:
            return area["name"]
    return code


# --- line and bar charts ------------------------------------------------------------------------


def line(
    points: list[tuple[str, float | None, str]], *, chart_id: str, title: str, unit: str
) -> dict:
    """One line over time; ``points`` is [(label, value or None when hidden, text as shown)].
    A hidden point leaves a gap and is named in the description."""
    width, height = 640, 320
    left, right, top_pad, bottom = 70, 24, 20, 64
    values = [v for _, v, _ in points if v is not None]
    top = _nice_max(max(values) if values else 1)
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(len(points) - 1, 1)

    def xy(i, value):
        return left + i * step, top_pad + plot_h - (value / top) * plot_h

    parts = []
    for k in range(5):
        y = xy(0, top * k / 4)[1]
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'class="petal-chart__grid"/>'
        )
        parts.append(
            _text(left - 8, y + 6, f"{top * k / 4:,.4g}", anchor="end", fill=GREY, size=SMALL)
        )
    segment: list[str] = []
    segments = []
    for i, (label, value, shown) in enumerate(points):
        x, _ = xy(i, 0)
        month, year = _month_year(label)
        parts.append(_text(x, height - bottom + 24, month, size=SMALL))
        if year and (i == 0 or month == "Jan"):
            parts.append(_text(x, height - bottom + 48, year, size=SMALL, fill=GREY))
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(i, value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE}">'
            f"<title>{escape(label)}: {escape(shown)}</title></circle>"
        )
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.insert(
            0,
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="{LINE}" stroke-width="3"/>',
        )
    desc = describe_series(points, unit=unit)
    svg = _svg(chart_id, width, height, title, desc, "".join(parts))
    return _chart("line", chart_id, title, desc, svg)


def _month_year(label: str) -> tuple[str, str]:
    """ "1 January 2026" or "January 2026" → ("Jan", "2026"); anything else as it is."""
    words = label.split(" ")
    if len(words) in (2, 3) and words[-1].isdigit() and len(words[-1]) == 4:
        return words[-2][:3], words[-1]
    return label[:8], ""


def describe_series(points, *, unit: str) -> str:
    known = [(label, value, shown) for label, value, shown in points if value is not None]
    hidden = [label for label, value, shown in points if value is None and shown]
    if not known:
        text = f"No {unit} to show for these {len(points)} points."
    else:
        first, last = known[0], known[-1]
        high = max(known, key=lambda p: p[1])
        text = (
            f"From {first[2]} {unit} ({first[0]}) to {last[2]} {unit} ({last[0]}); "
            f"the highest was {high[2]} ({high[0]})."
        )
    if hidden:
        text += f" Not shown (fewer than 5, or could reveal one that is): {', '.join(hidden)}."
    return text


def line_from_table(table: Table, *, title: str, unit: str, column: int | str = 0) -> dict:
    """A line through one column of a table (``"total"``: its totals column)."""
    index = -1 if column == "total" else column
    points = [
        (row.label, table.value(r, column), cells[index].text)
        for r, (row, cells) in enumerate(table.body())
    ]
    return line(points, chart_id=f"chart-{table.slug}", title=title, unit=unit)


def _short(label: str, limit: int = 26) -> str:
    """A label cut at a word to fit beside a bar (the table and the description have it whole)."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",&") + "…"


def bars(points: list[tuple[str, float | None, str]], *, chart_id: str, title: str, unit: str):
    """Horizontal bars, one per label; a hidden figure is an outlined stub with its words."""
    label_w, bar_w, row_h = 300, 260, 38
    width = label_w + bar_w + 130
    height = row_h * len(points) + 16
    values = [v for _, v, _ in points if v is not None]
    low, high = min([0, *values]), max([0, *values])
    span = (high - low) or 1
    zero = label_w + bar_w * (-low) / span
    parts = [f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="4" y2="{height - 4}" stroke="{GREY}"/>']
    for i, (label, value, shown) in enumerate(points):
        y = 8 + i * row_h
        parts.append(_text(label_w - 10, y + 24, _short(label), anchor="end", size=SMALL))
        if value is None and not shown:
            parts.append(_text(zero + 8, y + 24, "no figure", anchor="start", size=SMALL))
            continue
        if value is None:
            parts.append(
                f'<rect x="{zero:.1f}" y="{y + 6}" width="24" height="{row_h - 12}" '
                f'fill="#ffffff" stroke="{GREY}" stroke-dasharray="4 3"/>'
            )
            parts.append(_text(zero + 32, y + 24, shown, anchor="start", size=SMALL, cls=VALUE))
            continue
        w = bar_w * abs(value) / span
        x = zero if value >= 0 else zero - w
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 6}" width="{w:.1f}" height="{row_h - 12}" '
            f'fill="{LINE}"><title>{escape(label)}: {escape(shown)}</title></rect>'
        )
        parts.append(
            _text(max(x + w, zero) + 8, y + 24, shown, anchor="start", size=SMALL, cls=VALUE)
        )
    known = [f"{label}: {shown or 'no figure'}" for label, _, shown in points]
    desc = f"Bars of {unit}, one for each row of the table: " + "; ".join(known) + "."
    svg = _svg(chart_id, width, height, title, desc, "".join(parts))
    return _chart("bars", chart_id, title, desc, svg)


def bars_from_table(
    table: Table, *, title: str, unit: str, column: int | str = 0, rows=None, labels=None
) -> dict:
    """Bars for one column of a table (``"total"``: its totals column), optionally some rows,
    each labelled by ``labels(row)`` (its label by default)."""
    index = -1 if column == "total" else column
    points = [
        (labels(row) if labels else row.label, table.value(r, column), cells[index].text)
        for r, (row, cells) in enumerate(table.body())
        if rows is None or r in rows
    ]
    return bars(points, chart_id=f"chart-{table.slug}", title=title, unit=unit)
