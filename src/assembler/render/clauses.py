"""Clause bodies: each planned clause's fragment rendered through Jinja into WordprocessingML
blocks, with what it read and found returned beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from lxml import etree

from assembler.bank.clausebank import ClauseBank
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml import provisions
from assembler.oxml.body import parse_blocks
from assembler.oxml.numbering import Numbering
from assembler.oxml.tables import complete_tables
from assembler.plan.planner import Plan, PlannedClause
from assembler.render.templates import Sandbox, Trace

E: TypeAlias = etree._Element


@dataclass
class Bodies:
    """Every clause body of a plan, by slot, and what rendering each found (which deal values
    each clause read, say), in document order."""

    blocks: dict[str, list[E]] = field(default_factory=dict)
    traces: dict[str, Trace] = field(default_factory=dict)

    def trace(self) -> Trace:
        """What rendering all the bodies found, in document order."""
        merged = Trace()
        for trace in self.traces.values():
            merged.add(trace)
        return merged


def clause_bodies(plan: Plan, bank: ClauseBank, sandbox: Sandbox) -> Bodies:
    """The body of every planned clause (a place a variation emptied has none)."""
    found = Bodies()
    for pc in plan.all_clauses():
        if pc.clause_id:
            found.blocks[pc.slot], found.traces[pc.slot] = clause_body(pc, bank, sandbox)
    return found


def hold_provisions(plan: Plan, bodies: Bodies, numbering: Numbering, not_used: str) -> None:
    """An agreement as varied keeps its provisions in the places its deeds gave them: an
    omitted one NOT_USED ("Not used."), an inserted one numbered as the deed numbered it."""
    numbers = {pc.slot: pc.number for pc in plan.clauses}
    for place in plan.layout or []:
        if place.provisions and place.slot in bodies.blocks and place.slot in numbers:
            held = provisions.hold(
                bodies.blocks[place.slot],
                place.provisions,
                place.omitted,
                numbers[place.slot],
                numbering,
                not_used,
            )
            if held is not None:
                bodies.blocks[place.slot] = held


def clause_body(pc: PlannedClause, bank: ClauseBank, sandbox: Sandbox) -> tuple[list[E], Trace]:
    """One clause version's fragment, rendered: its blocks (paragraphs and tables) and trace."""
    clause = bank.clause(pc.clause_id)
    version = next(v for v in clause.versions if v.version == pc.version)
    fragment, _ = bank.fragment(version)
    path = str(version.path)
    where = f"clause {clause.id}@{version.version}"
    # What import changed is recorded in clause.yaml by `bank new` and `bank approve`; a draft
    # edited since (or an entry written by hand) says it here until it is recorded.
    unrecorded = version.status == "draft" and set(fragment.notes) - set(version.imported)
    notes = [
        Diagnostic("W-frag-01", f"{where}: {note}", path, severity="warning")
        for note in sorted(unrecorded or ())
    ]
    template = sandbox.compile(fragment.source, where, path, fragment.paragraphs)
    xml, trace = sandbox.run(template, clause.id, where, path)
    try:
        blocks = parse_blocks(xml)
    except etree.XMLSyntaxError as exc:
        raise AssemblerError(
            Diagnostic("E-tmpl-05", f"{where} renders to broken XML: {exc.msg}", path)
        ) from None
    complete_tables(blocks)
    trace.warnings[:0] = notes
    return blocks, trace
