"""The service operations manual's deal sheet (contracting-model.md 3.1; document-structures.md B).

The manual holds the detail of service provision and budgets for the services an alliance covers;
changes to service provision are recorded in it first, and the Service Contracts are then varied
where the alliance decides (seed 001 ch7). It is subordinate to the alliance agreement and the
Service Contracts, and it is adopted by an alliance body rather than signed by the parties.

Rules (each a located error):

- ``E-rule-G1``: ``precedence``, when given, is the Service Contracts, then the agreement, then the
  manual (guidance G1; 001 ch7); without it the manual states that order.
- Guidance G9 (001 ch10) by required keys: every key performance indicator has a baseline, a data
  source, a time lag and a responsible party (``E-key-02`` names the one missing).
- ``E-rule-G16``: open-book sharing is subject to competition law (shared with the agreement).
- ``E-rule-SOM1``: the last entry of the revision history is the current version, in force on the
  manual's effective date.
- ``E-date-01``: the manual takes effect on or after the agreement's date; its review date and the
  change log's dates are in order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assembler.core.schema import (
    Bool,
    Checker,
    Code,
    Date,
    Enum,
    F,
    Id,
    Int,
    ListOf,
    Map,
    Money,
    OneOf,
    Ref,
    Str,
    is_placeholder,
)
from assembler.doctypes.common import (
    COMMON,
    DECISION_RULES,
    PARTY,
    SERVICE_CONTRACT,
    codes,
    date_order,
    dig,
    dual_role_conflicts_declared,
    law_in_force,
    open_book_subject_to_competition_law,
)

FREQUENCIES = ("weekly", "monthly", "quarterly", "six-monthly", "annually")
#: who does something: a governance body or a party (by id)
WHO = Ref("body", "party")
G9 = "give it, or a placeholder in square brackets (drafting guidance G9; 001 ch10)"

ALLIANCE_AGREEMENT = Map(
    {
        "title": F(Str(), required=True, hint="the title of the alliance agreement"),
        "date": F(Date(), required=True, hint="the date of the alliance agreement"),
        "manual_clause": F(
            Str(),
            hint='the clause of the agreement that provides for the manual, e.g. "clause 4.6"',
        ),
        "adopted_by": F(
            Ref("body"), required=True, hint="the body that adopts the manual, e.g. alb"
        ),
    }
)

REVISION = Map(
    {
        "version": F(Str(), required=True),
        "date": F(Date(), required=True),
        "summary": F(Str(), required=True),
        "approved_by": F(Ref("body"), required=True),
    }
)

DOCUMENT_CONTROL = Map(
    {
        "version": F(Str(), required=True, hint='for example "1.0"'),
        "owner": F(Str(), required=True, hint="the post that keeps the manual up to date"),
        "approving_body": F(Ref("body"), required=True, hint="the body that approved this version"),
        "review_date": F(Date()),
        "review_cycle": F(Str(), required=True, hint='for example "every 12 months"'),
        "revision_history": F(ListOf(REVISION, min_items=1), required=True),
    }
)

GROUP = Map(
    {
        "id": F(Id("body"), required=True),
        "name": F(Str(), required=True),
        "role": F(Code()),
        "remit": F(Str(), required=True, hint="what the body or post does, after 'which' or 'who'"),
        "reports_to": F(Ref("body")),
        "appointed_by": F(Ref("body")),
        # a body with a membership is a meeting body and gets terms of reference
        "membership": F(Code()),
        "chair": F(Str()),
        "quorum": F(Str()),
        "frequency": F(Str()),
        "decision_rule": F(Enum(*DECISION_RULES)),
        "observers": F(Str()),
    }
)

GOVERNANCE = Map(
    {
        "bodies": F(ListOf(GROUP, min_items=1), required=True),
        "central_team_size": F(Int(minimum=1)),
        "non_adoption_notice_days": F(Int(minimum=1)),
    }
)

MEETINGS = Map(
    {
        "urgent_decisions": F(Str(), hint="how a decision is taken between meetings"),
        "agenda_items_days": F(Int(minimum=1)),
        "papers_days": F(Int(minimum=1)),
        "draft_minutes_days": F(Int(minimum=1)),
    }
)

DELEGATION = Map(
    {
        "matter": F(Str(), required=True),
        "decided_by": F(WHO, required=True),
        "limits": F(Str()),
    }
)

SERVICE_MODEL = Map(
    {
        "service_aims": F(ListOf(Code(), min_items=1), required=True),
        "single_point_of_access": F(Map({"operated_by": F(WHO), "hours": F(Str())})),
        "mdt_case_management": F(Map({"frequency": F(Str()), "based_in": F(Str())})),
        "single_eligibility_assessment": F(Bool()),
        "mdt_discharge_pathway": F(Bool()),
        "shared_care_record": F(Bool()),
    }
)

PLANNING = Map(
    {
        "cycle_starts": F(Str(), hint='for example "each October"'),
        "draft_plan_by": F(Str()),
        "plan_approved_by": F(Ref("body"), required=True),
        "progress_review": F(Str()),
    }
)

KPI = Map(
    {
        "name": F(Str(), required=True),
        "measure": F(Str()),
        # guidance G9 (001 ch10): measurement failed on baselines, sources and time lag
        "baseline": F(Str(), required=True, hint=G9),
        "data_source": F(Str(), required=True, hint=G9),
        "time_lag": F(Str(), required=True, hint=G9),
        "responsible": F(WHO, required=True, hint=G9),
        "frequency": F(Enum(*FREQUENCIES)),
        "payment": F(Enum("monitor_only", "paid"), required=True),
    }
)

PERFORMANCE = Map(
    {
        "outcomes_identified": F(Int()),
        "kpis": F(ListOf(KPI, min_items=1), required=True),
        "recalibration_by": F(Ref("body"), required=True, hint="guidance G7"),
    }
)

REPORT = Map(
    {
        "report": F(Str(), required=True),
        "kind": F(Enum("performance", "finance", "quality", "risk", "workforce"), required=True),
        "frequency": F(Enum(*FREQUENCIES), required=True),
        "prepared_by": F(WHO),
        "to": F(Ref("body")),
        "due": F(Str()),
    }
)

BUDGET = Map(
    {
        "contract": F(Ref("service_contract"), required=True),
        "service": F(Code()),
        "amount_gbp": F(Money(), required=True),
    }
)

FINANCE = Map(
    {
        "financial_year": F(Str()),
        "total_gbp": F(Money()),
        "total_basis": F(Str()),
        "payment": F(Code()),
        "contract_split": F(codes()),
        "budgets": F(ListOf(BUDGET, min_items=1), required=True),
        "variance_order": F(ListOf(Code(), min_items=1), required=True, hint="guidance G28"),
        "gain_loss_share_agreed": F(Bool(), required=True),
        "signed_off_by": F(Ref("body"), required=True),
        "challenge_days": F(Int(minimum=1)),
    }
)

INFORMATION_SHARING = Map(
    {
        "open_book": F(Bool()),
        "subject_to_competition_law": F(Bool()),
        "procurement_safeguards": F(codes()),
        "data_sharing_agreement": F(Str()),
        "breach_notice_hours": F(Int(minimum=1)),
    }
)

CONFLICTS = Map(
    {
        "declaration": F(Code()),
        "handled_by": F(ListOf(Ref("body"), min_items=1)),
        "register_kept_by": F(WHO, required=True),
        "register_review": F(Str()),
    }
)

RISK = Map(
    {
        "register_kept_by": F(WHO, required=True),
        "reviewed_by": F(Ref("body"), required=True),
        "early_warning_days": F(Int(minimum=1)),
    }
)

LEVEL = Map(
    {
        # a stage code from the vocabulary (operational_leads, independent_facilitator ...) or a body
        "to": F(OneOf(Code(), Ref("body")), required=True),
        "within_days": F(Int(minimum=1)),
    }
)

CONTACT = Map(
    {
        "party": F(Ref("party"), required=True),
        "operational": F(Str(), required=True),
        "senior": F(Str(), required=True),
    }
)

ESCALATION = Map(
    {
        "levels": F(ListOf(LEVEL, min_items=2), required=True),
        "contacts": F(ListOf(CONTACT)),
    }
)

COMPLAINTS = Map(
    {
        "joint_response_coordinator": F(WHO),
        "incident_notice_hours": F(Int(minimum=1)),
        "safeguarding_lead": F(Ref("party")),
        "learning_review_by": F(Ref("body")),
    }
)

QUALITY = Map(
    {
        "overseen_by": F(Ref("body"), required=True),
        "clinical_lead": F(Str()),
    }
)

WORKFORCE = Map(
    {
        "co_located_teams": F(
            ListOf(
                Map(
                    {
                        "team": F(Str(), required=True),
                        "parties": F(ListOf(Ref("party"), min_items=2), required=True),
                    }
                )
            )
        ),
        "central_team_hosted_by": F(WHO),
        "pay_and_terms_review": F(
            Str(), hint="guidance G13: terms that change with a move of contract"
        ),
    }
)

COMMUNICATIONS = Map(
    {
        "service_name": F(Str()),
        "approved_by": F(WHO),
        "lead": F(Str()),
        "notice_days": F(Int(minimum=1)),
        "engagement": F(Str()),
    }
)

MEMBERSHIP_CHANGES = Map(
    {
        "induction_within_days": F(Int(minimum=1)),
        "data_return_days": F(Int(minimum=1)),
        "handover_plan_days": F(Int(minimum=1)),
    }
)

AMENDMENT = Map(
    {
        "minor_changes_by": F(Ref("body"), required=True),
        "service_changes_by": F(Ref("body"), required=True),
        "contract_variation_decided_by": F(Ref("body"), required=True),
        "notice_days": F(Int(minimum=1)),
    }
)

CHANGE = Map(
    {
        "date": F(Date(), required=True),
        "change": F(Str(), required=True),
        "approved_by": F(Ref("body"), required=True),
        "contracts": F(ListOf(Ref("service_contract"))),
        "variation": F(Str(), hint="the variation of each Service Contract, or why none is needed"),
    }
)


#: the only order of precedence the manual may state (guidance G1; 001 ch7)
PRECEDENCE = ["service_contract", "alliance_agreement", "service_operations_manual"]


def manual_is_last(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G1: the Service Contracts prevail over the agreement, and both prevail over the manual."""
    order = values.get("precedence")
    if not order or any(not isinstance(o, str) or is_placeholder(o) for o in order):
        return
    if order != PRECEDENCE:
        ck.error(
            "E-rule-G1",
            "precedence",
            ck.at("precedence"),
            "the Service Contracts prevail over the alliance agreement, and both prevail over "
            "the manual",
            "write [" + ", ".join(PRECEDENCE) + "], or leave the key out "
            "(drafting guidance G1; seed 001 ch7)",
        )


