"""Pages of reminders (what is due, what went out, the scheduler's runs) and the calendar feed."""

from __future__ import annotations

import smtplib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import labels, links, queue
from ..auth import permissions
from ..auth.forms import ChangePasswordForm
from ..auth.services import safe_next
from ..cache import render_cached, request_key
from ..core import clock
from ..extensions import db
from ..links import external_url
from ..models import SchedulerRun
from ..pagecache import cacheable, keep_out
from . import calendar, notifications, nudges, services

bp = Blueprint("reminders", __name__)


@bp.route("/reminders/")
@login_required
@cacheable
def index():
    """Today's reminders before they go out, the ones sent, and the scheduler's last runs."""
    if not permissions.can_view_reminders(current_user):
        abort(403)
    all_people = permissions.sees_all_reminders(current_user)
    today = clock.today()
    user = current_user._get_current_object()

    def context() -> dict:
        # every reminder due in the whole Land for a funding officer: computed once per change
        # of the data (sending one is a change) and day, not per view
        return {
            "deliveries": services.plan(
                today, only_user=None if all_people else user, include_sent=True
            ),
            "sent": services.sent_log(None if all_people else user),
            "runs": db.session.scalars(
                select(SchedulerRun).order_by(SchedulerRun.started_at.desc()).limit(10)
            ).all(),
            "today": today,
            "all_people": all_people,
            "mail_configured": bool(current_app.config.get("MAIL_SERVER")),
        }

    key = request_key("all" if all_people else user.id)
    if not permissions.is_admin(current_user):
        return render_cached(key, "reminders/index.html", context)
    # an admin also sees the job queue, which moves without changing the data: read at each
    # view, never cached
    keep_out()
    return render_template("reminders/index.html", **context(), queue_jobs=_queue_jobs())


def _queue_jobs() -> list[dict]:
    """The latest jobs of the queue, with their task and state in words."""
    return [
        {
            **job,
            "task_label": labels.label(labels.QUEUE_TASK_LABELS, job["task"]),
            "state_label": labels.label(labels.QUEUE_STATE_LABELS, job["state"]),
        }
        for job in queue.overview()
    ]


def _account(new_calendar_url=None, status=200):
    return (
        render_template(
            "auth/account.html",
            password_form=ChangePasswordForm(),
            new_secret=None,
            new_calendar_url=new_calendar_url,
        ),
        status,
    )


@bp.route("/account/calendar", methods=["POST"])
@login_required
def calendar_create():
    """A new secret feed address, shown once; an older one stops working (CSRF-checked by
    the app's CSRFProtect, as every form)."""
    secret = calendar.issue_token(current_user)
    db.session.commit()
    url = external_url("reminders.feed", secret=secret)
    return _account(url)


@bp.route("/account/calendar/revoke", methods=["POST"])
@login_required
def calendar_revoke():
    """Switch off the person's calendar address."""
    calendar.revoke_token(current_user)
    db.session.commit()
    flash(_("The calendar address no longer works."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/calendar/<secret>.ics")
def feed(secret: str):
    """The person's calendar; the secret in the address is the only key (no login)."""
    user = calendar.user_for_token(secret)
    if user is None:
        abort(404)
    body = calendar.build_feed(user, clock.today(), urlsplit(links.base()).hostname or "coop")
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="coop.ics"',
            "Cache-Control": "private, max-age=900",
        },
    )


# --- nudging a partner ------------------------------------------------------------------------


@bp.route("/initiatives/<int:initiative_id>/nudge/<int:body_id>", methods=["GET", "POST"])
@login_required
def nudge(initiative_id: int, body_id: int):
    """ "Partner erinnern": a prefilled message to the body's contact and editors, sent now."""
    from .. import mail
    from ..core import funding_check as fc
    from ..errors import ValidationError
    from ..forms import apply_errors
    from ..initiatives import services as initiatives
    from ..models import Body
    from .forms import NudgeForm

    initiative = initiatives.load_initiative(initiative_id)
    body = db.session.get(Body, body_id)
    if initiative is None or body is None:
        abort(404)
    if body_id not in {p.body_id for p in initiative.deciding_participants}:
        abort(404)
    if not permissions.can_nudge(current_user, initiative):
        abort(403)
    back = safe_next(request.values.get("next")) or url_for(
        "main.initiative", initiative_id=initiative.id
    )
    summary = initiatives.decision_summaries([initiative])[initiative.id]
    missing = {m.body_id: m for m in fc.missing_resolutions(summary.partners, None)}
    proposal = nudges.draft(
        initiative, body, current_user, getattr(missing.get(body_id), "next_session", None)
    )
    form = NudgeForm()
    if request.method == "GET":
        form.subject.data, form.message.data = proposal.subject, proposal.message
    status, failure = 200, None
    by_hand = not proposal.recipients
    if form.validate_on_submit():
        claimed = None
        try:
            try:  # the claim, committed before the mail leaves: a click at once is refused
                sent = nudges.claim(
                    initiative,
                    body,
                    sender=current_user,
                    subject=form.subject.data,
                    message=form.message.data,
                    by_hand=by_hand,
                )
                db.session.commit()
            except (IntegrityError, OperationalError) as exc:
                # another request's claim won (SQLite: it held the write lock)
                db.session.rollback()
                refusal = nudges.already(initiative, body)
                if (
                    isinstance(exc, OperationalError)
                    and nudges.today_nudge(initiative, body) is None
                ):
                    raise
                raise refusal from None
            claimed = sent.id
            if not by_hand:
                nudges.deliver(sent, current_user)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 422
        except (OSError, smtplib.SMTPException) as exc:
            db.session.rollback()
            current_app.logger.error("nudge not sent: %r", exc)
            if claimed is not None:
                nudges.release(claimed)
                db.session.commit()
            failure = _(
                "The message could not be sent: the mail server did not accept it. "
                "Nothing was logged; please try again later."
            )
            status = 502
        else:
            if by_hand:
                done = _("Noted: you reminded %(name)s yourself.", name=body.name)
            elif mail.has_server():
                done = _(
                    "%(name)s has been reminded (to %(to)s).",
                    name=body.name,
                    to=", ".join(sent.recipients),
                )
            else:
                done = _(
                    "%(name)s has been reminded: the message to %(to)s is in the outbox "
                    "(no mail server is set up here).",
                    name=body.name,
                    to=", ".join(sent.recipients),
                )
            flash(done, "success")
            return redirect(back)
    elif request.method == "POST":
        status = 422
    return render_template(
        "reminders/nudge.html",
        form=form,
        initiative=initiative,
        body=body,
        recipients=proposal.recipients,
        left_out=proposal.left_out,
        max_recipients=nudges.MAX_RECIPIENTS,
        earlier=nudges.today_nudge(initiative, body),
        decided=body_id not in missing,
        back=back,
        failure=failure,
        by_hand=by_hand,
        mail_server=mail.has_server(),
        can_read_outbox=_reads_outbox(),
        mailto=nudges.mailto(form.subject.data or "", form.message.data or ""),
    ), status


