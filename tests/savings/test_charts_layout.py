"""What the charts draw: a legend where there are several series, room for the break-even
mark, bars never cut off, long titles shortened on the axis (whole in the table), number
formats of the page's language."""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

from coop import create_app
from coop.savings.charts import Chart, bar, short
from coop.savings.present import dashboard_charts


def _figure(chart: Chart, lang: str = "de") -> dict:
    app = create_app("testing")
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        return json.loads(chart.figure_json)


def test_legend_and_room_above_when_several_series():
    chart = Chart(
        "costs",
        "Kosten",
        "",
        [],
        [],
        traces=[bar("a", [1], [1], "#000"), bar("b", [1], [2], "#000")],
    )
    layout = _figure(chart)["layout"]
    assert layout["showlegend"] is True and layout["margin"]["t"] >= 50
    single = Chart("x", "x", "", [], [], traces=[bar("a", [1], [1], "#000")])
    assert _figure(single)["layout"]["showlegend"] is False
    assert all(t["cliponaxis"] is False for t in _figure(chart)["data"])


def test_number_formats_follow_the_language():
    chart = Chart("x", "x", "", [], [], traces=[bar("a", [1], [1], "#000")])
    assert _figure(chart, "de")["layout"]["separators"] == ",."
    assert _figure(chart, "en")["layout"]["separators"] == ".,"


def test_long_titles_are_shortened_on_the_axis_and_whole_in_the_table():
    long = "Interkommunale Zusammenarbeit bei der Einführung der E-Akte in allen Rathäusern"
    assert short(long).endswith("…") and len(short(long)) <= 28
    initiatives = [
        SimpleNamespace(id=1, title=long, phase="idea", service_area="e_files"),
        SimpleNamespace(id=2, title=long + " II", phase="idea", service_area="e_files"),
    ]
    summaries = {
        1: SimpleNamespace(decided=1, total=2, complete=False),
        2: SimpleNamespace(decided=2, total=2, complete=True),
    }
    app = create_app("testing")
    with app.test_request_context("/"):
        charts = dashboard_charts(initiatives, summaries, [], {}, [])
    decisions = next(c for c in charts if c.id == "decisions")
    labels = decisions.traces[0]["x"]
    assert len(set(labels)) == 2 and all(len(x) <= 30 for x in labels)
    assert decisions.rows[0][0] == long
    assert Counter(labels)
