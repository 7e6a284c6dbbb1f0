"""Names every template can use: labels of codes and the permission questions."""

from flask import Flask

from ..auth import permissions
from ..labels import AUDIT_ACTION_LABELS, BODY_FIELD_LABELS, BODY_KIND_LABELS, ROLE_LABELS, label
from ..models import STATES


def init_template_context(app: Flask) -> None:
    app.jinja_env.globals.update(
        body_kind_label=lambda code: label(BODY_KIND_LABELS, code),
        role_label=lambda code: label(ROLE_LABELS, code),
        audit_action_label=lambda code: label(AUDIT_ACTION_LABELS, code),
        field_labels=BODY_FIELD_LABELS,
        state_name=lambda code: STATES.get(code or "", ""),
        states=STATES,
        can_manage_users=permissions.can_manage_users,
        can_view_audit=permissions.can_view_audit,
    )
