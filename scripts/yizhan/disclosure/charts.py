"""Inline SVG bar charts drawn at build time: no script, no chart library, no request elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 26, 96, 300, 64
COLOURS = ("#1565c0", "#2e7d32", "#b45309")


@dataclass(frozen=True)
class Series:
    """One measure drawn for every label, e.g. 开工率 for each township."""

    name: str
    values: Sequence[float | None]


def number(value: float | None, unit: str) -> str:
    """Value as printed on a bar: 83.2%, 1,204 人次, or — when there is none."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}{unit}"


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "%",
    numbers: bool = True,
) -> Markup:
    """Horizontal bars, one group per label and one bar per series; scale 0–100 for %, else 0–max.

    `numbers=False` leaves the value off each bar, for a page that prints the values in a table beside it."""
    values = [v for s in series for v in s.values if v is not None]
    top = 100.0 if unit == "%" else max([*values, 1.0])
    bar_height = max(8, (ROW - 8) // len(series))
    group = bar_height * len(series) + 8
    legend = 22 if len(series) > 1 else 0
    height = legend + group * len(labels) + 4
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="yz-chart__svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, item in enumerate(series if legend else ()):
        x = LABEL_WIDTH + index * 110
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="15" font-size="13">{escape(item.name)}</text>')
    # Shared attributes sit on groups (labels, then one group of bars and one of values per series):
    # a page with many charts stays within its size budget.
    parts.append('<g font-size="13" text-anchor="end">')
    for row, label in enumerate(labels):
        y0 = legend + row * group
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y0 + group / 2 + 4:.0f}">{escape(label)}</text>')
    parts.append("</g>")
    for index, item in enumerate(series):
        bars, values_ = [], []
        for row, value in enumerate(item.values):
            length = 0.0 if value is None else BAR_WIDTH * min(value, top) / top
            y = legend + row * group + 4 + index * bar_height
            bars.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{bar_height - 2}"/>')
            values_.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + bar_height - 4}">{escape(number(value, unit))}</text>'
            )
        parts.append(f'<g fill="{COLOURS[index % len(COLOURS)]}">{"".join(bars)}</g>')
        if numbers:
            parts.append(f'<g font-size="10">{"".join(values_)}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))
