"""The charts and their sentences: per initiative, per body (my town) and per district."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from ..core import savings_model as m
from ..core.money import apportion, running
from ..i18n import fmt_money, fmt_percent
from ..labels import PHASE_LABELS, SERVICE_AREA_LABELS, label
from ..models import GrantStatus
from .charts import BLUE, GREEN, GREY, ORANGE, RED, Chart, bar, euro_axis, line, short, year_axis

ZERO = Decimal("0")
cents = m.to_cents


def partner_columns() -> list[str]:
    """The columns of each partner's result (chart data and workbook alike)."""
    return [
        _("Partner"),
        _("Share of the joint cost"),
        _("Today"),
        _("In cooperation"),
        _("Savings"),
        _("Savings rate"),
    ]


def initiative_charts(result: m.Result, names: Mapping[int, str]) -> list[Chart]:
    """The charts of one estimate: costs by year, savings by year and cumulative, by partner."""
    years = [y.year for y in result.years]
    first, last = years[0], years[-1]
    # one rounding rule: each column's parts add up to its exact total rounded once
    baseline = apportion([y.baseline for y in result.years])
    cooperation = apportion([y.cooperation for y in result.years])
    savings = apportion([y.savings for y in result.years])
    cumulative = running(savings)
    costs = Chart(
        id="costs",
        title=_("Costs per year: today and in cooperation"),
        summary=_(
            "From %(first)d to %(last)d the task costs %(today)s as today and %(coop)s in "
            "cooperation; the cooperation saves %(saved)s.",
            first=first,
            last=last,
            today=fmt_money(sum(baseline, ZERO)),
            coop=fmt_money(sum(cooperation, ZERO)),
            saved=fmt_money(sum(savings, ZERO)),
        ),
        columns=[_("Year"), _("Today"), _("In cooperation"), _("Savings"), _("Cumulative")],
        rows=[
            list(row) for row in zip(years, baseline, cooperation, savings, cumulative, strict=True)
        ],
        traces=[
            bar(_("Today"), years, baseline, GREY),
            bar(_("In cooperation"), years, cooperation, BLUE),
        ],
        layout={
            "barmode": "group",
            "yaxis": euro_axis(_("Costs per year")),
            "xaxis": year_axis(),
        },
    )
    shapes, notes = [], []
    if result.break_even_year is not None:
        shapes = [
            {
                "type": "line",
                "x0": result.break_even_year,
                "x1": result.break_even_year,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": RED, "dash": "dash", "width": 2},
            }
        ]
        notes = [
            {
                "x": result.break_even_year,
                "yref": "paper",
                "y": 1,
                "text": _("Break-even %(year)d", year=result.break_even_year),
                "showarrow": False,
                "xanchor": "left",
                "font": {"color": RED},
            }
        ]
        reach = _("from %(year)d on they stay positive (break-even).", year=result.break_even_year)
    else:
        reach = _("the cooperation does not break even within the horizon.")
    cumulative_chart = Chart(
        id="cumulative",
        title=_("Cumulative savings"),
        summary=_(
            "By %(last)d the savings add up to %(total)s; %(reach)s Net present value %(npv)s.",
            last=last,
            total=fmt_money(cumulative[-1]),
            reach=reach,
            npv=fmt_money(cents(result.npv)),
        ),
        columns=[_("Year"), _("Savings"), _("Cumulative")],
        rows=[list(row) for row in zip(years, savings, cumulative, strict=True)],
        traces=[line(_("Cumulative savings"), years, cumulative, GREEN)],
        layout={"yaxis": euro_axis(_("Cumulative")), "shapes": shapes, "annotations": notes},
    )
    partners = sorted(result.partners, key=lambda p: p.savings_total, reverse=True)
    rows = [
        [
            names.get(p.body_id, str(p.body_id)),
            fmt_percent(p.share),
            cents(p.baseline_total),
            cents(p.cooperation_total),
            cents(p.savings_total),
            fmt_percent(p.savings_rate) if p.savings_rate is not None else "–",
        ]
        for p in partners
    ]
    per_partner = Chart(
        id="partners",
        title=_("Savings per partner over the horizon"),
        summary=(
            _(
                "%(most)s saves most (%(most_amount)s), %(least)s least (%(least_amount)s).",
                most=rows[0][0],
                most_amount=fmt_money(rows[0][4]),
                least=rows[-1][0],
                least_amount=fmt_money(rows[-1][4]),
            )
            if rows
            else _("No partners.")
        ),
        columns=partner_columns(),
        rows=rows,
        traces=[bar(_("Savings"), [r[0] for r in rows], [r[4] for r in rows], ORANGE)],
        layout={"yaxis": euro_axis(_("Savings")), "xaxis": {"automargin": True}},
    )
    return [costs, cumulative_chart, per_partner]


