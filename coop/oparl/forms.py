"""The form to check a proposal before confirming it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField

from ..commands import text_input
from ..labels import INITIATIVE_FIELD_LABELS as L
from ..labels import OUTCOME_LABELS, RESOLUTION_KIND_LABELS
from .schemas import ProposalConfirm


class ProposalForm(FlaskForm):
    organ = StringField(_l("Organ"), render_kw=text_input(ProposalConfirm, "organ"))
    authoritative = BooleanField(_l("This organ decides (not a recommendation)"))
    reference = StringField(_l("Paper number"), render_kw=text_input(ProposalConfirm, "reference"))
    title = StringField(L["title"], render_kw=text_input(ProposalConfirm, "title"))
    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    session_date = StringField(_l("Session date"), render_kw={"type": "date"})
    outcome = SelectField(_l("Outcome"), choices=[], validate_choice=False)
    votes_yes = StringField(_l("Yes"), render_kw={"inputmode": "numeric"})
    votes_no = StringField(_l("No"), render_kw={"inputmode": "numeric"})
    votes_abstain = StringField(_l("Abstentions"), render_kw={"inputmode": "numeric"})
    result_text = StringField(
        _l("Result as written"), render_kw=text_input(ProposalConfirm, "result_text")
    )
    version = HiddenField()

    def set_choices(self) -> None:
        """Fill the kinds and outcomes."""
        self.kind.choices = [(k.value, v) for k, v in RESOLUTION_KIND_LABELS.items()]
        self.outcome.choices = [("", _l("– choose –"))] + [
            (k.value, v) for k, v in OUTCOME_LABELS.items()
        ]

    def fill(self, proposal) -> None:
        """Show what the council information system said, for the person to check and correct."""
        for name in ("organ", "reference", "title", "result_text"):
            self[name].data = getattr(proposal, name) or ""
        self.authoritative.data = proposal.authoritative
        self.kind.data = proposal.kind.value
        self.outcome.data = proposal.outcome.value if proposal.outcome else ""
        self.session_date.data = proposal.session_date.isoformat() if proposal.session_date else ""
        for name in ("votes_yes", "votes_no", "votes_abstain"):
            value = getattr(proposal, name)
            self[name].data = "" if value is None else str(value)
        self.version.data = str(proposal.version)

    def values(self) -> dict:
        """The posted values as the service takes them."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "version")
        }
