"""Small SVG charts drawn on the server: no JavaScript, no CDN, nothing the CSP must allow.

Each chart is an <svg role="img"> with a title and a description; the page also gives
the same figures as a table, which is what a screen reader should use.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE, GREY, TEXT = "#000091", "#dddddd", "#161616"


def _percent(value: float) -> str:
    return f"{value:.1f} %".replace(".", ",")


def bar_chart(rows: list[tuple[str, float]], *, title: str, chart_id: str) -> SafeString:
    """Horizontal bars from 0 to 100 %, one per (label, rate)."""
    width, label_w, bar_w, line_h = 720, 300, 330, 28
    height = line_h * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" class="isoloir-chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape(" ; ".join(f"{label} : {_percent(rate)}" for label, rate in rows))
        + "</desc>",
    ]
    for i, (label, rate) in enumerate(rows):
        y = 10 + i * line_h
        shown = label if len(label) <= 44 else label[:43] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="{TEXT}">{escape(shown)}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="{GREY}"/>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * min(rate, 100) / 100:.1f}" height="18" fill="{BLUE}"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 17}" font-size="13" fill="{TEXT}">{_percent(rate)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def line_chart(points: list[tuple[dt.datetime, float]], *, title: str, chart_id: str) -> SafeString:
    """Cumulative participation (%) over time."""
    width, height, left, bottom, top, right = 720, 260, 50, 40, 15, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 3600)
    peak = max(max(rate for _, rate in points), 1)
    ceiling = min(100, (int(peak / 10) + 1) * 10)

    def xy(moment: dt.datetime, rate: float) -> str:
        x = left + plot_w * (moment - start).total_seconds() / span
        y = top + plot_h * (1 - rate / ceiling)
        return f"{x:.1f},{y:.1f}"

    first, last = timezone.localtime(start), timezone.localtime(end)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" class="isoloir-chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">De {_percent(points[0][1])} le {first:%d/%m à %Hh} à '
        f"{_percent(points[-1][1])} le {last:%d/%m à %Hh}.</desc>",
    ]
    for tick in range(0, ceiling + 1, 10 if ceiling > 20 else 5):
        y = top + plot_h * (1 - tick / ceiling)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GREY}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">{tick} %</text>'
        )
    parts.append(
        f'<polyline fill="none" stroke="{BLUE}" stroke-width="2.5" points="{" ".join(xy(m, r) for m, r in points)}"/>'
    )
    parts.append(f'<text x="{left}" y="{height - 12}" font-size="12" fill="{TEXT}">{first:%d/%m %Hh}</text>')
    parts.append(
        f'<text x="{left + plot_w}" y="{height - 12}" text-anchor="end" font-size="12" fill="{TEXT}">{last:%d/%m %Hh}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
