"""The memorandum of understanding's deal sheet (contracting-model.md 7.3; document-structures.md C).

An MoU records what the Partners intend; it is not legally binding, except for the provisions the
deal lists under ``binding_clauses`` (confidentiality, intellectual property, costs, governing law).
Drafting guidance G22 and G23 (contracting-model.md 3.3) are rules here: case study C's MoU drifted
into inactivity without review dates, dated deliverables or an exit (001 ch5, ch12).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assembler.core.ruleids import deal_rule
from assembler.core.schema import (
    Checker,
)
from assembler.deal.rulekinds import dig
from assembler.doctypes.common import DATES


def _where(ck: Checker, path: str) -> tuple[str, Any]:
    """``path`` with its position, or else the document type's line (for a missing value)."""
    return (path, ck.at(path)) if ck.at(path) else ("document_type", ck.at("document_type"))


@deal_rule(
    (
        "E-rule-G23",
        "contracting-model.md G23; seed 001 ch5, ch7, ch12",
        "an MoU is not legally binding, and names dated deliverables, decision gates and a review"
        " or sunset date",
    )
)
def mou_is_not_binding_and_has_dated_deliverables(
    values: dict[str, Any], ck: Checker, path: str
) -> None:
    """G23: case study C's MoU (not a formal contract, 001 ch7) drifted into inactivity without
    firm commitments (001 ch5, ch12). It states that it is not binding; it names deliverables,
    each with a date (the schema requires the date), decision gates, and a review or sunset date."""
    if values.get("binding") is True:
        ck.error(
            "E-rule-G23",
            "binding",
            ck.at("binding"),
            "a memorandum of understanding records intentions and is not legally binding",
            "set binding: false and list under binding_clauses the provisions that must bind; a "
            "wholly binding arrangement is an alliance or collaboration agreement (guidance G23)",
        )
    for key, what in (
        ("deliverables", "named deliverables with dates"),
        ("decision_gates", "decision gates (proceed, alter or stop)"),
    ):
        if key in values and not values[key]:
            where, pos = _where(ck, key)
            ck.error(
                "E-rule-G23",
                where,
                pos,
                f"a memorandum of understanding needs {what}",
                f"list at least one under {key} (guidance G23; seed 001 ch12)",
            )
    term = values.get("term")
    if isinstance(term, dict) and not term.get("review_dates") and not term.get("sunset"):
        where, pos = _where(ck, "term.review_dates")
        ck.error(
            "E-rule-G23",
            where,
            pos,
            "a memorandum of understanding needs a review date or a sunset date",
            "give term.review_dates or term.sunset (guidance G23; seed 001 ch12)",
        )


#: Context-review triggers that are a change of policy or of leadership (G22).
POLICY_OR_LEADERSHIP = ("national_policy_change", "partner_leadership_change")


