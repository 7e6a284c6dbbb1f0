"""Charts as plain data: a title, a caption, a sentence that says what the chart shows, its data
as a table (and CSV), and a Plotly figure as JSON built here by hand, so that rendering costs
no figure validation that grows with the data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

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
        layout = {
            "margin": {"l": 70, "r": 20, "t": 20, "b": 60},
            "height": 340,
            "font": {"family": "Fira Sans, Arial, sans-serif", "size": 13, "color": "#111"},
            "legend": {"orientation": "h", "y": -0.2},
            "separators": ",.",
            **self.layout,
        }
        return json.dumps({"data": self.traces, "layout": layout}, default=_number)

    def csv(self) -> str:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_value(v) for v in row])
        return out.getvalue()


def _number(value):
    if isinstance(value, Decimal):
        return float(value)  # drawing only; tables and CSV keep the exact cents
    raise TypeError(type(value))


def _csv_value(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    return "" if value is None else str(value)


def bar(name: str, x: Sequence, y: Sequence, colour: str) -> dict:
    return {"type": "bar", "name": name, "x": list(x), "y": list(y), "marker": {"color": colour}}


def line(name: str, x: Sequence, y: Sequence, colour: str) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": list(x),
        "y": list(y),
        "line": {"color": colour, "width": 3},
    }


def euro_axis(title: str) -> dict:
    return {"title": {"text": title}, "tickformat": ",.0f", "ticksuffix": " €", "zeroline": True}
