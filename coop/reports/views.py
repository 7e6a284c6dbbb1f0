"""Pages that draw on every domain of a district: the dashboard (phases, areas, decisions,
funding, savings at a glance) and the report for the mayors' conference, as a page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from ..auth import permissions
from ..cache import cached, render_cached, request_key
from ..core import clock
from ..exports import download
from ..extensions import db
from ..models import Body
from ..pagecache import cacheable
from ..savings import present
from . import data as data_

bp = Blueprint("reports", __name__)


def _district(required: bool = True) -> Body | None:
    district_id = request.args.get("district", type=int)
    if district_id is None and current_user.is_authenticated and current_user.body is not None:
        district_id = current_user.body.district_id or current_user.body.id
    district = db.session.get(Body, district_id) if district_id else None
    if required and district is None:
        return None
    return district


@bp.route("/dashboard/")
@login_required
@cacheable
def dashboard():
    """The district at a glance: phases, areas, decisions, funding, savings."""
    if not permissions.can_view_dashboard(current_user):
        abort(403)
    district = _district()
    if district and request.args.get("chart"):
        data = data_.district_data(district.id)
        charts = present.dashboard_charts(**data.chart_inputs())
        chart = present.chart_by_id(charts, request.args["chart"])
        if chart is None:
            abort(404)
        return download(chart.csv(), f"dashboard-{district.ags or district.id}-{chart.id}.csv")

    def context():
        data = data_.district_data(district.id) if district else None
        return {
            "district": district,
            "districts": data_.districts(),
            "data": data,
            "charts": present.dashboard_charts(**data.chart_inputs()) if data else [],
        }

    return render_cached(request_key(), "reports/dashboard.html", context)


def _report_scope():
    """The district and the chosen initiatives of the report (one of them is needed)."""
    district = _district()
    ids = request.args.getlist("initiative", type=int)
    if district is None and not ids:
        abort(404)
    return district, ids


@bp.route("/report/")
@login_required
@cacheable
def report_page():
    """The report for the mayors' conference, laid out for print (A4)."""
    district, ids = _report_scope()

    def compute() -> bytes:
        data = data_.report_data(district.id if district else None, ids or None)
        return render_template("reports/report.html", district=district, data=data).encode()

    return cached(request_key("html"), compute).decode()


@bp.route("/report.pdf")
@login_required
@cacheable
def report_pdf():
    """The report as an A4 PDF (cached like the page: computed once per change of the data)."""
    from . import pdf

    district, ids = _report_scope()

    def compute() -> bytes:
        data = data_.report_data(district.id if district else None, ids or None)
        name = district.name if district else None
        return pdf.build(name, data, clock.today(), str(get_locale()))

    name = f"bericht-buergermeisterkonferenz-{clock.today().isoformat()}.pdf"
    return download(cached(request_key("pdf"), compute), name)
