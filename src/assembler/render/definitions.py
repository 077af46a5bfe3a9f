"""The defined terms: which the clause bank defines, which the text uses, and the definitions
clause built from those used."""

from __future__ import annotations

from typing import Any, TypeAlias

from lxml import etree
from markupsafe import Markup, escape

from assembler.bank.clausebank import ClauseBank
from assembler.bank.housedata import Words
from assembler.deal.sheet import text_values
from assembler.oxml import text as ox
from assembler.oxml.styles import Style
from assembler.plan.planner import Plan
from assembler.render.templates import Sandbox, Trace
from assembler.template.terms import DefinedTerm, TermReport, find_terms

E: TypeAlias = etree._Element


def defined_terms(
    plan: Plan, bank: ClauseBank, sandbox: Sandbox, bodies: dict[str, list[E]]
) -> tuple[TermReport, Trace]:
    """Each term the plan's clauses define, rendered, checked against the clause bodies' text."""
    defined: list[DefinedTerm] = []
    trace = Trace()
    for pc in plan.all_clauses():
        if not pc.clause_id:
            continue
        clause = bank.clause(pc.clause_id)
        path = str(bank.root / "clauses" / clause.id / "clause.yaml")
        for term, source in clause.defines.items():
            where = f"clause {clause.id}, definition of {term!r}"
            text, found = sandbox.text(source, clause.id, where, path)
            trace.add(found)
            defined.append(DefinedTerm(term, str(text), clause.id))
    texts = [ox.text_of(p) for paras in bodies.values() for p in paras]
    report = find_terms(defined, texts, _known_names(plan, sandbox.names), _inherited(sandbox))
    trace.warnings += report.warnings
    return report, trace


def _known_names(plan: Plan, names: dict[str, Any]) -> list[str]:
    """A capitalised phrase the deal sheet wrote (a service, a place, a network) is a name the
    drafter chose, not a term a clause forgot to define."""
    known = [str(p["name"]) for p in names["parties"]] + [plan.title]
    return known + text_values(names["deal"])


def _inherited(sandbox: Sandbox) -> tuple[str, ...]:
    """The terms of the agreement a deed varies, which the deed uses without defining."""
    return tuple(sandbox.names.get("original", {}).get("terms", []))


def definitions(plan: Plan, terms: TermReport, words: Words) -> list[E]:
    """The definitions clause's paragraphs: an introduction, then each term used, in order."""
    if not terms.used:
        return []
    intro = escape(words.definitions).replace("{document}", escape(plan.short_name))
    paragraphs = [ox.markup_paragraph(Style.CLAUSE_2, intro)]
    for i, term in enumerate(terms.used):
        end = "." if i == len(terms.used) - 1 else ";"
        p = ox.paragraph(Style.DEFINITION)
        p.append(ox.run(f"\u201c{term.term}\u201d", style=Style.DEFINED_TERM))
        means = Markup(" ") + words.means + Markup(" ")
        p.append(ox.markup_run(means + Markup(term.text) + Markup(end)))
        paragraphs.append(p)
    return paragraphs
