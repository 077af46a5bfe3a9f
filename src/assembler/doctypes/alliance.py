"""The alliance agreement's deal sheet (contracting-model.md section 7.1; document-structures.md A)."""

from __future__ import annotations

from typing import Any, cast

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
    Money,
    Percent,
    Ref,
    Str,
)
from assembler.doctypes.common import (
    COMMON,
    GOVERNANCE,
    PARTY,
    PAYMENT,
    SERVICE_CONTRACT,
    TERM,
    codes,
    date_order,
    deferred_mechanisms_have_a_fallback,
    dig,
    dual_role_conflicts_declared,
    has_commissioner,
    internal_arrangements_marked,
    judgement_calls,
    law_in_force,
    open_book_subject_to_competition_law,
    review_dates_after_start,
    service_contracts_prevail,
)


def _extend(spec: Map, **fields: F) -> Map:
    """A shared map with the alliance agreement's own extra keys (the shared one is unchanged)."""
    return Map({**spec.fields, **fields}, rules=spec.rules)


#: Periods in the alliance clauses are whole numbers in a unit the key names (`_months`,
#: `_business_days`); like any scalar they may be a "[number]" placeholder until agreed.
ALLIANCE_PARTY = _extend(
    PARTY,
    notice_contact=F(
        Str(), hint="the person (name and email address) who receives notices for the party"
    ),
)
COI = cast(Map, GOVERNANCE.fields["conflicts_of_interest"].spec)
ALLIANCE_GOVERNANCE = _extend(
    GOVERNANCE,
    conflicts_of_interest=F(
        _extend(
            COI,
            review_frequency=F(
                Str(),
                hint="how often the conflicts of interest protocol is reviewed, e.g. 'every year'",
            ),
        )
    ),
    programme_manager=F(
        Map(
            {
                "reports_to": F(
                    Ref("body"), hint="the body the Alliance Programme Manager reports to"
                ),
                "hosted_by": F(Ref("party"), hint="the party that employs or hosts the manager"),
                "cost_sharing": F(
                    Str(), hint="how the cost is shared, e.g. 'equally between the Parties'"
                ),
            }
        )
    ),
    majority_vote=F(
        Map(
            {
                "threshold": F(
                    Code(),
                    hint="the majority for a vote when unanimity fails (vocabulary), "
                    "e.g. simple_majority_of_members",
                ),
                "need_decided_by": F(
                    Str(),
                    hint="who decides that the board must come to a decision, e.g. 'the chair'",
                ),
            }
        )
    ),
    protocol_due_months=F(
        Int(minimum=1),
        hint="months after the Commencement Date to approve the non-adoption protocol",
    ),
    reserved_matters_joint_decision=F(
        Code(),
        hint="how a reserved matter that concerns several Commissioners is decided (vocabulary), "
        "e.g. jointly_by_commissioners_concerned",
    ),
    quorum=F(
        Str(),
        hint="when a meeting of the leadership board is quorate, e.g. 'every Party is present'",
    ),
    minutes_within_business_days=F(
        Int(minimum=1), hint="Business Days within which minutes are circulated"
    ),
)
OUTCOME_DOMAINS = (
    "preventing_premature_death",
    "enhancing_quality_of_life",
    "positive_experience_of_care",
    "maximum_self_care_and_independence",
    "peaceful_death",
)

# -- risk and reward, outcome payments, liability alternatives (contracting-model.md 7.2, 2.14,
#    2.15; guidance G3, G4, G7-G9, G11, G12, G26-G28) ------------------------------------------

#: Each named party's share of an amount, in per cent ("[share]" while it is not agreed).
SPLIT = ListOf(
    Map({"party": F(Ref("party"), required=True), "pct": F(Percent(), required=True)}),
    min_items=1,
)

