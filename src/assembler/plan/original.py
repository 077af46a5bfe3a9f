"""What a deed of variation knows of the agreement it varies: its title, date and numbering.

The deed's clauses refer to the original by its own numbers ("clause 21 of the Agreement"), so the
original deal sheet is planned (not rendered) and its clause numbers are offered to the deed's
clauses as ``original.ref('clause-id')``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assembler.bank.clausebank import ClauseBank
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.deal.sheet import Deal
from assembler.plan.planner import Plan


def original_agreement(
    deal: Deal, plan_of: Callable[[Path, Path | None], Plan], bank: ClauseBank
) -> dict[str, Any]:
    """The ``original`` name of a deed of variation's clauses. Its numbers come from the lock
    when one is named (the agreement as signed, or as an earlier deed varied it), else from
    planning the original deal sheet with today's bank."""
    source = deal.data["original"]
    key = "lock" if "lock" in source else "deal"
    path = (deal.path.parent / source[key]).resolve()
    if not path.is_file():
        raise AssemblerError(
            Diagnostic(
                "E-var-01",
                f"original.{key}: no file at {path}",
                hint="give the path of the original agreement's deal sheet (or lock), relative to this one",
                **deal.where(f"original.{key}"),
            )
        )
    sheet = (deal.path.parent / source["deal"]).resolve()
    # a lock's numbers, from the deal sheet named beside it (the one a signed .docx carried)
    plan = plan_of(path, sheet if key == "lock" and sheet.is_file() else None)
    return {
        "title": plan.title,
        "date": source["date"],
        "short_name": plan.short_name,
        "deal_id": plan.deal_id,
        "ref": _referrer(plan, path),
        # its defined terms: the deed uses them without defining them again
        "terms": _terms(plan, bank),
        "clauses": [
            {"id": pc.clause_id, "slot": pc.slot, "number": pc.number, "title": pc.title}
            for pc in plan.clauses + plan.schedules
            if pc.clause_id
        ],
    }


def _referrer(plan: Plan, path: Path) -> Callable[[str], str]:
    """``original.ref``: a clause of the original agreement (planned from ``path``) by its number."""
    numbers = {pc.clause_id: pc.number for pc in plan.clauses + plan.schedules if pc.clause_id}
    slots = {pc.slot: pc.number for pc in plan.clauses + plan.schedules if pc.clause_id}

    def ref(clause_or_slot: str) -> str:
        """ "clause 21" / "Schedule 2" of the original agreement, by clause id or outline slot."""
        number = numbers.get(clause_or_slot) or slots.get(clause_or_slot)
        if number is None:
            raise AssemblerError(
                Diagnostic(
                    "E-var-02",
                    f"the original agreement has no clause {clause_or_slot!r}",
                    str(path),
                    hint="use a clause id or outline slot of the original agreement",
                )
            )
        return number if number.startswith("Schedule") else f"clause {number}"

    return ref


def _terms(plan: Plan, bank: ClauseBank) -> list[str]:
    """The terms the original agreement's clauses define, sorted."""
    return sorted(
        {
            term
            for pc in plan.all_clauses()
            if pc.clause_id and pc.clause_id in bank.clauses
            for term in bank.clause(pc.clause_id).definitions(pc.version)
        }
    )
