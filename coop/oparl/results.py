"""What a council's free-text result says: outcome and votes. One pure function.

Real systems write results in many ways ("einstimmig", "13 Ja-Stimmen, 0 Enthaltungen,
0 Nein-Stimmen", "mit 25:3:2 Stimmen", "geändert beschlossen", "vertagt", "abgelehnt").
A wrong definite outcome is worse than none (a person confirms what the parser proposes), so
the text is read in three steps and an outcome is given only when they agree:

1. votes: label-first ("Ja: 12", "dafür: 2 (BÜRGERLISTE)", "Ja: CDU (12), SPD (4)") or
   figure-first ("13 Ja-Stimmen", "zwei Gegenstimmen"); an empty label is no count; a figure
   that cannot be a vote (a year, a date, "560/2022", over 1000) is none. Vote words are
   masked before the verbs are read, so "Ablehnung:" of a template is not a rejection;
2. clauses (sentences) and the motions in each: the verbs and phrases that name an outcome;
3. agreement: several motions with different outcomes, votes that contradict the verb, a
   vote without a verb that is not clearly on the motion, or nothing known give no outcome,
   with the reason (a message key of `coop.messages`) and the words that made it unsure.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, replace

# a result longer than this is minutes, not a result line: a person reads it
MAX_CHARS = 3_000
MAX_CLAUSES = 30
MAX_VOTES = 1_000

_NUMBER_WORDS = {
    "keine": 0, "kein": 0, "null": 0, "eine": 1, "einer": 1, "ein": 1, "eins": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12,
}  # fmt: skip

# (kind, pattern) in order: a phrase found is masked, so a later pattern cannot read its
# words again ("nicht beschlossen" is no "beschlossen", "vertagt in Folgegremium" no
# "vertagt"). Kinds are outcomes, or "none" (no decision in the public text), "amend" (a
# change that turns an adoption into adopted_amended), "recommend" (a preparing committee's
# recommendation: referred, and it swallows the adopting verbs it recommends), "agree" and
# "manner" (weak words: an adoption only when no verb says otherwise).
_PHRASES = [
    ("none", r"\bnicht\s?öffentlichen\s+teil\b|\bnicht\s+zur\s+abstimmung\b"
     r"|\bnicht\s+abgestimmt\b|\bkeine\s+abstimmung\b|\bkein\s+beschluss\b"
     r"|\bkeine\s+beschlussfassung\b|\bohne\s+(beschluss)?empfehlung\b"),
    # only the proposal, not the decision: "Beschlussvorschlag: …" alone, "möge … beschließen"
    ("proposal", r"^beschlussvorschlag\b|\bmöge\b[^.;]{0,80}?\bbeschließen\b"),
    # an election of persons is no outcome of a motion: "2. Wahlgang: 20 Stimmen für Herrn …",
    # "Herr Pötzsche gewählt (44 Ja-Stimmen)"
    ("election", r"\bwahlgang\b|\bstimmen\s+für\s+(herrn|frau)\b|\bin\s+form\s+von\s+wahlen\b"
     r"|\bdie\s+wahl\s+(erfolgt|erfolgte)\b|\bnimmt\s+die\s+wahl\s+an\b"
     r"|\b(wird|werden)\s+gewählt\b"
     r"|\b(herr|frau|stadtrat|stadträtin)\b(\s+[\w.-]+){1,3}\s+gewählt\b"),
    # a tie fails: "bei Stimmengleichheit abgelehnt"; with an adopting verb it contradicts it
    ("tie", r"\bstimmengleichheit\b"),
    # the council lifts an earlier decision: "der Beschluss vom 12.03.2022 wird aufgehoben",
    # "Aufhebungsbeschluss", "hebt seinen Beschluss … auf" (a statute or plan repealed by a
    # decision is an adoption: "Die Satzung … wird aufgehoben" stays "adopted" or unknown)
    ("repealed", r"\bbeschl(uss|üsse)\w*\b(?:[^.;]|\.(?=\d)){0,80}?\b(aufgehoben|aufzuheben)\b"
     r"|\baufhebungsbeschluss\b"
     r"|\bhebt\b[^.;]{0,60}?\bbeschl(uss|üsse)\w*\b(?:[^.;]|\.(?=\d)){0,60}?\bauf\b"),
    ("adopted", r"\bungeändert\s+(beschlossen|angenommen|zugestimmt)\b"
     r"|\b(folgt|folgen|entsprechend|gemäß|laut)\s+((der|dem)\s+)?\w*empfehlung\b"),
    ("adopted_amended", r"\bteilweise\s+(zugestimmt|abgelehnt|angenommen|beschlossen)\b"
     r"|\bin\s+einen\s+prüfauftrag\s+umgewandelt\b|\bals\s+prüfauftrag\b"
     r"|\bgeänderter\s+beschluss\b"),
    ("rejected", r"\bnicht\s+(beschlossen|angenommen|zugestimmt|empfohlen|genehmigt|gefolgt)\b"
     r"|\bzustimmung\s+(verweigert|versagt)\b|\bverfehlt\b.{0,40}?\bmehrheit\b"
     r"|\bkeine\s+mehrheit\b|\bnicht\s+die\s+(nötige|erforderliche|notwendige)\s+mehrheit\b"
     r"|\bstimmt\b.{0,80}?\bnicht\s+zu\b|\bnicht\s+(einverstanden|zuzustimmen|zustimmen)\b"
     r"|\bkeine\s+zustimmung\b|\b(einvernehmen|zustimmung)\b[^.;]{0,40}?\bnicht\s+erteilt\b"
     r"|\bgegen\s+(den\s+|die\s+)?(beschlussvorschlag|verwaltungsvorschlag|vorlage)\b"),
    ("referred", r"\bvertagt\s+in\s+folgegremium\b|\bvorberaten\b|\bweitergeleitet\b"
     r"|\bfolgegremium\b|\bempfohlen\b"),
    ("recommend", r"\bempfiehlt\b|\bempfahl\b|\bempfehlen\b|\b\w*empfehlung\b"
     r"|\bschlägt\b[^.;]{0,80}?\bvor\b|\bwird\s+vorgeschlagen\b"),
    ("adopted_amended", r"\b(geändert|mit\s+änderung(en)?|in\s+geänderter\s+fassung|modifiziert"
     r"|ergänzt)\s+(beschlossen|angenommen|zugestimmt)\b"
     r"|\bänderungsbeschluss\b|\bgeänderte[rn]?\s+beschlussvorschlag\b"
     r"|\b(beschlossen|angenommen|zugestimmt|zustimmung)\b.{0,20}?\b(geändert|modifiziert|"
     r"ergänzt)(e|em|en|er)?\s+(beschlusstext|beschlussvorschlag|antrag|fassung|vorlage)"),
    ("amend", r"\bmit\s+(den\s+|der\s+)?((?!die\b|eine\b|das\b)\w+\s+){0,4}?(änderung|änderungen"
     r"|ergänzung|ergänzungen)\b|\bnach\s+(änderung|ergänzung)\b|\bwie\s+folgt\s+geändert\b"
     r"|\b(änderungs|ergänzungs)antrag\w*\b(?:(?!abgelehnt|ablehnung|angenommen|beschlossen"
     r"|zugestimmt).){0,120}?\b(angenommen|beschlossen|zugestimmt)\b"),
    ("rejected", r"\babgelehnt\b|\bablehnung\b|\babzulehnen\b|\blehnt\b.{0,80}?\bab\b"),
    # sent on to another organ: "Weiterbehandlung im Planungsausschuss", "an Ausschuss
    # überwiesen", "den Tagesordnungspunkt an den SGA zu verweisen"
    ("referred", r"\bweiterbehandlung\s+(im|in|durch)\b|\bberatung\s+im\s+\w+|\b(verwiesen|"
     r"überwiesen)\s+(in|an)\b|\b(an|in)\s+((den|die|das)\s+)?[\w-]+\s+(zu\s+)?(verwiesen|"
     r"überwiesen|verweisen|überweisen)\b|\büberwiesen\b|\bverweisung\s+(an|in)\b"
     r"|\bzu\s+(verweisen|überweisen)\b|\bverwiesen\b"),
    ("deferred", r"\bvertagt\b|\bzu\s+vertagen\b|\bvertagung\b|\bzurückgestellt\b"
     r"|\bzurückzustellen\b|\babgesetzt\b|\babzusetzen\b|\bverwiesen\b|\bgeschoben\b"
     r"|\bverschoben\b|\bzu\s+verschieben\b|\bangehalten\b|\bwiedervorlage\b"
     r"|\bzurückverwiesen\b|\bnicht\s+behandelt\b|\bin\s+die\s+nächste\s+sitzung\b"),
    ("withdrawn", r"\bzurückgezogen\b|\bzurücknahme\b|\bzurückzuziehen\b"
     r"|\bzieht\b.{0,80}?\bzurück\b|\bnimmt\b.{0,60}?\bzurück\b"),
    # closed without a decision of its own: answered, or taken into another paper
    ("noted", r"\berledigt\b|\bübernommen\b"),
    ("adopted", r"\b(beschlossen|angenommen|zugestimmt|beschluss\s+gefasst|beschlussvorschlag\s+"
     r"(wird|wurde)\s+gefolgt|entsprechend\s+(dem\s+)?beschlussvorschlag|genehmigt|gewählt"
     r"|bestätigt|festgestellt|stimmt\s+(dem|der|den|zu)|zuzustimmen|anzunehmen"
     r"|zu\s+beschließen|zu\s+genehmigen|genehmigt|annahme|gebilligt|billigt)\b"
     r"|\b(einvernehmen|zustimmung)\s+((wurde|wird)\s+)?erteilt\b|\b(wurde|wird)\s+das\s+"
     r"(gemeindliche\s+)?einvernehmen\s+erteilt\b"
     r"|\bfass(t|te|ten|en)\s+(den|einen)\s+(\w+\s+)?beschluss\b"),
    ("noted", r"\bzur\s+kenntnis\b|\bkenntnisnahme\b|\bkenntnis\s+genommen\b"),
    ("agree", r"\b(mehrheitliche\s+)?zustimmung\b|\beinverstanden\b|\beinvernehmlich\b"
     r"|\beinverständnis\b"
     r"|\bdafür\b"),
    ("manner", r"\beinstimmig\b|\bmehrheitlich\b|\bbeschließt\b|\bbeschließen\b"
     r"|\bentschieden\b"),
]  # fmt: skip
_PHRASES_RE = [(kind, re.compile(p)) for kind, p in _PHRASES]
_ADOPTING = {"adopted", "adopted_amended"}

_KINDS = {
    "yes": r"ja[\s-]*stimmen|ja[\s-]*stimme|ja|dafür|zustimmungen|zustimmung",
    "no": r"nein[\s-]*stimmen|nein[\s-]*stimme|nein|dagegen|gegenstimmen|gegenstimme|ablehnung"
    r"|ablehnungen",
    "abstain": r"(?:stimm(?:en)?)?enthaltungen|(?:stimm(?:en)?)?enthaltung|enth\.",
}
_LABELS = "|".join(f"(?P<{k}>{w})" for k, w in _KINDS.items())
_LABEL = re.compile(rf"(?<![\w-])(?:{_LABELS})(?!\w)")
_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_FIGURE = rf"(?<![\d.,/])(?:\d+|\b(?:{_WORDS})\b)(?![\d.,/]\d)"
_VALUE = re.compile(rf"\s*[:=]?\s*(?P<n>{_FIGURE})")
_EMPTY = re.compile(r"\s*[:=]\s*(?:[/,;–-]|$)")
_PARTIES = re.compile(r"\s*[:=]?\s*((?:[^\W\d][\w./ -]{0,40}?\s*\(\s*\d{1,3}\s*\)\s*,?\s*)+)")
_PARTY_COUNT = re.compile(r"\(\s*(\d{1,3})\s*\)")
_FIGURE_FIRST = re.compile(rf"(?P<n>{_FIGURE})[\s-]*(?:{_LABELS})(?!\w)")
_FOR_FIRST = re.compile(rf"(?P<n>{_FIGURE})[\s-]*für\b")  # "7 für, 1 gegen"
_MIT_GEGEN = re.compile(
    rf"\bmit\s+(?P<yes>{_FIGURE})(?:(?:\s*:\s*|\s+(?:zu|gegen)\s+)(?P<no>{_FIGURE}))?"
    r"\s+(?:ja-?\s*)?stimmen\b"
)
_GEGEN = re.compile(rf"\bgegen\s+(?P<no>{_FIGURE})\s+(?:nein-?\s*|gegen)?stimmen\b")
_TRIPLE = re.compile(r"(?<![\d.,/])(\d+)\s*[:/]\s*(\d+)\s*[:/]\s*(\d+)(?![\d.,/]\d)")
_NO_ABSTAIN = re.compile(r"\bohne\s+(stimm)?enthaltung(en)?\b|\bkeine\s+(stimm)?enthaltung")
_NO_AGAINST = re.compile(r"\bohne\s+gegenstimme(n)?\b|\bkeine\s+gegenstimme")
_ON_THE_MOTION = re.compile(r"abstimmung|ergebnis|\babst\.")
# a clause ends at . ; ! ? before a space, except after these abbreviations
_CLAUSE_END = re.compile(r"(\w*)[.;!?](?=\s)")
_ABBREVIATIONS = {"dr", "nr", "enth", "abst", "erg", "ca", "bzw", "gem", "str", "top", "ziff"}


@dataclass(frozen=True)
class ParsedResult:
    """What a result text says. `outcome` is None where the text does not say it for sure;
    then `reason` (a message key of `coop.messages`, "result.…") says why, and `evidence`
    holds the words that decided or that made the parser unsure."""

    outcome: str | None = None
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None
    evidence: str = ""
    reason: str | None = None

    def as_dict(self) -> dict:
        """The parsed result as plain data (for the CLI's JSON)."""
        return asdict(self)

    @property
    def votes(self) -> tuple[int | None, int | None, int | None]:
        """Yes, no and abstain."""
        return (self.votes_yes, self.votes_no, self.votes_abstain)


@dataclass
class _Clause:
    text: str
    hits: list[tuple[str, str]]  # (kind, words)
    votes: dict[str, int | None]


def _count(token: str) -> int | None:
    """A figure as a count of votes; none for what cannot be a council's votes."""
    token = token.strip()
    value = int(token) if token.isdigit() else _NUMBER_WORDS.get(token)
    return value if value is not None and value <= MAX_VOTES else None


def _kind(match: re.Match) -> str:
    return next(k for k in _KINDS if match.group(k))


def _label_first(t: str) -> tuple[dict[str, int | None], list[tuple[int, int]]]:
    """ "Ja: 12", "dafür: 2 (2 BÜRGERLISTE)", "Ja: CDU (12), SPD (4)", "Ablehnung: /"."""
    labels = list(_LABEL.finditer(t))
    found: dict[str, int | None] = {}
    spans = []
    for i, label in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(t)
        rest = t[label.end() : end]
        kind = _kind(label)
        if m := _VALUE.match(rest):
            value, stop = _count(m.group("n")), m.end()
        elif (m := _PARTIES.match(rest)) and not rest[m.end() :].strip(" ,;/"):
            value, stop = sum(int(n) for n in _PARTY_COUNT.findall(m.group(1))), m.end()
        elif m := _EMPTY.match(rest):
            value, stop = None, m.end()  # printed but empty: no count, not a "no"
        else:
            continue
        if kind not in found:
            found[kind] = value
        spans.append((label.start(), label.end() + stop))
    return found, spans


def _figure_first(t: str) -> tuple[dict[str, int | None], list[tuple[int, int]]]:
    """ "13 Ja-Stimmen", "zwei Gegenstimmen", "bei einer Enthaltung", "5 dafür"."""
    found: dict[str, int | None] = {}
    spans = []
    for m in _FIGURE_FIRST.finditer(t):
        found.setdefault(_kind(m), _count(m.group("n")))
        spans.append(m.span())
    return found, spans


def _votes(t: str) -> tuple[dict[str, int | None], list[tuple[int, int]]]:
    """Yes, no and abstain of a clause, with the spans of the words that said them."""
    if (triple := _TRIPLE.search(t)) and re.search(r"stimm|abstimmung|ergebnis|ja\s*:\s*nein", t):
        yes, no, abstain = (_count(g) for g in triple.groups())
        return {"yes": yes, "no": no, "abstain": abstain}, [triple.span()]
    first, first_spans = _label_first(t)
    after, after_spans = _figure_first(t)
    # a text keeps to one order; the order with more pairs wins ("Ja 1 Nein 7" is not "1 Nein")
    votes, spans = (first, first_spans) if len(first) >= len(after) else (after, after_spans)
    votes = dict(votes)
    if "yes" not in votes and (m := _FOR_FIRST.search(t)):
        votes["yes"] = _count(m.group("n"))
        spans.append(m.span())
    if m := _MIT_GEGEN.search(t):
        if m.group("no") is not None or _GEGEN.search(t):
            votes.setdefault("yes", _count(m.group("yes")))
            spans.append(m.span())
            if m.group("no") is not None:
                votes.setdefault("no", _count(m.group("no")))
    if m := _GEGEN.search(t):
        votes.setdefault("no", _count(m.group("no")))
        spans.append(m.span())
    return votes, spans


def _mask(t: str, spans) -> str:
    chars = list(t)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _phrases(t: str, words: str) -> list[tuple[str, str]]:
    """The outcome words of a clause `t` (its votes masked), each read once (the first pattern
    that takes them); the words as they stand in `words`, the clause with its votes."""
    hits = []
    for kind, pattern in _PHRASES_RE:
        found = list(pattern.finditer(t))
        if found:
            hits.extend(
                (m.start(), kind, " ".join(words[m.start() : m.end()].split())) for m in found
            )
            t = _mask(t, [m.span() for m in found])
    return [(kind, words) for _start, kind, words in sorted(hits)]  # in the order of the text


def _clauses(t: str) -> list[str]:
    out, start = [], 0
    for m in _CLAUSE_END.finditer(t):
        if m.group(1) in _ABBREVIATIONS:
            continue
        out.append(t[start : m.end()])
        start = m.end()
    out.append(t[start:])
    return [c.strip() for c in out if c.strip()]


def _normalize(text: str) -> str:
    # entities ("einstimmig&nbsp;beschlossen"), markup and control characters are not words
    text = html.unescape(text[: MAX_CHARS * 4])
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.I | re.S)
    text = re.sub(r"<[^>]{0,500}>", " ", text)
    text = "".join(c if c.isprintable() else " " for c in text)
    t = " ".join(text.replace("\u00a0", " ").split()).lower()
    # glued words and figures, as some systems write them: "Einstimmig15-Ja-Stimmen"
    t = re.sub(r"([a-zäöüß])(\d)", r"\1 \2", t)
    t = re.sub(r"(\d)([a-zäöüß])", r"\1 \2", t)
    # "ungeändert beschlossen / überwiesen": decided, and the decision sent on to be carried out
    return re.sub(r"(beschlossen|zugestimmt)\s*/\s*überwiesen", r"\1", t)