RISK_SHARE = Map(
    {
        "funding_envelope": F(
            Str(),
            required=True,
            hint="what the Funding Envelope is, e.g. 'the budget for the Alliance Services in "
            "the Financial Plan'",
        ),
        "basis": F(
            Enum("split", "formula", "principles_only"),
            required=True,
            hint="how an overspend is shared between the risk-sharing parties (guidance G3)",
        ),
        "split": F(SPLIT, hint="each risk-sharing party's share of an overspend, in per cent"),
        "formula": F(Str(), hint="how an overspend is shared, when basis is formula"),
        "principles": F(codes(), hint="the financial principles the Parties apply (vocabulary)"),
        "envelope_reopener": F(
            Map(
                {
                    "threshold_pct": F(
                        Percent(),
                        hint="how far demand must exceed the activity and financial plan (G11)",
                    ),
                    "measured_over": F(
                        Str(), hint="the period demand is measured over, e.g. 'a financial year'"
                    ),
                    "commissioner_commitment": F(
                        Enum("reconsider", "fund_excess"),
                        hint="what the Commissioners commit to when the reopener is met (G27)",
                    ),
                    "response_business_days": F(
                        Int(minimum=1),
                        hint="Business Days within which the Commissioners give their decision",
                    ),
                }
            )
        ),
        "year_end_reconciliation": F(
            Map(
                {
                    "payments": F(
                        Code(), hint="how Providers are paid during the year (vocabulary)"
                    ),
                    "in_year_frequency": F(
                        Str(), hint="how often variances are reconciled, e.g. 'every quarter'"
                    ),
                    "in_year_covers": F(codes(), hint="what the in-year reconciliation covers"),
                    "due_months": F(
                        Int(minimum=1),
                        hint="months after each financial year by which it is reconciled",
                    ),
                    "settlement_business_days": F(
                        Int(minimum=1),
                        hint="Business Days within which an amount due under it is paid",
                    ),
                }
            )
        ),
        "gain_pool": F(
            Map(
                {
                    "first_year": F(Code(), hint="what happens to a first-year gain (vocabulary)"),
                    "decided_by": F(Ref("body"), hint="the body that decides how a gain is used"),
                    "priority_use": F(
                        Str(), hint="whom a gain is first used for, after 'for the benefit of'"
                    ),
                    "remainder": F(
                        Map(
                            {
                                "commissioners_pct": F(Percent(), required=True),
                                "providers_pct": F(Percent(), required=True),
                                "commissioner_use": F(Str(), hint="after 'to be used for'"),
                                "provider_use": F(Str(), hint="after 'to be used for'"),
                                "providers_division": F(
                                    Str(), hint="how the Providers' share is divided between them"
                                ),
                            }
                        )
                    ),
                    "low_demand_underspend": F(
                        Code(), hint="what happens to an underspend caused by low demand (G12)"
                    ),
                }
            )
        ),
    }
)

OUTCOME = Map(
    {
        "id": F(Id("outcome"), required=True),
        "name": F(Str(), required=True),
        "status": F(
            Enum("incentivised", "monitor_only"),
            required=True,
            hint="incentivised outcomes affect payment; monitor_only outcomes are only reported",
        ),
        "sub_areas": F(ListOf(Str())),
        "measure": F(Str()),
        "target": F(Str()),
        "weighting_pct": F(Percent(), hint="its share of the Outcome Payment, in per cent"),
        "modifier": F(Str()),
        "baseline": F(Str()),
        "data_source": F(Str()),
        "time_lag": F(Str(), hint="when it is first measured, e.g. 'from the second year'"),
        "responsible": F(Ref("party"), hint="the Party that measures and reports it"),
    }
)

OUTCOME_PAYMENTS = Map(
    {
        "share_of_contract_value_pct": F(Percent(), required=True),
        "value_gbp": F(Money(), hint="the Outcome Payment a year, in pounds"),
        "start_year": F(Int(minimum=1), hint="the year of this Agreement in which it starts"),
        "funding_source": F(Code(), required=True, hint="new_money, cquin or top_slice (G7)"),
        "painshare_equals_gainshare": F(Bool()),
        "provider_split": F(SPLIT, hint="each Provider's share of gainshare and painshare"),
        "painshare_split": F(
            SPLIT,
            hint="the risk-sharing Providers' shares of painshare, where not every Provider in "
            "provider_split shares risk",
        ),
        "split_basis": F(Str(), hint="what the split is based on"),
        "modifier": F(
            Map(
                {
                    "max_pct": F(Percent(), required=True),
                    "applied_by": F(Ref("party"), required=True),
                    "trigger": F(Str(), required=True, hint="after 'where it finds'"),
                }
            )
        ),
        "painshare_vehicle": F(Code(), hint="how painshare is paid (vocabulary)"),
        "assessment": F(Str(), hint="when performance is assessed and paid"),
        "selection_tests": F(codes(), hint="the tests an incentivised outcome must pass (G8)"),
        "recalibration": F(
            Map({"approved_by": F(Ref("body"), required=True), "grounds": F(codes())}),
            hint="the formal recalibration procedure (G7)",
        ),
        "outcomes": F(ListOf(OUTCOME, min_items=1), required=True),
    }
)

