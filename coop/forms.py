"""Helpers shared by the HTML forms."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FieldList

from . import validation as v
from .errors import ServiceError, ValidationError

DATE = {"type": "date"}
AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}


def number_text(value: Decimal | None, places: int = 2) -> str:
    """A stored number as the form shows it: 490.000,00 in German, 490,000.00 in English."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=str(get_locale() or "de"))


def percent_text(rate: Decimal | None) -> str:
    """A stored fraction as the form shows it, in percent: 0.9 -> "90" (the form's edge is the
    only place where rates are percentages)."""
    if rate is None:
        return ""
    return format_decimal((rate * 100).normalize(), locale=str(get_locale() or "de"))


def _field(form, name: str):
    """The form field a service error key names: `title`, or `participants.0.body_id` for a
    row of a FieldList of FormFields."""
    node = form
    for part in name.split("."):
        if part.isdigit():
            entries = getattr(node, "entries", None)
            if entries is None or int(part) >= len(entries):
                return None
            node = entries[int(part)]
        else:
            inner = getattr(node, "form", node)  # a FormField holds its fields in .form
            node = (
                getattr(inner, part, None)
                if not hasattr(inner, "_fields")
                else inner._fields.get(part)
            )
            if node is None:
                return None
    return node if hasattr(node, "errors") else None


