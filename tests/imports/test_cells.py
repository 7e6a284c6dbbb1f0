"""How a matrix cell is read: our export's words in German or English, with or without the
symbol and the brackets; a date only as 12.03.2026, 2026-03-12 or Mar 12, 2026."""

from __future__ import annotations

from datetime import date

import pytest

from coop.core.enums import DecisionStatus, ParticipantRole
from coop.imports.plan import SYNONYMS, _words, read_cell
from coop.labels import DECISION_STATUS_LABELS, PARTICIPANT_ROLE_LABELS

D = DecisionStatus


@pytest.mark.parametrize(
    ("cell", "status", "day"),
    [
        ("✔ beschlossen (12.03.2026)", D.DECIDED, date(2026, 3, 12)),
        ("beschlossen 12.03.2026", D.DECIDED, date(2026, 3, 12)),
        ("zugestimmt am 12.3.2026", D.DECIDED, date(2026, 3, 12)),
        ("✔ decided (Mar 12, 2026)", D.DECIDED, date(2026, 3, 12)),
        ("✘ abgelehnt (2026-03-12)", D.REJECTED, date(2026, 3, 12)),
        ("◷ terminiert (21.01.2027) – Ergebnis fehlt", D.SCHEDULED, date(2027, 1, 21)),
        ("↻ vertagt (05.02.2026)", D.DEFERRED, date(2026, 2, 5)),
        ("○ kein Beschluss", D.NONE, None),
    ],
)
def test_decisions(sqlite_app, cell, status, day):
    with sqlite_app.test_request_context():
        statuses = {**_words(DECISION_STATUS_LABELS), **SYNONYMS}
        reading = read_cell(cell, _words(PARTICIPANT_ROLE_LABELS), statuses)
    assert (reading.status, reading.day, reading.problem) == (status, day, None)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("beschlossen (3/12/2026)", "kein Datum in der Form 12.03.2026"),
        ("beschlossen (12.03.26)", "kein Datum in der Form 12.03.2026"),
        ("beschlossen", "Das Datum der Sitzung fehlt"),
        ("vielleicht (12.03.2026)", "weder ein Beschluss noch eine Rolle"),
    ],
)
def test_what_cannot_be_read_is_said(sqlite_app, cell, words):
    with sqlite_app.test_request_context():
        statuses = {**_words(DECISION_STATUS_LABELS), **SYNONYMS}
        reading = read_cell(cell, _words(PARTICIPANT_ROLE_LABELS), statuses)
    assert words in reading.problem


def test_roles_and_empty_cells(sqlite_app):
    with sqlite_app.test_request_context():
        roles = _words(PARTICIPANT_ROLE_LABELS)
        assert read_cell("Federführung", roles, {}).role == ParticipantRole.LEAD
        assert read_cell("Lead", roles, {}).role == ParticipantRole.LEAD
        assert read_cell("–", roles, {}).empty and read_cell("", roles, {}).empty
