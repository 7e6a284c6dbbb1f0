"""Pages that draw on every domain of a district: the dashboard (phases, areas, decisions,
funding, savings at a glance) and the report for the mayors' conference, as a page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import permissions
from ..cache import cached, render_cached, request_key
from ..core import clock
from ..exports import download
from ..extensions import db
from ..models import STATES, Body, FundingProgram
from ..pagecache import cacheable
from ..savings import present
from . import data as data_

bp = Blueprint("reports", __name__)


def _scope() -> tuple[data_.Scope | None, dict]:
    """What the page covers, from its arguments: a district (by default the person's own), a
    Land (`state`), a funding programme (`program`), chosen initiatives; and how it is named.
    None when nothing is chosen (an admin or funding officer without a district)."""
    args = request.args
    ids = tuple(args.getlist("initiative", type=int))
    state = args.get("state") if args.get("state") in STATES else None
    program_id = args.get("program", type=int)
    district_id = args.get("district", type=int)
    if district_id is None and not (state or program_id or ids):
        if current_user.is_authenticated and current_user.body is not None:
            district_id = current_user.body.district_id or current_user.body.id
    district = db.session.get(Body, district_id) if district_id else None
    program = db.session.get(FundingProgram, program_id) if program_id else None
    names = {
        "district": district,
        "state": state,
        "state_name": STATES.get(state or ""),
        "program": program,
    }
    if district is None and state is None and program is None and not ids:
        return None, names
    scope = data_.Scope(
        district_id=district.id if district else None,
        state=state,
        program_id=program.id if program else None,
        ids=ids,
    )
    return scope, names


def _title(names: dict) -> str | None:
    """The scope in words: "Kreis Höxter", "Nordrhein-Westfalen", "Programme: IKZ NRW"."""
    parts = []
    if names["district"] is not None:
        parts.append(names["district"].name)
    if names["state_name"]:
        parts.append(names["state_name"])
    if names["program"] is not None:
        parts.append(names["program"].name)
    return " · ".join(parts) or None


def _file_key(names: dict) -> str:
    if names["district"] is not None:
        return str(names["district"].ags or names["district"].id)
    if names["state"]:
        return f"land-{names['state']}"
    if names["program"] is not None:
        return f"programm-{names['program'].id}"
    return "auswahl"


@bp.route("/dashboard/")
@login_required
@cacheable
def dashboard():
    """A district, a Land or a funding programme at a glance: phases, areas, decisions,
    funding, savings."""
    if not permissions.can_view_dashboard(current_user):
        abort(403)
    scope, names = _scope()
    if scope and request.args.get("chart"):
        data = data_.scope_data(scope)
        charts = present.dashboard_charts(**data.chart_inputs())
        chart = present.chart_by_id(charts, request.args["chart"])
        if chart is None:
            abort(404)
        return download(chart.csv(), f"dashboard-{_file_key(names)}-{chart.id}.csv")

    def context():
        data = data_.scope_data(scope) if scope else None
        return {
            **names,
            "scope_args": _scope_args(names),
            "title": _title(names),
            "districts": data_.districts(),
            "states": STATES,
            "programs": data_.programs(),
            "data": data,
            "charts": present.dashboard_charts(**data.chart_inputs()) if data else [],
        }

    return render_cached(request_key(), "reports/dashboard.html", context)


def _scope_args(names: dict) -> dict:
    """The arguments that name the scope again (links to the report, the PDF, the CSVs)."""
    args = {}
    if names["district"] is not None:
        args["district"] = names["district"].id
    if names["state"]:
        args["state"] = names["state"]
    if names["program"] is not None:
        args["program"] = names["program"].id
    return args


class _Choose(Exception):
    """No scope chosen: the dashboard asks for one."""


def _report_scope():
    """The scope of the report; without one, the dashboard asks for it."""
    scope, names = _scope()
    if scope is None:
        raise _Choose
    return scope, names


@bp.errorhandler(_Choose)
def _choose(_exc):
    flash(_("Choose what the report covers: a district, a Land or a funding programme."), "info")
    return redirect(url_for(".dashboard"))


@bp.route("/report/")
@login_required
@cacheable
def report_page():
    """The report for the mayors' conference, laid out for print (A4)."""
    scope, names = _report_scope()

    def compute() -> bytes:
        data = data_.scope_data(scope)
        charts = present.dashboard_charts(**data.chart_inputs()) if data.sections else []
        return render_template(
            "reports/report.html",
            decisions=present.chart_by_id(charts, "decisions") if charts else None,
            district=names["district"],
            title=_title(names),
            scope_args=_scope_args(names),
            data=data,
        ).encode()

    return cached(request_key("html"), compute).decode()


@bp.route("/report.pdf")
@login_required
@cacheable
def report_pdf():
    """The report as an A4 PDF (cached like the page: computed once per change of the data)."""
    from . import pdf

    scope, names = _report_scope()

    def compute() -> bytes:
        data = data_.scope_data(scope)
        return pdf.build(_title(names), data, clock.today(), str(get_locale()))

    name = f"bericht-buergermeisterkonferenz-{clock.today().isoformat()}.pdf"
    return download(cached(request_key("pdf"), compute), name)
