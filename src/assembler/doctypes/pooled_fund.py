"""Rules of a pooled fund (NHS Act 2006 s75), named by ``python: pooled_fund_rules`` in a document
type's ``rules.yaml``: the section 75 agreement's schema and outline are data in the bank
(``types/section_75_agreement/``); these checks read across the deal sheet, so they are Python.

Seed 002 ch3, "Checklist for pooling budgets": each partner's contributions, the host and the
manager of the pooled budget, and the risk share.
"""

from __future__ import annotations

from typing import Any

from assembler.core.ruleids import deal_rule
from assembler.core.schema import Checker, is_placeholder
from assembler.deal.types import dig

#: Bodies that may be partners to a section 75 arrangement: NHS bodies and local authorities
#: (NHS Act 2006 s75; SI 2000/617 reg 3; document-structures.md 4.2).
NHS_BODIES = ("icb", "ccg", "nhs_trust", "nhs_foundation_trust", "nhs_england")
PARTNER_KINDS = (*NHS_BODIES, "local_authority")


@deal_rule(
    (
        "E-pool-01",
        "seed 002 ch3 (Checklist for pooling budgets)",
        "the partners' contributions add up to the pooled fund for each year",
    ),
    (
        "E-pool-02",
        "document-structures.md 4.2; seed 002 ch3",
        "the host partner holds the role host",
    ),
    (
        "E-pool-03",
        "document-structures.md 4.2",
        "the pooled fund manager is an officer of the host partner",
    ),
    (
        "E-pool-04",
        "NHS Act 2006 s75; SI 2000/617; document-structures.md 4.2",
        "the partners are NHS bodies and local authorities, with at least one of each",
    ),
    (
        "E-pool-05",
        "seed 002 ch3",
        "a split share names each partner once and adds up to 100 per cent",
    ),
)
def pooled_fund_rules(values: dict[str, Any], ck: Checker, path: str) -> None:
    """A pooled fund's rules: the contributions add up each year, the host holds the role host and
    employs the manager, the partners are NHS bodies and local authorities, a split adds up to 100."""
    _contributions_add_up(values, ck)
    parties = {p.get("id"): p for p in values.get("parties") or [] if isinstance(p, dict)}
    host = dig(values, "pooled_fund.host")
    if host in parties and "host" not in (parties[host].get("roles") or []):
        ck.error(
            "E-pool-02",
            "pooled_fund.host",
            ck.at("pooled_fund.host"),
            f"{host!r} hosts the pooled fund but does not have the role host",
            f"add host to the roles of {host!r}",
        )
    employer = dig(values, "pooled_fund.manager.employer")
    if host in parties and employer in parties and employer != host:
        where = "pooled_fund.manager.employer"
        ck.error(
            "E-pool-03",
            where,
            ck.at(where),
            "the pooled fund manager must be an officer of the host partner",
            f"set it to {host!r}, the host (the host holds and accounts for the pooled fund)",
        )
    _partners_eligible(list(parties.values()), ck)
    for key in ("benefits.sharing", "risks.sharing"):
        _split_adds_up(dig(values, key), key, ck)


def _contributions_add_up(values: dict[str, Any], ck: Checker) -> None:
    for i, year in enumerate(dig(values, "pooled_fund.years") or []):
        if not isinstance(year, dict):
            continue
        amounts: list[Any] = [
            c.get("amount") for c in year.get("contributions") or [] if isinstance(c, dict)
        ]
        total = year.get("total")
        if is_placeholder(total) or any(is_placeholder(a) or a is None for a in amounts):
            continue
        if isinstance(total, int | float) and abs(sum(amounts) - total) > 0.005:
            where = f"pooled_fund.years[{i}].total"
            ck.error(
                "E-pool-01",
                where,
                ck.at(where),
                f"the contributions for {year.get('year')} add up to £{sum(amounts):,}, not £{total:,}",
                "correct a contribution or the total (seed 002 ch3: respective financial contributions)",
            )


def _partners_eligible(parties: list[dict[str, Any]], ck: Checker) -> None:
    for i, party in enumerate(parties):
        if party.get("kind") not in PARTNER_KINDS:
            where = f"parties[{i}].kind"
            ck.error(
                "E-pool-04",
                where,
                ck.at(where),
                f"a {party.get('kind')} cannot be a partner to a section 75 arrangement",
                "only NHS bodies and local authorities may pool funds under section 75 (NHS Act 2006)",
            )
    kinds = {p.get("kind") for p in parties}
    if parties and (not kinds & set(NHS_BODIES) or "local_authority" not in kinds):
        ck.error(
            "E-pool-04",
            "parties",
            ck.at("parties"),
            "a section 75 arrangement is between at least one NHS body and one local authority",
            "add the missing partner (NHS Act 2006 s75; document-structures.md 4.2)",
        )


def _split_adds_up(share: Any, key: str, ck: Checker) -> None:
    if not isinstance(share, dict) or share.get("basis") != "split":
        return
    split = [s for s in share.get("split") or [] if isinstance(s, dict)]
    pcts: list[Any] = [s.get("pct") for s in split]
    ids = [s.get("party") for s in split]
    unknown = any(is_placeholder(p) or p is None for p in pcts)
    if not split or len(set(ids)) != len(ids) or not unknown and abs(sum(pcts) - 100) > 0.005:
        where = f"{key}.split"
        ck.error(
            "E-pool-05",
            where,
            ck.at(where) or ck.at(key),
            "a split share needs each partner once, adding up to 100 per cent",
            "list {party, pct} for each partner sharing, adding up to 100",
        )
