"""The initiative form: its own fields, participant rows and milestone rows in one form.
Types and rules are checked in the service; the form renders and carries the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)

from ..commands import text_input
from ..core.enums import ParticipantRole
from ..labels import INITIATIVE_FIELD_LABELS as L
from ..labels import LEGAL_FORM_LABELS, PARTICIPANT_ROLE_LABELS, PHASE_LABELS, SERVICE_AREA_LABELS
from .schemas import InitiativeCreate, MilestoneIn

DATE = {"type": "date"}


class ParticipantRow(Form):
    body_id = SelectField(_l("Body"), choices=[], validate_choice=False)
    role = SelectField(L["role"], choices=[], validate_choice=False)
    joined_on = StringField(L["joined_on"], render_kw=DATE)
    left_on = StringField(L["left_on"], render_kw=DATE)


class MilestoneRow(Form):
    # not `id`: a FormField row has an `id` attribute of its own
    milestone_id = HiddenField()
    title = StringField(L["title"], render_kw=text_input(MilestoneIn, "title"))
    due_on = StringField(L["due_on"], render_kw=DATE)
    done_on = StringField(L["done_on"], render_kw=DATE)


def _options(labels) -> list[tuple[str, str]]:
    return [(code.value, text) for code, text in labels.items()]


class InitiativeForm(FlaskForm):
    title = StringField(L["title"], render_kw=text_input(InitiativeCreate, "title"))
    description = TextAreaField(L["description"], render_kw={"rows": 5})
    service_area = SelectField(L["service_area"], choices=[], validate_choice=False)
    phase = SelectField(L["phase"], choices=[], validate_choice=False)
    phase_changed_on = StringField(
        _l("Phase since"),
        description=_l("Recorded in the phase history when the phase changes; default today."),
        render_kw=DATE,
    )
    legal_form = SelectField(L["legal_form"], choices=[], validate_choice=False)
    lead_body_id = SelectField(L["lead_body_id"], choices=[], validate_choice=False)
    start_date = StringField(L["start_date"], render_kw=DATE)
    end_date = StringField(
        L["end_date"], description=_l("Leave empty for an open-ended cooperation."), render_kw=DATE
    )
    public = BooleanField(_l("Public: visible without signing in"))
    keywords = StringField(
        _l("Keywords"),
        description=_l(
            "Separated by commas. They find the initiative's papers in the partners' council "
            "information systems, beside the paper numbers already recorded."
        ),
        render_kw={"maxlength": 2000},
    )
    participants = FieldList(FormField(ParticipantRow), min_entries=0)
    milestones = FieldList(FormField(MilestoneRow), min_entries=0)
    version = HiddenField()

    def set_choices(self, bodies) -> None:
        """Fill the selects; `bodies` are the bodies that can take part."""
        self.service_area.choices = [("", _l("– please choose –")), *_options(SERVICE_AREA_LABELS)]
        self.phase.choices = _options(PHASE_LABELS)
        self.legal_form.choices = _options(LEGAL_FORM_LABELS)
        body_options = [(str(b.id), b.name) for b in bodies]
        self.lead_body_id.choices = [("", _l("– none –")), *body_options]
        for row in self.participants:
            row.body_id.choices = [("", _l("– choose a body –")), *body_options]
            row.role.choices = _options(PARTICIPANT_ROLE_LABELS)

    def add_blank_rows(self, participants: int = 0, milestones: int = 0) -> None:
        """Add empty participant and milestone rows; a new participant is a partner (the
        lead is one body, chosen above)."""
        for _ in range(participants):
            self.participants.append_entry({"role": ParticipantRole.PARTNER.value})
        for _ in range(milestones):
            self.milestones.append_entry()

    def values(self) -> dict:
        """The posted values as the service takes them."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "service_area": self.service_area.data,
            "phase": self.phase.data,
            "phase_changed_on": self.phase_changed_on.data,
            "legal_form": self.legal_form.data,
            "lead_body_id": self.lead_body_id.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "public": self.public.data,
            "keywords": self.keywords.data,
            "participants": [
                {k: row[k].data for k in ("body_id", "role", "joined_on", "left_on")}
                for row in self.participants
            ],
            "milestones": [
                {
                    "id": row.milestone_id.data,
                    **{k: row[k].data for k in ("title", "due_on", "done_on")},
                }
                for row in self.milestones
            ],
        }
