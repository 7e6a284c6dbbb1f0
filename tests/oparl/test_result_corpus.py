"""The result parser measured where it was not tuned (issue 27): the corpus in
tests/data/result_corpus/ (real texts not in the phrasing table, split by whole source into a
development and a held-out part). Rules change by looking at the development part only; the
held-out part is read here and nowhere else.

Figures of 07.12.2026: the rewritten parser's author saw neither part; three rules were then
changed from the development part's wrong readings (elections of persons, an amendment
motion's adoption read across another verdict, a rejection beside words of agreement):
development 78 texts: 64 right (82 %), 12 unknown, 2 wrongly definite (3 %);
held-out 42 texts: 30 right (71 %), 7 unknown, 5 wrongly definite (12 %).
The goal is 90 % right and at most 1 % wrongly definite on the held-out part, on a corpus of
at least 600 texts; until it is met this test keeps the figures from getting worse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coop.oparl.results import parse_result

CORPUS = Path(__file__).resolve().parents[1] / "data" / "result_corpus" / "corpus.csv"
# (right at least, wrongly definite at most) per part, as measured above
FLOORS = {"dev": (64, 2), "heldout": (30, 5)}


def figures(split: str) -> tuple[int, int, int, int]:
    """Texts, right, unknown and wrongly definite readings of one part of the corpus."""
    with CORPUS.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == split]
    right = unknown = wrong = 0
    for row in rows:
        outcome = parse_result(row["text"]).outcome
        got = getattr(outcome, "value", outcome) or "unknown"
        expected = row["outcome"] or "unknown"
        if got == expected:
            right += 1
        elif got == "unknown":
            unknown += 1
        else:
            wrong += 1
    return len(rows), right, unknown, wrong


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_the_parser_does_not_get_worse_where_it_was_not_tuned(split):
    total, right, unknown, wrong = figures(split)
    assert total == {"dev": 78, "heldout": 42}[split]
    least_right, most_wrong = FLOORS[split]
    assert right >= least_right and wrong <= most_wrong, (total, right, unknown, wrong)


def test_the_split_is_by_whole_source():
    with CORPUS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    splits: dict[str, set[str]] = {}
    for row in rows:
        splits.setdefault(row["source_group"], set()).add(row["split"])
    assert all(len(s) == 1 for s in splits.values())
    heldout = [r for r in rows if r["split"] == "heldout"]
    assert len(heldout) * 3 >= len(rows)
    assert len({r["system"] for r in heldout}) >= 3
