"""A small, accessible line chart of waits by month, drawn as SVG on the server: no script,
a text description for screen readers, and the same figures in a table beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 52


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: str  # SVG polyline points
    dots: list[tuple[float, float, str]]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def line_chart(figures, *, unit: str = "days") -> dict:
    """Median and 90th percentile lines over months (figures from measures.by_month)."""
    values = [f.p90_days for f in figures if f.p90_days is not None]
    top = _nice_max(max(values) if values else 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(figures) - 1, 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return round(LEFT + i * step, 1), round(TOP + plot_h - (value / top) * plot_h, 1)

    series = []
    for name, attr, css in (
        ("Median", "median_days", "petal-chart__median"),
        ("90th percentile", "p90_days", "petal-chart__p90"),
    ):
        coords = [
            (*xy(i, getattr(f, attr)), f"{f.key:%b %Y}: {getattr(f, attr)} {unit}")
            for i, f in enumerate(figures)
            if getattr(f, attr) is not None
        ]
        series.append(Series(name, css, " ".join(f"{x},{y}" for x, y, _ in coords), coords))
    ticks = [{"y": xy(0, top * k / 4)[1], "label": f"{top * k / 4:g}"} for k in range(5)]
    labels = [
        {
            "x": xy(i, 0)[0],
            "label": f"{f.key:%b}",
            "year": f"{f.key:%Y}" if f.key.month == 1 or i == 0 else "",
        }
        for i, f in enumerate(figures)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "bottom": HEIGHT - BOTTOM,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "series": series,
        "ticks": ticks,
        "labels": labels,
        "description": describe(figures, unit=unit),
        "empty": not values,
    }


def describe(figures, *, unit: str = "days") -> str:
    """A sentence or two saying what the chart shows, for people who cannot see it."""
    known = [f for f in figures if f.median_days is not None]
    if not known:
        return "No referrals reached this step in these months."
    first, last = known[0], known[-1]
    total = sum(f.count for f in known)
    text = (
        f"{total} referral{'s' if total != 1 else ''} reached this step in "
        f"{len(known)} of the {len(figures)} months shown. "
    )
    if first is last:
        return text + f"In {first.key:%B %Y} the median wait was {first.median_days} {unit}."
    trend = (
        "fell"
        if last.median_days < first.median_days
        else "rose"
        if last.median_days > first.median_days
        else "stayed"
    )
    return text + (
        f"The median wait {trend} from {first.median_days} {unit} in {first.key:%B %Y} "
        f"to {last.median_days} {unit} in {last.key:%B %Y}; the 90th percentile went from "
        f"{first.p90_days} to {last.p90_days} {unit}."
    )
