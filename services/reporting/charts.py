"""Charts drawn on the server as inline SVG: they need no JavaScript, print in PDFs, and carry
a `<title>` and `<desc>` (and a `<title>` per bar or point) for screen readers.

Every text is XML-escaped here; the result is `Markup`, safe to put into a Jinja page as is.
"""

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from .digest_text import vi_number

FONT = "DejaVu Sans, Arial, sans-serif"
COLOURS = {"received": "#1f5f99", "resolved": "#2e8540", "on_time": "#2e8540",
           "late": "#b00020", "neutral": "#6b6b6b"}
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 36, 54
MAX_LABELS = 13  # category labels under the x axis; more are thinned out


@dataclass(frozen=True)
class Series:
    """One named row of values (None is drawn as nothing), with its colour."""

    label: str
    values: tuple
    colour: str


def number(value):
    """A figure as Vietnamese writes it: thousands with dots, one decimal with a comma."""
    if value is None:
        return "–"
    return vi_number(value, 1 if isinstance(value, float) and not value.is_integer() else 0)


def nice_ticks(top, count=4):
    """Tick values from 0 covering `top` in steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(step, 1)
    ticks, value = [0], 0
    while value < top:
        value += step
        ticks.append(value)
    return ticks


def _open(ident, title, description, width, height):
    """The <svg> start tag with its accessible name and description."""
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(ident)}" '
            f'role="img" aria-labelledby="{escape(ident)}-title {escape(ident)}-desc" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="{FONT}" font-size="11">',
            f'<title id="{escape(ident)}-title">{escape(title)}</title>',
            f'<desc id="{escape(ident)}-desc">{escape(description)}</desc>',
            f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']


def _legend(series, width):
    """Coloured keys of the series at the top right."""
    parts, x = [], width - RIGHT
    for item in reversed(series):
        x -= 18 + 7 * len(item.label)
        parts.append(f'<rect x="{x}" y="22" width="10" height="10" fill="{escape(item.colour)}"/>'
                     f'<text x="{x + 14}" y="31">{escape(item.label)}</text>')
    return parts


def _describe(categories, series):
    """A text version of the data: one sentence per category."""
    lines = [f"{category}: " + ", ".join(f"{s.label} {number(s.values[i])}" for s in series)
             for i, category in enumerate(categories)]
    return "; ".join(lines) + "." if lines else ""


def _axes(ticks, plot, labels_at, categories):
    """Horizontal grid lines with tick values and (thinned) category labels."""
    x0, y0, width, height = plot
    top = ticks[-1] or 1
    parts = []
    for tick in ticks:
        y = y0 + height - height * tick / top
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + width}" y2="{y:.1f}" '
                     f'stroke="#d0d0d0" stroke-width="1"/>'
                     f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{number(tick)}</text>')
    every = max(1, math.ceil(len(categories) / MAX_LABELS))
    for index, (category, x) in enumerate(zip(categories, labels_at, strict=True)):
        if index % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{y0 + height + 16}" text-anchor="middle">'
                         f'{escape(category)}</text>')
    return parts


def bar_chart(ident, title, categories, series, width=640, height=260):
    """Grouped vertical bars, one group per category, each bar titled with its value."""
    values = [v for s in series for v in s.values if v is not None]
    ticks = nice_ticks(max(values, default=0))
    plot = (LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM)
    x0, y0, plot_width, plot_height = plot
    slot = plot_width / max(len(categories), 1)
    bar = max(1.0, slot * 0.8 / max(len(series), 1))
    centres = [x0 + slot * (i + 0.5) for i in range(len(categories))]
    parts = _open(ident, title, _describe(categories, series), width, height)
    parts += _legend(series, width) + _axes(ticks, plot, centres, categories)
    for i, category in enumerate(categories):
        for j, item in enumerate(series):
            value = item.values[i]
            if value is None:
                continue
            bar_height = plot_height * value / ticks[-1]
            x = centres[i] - bar * len(series) / 2 + bar * j
            parts.append(
                f'<g class="bar"><title>{escape(category)} – {escape(item.label)}: '
                f'{number(value)}</title><rect x="{x:.1f}" '
                f'y="{y0 + plot_height - bar_height:.1f}" width="{bar:.1f}" '
                f'height="{bar_height:.1f}" fill="{escape(item.colour)}"/></g>')
            if len(categories) * len(series) <= 24 and value:
                top = y0 + plot_height - bar_height - 3
                parts.append(f'<text x="{x + bar / 2:.1f}" y="{top:.1f}" text-anchor="middle" '
                             f'font-size="10">{number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(ident, title, rows, parts_legend, width=640):
    """Horizontal bars split into parts (e.g. on time and late), one per row, with shares.

    `rows` is [(row label, [value per part])]; `parts_legend` is [(part label, colour)].
    """
    row_height, label_width = 26, 110
    height = TOP + row_height * len(rows) + 12
    legend = [Series(label, (), colour) for label, colour in parts_legend]
    description = "; ".join(
        f"{label}: " + ", ".join(f"{name} {number(v)}"
                                 for (name, _), v in zip(parts_legend, values, strict=True))
        for label, values in rows) + "."
    out = _open(ident, title, description, width, height) + _legend(legend, width)
    span = width - label_width - RIGHT
    for index, (label, values) in enumerate(rows):
        y = TOP + row_height * index
        total = sum(v or 0 for v in values)
        out.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">'
                   f'{escape(label)}</text>')
        if not total:
            out.append(f'<rect x="{label_width}" y="{y + 3}" width="{span}" height="16" '
                       f'fill="#eeeeee"/><text x="{label_width + 6}" y="{y + 15}" '
                       f'fill="{COLOURS["neutral"]}">0</text>')
            continue
        x = float(label_width)
        for (name, colour), value in zip(parts_legend, values, strict=True):
            if not value:
                continue
            share = value / total
            out.append(f'<g class="bar"><title>{escape(label)} – {escape(name)}: {number(value)} '
                       f'({number(round(100 * share, 1))}%)</title><rect x="{x:.1f}" '
                       f'y="{y + 3}" width="{span * share:.1f}" height="16" '
                       f'fill="{escape(colour)}"/></g>')
            if span * share > 28:
                out.append(f'<text x="{x + 4:.1f}" y="{y + 15}" fill="#ffffff">'
                           f'{number(value)}</text>')
            x += span * share
    out.append("</svg>")
    return Markup("".join(out))


def period_label(period, t):
    """A trend bucket as people read it: "2026-11" → "11/2026", "2026-W45" → "T45"."""
    year, _, rest = period.partition("-")
    if rest.startswith("W"):
        return t("week_short", week=int(rest[1:]))
    return f"{rest}/{year}"


def trend_chart(result, t, ident):
    """Received and resolved per week or month, as grouped bars."""
    rows = result.rows
    categories = [period_label(row["period"], t) for row in rows]
    series = [Series(t("received"), tuple(r["received"] for r in rows), COLOURS["received"]),
              Series(t("resolved"), tuple(r["resolved"] for r in rows), COLOURS["resolved"])]
    title = t("chart.trend", by=t(f"by.{result.extra.get('by', 'month')}"))
    return bar_chart(ident, title, categories, series)


def on_time_chart(result, t, ident):
    """Resolutions on time and late, one stacked bar per priority and one for all."""
    rows = [(t(f"priority.{row['priority']}") if row["priority"] else t("all"),
             [row["on_time"], row["late"]]) for row in result.rows]
    return stacked_bars(ident, t("chart.on_time"), rows,
                        [(t("col.on_time"), COLOURS["on_time"]), (t("col.late"), COLOURS["late"])])


SUMMARY_BARS = (("open", "open"), ("resolved", "chart.to_confirm"), ("closed", "closed"),
                ("rejected", "rejected"), ("merged", "merged"), ("overdue", "overdue"))


def summary_chart(result, t, ident):
    """Cases received in the period by where they stand now."""
    row = result.rows[0] if result.rows else {}
    series = [Series(t("chart.cases"), tuple(row.get(key, 0) for key, _ in SUMMARY_BARS),
                     COLOURS["received"])]
    return bar_chart(ident, t("chart.summary"), [t(label) for _, label in SUMMARY_BARS], series)


def ageing_chart(result, t, ident):
    """Open cases by working days since receipt, with how many of them are overdue."""
    rows = result.rows
    series = [Series(t("col.cases"), tuple(r["cases"] for r in rows), COLOURS["received"]),
              Series(t("col.of_which_overdue"), tuple(r["overdue"] for r in rows),
                     COLOURS["late"])]
    return bar_chart(ident, t("chart.ageing"), [t(f"age.{r['bucket']}") for r in rows], series)


REPORT_CHARTS = {"trend": trend_chart, "on_time": on_time_chart, "summary": summary_chart,
                 "ageing": ageing_chart}


def report_chart(result, t, ident=None):
    """The chart of a report in the language of `t` (a Translations), or None if it has none."""
    build = REPORT_CHARTS.get(result.name)
    return build(result, t, ident or f"chart-{result.name}") if build else None
