"""Pages of savings: an initiative's estimate with its results and charts, scenarios and their
comparison, XLSX and CSV; what a body saves (my town); cost-rate tables."""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit import audit_entries
from ..auth import permissions
from ..cache import render_cached, request_key
from ..commands import bind
from ..core import clock
from ..core.money import apportion
from ..errors import ServiceError
from ..exports import download
from ..extensions import db
from ..forms import (
    apply_errors,
    ask_then_delete,
    form_version,
    percent_text,
    percents_to_fractions,
    submit,
)
from ..initiatives import services as initiatives
from ..models import Body, CostModel, Initiative, Participant
from ..pagecache import cacheable
from . import present, services, workbook
from .forms import CopyForm, CostModelForm, RateTableForm
from .schemas import CostModelIn, CostRateTableIn

bp = Blueprint("savings", __name__)


def _initiative(initiative_id: int) -> Initiative:
    initiative = initiatives.load_initiative(initiative_id)
    if initiative is None or not permissions.can_view_savings(current_user, initiative):
        abort(404)
    return initiative


def _model(initiative: Initiative, model_id: int) -> CostModel:
    model = services.load_model(model_id)
    if model is None or model.initiative_id != initiative.id:
        abort(404)
    return model


def _names(initiative: Initiative) -> dict[int, str]:
    return {p.body_id: p.body.name for p in initiative.participants}


def _chosen(initiative: Initiative, models: list[CostModel]) -> CostModel | None:
    wanted = request.args.get("model", type=int)
    return next((x for x in models if x.id == wanted), models[0] if models else None)


@bp.route("/initiatives/<int:initiative_id>/savings")
@cacheable
def initiative(initiative_id: int):
    """The savings estimate: inputs, results, charts; scenarios to switch between."""
    ini = _initiative(initiative_id)
    models = services.models_of([ini.id])[ini.id]
    model = _chosen(ini, models)
    outcome = services.results([model])[model.id] if model else None
    charts = (
        present.initiative_charts(outcome.result, _names(ini)) if outcome and outcome.result else []
    )
    return render_template(
        "savings/initiative.html",
        initiative=ini,
        models=models,
        model=model,
        outcome=outcome,
        charts=charts,
        names=_names(ini),
        annual=services.annual_costs(model.cost_rate_table) if model else {},
        line_costs=services.line_costs(model) if model else {},
        copy_form=CopyForm(),
        can_edit=permissions.can_edit_cost_model(current_user, ini),
        can_edit_own=permissions.can_edit_partner_costs(current_user, ini),
        discount_source=current_app.config["SAVINGS_DISCOUNT_SOURCE"],
        audit=audit_entries("CostModel", model.id)
        if model and permissions.can_view_audit(current_user)
        else None,
    )


@bp.route("/initiatives/<int:initiative_id>/savings/<int:model_id>/<chart_id>.csv")
@cacheable
def chart_csv(initiative_id: int, model_id: int, chart_id: str):
    """One chart's data as CSV."""
    ini = _initiative(initiative_id)
    model = _model(ini, model_id)
    outcome = services.results([model])[model.id]
    if outcome.result is None:
        abort(404)
    chart = present.chart_by_id(present.initiative_charts(outcome.result, _names(ini)), chart_id)
    if chart is None:
        abort(404)
    return download(chart.csv(), f"einsparung-{ini.id}-{model.id}-{chart_id}.csv")


@bp.route("/initiatives/<int:initiative_id>/savings/<int:model_id>.xlsx")
@cacheable
def xlsx(initiative_id: int, model_id: int):
    """The model's inputs and results as a workbook."""
    ini = _initiative(initiative_id)
    model = _model(ini, model_id)
    outcome = services.results([model])[model.id]
    data = workbook.model_workbook(ini, model, outcome)
    return download(data, f"einsparung-{ini.id}-{model.id}.xlsx")


@bp.route("/initiatives/<int:initiative_id>/savings/compare")
@cacheable
def compare(initiative_id: int):
    """All scenarios side by side."""
    ini = _initiative(initiative_id)
    models = services.models_of([ini.id])[ini.id]
    return render_template(
        "savings/compare.html",
        initiative=ini,
        models=models,
        outcomes=services.results(models),
        names=_names(ini),
    )