# --- follow and notify ------------------------------------------------------------------------


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications_page():
    """The person's notifications (newest first, the unseen marked), what they follow, and
    their choice of e-mails; opening the page marks the notifications seen."""
    from .forms import PreferencesForm

    user = current_user._get_current_object()
    form = PreferencesForm(obj=user)
    if form.validate_on_submit():
        notifications.set_preferences(
            user, digest=form.digest.data, reminders_by_mail=form.reminders_by_mail.data
        )
        db.session.commit()
        flash(_("Your choice of e-mails is saved."), "success")
        return redirect(url_for(".notifications_page"))
    seen = user.seen_activity_id
    items = notifications.feed(user)
    page = render_template(
        "reminders/notifications.html",
        items=[(a, a.id > seen) for a in items],
        describe=notifications.describe,
        subject=notifications.subject,
        following=notifications.following(user),
        form=form,
    )
    if items:
        notifications.mark_seen(user, items[0].id)
        db.session.commit()
    return page


def _back(default: str):
    return redirect(safe_next(request.form.get("next")) or default)


@bp.route("/initiatives/<int:initiative_id>/follow", methods=["POST"])
@login_required
def follow_initiative(initiative_id: int):
    """Follow an initiative, or stop (`stop` in the form)."""
    from ..initiatives.access import get_initiative

    initiative = get_initiative(initiative_id)
    user = current_user._get_current_object()
    if request.form.get("stop"):
        notifications.unfollow(user, initiative_id=initiative.id)
        flash(_("You no longer follow “%(title)s”.", title=initiative.title), "success")
    else:
        notifications.follow(user, initiative=initiative)
        flash(
            _(
                "You follow “%(title)s”: its news appear under “Notifications”.",
                title=initiative.title,
            ),
            "success",
        )
    db.session.commit()
    return _back(url_for("main.initiative", initiative_id=initiative.id))


@bp.route("/grants/<int:grant_id>/follow", methods=["POST"])
@login_required
def follow_grant(grant_id: int):
    """Follow a grant, or stop (`stop` in the form)."""
    from ..models import Grant

    grant = db.session.get(Grant, grant_id)
    if grant is None or not permissions.can_view_funding(current_user):
        abort(404)
    user = current_user._get_current_object()
    name = notifications.grant_name(grant)
    if request.form.get("stop"):
        notifications.unfollow(user, grant_id=grant.id)
        flash(_("You no longer follow “%(title)s”.", title=name), "success")
    else:
        notifications.follow(user, grant=grant)
        flash(
            _("You follow “%(title)s”: its news appear under “Notifications”.", title=name),
            "success",
        )
    db.session.commit()
    return _back(url_for("funding.grant_detail", grant_id=grant.id))


# --- the outbox -------------------------------------------------------------------------------


def _reads_outbox() -> bool:
    return permissions.can_read_outbox(current_user, current_app.config.get("OUTBOX_OPEN"))


@bp.route("/reminders/outbox")
@login_required
def outbox():
    """Every e-mail coop sent, or kept because no mail server is set up, newest first."""
    from sqlalchemy import func

    from ..mail import has_server, outbox_query
    from ..models import OutboxMail
    from ..pagination import paginate

    if not _reads_outbox():
        abort(403)
    mails = outbox_query(with_secrets=permissions.is_admin(current_user))
    page = paginate(
        mails,
        page=request.args.get("page", 1, type=int),
        per_page=20,
    )
    kept = db.session.scalar(
        select(func.count()).select_from(
            mails.order_by(None).where(OutboxMail.state == "kept").subquery()
        )
    )
    return render_template(
        "reminders/outbox.html",
        page=page,
        kept=kept,
        mail_server=has_server(),
        days=current_app.config["OUTBOX_DAYS"],
    )
