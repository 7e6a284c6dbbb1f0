"""Error pages in the site's look, JSON errors under /api/, and security headers."""

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from ..extensions import db
from ..i18n import fmt_number
from ..validation import has_nul

# Everything is served by us: no CDN, no third-party requests (see TOOLCHAIN.md).
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "server_error",
}


def api_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    """The API's one error shape: {"error": {"code", "message", "fields"}}."""
    body = {
        "error": {
            "code": code or API_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return jsonify(body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _explained(exc: HTTPException) -> tuple[str, str]:
    """A title and a sentence in the person's language (Werkzeug's are English)."""
    known = {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("Your role does not allow this.")),
        404: (_("Not found"), _("There is nothing at this address.")),
        405: (_("Not possible"), _("This address does not take this kind of request.")),
        415: (_("Unsupported format"), _("This kind of content is not accepted here.")),
        429: (_("Too many requests"), _("Too many requests. Please wait a moment.")),
    }
    if exc.code in known:
        return known[exc.code]
    return _("Not possible"), _("The request could not be carried out.")


def _nul_field() -> tuple[str, int] | None:
    """The first field of the request holding NUL or a lone surrogate (no database stores
    them, no person types them), with the API's status for it (400 in the query, as every
    bad query parameter, 422 in the body), or None."""
    for key, value in request.args.items(multi=True):
        if has_nul(key) or has_nul(value):
            return key, 400
    found = _nul_in_body()
    return (found, 422) if found is not None else None


def _nul_in_body() -> str | None:
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if has_nul(key) or has_nul(value):
                return key
    if request.is_json:
        stack = [("", request.get_json(silent=True))]
        while stack:
            key, value = stack.pop()
            if isinstance(value, str) and has_nul(value):
                return key or "body"
            if isinstance(value, dict):
                stack += [(f"{key}.{k}" if key else str(k), x) for k, x in value.items()]
                if any(has_nul(str(k)) for k in value):
                    return key or "body"
            elif isinstance(value, list):
                stack += [(f"{key}.{i}" if key else str(i), x) for i, x in enumerate(value)]
    return None


def init_input_guard(app: Flask) -> None:
    """Refuse a request whose query, form or JSON holds a NUL character (or a lone
    surrogate) with a message naming the field; other control characters are cleaned where
    texts enter (the command models, `coop.validation`)."""

    @app.before_request
    def _refuse_nul():
        found = _nul_field()
        if found is None:
            return None
        field, status = found
        message = _("The input contains a control character (NUL) that cannot be stored.")
        if _wants_json():
            return api_error(status, message, {field: message})
        return render_template("errors/generic.html", title=_("Bad request"), message=message), 400


def init_error_handlers(app: Flask) -> None:
    """Error pages in the page's language, and the API's JSON errors under /api/."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, SecurityError):  # a host we do not serve: no page to link from
            return Response("400 Bad Request: unknown host\n", status=400, mimetype="text/plain")
        if exc.code == 413:
            return too_large()
        title, message = _explained(exc)
        if _wants_json():
            return api_error(exc.code or 500, message)
        if request.path.startswith("/oparl/"):
            from ..oparl.server import error

            # an OParl Error; the headers (CORS, charset) come from the OParl blueprint's
            # after_app_request, which sees every answer under /oparl/
            response = jsonify(error(message, exc.description))
            allowed = getattr(exc, "valid_methods", None)
            if exc.code == 405 and allowed:
                response.headers["Allow"] = ", ".join(allowed)
            return response, exc.code
        if exc.code in (403, 404, 500):
            return render_template(f"errors/{exc.code}.html"), exc.code
        return render_template("errors/generic.html", title=title, message=message), exc.code

    def too_large():
        from ..resolutions.documents import (
            MAX_SPREADSHEET_BYTES,
            SPREADSHEET_ENDPOINTS,
            UPLOAD_ENDPOINTS,
        )

        if request.endpoint in SPREADSHEET_ENDPOINTS:
            mb = MAX_SPREADSHEET_BYTES // 2**20
            message = ngettext(
                "The file is larger than %(count)s MB.",
                "The file is larger than %(count)s MB.",
                mb,
                count=fmt_number(mb),
            )
            fields = {"file": message}
        elif request.endpoint in UPLOAD_ENDPOINTS:
            message = _(
                "The file is larger than 20 MB. Go back: what you entered is still in the "
                "form; choose a smaller file (for example the paper without its annexes)."
            )
            fields = {"document": _("The file is larger than 20 MB.")}
        else:
            message, fields = _("The request is too large."), {}
        if _wants_json():
            return api_error(413, message, fields)
        return render_template(
            "errors/generic.html", title=_("File too large"), message=message
        ), 413

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_template(
            "errors/generic.html",
            title=_("Form expired"),
            message=_("The form has expired. Please go back, reload the page and try again."),
        ), 400

    @app.errorhandler(StaleDataError)
    def stale(exc):
        db.session.rollback()
        message = _("Someone else changed this record in the meantime. Reload it first.")
        if _wants_json():
            return api_error(409, message, {"version": message})
        return render_template("errors/generic.html", message=message), 409

    @app.errorhandler(IntegrityError)
    def integrity(exc):
        # a last line: the services check what is in use; a race between two people can
        # still reach the database's own rule
        db.session.rollback()
        message = _("This record is still used elsewhere or already exists; nothing was changed.")
        if _wants_json():
            return api_error(409, message)
        return render_template("errors/generic.html", message=message), 409

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        if _wants_json():
            return api_error(500, _("An internal error occurred."))
        if request.path.startswith("/oparl/"):
            from ..oparl.server import error

            return jsonify(error(_("An internal error occurred."))), 500
        return render_template("errors/500.html"), 500

    # Signing out of single sign-on is a form whose answer leads to the provider: the one
    # other host a form may end at.
    from ..auth.oidc import provider_origin

    origin = provider_origin(app)
    csp = CSP.replace("form-action 'self'", f"form-action 'self' {origin}") if origin else CSP

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        hsts = app.config.get("HSTS_SECONDS", 0)
        if hsts and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"
            )
        return response
