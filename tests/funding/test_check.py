"""The funding check, with hand-computed figures."""

from datetime import date
from decimal import Decimal

import pytest

from coop.core import funding_check as fc
from coop.core.decisions import Decision, PartnerDecision
from coop.funding.presets import NRW_IKZ
from coop.messages import message
from coop.models import ConditionStatus, DecisionStatus

D = Decimal
TODAY = date(2026, 11, 21)
NRW = fc.ProgramTerms(**NRW_IKZ.terms)


def partners(n, status=DecisionStatus.DECIDED, session=date(2022, 2, 23)):
    return [PartnerDecision(i, f"Stadt {i}", Decision(status, session, i)) for i in range(1, n + 1)]


def run(terms=NRW, grant=None, initiative=None, today=TODAY):
    return fc.check(
        terms,
        grant or fc.GrantFacts(amount_requested=D("490000.00")),
        initiative or fc.InitiativeFacts(partners=partners(11)),
        today,
    )


# --- the ceiling, computed by hand -----------------------------------------------------------


@pytest.mark.parametrize(
    "n, expected",
    [
        (1, D("0")),  # the base is paid from two partners on (issue 14)
        (2, D("175000")),  # 175.000
        (3, D("210000")),  # 175.000 + 1 × 35.000
        (11, D("490000")),  # 175.000 + 9 × 35.000 (Kreis Höxter and ten towns)
    ],
)
def test_ceiling_by_partners(n, expected):
    assert fc.ceiling_by_partners(NRW, n) == expected
    assert fc.ceiling(NRW, n, None) == expected


def test_ceiling_capped_by_ninety_percent_of_eligible_costs():
    # 90 % of 500.000,00 = 450.000,00 < 490.000,00
    assert fc.ceiling(NRW, 11, D("500000.00")) == D("450000.00")
    # 90 % of 600.000,00 = 540.000,00 > 490.000,00: the partner formula holds
    assert fc.ceiling(NRW, 11, D("600000.00")) == D("490000.00")
    # 90 % of 123.456,79 = 111.111,111 -> rounded down to 111.111,11
    assert fc.ceiling(NRW, 2, D("123456.79")) == D("111111.11")


def test_hoexter_ceiling_met_with_german_sentence():
    result = run()
    ceiling = result.condition("ceiling")
    assert result.ceiling == D("490000")
    assert ceiling.status == ConditionStatus.MET
    assert message(ceiling) == (
        "Beantragt 490.000,00\xa0€, Höchstbetrag 490.000,00\xa0€ (11 Partner: 175.000,00\xa0€ "
        "für die ersten 2 und 9 × 35.000,00\xa0€ für jeden weiteren ergeben 490.000,00\xa0€)."
    )
    assert "Requested €490,000.00" in message(ceiling, "en")


def test_ceiling_not_met_names_the_excess():
    grant = fc.GrantFacts(amount_requested=D("460000"), eligible_costs=D("500000"))
    c = run(grant=grant).condition("ceiling")
    assert c.status == ConditionStatus.NOT_MET
    assert "übersteigt den Höchstbetrag 450.000,00\xa0€ um 10.000,00\xa0€" in message(c)
    assert "höchstens 90 % der zuwendungsfähigen Ausgaben von 500.000,00\xa0€" in message(c)


def test_ceiling_unknown_and_not_applicable():
    c = run(grant=fc.GrantFacts(eligible_costs=D("600000"))).condition("ceiling")
    assert c.status == ConditionStatus.UNKNOWN
    assert "Noch kein beantragter Betrag" in message(c)
    rate_only = fc.ProgramTerms(max_funding_rate=D("0.8"))
    c = run(terms=rate_only, grant=fc.GrantFacts(amount_requested=D("1"))).condition("ceiling")
    assert c.status == ConditionStatus.UNKNOWN
    assert "zuwendungsfähigen Ausgaben fehlen" in message(c)
    c = run(terms=fc.ProgramTerms()).condition("ceiling")
    assert c.status == ConditionStatus.NOT_APPLICABLE


# --- partners and councils -------------------------------------------------------------------


def test_min_partners():
    assert run().condition("min_partners").status == ConditionStatus.MET
    one = run(initiative=fc.InitiativeFacts(partners=partners(1))).condition("min_partners")
    assert one.status == ConditionStatus.NOT_MET
    assert message(one) == "Nur 1 Partner, verlangt sind mindestens 2."
    assert run(terms=fc.ProgramTerms()).condition("min_partners").status == "not_applicable"


