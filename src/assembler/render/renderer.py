"""Stage 3: render a Plan into a WordprocessingML body, numbered and cross-referenced by the engine.

A pure function of the Plan, the deal (as the names clauses see) and the bank: :func:`render`
takes :class:`RenderInputs` and returns :class:`Rendered`, the document's parts and what the
lock needs (:class:`~assembler.plan.laidout.LaidOut`). Clause bodies come from the bank's
fragments through Jinja (:mod:`.clauses`); everything structural is built by the engine from the
Plan: the frame (:mod:`.frame`), headings and schedules (:mod:`.operative`), the definitions
(:mod:`.definitions`), the numbering walk (:mod:`.numbering`) and fields (:mod:`.fields`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from lxml import etree

from assembler.bank.clausebank import ClauseBank
from assembler.bank.housestyle import HouseStyle
from assembler.bank.outline import Outline
from assembler.core.errors import AssemblerError, Diagnostic, Where
from assembler.oxml import text as ox
from assembler.oxml.body import new_body
from assembler.oxml.numbering import Numbering
from assembler.plan.laidout import LaidOut, Printed, bookmark_name, fingerprints
from assembler.plan.planner import Plan
from assembler.render import definitions, fields, frame, operative
from assembler.render.clauses import clause_bodies, hold_provisions
from assembler.render.numbering import Numbered, Walked, number
from assembler.render.templates import Sandbox, Trace
from assembler.template.sandbox import ClauseEnvironment

E: TypeAlias = etree._Element

__all__ = ["E", "Numbered", "RenderInputs", "Rendered", "bookmark_name", "render"]


@dataclass(frozen=True)
class RenderInputs:
    """Everything a render reads: the plan, the bank and its house style and legal forms, the
    outline, the sandbox with the names clauses see, and where a deal path is in the deal sheet."""

    plan: Plan
    bank: ClauseBank
    house: HouseStyle
    env: ClauseEnvironment
    names: dict[str, Any]
    forms: dict[str, Any]
    locate: Callable[[str], Where]
    outline: Outline
    #: markers planning made (party descriptions) that clauses may print
    issued: frozenset[str] = frozenset()


@dataclass
class Rendered:
    """The document's parts (what :mod:`assembler.package.writer` packages), what the lock
    needs (``laid_out``) and what the render found."""

    body: E
    numbering: E
    comments: list[tuple[int, str]]
    laid_out: LaidOut
    missing: list[tuple[str, str]]
    accessed: set[str]
    placeholders: int
    warnings: list[Diagnostic] = field(default_factory=list)
    #: every paragraph in reading order with its element, number and labels (the review exports)
    paragraphs: list[Numbered] = field(default_factory=list)
    #: a draft's legend for the page header ("" for a final build: no header)
    legend: str = ""
    #: footnote texts from fragments, numbered from 1 in reading order
    footnotes: list[str] = field(default_factory=list)


def render(ins: RenderInputs) -> Rendered:
    """The document: clause bodies and terms first (the definitions need the terms used), then
    the body in reading order, numbered, then its markers resolved into fields."""
    plan, sandbox = ins.plan, Sandbox(ins.env, ins.names, ins.issued)
    numbering = Numbering.read(ins.house.new_numbering(), ins.house.styles)
    bodies = clause_bodies(plan, ins.bank, sandbox)
    hold_provisions(plan, bodies, numbering, ins.outline.words.not_used_provision)
    terms, term_trace = definitions.defined_terms(plan, ins.bank, sandbox, bodies.blocks)
    cover = frame.cover(plan, ins.outline, sandbox)
    parties = frame.parties(ins.outline, sandbox)
    clauses = operative.operative(
        plan,
        ins.bank,
        ins.outline,
        bodies.blocks,
        definitions.definitions(plan, terms, ins.outline.words),
        numbering,
    )
    execution = frame.execution(ins.outline, sandbox, ins.forms)
    trace = bodies.trace().add(term_trace).add(cover.trace).add(parties.trace).add(execution.trace)
    body = new_body()
    words = ins.outline.words
    body.extend(cover.paragraphs + frame.contents(plan, words) + frame.opening(ins.outline))
    body.extend(parties.paragraphs + operative.recitals(bodies.blocks, ins.outline))
    body.extend(clauses.paragraphs + execution.paragraphs + [ins.house.new_section()])
    walked = number(body, numbering, plan.deal_path, ins.outline.words)
    refs = fields.References(
        walked.targets,
        frozenset(c.clause_id for c in plan.all_clauses()),
        plan.draft,
        plan.deal_path,
        ins.outline.words,
    )
    resolved = fields.resolve(body, refs)
    trace.warnings += resolved.warnings
    _check_values(plan, trace, ins.locate)
    return Rendered(
        body,
        numbering.root,
        clauses.comments,
        _laid_out(plan, walked, terms.names),
        list(dict.fromkeys(trace.missing)),
        accessed=trace.accessed,
        placeholders=resolved.placeholders,
        warnings=trace.warnings,
        paragraphs=walked.paragraphs,
        legend=cover.legend,
        footnotes=resolved.footnotes,
    )


def _check_values(plan: Plan, trace: Trace, locate: Callable[[str], Where]) -> None:
    """A final build warns of each blank a clause's own text leaves (W-blank-01) and refuses
    every value the deal sheet does not give (E-miss-01); a draft marks them in the text."""
    if plan.draft:
        return
    trace.warnings.extend(
        Diagnostic(
            "W-blank-01",
            f"clause {clause}: the text leaves the blank [{text}]",
            hint="give the value in the deal sheet (the clause should read it from there)",
            severity="warning",
            **locate(""),
        )
        for clause, text in dict.fromkeys(trace.blanks)
    )
    if trace.missing:
        raise AssemblerError(
            [
                Diagnostic(
                    "E-miss-01",
                    f"clause {clause}: no value for {path}",
                    hint="add it to the deal sheet, or build with --draft",
                    **locate(path),
                )
                for clause, path in dict.fromkeys(trace.missing)
            ]
        )


def _laid_out(plan: Plan, walked: Walked, terms: list[str]) -> LaidOut:
    """What the lock and a deed of variation read of the numbered, resolved document."""
    printed = [
        Printed(n.style, n.number, ox.text_of(n.element), n.labels, n.printed)
        for n in walked.paragraphs
    ]
    slots = {pc.clause_id: pc.slot for pc in plan.all_clauses() if pc.clause_id}
    heads = (
        ([slots[x] for x in reversed(p.labels) if x in slots], p.style, p.text) for p in printed
    )
    references = {k: t.words for k, t in sorted(walked.targets.items())}
    return LaidOut(references, terms, printed, fingerprints(heads))
