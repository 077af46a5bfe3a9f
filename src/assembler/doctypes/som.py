"""The service operations manual's deal sheet (contracting-model.md 3.1; document-structures.md B).

The manual holds the detail of service provision and budgets for the services an alliance covers;
changes to service provision are recorded in it first, and the Service Contracts are then varied
where the alliance decides (seed 001 ch7). It is subordinate to the alliance agreement and the
Service Contracts, and it is adopted by an alliance body rather than signed by the parties.

Rules (each a located error):

- ``E-rule-G1``: ``precedence``, when given, is the Service Contracts, then the agreement, then the
  manual (guidance G1; 001 ch7); without it the manual states that order.
- Guidance G9 (001 ch10) by required keys: every key performance indicator has a baseline, a data
  source, a time lag and a responsible party (``E-key-02`` names the one missing).
- ``E-rule-G16``: open-book sharing is subject to competition law (shared with the agreement).
- ``E-rule-SOM1``: the last entry of the revision history is the current version, in force on the
  manual's effective date.
- ``E-date-01``: the manual takes effect on or after the agreement's date; its review date and the
  change log's dates are in order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assembler.core.schema import (
    Checker,
    is_placeholder,
)
from assembler.deal.rulekinds import dig

FREQUENCIES = ("weekly", "monthly", "quarterly", "six-monthly", "annually")
G9 = "give it, or a placeholder in square brackets (drafting guidance G9; 001 ch10)"


#: the only order of precedence the manual may state (guidance G1; 001 ch7)
PRECEDENCE = ["service_contract", "alliance_agreement", "service_operations_manual"]


def manual_is_last(values: dict[str, Any], ck: Checker, path: str) -> None:
    """G1: the Service Contracts prevail over the agreement, and both prevail over the manual."""
    order = values.get("precedence")
    if not order or any(not isinstance(o, str) or is_placeholder(o) for o in order):
        return
    if order != PRECEDENCE:
        ck.error(
            "E-rule-G1",
            "precedence",
            ck.at("precedence"),
            "the Service Contracts prevail over the alliance agreement, and both prevail over "
            "the manual",
            "write [" + ", ".join(PRECEDENCE) + "], or leave the key out "
            "(drafting guidance G1; seed 001 ch7)",
        )


def history_ends_with_this_version(values: dict[str, Any], ck: Checker, path: str) -> None:
    """The revision history's last entry is this version, in force on the effective date."""
    control = values.get("document_control") or {}
    history = [h for h in control.get("revision_history") or [] if isinstance(h, dict)]
    if not history:
        return
    last = history[-1]
    where = f"document_control.revision_history[{len(history) - 1}]"
    version, listed = control.get("version"), last.get("version")
    if (
        isinstance(version, str)
        and isinstance(listed, str)
        and not is_placeholder(version)
        and not is_placeholder(listed)
        and version != listed
    ):
        ck.error(
            "E-rule-SOM1",
            where,
            ck.at(where),
            f"the last revision is version {listed!r}, but document_control.version is {version!r}",
            "add a revision entry for this version, or correct the version",
        )
    start, dated = values.get("effective_date"), last.get("date")
    if isinstance(start, dt.date) and isinstance(dated, dt.date) and dated > start:
        ck.error(
            "E-rule-SOM1",
            f"{where}.date",
            ck.at(f"{where}.date"),
            f"the current version is dated {dated.isoformat()}, after the manual's "
            f"effective_date ({start.isoformat()})",
            "a version is approved on or before the date it takes effect",
        )


def effective_on_or_after_agreement(values: dict[str, Any], ck: Checker, path: str) -> None:
    agreed, start = dig(values, "alliance_agreement.date"), values.get("effective_date")
    if isinstance(agreed, dt.date) and isinstance(start, dt.date) and start < agreed:
        ck.error(
            "E-date-01",
            "effective_date",
            ck.at("effective_date"),
            f"the manual cannot take effect ({start.isoformat()}) before the alliance agreement "
            f"is dated ({agreed.isoformat()})",
            "check the dates",
        )


def change_log_in_order(values: dict[str, Any], ck: Checker, path: str) -> None:
    previous = None
    for i, entry in enumerate(values.get("change_log") or []):
        dated = entry.get("date") if isinstance(entry, dict) else None
        if not isinstance(dated, dt.date):
            continue
        if previous and dated < previous:
            where = f"change_log[{i}].date"
            ck.error(
                "E-date-01",
                where,
                ck.at(where),
                f"{dated.isoformat()} is earlier than the entry before it ({previous.isoformat()})",
                "keep the change log in date order, oldest first",
            )
        previous = dated