def history_ends_with_this_version(values: dict[str, Any], ck: Checker, path: str) -> None:
    """The revision history's last entry is this version, in force on the effective date."""
    control = values.get("document_control") or {}
    history = [h for h in control.get("revision_history") or [] if isinstance(h, dict)]
    if not history:
        return
    last = history[-1]
    where = f"document_control.revision_history[{len(history) - 1}]"
    version, listed = control.get("version"), last.get("version")
    if (
        isinstance(version, str)
        and isinstance(listed, str)
        and not is_placeholder(version)
        and not is_placeholder(listed)
        and version != listed
    ):
        ck.error(
            "E-rule-SOM1",
            where,
            ck.at(where),
            f"the last revision is version {listed!r}, but document_control.version is {version!r}",
            "add a revision entry for this version, or correct the version",
        )
    start, dated = values.get("effective_date"), last.get("date")
    if isinstance(start, dt.date) and isinstance(dated, dt.date) and dated > start:
        ck.error(
            "E-rule-SOM1",
            f"{where}.date",
            ck.at(f"{where}.date"),
            f"the current version is dated {dated.isoformat()}, after the manual's "
            f"effective_date ({start.isoformat()})",
            "a version is approved on or before the date it takes effect",
        )


def effective_on_or_after_agreement(values: dict[str, Any], ck: Checker, path: str) -> None:
    agreed, start = dig(values, "alliance_agreement.date"), values.get("effective_date")
    if isinstance(agreed, dt.date) and isinstance(start, dt.date) and start < agreed:
        ck.error(
            "E-date-01",
            "effective_date",
            ck.at("effective_date"),
            f"the manual cannot take effect ({start.isoformat()}) before the alliance agreement "
            f"is dated ({agreed.isoformat()})",
            "check the dates",
        )


