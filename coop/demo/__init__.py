"""Demo data: the districts of the seed papers with their real municipalities, Dataport AöR,
Stadt Wolmirstedt, and one account per role."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from ..auth.services import find_user_by_email
from ..bodies import gv100ad
from ..extensions import db
from ..models import Body, BodyKind, Role
from ..users import services as user_services
from ..users.schemas import UserCreate

DIRECTORY = Path(__file__).with_name("gv100ad_demo.txt")
DEMO_PASSWORD = "coop-demo-2026"

# (role, e-mail, name, AGS of the body or None)
DEMO_USERS = [
    (Role.ADMIN, "admin@coop.example", "Ada Admin", None),
    (Role.COORDINATOR, "koordination@kreis-hoexter.example", "Karl Koordinator", "05762000"),
    (Role.PARTNER_EDITOR, "redaktion@brakel.example", "Petra Partner", "05762016"),
    (Role.FUNDING_OFFICER, "foerderung@coop.example", "Frieda Förderung", None),
    (Role.VIEWER, "rat@marienmuenster.example", "Viktor Ratsmitglied", "05762024"),
]

COUNCILS = {
    "05762000": ("Kreistag", "https://www.kreis-hoexter.de"),
    "03154000": ("Kreistag", "https://www.helmstedt.de"),
    "03158000": ("Kreistag", "https://www.lk-wolfenbuettel.de"),
}


def is_empty() -> bool:
    """No body is stored yet (a fresh database)."""
    return not db.session.scalar(select(func.count()).select_from(Body))


def load() -> gv100ad.Summary:
    """Load the demo: idempotent (bodies by AGS, users by e-mail)."""
    summary = gv100ad.Summary()
    records = gv100ad.read(str(DIRECTORY), skipped=summary.skipped)
    gv100ad.import_records(records, summary)
    bodies = {b.ags: b for b in db.session.scalars(select(Body).where(Body.ags.is_not(None)))}
    for ags, (council, website) in COUNCILS.items():
        body = bodies.get(ags)
        if body is not None and not body.website:
            body.council_name, body.website = council, website
    for body in bodies.values():
        if body.kind == BodyKind.CITY and body.state == "05" and not body.council_name:
            body.council_name = f"Rat der Stadt {body.name}"
    if not db.session.scalar(select(Body).where(Body.name == "Dataport AöR")):
        db.session.add(
            Body(
                name="Dataport AöR",
                kind=BodyKind.ASSOCIATION,
                kind_detail="Anstalt des öffentlichen Rechts",
                council_name="Verwaltungsrat",
                website="https://www.dataport.de",
                contact="Altenholzer Straße 10–14, 24161 Altenholz",
            )
        )
    db.session.flush()
    from . import funding, initiatives, savings

    initiatives.load()
    funding.load()
    savings.load()
    for role, email, name, ags in DEMO_USERS:
        if find_user_by_email(email) is None:
            body = bodies.get(ags) if ags else None
            user_services.create_user(
                UserCreate.model_validate(
                    {
                        "email": email,
                        "name": name,
                        "role": role.value,
                        "body_id": body.id if body else None,
                        "password": DEMO_PASSWORD,
                    }
                ),
                actor=None,
            )
    return summary


def credentials() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of the demo accounts, for `make run` to print."""
    return [(role.value, email, DEMO_PASSWORD) for role, email, _n, _a in DEMO_USERS]
