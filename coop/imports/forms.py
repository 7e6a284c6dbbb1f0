"""The upload form of an import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from ..resolutions.documents import MAX_SPREADSHEET_BYTES

MAX_IMPORT_BYTES = MAX_SPREADSHEET_BYTES
MAX_IMPORT_MB = MAX_IMPORT_BYTES // (1024 * 1024)


class ImportForm(FlaskForm):
    district_id = SelectField(_l("District"), choices=[], coerce=int, validate_choice=True)
    file = FileField(
        _l("File (CSV or XLSX)"),
        description=_l(
            "The decision matrix as exported (CSV or XLSX), edited in a spreadsheet: the columns "
            "“Vorhaben”, “Aufgabenbereich”, “Phase” and one column per partner. At most 20,000 "
            "rows and 8 MB."
        ),
        render_kw={
            "accept": ".csv,.xlsx,text/csv,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "data-max-bytes": MAX_IMPORT_BYTES,
            "data-too-large": lazy_ngettext(
                "The file is larger than %(count)s MB.",
                "The file is larger than %(count)s MB.",
                MAX_IMPORT_MB,
                count=MAX_IMPORT_MB,
            ),
        },
    )
