"""The alliance agreement's deal sheet (contracting-model.md section 7.1; document-structures.md A)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeGuard

from assembler.core.ruleids import deal_rule
from assembler.core.schema import (
    Checker,
)
from assembler.deal.rulekinds import dig

# -- risk and reward, outcome payments, liability alternatives (contracting-model.md 7.2, 2.14,
#    2.15; guidance G3, G4, G7-G9, G11, G12, G26-G28) ------------------------------------------


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
        flag = party.get("shares_losses")
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
                "add shares_losses: true or false, and a reason if false "
                "(drafting guidance G3, G4; seed 001 ch13)",
            )
        elif flag is False and not party.get("reason"):
            where += ".shares_losses"
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
            "no party shares losses (shares_losses: true)",
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
                "set its shares_losses: true, or remove it from the split",
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


def _number(value: Any) -> TypeGuard[float]:
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
        if isinstance(p, dict) and p.get("shares_losses") is False
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


# -- Money and risk that no one Party can overturn or block: a cap on each share of an overspend,
#    the Commissioners' gain share divided between them, gains and losses only for the Parties that
#    take part in them, and a settlement a unanimous board cannot stall (issue 21; guidance G3, G12,
#    G17, G28; seed 001 ch8, ch10, ch11). The keys are in types/alliance_agreement/schema.yaml.


def _parties(values: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from (p for p in values.get("parties") or [] if isinstance(p, dict))


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    yield from ((i, v) for i, v in enumerate(value or []) if isinstance(v, dict))


@deal_rule(
    (
        "E-money-04",
        "contracting-model.md G3; seed 001 ch10, ch11",
        "each Risk Sharing Party's share of an overspend has a cap, or is uncapped by choice "
        "(a warning while the deal's status is draft)",
    ),
    (
        "W-money-04",
        "contracting-model.md G3; seed 001 ch11",
        "E-money-04 in a deal whose status is draft",
    ),
    (
        "W-money-05",
        "contracting-model.md G3, G27; seed 001 ch11, ch13",
        "a Risk Sharing Party's share of an overspend is uncapped by choice",
    ),
)
def overspend_shares_capped(values: dict[str, Any], ck: Checker, path: str) -> None:
    """An uncapped share of an overspend is an open-ended liability no board would sign off
    unawares (001 ch11: the providers' exposure was untested): each Risk Sharing Party has a cap,
    or the deal says `uncapped: true` and the build warns."""
    share = values.get("risk_share")
    if not isinstance(share, dict):
        return
    report, level = _report(values, ck)
    rule = f"{level}-money-04"
    sharing = {p.get("id") for p in _parties(values) if p.get("shares_losses") is True}
    capped: set[Any] = set()
    for i, cap in _items(share.get("caps")):
        where = f"risk_share.caps[{i}]"
        who = cap.get("party")
        capped.add(who)
        if who not in sharing:
            report(
                rule,
                f"{where}.party",
                ck.at(f"{where}.party"),
                f"{who!r} has a cap but does not share overspends",
                "cap only the parties with shares_losses: true",
            )
        has_cap, uncapped = cap.get("cap_gbp") is not None, cap.get("uncapped") is True
        if has_cap == uncapped:
            report(
                rule,
                where,
                ck.at(where),
                f"{who!r} needs either cap_gbp or uncapped: true"
                + (", not both" if has_cap else ""),
                "give the most it pays towards overspends in a year (cap_gbp), or choose "
                "uncapped: true",
            )
        elif uncapped:
            ck.warn(
                "W-money-05",
                f"{where}.uncapped",
                ck.at(f"{where}.uncapped"),
                f"{who!r} has no limit on its share of an overspend",
                "agree a cap_gbp, or acknowledge W-money-05 with the reason the Parties accept it",
            )
    for who in sorted(str(p) for p in sharing - capped):
        report(
            rule,
            "risk_share",
            ck.at("risk_share.caps") or ck.at("risk_share"),
            f"the share of an overspend of Risk Sharing Party {who!r} has no cap",
            f"add risk_share.caps: - {{party: {who}, cap_gbp: ...}} (or uncapped: true)",
        )


@deal_rule(
    (
        "E-money-05",
        "contracting-model.md G12; seed 001 ch8",
        "the Commissioners' share of a gain is divided between the Commissioners, in shares that "
        "add up to 100 (a warning while the deal's status is draft)",
    ),
    (
        "W-money-06",
        "contracting-model.md G12; seed 001 ch8",
        "E-money-05 in a deal whose status is draft",
    ),
)
def commissioners_gain_divided(values: dict[str, Any], ck: Checker, path: str) -> None:
    """With more than one Commissioner, "50 per cent to the Commissioners" (001 ch8) does not
    say who gets what: the division is part of the deal."""
    rest = dig(values, "risk_share.gain_pool.remainder")
    if not isinstance(rest, dict):
        return
    report, level = _report(values, ck)
    rule = "E-money-05" if level == "E" else "W-money-06"
    commissioners = {
        p.get("id") for p in _parties(values) if "commissioner" in (p.get("roles") or [])
    }
    split = rest.get("commissioners_split")
    where = "risk_share.gain_pool.remainder.commissioners_split"
    if len(commissioners) > 1 and not split and rest.get("commissioners_pct") != 0:
        report(
            rule,
            "risk_share.gain_pool.remainder",
            ck.at("risk_share.gain_pool.remainder"),
            f"the Commissioners' share is not divided between the {len(commissioners)} "
            "Commissioners",
            "add commissioners_split: each Commissioner's share of it, in per cent",
        )
    for i, item in _items(split):
        if item.get("party") not in commissioners:
            report(
                rule,
                f"{where}[{i}].party",
                ck.at(f"{where}[{i}].party"),
                f"{item.get('party')!r} takes a Commissioners' share but is not a Commissioner",
                "name only parties with the role commissioner",
            )
    shares = [item.get("pct") for _, item in _items(split)]
    numbers = [s for s in shares if _number(s)]
    if shares and len(numbers) == len(shares) and sum(numbers) != 100:
        report(rule, where, ck.at(where), f"the shares add up to {sum(numbers):g}, not 100")


#: Where a deal allocates a gain to named parties (gainshare, the gain pool's remainder).
GAIN_SPLITS = (
    "outcome_payments.provider_split",
    "risk_share.gain_pool.remainder.commissioners_split",
)
#: Where a deal allocates a loss to named parties.
LOSS_SPLITS = ("risk_share.split", "risk_share.caps", "outcome_payments.painshare_split")


@deal_rule(
    (
        "E-money-07",
        "contracting-model.md G3; seed 001 ch10",
        "a party that takes no part in gains (or in losses) is named in no clause that allocates "
        "them",
    )
)
def participation_honoured(values: dict[str, Any], ck: Checker, path: str) -> None:
    """`shares_gains: false` and `shares_losses: false` hold in every split
    the deal gives (E-money-03 covers painshare that mirrors gainshare)."""
    checks = (
        ("shares_gains", GAIN_SPLITS, "gains"),
        ("shares_losses", LOSS_SPLITS, "losses"),
    )
    for flag, paths, what in checks:
        outside = {p.get("id") for p in _parties(values) if p.get(flag) is False}
        for dotted in paths:
            for i, item in _items(dig(values, dotted)):
                if item.get("party") in outside:
                    where = f"{dotted}[{i}].party"
                    ck.error(
                        "E-money-07",
                        where,
                        ck.at(where),
                        f"{item.get('party')!r} takes no part in {what} but is given a share here",
                        f"remove it, or set its {flag}: true",
                    )


@deal_rule(
    (
        "E-money-08",
        "contracting-model.md G17, G28; seed 001 ch7, ch11",
        "a year-end settlement that needs a unanimous board has a majority or "
        "expert-determination fallback (a warning while the deal's status is draft)",
    ),
    (
        "W-money-08",
        "contracting-model.md G17, G28; seed 001 ch11",
        "E-money-08 in a deal whose status is draft",
    ),
)
def settlement_not_blockable(values: dict[str, Any], ck: Checker, path: str) -> None:
    """Under `unanimous_only` every settlement step needs every Party, so any one of them can
    stop the money moving (001 ch11: year one was agreed at the last minute, on goodwill)."""
    share = values.get("risk_share")
    if not isinstance(share, dict) or dig(values, "governance.decision_rule") != "unanimous_only":
        return
    steps = share.get("year_end_reconciliation") or share.get("gain_pool")
    fallback = share.get("settlement_fallback")
    report, level = _report(values, ck)
    if steps and not fallback:
        report(
            f"{level}-money-08",
            "risk_share",
            ck.at("risk_share"),
            "every settlement step needs a unanimous board, so any one Party can block payment",
            "add risk_share.settlement_fallback: {method: majority} or {method: "
            "expert_determination, expert_appointed_by: ...} (guidance G17, G28)",
        )
    if (
        isinstance(fallback, dict)
        and fallback.get("method") == "expert_determination"
        and not fallback.get("expert_appointed_by")
    ):
        where = "risk_share.settlement_fallback"
        report(
            f"{level}-money-08",
            where,
            ck.at(where),
            "expert determination needs someone to appoint the expert if the Parties do not "
            "agree one",
            "add expert_appointed_by",
        )


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
