"""Error pages in the site's look, JSON errors under /api/, and security headers."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..extensions import db

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


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json():
            return api_error(exc.code or 500, exc.description or exc.name)
        if exc.code in (403, 404, 500):
            return render_template(f"errors/{exc.code}.html"), exc.code
        return render_template("errors/generic.html", error=exc), exc.code

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_template(
            "errors/generic.html",
            error=exc,
            message=_("The form has expired. Please go back, reload the page and try again."),
        ), 400

    @app.errorhandler(StaleDataError)
    def stale(exc):
        db.session.rollback()
        message = _("Someone else changed this record in the meantime. Reload it first.")
        if _wants_json():
            return api_error(409, message, {"version": message})
        return render_template("errors/generic.html", error=None, message=message), 409

    @app.errorhandler(IntegrityError)
    def integrity(exc):
        # a last line: the services check what is in use; a race between two people can
        # still reach the database's own rule
        db.session.rollback()
        message = _("This record is still used elsewhere or already exists; nothing was changed.")
        if _wants_json():
            return api_error(409, message)
        return render_template("errors/generic.html", error=None, message=message), 409

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        if _wants_json():
            return api_error(500, _("An internal error occurred."))
        return render_template("errors/500.html"), 500

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        hsts = app.config.get("HSTS_SECONDS", 0)
        if hsts and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"
            )
        return response
