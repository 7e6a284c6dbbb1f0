"""Charts as plain data: a title, a caption, a sentence that says what the chart shows, its data
as a table (and CSV), and a Plotly figure as JSON built here by hand, so that rendering costs
no figure validation that grows with the data."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..exports import csv_text

# Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
BLUE, ORANGE, GREEN, GREY, RED = "#00457d", "#b35900", "#2e7d32", "#5f6368", "#b71c1c"


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list]  # values: str, int, Decimal (money, shown as €)
    traces: list[dict] = field(default_factory=list)
    layout: dict = field(default_factory=dict)

    @property
    def figure_json(self) -> str:
        """The Plotly figure as JSON for the page's script (text escaped, no HTML in labels),
        with the number formats of the page's language."""
        from flask import has_request_context
        from flask_babel import get_locale

        english = has_request_context() and str(get_locale()) == "en"
        several = len(self.traces) > 1
        layout = {
            # room above the plot for the legend and the marks' labels (break-even)
            "margin": {
                "l": 20,
                "r": 20,
                "t": 56 if several or self.layout.get("annotations") else 20,
                "b": 48,
            },
            "height": 360,
            "font": {"family": "Fira Sans, Arial, sans-serif", "size": 13, "color": "#111"},
            # above the plot: below it, it would cover long (rotated) category labels
            "showlegend": several,
            "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            # decimal mark and thousands separator: "1.234,5" in German, "1,234.5" in English
            "separators": ".," if english else ",.",
            **self.layout,
        }
        for axis in ("xaxis", "yaxis"):  # room for the labels, however long
            layout[axis] = {"automargin": True, **layout.get(axis, {})}
        figure = {"data": _plain(self.traces), "layout": _plain(layout)}
        return json.dumps(figure, default=_number)

    def csv(self) -> str:
        """The chart's data as CSV (every chart offers its data as a download)."""
        return csv_text([self.columns, *self.rows])


# Keys whose strings Plotly shows as (pseudo-HTML) text: initiative titles and body names in
# them must show literally, so their markup characters go as entities, which Plotly prints.
TEXT_KEYS = {"x", "y", "name", "text", "hovertext", "ticktext"}


def _plain(value, key: str | None = None):
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return html.escape(value, quote=False)
    return value


def _number(value):
    if isinstance(value, Decimal):
        return float(value)  # drawing only; tables and CSV keep the exact cents
    raise TypeError(type(value))


def bar(name: str, x: Sequence, y: Sequence, colour: str) -> dict:
    """A bar trace (its bars and their text never cut off at the plot's edge)."""
    return {
        "type": "bar",
        "name": name,
        "x": list(x),
        "y": list(y),
        "marker": {"color": colour},
        "cliponaxis": False,
    }


LABEL_MAX = 28  # characters of a category label in a chart; the table beside it has all


def short(text: str, limit: int = LABEL_MAX) -> str:
    """A long label shortened for the chart's axis, ending in "…"."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def year_axis() -> dict:
    """Years as categories: each bar centred on its year, none cut at the ends."""
    return {"type": "category", "title": {"text": ""}}


def line(name: str, x: Sequence, y: Sequence, colour: str) -> dict:
    """A line trace with markers."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": list(x),
        "y": list(y),
        "line": {"color": colour, "width": 3},
    }


def euro_axis(title: str) -> dict:
    """A y axis in whole euros."""
    return {"title": {"text": title}, "tickformat": ",.0f", "ticksuffix": " €", "zeroline": True}