def body_chart(body_name: str, per_initiative: list[tuple[str, m.PartnerResult, list[int]]]):
    """What one body saves, year by year, across its initiatives."""
    totals: dict[int, Decimal] = {}
    for _title, partner, years in per_initiative:
        for year, saved in zip(years, partner.savings, strict=True):
            totals[year] = totals.get(year, ZERO) + saved
    years = sorted(totals)
    values = apportion([totals[y] for y in years])  # they add up to the total, rounded once
    overall = sum(values, ZERO)
    return Chart(
        id="town",
        title=_("What %(name)s saves per year", name=body_name),
        summary=(
            ngettext(
                "Across %(num)d initiative %(name)s saves %(total)s from %(first)d to %(last)d.",
                "Across %(num)d initiatives %(name)s saves %(total)s from %(first)d to %(last)d.",
                len(per_initiative),
                name=body_name,
                total=fmt_money(overall),
                first=years[0],
                last=years[-1],
            )
            if years
            else _("No savings estimate includes %(name)s yet.", name=body_name)
        ),
        columns=[_("Year"), _("Savings")],
        rows=[[y, v] for y, v in zip(years, values, strict=True)],
        traces=[bar(_("Savings"), years, values, GREEN)],
        layout={"yaxis": euro_axis(_("Savings per year"))},
    )


def count_chart(chart_id: str, title: str, counts: Counter, labels, colour: str) -> Chart:
    """A bar chart of how many initiatives fall in each category (phase, service area …)."""
    keys = [k for k in labels if counts.get(k)]
    names = [str(label(labels, k)) for k in keys]
    values = [counts[k] for k in keys]
    total = sum(values)
    top = max(zip(values, names, strict=True), default=(0, "–"))
    return Chart(
        id=chart_id,
        title=title,
        summary=ngettext(
            "%(num)d initiative, in %(name)s.",
            "%(num)d initiatives; most of them (%(n)d) in %(name)s.",
            total,
            n=top[0],
            name=top[1],
        )
        if total
        else _("No initiatives."),
        columns=[_("Category"), _("Initiatives")],
        rows=[[n, v] for n, v in zip(names, values, strict=True)],
        traces=[bar(_("Initiatives"), names, values, colour)],
        layout={"yaxis": {"title": {"text": _("Initiatives")}, "dtick": 1}},
    )


MAX_BARS = 25  # bars of one chart before it shows the most important ones only


