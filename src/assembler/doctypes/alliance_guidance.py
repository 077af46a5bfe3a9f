"""The alliance agreement's rules from the seeds' drafting guidance, and how it ends
(contracting-model.md 7.1, G8, G18, G24; seed 001 ch7, ch10, ch13)."""

from __future__ import annotations

from typing import Any

from assembler.core.ruleids import deal_rule
from assembler.core.schema import Checker
from assembler.deal.rulekinds import dig
from assembler.doctypes.alliance import is_number

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
    _risk_share_guidance(values, ck)


# -- Ending an alliance as a Commissioner reserved matter: only on a minimum notice, with an exit
#    plan agreed within it (issue 21; seed 001 ch7, the Template's reserved matters; guidance G18).


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@deal_rule(
    (
        "E-exit-01",
        "seed 001 ch7 (Template reserved matters); contracting-model.md G18",
        "ending the Alliance as a Commissioner reserved matter needs a minimum notice period "
        "(term.end_notice_months) and an exit plan timetable (exit_plan.agreed_within_months)",
    ),
    (
        "E-exit-02",
        "seed 001 ch7; contracting-model.md G18",
        "the exit plan is agreed within the notice period of a decision to end the Alliance",
    ),
)
def termination_has_notice_and_exit_time(values: dict[str, Any], ck: Checker, path: str) -> None:
    """Commissioners may end a ten-year alliance under a reserved matter, but not overnight: the
    notice the term clause gives (`term.end_notice_months`) applies to their decision too, and the
    exit plan must be agreed within it, or services cannot be handed over in an orderly way."""
    notice, within = (
        dig(values, "term.end_notice_months"),
        dig(values, "exit_plan.agreed_within_months"),
    )
    commissioners = any(
        isinstance(p, dict) and "commissioner" in (p.get("roles") or [])
        for p in values.get("parties") or []
    )
    reserved = "termination_of_alliance" in (dig(values, "governance.reserved_matters") or [])
    if commissioners and reserved:
        for key, value, what in (
            ("term.end_notice_months", notice, "minimum notice period"),
            ("exit_plan.agreed_within_months", within, "exit plan timetable"),
        ):
            if value is None:
                where = "governance.reserved_matters"
                ck.error(
                    "E-exit-01",
                    where,
                    ck.at(where),
                    f"ending the Alliance is a reserved matter with no {what} ({key})",
                    f"give {key}, so the Commissioners cannot end the Alliance without notice",
                )
    if _whole(notice) and _whole(within) and within >= notice:
        where = "exit_plan.agreed_within_months"
        ck.error(
            "E-exit-02",
            where,
            ck.at(where),
            f"the exit plan is due {within} months after a notice to end, but the notice is "
            f"{notice} months",
            "agree the exit plan within the notice period (a shorter agreed_within_months)",
        )


def _risk_share_guidance(values: dict[str, Any], ck: Checker) -> None:
    """G21, G24, G27, G28: a risk share with the mechanisms that carry it out."""
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
            and is_number(dig(values, "value.year1_gbp"))
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