def change_log_in_order(values: dict[str, Any], ck: Checker, path: str) -> None:
    previous = None
    for i, entry in enumerate(values.get("change_log") or []):
        dated = entry.get("date") if isinstance(entry, dict) else None
        if not isinstance(dated, dt.date):
            continue
        if previous and dated < previous:
            where = f"change_log[{i}].date"
            ck.error(
                "E-date-01",
                where,
                ck.at(where),
                f"{dated.isoformat()} is earlier than the entry before it ({previous.isoformat()})",
                "keep the change log in date order, oldest first",
            )
        previous = dated


SERVICE_OPERATIONS_MANUAL = Map(
    {
        **COMMON,
        "alliance_agreement": F(ALLIANCE_AGREEMENT, required=True),
        "document_control": F(DOCUMENT_CONTROL, required=True),
        "parties": F(ListOf(PARTY, min_items=2), required=True),
        # optional: without it the manual states the only order allowed (guidance G1)
        "precedence": F(
            ListOf(Enum("service_contract", "alliance_agreement", "service_operations_manual"))
        ),
        "population": F(
            Map(
                {
                    "cohort": F(Str(), required=True),
                    "estimated_size": F(Int()),
                    "eligibility_criteria": F(Str(), required=True, hint="guidance G10"),
                }
            ),
            required=True,
        ),
        "services_in_scope": F(ListOf(Code(), min_items=1), required=True),
        "services_excluded": F(Str()),
        "service_contracts": F(ListOf(SERVICE_CONTRACT, min_items=1), required=True),
        "service_model": F(SERVICE_MODEL, required=True),
        "governance": F(GOVERNANCE, required=True),
        "meetings": F(MEETINGS, required=True),
        "delegations": F(ListOf(DELEGATION)),
        "reserved_matters": F(ListOf(Code(), min_items=1), required=True, hint="guidance G18"),
        "planning": F(PLANNING, required=True),
        "performance": F(PERFORMANCE, required=True),
        "reporting_calendar": F(ListOf(REPORT, min_items=1), required=True),
        "finance": F(FINANCE, required=True),
        "information_sharing": F(INFORMATION_SHARING, required=True),
        "conflicts_of_interest": F(CONFLICTS, required=True),
        "risk_management": F(RISK, required=True),
        "escalation": F(ESCALATION, required=True),
        "complaints_and_safeguarding": F(COMPLAINTS, required=True),
        "quality": F(QUALITY, required=True),
        "workforce": F(WORKFORCE),
        "communications": F(COMMUNICATIONS),
        "membership_changes": F(MEMBERSHIP_CHANGES),
        "amendment": F(AMENDMENT, required=True),
        "change_log": F(ListOf(CHANGE)),
    },
    rules=[
        manual_is_last,
        open_book_subject_to_competition_law,
        history_ends_with_this_version,
        effective_on_or_after_agreement,
        change_log_in_order,
        date_order(("effective_date", "document_control.review_date")),
        law_in_force,
        dual_role_conflicts_declared,
    ],
)