def dashboard_charts(initiatives, summaries, grants, totals, outcomes) -> list[Chart]:
    """The district at a glance: phases, areas, decisions, funding, savings over time."""
    phases = count_chart(
        "phases",
        _("Initiatives by phase"),
        Counter(i.phase for i in initiatives),
        PHASE_LABELS,
        BLUE,
    )
    areas = count_chart(
        "areas",
        _("Initiatives by service area"),
        Counter(i.service_area for i in initiatives),
        SERVICE_AREA_LABELS,
        ORANGE,
    )
    titles = [i.title for i in initiatives]
    decided = [summaries[i.id].decided for i in initiatives]
    open_ = [summaries[i.id].total - summaries[i.id].decided for i in initiatives]
    complete = sum(1 for i in initiatives if summaries[i.id].complete)
    summary = " ".join(
        (
            ngettext(
                "Every council has decided in %(complete)d of %(num)d initiative.",
                "Every council has decided in %(complete)d of %(num)d initiatives.",
                len(initiatives),
                complete=complete,
            ),
            ngettext(
                "%(num)d decision is still open.",
                "%(num)d decisions are still open.",
                sum(open_),
            ),
        )
    )
    # a bar per initiative reads up to a few dozen; beyond, the ones most in arrears
    shown = sorted(range(len(titles)), key=lambda n: (-open_[n], titles[n]))[:MAX_BARS]
    if len(titles) > MAX_BARS:
        summary += " " + _(
            "The chart shows the %(n)d initiatives with the most open decisions; "
            "the table lists all.",
            n=MAX_BARS,
        )
    else:
        shown = list(range(len(titles)))
    # long titles shortened on the axis (the table beside the chart has them whole)
    pick: list[str] = []
    for n in shown:  # two titles alike in their beginning stay two bars
        text, k = short(titles[n]), 2
        while text in pick:
            text, k = f"{short(titles[n], 24)} ({k})", k + 1
        pick.append(text)
    decisions = Chart(
        id="decisions",
        title=_("Council decisions per initiative"),
        summary=summary,
        columns=[_("Initiative"), _("Decided"), _("Open")],
        rows=[[t, d, o] for t, d, o in zip(titles, decided, open_, strict=True)],
        traces=[
            bar(_("Decided"), pick, [decided[n] for n in shown], GREEN),
            bar(_("Open"), pick, [open_[n] for n in shown], RED),
        ],
        layout={
            "barmode": "stack",
            "yaxis": {"title": {"text": _("Councils")}},
            "xaxis": {"automargin": True, "tickangle": -30},
        },
    )
    granted = sum((g.amount_granted or ZERO for g in grants), ZERO)
    received = sum((totals[g.id]["received"] for g in grants), ZERO)
    # requested: applied for and not granted yet; a planned grant has not been applied for
    requested = sum(
        (
            g.amount_requested or ZERO
            for g in grants
            if g.amount_granted is None and g.status != GrantStatus.PLANNED
        ),
        ZERO,
    )
    outstanding = granted - received
    names = [_("Requested, not yet granted"), _("Granted"), _("Received"), _("Outstanding")]
    values = [requested, granted, received, outstanding]
    funding = Chart(
        id="funding",
        title=_("Funding"),
        summary=ngettext(
            "%(num)d grant: %(granted)s granted, %(received)s received, %(outstanding)s "
            "outstanding; %(requested)s requested and not yet granted.",
            "%(num)d grants: %(granted)s granted, %(received)s received, %(outstanding)s "
            "outstanding; %(requested)s requested and not yet granted.",
            len(grants),
            granted=fmt_money(granted),
            received=fmt_money(received),
            outstanding=fmt_money(outstanding),
            requested=fmt_money(requested),
        ),
        columns=[_("Funding"), _("Amount")],
        rows=[[n, v] for n, v in zip(names, values, strict=True)],
        traces=[bar(_("Funding"), names, values, BLUE)],
        layout={"yaxis": euro_axis(_("Amount"))},
    )
    by_year: dict[int, Decimal] = {}
    for outcome in outcomes:
        if outcome.result is None:
            continue
        for y in outcome.result.years:
            by_year[y.year] = by_year.get(y.year, ZERO) + y.savings
    years = sorted(by_year)
    per_year = [cents(by_year[y]) for y in years]
    running, cumulative = ZERO, []
    for v in per_year:
        running += v
        cumulative.append(running)
    savings = Chart(
        id="savings",
        title=_("Savings of all initiatives over time"),
        summary=(
            ngettext(
                "%(num)d initiative with a savings estimate saves %(total)s from %(first)d "
                "to %(last)d.",
                "%(num)d initiatives with a savings estimate save %(total)s from %(first)d "
                "to %(last)d.",
                sum(1 for o in outcomes if o.result is not None),
                total=fmt_money(running),
                first=years[0],
                last=years[-1],
            )
            if years
            else _("No initiative has a savings estimate yet.")
        ),
        columns=[_("Year"), _("Savings"), _("Cumulative")],
        rows=[[y, v, c] for y, v, c in zip(years, per_year, cumulative, strict=True)],
        traces=[
            bar(_("Savings"), years, per_year, GREEN),
            line(_("Cumulative"), years, cumulative, BLUE),
        ],
        layout={"yaxis": euro_axis(_("Savings"))},
    )
    return [phases, areas, decisions, funding, savings]


def chart_by_id(charts: Iterable[Chart], chart_id: str) -> Chart | None:
    """The chart of this id, or None."""
    return next((c for c in charts if c.id == chart_id), None)
