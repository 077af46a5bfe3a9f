"""The recitals, operative clauses and schedules: the engine's headings (a draft's drafting notes
as comments on them) over the rendered clause bodies, schedules numbered afresh."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from lxml import etree
from markupsafe import escape

from assembler.bank.clausebank import ClauseBank
from assembler.bank.outline import Outline
from assembler.oxml import text as ox
from assembler.oxml.numbering import Numbering
from assembler.oxml.styles import Style
from assembler.oxml.tables import paragraphs_in
from assembler.plan.planner import Plan, PlannedClause
from assembler.render.fields import label_marker

E: TypeAlias = etree._Element

#: Body styles and the level of the house list they sit at, for restarting schedule numbering.
LIST_LEVELS: dict[str, int] = {
    Style.SCHEDULE_CLAUSE_1: 0,
    Style.CLAUSE_2: 1,
    Style.CLAUSE_3: 2,
    Style.CLAUSE_4: 3,
}
LEGAL_LIST = Style.CLAUSE_HEADING


@dataclass
class Operative:
    """The paragraphs of the operative part and the drafting notes made comments on them."""

    paragraphs: list[E] = field(default_factory=list)
    #: (comment id, text), ids from 0 in reading order
    comments: list[tuple[int, str]] = field(default_factory=list)

    def heading(self, style: str, text: str, pc: PlannedClause, plan: Plan, bank: ClauseBank) -> E:
        """A clause or schedule heading labelled with its target; a draft's drafting note
        becomes a comment on it."""
        p = ox.markup_paragraph(style, escape(text) + label_marker(pc.clause_id or pc.slot))
        note = bank.clause(pc.clause_id).note if plan.draft and pc.clause_id else None
        if note:
            comment_id = len(self.comments)
            self.comments.append((comment_id, f"{pc.clause_id}@{pc.version}: {note.strip()}"))
            ox.comment_anchor(p, comment_id, Style.COMMENT_REFERENCE)
        return p


def recitals(bodies: dict[str, list[E]], outline: Outline) -> list[E]:
    """The background, in the recital style whatever the fragment's paragraphs were."""
    if "recitals" not in bodies:
        return []
    for p in bodies["recitals"]:
        ox.restyle(p, Style.RECITAL)
    return [ox.paragraph(Style.PART_HEADING, outline.words.background), *bodies["recitals"]]


def operative(
    plan: Plan,
    bank: ClauseBank,
    outline: Outline,
    bodies: dict[str, list[E]],
    definitions: list[E],
    numbering: Numbering,
) -> Operative:
    """The operative heading, each clause under its heading (the definitions clause holds
    ``definitions``), then each schedule with its numbering restarted."""
    made = Operative([ox.paragraph(Style.PART_HEADING, outline.operative_heading)])
    for pc in plan.clauses:
        made.paragraphs.append(made.heading(Style.CLAUSE_HEADING, pc.title, pc, plan, bank))
        if pc.kind == "definitions":
            made.paragraphs += definitions
        made.paragraphs += bodies.get(pc.slot, [])
    legal_num = numbering.style_links[LEGAL_LIST][0]
    for pc in plan.schedules:
        made.paragraphs.append(made.heading(Style.SCHEDULE_HEADING, pc.number, pc, plan, bank))
        made.paragraphs.append(ox.paragraph(Style.SCHEDULE_TITLE, pc.title))
        blocks = bodies.get(pc.slot, [])
        number_schedule(blocks, numbering.add_restart(legal_num))
        made.paragraphs += blocks
    return made


def number_schedule(blocks: list[E], restart: int) -> None:
    """Put a schedule's numbered paragraphs on its own list instance, ``restart``.

    A schedule without paragraph headings numbers its sub-clauses 1, 2, 3 rather than 1.1, 1.2:
    a "1.1" under no "1" is shown as "6.1" by LibreOffice, which continues the shared list, and
    as "1.1" by Word."""
    headed = any(ox.style_of(p) == Style.SCHEDULE_CLAUSE_1 for p in paragraphs_in(blocks))
    for p in paragraphs_in(blocks):
        level = LIST_LEVELS.get(ox.style_of(p) or "")
        if level is not None:
            ox.set_numbering(p, restart, level if headed or level != 1 else 0)
