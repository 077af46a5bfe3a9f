"""Schema pieces and rules that more than one document type shares."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assembler.checks.rules import deal_rule
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
    MapOf,
    OneOf,
    Percent,
    Ref,
    Str,
)

#: Legal forms a party can take; each has a description and execution blocks in
#: ``templates/legal-forms.yaml``. The first is the starter's default, so it is a body in force
#: today (a CCG only for a deal before 1 July 2022: E-law-01).
LEGAL_FORMS = (
    "icb",
    "ccg",
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


DATES = deal_rule(
    ("E-date-01", "engine", "a later date in the deal sheet is not after an earlier one")
)


def date_order(*pairs: tuple[str, str]):
    """A rule: for each (earlier, later) pair of dotted paths, the later date must be after."""

    @DATES
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


@DATES
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


@deal_rule(
    (
        "E-rule-G1",
        "contracting-model.md G1; seed 001 ch7",
        "the alliance agreement may not be placed above the Service Contracts",
    )
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


@deal_rule(
    (
        "E-rule-G16",
        "contracting-model.md G16; seed 001 ch6, ch7",
        "open-book sharing between providers is always subject to competition law",
    )
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


@deal_rule(
    (
        "E-rule-G18",
        "contracting-model.md G18; seed 001 ch1, ch7",
        "an alliance agreement has a commissioner, whose reserved matters it must include",
    )
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


@deal_rule(
    (
        "E-rule-G5",
        "contracting-model.md G5; seed 001 ch8, ch10",
        "payment mechanisms left to be agreed need a deadline, an owner and a default",
    )
)
def deferred_mechanisms_have_a_fallback(values: dict[str, Any], ck: Checker, path: str) -> None:
    """Case A signed before its payment model was agreed; it was never agreed and a deed of
    variation followed. A deferred mechanism needs a deadline, an owner and a default."""
    payment = values.get("payment") or {}
    if not payment.get("planned_from_year2"):
        return
    for key in (
        "deferred_mechanism_deadline",
        "deferred_mechanism_owner",
        "deferred_mechanism_default",
    ):
        if key not in payment:
            ck.error(
                "E-rule-G5",
                f"payment.{key}",
                ck.at("payment.planned_from_year2"),
                "payment mechanisms are left to be agreed, but this is not given",
                "give the deadline, the owner and what happens if nothing is agreed (guidance G5)",
            )


@deal_rule(
    (
        "W-rule-G6",
        "contracting-model.md G6; seed 001 ch10",
        "the financial plan should be jointly owned and stress-tested",
    ),
    (
        "W-rule-G10",
        "contracting-model.md G10; seed 001 ch10",
        "an age or cohort carve-out can split shared budgets",
    ),
    (
        "W-rule-G13",
        "contracting-model.md G13; seed 001 ch7",
        "a party moving from council terms to the NHS Standard Contract needs a checklist",
    ),
    (
        "W-rule-G14",
        "contracting-model.md G14; seed 001 ch9, ch13",
        "a voluntary-sector provider may need participation funding",
    ),
    (
        "W-rule-G17",
        "contracting-model.md G17; seed 001 ch7, ch11, ch13",
        "unanimity equalises but is slow: consider a majority fallback",
    ),
)
def judgement_calls(values: dict[str, Any], ck: Checker, path: str) -> None:
    """The guidance that is a judgement, not a rule: warnings with the seed reference."""
    plan = values.get("financial_plan") or {}
    if plan and plan.get("stress_tested") is not True:
        ck.warn(
            "W-rule-G6",
            "financial_plan.stress_tested",
            ck.at("financial_plan") or ck.at("financial_plan.stress_tested"),
            "the financial plan is not recorded as stress-tested",
            "cases A and C distrusted untested baselines (seed 001 ch10; guidance G6)",
        )
    if age_carve_out(str(dig(values, "population.cohort") or "")):
        ck.warn(
            "W-rule-G10",
            "population.cohort",
            ck.at("population.cohort"),
            "the population is an age carve-out",
            "case A found the over/under-65 budget split an unnecessary overhead (seed 001 ch10; guidance G10)",
        )
    for i, contract in enumerate(values.get("service_contracts") or []):
        if isinstance(contract, dict) and contract.get("transitioned_from") == "la_standard_terms":
            ck.warn(
                "W-rule-G13",
                f"service_contracts[{i}].transitioned_from",
                ck.at(f"service_contracts[{i}].transitioned_from"),
                "this provider moves from council terms to the NHS Standard Contract",
                "check payment timing, living-wage commitments and cash flow (seed 001 ch7; guidance G13)",
            )
    for i, party in enumerate(values.get("parties") or []):
        small = isinstance(party, dict) and party.get("kind") in ("third_sector", "charity")
        if (
            small
            and "provider" in (party.get("roles") or [])
            and "participation_funding" not in party
        ):
            ck.warn(
                "W-rule-G14",
                f"parties[{i}]",
                ck.at(f"parties[{i}]"),
                "a voluntary-sector provider with no decision on participation funding",
                "say participation_funding: true or false (seed 001 ch9, ch13; guidance G14)",
            )
    if dig(values, "governance.decision_rule") == "unanimous_only":
        ck.warn(
            "W-rule-G17",
            "governance.decision_rule",
            ck.at("governance.decision_rule"),
            "unanimity only: every Party can block a decision the Alliance needs",
            "consider unanimous_then_majority_if_decision_required (seed 001 ch7, ch11; guidance G17)",
        )


#: the age at which adult services begin: "adults aged 18 and over" is the whole adult
#: population, not a cohort cut out of it
AGE_OF_MAJORITY = 18
AGES = re.compile(
    r"\b(\d{1,3})\s*(?:to|-|–)\s*(\d{1,3})\b|"  # a range: 18 to 64
    r"\b(?:over|under|above|below)[\s-]+(\d{1,3})s?\b|"  # over 65, under-65s
    r"\b(\d{1,3})\s*(?:\+|and (?:over|under|above|older|younger)|or (?:over|under|older))|"
    r"\baged?\s+(\d{1,3})\b(?!\s*(?:to|-|–)\s*\d)"
)


def age_carve_out(cohort: str) -> bool:
    """Whether a population is cut by an age other than the start of adulthood (G10: case A's
    over/under-65 split)."""
    ages = {int(n) for match in AGES.finditer(cohort) for n in match.groups() if n}
    return bool(ages - {AGE_OF_MAJORITY})


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
        "partners": F(
            ListOf(Str(), min_items=1),
            hint="a GP partnership: the name of every partner (each executes a deed)",
        ),
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
        # a party's arrangement with itself (a council's in-house service level agreement): not a
        # contract, so not a Service Contract (E-sc-01)
        "internal": F(Bool(), hint="true for a party's own internal arrangement"),
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

PROCUREMENT = Map(
    {
        # the procurement rules that govern a change to the services (document-structures.md 5.5)
        "regimes": F(ListOf(Code(), min_items=1), required=True),
        "basis": F(Str(), required=True, hint="the ground on which the change is permitted"),
        "notice": F(Enum("published", "to_be_published", "not_required"), required=True),
        "notice_details": F(
            Str(), hint="when and where it was or will be published, or why none is needed"
        ),
        "responsible": F(ListOf(Ref("party"), min_items=1), required=True),
    }
)

#: How this deal varies an agreement already signed (read by `assemble vary`).
VARIATION = Map(
    {
        "date": F(Date(), required=True, hint="the Variation Date: when the changes take effect"),
        "made": F(Date(), hint="the date the deed is made (signed and delivered), if known"),
        "original_date": F(Date(), required=True, hint="the date written on the agreement"),
        "reasons": F(
            ListOf(Str(), min_items=1),
            required=True,
            hint="why the parties vary the agreement, one full sentence each (the deed's recitals)",
        ),
        "timing": F(Enum("prospective", "retrospective")),
        "services_change": F(Bool(), required=True),
        "power": F(Str(), hint="the slot of the agreement's variation clause (default variation)"),
        "procurement": F(PROCUREMENT),
        # a body abolished and its place taken by law (a CCG by an ICB on 1 July 2022 under the
        # Health and Care Act 2022): recited and read as the successor from that date, not
        # amended word by word
        "successions": F(
            ListOf(
                Map(
                    {
                        "party": F(Ref("party"), required=True, hint="the successor"),
                        "predecessor": F(
                            Str(), required=True, hint="its id in the agreement as signed"
                        ),
                        "instrument": F(
                            Str(), required=True, hint="the Act or transfer scheme that did it"
                        ),
                        "date": F(Date(), required=True, hint="the date the transfer took effect"),
                    }
                )
            )
        ),
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
    # judgement-call warnings (W-rule-...) the drafters have considered: rule id -> why it is fine
    "acknowledge": F(
        MapOf(
            Str(r"W-[a-z]+-[A-Za-z0-9]+", "a warning's rule id, such as W-rule-G10"),
            Str(),
        )
    ),
    # for `assemble vary`: the variation this deal sheet makes to the agreement as signed
    "variation": F(VARIATION),
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


@deal_rule(
    (
        "E-law-01",
        "clausebank/law.yaml; law-by-date.md",
        "a party's legal form is a body type not in force on the deal's effective date",
    ),
    (
        "E-law-02",
        "clausebank/law.yaml; law-by-date.md",
        "a procurement regime named is not in force on the date the deal applies it",
    ),
)
def law_in_force(values: dict[str, Any], ck: Checker, path: str) -> None:
    """A deal names only bodies and regimes in force on its date (the bank's register of law):
    a CCG in a 2026 agreement, or the 2013 NHS procurement regulations in a 2024 deed, is wrong,
    and the successor is the fix."""
    if ck.law is None:
        return
    # a deal as varied describes the agreement as it stands on the variation date: its parties
    # (a statutory successor among them) and regimes must exist then, not when it was signed
    applied = dig(values, "variation.date") or values.get("effective_date")
    if not isinstance(applied, dt.date):
        return
    for i, party in enumerate(values.get("parties") or []):
        kind = party.get("kind") if isinstance(party, dict) else None
        why = ck.law.not_in_force(kind, applied) if kind else None
        if why:
            where = f"parties[{i}].kind"
            ck.error(
                "E-law-01",
                where,
                ck.at(where),
                f"{kind} is not a body that exists on {applied}",
                why,
            )
    for key in ("procurement", "variation.procurement"):
        for i, regime in enumerate(dig(values, f"{key}.regimes") or []):
            why = ck.law.not_in_force(regime, applied) if isinstance(regime, str) else None
            if why:
                where = f"{key}.regimes[{i}]"
                ck.error(
                    "E-law-02", where, ck.at(where), f"{regime} is not in force on {applied}", why
                )


@deal_rule(
    (
        "E-rule-G15",
        "contracting-model.md G15; seed 001 ch7",
        "a party that both commissions and provides needs a conflicts of interest arrangement",
    )
)
def dual_role_conflicts_declared(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G15: the council in case A both commissioned and provided; conflicts were declared in
    writing (001 ch7). A dual-role party without a conflicts arrangement is an error."""
    arranged = dig(values, "governance.conflicts_of_interest") or values.get(
        "conflicts_of_interest"
    )
    for i, party in enumerate(values.get("parties") or []):
        roles = (party.get("roles") or []) if isinstance(party, dict) else []
        if {"commissioner", "provider"} <= set(roles) and not arranged:
            where = f"parties[{i}].roles"
            ck.error(
                "E-rule-G15",
                where,
                ck.at(where),
                f"{party.get('id')!r} both commissions and provides, but the deal has no "
                "conflicts of interest arrangement",
                "add conflicts_of_interest: {declaration, handled_by} (seed 001 ch7; guidance G15)",
            )


@deal_rule(
    (
        "E-sc-01",
        "document-structures.md A; seed 001 ch5, ch7",
        "a party's own internal arrangement is not a Service Contract",
    )
)
def internal_arrangements_marked(values: dict[str, Any], ck: Checker, path: str) -> None:
    """A party cannot contract with itself: a council commissioning its own provider arm does so
    under an internal arrangement, which cannot be made to prevail over the agreement as a
    Service Contract."""
    for i, contract in enumerate(values.get("service_contracts") or []):
        if not isinstance(contract, dict) or contract.get("internal"):
            continue
        if contract.get("commissioner") == contract.get("provider"):
            where = f"service_contracts[{i}].provider"
            ck.error(
                "E-sc-01",
                where,
                ck.at(where),
                f"{contract.get('provider')!r} cannot have a Service Contract with itself",
                "mark it internal: true (a party's own arrangement, listed apart from the Service "
                "Contracts), or name the other party",
            )
