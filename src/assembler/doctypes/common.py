"""Schema pieces and rules that more than one document type shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..schema import (
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
    MapOf,
    OneOf,
    Percent,
    Ref,
    Str,
)

#: Legal forms a party can take; each has a description and execution blocks in
#: ``templates/legal-forms.yaml``.
LEGAL_FORMS = (
    "ccg",
    "icb",
    "nhs_trust",
    "nhs_foundation_trust",
    "local_authority",
    "company",
    "charity",
    "third_sector",
    "gp_partnership",
    "gp_federation",
)
ROLES = ("commissioner", "provider", "host", "observer")
DECISION_RULES = (
    "unanimous_only",
    "unanimous_then_majority_if_decision_required",
    "consensus_forum",
)


def date_order(*pairs: tuple[str, str]):
    """A rule: for each (earlier, later) pair of dotted paths, the later date must be after."""

    def rule(values: dict[str, Any], ck: Checker, path: str) -> None:
        for earlier, later in pairs:
            a, b = dig(values, earlier), dig(values, later)
            if isinstance(a, dt.date) and isinstance(b, dt.date) and b <= a:
                where = f"{path}.{later}" if path else later
                ck.error(
                    "E-date-01",
                    where,
                    ck.at(where),
                    f"{b.isoformat()} must be after {earlier} ({a.isoformat()})",
                    "check the order of the dates",
                )

    return rule


def review_dates_after_start(values: dict[str, Any], ck: Checker, path: str) -> None:
    start = values.get("effective_date")
    points = dig(values, "term.review_points") or []
    for i, point in enumerate(points):
        at = point.get("at") if isinstance(point, dict) else None
        if isinstance(start, dt.date) and isinstance(at, dt.date) and at <= start:
            where = f"term.review_points[{i}].at"
            ck.error(
                "E-date-01",
                where,
                ck.at(where),
                f"review date {at.isoformat()} must be after effective_date {start.isoformat()}",
                "a review point falls after the agreement starts",
            )


def service_contracts_prevail(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G1: the Service Contracts always prevail over the alliance agreement (001 ch7: case B's
    agreement wrongly said the reverse)."""
    order = values.get("precedence") or []
    both = "alliance_agreement" in order and "service_contract" in order
    if both and order.index("alliance_agreement") < order.index("service_contract"):
        ck.error(
            "E-rule-G1",
            "precedence",
            ck.at("precedence"),
            "the alliance agreement may not prevail over the Service Contracts",
            "list service_contract first (drafting guidance G1; seed 001 ch7)",
        )


