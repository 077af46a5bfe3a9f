"""The section 75 pooled-fund agreement's deal sheet, until the engine reads schemas from the bank.

The data of this document type lives in the house bank, `types/section_75_agreement/` (outline,
JSON Schema and declarative rules); this module mirrors `schema.yaml` and `rules.yaml` as the
engine's Python literal so the type builds today. It holds nothing the YAML does not: delete it when
the engine reads `types/<document_type>/` (issue 16).

Seed 002 ch3, "Checklist for pooling budgets": the joint funding agreement documents the aims,
outcomes and functions, the benefits, the risks, each partner's contributions and non-financial
resources, the management of the pooled budget, its duration and review, and the technical
matters (VAT, complaints, disputes, risk share).
"""

from __future__ import annotations

from typing import Any

from assembler.core.schema import (
    Checker,
    Enum,
    F,
    Int,
    ListOf,
    Map,
    Money,
    Percent,
    Ref,
    Str,
    is_placeholder,
)
from assembler.doctypes.common import COMMON, PARTY, deal_rule, dig, law_in_force

#: Bodies that may be partners to a section 75 arrangement: NHS bodies and local authorities
#: (NHS Act 2006 s75; SI 2000/617 reg 3; document-structures.md 4.2).
NHS_BODIES = ("icb", "ccg", "nhs_trust", "nhs_foundation_trust", "nhs_england")
PARTNER_KINDS = (*NHS_BODIES, "local_authority")
SHARE_BASES = ("pro_rata_to_contributions", "equal", "split")

TEXTS = ListOf(Str(), min_items=1)

CONTRIBUTION = Map(
    {
        "party": F(Ref("party"), required=True),
        "amount": F(Money(), required=True, hint="the partner's contribution for the year, in £"),
    }
)

YEAR = Map(
    {
        "year": F(Str(), required=True, hint='the financial year, for example "2027/28"'),
        "total": F(
            Money(), required=True, hint="the pooled fund for the year: contributions add up to it"
        ),
        "contributions": F(ListOf(CONTRIBUTION, min_items=1), required=True),
    }
)

POOLED_FUND = Map(
    {
        "name": F(Str(), required=True, hint="the scheme's name, for example the Better Care Fund"),
        "host": F(
            Ref("party"), required=True, hint="the host partner, which holds the pooled fund"
        ),
        "manager": F(
            Map(
                {
                    "title": F(
                        Str(), required=True, hint='the officer\'s title, "Pooled Fund Manager"'
                    ),
                    "employer": F(Ref("party"), required=True, hint="the host partner"),
                }
            ),
            required=True,
        ),
        "years": F(ListOf(YEAR, min_items=1), required=True),
        "non_financial_resources": F(
            ListOf(
                Map(
                    {
                        "party": F(Ref("party"), required=True),
                        "resource": F(Str(), required=True, hint="staff, premises, systems ..."),
                    }
                )
            )
        ),
        "reporting_frequency": F(Str(), required=True, hint="002 ch3: at least every quarter"),
        "auditor": F(Str(), hint="the host partner's external auditor"),
    }
)

SHARE = Map(
    {
        "basis": F(Enum(*SHARE_BASES), required=True),
        "split": F(
            ListOf(
                Map({"party": F(Ref("party"), required=True), "pct": F(Percent(), required=True)})
            ),
            hint="with basis split: each partner's percentage, adding up to 100",
        ),
        "cap": F(Str(), hint="a limit on a partner's share, for example its contribution"),
    }
)

SECTION_75_AGREEMENT = Map(
    {
        **COMMON,
        "parties": F(ListOf(PARTY, min_items=2), required=True),
        "aims": F(
            TEXTS, required=True, hint="what the pooled fund is for (002 ch3: from the JSNA)"
        ),
        "outcomes": F(TEXTS, required=True),
        "needs_assessment": F(Str(), hint="the joint strategic needs assessment the aims rest on"),
        "functions": F(
            Map({"nhs": F(TEXTS, required=True), "health_related": F(TEXTS, required=True)}),
            required=True,
            hint="the NHS functions and the health-related local authority functions covered",
        ),
        "services": F(TEXTS, required=True, hint="the services the pooled fund pays for"),
        "benefits": F(
            Map(
                {
                    "expected": F(
                        ListOf(
                            Map(
                                {
                                    "benefit": F(Str(), required=True),
                                    "measure": F(Str(), required=True),
                                    "realised_by": F(Str(), hint="when or how it is realised"),
                                }
                            ),
                            min_items=1,
                        ),
                        required=True,
                    ),
                    "sharing": F(SHARE, required=True, hint="how gains are shared"),
                }
            ),
            required=True,
        ),
        "risks": F(
            Map(
                {
                    "key": F(
                        ListOf(
                            Map(
                                {
                                    "risk": F(Str(), required=True),
                                    "owner": F(Ref("party"), hint="the partner that manages it"),
                                    "management": F(Str(), required=True),
                                    "mitigation": F(Str()),
                                }
                            ),
                            min_items=1,
                        ),
                        required=True,
                    ),
                    "sharing": F(SHARE, required=True, hint="how overspends are shared"),
                }
            ),
            required=True,
        ),
        "pooled_fund": F(POOLED_FUND, required=True),
        "governance": F(
            Map(
                {
                    "board": F(
                        Map(
                            {
                                "name": F(Str(), required=True, hint="the board's name"),
                                "membership": F(Str(), required=True),
                                "meets": F(Str(), required=True, hint="how often it meets"),
                            }
                        ),
                        required=True,
                    )
                }
            ),
            required=True,
        ),
        "term": F(
            Map(
                {
                    "initial_years": F(Int(minimum=1), required=True),
                    "renewal_years": F(Int(minimum=1), hint="each renewal after the initial term"),
                    "termination_notice_months": F(Int(minimum=1), required=True),
                }
            ),
            required=True,
        ),
    },
)


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
    """The rules of `types/section_75_agreement/rules.yaml`, in Python until the engine reads it."""
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


SECTION_75_AGREEMENT.rules = [pooled_fund_rules, law_in_force]
SECTION_75_AGREEMENT.starter = {
    ("parties[]", 2): {"kind": "local_authority", "roles": "[commissioner, host]"},
}