LIABILITY = Map(
    {
        "non_clinical_parties": F(
            ListOf(Ref("party"), min_items=1),
            hint="parties with no clinical responsibility, e.g. an industry partner (000 Table 4)",
        ),
        "cap_gbp": F(Money(), hint="each Party's total liability in a financial year"),
        "party_caps": F(
            ListOf(
                Map({"party": F(Ref("party"), required=True), "cap_gbp": F(Money(), required=True)})
            ),
            hint="a different cap for a named party",
        ),
        "uncapped": F(codes(), hint="liabilities the cap does not apply to (vocabulary)"),
    }
)


def _report(values: dict[str, Any], ck: Checker) -> tuple[Any, str]:
    """G3/G4 block a final document; a deal marked `status: draft` gets warnings instead."""
    return (ck.warn, "W") if values.get("status") == "draft" else (ck.error, "E")


@deal_rule(
    (
        "E-rule-G4",
        "contracting-model.md G4; seed 001 ch13",
        "in a risk share every provider says whether it shares risk (a warning while the deal's "
        "status is draft)",
    ),
    (
        "E-rule-G3",
        "contracting-model.md G3; seed 001 ch8, ch10, ch11",
        "a provider outside the risk share gives its reason; the loss-sharing parties are named "
        "and only they take a share, which adds up to 100",
    ),
    (
        "W-rule-G4",
        "contracting-model.md G4; seed 001 ch13",
        "E-rule-G4 in a deal whose status is draft",
    ),
    (
        "W-rule-G3",
        "contracting-model.md G3; seed 001 ch8",
        "a risk share on principles only, with no split or formula (or E-rule-G3 in a draft deal)",
    ),
)
def risk_share_parties_stated(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G3/G4: in a risk share every provider says whether it shares losses, and one that does not
    says why; the split names only parties that share (001 ch10, ch11, ch13)."""
    share = values.get("risk_share")
    if not isinstance(share, dict):
        return
    report, level = _report(values, ck)
    sharing = set()
    for i, party in enumerate(values.get("parties") or []):
        if not isinstance(party, dict):
            continue
        flag = party.get("risk_share_participant")
        if flag is True:
            sharing.add(party.get("id"))
        if "provider" not in (party.get("roles") or []):
            continue
        where = f"parties[{i}]"
        if flag is None:
            report(
                f"{level}-rule-G4",
                where,
                ck.at(where),
                f"provider {party.get('id')!r} does not say whether it shares risk",
                "add risk_share_participant: true or false, and a reason if false "
                "(drafting guidance G3, G4; seed 001 ch13)",
            )
        elif flag is False and not party.get("reason"):
            where += ".risk_share_participant"
            report(
                f"{level}-rule-G3",
                where,
                ck.at(where),
                f"provider {party.get('id')!r} does not share risk but gives no reason",
                "add reason: why it cannot share losses, e.g. a restriction on spending charitable "
                "funds (drafting guidance G3; seed 001 ch10)",
            )
    if not sharing:
        report(
            f"{level}-rule-G3",
            "risk_share",
            ck.at("risk_share"),
            "no party shares losses (risk_share_participant: true)",
            "name the loss-sharing parties (drafting guidance G3)",
        )
    basis = share.get("basis")
    if basis in ("split", "formula") and not share.get(basis):
        report(
            f"{level}-rule-G3",
            "risk_share.basis",
            ck.at("risk_share.basis"),
            f"the basis is {basis} but the deal gives no {basis}",
            f"give risk_share.{basis} (drafting guidance G3)",
        )
    if basis == "principles_only":
        ck.warn(
            "W-rule-G3",
            "risk_share.basis",
            ck.at("risk_share.basis"),
            "the risk share rests on principles only, with no split or formula",
            "agree a split or a formula before signature (drafting guidance G3; seed 001 ch8)",
        )
    for j, item in enumerate(share.get("split") or []):
        if isinstance(item, dict) and item.get("party") not in sharing:
            where = f"risk_share.split[{j}].party"
            report(
                f"{level}-rule-G3",
                where,
                ck.at(where),
                f"{item.get('party')!r} takes a share of losses but is not a risk-sharing party",
                "set its risk_share_participant: true, or remove it from the split",
            )
    _adds_to_100(share.get("split"), ck, "risk_share.split", f"{level}-rule-G3", report)


def _adds_to_100(split: Any, ck: Checker, where: str, rule: str, report: Any) -> None:
    shares = [item.get("pct") for item in split or [] if isinstance(item, dict)]
    numbers = [s for s in shares if isinstance(s, int | float) and not isinstance(s, bool)]
    if shares and len(numbers) == len(shares) and sum(numbers) != 100:
        report(rule, where, ck.at(where), f"the shares add up to {sum(numbers)}, not 100")


@deal_rule(
    (
        "E-rule-G9",
        "contracting-model.md G9; seed 001 ch10",
        "an incentivised outcome has a baseline, a data source, a time lag and a responsible party",
    ),
    (
        "E-rule-G7",
        "contracting-model.md G7; seed 001 ch8",
        "the Providers' shares of the outcome payment add up to 100",
    ),
)
def incentivised_outcomes_measured(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G7/G9: an outcome that affects payment needs a baseline, a data source, a time lag and a
    responsible party, or it cannot be paid on fairly (001 ch10, ch11)."""
    pay = values.get("outcome_payments")
    if not isinstance(pay, dict):
        return
    for i, outcome in enumerate(pay.get("outcomes") or []):
        if not isinstance(outcome, dict) or outcome.get("status") == "monitor_only":
            continue
        needed = ("baseline", "data_source", "time_lag", "responsible")
        missing = [key for key in needed if outcome.get(key) is None]
        if missing:
            where = f"outcome_payments.outcomes[{i}]"
            ck.error(
                "E-rule-G9",
                where,
                ck.at(where),
                f"incentivised outcome {outcome.get('id')!r} has no {', '.join(missing)}",
                "give each incentivised outcome a baseline, data_source, time_lag and "
                "responsible party, or make it status: monitor_only (drafting guidance G7, G9)",
            )
    _adds_to_100(
        pay.get("provider_split"), ck, "outcome_payments.provider_split", "E-rule-G7", ck.error
    )


@deal_rule(
    (
        "E-rule-G11",
        "contracting-model.md G11; seed 001 ch8",
        "an envelope reopener states the demand threshold that triggers it",
    )
)
def reopener_has_threshold(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G11: an envelope reopener is triggered by demand above plan by a stated percentage."""
    reopener = dig(values, "risk_share.envelope_reopener")
    if isinstance(reopener, dict) and reopener.get("threshold_pct") is None:
        where = "risk_share.envelope_reopener"
        ck.error(
            "E-rule-G11",
            where,
            ck.at(where),
            "an envelope reopener needs the demand threshold that triggers it",
            "add threshold_pct, e.g. 10 (drafting guidance G11; seed 001 ch8)",
        )


@deal_rule(
    (
        "E-rule-G12",
        "contracting-model.md G12; seed 001 ch8",
        "the split of what remains of a gain pool adds up to 100",
    )
)
def gain_pool_remainder_adds_up(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G12: what is left of a gain pool after its priority use is split in full."""
    rest = dig(values, "risk_share.gain_pool.remainder")
    if not isinstance(rest, dict):
        return
    shares = [rest.get("commissioners_pct"), rest.get("providers_pct")]
    numbers = [s for s in shares if isinstance(s, int | float) and not isinstance(s, bool)]
    if len(numbers) == 2 and sum(numbers) != 100:
        where = "risk_share.gain_pool.remainder"
        ck.error(
            "E-rule-G12",
            where,
            ck.at(where),
            f"the Commissioners' and Providers' shares add up to {sum(numbers)}, not 100",
            "make them add up to 100 (drafting guidance G12)",
        )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@deal_rule(
    (
        "E-money-01",
        "contracting-model.md G7; seed 001 ch8, ch10",
        "the weightings of the incentivised outcomes add up to 100",
    ),
    (
        "E-money-02",
        "seed 001 ch8 (1% of the value of the service contracts)",
        "an amount the deal types beside a percentage equals that percentage of the value it is of",
    ),
    (
        "E-money-03",
        "contracting-model.md G3; seed 001 ch10, ch11",
        "a Provider outside the risk share takes no share of painshare",
    ),
)
def money_adds_up(values: dict[str, Any], ck: Checker, path: str) -> None:
    """Figures that follow from others must agree with them, and losses fall only on the
    Parties that share them (001 ch10: the third-sector providers could not return money)."""
    pay = values.get("outcome_payments")
    if not isinstance(pay, dict):
        return
    paid = [o for o in pay.get("outcomes") or [] if isinstance(o, dict)]
    weights = [o.get("weighting_pct") for o in paid if o.get("status") == "incentivised"]
    numbers = [w for w in weights if isinstance(w, int | float) and not isinstance(w, bool)]
    if weights and len(numbers) == len(weights) and sum(numbers) != 100:
        ck.error(
            "E-money-01",
            "outcome_payments.outcomes",
            ck.at("outcome_payments.outcomes"),
            f"the weightings of the incentivised outcomes add up to {sum(numbers)}, not 100",
            "make the weighting_pct of the incentivised outcomes add up to 100",
        )
    pct, typed, base = (
        pay.get("share_of_contract_value_pct"),
        pay.get("value_gbp"),
        dig(values, "value.year1_gbp"),
    )
    if _number(pct) and _number(typed) and _number(base) and round(base * pct / 100) != typed:
        computed = round(base * pct / 100)
        ck.error(
            "E-money-02",
            "outcome_payments.value_gbp",
            ck.at("outcome_payments.value_gbp"),
            f"£{typed:,} is not {pct} per cent of the value of the Service Contracts "
            f"(£{base:,}): that is £{computed:,}",
            "remove value_gbp (the document computes it) or correct value.year1_gbp",
        )
    if not pay.get("painshare_equals_gainshare"):
        return
    outside = {
        p.get("id")
        for p in values.get("parties") or []
        if isinstance(p, dict) and p.get("risk_share_participant") is False
    }
    key = "painshare_split" if pay.get("painshare_split") else "provider_split"
    for i, item in enumerate(pay.get(key) or []):
        if isinstance(item, dict) and item.get("party") in outside:
            where = f"outcome_payments.{key}[{i}].party"
            ck.error(
                "E-money-03",
                where,
                ck.at(where),
                f"{item.get('party')!r} does not share risk but would pay a share of painshare",
                "give painshare_split: the shares of painshare of the risk-sharing Providers only "
                "(drafting guidance G3)",
            )
    _adds_to_100(
        pay.get("painshare_split"), ck, "outcome_payments.painshare_split", "E-money-03", ck.error
    )


#: The four tests an incentivised outcome must pass (001 ch10, case B; guidance G8).
SELECTION_TESTS = (
    "helps_achieve_overall_outcomes",
    "incentive_changes_behaviour_without_perverse_incentives",
    "feasible_verifiable_not_open_to_manipulation",
    "data_collection_justified",
)
#: A deal this large with a risk share on principles alone is the pairing G24 warns about
#: (001 ch13: case B's small, bounded arrangement (£12m) was easier to agree than case A's £200m).
LARGE_DEAL_GBP = 100_000_000


@deal_rule(
    (
        "E-rule-G8",
        "contracting-model.md G8; seed 001 ch10",
        "incentivised outcomes are chosen by the four selection tests",
    ),
    (
        "W-rule-G20",
        "contracting-model.md G20; seed 001 ch5",
        "the leadership board's meeting frequency is stated (governance burden)",
    ),
    (
        "W-rule-G21",
        "contracting-model.md G21; seed 001 ch11, ch13",
        "risk-share principles are paired with a concrete mechanism",
    ),
    (
        "W-rule-G24",
        "contracting-model.md G24; seed 001 ch13",
        "a large deal with a risk share on principles only",
    ),
    (
        "W-rule-G27",
        "contracting-model.md G27; seed 001 ch11, ch13",
        "a risk share that states no risk exposure of the Commissioners (no envelope reopener)",
    ),
    (
        "W-rule-G28",
        "contracting-model.md G28; seed 001 ch11",
        "a risk share with no year-end reconciliation order",
    ),
)
def seeds_guidance(values: dict[str, Any], ck: Checker, path: str) -> None:
    """More of the seeds' guidance: outcome selection tests (G8), governance burden (G20),
    principles with mechanisms (G21), scale (G24), commissioner exposure (G27), the year-end
    reconciliation order (G28)."""
    pay = values.get("outcome_payments")
    if isinstance(pay, dict) and any(
        isinstance(o, dict) and o.get("status") == "incentivised" for o in pay.get("outcomes") or []
    ):
        missing = [t for t in SELECTION_TESTS if t not in (pay.get("selection_tests") or [])]
        if missing:
            where = "outcome_payments.selection_tests"
            ck.error(
                "E-rule-G8",
                where,
                ck.at(where) or ck.at("outcome_payments"),
                f"incentivised outcomes without the selection tests {', '.join(missing)}",
                "list all four selection_tests (seed 001 ch10; guidance G8)",
            )
    if isinstance(values.get("governance"), dict) and not dig(
        values, "governance.meeting_frequency"
    ):
        ck.warn(
            "W-rule-G20",
            "governance",
            ck.at("governance"),
            "the governance does not say how often the leadership board meets",
            "give governance.meeting_frequency (seed 001 ch5; guidance G20)",
        )
    share = values.get("risk_share")
    if not isinstance(share, dict):
        return
    mechanisms = [
        k for k in ("envelope_reopener", "year_end_reconciliation", "gain_pool") if share.get(k)
    ]
    checks = (
        (
            "W-rule-G21",
            share.get("principles") and not mechanisms,
            "the risk share states principles but no mechanism to carry them out",
            "add a year_end_reconciliation, envelope_reopener or gain_pool (guidance G21)",
        ),
        (
            "W-rule-G24",
            share.get("basis") == "principles_only"
            and _number(dig(values, "value.year1_gbp"))
            and dig(values, "value.year1_gbp") >= LARGE_DEAL_GBP,
            "a deal of this value shares risk on principles only",
            "agree a split or formula, or start smaller and bounded (seed 001 ch13; guidance G24)",
        ),
        (
            "W-rule-G27",
            not share.get("envelope_reopener"),
            "the risk share states no risk the Commissioners bear (no envelope reopener)",
            "add risk_share.envelope_reopener, so 'risk share' is not overstated (guidance G27)",
        ),
        (
            "W-rule-G28",
            not share.get("year_end_reconciliation"),
            "the risk share has no year-end reconciliation",
            "add risk_share.year_end_reconciliation: underspends offset overspends first "
            "(seed 001 ch11; guidance G28)",
        ),
    )
    for rule, fires, message, hint in checks:
        if fires:
            ck.warn(rule, "risk_share", ck.at("risk_share"), message, hint)


ALLIANCE_AGREEMENT = Map(
    {
        **COMMON,
        "population": F(
            Map(
                {
                    "cohort": F(Str(), required=True),
                    "estimated_size": F(Int()),
                    "eligibility_criteria": F(Str()),
                }
            ),
            required=True,
        ),
        "services_in_scope": F(ListOf(Code(), min_items=1), required=True),
        "services_excluded": F(
            ListOf(Str()), hint="services expressly outside the Alliance, one per item"
        ),
        "parties": F(ListOf(ALLIANCE_PARTY, min_items=2), required=True),
        "service_contracts": F(ListOf(SERVICE_CONTRACT)),
        "precedence": F(ListOf(Enum("service_contract", "alliance_agreement"))),
        "nhs_contract_status": F(
            Enum("nhs_contract", "not_nhs_contract"),
            hint="whether, between the Parties that are health service bodies, this Agreement is "
            "an NHS contract under section 9 of the NHS Act 2006 (take advice)",
        ),
        "service_operations_manual": F(
            Map(
                {
                    "required": F(Bool()),
                    "holds": F(codes()),
                    "change_flow": F(Code()),
                    "approved_by": F(
                        Ref("body"), hint="the body that approves changes to the manual"
                    ),
                }
            )
        ),
        "value": F(Map({"year1_gbp": F(Money()), "basis": F(Str())})),
        "term": F(
            _extend(
                TERM,
                extension_decision_months=F(
                    Int(minimum=1),
                    hint="months before the term ends by which the leadership board recommends "
                    "whether to extend",
                ),
                review_frequency=F(
                    Str(), hint="how often an open-ended Alliance is reviewed, e.g. 'every year'"
                ),
                end_notice_months=F(
                    Int(minimum=1), hint="months of notice of a decision to end this Agreement"
                ),
                extensions_max=F(Int(minimum=1), hint="how many extensions may be made"),
                extension_decided_by=F(
                    Enum("all_parties", "commissioners"), hint="who decides an extension"
                ),
                extension_notice_months=F(
                    Int(minimum=1),
                    hint="months before the term ends by which an extension must be notified",
                ),
            ),
            required=True,
        ),
        "governance": F(ALLIANCE_GOVERNANCE, required=True),
        "information_sharing": F(
            Map(
                {
                    "open_book": F(Bool()),
                    "subject_to_competition_law": F(Bool()),
                    "procurement_safeguards": F(codes()),
                    "barrier_arrangements": F(
                        Str(),
                        hint="the information-barrier arrangements agreed on competition law "
                        "advice under which Providers may exchange sensitive information",
                    ),
                    "confidentiality_years": F(
                        Int(minimum=1),
                        hint="years for which confidentiality continues after the Agreement ends",
                    ),
                }
            )
        ),
        "data_protection": F(
            Map(
                {
                    "sharing_agreements": F(
                        ListOf(Str()), hint="the data-sharing agreement(s) for the Alliance"
                    ),
                    "breach_notice_hours": F(
                        Int(minimum=1),
                        hint="hours within which a Party tells the others of a personal data breach",
                    ),
                }
            )
        ),
        "intellectual_property": F(
            Map(
                {
                    "not_shared": F(
                        ListOf(Str()),
                        hint="materials the Parties do not intend to share (000 Table 4), one per "
                        "item",
                    ),
                    "host": F(Ref("party"), hint="the party that holds Foreground IP for all"),
                    "income_share": F(
                        Str(), hint="how income from exploiting jointly held IP is shared"
                    ),
                }
            )
        ),
        "insurance": F(
            Map(
                {
                    "cover": F(
                        ListOf(Str()),
                        hint="the insurance or indemnity cover each Party must hold, one per item",
                    )
                }
            )
        ),
        "dispute_resolution": F(codes()),
        "disputes": F(
            Map(
                {
                    "stage_business_days": F(
                        Int(minimum=1),
                        hint="Business Days allowed for each stage of the disputes ladder",
                    ),
                    "facilitator_appointed_by": F(
                        Str(),
                        hint="who appoints the independent facilitator if the Parties cannot agree",
                    ),
                }
            )
        ),
        "joining": F(
            Map(
                {
                    "eligibility": F(
                        ListOf(Str()),
                        hint="what a joining organisation must do or be, each after 'must'",
                    )
                }
            )
        ),
        "leaving": F(
            Map({"notice_months": F(Int(minimum=1), hint="months of notice to leave the Alliance")})
        ),
        "suspension": F(
            Map(
                {
                    "review_after_months": F(
                        Int(minimum=1),
                        hint="months of suspension after which the board must recommend "
                        "resuming, changing or ending the Alliance",
                    )
                }
            )
        ),
        "exit_plan": F(
            Map(
                {
                    "also_covers": F(
                        ListOf(Str()),
                        hint="further responsibilities the exit plan must allocate, one per item",
                    )
                }
            )
        ),
        "notices": F(
            Map(
                {
                    "email_received": F(
                        Str(),
                        hint="when an email notice is treated as received, "
                        "e.g. 'at 9am on the next Business Day after it is sent'",
                    )
                }
            )
        ),
        "non_compliance": F(
            Map(
                {
                    "trigger": F(Code()),
                    "sanction": F(Code()),
                    "linked_service_contract_termination": F(Code()),
                    "cure_period_business_days": F(
                        Int(minimum=1),
                        hint="Business Days a Party has to put a Wilful Default right",
                    ),
                    "exclusion_threshold": F(
                        Code(),
                        hint="the vote of the other Parties needed to exclude a Party (vocabulary), "
                        "e.g. all_other_parties",
                    ),
                }
            )
        ),
        "roles": F(Map({"commissioners": F(codes()), "providers": F(codes())})),
        "payment": F(PAYMENT),
        "financial_plan": F(
            Map(
                {
                    "jointly_developed": F(Bool()),
                    "stress_tested": F(Bool(), hint="whether the plan must be stress tested (G6)"),
                    "due_by": F(Date(), hint="the date by which every Party approves the plan"),
                    "stress_test_scenarios": F(
                        ListOf(Str()), hint="the scenarios the plan is tested against, one per item"
                    ),
                    "review_frequency": F(
                        Str(), hint="how often the plan is reviewed, e.g. 'every quarter'"
                    ),
                }
            )
        ),
        "participation_funding": F(
            Map(
                {
                    "purpose": F(Str(), hint="what the funding is for, after 'to'"),
                    "funded_by": F(Str(), hint="the Party or Parties that provide it"),
                    "amount_gbp": F(Money(), hint="the amount a year, in pounds"),
                }
            ),
            hint="funding for parties marked participation_funding: true (guidance G14)",
        ),
        "outcomes": F(
            Map(
                {
                    "count_identified": F(Int()),
                    "year1_service_aims": F(codes()),
                    "domains": F(
                        ListOf(Enum(*OUTCOME_DOMAINS)),
                        hint="the joint outcome domains of the outcomes framework (000 Table 1)",
                    ),
                    "measures_held_in": F(
                        Str(),
                        hint="where the outcome measures are recorded, "
                        "e.g. 'the Service Operations Manual'",
                    ),
                }
            )
        ),
        "planning": F(
            Map(
                {
                    "first_work_programme_due": F(
                        Date(), hint="the date by which the first annual work programme is approved"
                    ),
                    "work_programme_months_before_year": F(
                        Int(minimum=1),
                        hint="months before each Financial Year by which its work programme is "
                        "approved",
                    ),
                }
            )
        ),
        "performance": F(
            Map(
                {
                    "framework_due": F(
                        Date(), hint="the date by which the Performance Framework is approved"
                    ),
                    "reporting_frequency": F(
                        Str(), hint="how often performance is reported, e.g. 'every quarter'"
                    ),
                }
            )
        ),
        "communications": F(
            Map(
                {
                    "lead": F(
                        Ref("body", "party"), hint="the body or Party that co-ordinates them"
                    ),
                    "plan_due_months": F(
                        Int(minimum=1),
                        hint="months after the Commencement Date to approve the plan",
                    ),
                    "statement_notice_business_days": F(
                        Int(minimum=1),
                        hint="Business Days' notice of a public statement about the Alliance",
                    ),
                }
            ),
            hint="include the communications and engagement clause (000 Table 2)",
        ),
        "branding": F(
            Map(
                {
                    "name": F(Str(), hint="the shared name of the integrated service"),
                    "held_by": F(Ref("party"), hint="the party that holds the name for all"),
                }
            ),
            hint="include the joint identity and publicity clause (000 Table 3)",
        ),
        "innovation": F(
            Map(
                {
                    "local_change_limit_gbp": F(
                        Money(), hint="the most a local change may cost a year without approval"
                    ),
                    "pilot_max_months": F(Int(minimum=1), hint="the longest a pilot may run"),
                    "partners": F(
                        ListOf(Str()),
                        hint="academic and innovation partners, e.g. the local AHSN",
                    ),
                }
            ),
            hint="include the local autonomy and innovation clause (000 Table 3)",
        ),
        "plain_english_summary": F(
            Bool(), hint="add a plain-English summary schedule (000 Table 4, plain language)"
        ),
        "savings_ambition": F(
            Map(
                {
                    "pct_range": F(ListOf(Percent(), min_items=2)),
                    "horizon": F(Code()),
                }
            )
        ),
        "liability": F(LIABILITY),
        "risk_share": F(RISK_SHARE, hint="include the risk-share clauses (guidance G3, G11, G12)"),
        "outcome_payments": F(
            OUTCOME_PAYMENTS, hint="include outcome payments and the outcomes schedule (G7-G9)"
        ),
    },
    rules=[
        review_dates_after_start,
        service_contracts_prevail,
        has_commissioner,
        open_book_subject_to_competition_law,
        date_order(("effective_date", "payment.deferred_mechanism_deadline")),
        risk_share_parties_stated,
        incentivised_outcomes_measured,
        reopener_has_threshold,
        gain_pool_remainder_adds_up,
        money_adds_up,
        seeds_guidance,
        dual_role_conflicts_declared,
        deferred_mechanisms_have_a_fallback,
        judgement_calls,
        law_in_force,
        internal_arrangements_marked,
    ],
)
