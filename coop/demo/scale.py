"""Data at the scale of a whole country, for `make bench` and the tests of constant queries.

`seed("national")` fills the database with the whole GV100AD directory, 8,000 initiatives,
100,000 resolutions, 4,000 grants with tranches and documents, 2,000 savings estimates and an
account per role; `seed("district")` makes a small set with the same shape (one district with
200 initiatives and 200 participating bodies) for the browser and query tests.

Everything goes through the app's models, so the audit trail, versions and derived columns are
written as in real use; the savings estimates go through the savings service. A fixed random seed
makes two runs produce the same data.
"""

from __future__ import annotations

import gzip
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from ..bodies import gv100ad
from ..extensions import db
from ..funding import presets
from ..models import (
    Body,
    BodyKind,
    Document,
    FundingProgram,
    Grant,
    GrantDocument,
    GrantStatus,
    Initiative,
    LegalForm,
    Milestone,
    Outcome,
    Participant,
    ParticipantRole,
    Phase,
    PhaseChange,
    Resolution,
    ResolutionKind,
    Role,
    ServiceArea,
    Tranche,
    TrancheState,
    User,
)

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY_FILES = (
    ROOT.parent / "shared" / "data" / "GV100AD_301123.txt",
    ROOT / "tests" / "data" / "GV100AD_301123.txt.gz",
)
# Eifelkreis Bitburg-Prüm: 235 municipalities, the district with the most.
LARGEST_DISTRICT = "07232"
# District scale: the largest district, Höxter and two neighbours with their municipalities.
SMALL_DISTRICTS = (LARGEST_DISTRICT, "05762", "03154", "03158")
PASSWORD = "coop-bench-2026"


@dataclass(frozen=True)
class Scale:
    initiatives: int
    largest_district_initiatives: int
    resolutions: int
    grants: int
    tranches: int
    estimates: int
    districts: tuple[str, ...] = ()  # empty: the whole directory


SCALES = {
    "national": Scale(8000, 200, 100_000, 4000, 14_000, 2000),
    "district": Scale(260, 200, 2600, 120, 420, 60, SMALL_DISTRICTS),
}