def _unsure(reason: str, evidence: str, votes=(None, None, None)) -> ParsedResult:
    return ParsedResult(None, *votes, evidence=evidence[:300], reason=reason)


def _cased(evidence: str, text: str) -> str:
    """The evidence as the council wrote it ("Einstimmig beschlossen", not "einstimmig
    beschlossen"): each piece found again, case-blind, in the text with its spaces folded."""
    folded = " ".join(html.unescape(text[: MAX_CHARS * 4]).replace("\u00a0", " ").split())
    lower = folded.lower()
    if not evidence or len(lower) != len(folded):
        return evidence
    out = []
    for piece in evidence.split(" … "):
        at = lower.find(piece)
        out.append(folded[at : at + len(piece)] if at >= 0 else piece)
    return " … ".join(out)


def _outcome_of(hits: list[tuple[str, str]]) -> tuple[set[str], str | None]:
    """The strong outcomes of some hits, and the weak adoption if only weak words speak."""
    kinds = {k for k, _w in hits}
    strong = kinds - {
        "none",
        "election",
        "proposal",
        "amend",
        "agree",
        "manner",
        "recommend",
        "tie",
    }
    if "recommend" in kinds:
        # "empfiehlt dem Rat, … zu beschließen": the recommended adoption is the committee's
        # recommendation, not a decision
        strong = (strong - _ADOPTING) | {"referred"}
    others = strong - {"noted"}
    if "noted" in strong and others and others <= {*_ADOPTING, "withdrawn"}:
        strong.discard("noted")  # "zurückgezogen / erledigt", "zur Kenntnis genommen und …"
    if strong == {"noted"} and "agree" in kinds:
        strong = {"adopted"}  # "zur Kenntnis genommen + mehrheitliche Zustimmung"
    if "repealed" in strong and strong - {"repealed"} <= _ADOPTING:
        strong = {"repealed"}  # "beschlossen: der Beschluss vom … wird aufgehoben"
    if strong == {"adopted", "adopted_amended"}:
        strong = {"adopted_amended"}  # an amendment adopted, then the whole
    if strong == {"rejected"} and "agree" in kinds:
        # "Änderungsantrag: Ablehnung … Vorlage: Zustimmung": two motions, two verdicts
        strong = {"rejected", "adopted"}
    weak = "adopted" if not strong and kinds & {"agree", "manner"} else None
    return strong, weak