def apply_errors(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's field errors at the matching form fields; the message and errors for
    fields the form does not show go into the summary above the form."""
    form.form_errors.append(exc.message)
    for name, message in exc.fields.items():
        field = _field(form, name)
        if field is not None and not hasattr(field, "entries"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors = [*list(field.errors), message]
        elif message != exc.message:
            form.form_errors.append(message)


def row_errors(form: FlaskForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error inside list rows (participants, tranches,
    amount tiers, cost lines …), for the error summary."""
    out = []
    for rows in form:
        if not isinstance(rows, FieldList):
            continue
        for i, entry in enumerate(rows.entries, start=1):
            subs = entry.form if hasattr(entry, "form") else [entry]
            for sub in subs:
                for message in sub.errors:
                    out.append((sub.id, f"{sub.label.text} ({i})", message))
    return out


def is_row_list(field) -> bool:
    """Whether a form field is a list of rows (its errors are listed row by row)."""
    return isinstance(field, FieldList)


def form_version(form: FlaskForm) -> int | None:
    """The record version a form was loaded with (its hidden `version` field), if any."""
    raw = (form.version.data or "").strip()
    return int(raw) if raw.isdigit() else None


def _fraction(errors: dict, key: str, raw, share: bool):
    """One percentage typed in a form as the fraction the services take (90 -> 0.9)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    scratch: dict = {}
    number = v.decimal_number(scratch, key, raw)
    if scratch:
        errors[key] = (
            _("Please enter a percentage, e.g. 90.")
            if share
            else _("Please enter a rate, e.g. 0.9 for 0.9 %.")
        )
        return None
    if share and not 0 <= number <= 100:
        errors[key] = _("Please enter a percentage between 0 and 100.")
        return None
    return number / 100


def percents_to_fractions(
    values: dict, *, shares: tuple[str, ...] = (), rates: tuple[str, ...] = ()
) -> tuple[dict, dict[str, str]]:
    """The form's values with its percentages turned into fractions, and what could not be
    read. Forms show rates as percentages (0,9 %); everything behind the form (services, API,
    database) speaks fractions (0.009), so the conversion happens here, at the edge, once.

    A name like `partners.*.fixed_share` reaches into each row of a list."""
    out = dict(values)
    errors: dict[str, str] = {}
    for names, share in ((shares, True), (rates, False)):
        for name in names:
            if ".*." in name:
                rows_key, field = name.split(".*.")
                if out.get(rows_key) is None:
                    continue
                rows = [dict(row) for row in out[rows_key]]
                for i, row in enumerate(rows):
                    if field in row:
                        row[field] = _fraction(errors, f"{rows_key}.{i}.{field}", row[field], share)
                out[rows_key] = rows
            elif name in out:
                out[name] = _fraction(errors, name, out[name], share)
    return out, errors


def with_edge_errors(exc: ServiceError | None, edge: dict[str, str]) -> ServiceError | None:
    """A service's answer joined with what the form's edge could not read (the edge's message
    wins for a field both name), so that the person sees every problem at once."""
    if not edge:
        return exc
    if exc is None or isinstance(exc, ValidationError):
        fields = {**(exc.fields if exc else {}), **edge}
        return ValidationError(_("Please correct the marked fields."), fields)
    return exc


def one_button_change(change, *, done: str, then: str, otherwise: str):
    """A change made with one button (delete, dismiss): run it, commit and say `done`, then go
    to `then`; when the service refuses (stale version, still in use), roll back, show its
    message and go to `otherwise`. The caller's view stays a thin shell."""
    from flask import flash, redirect

    from .extensions import db

    try:
        change()
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(otherwise)
    flash(done, "success")
    return redirect(then)


def ask_then_delete(obj, delete, *, label: str, kind: str, back: str, then: str, context=None):
    """A delete the way every page does it: GET shows the page that asks (what goes with it,
    the recycle bin), POST runs `delete(expected_version)`, says it is in the bin and goes to
    `then`; a refusal goes `back` with its message."""
    from flask import request

    if request.method == "GET":
        return confirm_delete(
            obj, label=label, kind=kind, action=request.path, back=back, context=context
        )
    return one_button_change(
        lambda: delete(request.form.get("version", type=int)),
        done=in_bin(label),
        then=then,
        otherwise=back,
    )


def confirm_delete(obj, *, label: str, kind: str, action: str, back: str, context=None):
    """The page that asks before a delete: what goes, what goes with it ("3 resolutions,
    1 grant"), and that it can be restored from the recycle bin."""
    from flask import render_template

    from . import trash

    return render_template(
        "bin/confirm.html",
        label=label,
        kind=kind,
        context=context,
        with_it=trash.what_goes_with(obj),
        days=trash.KEEP_DAYS,
        action=action,
        back=back,
        version=getattr(obj, "version", None),
    )


def in_bin(label: str):
    """What a delete says when it is done, with the way to the recycle bin."""
    from flask import url_for
    from flask_babel import gettext as _
    from markupsafe import Markup

    from . import trash

    text = _(
        "“%(label)s” is in the recycle bin now; it can be restored from there for %(days)d days.",
        label=label,
        days=trash.KEEP_DAYS,
    )
    link = Markup(' <a class="kern-link" href="{0}">{1}</a>').format(
        url_for("bin.index"), _("To the recycle bin")
    )
    return Markup.escape(text) + link


def submit(change, command, edge: dict[str, str]):
    """Run a service with a command bound from a form (`change(command)`). When values were
    refused (`edge`: the command's errors and those of the form's own edge, such as
    percentages), the service is still asked with what could be read (`commands.bind`), so
    that the person sees every problem at once; then every error is raised and nothing is kept
    (the view rolls back)."""
    if command is None:
        raise with_edge_errors(None, edge)
    try:
        result = change(command)
    except ServiceError as exc:
        raise with_edge_errors(exc, edge) from None
    if edge:
        raise with_edge_errors(None, edge)
    return result


def save_form(form: FlaskForm, model, values: dict, change, *, done, then, edge=None):
    """The usual POST of a form: bind `values` to the command `model`, let the service make the
    change (`change(command)`), commit, say `done(result)` and go to `then(result)`. Returns that
    redirect, or None and the status when anything was refused: then nothing is kept, the
    errors stand at their fields, and the view shows the form again. `edge` are errors the
    view's own edge found before (percentages it could not read)."""
    from flask import flash, redirect

    from .commands import bind
    from .extensions import db

    command, typing_errors = bind(model, values)
    try:
        result = submit(change, command, {**typing_errors, **(edge or {})})
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return None, exc.status
    flash(done(result), "success")
    return redirect(then(result)), 200
