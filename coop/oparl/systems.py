"""One council information system for many bodies: hosting centres serve dozens of towns from
one OParl system. A district sets the System URL once; coop lists the system's bodies and
suggests the partner each belongs to (by AGS, else by name); a person confirms; each mapped
partner then reads its own Body URL, and the daily sync reads them all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..errors import ValidationError
from ..extensions import db
from ..models import Body
from .client import Fetcher, FetchError, clean, type_name

MAX_BODIES = 500  # more than any hosting centre serves


@dataclass(frozen=True)
class RemoteBody:
    """A body as the system lists it."""

    url: str
    name: str
    ags: str | None


def remote_bodies(url: str, fetcher: Fetcher | None = None) -> list[RemoteBody]:
    """The bodies an OParl System lists (through links.next), by name; `url` may also be one
    of its bodies' addresses. Raises FetchError with a message for people when the address
    leads to no system."""
    fetcher = fetcher or Fetcher()
    system = clean(fetcher.get(url))
    if type_name(system) == "Body" and isinstance(system.get("system"), str):
        system = clean(fetcher.get(system["system"]))  # a body's address leads to its system
    if type_name(system) != "System" or not isinstance(system.get("body"), str):
        raise FetchError(_("%(url)s is not an OParl system.", url=url))
    out: dict[str, RemoteBody] = {}
    for page in fetcher.pages(system["body"]):
        for raw in page:
            b = clean(raw, "Body") if isinstance(raw, dict) else None
            if not b or not isinstance(b.get("id"), str) or b.get("deleted"):
                continue
            out[b["id"]] = RemoteBody(b["id"], str(b.get("name") or b["id"]), b.get("ags"))
            if len(out) >= MAX_BODIES:
                break
    return sorted(out.values(), key=lambda r: r.name.casefold())


def candidates(district: Body) -> list[Body]:
    """The bodies a district's system may serve: the district and the bodies in it."""
    return list(
        db.session.scalars(
            select(Body)
            .where(or_(Body.id == district.id, Body.district_id == district.id))
            .order_by(Body.name)
        )
    )


_PREFIX = re.compile(
    r"^(stadt|gemeinde|kreis|landkreis|markt|samtgemeinde|verbandsgemeinde|amt|hansestadt)\s+"
)


def _name_key(name: str) -> str:
    name = " ".join(name.casefold().replace("-", " ").split())
    return _PREFIX.sub("", name)


def suggest(remote: list[RemoteBody], bodies: list[Body]) -> dict[str, int | None]:
    """For each remote body, the partner it most likely is: the same AGS (eight digits; a
    seven-digit AGS has lost its leading zero), else the same name without "Stadt",
    "Gemeinde" and the like; None where neither fits. A partner is suggested once."""
    by_ags = {b.ags: b.id for b in bodies if b.ags}
    by_name: dict[str, int] = {}
    for b in bodies:
        by_name.setdefault(_name_key(b.name), b.id)
    taken: set[int] = set()
    out: dict[str, int | None] = {}
    for r in remote:
        ags = (r.ags or "").strip()
        found = by_ags.get(ags.zfill(8)) if ags.isdigit() else None
        if found is None:
            found = by_name.get(_name_key(r.name))
        out[r.url] = found if found not in taken else None
        if found is not None:
            taken.add(found)
    return out


def apply_mapping(district: Body, mapping: dict[str, int | None]) -> int:
    """Each chosen partner reads its own Body URL of the system; returns how many partners
    were mapped. Only the district and its bodies may be chosen, each for one remote body."""
    allowed = {b.id: b for b in candidates(district)}
    chosen = [(url, body_id) for url, body_id in mapping.items() if body_id is not None]
    errors = {}
    seen: dict[int, str] = {}
    for url, body_id in chosen:
        if body_id not in allowed:
            errors[url] = _("Choose a body of this district.")
        elif body_id in seen:
            errors[url] = _("%(name)s is already chosen for another body of the system.",
                            name=allowed[body_id].name)  # fmt: skip
        seen[body_id] = url
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    for url, body_id in chosen:
        body = allowed[body_id]
        if body.oparl_url != url:
            # a district is its own district: a loaded self-reference would make the flush
            # see a cycle, and the mapping changes nothing of it
            db.session.expire(body, ["district"])
            body.oparl_url = url[:500]
    db.session.flush()
    return len(chosen)
