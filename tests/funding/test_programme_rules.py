"""Programme rules of other Länder as data (issue 14, must-have 1): amounts by tiers, per
project with a region bonus, partners counted in the Land only, a minimum of eligible costs,
a rate by the applicant's attribute. Every figure computed by hand from the guideline."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coop.core import funding_check as fc
from coop.funding.presets import NRW_IKZ
from coop.funding.schemas import FundingProgramCreate, GrantUpdate
from coop.messages import render

D = Decimal
NRW = fc.ProgramTerms(**NRW_IKZ.terms, state=NRW_IKZ.state)
HESSEN = fc.ProgramTerms(
    amount_tiers=(
        fc.Tier(2, D("50000.00")),  # two municipalities, only with a justification
        fc.Tier(3, D("75000.00")),
        fc.Tier(4, D("100000.00")),  # more than three
    ),
    min_partners=2,
)
BAYERN = fc.ProgramTerms(
    amount_per_project=D("50000.00"),
    region_attribute="lep_rbh",  # Raum mit besonderem Handlungsbedarf (LEP Bayern)
    region_amount=D("90000.00"),
    max_funding_rate=D("0.85"),
    min_eligible_costs=D("5000.00"),
)
RLP = fc.ProgramTerms(amount_tiers=(fc.Tier(3, D("210000.00")), fc.Tier(4, D("320000.00"))))
# the guideline before 31.08.2021: 150.000 € for two, 30.000 € for each further NRW partner
NRW_2019 = fc.ProgramTerms(
    base_amount=D("150000.00"),
    base_partners=2,
    amount_per_additional_partner=D("30000.00"),
    max_funding_rate=D("0.80"),
    rate_attribute="staerkungspakt",
    rate_with_attribute=D("0.90"),
)


def nrw(n: int, lower_saxony: int = 0) -> list[fc.PartnerFacts]:
    return [fc.PartnerFacts(state="05") for _ in range(n)] + [
        fc.PartnerFacts(state="03") for _ in range(lower_saxony)
    ]


def test_nrw_counts_only_partners_in_nrw():
    # 2 NRW + 1 Lower Saxony partner: 175.000 for the two NRW partners, nothing for the third
    assert fc.ceiling(NRW, nrw(2, 1), None) == D("175000.00")
    # a single NRW partner with a partner across the border: 75.000
    assert fc.ceiling(NRW, nrw(1, 1), None) == D("75000.00")
    # Kreis Höxter and its ten towns: 175.000 + 9 × 35.000
    assert fc.ceiling(NRW, nrw(11), D("600000.00")) == D("490000.00")


def test_hessen_pays_by_tiers():
    assert fc.ceiling(HESSEN, 1, None) == D("0")
    assert fc.ceiling(HESSEN, 2, None) == D("50000.00")
    assert fc.ceiling(HESSEN, 3, None) == D("75000.00")
    assert fc.ceiling(HESSEN, 4, None) == D("100000.00")
    assert fc.ceiling(HESSEN, 12, None) == D("100000.00")  # capped at the highest tier


def test_bayern_per_project_region_bonus_rate_and_minimum_costs():
    plain = [fc.PartnerFacts(lead=True), fc.PartnerFacts(), fc.PartnerFacts()]
    assert fc.ceiling(BAYERN, plain, D("100000.00")) == D("50000.00")  # 85 % would be 85.000
    assert fc.ceiling(BAYERN, plain, D("40000.00")) == D("34000.00")  # 85 % of 40.000
    assert fc.ceiling(BAYERN, plain, D("4000.00")) == D("0")  # under 5.000: nothing
    rbh = frozenset({"lep_rbh"})
    region = [fc.PartnerFacts(lead=True, attributes=rbh), fc.PartnerFacts(attributes=rbh),
              fc.PartnerFacts()]  # fmt: skip
    assert fc.ceiling(BAYERN, region, D("200000.00")) == D("90000.00")
    # the applicant alone in such a region (not most partners): the plain amount
    one = [fc.PartnerFacts(lead=True, attributes=rbh), fc.PartnerFacts(), fc.PartnerFacts()]
    assert fc.ceiling(BAYERN, one, D("200000.00")) == D("50000.00")


def test_rhineland_palatinate_pilot():
    assert fc.ceiling(RLP, 2, None) == D("0")
    assert fc.ceiling(RLP, 3, None) == D("210000.00")
    assert fc.ceiling(RLP, 4, None) == D("320000.00")


def test_a_rate_that_depends_on_the_applicants_status():
    plain = [fc.PartnerFacts(lead=True), fc.PartnerFacts()]
    pact = [fc.PartnerFacts(lead=True, attributes=frozenset({"staerkungspakt"})),
            fc.PartnerFacts()]  # fmt: skip
    assert fc.ceiling(NRW_2019, plain, D("150000.00")) == D("120000.00")  # 80 %
    assert fc.ceiling(NRW_2019, pact, D("150000.00")) == D("135000.00")  # 90 %
    assert fc.ceiling(NRW_2019, pact, D("200000.00")) == D("150000.00")  # 90 % = 180.000 > 150.000
    # 4 partners: 150.000 + 2 × 30.000 = 210.000; 80 % of 300.000 = 240.000 does not cap it
    four = [fc.PartnerFacts(lead=True)] + [fc.PartnerFacts() for _ in range(3)]
    assert fc.ceiling(NRW_2019, four, D("300000.00")) == D("210000.00")


def test_hessen_pays_per_member_of_an_administrative_union():
    union = fc.ProgramTerms(
        amount_tiers=HESSEN.amount_tiers, amount_per_member=D("150000.00"), min_partners=2
    )
    members = [fc.PartnerFacts(union_member=True) for _ in range(3)]
    assert fc.ceiling(union, members, None) == D("450000.00")  # 3 × 150.000
    assert german(fc.amount(union, members)[1]) == (
        "Verwaltungsverband aus 3 Mitgliedsgemeinden: 3 × 150.000,00 € ergeben 450.000,00 €"
    )
    # the same three towns in an ordinary cooperation: the tier
    assert fc.ceiling(union, 3, None) == D("75000.00")


def german(text) -> str:
    return render(text, "de").replace("\xa0", " ")


def test_each_amount_says_how_in_one_line():
    _, how = fc.amount(NRW, nrw(11))
    assert german(how) == (
        "11 Partner: 175.000,00 € für die ersten 2 und 9 × 35.000,00 € für jeden weiteren "
        "ergeben 490.000,00 €"
    )
    _, how = fc.amount(HESSEN, 3)
    assert german(how) == "3 Partner: ab 3 Partnern 75.000,00 €"
    _, how = fc.amount(NRW, nrw(1, 1))
    assert german(how) == "ein Partner im Land: 75.000,00 €"
    _, how = fc.amount(BAYERN, 3)
    assert german(how) == "50.000,00 € je Vorhaben"


@given(
    tiers=st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 10**6)),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    ),
    n=st.integers(0, 60),
)
def test_tiers_never_pay_more_than_the_highest_tier(tiers, n):
    terms = fc.ProgramTerms(amount_tiers=tuple(fc.Tier(m, D(a)) for m, a in tiers))
    paid = fc.ceiling(terms, n, None)
    assert D(0) <= paid <= max(D(a) for _m, a in tiers)


def test_presets_compute_their_guidelines_examples_through_the_service(app):
    """Each preset saved as a programme gives its guideline's figures in the check's terms."""
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.funding import presets
    from coop.funding import services as funding

    with acting_as(None, "test"):
        programs = {
            key: funding.save_program(
                None, FundingProgramCreate.model_validate(presets.preset_values(p)), actor=None
            )
            for key, p in presets.PRESETS.items()
        }
        db.session.commit()
    terms = {k: funding.program_terms(p) for k, p in programs.items()}
    assert fc.ceiling(terms["nrw-ikz"], nrw(11), D("600000.00")) == D("490000.00")
    assert fc.ceiling(terms["nrw-ikz"], nrw(1, 1), None) == D("75000.00")
    assert fc.ceiling(terms["hessen-ikz"], 3, None) == D("75000.00")
    assert fc.ceiling(terms["hessen-ikz"], 5, None) == D("100000.00")
    union = [fc.PartnerFacts(union_member=True) for _ in range(4)]
    assert fc.ceiling(terms["hessen-ikz"], union, None) == D("600000.00")
    pact = [fc.PartnerFacts(state="05", lead=True, attributes=frozenset({"staerkungspakt"}))]
    pact += nrw(2)
    assert fc.ceiling(terms["nrw-ikz-2019"], pact, D("150000.00")) == D("135000.00")
    assert fc.ceiling(terms["nrw-ikz-2019"], nrw(3), D("300000.00")) == D("180000.00")
    assert fc.ceiling(terms["nrw-ikz-2019"], nrw(1, 2), None) == D("75000.00")
    assert fc.ceiling(terms["bayern-ikz"], 3, D("4000.00")) == D("0")
    assert fc.ceiling(terms["bayern-ikz"], 3, D("40000.00")) == D("34000.00")
    assert fc.ceiling(terms["rlp-ikz"], 3, None) == D("210000.00")
    assert fc.ceiling(terms["rlp-ikz"], 4, None) == D("320000.00")


def _conditions(terms, grant, start=None, partners=2, rate=None):
    from datetime import date as _date

    from coop.core.decisions import Decision, PartnerDecision
    from coop.models import DecisionStatus

    decided = [
        PartnerDecision(i, f"Stadt {i}", Decision(DecisionStatus.DECIDED, _date(2022, 2, 23), i))
        for i in range(1, partners + 1)
    ]
    facts = fc.InitiativeFacts(partners=decided, start_date=start, savings_rate=rate)
    return {c.code: c for c in fc.check(terms, grant, facts, _date(2026, 11, 30)).conditions}


def test_no_start_before_the_application():
    from datetime import date as _date

    terms = fc.ProgramTerms(no_start_before_application=True)
    applied = fc.GrantFacts(application_date=_date(2022, 4, 29))
    assert _conditions(terms, applied, _date(2022, 7, 1))["project_start"].status == "met"
    assert _conditions(terms, applied, _date(2022, 1, 1))["project_start"].status == "not_met"
    assert _conditions(terms, fc.GrantFacts(), _date(2022, 1, 1))["project_start"].status == (
        "unknown"
    )


def test_a_justification_below_the_usual_number_of_partners():
    terms = fc.ProgramTerms(justification_below_partners=3)
    bare = fc.GrantFacts()
    assert _conditions(terms, bare, partners=2)["justification"].status == "not_met"
    given = fc.GrantFacts(justification="Nur zwei Gemeinden im Tal")
    assert _conditions(terms, given, partners=2)["justification"].status == "met"
    assert _conditions(terms, bare, partners=3)["justification"].status == "not_applicable"


def test_a_confirmed_service_improvement_replaces_the_savings():
    terms = fc.ProgramTerms(min_savings_rate=D("0.15"), savings_or_improvement=True)
    low = D("0.05")
    assert _conditions(terms, fc.GrantFacts(), rate=low)["savings_rate"].status == "not_met"
    told = fc.GrantFacts(service_improvement="Bürgeramt an fünf statt zwei Tagen offen")
    assert _conditions(terms, told, rate=low)["savings_rate"].status == "unknown"
    confirmed = fc.GrantFacts(
        service_improvement="Bürgeramt an fünf statt zwei Tagen offen",
        improvement_confirmed_by="Frau Förder",
    )
    condition = _conditions(terms, confirmed, rate=low)["savings_rate"]
    assert condition.status == "met"
    assert "Frau Förder" in german(condition.text)  # the check keeps who confirmed it
    strict = fc.ProgramTerms(min_savings_rate=D("0.15"))
    assert _conditions(strict, confirmed, rate=low)["savings_rate"].status == "not_met"


def test_confirming_an_improvement_records_the_person_and_a_new_text_needs_a_new_one(seed, nrw):
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.funding import services as funding
    from tests import factories

    officer = seed.users["funding_officer"]
    with acting_as(officer.id, officer.email):
        ini = factories.initiative(seed)
        grant = factories.grant(ini, nrw)
        change = {"service_improvement": "Längere Öffnungszeiten", "confirm_improvement": True}
        funding.save_grant(grant, GrantUpdate.model_validate(change), actor=officer)
        db.session.commit()
    assert grant.improvement_confirmed_by == officer.email
    with acting_as(officer.id, officer.email):
        funding.save_grant(
            grant, GrantUpdate.model_validate({"service_improvement": "Anderes"}), actor=officer
        )
        db.session.commit()
    assert grant.improvement_confirmed_by is None
