"""Account administration for admins (everyone) and coordinators (their district)."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit import audit_entries
from ..auth import permissions, sessions
from ..errors import PermissionDenied
from ..extensions import db
from ..forms import form_version, save_form
from ..models import User
from ..pagecache import cacheable
from ..pagination import paginate
from . import privacy, services
from .forms import EraseForm, UserForm
from .schemas import UserChange, UserCreate

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.before_request
@login_required
def require_manager():
    """403 unless the person manages accounts."""
    if not permissions.can_manage_users(current_user):
        abort(403)


def get_user(user_id: int) -> User:
    """Load an account or 404; 403 when the person may not manage it."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not permissions.can_edit_user(current_user, user):
        abort(403)
    return user


@bp.route("/")
@cacheable
def index():
    """Accounts the current user manages."""
    page = paginate(
        services.managed_users_query(current_user),
        page=request.args.get("page", 1, type=int),
        per_page=50,
    )
    return render_template("users/index.html", page=page)


def _offer_choices(form: UserForm) -> None:
    """The roles and bodies the signed-in manager may give."""
    form.set_choices(
        permissions.assignable_roles(current_user), services.assignable_bodies(current_user)
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Give a colleague an account."""
    form = UserForm()
    _offer_choices(form)
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            UserCreate,
            form.data,
            lambda command: services.create_user(command, actor=current_user),
            done=lambda user: _(
                "The account for %(email)s has been created; an invitation to set a password "
                "is on its way to that address.",
                email=user.email,
            ),
            then=lambda user: _invited(user) or url_for(".index"),
        )
        return saved or (render_template("users/form.html", form=form, user=None), status)
    return render_template("users/form.html", form=form, user=None)


def _invited(user: User) -> None:
    """Send a new account its invitation, once the account is stored (a failing mail server
    leaves the account, and says to send the invitation again from its page)."""
    from ..auth import invitations

    if not current_app.config["LOCAL_LOGIN"]:
        return
    try:
        invitations.send_invitation(user, current_user)
    except OSError as exc:
        db.session.rollback()
        current_app.logger.error("invitation not sent: %r", exc)
        flash(
            _(
                "The mail server did not accept the invitation; send it again from the "
                "account's page later."
            ),
            "warning",
        )


@bp.route("/<int:user_id>/invite", methods=["POST"])
def invite(user_id: int):
    """Send the person a new link to set their password (an invitation again, or a reset)."""
    from ..auth import invitations

    user = get_user(user_id)
    if not permissions.can_edit_user(current_user, user) or user.erased_at is not None:
        abort(403)
    try:
        invitations.send_link(user, current_user)
    except OSError as exc:
        db.session.rollback()
        current_app.logger.error("password link not sent: %r", exc)
        flash(_("The mail server did not accept the mail; please try again later."), "danger")
    else:
        flash(
            _("A link to set a password is on its way to %(email)s.", email=user.email), "success"
        )
    return redirect(url_for(".edit", user_id=user.id))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    """Change an account: role, body, active, a new password (a new password, another role
    or switching the account off ends its sessions)."""
    user = get_user(user_id)
    if request.method == "GET":
        form = UserForm(obj=user, role=user.role.value, body_id=str(user.body_id or ""))
    else:
        form = UserForm()
    _offer_choices(form)
    if form.validate_on_submit():
        saved, status = save_form(
            form,
            UserChange,
            form.data,
            lambda command: services.update_user(
                user, command, actor=current_user, expected_version=form_version(form)
            ),
            done=lambda changed: _(
                "The account for %(email)s has been saved.", email=changed.email
            ),
            then=lambda changed: url_for(".index"),
        )
        if saved:
            if user.id == current_user.id:
                sessions.keep(current_user)  # a new own password ends the other sessions only
            return saved
        user = db.session.get(User, user_id)
        return render_template(
            "users/form.html", form=form, user=user, audit=audit_entries("User", user.id)
        ), status
    return render_template(
        "users/form.html", form=form, user=user, audit=audit_entries("User", user.id)
    )


def _admin_only(user_id: int) -> User:
    if not permissions.is_admin(current_user):
        abort(403)
    return get_user(user_id)


@bp.route("/<int:user_id>/export")
def export(user_id: int):
    """Art. 15 DSGVO: everything stored about the account's person, as a JSON file."""
    user = _admin_only(user_id)
    current_app.logger.info(
        "personal data of account %s exported by account %s", user.id, current_user.id
    )
    name = f"coop-auskunft-{date.today().isoformat()}.json"
    return Response(
        stream_with_context(privacy.export_person(user)),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
def erase(user_id: int):
    """Art. 17 DSGVO: anonymise the account; its history stays, under a pseudonym."""
    user = _admin_only(user_id)
    if user.erased_at is not None:
        flash(_("This account has already been anonymised."), "info")
        return redirect(url_for(".index"))
    form = EraseForm()
    if form.validate_on_submit():
        try:
            name = privacy.erase_user(user, actor=current_user)
        except PermissionDenied as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(
                _("The account has been anonymised; its history now names %(name)s.", name=name),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template("users/erase.html", form=form, user=user), (
        422 if request.method == "POST" else 200
    )