# --- the form --------------------------------------------------------------------------------


def _form_page(form, ini, model, only_body, status=200):
    return (
        render_template(
            "savings/form.html",
            form=form,
            initiative=ini,
            model=model,
            only_body=only_body,
            names=_names(ini),
        ),
        status,
    )


def _edit(ini: Initiative, model: CostModel | None):
    full = permissions.can_edit_cost_model(current_user, ini)
    if not full and (model is None or not permissions.can_edit_partner_costs(current_user, ini)):
        abort(403)
    only_body = None if full else current_user.body_id
    tables = services.rate_tables()
    table = model.cost_rate_table if model else (tables[0] if tables else None)
    grades = [r.pay_grade for r in table.rates_in_order] if table else []
    partners = [p.body for p in initiatives.ordered_partners(ini)]
    form = CostModelForm()
    if request.method == "GET":
        if model is not None:
            form.fill(model)
            form.add_blank_rows(1)
        else:
            form.first_year.data = str(clock.today().year + 1)
            form.horizon_years.data = "10"
            form.discount_rate.data = percent_text(
                Decimal(str(current_app.config["SAVINGS_DISCOUNT_RATE"]))
            )
            form.cost_growth_rate.data = "0"
            form.allocation_key.data = "population"
            for body in partners:
                form.partners.append_entry({"body_id": str(body.id)})
                # a row of today's costs for each partner: what every one of them spends now
                form.baseline.append_entry({"body_id": str(body.id)})
            form.add_blank_rows(1, only=tuple(n for n in form.SECTIONS if n != "baseline"))
            form.add_blank_rows(1, only=form.EVENTS)
    elif "add_rows" in request.form:
        form.add_blank_rows(1)
        form.set_choices(tables, partners, grades)
        return _form_page(form, ini, model, only_body)
    form.set_choices(tables, partners, grades)
    if form.validate_on_submit():
        data, edge = percents_to_fractions(
            form.values(only_body),
            shares=("base_share", "partners.*.fixed_share"),
            rates=("discount_rate", "cost_growth_rate"),
        )
        command, typing_errors = bind(CostModelIn, data)
        try:
            saved = submit(
                lambda command: services.save_model(
                    ini, model, command, actor=current_user, expected_version=form_version(form)
                ),
                command,
                {**typing_errors, **edge},
            )
            db.session.commit()
            flash(_("The savings estimate has been saved."), "success")
            return redirect(url_for(".initiative", initiative_id=ini.id, model=saved.id))
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            ini = initiatives.load_initiative(ini.id)
            model = services.load_model(model.id) if model else None
            return _form_page(form, ini, model, only_body, exc.status)
    return _form_page(form, ini, model, only_body)


@bp.route("/initiatives/<int:initiative_id>/savings/new", methods=["GET", "POST"])
@login_required
def create(initiative_id: int):
    """Start the initiative's savings estimate."""
    return _edit(_initiative(initiative_id), None)


@bp.route("/initiatives/<int:initiative_id>/savings/<int:model_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int, model_id: int):
    """Change a scenario (a partner editor: only their own body's values and lines)."""
    ini = _initiative(initiative_id)
    return _edit(ini, _model(ini, model_id))


def _action(initiative_id: int, model_id: int, run, message: str):
    ini = _initiative(initiative_id)
    model = _model(ini, model_id)
    if not permissions.can_edit_cost_model(current_user, ini):
        abort(403)
    try:
        target = run(model) or model
        db.session.commit()
        flash(message, "success")
        return redirect(url_for(".initiative", initiative_id=ini.id, model=target.id))
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join([exc.message, *exc.fields.values()]), "danger")
        return redirect(url_for(".initiative", initiative_id=ini.id, model=model_id))


@bp.route("/initiatives/<int:initiative_id>/savings/<int:model_id>/copy", methods=["POST"])
@login_required
def copy(initiative_id: int, model_id: int):
    """Copy a scenario under another name."""
    form = CopyForm()
    return _action(
        initiative_id,
        model_id,
        lambda model: services.copy_model(model, form.name.data, actor=current_user),
        _("The scenario has been created; change its values now."),
    )


