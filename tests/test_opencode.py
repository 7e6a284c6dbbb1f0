"""What openCoDE and an operator's procurement expect of the repository: the EUPL-1.2 text,
a publiccode.yml valid under the standard, a CycloneDX SBOM, a changelog of this version and
the third-party licences of what coop serves."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]

# The publiccode.yml standard 0.4 (https://yml.publiccode.tools), its rules for the core keys as
# this test understands them: mandatory keys, the fixed vocabularies coop uses, the lengths.
_TEXT = {"type": "string", "minLength": 1}
PUBLICCODE_SCHEMA = {
    "type": "object",
    "required": [
        "publiccodeYmlVersion",
        "name",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ],
    "properties": {
        "publiccodeYmlVersion": {"enum": ["0.2", "0.3", "0.4"]},
        "name": _TEXT,
        "url": {"type": "string", "pattern": r"^https://"},
        "landingURL": {"type": "string", "pattern": r"^https://"},
        "softwareVersion": _TEXT,
        "releaseDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "platforms": {"type": "array", "minItems": 1, "items": _TEXT},
        "categories": {
            "type": "array",
            "minItems": 1,
            "items": {
                "enum": [
                    "collaboration",
                    "data-visualization",
                    "document-management",
                    "grant-management",
                    "project-management",
                ]
            },
        },
        "developmentStatus": {"enum": ["concept", "development", "beta", "stable", "obsolete"]},
        "softwareType": {
            "enum": [
                "standalone/mobile",
                "standalone/iot",
                "standalone/desktop",
                "standalone/web",
                "standalone/backend",
                "standalone/other",
                "addon",
                "library",
                "configurationFiles",
            ]
        },
        "description": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["shortDescription", "longDescription", "features"],
                "properties": {
                    "genericName": {"type": "string", "maxLength": 35},
                    "shortDescription": {"type": "string", "minLength": 1, "maxLength": 150},
                    "longDescription": {"type": "string", "minLength": 150, "maxLength": 10000},
                    "features": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "maxLength": 100},
                    },
                },
            },
        },
        "legal": {"type": "object", "required": ["license"], "properties": {"license": _TEXT}},
        "maintenance": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": ["internal", "contract", "community", "none"]}},
        },
        "localisation": {
            "type": "object",
            "required": ["localisationReady", "availableLanguages"],
            "properties": {
                "localisationReady": {"type": "boolean"},
                "availableLanguages": {"type": "array", "minItems": 1},
            },
        },
    },
}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_publiccode_yml_is_valid():
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text())
    jsonschema.validate(data, PUBLICCODE_SCHEMA)
    assert data["legal"]["license"] == _pyproject()["project"]["license"] == "EUPL-1.2"
    assert data["softwareVersion"] == _pyproject()["project"]["version"]
    date.fromisoformat(data["releaseDate"])
    assert set(data["localisation"]["availableLanguages"]) == {"de", "en"}
    if data["maintenance"]["type"] in ("internal", "contract"):
        assert data["maintenance"].get("contacts")  # the standard asks for people then


def test_licence_is_the_eupl():
    text = (ROOT / "LICENSE").read_text()
    assert "EUROPÄISCHE UNION PUBLIC LICENCE v. 1.2" in text and len(text) > 10000
    assert "Anlage" in text or "Anhang" in text  # the appendix of compatible licences


def test_changelog_names_this_version():
    version = _pyproject()["project"]["version"]
    assert re.search(rf"^## \[{re.escape(version)}\]", (ROOT / "CHANGELOG.md").read_text(), re.M)


def test_third_party_notices_list_what_coop_serves():
    notices = (ROOT / "THIRD-PARTY-NOTICES.md").read_text()
    package = json.loads((ROOT / "package.json").read_text())
    for name, version in package["dependencies"].items():
        assert name in notices and version in notices
    for font in ("Fira Sans", "Noto Sans"):
        assert font in notices
    for served in ROOT.glob("static/vendor/*/"):
        assert any(p.name.startswith("LICENSE") for p in served.iterdir()), served


def test_sbom_is_cyclonedx(tmp_path):
    """What `make sbom` runs for the Python side, on this environment."""
    out = tmp_path / "sbom.json"
    subprocess.run(
        [
            Path(sys.executable).with_name("cyclonedx-py"),
            "environment",
            "--pyproject",
            ROOT / "pyproject.toml",
            "--of",
            "JSON",
            "-o",
            out,
            sys.executable,
        ],
        check=True,
        capture_output=True,
    )
    bom = json.loads(out.read_text())
    assert bom["bomFormat"] == "CycloneDX" and bom["metadata"]["component"]["name"] == "coop"
    names = {c["name"].lower() for c in bom["components"]}
    assert {"flask", "authlib", "sqlalchemy"} <= names
    makefile = (ROOT / "Makefile").read_text()
    assert "cyclonedx-py environment" in makefile and "npm sbom --sbom-format cyclonedx" in makefile
