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
from flask_login import current_user, login_required, logout_user

from .. import audit
from ..core.enums import AuthSource
from ..errors import ValidationError
from ..extensions import db, login_manager
from ..forms import apply_errors
from ..i18n import fmt_datetime
from ..models import ApiToken, User
from . import directory, external, oidc, services, sessions
from .forms import ChangePasswordForm, LoginForm
from .mapping import MappingError, parse_rules

bp = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    """Set up Flask-Login: the sign-in page, its message, and how a session finds its person;
    single sign-on where it is configured (the group rules are read here, so that a rule that
    cannot be read stops the start, not a person's sign-in)."""
    try:
        app.extensions["coop_group_rules"] = parse_rules(app.config.get("SSO_GROUP_ROLES"))
    except MappingError as exc:
        from config import ConfigError

        raise ConfigError(f"SSO_GROUP_ROLES: {exc}") from exc
    if app.config.get("LDAP_URL") and not app.config.get("LDAP_URL", "").lower().startswith(
        ("ldaps://", "ldap://")
    ):
        from config import ConfigError

        raise ConfigError("LDAP_URL must start with ldaps:// or ldap:// (then with STARTTLS).")
    oidc.init_oidc(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = sessions.sign_in_message
    # Sessions are permanent (their lifetime applies), for which Flask-Login's "strong" mode
    # only marks them not fresh: the binding to address and browser is checked by
    # sessions.load_user, with an identifier that trusts no client header.
    login_manager.session_protection = "strong"
    login_manager._session_identifier_generator = sessions.identifier
    login_manager.user_loader(sessions.load_user)
    app.extensions["coop_session"] = sessions.for_cache
    app.extensions["coop_session_seen"] = sessions.seen

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


def _rules():
    return current_app.extensions["coop_group_rules"]


def _password_sign_in() -> bool:
    """Whether the page offers a password: local passwords or the directory's."""
    return bool(current_app.config["LOCAL_LOGIN"] or current_app.config.get("LDAP_URL"))


def _refused(exc: external.SignInRefused, source: str, login: str = ""):
    """The page that says why single sign-on let the person in but coop does not."""
    db.session.rollback()
    current_app.logger.warning(
        "sign-in refused (%s, %s): %s %s", source, exc.reason, login, request.remote_addr or ""
    )
    return render_template("auth/refused.html", message=exc.message), 403


def _signed_in(user: User, next_target: str | None, method: str):
    sessions.start(user, method)
    # The language the person last chose, unless they just chose one on this page.
    session.setdefault("lang", user.language)
    audit.set_actor(user.id, user.email)
    return redirect(services.safe_next(next_target) or url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in: through the identity provider, with the directory's password, or with the
    account's own; repeated failures lock the login for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""), email=request.args.get("email", ""))
    settings = directory.settings()
    if settings is not None:
        form.email.label.text = _("User name or e-mail address")
    if not _password_sign_in():
        if request.method == "POST":
            abort(405)
        form = None
    elif form.validate_on_submit():
        try:
            result = services.authenticate(
                form.email.data,
                form.password.data,
                address=request.remote_addr or "",
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lockout_minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"],
                directory=(lambda login, pw: directory.check(login, pw, settings))
                if settings
                else None,
                rules=_rules(),
                local=current_app.config["LOCAL_LOGIN"],
                link_admins=current_app.config["SSO_LINK_EXISTING_ADMINS"],
            )
        except external.SignInRefused as exc:
            return _refused(exc, "ldap", form.email.data)
        db.session.commit()
        if result.user:
            return _signed_in(result.user, form.next.data, result.method)
        if result.reason == "locked":
            form.form_errors.append(
                _(
                    "Too many failed attempts. Signing in from here is locked until %(time)s.",
                    time=fmt_datetime(result.until),
                )
            )
        elif result.reason == "unavailable":
            current_app.logger.warning("sign-in failed: directory unavailable")
            form.form_errors.append(
                _(
                    "The directory service (LDAP) cannot be reached at the moment, so your "
                    "password could not be checked. Please try again in a few minutes."
                )
            )
        elif settings is not None:
            form.form_errors.append(_("User name, e-mail address or password is not correct."))
        else:
            form.form_errors.append(_("E-mail address or password is not correct."))
    status = 200 if form is None or not form.errors else 422
    return render_template(
        "auth/login.html",
        form=form,
        sso=oidc.enabled(),
        sso_name=current_app.config.get("OIDC_DISPLAY_NAME") or "",
    ), status


@bp.route("/login/sso")
def sso_start():
    """Go to the identity provider to sign in (authorization code flow with PKCE)."""
    if not oidc.enabled():
        abort(404)
    session["sso_next"] = services.safe_next(request.args.get("next")) or ""
    try:
        return oidc.client().authorize_redirect(url_for("auth.sso_callback", _external=True))
    except Exception as exc:  # discovery failed: the provider is down or misconfigured
        current_app.logger.warning("OIDC provider unavailable: %r", exc)
        return render_template(
            "auth/refused.html",
            message=_(
                "The sign-in service cannot be reached at the moment. "
                "Please try again in a few minutes."
            ),
        ), 503


@bp.route("/login/sso/callback")
def sso_callback():
    """Back from the identity provider: check its answer and the ID token, then sign in."""
    if not oidc.enabled():
        abort(404)
    failed = _(
        "Signing in through the sign-in service did not succeed: its answer could not be "
        "verified. Please start again."
    )
    if request.args.get("error"):
        current_app.logger.warning(
            "OIDC provider answered with an error: %s", request.args.get("error")
        )
        return render_template("auth/refused.html", message=failed), 400
    client = oidc.client()
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo") or {}
        userinfo = None
        if current_app.config["OIDC_GROUPS_CLAIM"] not in claims:
            userinfo = client.userinfo(token=token)
        identity = oidc.identity_from(token, userinfo)
        user = external.sign_in(
            identity, _rules(), link_admins=current_app.config["SSO_LINK_EXISTING_ADMINS"]
        )
    except external.SignInRefused as exc:
        return _refused(exc, "oidc")
    except Exception as exc:  # wrong signature, audience, issuer, nonce, state; expired
        db.session.rollback()
        current_app.logger.warning("OIDC sign-in refused: %s: %s", type(exc).__name__, exc)
        return render_template("auth/refused.html", message=failed), 400
    db.session.commit()
    session["oidc_id_token"] = token.get("id_token")
    return _signed_in(user, session.pop("sso_next", ""), "oidc")


@bp.route("/password/<secret>", methods=["GET", "POST"])
def set_password(secret: str):
    """Set one's password through the link of an invitation or a reset; then sign in."""
    from .forms import SetPasswordForm
    from .invitations import set_password as set_through
    from .invitations import valid

    link = valid(secret)
    if link is None:
        return render_template("auth/password_link.html", form=None, expired=True), 410
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = set_through(link, form.password.data, form.confirm.data)
            db.session.commit()
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 422
        else:
            flash(_("Your password is set. Please sign in with it."), "success")
            return redirect(url_for(".login", email=user.email))
    elif request.method == "POST":
        status = 422
    return render_template(
        "auth/password_link.html",
        form=form,
        expired=False,
        email=link.user.email,
        invited=link.purpose == "invite",
    ), status


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a link to set a new password. The page answers the same whether the address
    has an account or not, and a limit per address and per client holds back floods."""
    from datetime import timedelta

    from .. import ratelimit
    from .forms import ForgotPasswordForm
    from .invitations import resettable, send_reset

    if not _password_sign_in():
        abort(404)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        hour = timedelta(hours=1)
        allowed = ratelimit.hit(f"reset:{request.remote_addr}", 10, hour) and ratelimit.hit(
            f"reset:{email[:150]}", 3, hour
        )
        db.session.commit()
        user = resettable(email) if allowed else None
        if user is not None:
            try:
                send_reset(user)
            except OSError as exc:  # the mail server; the page says the same
                db.session.rollback()
                current_app.logger.error("password reset not sent: %r", exc)
        flash(
            _(
                "If an account with this address exists, a link to set a new password is on "
                "its way. It works for one hour."
            ),
            "success",
        )
        return redirect(url_for(".login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with CSRF token, so no other site can sign people out): this session
    ends for good, a saved copy of its cookie included; a person of single sign-on is signed
    out at the provider too, which then sends them back here."""
    return _sign_out(everywhere=False)


@bp.route("/logout/everywhere", methods=["POST"])
def logout_everywhere():
    """Sign out on all devices: every session of the account ends, this one included."""
    return _sign_out(everywhere=True)


def _sign_out(everywhere: bool):
    id_token = session.pop("oidc_id_token", None)
    through_provider = current_user.is_authenticated and current_user.auth_source == AuthSource.OIDC
    if current_user.is_authenticated:
        if everywhere:
            services.end_all_sessions(current_user)
        services.end_session(session.get("_sid"), keep_for=current_app.permanent_session_lifetime)
        db.session.commit()
    logout_user()
    sessions.forget()
    if everywhere:
        flash(_("You have signed out on all devices."), "success")
    else:
        flash(_("You have signed out."), "success")
    if through_provider and oidc.enabled():
        try:
            target = oidc.logout_url(id_token, url_for("auth.login", _external=True))
        except Exception as exc:  # the provider is down: signed out here at least
            current_app.logger.warning("OIDC logout at the provider failed: %r", exc)
            target = None
        if target:
            return redirect(target)
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
            sessions.keep(current_user)  # the account's other sessions have ended
            flash(
                _("Your password has been changed. You have been signed out on other devices."),
                "success",
            )
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