def hoexter_partners():
    rows = partners(9)
    rows.append(PartnerDecision(10, "Brakel", Decision(DecisionStatus.NONE)))
    rows.append(
        PartnerDecision(
            11,
            "Nieheim",
            Decision(DecisionStatus.SCHEDULED, date(2022, 3, 10), 99, result_missing=True),
        )
    )
    return rows


def test_council_resolutions_lists_missing_partners_with_next_session():
    result = run(initiative=fc.InitiativeFacts(partners=hoexter_partners()))
    c = result.condition("council_resolutions")
    assert c.status == ConditionStatus.NOT_MET
    assert message(c) == (
        "9 von 11 Räten haben beschlossen; es fehlen: Brakel (kein Beschluss), "
        "Nieheim (terminiert 10.03.2022, Ergebnis fehlt)."
    )
    assert [(m.name, m.status, m.next_session) for m in result.missing_resolutions] == [
        ("Brakel", DecisionStatus.NONE, None),
        ("Nieheim", DecisionStatus.SCHEDULED, date(2022, 3, 10)),
    ]
    assert not result.eligible


def test_a_repealed_decision_is_missing_and_says_so():
    """Issue 27: a repeal leaves no decision in force; a later note would not have."""
    repealed = Decision(DecisionStatus.NONE, date(2022, 5, 5), 77, repealed=True)
    rows = [*partners(10), PartnerDecision(11, "Brakel", repealed)]
    c = run(initiative=fc.InitiativeFacts(partners=rows)).condition("council_resolutions")
    assert c.status == ConditionStatus.NOT_MET
    assert message(c) == (
        "10 von 11 Räten haben beschlossen; es fehlen: Brakel (Beschluss aufgehoben am 05.05.2022)."
    )


def test_council_resolutions_after_the_application_date_do_not_count():
    rows = partners(10) + [
        PartnerDecision(11, "Steinheim", Decision(DecisionStatus.DECIDED, date(2022, 5, 5), 7))
    ]
    grant = fc.GrantFacts(amount_requested=D("490000"), application_date=date(2022, 4, 29))
    result = run(grant=grant, initiative=fc.InitiativeFacts(partners=rows))
    c = result.condition("council_resolutions")
    assert c.status == ConditionStatus.NOT_MET
    assert message(c) == (
        "10 von 11 Räten haben beschlossen bis zum Antragsdatum 29.04.2022; "
        "es fehlen: Steinheim (beschlossen erst am 05.05.2022)."
    )
    assert result.missing_resolutions[0].decided_on == date(2022, 5, 5)


@pytest.mark.parametrize(
    "status, text",
    [
        (DecisionStatus.REJECTED, "Stadt 1 (abgelehnt am 01.03.2022)"),
        (DecisionStatus.DEFERRED, "Stadt 1 (vertagt am 01.03.2022)"),
        (DecisionStatus.SCHEDULED, "Stadt 1 (terminiert 01.03.2022)"),
    ],
)
def test_council_resolutions_each_open_status(status, text):
    rows = partners(1, status, date(2022, 3, 1)) + partners(2)[1:]
    c = run(initiative=fc.InitiativeFacts(partners=rows)).condition("council_resolutions")
    assert c.status == ConditionStatus.NOT_MET
    assert text in message(c)


def test_council_resolutions_met_unknown_not_applicable():
    c = run().condition("council_resolutions")
    assert (c.status, message(c)) == ("met", "Alle 11 Räte haben beschlossen.")
    c = run(initiative=fc.InitiativeFacts(partners=[])).condition("council_resolutions")
    assert c.status == ConditionStatus.UNKNOWN
    assert run(terms=fc.ProgramTerms()).condition("council_resolutions").status == "not_applicable"


# --- duration, savings, window, proof of use -------------------------------------------------


@pytest.mark.parametrize(
    "start, end, years",
    [
        (date(2022, 1, 1), date(2026, 12, 31), 5),  # the end date is the last day
        (date(2022, 1, 1), date(2026, 12, 30), 4),
        (date(2022, 3, 1), date(2027, 2, 28), 5),
        (date(2024, 2, 29), date(2029, 2, 27), 5),  # 29.02. plus five years is 28.02.
        (date(2024, 2, 29), date(2029, 2, 26), 4),
    ],
)
def test_full_years(start, end, years):
    assert fc.full_years(start, end) == years


