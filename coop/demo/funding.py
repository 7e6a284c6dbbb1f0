"""Demo funding: the NRW IKZ programme from its preset and the Höxter grant (seed 001).

The council papers are from 2022; so that the demo shows reminders whenever it is loaded, the
programme's application deadline lies three weeks after the day the demo is loaded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..core import clock
from ..extensions import db
from ..funding import presets
from ..funding import services as funding
from ..funding.schemas import FundingProgramCreate, GrantCreate
from ..models import FundingProgram, Grant, Initiative

DEADLINE_AFTER_LOAD = timedelta(days=21)


def load() -> None:
    """The NRW IKZ programme and the grants of the demo initiatives."""
    program = db.session.scalar(
        select(FundingProgram).where(FundingProgram.name == presets.NRW_IKZ.name)
    )
    if program is None:
        program = funding.save_program(
            None,
            FundingProgramCreate.model_validate(
                {
                    **presets.preset_values(presets.NRW_IKZ),
                    "application_until": clock.today() + DEADLINE_AFTER_LOAD,
                    "notes": presets.NRW_IKZ.notes
                    + " Demo: der Antragsstichtag liegt drei Wochen nach dem Laden der Demo.",
                }
            ),
            actor=None,
        )
    ini = db.session.scalar(
        select(Initiative).where(Initiative.title == "Digitalnetzwerk Kreis Höxter")
    )
    if ini is None or db.session.scalar(select(Grant.id).where(Grant.initiative_id == ini.id)):
        return
    funding.save_grant(
        None,
        GrantCreate.model_validate(
            {
                "initiative_id": ini.id,
                "program_id": program.id,
                "status": "planned",
                "eligible_costs": "560000.00",
                "amount_requested": "490000.00",
                "period_start": "2022-07-01",
                "period_end": "2027-06-30",
                "notes": (
                    "Zwei Stellen des Digitalnetzwerks (Stellenplan des Kreises 2022), "
                    "gegenfinanziert mit den Fördermitteln. Antrag stellt der Kreis Höxter für "
                    "alle elf Partner, sobald Kreistag und alle Stadträte beschlossen haben."
                ),
            }
        ),
        actor=None,
    )
