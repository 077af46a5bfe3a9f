"""Schema pieces and rules that more than one document type shares."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assembler.core.ruleids import deal_rule
from assembler.core.schema import (
    Checker,
)
from assembler.deal.rulekinds import dig

DATES = deal_rule(
    ("E-date-01", "engine", "a later date in the deal sheet is not after an earlier one")
)


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


#: The keys only some legal forms take, by legal form: a key another form uses is an error at
#: the key (a university has no company number; only a GP partnership has
#: partners). A form not listed takes none of them.
FORM_KEYS: dict[str, frozenset[str]] = {
    "company": frozenset({"registration", "witness", "legal_form"}),
    "community_interest_company": frozenset({"registration", "witness"}),
    "charity": frozenset({"registration", "legal_form", "witness"}),
    "cio": frozenset({"registration"}),
    "third_sector": frozenset({"registration", "legal_form", "witness"}),
    "gp_federation": frozenset({"registration", "legal_form", "witness"}),
    "gp_partnership": frozenset({"partners"}),
    "university": frozenset({"constitution"}),
}
#: Keys some legal form takes: only these are the legal form's business. Every other key of a
#: party is the document type's (its schema.yaml refuses one it does not know), so a key a
#: document type adds to its parties never needs listing here.
FORM_ONLY_KEYS = frozenset().union(*FORM_KEYS.values())

#: The hint for a key a legal form requires.
FORM_HINTS = {
    "partners": "a GP partnership: the name of every partner (each executes a deed)",
    "constitution": "a university: higher_education_corporation or chartered_body",
}


#: Keys a legal form cannot do without: a GP partnership names its partners (each executes a
#: deed), a university says how it is incorporated (its description and seal follow from it).
FORM_REQUIRED: dict[str, tuple[str, ...]] = {
    "gp_partnership": ("partners",),
    "university": ("constitution",),
}


@deal_rule(
    (
        "E-key-01",
        "the document type's schema; templates/legal-forms.yaml",
        "a key the schema does not have, or one the party's legal form does not take",
    ),
    (
        "E-key-02",
        "the document type's schema; law-by-date.md (Executing a deed)",
        "a required key is missing (some are required by a party's legal form)",
    ),
)
def keys_fit_the_legal_form(values: dict[str, Any], ck: Checker, path: str) -> None:
    """A key of another legal form is an error at the key, not ignored: a university given a
    company number would print "with company number"; a partnership's partners on a company would
    be dropped silently."""
    kind = values.get("kind")
    if not isinstance(kind, str):
        return
    allowed = FORM_KEYS.get(kind, frozenset())
    for key in values:
        if key in FORM_ONLY_KEYS and key not in allowed:
            where = f"{path}.{key}"
            takes = sorted(FORM_KEYS.get(kind, ())) or ["none beyond those every party has"]
            ck.error(
                "E-key-01",
                where,
                ck.at(where),
                f"unknown key for a party of legal form {kind}",
                f"a {kind} takes: {', '.join(takes)}",
            )
    for key in FORM_REQUIRED.get(kind, ()):
        if key not in values:
            where = f"{path}.{key}"
            ck.error(
                "E-key-02",
                where,
                ck.at(path),
                f"is required for a party of legal form {kind}",
                FORM_HINTS.get(key),
            )
    if (
        values.get("clinical_responsibility") == "some_services"
        and "clinical_services" not in values
    ):
        where = f"{path}.clinical_services"
        ck.error(
            "E-key-02",
            where,
            ck.at(f"{path}.clinical_responsibility"),
            "is required when clinical_responsibility is some_services",
            "list the services the party is clinically responsible for",
        )
