"""Criteria coverage: which clause of this document satisfies each contracting criterion.

A deal lists the criteria its document must satisfy (``criteria:``), or takes its document type's
default set (``criteria:`` in the outline). The matrix is what ``assemble check`` prints, what a
final build enforces, and what the optional criteria schedule sets out in the document itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assembler.plan.planner import Plan


@dataclass(frozen=True)
class Row:
    criterion: str
    name: str
    required: bool
    #: (number, title, clause id) of each clause that satisfies it: "7", "Decision-making", ...
    clauses: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.clauses)


def coverage(plan: Plan, required: list[str], names: dict[str, str]) -> list[Row]:
    """One row per required criterion, then one per other criterion the document happens to meet."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for pc in plan.clauses + plan.schedules:
        for criterion in dict.fromkeys(c.split(".")[0] for c in pc.criteria):
            found.setdefault(criterion, []).append((pc.number, pc.title, pc.clause_id))
    rows = [Row(c, names.get(c, c), True, found.get(c, [])) for c in dict.fromkeys(required)]
    rows += [
        Row(c, names.get(c, c), False, clauses)
        for c, clauses in sorted(found.items())
        if c not in required
    ]
    return rows