@bp.route("/initiatives/<int:initiative_id>/savings/<int:model_id>/primary", methods=["POST"])
@login_required
def primary(initiative_id: int, model_id: int):
    """Make a scenario the primary estimate."""
    return _action(
        initiative_id,
        model_id,
        lambda model: services.make_primary(model, actor=current_user),
        _("This scenario now counts for funding and the dashboard."),
    )


@bp.route("/initiatives/<int:initiative_id>/savings/<int:model_id>/delete", methods=["GET", "POST"])
@login_required
def delete(initiative_id: int, model_id: int):
    """Delete a scenario, after asking."""
    ini = _initiative(initiative_id)
    model = _model(ini, model_id)
    if not permissions.can_edit_cost_model(current_user, ini):
        abort(403)
    return ask_then_delete(
        model,
        lambda version: services.delete_model(model, actor=current_user, expected_version=version),
        label=model.name,
        kind=_("Savings scenario"),
        context=ini.title,
        back=url_for(".initiative", initiative_id=ini.id, model=model_id),
        then=url_for(".initiative", initiative_id=ini.id),
    )


# --- my town ---------------------------------------------------------------------------------


@bp.route("/bodies/<int:body_id>/savings")
@cacheable
def body(body_id: int):
    """What a body saves across its initiatives, year by year (public initiatives for all)."""
    town = db.session.get(Body, body_id)
    if town is None:
        abort(404)
    if request.args.get("format") == "csv":
        return download(_town_chart(town)[1].csv(), f"einsparung-{town.ags or town.id}.csv")
    return render_cached(
        request_key(),
        "savings/body.html",
        lambda: dict(zip(("rows", "town_chart"), _town_chart(town), strict=True), body=town),
    )


def _town_chart(town: Body):
    """Each initiative of the town with its primary estimate's result, and the chart."""
    body_id = town.id
    stmt = (
        select(Initiative)
        .join(Participant, Participant.initiative_id == Initiative.id)
        .where(Participant.body_id == body_id)
        .options(selectinload(Initiative.participants).joinedload(Participant.body))
        .order_by(Initiative.title)
    )
    if not current_user.is_authenticated:
        stmt = stmt.where(Initiative.public.is_(True))
    inis = list(db.session.scalars(stmt).unique())
    primaries = services.primary_models([i.id for i in inis])
    outcomes = services.results(list(primaries.values()))
    rows = []
    for ini in inis:
        model = primaries.get(ini.id)
        outcome = outcomes.get(model.id) if model else None
        partner = None
        if outcome and outcome.result:
            partner = next((p for p in outcome.result.partners if p.body_id == body_id), None)
        rows.append((ini, model, outcome, partner))
    per_initiative = [
        (ini.title, partner, [y.year for y in outcome.result.years])
        for ini, _m, outcome, partner in rows
        if partner is not None
    ]
    # the rows' savings add up to the total the chart states, to the cent (one rounding rule)
    shown = iter(apportion([p.savings_total for *_r, p in rows if p is not None]))
    rows = [(*row, next(shown) if row[3] is not None else None) for row in rows]
    return rows, present.body_chart(town.name, per_initiative)


# --- cost-rate tables ------------------------------------------------------------------------


@bp.route("/savings/rates/", methods=["GET", "POST"])
@login_required
@cacheable
def rates():
    """The cost-rate tables; admins add next year's."""
    form = RateTableForm()
    can_manage = permissions.can_manage_rate_tables(current_user)
    status = 200
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit():
            try:
                command, edge = bind(CostRateTableIn, form.data)
                submit(
                    lambda command: services.create_rate_table(command, actor=current_user),
                    command,
                    edge,
                )
                db.session.commit()
                flash(_("The cost-rate table has been added."), "success")
                return redirect(url_for(".rates"))
            except ServiceError as exc:
                db.session.rollback()
                apply_errors(form, exc)
                status = exc.status
    tables = services.rate_tables()
    return (
        render_template(
            "savings/rates.html",
            tables=tables,
            annual={t.id: services.annual_costs(t) for t in tables},
            form=form,
            can_manage=can_manage,
        ),
        status,
    )