@deal_rule(
    (
        "E-rule-G22",
        "contracting-model.md G22; seed 001 ch5, ch9, ch12",
        "an MoU has review dates and a context-review trigger for a change of policy or leaders",
    )
)
def mou_has_reviews_and_context_trigger(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G22: negotiations that take years let the context change: in case study C national policy,
    the CCG's leaders, the STP's geography and the CCG's finances all changed (001 ch5, ch12). An
    MoU has review dates, and a context review triggered at least by a change of policy or of
    leadership."""
    term = values.get("term")
    if isinstance(term, dict) and "review_dates" in term and not term["review_dates"]:
        ck.error(
            "E-rule-G22",
            "term.review_dates",
            ck.at("term.review_dates"),
            "a memorandum of understanding needs review dates",
            "give at least one (guidance G22; 000 Table 4: review rather than end dates)",
        )
    triggers = dig(values, "context_review.triggers")
    if isinstance(triggers, list) and triggers:
        known = [t for t in triggers if isinstance(t, str) and not t.startswith("[")]
        if len(known) == len(triggers) and not set(known) & set(POLICY_OR_LEADERSHIP):
            ck.error(
                "E-rule-G22",
                "context_review.triggers",
                ck.at("context_review.triggers"),
                "the context review is not triggered by a change of policy or of leadership",
                "add national_policy_change or partner_leadership_change (guidance G22; seed 001 "
                "ch5: policy changes and leadership turnover overtook case study C)",
            )


@DATES
def mou_dates_in_order(values: dict[str, Any], ck: Checker, path: str) -> None:
    """Review dates and decision gates fall after the start and before the sunset date
    (otherwise they never happen)."""
    start, sunset = values.get("effective_date"), dig(values, "term.sunset")
    dated = [
        (f"term.review_dates[{i}].at", r.get("at"))
        for i, r in enumerate(dig(values, "term.review_dates") or [])
        if isinstance(r, dict)
    ]
    dated += [
        (f"decision_gates[{i}].at", g.get("at"))
        for i, g in enumerate(values.get("decision_gates") or [])
        if isinstance(g, dict)
    ]
    _transition_ends_by_the_target(values, ck, start)
    for where, when in dated:
        if not isinstance(when, dt.date):
            continue
        if isinstance(start, dt.date) and when < start:
            ck.error(
                "E-date-01",
                where,
                ck.at(where),
                f"{when.isoformat()} is before effective_date ({start.isoformat()})",
                "a review or decision gate falls after the memorandum starts",
            )
        elif isinstance(sunset, dt.date) and when >= sunset:
            ck.error(
                "E-date-01",
                where,
                ck.at(where),
                f"{when.isoformat()} must be before the sunset date ({sunset.isoformat()})",
                "a review or decision gate after the sunset never happens",
            )


def _transition_ends_by_the_target(values: dict[str, Any], ck: Checker, start: Any) -> None:
    """The Transition Period leads to the future contract, so it ends by the month that contract
    is to go live (case C's MoU: two years to April 2018, 001 ch5, ch8)."""
    years, target = (
        dig(values, "transition.period_years"),
        dig(values, "intended_end_state.target_go_live"),
    )
    if not (isinstance(start, dt.date) and isinstance(years, int) and isinstance(target, str)):
        return
    try:
        month = dt.datetime.strptime(target.strip(), "%B %Y").date()
    except ValueError:
        return  # a blank or a phrase: nothing to compare
    anniversary = dt.date(
        start.year + years, start.month, min(start.day, 28 if start.month == 2 else 31)
    )
    ends = anniversary - dt.timedelta(days=1)
    if (ends.year, ends.month) > (month.year, month.month):
        where = "transition.period_years"
        ck.error(
            "E-date-01",
            where,
            ck.at(where),
            f"the Transition Period ends on {ends.isoformat()}, after the target of {target}",
            "shorten the Transition Period or move the target (intended_end_state.target_go_live)",
        )


@deal_rule(
    (
        "W-mou-role-01",
        "issue 21; seed 001 ch5 (case C's partners and their deliverables)",
        "a partner that neither commissions nor provides says what it does: a Deliverable it "
        "leads or what it advises on",
    )
)
def every_partner_has_a_part(values: dict[str, Any], ck: Checker, path: str) -> None:
    """A university or an industry partner is not an "observer" while it leads work: the
    roles clause says what it does, from the deliverables it owns and its ``advises_on``."""
    owners = {
        o
        for d in values.get("deliverables") or []
        if isinstance(d, dict)
        for o in d.get("owners") or []
    }
    for i, party in enumerate(values.get("parties") or []):
        if not isinstance(party, dict) or {"commissioner", "provider"} & set(
            party.get("roles") or []
        ):
            continue
        if party.get("id") not in owners and not party.get("advises_on"):
            where = f"parties[{i}]"
            ck.warn(
                "W-mou-role-01",
                where,
                ck.at(where),
                f"partner {party.get('id')!r} neither commissions nor provides, and leads no "
                "deliverable and advises on nothing",
                "name it among a deliverable's owners, or give advises_on",
            )
