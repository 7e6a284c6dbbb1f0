"""What a council's free-text result says: outcome and votes. One pure function.

Real systems write results in many ways ("einstimmig", "13 Ja-Stimmen, 0 Enthaltungen,
0 Nein-Stimmen", "mit 25:3:2 Stimmen", "geändert beschlossen", "vertagt", "abgelehnt").
Unknown parts stay None; an outcome not named but implied by the votes is taken from them.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass

_NUMBER_WORDS = {
    "keine": 0, "kein": 0, "null": 0, "eine": 1, "einer": 1, "ein": 1, "eins": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12,
}  # fmt: skip

# (pattern, outcome): the first that matches wins, so the more specific come first. "Noted"
# comes last but one: "zur Kenntnis genommen + mehrheitliche Zustimmung" is a decision. The
# corpus of real texts these rules are measured on is tests/data/result_phrasings.csv.
_OUTCOMES = [
    # decided behind closed doors: the public text says nothing about the outcome
    (r"\bnicht\s?öffentlichen\s+teil\b", None),
    (r"\bungeändert\s+(beschlossen|angenommen|zugestimmt)", "adopted"),
    # partly adopted, partly not: the decision differs from the paper
    (r"\bteilweise\s+(zugestimmt|abgelehnt|angenommen|beschlossen)\b", "adopted_amended"),
    (r"\bnicht\s+(beschlossen|angenommen|zugestimmt|empfohlen|genehmigt)\b"
     r"|\bzustimmung\s+(verweigert|versagt)\b", "rejected"),
    # a committee's recommendation or preliminary reading: the paper goes on to the organ
    # that decides ("vorberaten ohne Änderungen", "einstimmig empfohlen", "an den Gemeinderat
    # weitergeleitet", "vertagt in Folgegremium")
    (r"\bvorberaten\b|\bempfohlen\b|\bweitergeleitet\b|\bfolgegremium\b", "referred"),
    (r"\b(geändert|mit\s+änderung(en)?|in\s+geänderter\s+fassung|modifiziert|ergänzt)\s+"
     r"(beschlossen|angenommen|zugestimmt)", "adopted_amended"),
    (r"\bänderungsbeschluss\b|\bgeänderte[rn]?\s+beschlussvorschlag\b", "adopted_amended"),
    # "Beschlossen mit geändertem Beschlusstext", "zugestimmt zum modifizierten Antrag"
    (r"\b(beschlossen|angenommen|zugestimmt|zustimmung)\b.{0,20}?\b(geändert|modifiziert|"
     r"ergänzt)(e|em|en|er)?\s+(beschlusstext|beschlussvorschlag|antrag|fassung|vorlage)",
     "adopted_amended"),
    (r"\babgelehnt\b|\bablehnung\b", "rejected"),
    # sent on to another organ: "Weiterbehandlung im Planungsausschuss", "Beratung im
    # Fachgremium", "verwiesen in Fachausschuss", "an Ausschuss überwiesen", "den
    # Tagesordnungspunkt an den SGA zu verweisen"
    (r"\bweiterbehandlung\s+(im|in|durch)\b|\bberatung\s+im\s+\w+|\b(verwiesen|überwiesen)\s+"
     r"(in|an)\b|\b(an|in)\s+((den|die|das)\s+)?[\w-]+\s+(zu\s+)?(verwiesen|überwiesen|"
     r"verweisen)\b|\büberwiesen\b|\bverweisung\s+(an|in)\b", "referred"),
    (r"\bvertagt\b|\bzurückgestellt\b|\babgesetzt\b|\bverwiesen\b|\bvertagung\b|\bgeschoben\b"
     r"|\bverschoben\b|\bangehalten\b|\bwiedervorlage\b|\bzurückverwiesen\b"
     r"|\bnicht\s+behandelt\b|\bin\s+die\s+nächste\s+sitzung\b", "deferred"),
    (r"\bzurückgezogen\b|\bzurücknahme\b|\bzieht\b.*\bzurück\b", "withdrawn"),
    # closed without a decision of its own: answered, or taken into another paper
    (r"\berledigt\b|\bübernommen\b", "noted"),
    (r"\b(beschlossen|angenommen|zugestimmt|beschluss\s+gefasst|beschlussvorschlag\s+"
     r"(wird|wurde)\s+gefolgt|entsprechend\s+(dem\s+)?beschlussvorschlag|einstimmig"
     r"|(mehrheitliche\s+)?zustimmung|einverstanden|einvernehmlich|genehmigt|gewählt"
     r"|bestätigt|festgestellt|beschließt|stimmt\s+(dem|der|zu))\b", "adopted"),
    # "zur Kenntnis genommen", "Der Ausschuss nimmt die Ausführungen zur Kenntnis."
    (r"\bzur\s+kenntnis\b|\bkenntnisnahme\b|\bkenntnis\s+genommen\b", "noted"),
]  # fmt: skip
# Votes are written label-first ("Ja: 12, Nein: 3", "dafür 7", "Enth.: 1", "Ja 1 Nein 7") or
# figure-first ("13 Ja-Stimmen", "zwei Gegenstimmen", "5 dafür 0 dagegen"); a text keeps to
# one order, so both are read and the order with more pairs wins ("Ja 1 Nein 7" is not "1 Nein").
_KINDS = {
    "yes": r"ja[\s-]*stimmen|ja[\s-]*stimme|ja|dafür|zustimmungen|zustimmung",
    "no": r"nein[\s-]*stimmen|nein|dagegen|gegenstimmen|gegenstimme",
    "abstain": r"(?:stimm)?enthaltungen|(?:stimm)?enthaltung|enth\.",
}
_LABEL = "|".join(f"(?P<{kind}>{words})" for kind, words in _KINDS.items())
_FIGURE = r"(?<![\d.,])(?P<n>\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_LABEL_FIRST = re.compile(rf"\b(?:{_LABEL})(?!\w)\s*[:=]?\s*{_FIGURE}(?![\d.,]\d)", re.I)
_FIGURE_FIRST = re.compile(rf"{_FIGURE}(?![\d.,]\d)[\s-]*(?:{_LABEL})(?!\w)", re.I)
_FOR_FIRST = re.compile(rf"{_FIGURE}[\s-]*für\b", re.I)  # "7 für, 1 gegen"
_TRIPLE = re.compile(r"(\d+)\s*[:/]\s*(\d+)\s*[:/]\s*(\d+)")
_NO_ABSTAIN = re.compile(r"\bohne\s+(stimm)?enthaltung(en)?\b|\bkeine\s+(stimm)?enthaltung", re.I)
_NO_AGAINST = re.compile(r"\bohne\s+gegenstimme(n)?\b|\bkeine\s+gegenstimme", re.I)


@dataclass(frozen=True)
class ParsedResult:
    outcome: str | None = None
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None

    def as_dict(self) -> dict:
        """The parsed result as plain data (for the CLI's JSON)."""
        return asdict(self)


def _number(token: str) -> int:
    token = token.lower()
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def _count(token: str) -> int | None:
    """A figure as a count of votes; none for what cannot be a council's votes."""
    value = _number(token)
    return value if value <= 100_000 else None


def _votes(t: str) -> dict[str, int | None]:
    """Yes, no and abstain as the text gives them, in whichever order it writes them."""
    readings = []
    for pattern in (_LABEL_FIRST, _FIGURE_FIRST):
        found: dict[str, int | None] = {}
        for match in pattern.finditer(t):
            kind = next(k for k in _KINDS if match.group(k))
            found.setdefault(kind, _count(match.group("n")))
        readings.append(found)
    votes = max(readings, key=len)
    if "yes" not in votes and (match := _FOR_FIRST.search(t)):
        votes["yes"] = _count(match.group("n"))
    return votes


def parse_result(text: str | None) -> ParsedResult:
    """Outcome (adopted, adopted_amended, rejected, referred, deferred, withdrawn, noted) and
    votes; None where the text does not say."""
    if not text or not text.strip():
        return ParsedResult()
    # entities ("einstimmig&nbsp;beschlossen"), markup and control characters are not words
    text = re.sub(r"<[^>]{0,200}>", " ", html.unescape(text[:20_000]))
    text = "".join(c if c.isprintable() else " " for c in text)
    t = " ".join(text.replace("\u00a0", " ").split()).lower()
    # glued words and figures, as some systems write them: "Einstimmig15-Ja-Stimmen"
    t = re.sub(r"([a-zäöüß])(\d)", r"\1 \2", t)
    t = re.sub(r"(\d)([a-zäöüß])", r"\1 \2", t)
    # "ungeändert beschlossen / überwiesen": decided, and the decision sent on to be carried out
    t = re.sub(r"(beschlossen|zugestimmt)\s*/\s*überwiesen", r"\1", t)
    outcome = next((o for pattern, o in _OUTCOMES if re.search(pattern, t)), None)
    triple = _TRIPLE.search(t)
    if triple and re.search(r"stimm|abstimmung|ergebnis|ja\s*:\s*nein", t):
        yes, no, abstain = (int(g) for g in triple.groups())
    else:
        votes = _votes(t)
        yes, no, abstain = votes.get("yes"), votes.get("no"), votes.get("abstain")
    if "einstimmig" in t:
        # unanimous: nobody voted the other way ("einstimmig abgelehnt": nobody for it)
        if outcome == "rejected":
            yes = 0 if yes is None else yes
        else:
            no = 0 if no is None else no
        if abstain is None and _NO_ABSTAIN.search(t):
            abstain = 0
    if abstain is None and _NO_ABSTAIN.search(t):
        abstain = 0
    if no is None and _NO_AGAINST.search(t):
        no = 0
    if outcome is None and yes is not None and no is not None:
        outcome = "adopted" if yes > no else "rejected"
    if outcome is None and "mehrheitlich" in t:
        outcome = "adopted"
    return ParsedResult(outcome, yes, no, abstain)


def reading_key(text: str | None) -> str | None:
    """The key under which a person's reading of a result text is remembered: the text with
    its spaces folded and in lower case (at most 500 characters)."""
    if not text or not text.strip():
        return None
    return " ".join(text.replace("\u00a0", " ").split()).lower()[:500]
