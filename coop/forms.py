"""Helpers shared by the HTML forms."""

from flask_wtf import FlaskForm

from .errors import ServiceError


def apply_errors(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's field errors at the matching form fields; the message and errors for
    fields the form does not show go into the summary above the form."""
    form.form_errors.append(exc.message)
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), message]
        elif message != exc.message:
            form.form_errors.append(message)