def test_duration_each_state():
    def duration(start, end, terms=NRW):
        facts = fc.InitiativeFacts(partners=partners(2), start_date=start, end_date=end)
        return run(terms=terms, initiative=facts).condition("duration")

    met = duration(date(2022, 1, 1), date(2026, 12, 31))
    assert met.status == "met"
    assert message(met) == (
        "Geplant vom 01.01.2022 bis 31.12.2026, 5 volle Jahre; verlangt sind mindestens 5."
    )
    assert duration(date(2022, 1, 1), date(2025, 12, 31)).status == "not_met"
    assert duration(date(2022, 1, 1), None).status == "met"  # open-ended
    assert duration(None, None).status == "unknown"
    assert duration(None, None, fc.ProgramTerms()).status == "not_applicable"


def test_savings_rate_each_state():
    def savings(rate, terms=NRW):
        facts = fc.InitiativeFacts(partners=partners(2), savings_rate=rate)
        return run(terms=terms, initiative=facts).condition("savings_rate")

    assert savings(None).status == "unknown"
    assert "verlangt sind mindestens 15 % Einsparung" in message(savings(None))
    assert savings(D("0.15")).status == "met"
    low = savings(D("0.1449"))
    assert (low.status, message(low)) == (
        "not_met",
        "Geschätzte Einsparquote nur 14,49 %, verlangt sind mindestens 15 %.",
    )
    assert savings(None, fc.ProgramTerms()).status == "not_applicable"


def test_application_window_each_state():
    terms = fc.ProgramTerms(application_from=date(2022, 1, 1), application_until=date(2022, 6, 30))

    def window(applied, t=terms):
        return run(terms=t, grant=fc.GrantFacts(application_date=applied)).condition(
            "application_window"
        )

    assert window(date(2022, 1, 1)).status == "met"
    assert window(date(2022, 6, 30)).status == "met"
    early = window(date(2021, 12, 31))
    assert (early.status, message(early)) == (
        "not_met",
        "Antrag am 31.12.2021, vor Beginn des Antragszeitraums 01.01.2022 bis 30.06.2022.",
    )
    assert "nach Ende" in message(window(date(2022, 7, 1)))
    assert window(None).status == "unknown"
    until = fc.ProgramTerms(application_until=date(2022, 6, 30))
    assert (
        message(window(None, until))
        == "Noch kein Antragsdatum erfasst; Antragszeitraum bis 30.06.2022."
    )
    assert window(None, fc.ProgramTerms()).status == "not_applicable"


def test_proof_of_use_each_state():
    def proof(due, submitted=None):
        grant = fc.GrantFacts(proof_of_use_due=due, proof_of_use_submitted=submitted)
        return run(grant=grant).condition("proof_of_use")

    assert proof(None).status == "not_applicable"
    soon = proof(date(2026, 12, 1))
    assert (soon.status, message(soon)) == (
        "met",
        "Verwendungsnachweis fällig am 01.12.2026, in 10 Tagen.",
    )
    late = proof(date(2026, 11, 1))
    assert (late.status, message(late)) == (
        "not_met",
        "Verwendungsnachweis seit 01.11.2026 überfällig (20 Tage).",
    )
    assert proof(date(2026, 11, 1), date(2026, 10, 30)).status == "met"
    assert "3 Tage nach dem Termin" in message(proof(date(2026, 11, 1), date(2026, 11, 4)))


def test_eligible_only_when_nothing_is_not_met_or_unknown():
    facts = fc.InitiativeFacts(
        partners=partners(11),
        start_date=date(2022, 7, 1),  # after the application, as NRW requires
        end_date=None,
        savings_rate=D("0.2"),
    )
    grant = fc.GrantFacts(amount_requested=D("490000"), application_date=date(2022, 4, 29))
    result = run(grant=grant, initiative=facts)
    assert result.eligible, [message(c) for c in result.open_conditions]
    # one unknown is enough to withhold eligibility
    result = run(grant=fc.GrantFacts(application_date=date(2022, 4, 29)), initiative=facts)
    assert not result.eligible
    assert [c.code for c in result.open_conditions] == ["ceiling"]
