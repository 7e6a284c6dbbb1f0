"""The result parser measured where it was not tuned (issue 27): the corpus in
tests/data/result_corpus/ (real texts not in the phrasing table, split by whole source into a
development and a held-out part). Rules change by looking at the development part only; the
held-out part is read here and nowhere else.

Figures of 08.12.2026, corpus of 621 texts (171 bodies, 154 sources, 12 systems):
- before this session's rule changes: development 403 texts, 304 right (75 %), 37 wrongly
  definite (9.2 %); held-out 218 texts, 169 right (78 %), 22 wrongly definite (10.1 %);
- after rules changed from the development part's misreadings only: development 343 right
  (85 %), 42 unknown, 18 wrongly definite (4.5 %); held-out 175 right (80 %), 24 unknown,
  19 wrongly definite (8.7 %). Held-out by system: SD.NET (one town, 120 texts) 106 right,
  10 wrong; the other 98 texts 69 right, 9 wrong.
The goal is 90 % right and at most 1 % wrongly definite on the held-out part; it is not met,
and until it is this test keeps the figures from getting worse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coop.oparl.results import parse_result

CORPUS = Path(__file__).resolve().parents[1] / "data" / "result_corpus" / "corpus.csv"
# (right at least, wrongly definite at most) per part, as measured above
FLOORS = {"dev": (343, 18), "heldout": (175, 19)}


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
    assert total == {"dev": 403, "heldout": 218}[split]
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


def test_the_corpus_is_large_and_wide_enough():
    """At least 600 distinct texts from 8 systems and 60 bodies, each with its source."""
    with CORPUS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 600 and len({r["text"] for r in rows}) == len(rows)
    assert len({r["system"] for r in rows}) >= 8
    assert len({r["body"].split(" (")[0] for r in rows}) >= 60
    assert all(r["source"] for r in rows)
