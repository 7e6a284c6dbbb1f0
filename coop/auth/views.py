"""Sign-in, sign-out, own password and own API tokens."""

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from .. import audit
from ..errors import ValidationError
from ..extensions import db, login_manager
from ..forms import apply_errors
from ..i18n import fmt_datetime
from ..models import ApiToken, Body, User
from . import services
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    """Set up Flask-Login: the sign-in page, its message, and how a session finds its person."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        # with the person's body and its district: the menu, the start page and the
        # permission checks read them, which would be two more queries per page
        return db.session.get(
            User,
            int(user_id),
            options=[joinedload(User.body).joinedload(Body.district)],
        )

    @app.before_request
    def name_the_actor():
        if request.path.startswith(("/static/", "/api/")):
            return
        if current_user.is_authenticated:
            audit.set_actor(current_user.id, current_user.email)
        else:
            audit.set_actor(None, "anonymous")

    @app.teardown_request
    def forget_the_actor(_exc):
        # the actor lives in a context variable; a worker thread's next job must not inherit it
        audit.set_actor(None, "system")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password; repeated failures lock the account for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = services.authenticate(
            form.email.data,
            form.password.data,
            address=request.remote_addr or "",
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lockout_minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"],
        )
        db.session.commit()
        if result.user:
            login_user(result.user)
            # The language the person last chose, unless they just chose one on this page.
            session.setdefault("lang", result.user.language)
            audit.set_actor(result.user.id, result.user.email)
            return redirect(services.safe_next(form.next.data) or url_for("main.index"))
        if result.reason == "locked":
            form.form_errors.append(
                _(
                    "Too many failed attempts. Signing in from here is locked until %(time)s.",
                    time=fmt_datetime(result.until),
                )
            )
        else:
            form.form_errors.append(_("E-mail address or password is not correct."))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with CSRF token, so no other site can sign people out)."""
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    """Own account: role, body, password, API tokens."""
    return render_template("auth/account.html", password_form=ChangePasswordForm(), new_secret=None)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    """Change one's own password after giving the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                form.confirm_password.data,
            )
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
    return render_template("auth/account.html", password_form=form, new_secret=None), 422


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    """Create an API token; its secret is shown once on the page that follows."""
    name = (request.form.get("name") or "").strip()
    try:
        _token, secret = services.issue_token(current_user, name)
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.fields.get("name", exc.message), "danger")
        return redirect(url_for("auth.account"))
    db.session.commit()
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), new_secret=secret
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of one's own API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("auth.account"))