def _contradicts(outcome: str, votes: dict[str, int | None]) -> bool:
    yes, no = votes.get("yes"), votes.get("no")
    if yes is None or no is None or yes + no == 0:
        return False  # a template with nothing filled in says nothing
    if outcome in _ADOPTING or outcome in ("referred", "repealed"):
        return no >= yes
    if outcome == "rejected":
        return yes > no
    return False


# "Beschlussvorlage: zugestimmt / Änderungsantrag SPD: abgelehnt": one line per motion. The
# outcome is the main motion's (the paper), changed by an amendment adopted with it.
_MOTION_LINE = re.compile(
    r"^\s*(?P<label>(?:beschluss|verwaltungs)?vorlage|beschlussvorschlag|[\w.-]*(?:änderungs|"
    r"ergänzungs)antr(?:a|ä)g\w*[^:\n]{0,60}|antrag[^:\n]{0,40}|ziffer[^:\n]{0,40})\s*:\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_MAIN_LABEL = re.compile(r"^(?:(?:beschluss|verwaltungs)?vorlage|beschlussvorschlag)$", re.I)
_AMENDMENT_LABEL = re.compile(r"(?:änderungs|ergänzungs)antr", re.I)


def _motions(text: str) -> list[tuple[str, str]]:
    """The text's motions, one per labelled line and the lines that continue it."""
    text = re.sub(r"([a-zäöüß])-[ \t]*\n[ \t]*([a-zäöüß])", r"\1\2", text)  # "zuge-\nstimmt"
    motions: list[list[str]] = []
    for line in text.splitlines():
        if m := _MOTION_LINE.match(line):
            motions.append([m.group("label").strip(), m.group("rest")])
        elif motions and line.strip():
            motions[-1][1] += " " + line.strip()
    return [(label, rest) for label, rest in motions]


def _main_motion(text: str) -> ParsedResult | None:
    """The outcome of the paper where the text gives each motion on its own line, with
    amendments beside it; None where it does not, or the paper's line says nothing sure."""
    motions = _motions(text[: MAX_CHARS * 4])
    main = [rest for label, rest in motions if _MAIN_LABEL.match(label)]
    amendments = [rest for label, rest in motions if _AMENDMENT_LABEL.search(label)]
    if len(main) != 1 or not amendments or len(main) + len(amendments) != len(motions):
        return None
    got = _parse(main[0])
    if got.outcome is None:
        return None
    if got.outcome == "adopted" and any(_parse(a).outcome in _ADOPTING for a in amendments):
        return replace(got, outcome="adopted_amended")
    return got


def parse_result(text: str | None) -> ParsedResult:
    """Outcome (adopted, adopted_amended, rejected, repealed, referred, deferred, withdrawn,
    noted) and votes; None where the text does not say for sure, with the reason and the words
    why, as the council wrote them."""
    if not text or not text.strip():
        return ParsedResult()
    parsed = _main_motion(text) or _parse(text)
    return replace(parsed, evidence=_cased(parsed.evidence, text)[:300])


def _parse(text: str) -> ParsedResult:
    if not text or not text.strip():
        return ParsedResult()
    t = _normalize(text)
    if not t:
        return _unsure("result.unknown_words", "")
    if len(t) > MAX_CHARS:
        return _unsure("result.too_long", t[:80] + " …")
    parts = _clauses(t)
    if len(parts) > MAX_CLAUSES:
        return _unsure("result.too_long", t[:80] + " …")
    clauses = []
    for c in parts:
        votes, spans = _votes(c)
        clauses.append(_Clause(c, _phrases(_mask(c, spans), c), votes))
    hits = [h for c in clauses for h in c.hits]
    evidence = " … ".join(dict.fromkeys(w for k, w in hits if k not in ("manner",)))
    evidence = evidence or " … ".join(dict.fromkeys(w for _k, w in hits))
    with_votes = [c for c in clauses if c.votes]
    votes, several_votes = _text_votes(with_votes)
    yes, no, abstain = votes.get("yes"), votes.get("no"), votes.get("abstain")
    if abstain is None and _NO_ABSTAIN.search(t):
        abstain = 0
    if no is None and _NO_AGAINST.search(t):
        no = 0
    found = (yes, no, abstain)
    if any(k == "none" for k, _w in hits):
        return _unsure("result.no_decision", evidence, found)
    if any(k == "election" for k, _w in hits):
        return _unsure("result.election", evidence, (None, None, None))
    if any(k == "proposal" for k, _w in hits) and not _ON_THE_MOTION.search(t):
        return _unsure("result.proposal_only", evidence, (None, None, None))
    strong, weak = _outcome_of(hits)
    if len(strong) > 1:
        return _unsure("result.several_motions", evidence, (None, None, None))
    outcome = next(iter(strong), None) or weak
    if outcome is None:
        if several_votes:
            return _unsure("result.several_motions", _vote_words(found), (None, None, None))
        if yes is not None and no is not None and yes + no > 0:
            spans = [s for c in _clauses(t) for s in _votes(c)[1]] if len(clauses) == 1 else []
            leftover = re.findall(r"[a-zäöüß]{3,}", _mask(t, spans))
            if _ON_THE_MOTION.search(t) or (len(clauses) == 1 and len(leftover) <= 3):
                outcome = "adopted" if yes > no else "rejected"
                return ParsedResult(outcome, *found, evidence=_vote_words(found))
            return _unsure("result.votes_only", _vote_words(found), found)
        if any(v is not None for v in found):
            return _unsure("result.votes_only", _vote_words(found), found)
        return _unsure("result.unknown_words", evidence or t[:80], found)
    if outcome == "adopted" and any(k == "amend" for k, _w in hits):
        outcome = "adopted_amended"
    if any(k == "tie" for k, _w in hits) and outcome != "rejected":
        return _unsure("result.votes_contradict", evidence, found)
    for c in with_votes:
        own, _weak = _outcome_of(c.hits)
        if _contradicts(next(iter(own), None) or outcome, c.votes):
            return _unsure("result.votes_contradict", f"{evidence} ({_vote_words(found)})", found)
    if "einstimmig" in t:
        # unanimous: nobody voted the other way ("einstimmig abgelehnt": nobody for it)
        if outcome == "rejected":
            yes = 0 if yes is None else yes
        else:
            no = 0 if no is None else no
    return ParsedResult(outcome, yes, no, abstain, evidence=evidence[:300])


def _text_votes(with_votes: list[_Clause]) -> tuple[dict[str, int | None], bool]:
    """The votes of the text: those of its clauses together ("dafür: 7; dagegen: 1"), and
    whether several votes were taken. When two clauses give the same count differently,
    several motions were voted on: the last clause's votes if the earlier ones name no
    outcome of their own, else none."""
    merged: dict[str, int | None] = {}
    for c in with_votes:
        for kind, value in c.votes.items():
            if kind in merged and merged[kind] != value:
                if any(_outcome_of(e.hits)[0] for e in with_votes[:-1]):
                    return {}, True
                return dict(with_votes[-1].votes), True
            merged[kind] = value
    return merged, False


def _vote_words(votes) -> str:
    labels = ("Ja", "Nein", "Enth.")
    return ", ".join(f"{a} {'–' if n is None else n}" for a, n in zip(labels, votes, strict=True))


def reading_key(text: str | None) -> str | None:
    """The key under which a person's reading of a result text is remembered: the text with
    its spaces folded and in lower case (at most 500 characters)."""
    if not text or not text.strip():
        return None
    return " ".join(text.replace("\u00a0", " ").split()).lower()[:500]