ASSOCIATIONS = (
    "Dataport AöR",
    "Kommunale Datenverarbeitung Nordrhein (KDN)",
    "ITEOS AöR",
    "regio iT GmbH",
    "Zweckverband Kommunale Informationsverarbeitung Sachsen",
    "KommunalBIT AöR",
    "Komm.ONE AöR",
    "AKDB",
)
ORGANS = ("Rat", "Stadtrat", "Gemeinderat", "Kreistag", "Samtgemeinderat", "Verbandsgemeinderat")
COMMITTEES = ("Hauptausschuss", "Haupt- und Finanzausschuss", "Ausschuss für Digitalisierung")
TOPICS = (
    "Gemeinsamer IT-Betrieb",
    "Personalabrechnung",
    "Zentrale Vergabestelle",
    "Rechnungsprüfung",
    "WLAN in öffentlichen Gebäuden",
    "E-Rechnung",
    "E-Akte",
    "OZG-Onlinedienste",
    "Ratsinformationssystem",
    "Schulentwicklungsplanung",
    "Digitalnetzwerk",
    "Smart Region",
)
AREAS = list(ServiceArea)
PHASES = [p for p in Phase]
# the mix the benchmarks were measured with (repeals came later, issue 27): the same seed
# still gives the same data
OUTCOMES = [o for o in Outcome if o != Outcome.REPEALED]
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Counts:
    bodies: int = 0
    initiatives: int = 0
    participants: int = 0
    resolutions: int = 0
    grants: int = 0
    tranches: int = 0
    documents: int = 0
    estimates: int = 0
    users: int = 0
    largest_district: str = ""
    largest_initiatives: int = 0
    largest_bodies: int = 0
    seconds: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The counts as lines for the terminal."""
        avg = self.participants / self.initiatives if self.initiatives else 0
        return [
            f"bodies:        {self.bodies}",
            f"initiatives:   {self.initiatives} ({self.participants} participants, "
            f"{avg:.1f} on average)",
            f"largest district: {self.largest_district} with {self.largest_initiatives} "
            f"initiatives and {self.largest_bodies} participating bodies",
            f"resolutions:   {self.resolutions}",
            f"grants:        {self.grants} ({self.tranches} tranches, {self.documents} documents)",
            f"estimates:     {self.estimates}",
            f"users:         {self.users} (password {PASSWORD})",
            "seconds:       " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()),
        ]


def directory_file() -> Path:
    """The GV100AD directory to seed from: the full one when present, else the demo extract."""
    for path in DIRECTORY_FILES:
        if path.exists():
            return path
    raise FileNotFoundError("GV100AD file not found")


def _directory_lines(districts: tuple[str, ...]) -> list:
    path = directory_file()
    if path.suffix == ".gz":
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if districts:
        lines = [line for line in lines if line[10:15] in districts]
    return lines


def seed(scale_name: str, log: Callable[[str], None] = print) -> Counts:
    """Fill an empty, migrated database at the given scale, committing after each step."""
    scale = SCALES[scale_name]
    rng = random.Random(2026)
    counts = Counts()
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        db.session.commit()
        now = time.perf_counter()
        counts.seconds[name] = now - clock
        log(f"{name}: {now - clock:.1f} s")
        clock = now

    summary = gv100ad.Summary()
    records = list(gv100ad.parse(_directory_lines(scale.districts), summary.skipped))
    gv100ad.import_records(records, summary)
    for name in ASSOCIATIONS:
        db.session.add(Body(name=name, kind=BodyKind.ASSOCIATION, kind_detail="Anstalt"))
    step("directory")

    bodies = db.session.execute(
        select(Body.id, Body.district_id, Body.kind, Body.name).order_by(Body.id)
    ).all()
    counts.bodies = len(bodies)
    by_district: dict[int, list[int]] = {}
    associations = []
    names = {}
    for body_id, district_id, kind, name in bodies:
        names[body_id] = name
        if kind == BodyKind.ASSOCIATION:
            associations.append(body_id)
        elif district_id is not None:
            by_district.setdefault(district_id, []).append(body_id)
    district_ids = sorted(by_district)
    largest = db.session.scalar(select(Body.id).where(Body.ags == LARGEST_DISTRICT + "000"))
    counts.largest_district = names[largest]
    users = bench_users(largest, by_district[largest])
    counts.users = len(users)
    step("users")

    initiatives = _initiatives(rng, scale, largest, by_district, district_ids, associations)
    counts.initiatives = len(initiatives)
    counts.participants = sum(len(members) for _, members in initiatives)
    in_largest = [(i, m) for i, m in initiatives if any(b in by_district[largest] for b in m)]
    counts.largest_initiatives = len(in_largest)
    counts.largest_bodies = len({b for _, m in in_largest for b in m if b in by_district[largest]})
    step("initiatives")

    counts.resolutions = _resolutions(rng, scale, initiatives, names)
    step("resolutions")

    counts.grants, counts.tranches, counts.documents = _grants(rng, scale, initiatives)
    step("grants")

    counts.estimates = _estimates(rng, scale, initiatives)
    step("estimates")

    from ..funding import services as funding

    funding.refresh_checks()
    step("funding checks")
    return counts


def bench_users(largest: int, members: list[int]) -> list[User]:
    """One account per role, the coordinator bound to `largest`, the editor to a member."""
    from werkzeug.security import generate_password_hash

    from ..models.user import password_hash_method

    password_hash = generate_password_hash(PASSWORD, method=password_hash_method())
    users = [
        User(email="admin@bench.example", name="Admin", role=Role.ADMIN),
        User(email="koordination@bench.example", name="Koordination", role=Role.COORDINATOR),
        User(email="foerderung@bench.example", name="Förderung", role=Role.FUNDING_OFFICER),
        User(email="partner@bench.example", name="Partner", role=Role.PARTNER_EDITOR),
        User(email="lesen@bench.example", name="Lesen", role=Role.VIEWER),
    ]
    users[1].body_id = largest
    users[3].body_id = members[1]
    for user in users:
        user.password_hash = password_hash
        db.session.add(user)
    db.session.flush()
    return users


def _participant_count(rng: random.Random) -> int:
    """2 to 40 participants, mostly 3 to 7: a long tail of district-wide projects."""
    roll = rng.random()
    if roll < 0.10:
        return 2
    if roll < 0.85:
        return rng.randint(3, 7)
    if roll < 0.97:
        return rng.randint(8, 15)
    return rng.randint(16, 40)


def _initiatives(rng, scale, largest, by_district, district_ids, associations):
    """(initiative id, participating body ids), created in batches with audit and history."""
    out = []
    batch: list[tuple[Initiative, list[int]]] = []
    today = date.today()
    largest_members = by_district[largest]
    # In the largest district, walk through its members so that at least 200 take part.
    cursor = 0
    for n in range(scale.initiatives):
        if n < scale.largest_district_initiatives:
            district = largest
            size = _participant_count(rng)
            members = [largest]
            for _ in range(size - 1):
                members.append(largest_members[cursor % len(largest_members)])
                cursor += 1
            if n % 4 == 0:
                size += 8  # a few district-wide projects
                members += rng.sample(largest_members, min(8, len(largest_members)))
        else:
            district = district_ids[n % len(district_ids)]
            pool = by_district[district]
            size = min(_participant_count(rng), len(pool))
            members = [district] if n % 3 else []
            members += rng.sample(pool, size)
        if n % 10 == 0:  # across districts
            other = by_district[district_ids[(n * 7 + 3) % len(district_ids)]]
            members.append(rng.choice(other))
        if n % 20 == 0 and associations:
            members.append(associations[n % len(associations)])
        members = list(dict.fromkeys(members))[:40]
        if len(members) < 2:
            members.append(rng.choice(district_ids))
            members = list(dict.fromkeys(members))
        area = AREAS[n % len(AREAS)]
        phase = PHASES[rng.randrange(len(PHASES))]
        start = date(2020 + n % 6, 1 + n % 12, 1)
        ini = Initiative(
            title=f"{TOPICS[n % len(TOPICS)]} {n + 1:05}",
            description="Gemeinsames Vorhaben der beteiligten Kommunen (Lastdaten).",
            service_area=area,
            phase=phase,
            legal_form=list(LegalForm)[n % len(LegalForm)],
            lead_body_id=members[0],
            start_date=start,
            end_date=start + timedelta(days=5 * 365) if n % 5 else None,
            public=n % 2 == 0,
            keywords=[TOPICS[n % len(TOPICS)]],
        )
        for k, body_id in enumerate(members):
            role = ParticipantRole.LEAD if k == 0 else ParticipantRole.PARTNER
            if k and k % 9 == 0:
                role = ParticipantRole.PROSPECTIVE
            ini.participants.append(Participant(body_id=body_id, role=role, joined_on=start))
        ini.phase_changes.append(PhaseChange(phase=phase, changed_on=start))
        ini.milestones.append(
            Milestone(title="Konzept", due_on=start + timedelta(days=180), done_on=start)
        )
        ini.milestones.append(Milestone(title="Start", due_on=today + timedelta(days=n % 90)))
        db.session.add(ini)
        batch.append((ini, members))
        if len(batch) == 500:
            db.session.flush()
            out += [(i.id, m) for i, m in batch]
            batch = []
    db.session.flush()
    out += [(i.id, m) for i, m in batch]
    from ..initiatives.services import refresh_districts

    refresh_districts([i for i, _ in out])
    return out


def _resolutions(rng, scale, initiatives, names) -> int:
    """A Beratungsfolge per partner (committee, then council) until the target is reached."""
    made = 0
    today = date.today()
    pairs = [(ini, body) for ini, members in initiatives for body in members]
    rounds = 0
    while made < scale.resolutions:
        for ini, body in pairs:
            if made >= scale.resolutions:
                break
            ref = f"{100 + made % 900}/{2021 + made % 5}"
            session = date(2021 + made % 5, 1 + made % 12, 1 + made % 28)
            outcome = OUTCOMES[rng.randrange(len(OUTCOMES))]
            if outcome == Outcome.SCHEDULED and made % 3 == 0:
                session = today + timedelta(days=made % 60)
            committee = rounds == 0 and made % 2 == 0
            db.session.add(
                Resolution(
                    initiative_id=ini,
                    body_id=body,
                    organ=rng.choice(COMMITTEES) if committee else rng.choice(ORGANS),
                    authoritative=not committee,
                    reference=ref,
                    title=f"Beitritt {names[body]}",
                    kind=ResolutionKind.ASSESSMENT_MANDATE
                    if rounds > 1
                    else list(ResolutionKind)[1 + made % 3],
                    session_date=session,
                    public=made % 2 == 0,
                    outcome=Outcome.ADOPTED if committee else outcome,
                    votes_yes=12 + made % 20 if outcome != Outcome.SCHEDULED else None,
                    votes_no=made % 4 if outcome != Outcome.SCHEDULED else None,
                    votes_abstain=made % 3 if outcome != Outcome.SCHEDULED else None,
                    result_text="mehrheitlich" if made % 2 else "einstimmig",
                )
            )
            made += 1
            if made % 2000 == 0:
                db.session.flush()
        rounds += 1
    db.session.flush()
    return made


def _programs() -> list[FundingProgram]:
    # an application deadline in three weeks, as in the demo (reminders about it are due)
    nrw = FundingProgram(
        **{
            **presets.preset_values(presets.NRW_IKZ),
            "application_until": date.today() + timedelta(21),
        }
    )
    hessen = FundingProgram(
        name="Hessen: Interkommunale Zusammenarbeit",
        provider="Hessisches Ministerium des Innern",
        state="06",
        base_amount=Decimal("75000.00"),
        base_partners=3,
        amount_per_additional_partner=Decimal("25000.00"),
        max_funding_rate=Decimal("0.90"),
        min_partners=3,
        min_duration_years=5,
        min_savings_rate=Decimal("0.15"),
        requires_all_council_resolutions=True,
    )
    rlp = FundingProgram(
        name="Rheinland-Pfalz: IKZ-Förderung",
        provider="Ministerium des Innern und für Sport",
        state="07",
        base_amount=Decimal("210000.00"),
        base_partners=3,
        amount_per_additional_partner=Decimal("110000.00"),
        max_funding_rate=Decimal("0.90"),
        min_partners=3,
        requires_all_council_resolutions=True,
    )
    for program in (nrw, hessen, rlp):
        db.session.add(program)
    db.session.flush()
    return [nrw, hessen, rlp]


def _grants(rng, scale, initiatives) -> tuple[int, int, int]:
    programs = _programs()
    statuses = list(GrantStatus)
    tranches = documents = 0
    today = date.today()
    chosen = initiatives[: scale.grants]
    for n, (ini, members) in enumerate(chosen):
        status = statuses[n % len(statuses)]
        applied = status != GrantStatus.PLANNED
        amount = Decimal(175000 + 35000 * max(0, len(members) - 2))
        grant = Grant(
            initiative_id=ini,
            program_id=programs[n % len(programs)].id,
            status=status,
            reference=f"IKZ-{n + 1:05}",
            application_date=date(2022 + n % 4, 1 + n % 12, 15) if applied else None,
            eligible_costs=amount * 2,
            amount_requested=amount,
            amount_granted=amount
            if status in (GrantStatus.APPROVED, GrantStatus.DISBURSING, GrantStatus.CLOSED)
            else None,
            proof_of_use_due=today + timedelta(days=n % 400 - 100),
        )
        # 3 or 4 tranches, 14,000 for 4,000 grants
        count = 4 if n % 2 == 0 else 3
        for k in range(count):
            grant.tranches.append(
                Tranche(
                    due_on=today + timedelta(days=90 * k - 120 + n % 30),
                    amount=(amount / count).quantize(Decimal("0.01")),
                    state=TrancheState.RECEIVED if k == 0 and applied else TrancheState.PLANNED,
                )
            )
            tranches += 1
        if n % 4 == 0:
            doc = Document(
                file_name=f"Bewilligungsbescheid-{n + 1:05}.pdf",
                media_type="application/pdf",
                size=len(MINIMAL_PDF),
                sha256="0" * 64,
                content=MINIMAL_PDF,
            )
            grant.documents.append(GrantDocument(title="Bewilligungsbescheid", document=doc))
            documents += 1
        db.session.add(grant)
        if n % 500 == 499:
            db.session.flush()
    db.session.flush()
    return len(chosen), tranches, documents


def _estimates(rng, scale, initiatives) -> int:
    """Savings estimates through the savings service (stored results included)."""
    from ..savings import services as savings
    from ..savings.schemas import CostModelIn

    made = 0
    for ini_id, _members in initiatives[: scale.estimates]:
        ini = savings.initiative_with_partners(ini_id)
        partners = [p.body_id for p in ini.deciding_participants]
        savings.save_model(
            ini,
            None,
            CostModelIn.model_validate(
                {
                    "first_year": 2025 + made % 3,
                    "allocation_key": "equal",
                    "baseline": [
                        {"body_id": b, "pay_grade": "E9a", "fte": str(Decimal(k % 3 + 1) / 2)}
                        for k, b in enumerate(partners)
                    ],
                    "shared": [{"pay_grade": "E11", "fte": str(max(1, len(partners) // 2))}],
                    "one_off": [{"year": 2025 + made % 3, "amount": "50000"}],
                }
            ),
            actor=None,
        )
        made += 1
        if made % 200 == 0:
            db.session.commit()
    return made


def is_empty() -> bool:
    """No initiative is stored yet."""
    return not db.session.scalar(select(func.count(Initiative.id)))