def open_book_subject_to_competition_law(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G16: open-book sharing between providers is always subject to competition law."""
    sharing = values.get("information_sharing") or {}
    if sharing.get("open_book") and sharing.get("subject_to_competition_law") is False:
        ck.error(
            "E-rule-G16",
            "information_sharing.subject_to_competition_law",
            ck.at("information_sharing.subject_to_competition_law"),
            "open-book information sharing must be subject to competition law",
            "set it to true (drafting guidance G16; Template clauses 10.7 and 10.8)",
        )


def has_commissioner(values: dict[str, Any], ck: Checker, path: str) -> None:
    """An NHS alliance agreement is between commissioner(s) and providers (001 Glossary, ch1),
    and its reserved matters belong to the commissioners (guidance G18)."""
    parties = [p for p in values.get("parties") or [] if isinstance(p, dict)]
    if parties and not any("commissioner" in (p.get("roles") or []) for p in parties):
        ck.error(
            "E-rule-G18",
            "parties",
            ck.at("parties"),
            "an alliance agreement needs at least one commissioner",
            "give a party the role commissioner (seed 001 ch1; drafting guidance G18)",
        )


def dig(values: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(values, dict):
            return None
        values = values.get(part)
    return values


def codes() -> ListOf:
    return ListOf(Code())


PARTY = Map(
    {
        "id": F(Id("party"), required=True),
        "name": F(Str(), required=True, hint='the legal name, or a placeholder such as "[CCG]"'),
        "kind": F(Enum(*LEGAL_FORMS), required=True, hint="the party's legal form"),
        "roles": F(ListOf(Enum(*ROLES), min_items=1), required=True),
        "address": F(Str()),
        "registration": F(Str()),
        "signatory": F(Str(), hint="who signs for the party"),
        "position": F(Str(), hint="the signatory's position"),
        "legal_form": F(Str(), hint="for example a company limited by guarantee"),
        "witness": F(Str(), hint="the witness's name and address, for a deed signed by a director"),
        # in a deed of variation: whether the party stays, joins or leaves the varied agreement
        "change": F(Enum("continuing", "joining", "leaving")),
        "dual_role_conflict": F(Bool()),
        "participation_funding": F(Bool()),
        "lead_commissioner": F(Bool()),
        "risk_share_participant": F(Bool()),
        "reason": F(Str()),
        "chairs_board": F(Bool()),
        "activity_shift_risk_holder": F(Bool()),
        "jv_party": F(Bool()),
    }
)

BODY = Map(
    {
        "id": F(Id("body"), required=True),
        "name": F(Str(), required=True),
        "membership": F(Code()),
        "role": F(Code()),
        "appointed_by": F(Ref("body")),
        "chair": F(Ref("party")),
    }
)

SERVICE_CONTRACT = Map(
    {
        "id": F(Id("service_contract"), required=True),
        "form": F(Code(), required=True),
        "commissioner": F(Ref("party"), required=True),
        "provider": F(Ref("party"), required=True),
        "scope": F(Code()),
        "transitioned_from": F(Code()),
    }
)

TERM = Map(
    {
        "transition_years": F(Int(minimum=0)),
        "post_transition_years": F(Int(minimum=0)),
        "initial_years": F(Int(minimum=1)),
        "extension_option_years": F(Int(minimum=0)),
        "extension_years": F(Int(minimum=0)),
        "review_points": F(
            ListOf(
                Map(
                    {
                        "at": F(OneOf(Date(), Code()), required=True),
                        "purpose": F(Str(), required=True),
                    }
                )
            )
        ),
    }
)

GOVERNANCE = Map(
    {
        "bodies": F(ListOf(BODY, min_items=1), required=True),
        "central_team_size": F(Int()),
        "decision_rule": F(Enum(*DECISION_RULES), required=True),
        # G17: the non-adoption protocol is always included
        "non_adoption_protocol": F(Enum("required")),
        "reserved_matters": F(codes()),
        "conflicts_of_interest": F(
            Map({"declaration": F(Code()), "handled_by": F(ListOf(Ref("body")))})
        ),
        "meeting_frequency": F(Str()),
    }
)

PLANNED_MECHANISM = Map(
    {
        "mechanism": F(Code(), required=True),
        "share_of_contract_value": F(Percent()),
        "split": F(Str()),
        "status": F(Code()),
    }
)

PAYMENT = Map(
    {
        "year1": F(Code()),
        "year1_contract_split": F(codes()),
        "planned_from_year2": F(ListOf(PLANNED_MECHANISM)),
        "deferred_mechanism_default": F(Code()),
        "deferred_mechanism_deadline": F(Date()),
        "deferred_mechanism_owner": F(Ref("body", "party")),
    }
)

COMMON: dict[str, F] = {
    "deal_id": F(Str(r"[a-z0-9][a-z0-9_-]*", "lower case letters, digits, - and _"), required=True),
    "document_type": F(Str(), required=True),
    "title": F(Str(), required=True),
    "status": F(Enum("draft", "draft_for_signature", "execution_version")),
    "effective_date": F(Date(), required=True),
    "template_basis": F(Str()),
    # the contracting criteria the document must satisfy (default: the document type's set)
    "criteria": F(ListOf(Str())),
    # include the schedule "How this agreement meets the contracting criteria"
    "criteria_schedule": F(Bool()),
    # clause id -> the version this deal must use (else the newest approved version in force)
    "pins": F(
        MapOf(
            Str(r"[a-z0-9]+(-[a-z0-9]+)*", "a clause id"),
            Str(r"\d+\.\d+\.\d+", "a version such as 1.2.0"),
        )
    ),
    # slot -> option: which alternative fills a `choose:` slot of the outline (checked by the plan)
    "choices": F(MapOf(Str(r"[a-z][a-z_]*", "a choice such as liability"), Str())),
}
