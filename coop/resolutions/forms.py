"""The resolution form; the service checks types and rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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
from ..labels import INITIATIVE_FIELD_LABELS as L
from ..labels import OUTCOME_LABELS, RESOLUTION_KIND_LABELS
from .documents import MAX_PDF_BYTES
from .schemas import ResolutionCreate, TaskIn
from .services import FIELDS

NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


def pdf_field(label) -> FileField:
    """A PDF upload; the browser names a file over the limit before sending (upload.js)."""
    return FileField(
        label,
        render_kw={
            "accept": "application/pdf,.pdf",
            "data-max-bytes": MAX_PDF_BYTES,
            "data-too-large": _l("The file is larger than 20 MB."),
        },
    )


class ResolutionForm(FlaskForm):
    body_id = SelectField(_l("Body"), choices=[], validate_choice=False)
    organ = StringField(
        L["organ"],
        description=_l("The council, or a committee by name, e.g. Rat, Hauptausschuss"),
        render_kw=text_input(ResolutionCreate, "organ"),
    )
    authoritative = BooleanField(
        _l("This organ decides (not only a recommendation of a committee)"), default=True
    )
    reference = StringField(
        L["reference"],
        description=_l("Drucksache-Nr., e.g. 560/2022"),
        render_kw=text_input(ResolutionCreate, "reference"),
    )
    title = StringField(_l("Title of the paper"), render_kw=text_input(ResolutionCreate, "title"))
    kind = SelectField(L["kind"], choices=[], validate_choice=False)
    session_date = StringField(L["session_date"], render_kw={"type": "date"})
    public = BooleanField(_l("Public session"), default=True)
    outcome = SelectField(L["outcome"], choices=[], validate_choice=False)
    votes_yes = StringField(L["votes_yes"], render_kw=NUMBER)
    votes_no = StringField(L["votes_no"], render_kw=NUMBER)
    votes_abstain = StringField(L["votes_abstain"], render_kw=NUMBER)
    result_text = StringField(
        L["result_text"],
        description=_l('e.g. "einstimmig"'),
        render_kw=text_input(ResolutionCreate, "result_text"),
    )
    resolution_text = TextAreaField(L["resolution_text"], render_kw={"rows": 5})
    source_url = StringField(
        L["source_url"], render_kw=text_input(ResolutionCreate, "source_url", inputmode="url")
    )
    document = pdf_field(_l("Paper (PDF, at most 20 MB)"))
    remove_document = BooleanField(_l("Remove the stored paper"))
    version = HiddenField()

    def set_choices(self, bodies) -> None:
        """Fill the selects: the bodies the person may record for, kinds and outcomes."""
        self.body_id.choices = [(str(b.id), b.name) for b in bodies]
        if len(bodies) != 1:
            self.body_id.choices.insert(0, ("", _l("– please choose –")))
        self.kind.choices = [("", _l("– please choose –"))] + [
            (k.value, v) for k, v in RESOLUTION_KIND_LABELS.items()
        ]
        self.outcome.choices = [("", _l("– please choose –"))] + [
            (k.value, v) for k, v in OUTCOME_LABELS.items()
        ]

    def values(self) -> dict:
        """The posted values as the service takes them."""
        return {name: self[name].data for name in FIELDS}


class TaskForm(FlaskForm):
    """A task of an adopted resolution (Beschlusskontrolle)."""

    title = StringField(_l("What is to be done"), render_kw=text_input(TaskIn, "title"))
    responsible = StringField(
        _l("Who"),
        description=_l("An office or a person, as the resolution names them."),
        render_kw=text_input(TaskIn, "responsible"),
    )
    due_on = StringField(_l("Due on"), render_kw={"type": "date"})


class SessionItem(Form):
    """One agenda item of a session: an initiative, its kind (empty: the session's), its
    outcome and votes."""

    initiative_id = HiddenField()
    include = BooleanField(_l("On the agenda"))
    kind = SelectField(L["kind"], choices=[], validate_choice=False)
    outcome = SelectField(L["outcome"], choices=[], validate_choice=False)
    votes_yes = StringField(L["votes_yes"], render_kw=NUMBER)
    votes_no = StringField(L["votes_no"], render_kw=NUMBER)
    votes_abstain = StringField(L["votes_abstain"], render_kw=NUMBER)
    reference = StringField(L["reference"], render_kw=text_input(ResolutionCreate, "reference"))
    result_text = StringField(
        L["result_text"], render_kw=text_input(ResolutionCreate, "result_text")
    )


class SessionForm(FlaskForm):
    """One council session, many items: the session once, then each initiative's outcome."""

    organ = StringField(
        L["organ"],
        description=_l("The council, or a committee by name, e.g. Rat, Hauptausschuss"),
        render_kw=text_input(ResolutionCreate, "organ"),
    )
    authoritative = BooleanField(
        _l("This organ decides (not only a recommendation of a committee)"), default=True
    )
    session_date = StringField(L["session_date"], render_kw={"type": "date"})
    kind = SelectField(
        L["kind"],
        choices=[],
        validate_choice=False,
        description=_l("Every agenda item is of this kind unless its row names another."),
    )
    public = BooleanField(_l("Public session"), default=True)
    items = FieldList(FormField(SessionItem), min_entries=0)

    def set_choices(self) -> None:
        """Kinds and outcomes, in words; an item's empty kind is the session's."""
        kinds = [(k.value, v) for k, v in RESOLUTION_KIND_LABELS.items()]
        self.kind.choices = [("", _l("– please choose –")), *kinds]
        outcomes = [("", _l("– please choose –"))] + [
            (k.value, v) for k, v in OUTCOME_LABELS.items()
        ]
        for row in self.items:
            row.kind.choices = [("", _l("as the session")), *kinds]
            row.outcome.choices = outcomes
