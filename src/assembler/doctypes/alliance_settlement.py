"""The alliance agreement's settlement rules: money and risk that no one Party can overturn or
block (issue 21; guidance G3, G12, G17, G28; seed 001 ch8, ch10, ch11)."""

from __future__ import annotations

from typing import Any

from assembler.core.ruleids import deal_rule
from assembler.core.schema import Checker
from assembler.deal.rulekinds import dig
from assembler.doctypes.alliance import is_number, items_of, parties_of, reporter

# -- Money and risk that no one Party can overturn or block: a cap on each share of an overspend,
#    the Commissioners' gain share divided between them, gains and losses only for the Parties that
#    take part in them, and a settlement a unanimous board cannot stall (issue 21; guidance G3, G12,
#    G17, G28; seed 001 ch8, ch10, ch11). The keys are in types/alliance_agreement/schema.yaml.


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
    report, level = reporter(values, ck)
    rule = f"{level}-money-04"
    sharing = {p.get("id") for p in parties_of(values) if p.get("shares_losses") is True}
    capped: set[Any] = set()
    for i, cap in items_of(share.get("caps")):
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
    report, level = reporter(values, ck)
    rule = "E-money-05" if level == "E" else "W-money-06"
    commissioners = {
        p.get("id") for p in parties_of(values) if "commissioner" in (p.get("roles") or [])
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
    for i, item in items_of(split):
        if item.get("party") not in commissioners:
            report(
                rule,
                f"{where}[{i}].party",
                ck.at(f"{where}[{i}].party"),
                f"{item.get('party')!r} takes a Commissioners' share but is not a Commissioner",
                "name only parties with the role commissioner",
            )
    shares = [item.get("pct") for _, item in items_of(split)]
    numbers = [s for s in shares if is_number(s)]
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
        outside = {p.get("id") for p in parties_of(values) if p.get(flag) is False}
        for dotted in paths:
            for i, item in items_of(dig(values, dotted)):
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
    report, level = reporter(values, ck)
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
