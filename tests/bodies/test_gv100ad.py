"""Import of the Destatis directory: parsing (pure) and the CLI on a real database."""

import gzip
import os
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from coop.bodies import gv100ad
from coop.extensions import db
from coop.models import AuditEntry, Body, BodyKind

# GV100AD_FILE, else ../shared beside the project, else the compressed copy in tests/data
SHARED = Path(
    os.environ.get("GV100AD_FILE")
    or Path(__file__).resolve().parents[3] / "shared" / "data" / "GV100AD_301123.txt"
)
PACKED = Path(__file__).resolve().parents[1] / "data" / "GV100AD_301123.txt.gz"
DEMO = Path(gv100ad.__file__).resolve().parents[1] / "demo" / "gv100ad_demo.txt"


def _line(kind, key, name, code, extra=""):
    line = f"{kind}02023113{key:<12}{name:<50}{'':<50}{code:<2}"
    return (line + extra).ljust(200)


def test_parse_kinds_and_parents():
    lines = [
        _line("40", "03154", "Helmstedt", "44"),
        _line("50", "03154   5403", "Nord-Elm", "52"),
        _line("50", "03154   0019", "Schöningen, Stadt", "50"),
        _line("60", "031540245403", "Süpplingen", "64", "    " + "0" * 11 + "00000001886"),
        _line("60", "031540190019", "Schöningen, Stadt", "63", "    " + "0" * 11 + "00000010847"),
        _line("60", "031545010000", "Gemeindefreies Gebiet", "66"),
        _line("40", "03101", "Braunschweig, Stadt", "41"),
        _line("60", "031010000000", "Braunschweig, Stadt", "61"),
    ]
    skipped = Counter()
    records = {r.name: r for r in gv100ad.parse(lines, skipped)}
    assert set(records) == {
        "Landkreis Helmstedt",
        "Nord-Elm",
        "Süpplingen",
        "Schöningen",
        "Braunschweig",
    }
    assert skipped == Counter({"unincorporated area": 1})
    assert records["Nord-Elm"].ars == "031545403000"
    assert records["Nord-Elm"].kind_detail == "Samtgemeinde"
    assert records["Süpplingen"].parent_key == "031545403000"
    assert records["Süpplingen"].ars == "031545403024"
    assert records["Süpplingen"].population == 1886
    assert records["Schöningen"].parent_key == "03154000"  # no association: the district
    assert records["Schöningen"].kind == BodyKind.CITY
    assert records["Braunschweig"].parent_key is None  # kreisfreie Stadt: its own district


def test_cli_import_is_idempotent_and_summarises(runner):
    result = runner.invoke(args=["bodies", "import-gv100ad", str(DEMO), "--district", "05762"])
    assert result.exit_code == 0, result.output
    assert "created 11, updated 0, unchanged 0, skipped 0" in result.output
    hoexter = db.session.scalar(select(Body).where(Body.ags == "05762000"))
    assert hoexter.name == "Kreis Höxter" and hoexter.population == 141819
    assert {m.name for m in hoexter.members} >= {"Brakel", "Marienmünster", "Nieheim"}
    result = runner.invoke(args=["bodies", "import-gv100ad", str(DEMO), "--district", "05762"])
    assert "created 0, updated 0, unchanged 11" in result.output
    assert db.session.scalar(select(func.count()).select_from(Body)) == 11
    entries = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.actor_label == "import GV100AD (CLI)")
    )
    assert entries >= 11


def test_cli_import_updates_existing_body_by_ags(runner, seed):
    brakel = seed.bodies["brakel"]
    result = runner.invoke(args=["bodies", "import-gv100ad", str(DEMO), "--district", "05762"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Body.ags == "05762016")) == 1
    assert db.session.get(Body, brakel.id).population == 16372  # the directory's figure
    assert db.session.get(Body, brakel.id).council_name == "Rat der Stadt Brakel"  # kept


def test_cli_rejects_bad_district_key(runner):
    result = runner.invoke(args=["bodies", "import-gv100ad", str(DEMO), "--district", "576"])
    assert result.exit_code != 0
    assert "5-digit" in result.output


def test_whole_germany(sqlite_app, tmp_path):
    """All of Germany: 294 districts, 1,205 associations, 10,773 municipalities."""
    source = SHARED
    if not source.exists():
        source = tmp_path / "GV100AD_301123.txt"
        source.write_bytes(gzip.decompress(PACKED.read_bytes()))
    result = sqlite_app.test_cli_runner().invoke(args=["bodies", "import-gv100ad", str(source)])
    assert result.exit_code == 0, result.output
    assert "created 12272" in result.output
    assert "208 unincorporated area" in result.output
    kinds = dict(db.session.execute(select(Body.kind, func.count()).group_by(Body.kind)).all())
    assert kinds[BodyKind.DISTRICT] == 294
    assert kinds[BodyKind.COLLECTIVE_MUNICIPALITY] == 1205
    assert kinds[BodyKind.CITY] + kinds[BodyKind.MUNICIPALITY] == 10773
    orphans = db.session.scalar(select(func.count()).where(Body.district_id.is_(None)))
    assert orphans == 0
