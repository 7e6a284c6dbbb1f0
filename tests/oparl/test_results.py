"""Real-world phrasings of council results and what the parser makes of them."""

import json

import pytest

from coop.oparl.results import parse_result

N = None
CASES = [
    ("einstimmig", ("adopted", N, 0, N)),
    ("Einstimmig beschlossen", ("adopted", N, 0, N)),
    ("einstimmig bei 2 Enthaltungen", ("adopted", N, 0, 2)),
    ("einstimmig ohne Enthaltungen", ("adopted", N, 0, 0)),
    ("13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen", ("adopted", 13, 0, 0)),
    ("13 Ja, 0 Nein, 2 Enthaltungen", ("adopted", 13, 0, 2)),
    ("Ja: 12 Nein: 3 Enthaltung: 1", ("adopted", 12, 3, 1)),
    ("Ja-Stimmen: 4, Nein-Stimmen: 9, Enthaltungen: 0", ("rejected", 4, 9, 0)),
    ("mit 25:3:2 Stimmen beschlossen", ("adopted", 25, 3, 2)),
    ("Abstimmungsergebnis 18/2/1", ("adopted", 18, 2, 1)),
    ("mehrheitlich beschlossen bei 3 Gegenstimmen", ("adopted", N, 3, N)),
    ("mehrheitlich abgelehnt", ("rejected", N, N, N)),
    ("geändert beschlossen", ("adopted_amended", N, N, N)),
    ("mit Änderungen beschlossen (einstimmig)", ("adopted_amended", N, 0, N)),
    ("ungeändert beschlossen", ("adopted", N, N, N)),
    ("Beschluss gefasst", ("adopted", N, N, N)),
    ("Dem Beschlussvorschlag wird gefolgt.", ("adopted", N, N, N)),
    ("vertagt", ("deferred", N, N, N)),
    ("Der Punkt wurde von der Tagesordnung abgesetzt.", ("deferred", N, N, N)),
    ("in den Hauptausschuss verwiesen", ("referred", N, N, N)),
    ("Weiterbehandlung im Planungsausschuss", ("referred", N, N, N)),
    ("Beratung im Fachgremium", ("referred", N, N, N)),
    ("abgelehnt", ("rejected", N, N, N)),
    ("nicht beschlossen", ("rejected", N, N, N)),
    ("zurückgezogen", ("withdrawn", N, N, N)),
    ("zur Kenntnis genommen", ("noted", N, N, N)),
    ("Kenntnisnahme", ("noted", N, N, N)),
    ("angenommen mit 10 Ja-Stimmen und zwei Gegenstimmen", ("adopted", 10, 2, N)),
    ("zugestimmt; dafür 7, dagegen 1", ("adopted", 7, 1, N)),
    # the families real systems write that an earlier parser missed (issue 13)
    ("Zustimmung", ("adopted", N, N, N)),
    ("einverstanden", ("adopted", N, N, N)),
    ("genehmigt", ("adopted", N, N, N)),
    ("Der Rat stimmt dem Beschlussvorschlag zu.", ("adopted", N, N, N)),
    ("Beschlossen mit geändertem Beschlusstext", ("adopted_amended", N, N, N)),
    ("zugestimmt zum modifizierten Antrag", ("adopted_amended", N, N, N)),
    ("zur Kenntnis genommen + mehrheitliche Zustimmung", ("adopted", N, N, N)),
    ("Einstimmig15-Ja-Stimmen, 0-Nein-Stimmen, 0-Enthaltungen", ("adopted", 15, 0, 0)),
    ("Der Ausschuss nimmt die Ausführungen zur Kenntnis.", ("noted", N, N, N)),
    ("einstimmig abgelehnt", ("rejected", 0, N, N)),
    ("Zustimmung verweigert", ("rejected", N, N, N)),
    ("1.000.000 Ja", (N, N, N, N)),  # not a vote count: unknown, never an error
    ("", (N, N, N, N)),
    ("siehe Niederschrift", (N, N, N, N)),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_phrasings(text, expected):
    got = parse_result(text)
    assert (got.outcome, got.votes_yes, got.votes_no, got.votes_abstain) == expected


def test_cli_prints_json(runner):
    r = runner.invoke(
        args=["oparl", "parse-result", "13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {
        "outcome": "adopted",
        "votes_yes": 13,
        "votes_no": 0,
        "votes_abstain": 0,
    }
