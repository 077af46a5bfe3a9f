"""The memorandum of understanding's deal sheet (contracting-model.md 7.3; document-structures.md C).

An MoU records what the Partners intend; it is not legally binding, except for the provisions the
deal lists under ``binding_clauses`` (confidentiality, intellectual property, costs, governing law).
Drafting guidance G22 and G23 (contracting-model.md 3.3) are rules here: case study C's MoU drifted
into inactivity without review dates, dated deliverables or an exit (001 ch5, ch12).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assembler.checks.rules import deal_rule
from assembler.core.schema import (
    Bool,
    Checker,
    Code,
    Date,
    Enum,
    F,
    Int,
    ListOf,
    Map,
    Money,
    OneOf,
    Ref,
    Str,
)
from assembler.doctypes.common import COMMON, DATES, PARTY, codes, date_order, dig, law_in_force

#: Provisions a non-binding MoU may make legally binding (document-structures.md 3.6, part (b)).
BINDING_CLAUSES = ("confidentiality", "intellectual_property", "costs", "governing_law")

#: A date, or a code for a point in the transition such as ``end_of_transition_year_1``.
WHEN = OneOf(Date(), Code())
#: Guidance G22 and G23 make these keys required, so a starter deal sheet offers them at once.
G22 = "guidance G22: review dates and a context-review trigger"
G23 = "guidance G23"

RELATED_DOCUMENT = Map(
    {
        "type": F(Code(), required=True, hint="for example joint_venture_agreement"),
        "parties": F(ListOf(Ref("party"), min_items=2), required=True),
        "services": F(codes()),
        "signed": F(Str(), hint='the month it was signed, for example "December 2016"'),
        "backdated_to": F(Str()),
        "term_years": F(Int(minimum=1)),
        "extension_years": F(Int(minimum=1)),
        "year1_value_gbp": F(Money()),
        # 001 ch7: the NHS Standard Contract in case study C relied on the MoU
        "relies_on_this_memorandum": F(Bool()),
    }
)

DELIVERABLE = Map(
    {
        "workstream": F(Code(), required=True, hint="what is to be delivered, as a code"),
        "components": F(codes()),
        "pathways": F(codes()),
        "due": F(WHEN, required=True, hint="G23: every deliverable needs a date"),
        "owners": F(ListOf(Ref("party"), min_items=1), required=True, hint="who leads it"),
    }
)


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


MEMORANDUM_OF_UNDERSTANDING = Map(
    {
        **COMMON,
        "parties": F(ListOf(PARTY, min_items=2), required=True),
        # document-structures.md (b): binding / non-binding / non-binding with listed binding clauses
        "binding": F(Bool(), required=True, hint="false: an MoU records intentions (G23)"),
        "binding_clauses": F(ListOf(Enum(*BINDING_CLAUSES))),
        "commitment_to_future_contract": F(Enum("none", "in_principle"), required=True),
        "related_documents": F(ListOf(RELATED_DOCUMENT)),
        "services_in_scope": F(ListOf(Code(), min_items=1), required=True),
        "intended_end_state": F(
            Map(
                {
                    "model": F(Code(), required=True),
                    "payment": F(codes()),
                    "target_go_live": F(Str(), hint='a month, for example "April 2018"'),
                }
            ),
            required=True,
        ),
        "shared_aims": F(ListOf(Code(), min_items=1), required=True),
        "transition": F(Map({"period_years": F(Int(), required=True)}), required=True),
        "deliverables": F(ListOf(DELIVERABLE), required=True, hint=G23),
        "governance": F(
            Map(
                {
                    "lead_organisation": F(
                        Ref("party"), required=True, hint="the Partner that hosts the group"
                    ),
                    "decisions": F(Enum("advisory", "delegated"), required=True),
                    "meeting_frequency": F(Str(), required=True),
                    "working_groups": F(Bool()),
                    "representatives": F(
                        ListOf(
                            Map(
                                {
                                    "party": F(Ref("party"), required=True),
                                    "name": F(Str(), required=True),
                                }
                            )
                        )
                    ),
                }
            ),
            required=True,
        ),
        "financial_arrangements": F(
            Map(
                {
                    "milestone_funding": F(
                        Map(
                            {
                                "mechanism": F(Code(), required=True),
                                "approx_gbp": F(Money(), required=True),
                                "paid_to": F(ListOf(Ref("party"), min_items=1), required=True),
                            }
                        )
                    ),
                }
            )
        ),
        "term": F(
            Map(
                {
                    "review_dates": F(
                        ListOf(Map({"at": F(WHEN, required=True)})), required=True, hint=G22
                    ),
                    "review_frequency": F(Str()),
                    "sunset": F(Date(), hint="G23: the date the memorandum lapses"),
                }
            ),
            required=True,
        ),
        "decision_gates": F(ListOf(Map({"at": F(WHEN, required=True)})), required=True, hint=G23),
        "context_review": F(
            Map(
                {
                    "triggers": F(ListOf(Code(), min_items=1), required=True, hint=G22),
                    "within": F(Str(), required=True, hint="for example 8 weeks"),
                }
            ),
            required=True,
        ),
        "disputes": F(Map({"response_days": F(Int(), required=True)}), required=True),
        "withdrawal": F(
            Map({"notice": F(Str(), required=True, hint='for example "three months\'"')}),
            required=True,
            hint="G23: a Partner may withdraw on notice",
        ),
    },
    rules=[
        mou_is_not_binding_and_has_dated_deliverables,
        mou_has_reviews_and_context_trigger,
        mou_dates_in_order,
        date_order(("effective_date", "term.sunset")),
        law_in_force,
    ],
)
