"""Server-rendered SVG charts for pages and PDFs (WeasyPrint), without JavaScript.

Invariant: the markup is styled only by presentation attributes — no ``style`` attribute,
no ``<style>`` or ``<script>`` element — so it renders under the strict Content-Security-
Policy; every label goes through Django's auto-escaping, and every label is shown whole
(wrapped onto as many lines as it needs, the chart growing to fit), never cut off.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; blue and
# orange first because they are the pair most readers tell apart.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Band colours from "needs attention" to "good"; picked evenly for the number of bands.
BAND_RAMP = ("#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#0072B2")
HIDDEN_FILL = "#BBBBBB"
TEXT = "#1A1A1A"
# An outline gives light bars (yellow, sky blue) a 3:1 edge against the white page.
OUTLINE = "#1A1A1A"
GRID = "#D0D0D0"
NO_VALUE = "–"

WIDTH = 640
# About 7 px per character of 12 px text (DejaVu Sans, the widest of the fonts used): the left
# label column is 172 px wide, so a line holds 24 characters.
CHAR_W = 7
LABEL_CHARS = 24
LINE_H = 14  # between the lines of a wrapped label
PLOT_X = 180
PLOT_W = 400  # leaves 60 px on the right for the value printed at the bar end
BAR_H = 14
BAR_GAP = 2
GROUP_GAP = 12
TOP = 24
AXIS_H = 24
LEGEND_ROW = 20
CELL_H = 28
HEADER_H = 28


@dataclass(frozen=True)
class Series:
    """One set of bars, one value per category; None where there is nothing to show."""

    label: str
    values: Sequence[float | None]


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    max_value: float = 100,
    threshold_lines: Sequence[float] = (),
    description: str | None = None,
    chart_id: str | None = None,
) -> SafeString:
    """Render horizontal grouped bars, one group per category, one bar per series."""
    if max_value <= 0:
        raise ValueError("max_value must be positive")
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(categories)}")
    bars_h = max(len(series), 1) * (BAR_H + BAR_GAP) - BAR_GAP
    groups = []
    y = float(TOP)
    for i, category in enumerate(categories):
        lines = _wrap(category, LABEL_CHARS)
        # a label of several lines makes its group taller; the bars sit in its middle
        group_h = max(bars_h, len(lines) * LINE_H)
        bars_top = y + (group_h - bars_h) / 2
        bars = []
        for j, s in enumerate(series):
            value = s.values[i]
            bar_y = bars_top + j * (BAR_H + BAR_GAP)
            # Values outside the scale are clamped for drawing but printed as they are.
            width = 0.0 if value is None else min(max(value, 0.0), max_value) / max_value * PLOT_W
            bars.append(
                {
                    "series": s.label,
                    "colour": PALETTE[j % len(PALETTE)],
                    "x": _n(PLOT_X),
                    "y": _n(bar_y),
                    "width": _n(width),
                    "height": _n(BAR_H),
                    "value": value,
                    "label": _value(value),
                    "label_x": _n(PLOT_X + width + 4),
                    "label_y": _n(bar_y + BAR_H / 2 + 4),
                }
            )
        groups.append(
            {
                "label": category,
                "lines": _lines(lines, x=PLOT_X - 8, centre=y + group_h / 2),
                "bars": bars,
            }
        )
        y += group_h + GROUP_GAP
    plot_bottom = y - GROUP_GAP if categories else y
    ticks = [
        {"x": _n(PLOT_X + PLOT_W * k / 4), "label": _value(max_value * k / 4, decimals=0)}
        for k in range(5)
    ]
    thresholds = [
        {"x": _n(PLOT_X + PLOT_W * t / max_value), "label": _value(t, decimals=0)}
        for t in threshold_lines
        if 0 < t < max_value
    ]
    legend, legend_h = _legend(
        [(s.label, PALETTE[j % len(PALETTE)]) for j, s in enumerate(series)],
        top=plot_bottom + AXIS_H + 8,
    )
    height = plot_bottom + AXIS_H + 8 + legend_h
    if description is None:
        description = _(
            "Horizontal bar chart, %(categories)s categories, scale 0 to %(max)s; "
            "series: %(series)s."
        ) % {
            "categories": len(categories),
            "max": _value(max_value, decimals=0),
            "series": ", ".join(s.label for s in series),
        }
    return render_to_string(
        "core/charts/bar_chart.html",
        {
            "id": chart_id or _chart_id("bar", title, categories, [list(s.values) for s in series]),
            "title": title,
            "description": description,
            "width": WIDTH,
            "height": _n(height),
            "groups": groups,
            "ticks": ticks,
            "thresholds": thresholds,
            "plot_top": _n(TOP - 6),
            "plot_bottom": _n(plot_bottom + 2),
            "tick_label_y": _n(plot_bottom + 16),
            "threshold_label_y": _n(TOP - 10),
            "legend": legend,
            "text": TEXT,
            "outline": OUTLINE,
            "grid": GRID,
        },
    )


def heat_map(
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    bands: Sequence[tuple[str, float | None]],
    band_labels: Mapping[str, str] | None = None,
    description: str | None = None,
    chart_id: str | None = None,
) -> SafeString:
    """Render a grid of values, each cell filled with the colour of its band."""
    if not columns:
        raise ValueError("a heat map needs at least one column")
    if len(values) != len(rows) or any(len(r) != len(columns) for r in values):
        raise ValueError("values must have one row per row label and one value per column")
    if not bands or bands[-1][1] is not None:
        raise ValueError("bands must end with one band without an upper bound")
    fills = _band_fills(len(bands))
    col_w = (WIDTH - PLOT_X - 4) / len(columns)
    col_chars = max(int((col_w - 4) / CHAR_W), 4)
    header_lines = [_wrap(c, col_chars) for c in columns]
    # column headings end 10 px above the grid, however many lines they take
    header_h = max(HEADER_H, max(len(h) for h in header_lines) * LINE_H + 10)
    header = [
        {
            "label": c,
            "lines": [
                {"text": text, "x": _n(PLOT_X + (k + 0.5) * col_w), "y": _n(y)}
                for text, y in zip(
                    lines,
                    [
                        TOP + header_h - 10 - (len(lines) - 1 - n) * LINE_H
                        for n in range(len(lines))
                    ],
                    strict=True,
                )
            ],
        }
        for k, (c, lines) in enumerate(zip(columns, header_lines, strict=True))
    ]
    grid = []
    y = float(TOP + header_h)
    for label, row in zip(rows, values, strict=True):
        lines = _wrap(label, LABEL_CHARS)
        row_h = max(CELL_H, len(lines) * LINE_H + 4)
        cells = []
        for k, value in enumerate(row):
            fill = HIDDEN_FILL if value is None else fills[_band_index(bands, value)]
            cells.append(
                {
                    "column": columns[k],
                    "x": _n(PLOT_X + k * col_w),
                    "width": _n(col_w),
                    "fill": fill,
                    "text_fill": _text_on(fill),
                    "label": _value(value),
                    "text_x": _n(PLOT_X + (k + 0.5) * col_w),
                }
            )
        grid.append(
            {
                "label": label,
                "lines": _lines(lines, x=PLOT_X - 8, centre=y + row_h / 2),
                "y": _n(y),
                "text_y": _n(y + row_h / 2 + 4),
                "height": _n(row_h),
                "cells": cells,
            }
        )
        y += row_h
    labels = band_labels or {}
    entries = []
    lower: float | None = None
    for (key, below), fill in zip(bands, fills, strict=True):
        entries.append((f"{labels.get(key, key)} ({_range(lower, below)})", fill))
        lower = below
    entries.append((_("not shown"), HIDDEN_FILL))
    grid_bottom = y
    legend, legend_h = _legend(entries, top=grid_bottom + 12)
    if description is None:
        description = _(
            "Heat map, %(rows)s rows by %(columns)s columns; each cell shows its value and is "
            "coloured by band: %(bands)s."
        ) % {
            "rows": len(rows),
            "columns": len(columns),
            "bands": "; ".join(label for label, _fill in entries),
        }
    return render_to_string(
        "core/charts/heat_map.html",
        {
            "id": chart_id or _chart_id("heat", title, rows, columns, [list(r) for r in values]),
            "title": title,
            "description": description,
            "width": WIDTH,
            "height": _n(grid_bottom + 12 + legend_h),
            "header": header,
            "rows": grid,
            "legend": legend,
            "text": TEXT,
        },
    )


def _legend(entries: Sequence[tuple[str, str]], *, top: float) -> tuple[list[dict], float]:
    """Lay legend swatches out left to right, wrapping at the chart width.

    An entry too long for one row of the chart is wrapped onto lines of its own.
    """
    items = []
    x, y, row_h = 8.0, top, float(LEGEND_ROW)
    max_chars = int((WIDTH - 8 - 14 - 6 - 16) / CHAR_W)
    for label, fill in entries:
        lines = _wrap(label, max_chars)
        item_w = 14 + 6 + max(len(line) for line in lines) * CHAR_W + 16
        if x > 8 and x + item_w > WIDTH:
            x, y, row_h = 8.0, y + row_h, float(LEGEND_ROW)
        row_h = max(row_h, (len(lines) - 1) * LINE_H + LEGEND_ROW)
        items.append(
            {
                "label": label,
                "fill": fill,
                "x": _n(x),
                "y": _n(y),
                "lines": [
                    {"text": text, "x": _n(x + 20), "y": _n(y + 11 + n * LINE_H)}
                    for n, text in enumerate(lines)
                ],
            }
        )
        x += item_w
    return items, (y - top + row_h if entries else 0)


def _band_fills(count: int) -> list[str]:
    if count == 1:
        return [BAND_RAMP[-1]]
    last = len(BAND_RAMP) - 1
    return [BAND_RAMP[round(i * last / (count - 1))] for i in range(count)]


def _band_index(bands: Sequence[tuple[str, float | None]], value: float) -> int:
    for i, (_key, below) in enumerate(bands):
        if below is None or value < below:
            return i
    return len(bands) - 1


def _range(lower: float | None, below: float | None) -> str:
    if lower is None and below is not None:
        return f"< {_value(below, decimals=0)}"
    if below is None:
        return f"≥ {_value(lower or 0, decimals=0)}"
    return f"{_value(lower, decimals=0)}–{_value(below, decimals=0)}"


def _text_on(fill: str) -> str:
    """Return black or white, whichever contrasts more with ``fill`` (WCAG luminance)."""
    lum = _luminance(fill)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _wrap(label: str, chars: int) -> list[str]:
    """Break ``label`` into lines of at most ``chars`` characters, at spaces where it can.

    A word longer than a line (a long German compound) is split with a hyphen; no character
    of the label is dropped.
    """
    lines: list[str] = []
    line = ""
    for word in label.split():
        while len(word) > chars:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[: chars - 1] + "-")
            word = word[chars - 1 :]
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= chars:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _lines(lines: Sequence[str], *, x: float, centre: float) -> list[dict[str, str]]:
    """Place the lines of a label as a block centred vertically on ``centre``."""
    first = centre + 4 - (len(lines) - 1) * LINE_H / 2
    return [{"text": text, "x": _n(x), "y": _n(first + n * LINE_H)} for n, text in enumerate(lines)]


def _value(value: float | None, *, decimals: int = 1) -> str:
    # Localised like the rest of the page (a decimal comma in German).
    return NO_VALUE if value is None else number_format(value, decimal_pos=decimals)


def _n(number: float) -> str:
    # Coordinates are strings so templates never localise them (50,5 would break SVG).
    return f"{number:.2f}".rstrip("0").rstrip(".")


def _chart_id(*parts: object) -> str:
    # Derived from the content so output is stable (tests, caching) yet unique per chart.
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"chart-{digest[:10]}"
