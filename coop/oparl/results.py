"""What a council's free-text result says: outcome and votes. One pure function.

Real systems write results in many ways ("einstimmig", "13 Ja-Stimmen, 0 Enthaltungen,
0 Nein-Stimmen", "mit 25:3:2 Stimmen", "geändert beschlossen", "vertagt", "abgelehnt").
Unknown parts stay None; an outcome not named but implied by the votes is taken from them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_NUMBER_WORDS = {
    "keine": 0, "kein": 0, "null": 0, "eine": 1, "einer": 1, "ein": 1, "eins": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12,
}  # fmt: skip
_N = r"(?P<n>\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"

# (pattern, outcome): the first that matches wins, so the more specific come first. "Noted"
# comes last but one: "zur Kenntnis genommen + mehrheitliche Zustimmung" is a decision.
_OUTCOMES = [
    (r"\bungeändert\s+(beschlossen|angenommen|zugestimmt)", "adopted"),
    (r"\b(geändert|mit\s+änderung(en)?|in\s+geänderter\s+fassung|modifiziert|ergänzt)\s+"
     r"(beschlossen|angenommen|zugestimmt)", "adopted_amended"),
    (r"\bänderungsbeschluss\b|\bgeänderte[rn]?\s+beschlussvorschlag\b", "adopted_amended"),
    # "Beschlossen mit geändertem Beschlusstext", "zugestimmt zum modifizierten Antrag"
    (r"\b(beschlossen|angenommen|zugestimmt|zustimmung)\b.{0,20}?\b(geändert|modifiziert|"
     r"ergänzt)(e|em|en|er)?\s+(beschlusstext|beschlussvorschlag|antrag|fassung|vorlage)",
     "adopted_amended"),
    (r"\bnicht\s+(beschlossen|angenommen|zugestimmt)\b|\babgelehnt\b|\bablehnung\b"
     r"|\bzustimmung\s+(verweigert|versagt)\b", "rejected"),
    # sent on to another organ: "Weiterbehandlung im Planungsausschuss", "Beratung im
    # Fachgremium", "in den Hauptausschuss verwiesen"
    (r"\bweiterbehandlung\s+(im|in|durch)\b|\bberatung\s+im\s+\w+|\b(an|in)\s+(den|die|das)\s+"
     r"\w+\s+(verwiesen|überwiesen)\b|\büberwiesen\b|\bverweisung\s+(an|in)\b", "referred"),
    (r"\bvertagt\b|\bzurückgestellt\b|\babgesetzt\b|\bverwiesen\b|\bvertagung\b"
     r"|\bzurückverwiesen\b|\bnicht\s+behandelt\b", "deferred"),
    (r"\bzurückgezogen\b|\bzurücknahme\b", "withdrawn"),
    (r"\b(beschlossen|angenommen|zugestimmt|beschluss\s+gefasst|beschlussvorschlag\s+"
     r"(wird|wurde)\s+gefolgt|entsprechend\s+(dem\s+)?beschlussvorschlag|einstimmig"
     r"|(mehrheitliche\s+)?zustimmung|einverstanden|genehmigt|stimmt\s+(dem|der|zu))\b",
     "adopted"),
    # "zur Kenntnis genommen", "Der Ausschuss nimmt die Ausführungen zur Kenntnis."
    (r"\bzur\s+kenntnis\b|\bkenntnisnahme\b|\bkenntnis\s+genommen\b", "noted"),
]  # fmt: skip
_YES = re.compile(
    rf"(?<![\d.,]){_N}[\s-]*(ja[\s-]*stimme[n]?|ja\b|dafür|für\b|zustimmung(en)?)", re.I
)
_NO = re.compile(
    rf"(?<![\d.,]){_N}[\s-]*(nein[\s-]*stimme[n]?|nein\b|dagegen|gegenstimme[n]?|gegen\b)", re.I
)
_ABSTAIN = re.compile(rf"(?<![\d.,]){_N}[\s-]*(stimm)?enthaltung(en)?", re.I)
_LABELLED = {
    # "dafür 7, dagegen 1" needs no colon; "Ja" and "Nein" do ("13 Ja, 0 Nein" counts first).
    "yes": re.compile(
        rf"\b(?:(?:ja|zustimmung(?:en)?|ja[\s-]*stimmen)\s*[:=]|dafür\s*[:=]?)\s*{_N}", re.I
    ),
    "no": re.compile(
        rf"\b(?:(?:nein|gegenstimmen|nein[\s-]*stimmen)\s*[:=]|dagegen\s*[:=]?)\s*{_N}", re.I
    ),
    "abstain": re.compile(rf"\b(stimm)?enthaltung(en)?\s*[:=]\s*{_N}", re.I),
}
_TRIPLE = re.compile(r"(\d+)\s*[:/]\s*(\d+)\s*[:/]\s*(\d+)")
_NO_ABSTAIN = re.compile(r"\bohne\s+(stimm)?enthaltung(en)?\b|\bkeine\s+(stimm)?enthaltung", re.I)
_NO_AGAINST = re.compile(r"\bohne\s+gegenstimme(n)?\b|\bkeine\s+gegenstimme", re.I)
_WITH_ABSTAIN = re.compile(rf"\bbei\s+{_N}\s+(stimm)?enthaltung(en)?", re.I)
_WITH_AGAINST = re.compile(rf"\bbei\s+{_N}\s+gegenstimme(n)?", re.I)


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


def _find(pattern: re.Pattern, text: str) -> int | None:
    """The count a pattern finds; none for what cannot be a council's votes."""
    match = pattern.search(text)
    if not match:
        return None
    value = _number(match.group("n"))
    return value if value <= 100_000 else None


def parse_result(text: str | None) -> ParsedResult:
    """Outcome (adopted, adopted_amended, rejected, referred, deferred, withdrawn, noted) and
    votes; None where the text does not say."""
    if not text or not text.strip():
        return ParsedResult()
    t = " ".join(text.replace("\u00a0", " ").split()).lower()
    # glued words and figures, as some systems write them: "Einstimmig15-Ja-Stimmen"
    t = re.sub(r"([a-zäöüß])(\d)", r"\1 \2", t)
    t = re.sub(r"(\d)([a-zäöüß])", r"\1 \2", t)
    outcome = next((o for pattern, o in _OUTCOMES if re.search(pattern, t)), None)
    yes = no = abstain = None
    triple = _TRIPLE.search(t)
    if triple and re.search(r"stimm|abstimmung|ergebnis|ja\s*:\s*nein", t):
        yes, no, abstain = (int(g) for g in triple.groups())
    else:
        yes = _find(_LABELLED["yes"], t) if _LABELLED["yes"].search(t) else _find(_YES, t)
        no = _find(_LABELLED["no"], t) if _LABELLED["no"].search(t) else _find(_NO, t)
        abstain = (
            _find(_LABELLED["abstain"], t) if _LABELLED["abstain"].search(t) else _find(_ABSTAIN, t)
        )
    if "einstimmig" in t:
        # unanimous: nobody voted the other way ("einstimmig abgelehnt": nobody for it)
        if outcome == "rejected":
            yes = 0 if yes is None else yes
        else:
            no = 0 if no is None else no
        if abstain is None and _NO_ABSTAIN.search(t):
            abstain = 0
    if abstain is None and _WITH_ABSTAIN.search(t):
        abstain = _find(_WITH_ABSTAIN, t)
    if no is None and _WITH_AGAINST.search(t):
        no = _find(_WITH_AGAINST, t)
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
