"""Import of the official municipality directory of Destatis (GV100AD, fixed-width).

Format: ../shared/data/README.md. Districts (record 40), associations of municipalities
(record 50, kinds 51-58) and municipalities (record 60) become bodies; a kreisfreie Stadt is one
body (its municipality record; its district record is skipped), unincorporated areas (60 with
kind 65/66) and the "verbandsfreie Gemeinde" placeholders (50 with kind 50) are not bodies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import Body, BodyKind, InitiativeDistrict

DISTRICT_KINDS = {"43": "Kreis", "44": "Landkreis", "45": "Regionalverband"}
CITY_DISTRICT_KINDS = {"41", "42"}  # kreisfreie Stadt / Stadtkreis: one body from record 60
ASSOCIATION_KINDS = {
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
    "57": "Verbandsgemeinde",
    "58": "Erfüllende Gemeinde",
}
ASSOCIATION_COUNCILS = {
    "51": "Amtsausschuss",
    "52": "Samtgemeinderat",
    "53": "Verbandsgemeinderat",
    "57": "Verbandsgemeinderat",
}
MUNICIPALITY_KINDS = {
    "60": (BodyKind.MUNICIPALITY, "Markt"),
    "61": (BodyKind.CITY, "Kreisfreie Stadt"),
    "62": (BodyKind.CITY, "Stadtkreis"),
    "63": (BodyKind.CITY, "Stadt"),
    "64": (BodyKind.MUNICIPALITY, "Gemeinde"),
    "67": (BodyKind.CITY, "Große Kreisstadt"),
}
UNINCORPORATED = {"65", "66"}
ABBREVIATIONS = {"St": "Stadt", "M": "Markt", "GKSt": "Große Kreisstadt"}
NAME_PREFIXES = ("Kreis ", "Landkreis ", "Region ", "Regionalverband ", "Städteregion ")


@dataclass(frozen=True)
class Record:
    """One body as the directory describes it."""

    key: str  # AGS for districts (5 digits + 000) and municipalities, ARS for associations
    name: str
    kind: BodyKind
    kind_detail: str | None
    ags: str | None
    ars: str
    population: int | None
    parent_key: str | None
    state: str
    council_name: str | None = None


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        text = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
        return text + f"skipped {skipped}" + (f" ({reasons})" if reasons else "")


def _split_name(raw: str) -> tuple[str, str | None]:
    """'Brakel, Stadt' -> ('Brakel', 'Stadt'); 'Lehre' -> ('Lehre', None)."""
    name, sep, designation = raw.rpartition(", ")
    if not sep:
        return raw, None
    return name, ABBREVIATIONS.get(designation, designation)


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def parse(lines: Iterable[str], skipped: Counter) -> Iterator[Record]:
    """Turn directory lines into records (pure: no database). Counts what it skips and why."""
    association_kinds: dict[str, str] = {}
    for line in lines:
        kind_of_record = line[0:2]
        if kind_of_record == "40":
            key, code = line[10:15], line[122:124]
            if code in CITY_DISTRICT_KINDS:
                continue  # the kreisfreie Stadt comes as its municipality record
            name = line[22:72].rstrip()
            designation = DISTRICT_KINDS.get(code, "Kreis")
            if not name.startswith(NAME_PREFIXES):
                name = f"{designation} {name}"
            yield Record(
                key=key + "000",
                name=name,
                kind=BodyKind.DISTRICT,
                kind_detail=designation,
                ags=key + "000",
                ars=key + "0000000",
                population=None,
                parent_key=None,
                state=key[:2],
                council_name="Kreistag" if code in ("43", "44") else None,
            )
        elif kind_of_record == "50":
            district, number, code = line[10:15], line[18:22], line[122:124]
            association_kinds[district + number] = code
            if code not in ASSOCIATION_KINDS:
                continue
            name, designation = _split_name(line[22:72].rstrip())
            ars = district + number + "000"
            yield Record(
                key=ars,
                name=name,
                kind=BodyKind.COLLECTIVE_MUNICIPALITY,
                kind_detail=designation or ASSOCIATION_KINDS[code],
                ags=None,
                ars=ars,
                population=None,
                parent_key=district + "000",
                state=district[:2],
                council_name=ASSOCIATION_COUNCILS.get(code),
            )
        elif kind_of_record == "60":
            ags, number, code = line[10:18], line[18:22], line[122:124]
            if code in UNINCORPORATED:
                skipped["unincorporated area"] += 1
                continue
            if code not in MUNICIPALITY_KINDS:
                skipped[f"unknown kind {code!r}"] += 1
                continue
            kind, default_detail = MUNICIPALITY_KINDS[code]
            name, designation = _split_name(line[22:72].rstrip())
            if code in ("61", "62"):
                parent_key = None
                designation = default_detail
            elif association_kinds.get(ags[:5] + number) in ASSOCIATION_KINDS:
                parent_key = ags[:5] + number + "000"
            else:
                parent_key = ags[:5] + "000"
            yield Record(
                key=ags,
                name=name,
                kind=kind,
                kind_detail=designation or default_detail,
                ags=ags,
                ars=ags[:5] + number + ags[5:],
                population=_int(line[139:150]),
                parent_key=parent_key,
                state=ags[:2],
            )


def read(path: str, districts: Iterable[str] = (), skipped: Counter | None = None) -> list[Record]:
    """Records of the file, limited to the given 5-digit district keys if any; populations of
    districts and associations are the sums of their municipalities."""
    skipped = skipped if skipped is not None else Counter()
    wanted = tuple(districts)
    with open(path, encoding="utf-8") as handle:
        # every record type keeps its district key at columns 11-15
        lines = (line for line in handle if not wanted or line[10:15] in wanted)
        records = list(parse(lines, skipped))
    totals: Counter = Counter()
    for r in records:
        if r.kind in (BodyKind.CITY, BodyKind.MUNICIPALITY) and r.population:
            totals[r.ags[:5] + "000"] += r.population
            if r.parent_key and r.parent_key != r.ags[:5] + "000":
                totals[r.parent_key] += r.population
    return [
        r if r.population is not None else _with_population(r, totals.get(r.key)) for r in records
    ]


def _with_population(r: Record, population: int | None) -> Record:
    from dataclasses import replace

    return replace(r, population=population)


SYNCED = ("name", "kind", "kind_detail", "ags", "ars", "population", "state")


def import_records(
    records: list[Record], summary: Summary, progress: Callable[[int], None] = lambda n: None
) -> Summary:
    """Create or update bodies from records, parents before members, in three flushes.

    A body is found by its AGS (districts, municipalities) or ARS (associations). Only the
    directory's own fields are overwritten; council, website and contact stay as people set them.
    """
    existing = db.session.scalars(select(Body).where(Body.ags.is_not(None) | Body.ars.is_not(None)))
    by_key: dict[str, Body] = {}
    for body in existing:
        if body.kind == BodyKind.COLLECTIVE_MUNICIPALITY and body.ars:
            by_key[body.ars] = body
        if body.ags:
            by_key[body.ags] = body
    order = {BodyKind.DISTRICT: 0, BodyKind.COLLECTIVE_MUNICIPALITY: 1}
    moved: list[int] = []
    own: list[Body] = []
    for level in (0, 1, 2):
        batch = [r for r in records if order.get(r.kind, 2) == level]
        for r in batch:
            parent = by_key.get(r.parent_key) if r.parent_key else None
            if r.parent_key and parent is None:
                summary.skipped["parent missing"] += 1
                continue
            body = by_key.get(r.key)
            values = {name: getattr(r, name) for name in SYNCED}
            values["parent_id"] = parent.id if parent else None
            own_district = r.kind == BodyKind.DISTRICT or parent is None
            if not own_district:  # known now: inserted with it rather than updated after
                values["district_id"] = (
                    parent.id if parent.kind == BodyKind.DISTRICT else parent.district_id
                )
                if body is not None and body.district_id not in (None, values["district_id"]):
                    moved.append(body.id)
            if body is None:
                body = Body(**values, council_name=r.council_name)
                db.session.add(body)
                by_key[r.key] = body
                summary.created += 1
            elif any(getattr(body, k) != v for k, v in values.items()):
                for k, v in values.items():
                    if getattr(body, k) != v:
                        setattr(body, k, v)
                summary.updated += 1
            else:
                summary.unchanged += 1
            if own_district:
                own.append(body)
        db.session.flush()
        for body in own:  # a district (or a city without one) is its own district
            if body.district_id != body.id:
                if body.district_id is not None:
                    moved.append(body.id)
                body.district_id = body.id
        own.clear()
        db.session.flush()
        progress(len(batch))
    for body_id in moved:  # rare: a municipality changed its district
        InitiativeDistrict.refresh_for_body(db.session, body_id)
    return summary
