"""The alliance agreement's drafting rules (contracting-model.md section 7.1; document-structures.md
A): the risk share and outcome payments, and the helpers the other alliance modules share
(:mod:`alliance_settlement`, :mod:`alliance_guidance`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeGuard

from assembler.core.ruleids import deal_rule
from assembler.core.schema import Checker
from assembler.deal.rulekinds import dig


def reporter(values: dict[str, Any], ck: Checker) -> tuple[Any, str]:
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
    report, level = reporter(values, ck)
    sharing = _loss_sharers(values, ck)
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
    adds_to_100(share.get("split"), ck, "risk_share.split", f"{level}-rule-G3", report)


def _loss_sharers(values: dict[str, Any], ck: Checker) -> set[Any]:
    """The ids of the parties that share losses; G3/G4 reported for each provider that does not
    say whether it does, or says not without a reason."""
    report, level = reporter(values, ck)
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
    return sharing


def adds_to_100(split: Any, ck: Checker, where: str, rule: str, report: Any) -> None:
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
    adds_to_100(
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


def is_number(value: Any) -> TypeGuard[float]:
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
    if is_number(pct) and is_number(typed) and is_number(base) and round(base * pct / 100) != typed:
        computed = round(base * pct / 100)
        ck.error(
            "E-money-02",
            "outcome_payments.value_gbp",
            ck.at("outcome_payments.value_gbp"),
            f"£{typed:,} is not {pct} per cent of the value of the Service Contracts "
            f"(£{base:,}): that is £{computed:,}",
            "remove value_gbp (the document computes it) or correct value.year1_gbp",
        )
    _painshare_on_sharers(values, pay, ck)


def _painshare_on_sharers(values: dict[str, Any], pay: dict[str, Any], ck: Checker) -> None:
    """E-money-03: where painshare mirrors gainshare, only the risk-sharing Parties pay it."""
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
    adds_to_100(
        pay.get("painshare_split"), ck, "outcome_payments.painshare_split", "E-money-03", ck.error
    )


def parties_of(values: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from (p for p in values.get("parties") or [] if isinstance(p, dict))


def items_of(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    yield from ((i, v) for i, v in enumerate(value or []) if isinstance(v, dict))
