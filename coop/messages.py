"""The sentences of the core. The core (funding check, reminder rules, savings model) answers with
a message key and its values (`coop.core.text.Text`); here each key has its English text, marked
for the gettext catalogue, and `render` puts the values in, formatted in the reader's language.
No app context is needed, so the same sentence serves a page, the PDF, the API and an e-mail in
the recipient's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .core.funding_check import Condition
from .core.money import day, money, percent
from .core.text import Joined, Rate, Text
from .i18n import catalogue


def N_(message: str) -> str:
    """Marks a sentence for the catalogue; it is translated when rendered."""
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a sentence with a plural for the catalogue (pybabel knows the name); the value
    named `n` picks the form when rendered."""
    return singular, plural


MESSAGES: dict[str, str | tuple[str, str]] = {
    # the funding check (coop.core.funding_check)
    "ceiling.none": N_("The programme sets no ceiling."),
    "ceiling.formula": N_(
        "%(partners)s partners: %(base)s for the first %(base_partners)s and "
        "%(extra)s × %(per)s for each further one give %(by_partners)s"
    ),
    "ceiling.rate": N_("at most %(rate)s of the eligible costs of %(eligible)s is %(by_rate)s"),
    "ceiling.single_state": N_("one partner in the Land: %(amount)s"),
    "ceiling.tier": N_("%(partners)s partners: from %(minimum)s partners on %(amount)s"),
    "ceiling.below_tiers": N_(
        "%(partners)s partners: the programme pays from %(minimum)s partners on, so nothing"
    ),
    "ceiling.per_project": N_("%(amount)s per project"),
    "ceiling.per_member": N_(
        "administrative union of %(members)s member municipalities: %(members)s × %(per)s "
        "give %(amount)s"
    ),
    "ceiling.region": N_(
        "%(amount)s per project: the applicant and %(marked)s of %(partners)s partners lie in a "
        "region with special need"
    ),
    "ceiling.below_base": N_(
        "%(partners)s partners: the base amount is paid from %(base_partners)s partners on, "
        "so nothing"
    ),
    "ceiling.below_minimum_costs": N_(
        "eligible costs of %(eligible)s are below the minimum of %(minimum)s, so nothing"
    ),
    "ceiling.rate_unknown": N_(
        "The eligible costs are missing; without them the limit of %(rate)s cannot be checked."
    ),
    "ceiling.requested_unknown": N_("No amount requested yet. Ceiling %(ceiling)s."),
    "ceiling.met": N_("Requested %(requested)s, ceiling %(ceiling)s (%(how)s)."),
    "ceiling.not_met": N_(
        "Requested %(requested)s exceeds the ceiling %(ceiling)s by %(excess)s (%(how)s)."
    ),
    "min_partners.none": N_("The programme asks for no minimum number of partners."),
    "min_partners.met": N_("%(partners)s partners; at least %(minimum)s are required."),
    "min_partners.not_met": N_("Only %(partners)s partners; at least %(minimum)s are required."),
    "council_resolutions.none": N_("The programme does not ask for council resolutions."),
    "council_resolutions.no_partners": N_("No partners recorded."),
    "council_resolutions.met": N_("All %(total)s councils have decided%(by)s."),
    "council_resolutions.not_met": ngettext(
        "%(decided)s of %(total)s councils has decided%(by)s; missing: %(missing)s.",
        "%(decided)s of %(total)s councils have decided%(by)s; missing: %(missing)s.",
    ),
    "council_resolutions.by": N_(" by the application date %(application_date)s"),
    "duration.none": N_("The programme asks for no minimum duration."),
    "duration.start_unknown": N_(
        "The planned start is missing; at least %(minimum)s years are required."
    ),
    "duration.open_ended": N_(
        "Open-ended from %(start)s; at least %(minimum)s years are required."
    ),
    "duration.met": N_(
        "Planned from %(start)s to %(end)s, %(years)s full years; "
        "at least %(minimum)s are required."
    ),
    "duration.not_met": N_(
        "Planned from %(start)s to %(end)s, only %(years)s full years; "
        "at least %(minimum)s are required."
    ),
    "savings_rate.none": N_("The programme asks for no minimum savings."),
    "savings_rate.unknown": N_(
        "No savings estimate yet; at least %(minimum)s savings are required."
    ),
    "savings_rate.met": N_("Estimated savings rate %(rate)s; at least %(minimum)s are required."),
    "savings_rate.not_met": N_(
        "Estimated savings rate only %(rate)s; at least %(minimum)s are required."
    ),
    "savings_rate.improvement": N_(
        "Instead of savings, a service improvement, confirmed by %(by)s: %(text)s"
    ),
    "savings_rate.improvement_unconfirmed": N_(
        "A service improvement is given instead of savings but nobody has confirmed it yet: "
        "%(text)s"
    ),
    "project_start.none": N_("The programme does not ask when the project starts."),
    "project_start.unknown": N_(
        "The project's start or the application date is missing; the project may not start "
        "before the application."
    ),
    "project_start.met": N_(
        "The project starts on %(start)s, after the application of %(applied)s."
    ),
    "project_start.not_met": N_(
        "The project starts on %(start)s, before the application of %(applied)s."
    ),
    "justification.none": N_("No justification is needed."),
    "justification.met": N_(
        "%(partners)s partners, fewer than %(below)s: justified with “%(text)s”"
    ),
    "justification.not_met": N_(
        "%(partners)s partners, fewer than %(below)s: the application needs a justification."
    ),
    "application_window.none": N_("The programme sets no application window."),
    "application_window.unknown": N_("No application date yet; application window %(window)s."),
    "application_window.met": N_(
        "Applied on %(application_date)s, within the application window %(window)s."
    ),
    "application_window.early": N_(
        "Applied on %(application_date)s, before the application window %(window)s opened."
    ),
    "application_window.late": N_(
        "Applied on %(application_date)s, after the application window %(window)s closed."
    ),
    "window.from": N_("from %(start)s"),
    "window.until": N_("until %(end)s"),
    "window.both": N_("%(start)s to %(end)s"),
    "proof_of_use.none": N_("No due date for the proof of use recorded."),
    "proof_of_use.submitted": N_("Proof of use submitted on %(submitted)s (due %(due)s)."),
    "proof_of_use.submitted_late": N_(
        "Proof of use submitted on %(submitted)s, %(days)s days after it was due on %(due)s."
    ),
    "proof_of_use.due": N_("Proof of use due on %(due)s, in %(days)s days."),
    "proof_of_use.overdue": N_("Proof of use overdue since %(due)s (%(days)s days)."),
    "missing.none": N_("%(name)s (no resolution)"),
    "missing.rejected": N_("%(name)s (rejected on %(date)s)"),
    "missing.deferred": N_("%(name)s (deferred on %(date)s)"),
    "missing.scheduled": N_("%(name)s (scheduled %(date)s)"),
    "missing.result_missing": N_("%(name)s (scheduled %(date)s, result missing)"),
    "missing.late": N_("%(name)s (decided only on %(date)s)"),
    "missing.repealed": N_("%(name)s (decision repealed on %(date)s)"),
    # the reminder rules (coop.core.reminder_rules)
    "reminder.today": N_("today"),
    "reminder.tomorrow": N_("tomorrow"),
    "reminder.in_days": ngettext(
        "in %(n)s day",
        "in %(n)s days",
    ),
    "reminder.session.subject": N_("Session on %(date)s: %(body)s, %(organ)s – %(initiative)s"),
    "reminder.session.text": N_(
        "%(organ)s (%(body)s) deliberates on %(date)s (%(when)s) on “%(initiative)s”. Please enter the result in coop afterwards."
    ),
    "reminder.missing.no_date": N_("%(name)s (no date)"),
    "reminder.missing.result_missing": N_("%(name)s (result of the session on %(date)s missing)"),
    "reminder.missing.session": N_("%(name)s (session on %(date)s)"),
    "reminder.missing.subject": ngettext(
        "Application deadline %(date)s: %(n)s council resolution missing – %(initiative)s",
        "Application deadline %(date)s: %(n)s council resolutions missing – %(initiative)s",
    ),
    "reminder.missing.text": N_(
        "The application deadline of “%(program)s” ends on %(date)s. The resolutions of these are still missing: %(names)s."
    ),
    "reminder.tranche.subject": N_("Drawdown %(date)s: %(amount)s – %(initiative)s"),
    "reminder.tranche.overdue": N_(
        "The drawdown of %(amount)s from “%(program)s” has been due since %(date)s and has not been requested yet."
    ),
    "reminder.tranche.due": N_(
        "The drawdown of %(amount)s from “%(program)s” is due on %(date)s and has not been requested yet."
    ),
    "reminder.proof.overdue.subject": N_("Proof of use overdue since %(date)s – %(initiative)s"),
    "reminder.proof.overdue.text": N_(
        "The proof of use for “%(program)s” was due on %(date)s and is not yet recorded as submitted."
    ),
    "reminder.proof.subject": N_("Proof of use due on %(date)s – %(initiative)s"),
    "reminder.proof.text": ngettext(
        "The proof of use for “%(program)s” is due on %(date)s, in %(n)s day.",
        "The proof of use for “%(program)s” is due on %(date)s, in %(n)s days.",
    ),
    "reminder.task.subject": N_("Task due on %(date)s: %(task)s – %(initiative)s"),
    "reminder.task.text": N_(
        "The resolution of %(body)s on “%(initiative)s” asks for “%(task)s” by %(date)s; it is not marked as done yet."
    ),
    "reminder.task.overdue.subject": N_("Task overdue since %(date)s: %(task)s – %(initiative)s"),
    "reminder.task.overdue.text": N_(
        "The resolution of %(body)s on “%(initiative)s” asked for “%(task)s” by %(date)s; it is not marked as done."
    ),
    # why the parser of council results (coop.oparl.results) gave no outcome, or what it read
    "result.read_from": N_("Read from the result text: “%(words)s”."),
    "result.several_motions": N_(
        "The result text names several motions with different outcomes (“%(words)s”); "
        "please read it and choose the outcome."
    ),
    "result.votes_contradict": N_(
        "The votes contradict the words of the result text (“%(words)s”); please read it and "
        "choose the outcome."
    ),
    "result.votes_only": N_(
        "The result text gives votes (%(words)s) but does not say clearly what they decided; "
        "please choose the outcome."
    ),
    "result.election": N_(
        "The result text tells of an election of persons (“%(words)s”), not of a decision on "
        "the motion; please read it and choose the outcome."
    ),
    "result.no_decision": N_(
        "The result text names no public decision (“%(words)s”); please choose the outcome."
    ),
    "result.proposal_only": N_(
        "The text gives only what was proposed (“%(words)s”), not what was decided; please "
        "read it and choose the outcome."
    ),
    "result.unknown_words": N_(
        "The result text has no words known for an outcome; please read it and choose the outcome."
    ),
    "result.too_long": N_(
        "The result text is too long to be read automatically; please read it and choose the "
        "outcome."
    ),
    # the savings model (coop.core.savings_model)
    "savings.unknown_pay_grade": N_("Unknown pay grade %(pay_grade)s."),
    "savings.payment_to_itself": N_("A partner cannot pay itself."),
    "savings.payment_negative": N_("A payment cannot be negative."),
    "savings.population_missing": ngettext(
        "Each partner needs a population (missing for %(n)s partner).",
        "Each partner needs a population (missing for %(n)s partners).",
    ),
    "savings.workstations_missing": ngettext(
        "Each partner needs a number of workstations (missing for %(n)s partner).",
        "Each partner needs a number of workstations (missing for %(n)s partners).",
    ),
    "savings.cases_missing": ngettext(
        "Each partner needs a number of cases (missing for %(n)s partner).",
        "Each partner needs a number of cases (missing for %(n)s partners).",
    ),
    "savings.population_zero": N_("The populations add up to zero."),
    "savings.workstations_zero": N_("The workstations add up to zero."),
    "savings.cases_zero": N_("The cases add up to zero."),
    "savings.no_partners": N_("The estimate has no partners."),
    "savings.fixed_shares_sum": N_("The fixed shares must add up to 1 (100 %%)."),
    "savings.base_share_range": N_("The base share must lie between 0 and 1."),
    "savings.unknown_allocation_key": N_("Unknown allocation key %(key)s."),
    "savings.horizon_range": N_("The horizon must be 1 to 50 years."),
    "savings.discount_rate_range": N_("The discount rate must be greater than −100 %%."),
    "savings.cost_growth_range": N_("The cost growth must be greater than −100 %%."),
    "savings.not_a_partner": N_("This body is not a partner of the estimate."),
    "savings.revenue_is_an_amount": N_("Revenue is an amount, not a pay grade."),
    "savings.unknown_discount_timing": N_("Discount at the start or at the end of each year."),
}


def render(text: Text | str, lang: str = "de") -> str:
    """The sentence of `text` in `lang` (German unless "en"), with its values formatted."""
    if isinstance(text, str):
        return text
    values = {k: _format(v, lang) for k, v in text.params.items()}
    message = MESSAGES[text.key]
    if isinstance(message, tuple):
        return catalogue(lang).ngettext(*message, text.params["n"]) % values
    return catalogue(lang).gettext(message) % values


def here(text: Text | str) -> str:
    """The sentence in the language of the page or API answer being built."""
    from flask_babel import get_locale

    return render(text, str(get_locale() or "de")[:2])


def message(condition: Condition, lang: str = "de") -> str:
    """A condition's sentence; German is the language of the API and the application file."""
    return render(condition.text, lang)


def _format(value, lang: str) -> str:
    if isinstance(value, Decimal):
        return money(value, lang)
    if isinstance(value, Rate):
        return percent(value.value, lang)
    if isinstance(value, date):
        return day(value, lang)
    if isinstance(value, Text):
        return render(value, lang)
    if isinstance(value, Joined):
        return value.separator.join(render(p, lang) for p in value.parts)
    return str(value)
