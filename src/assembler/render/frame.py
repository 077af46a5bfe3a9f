"""The frame around the clauses, built from the Plan and the outline: the cover (and a draft's
legend), the contents, the opening words, the parties and the execution blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from lxml import etree
from markupsafe import Markup, escape

from assembler.bank.housedata import Words
from assembler.bank.outline import Outline
from assembler.oxml import text as ox
from assembler.oxml import toc
from assembler.oxml.styles import Style
from assembler.plan.laidout import bookmark_name
from assembler.plan.planner import Plan
from assembler.render.templates import Sandbox, Trace

E: TypeAlias = etree._Element

#: The document-control box's columns (twentieths of a point): label, value.
CONTROL_BOX_WIDTHS = [2600, 5400]
#: Space above the draft notice and above each execution block (twentieths of a point).
SPACE_BEFORE = 480
#: What every party's entry in the parties block says of it (so none is reported unused).
PARTY_KEYS = ("id", "name", "kind", "roles", "address", "registration", "signatory", "legal_form")


@dataclass
class Framed:
    """Paragraphs of one part of the frame, and what rendering their templates found."""

    paragraphs: list[E] = field(default_factory=list)
    trace: Trace = field(default_factory=Trace)
    #: a draft's legend for the page header ("" for a final build: no header)
    legend: str = ""


def cover(plan: Plan, outline: Outline, sandbox: Sandbox) -> Framed:
    """Date and parties (an agreement), title, subtitle, control box, a draft's notice."""
    made = Framed()
    out = made.paragraphs
    if outline.parties_block:
        out.append(ox.paragraph(Style.COVER_CENTRED, outline.words.dated))
        for i, party in enumerate(sandbox.names["parties"], start=1):
            text = Markup(f"({i}) ") + escape(party["name"])
            out.append(ox.markup_paragraph(Style.COVER_CENTRED, text))
    out.append(ox.paragraph(Style.TITLE, plan.title))
    if outline.subtitle:
        text = _line(made, sandbox, "cover", outline.subtitle, "subtitle", "templates/outline")
        out.append(ox.markup_paragraph(Style.COVER_CENTRED, text))
    if outline.control_box:
        out.append(_control_box(made, outline, sandbox))
    if plan.draft:
        made.legend = _legend(made, plan, outline.words, sandbox)
        notice = ox.paragraph(Style.COVER_CENTRED, outline.words.draft_notice)
        ox.space_before(notice, SPACE_BEFORE)
        out += [notice, ox.paragraph(Style.COVER_CENTRED, made.legend)]
    out.append(ox.page_break())
    return made


def _line(
    made: Framed, sandbox: Sandbox, clause_id: str, source: str, where: str, path: str, **extra: Any
) -> Markup:
    """A template of the frame rendered, its trace kept with ``made``'s."""
    text, trace = sandbox.text(source, clause_id, where, path, **extra)
    made.trace.add(trace)
    return text


def _legend(made: Framed, plan: Plan, words: Words, sandbox: Sandbox) -> str:
    """What a reader of a draft needs to place it: DRAFT, the date the deal sheet speaks at
    (not the build's clock: the same inputs give the same bytes) and what built it."""
    when = _line(made, sandbox, "cover", "{{ deal.effective_date | longdate }}", "legend", "")
    return words.draft_legend.format(
        date=when, bank=plan.bank_id, version=plan.bank_version, engine=plan.engine_version
    )


def _control_box(made: Framed, outline: Outline, sandbox: Sandbox) -> E:
    """The cover's document-control box: a row per outline line, a value the deal sheet
    does not give printed as the outline's [blank]."""
    rows = []
    for label, value in outline.control_box:
        where = f"document control: {label}"
        text = _line(made, sandbox, "cover", value, where, "templates/outline")
        rows.append([ox.paragraph(None, label, bold=True), ox.markup_paragraph(None, text)])
    return ox.table(rows, CONTROL_BOX_WIDTHS)


def contents(plan: Plan, words: Words) -> list[E]:
    """One entry per clause and schedule, each a link to its heading; page numbers come
    later, from a layout pass (:func:`assembler.package.export.paginate`), or not at all."""
    out = [ox.paragraph(Style.TOC_HEADING, words.contents)]
    entries = [
        (pc, [ox.run(pc.number + "."), ox.tab_run(), ox.run(pc.title)]) for pc in plan.clauses
    ]
    entries += [(pc, [ox.run(f"{pc.number}: {pc.title}")]) for pc in plan.schedules]
    for i, (pc, runs) in enumerate(entries):
        p = ox.paragraph(toc.TOC_STYLE)
        if i == 0:
            p.extend(ox.field_runs('TOC \\o "1-1" \\h \\z \\u', "")[:3])
        p.append(toc.entry(bookmark_name(pc.clause_id or pc.slot), runs))
        if i == len(entries) - 1:
            p.append(ox.field_runs("", "")[-1])
        out.append(p)
    out.append(ox.page_break())
    return out


def opening(outline: Outline) -> list[E]:
    return [ox.paragraph(None, outline.opening)] if outline.opening else []


def parties(outline: Outline, sandbox: Sandbox) -> Framed:
    """The parties block: each party's name, legal description and address."""
    made = Framed()
    if not outline.parties_block:
        return made
    made.paragraphs.append(ox.paragraph(Style.PART_HEADING, outline.words.parties))
    for party in sandbox.names["parties"]:
        made.trace.accessed.update(f"{party.path}.{key}" for key in PARTY_KEYS)
        where = f"party {party['id']}"
        address = _line(made, sandbox, "parties", "{{ p.address }}", where, "", p=party)
        text = escape(party["name"]) + Markup(", ") + party["legal_description"]
        made.paragraphs.append(
            ox.markup_paragraph(Style.PARTY_ENTRY, text + Markup(", of ") + address)
        )
    return made


def execution(outline: Outline, sandbox: Sandbox, forms: dict[str, Any]) -> Framed:
    """The execution blocks: the heading (and closing words) keep with the first block, each
    line of a block with the next, and no block with the one after it, so with any number of
    parties a page breaks only between blocks."""
    made = Framed()
    mode = outline.execution
    if mode == "none":
        return made
    made.paragraphs.append(ox.paragraph(Style.SCHEDULE_HEADING, outline.words.execution))
    if outline.closing:
        closing = ox.paragraph(None, outline.closing)
        ox.keep_with_next(closing, True)
        made.paragraphs.append(closing)
    for party in sandbox.names["parties"]:
        lines = [
            line
            for source in forms[party["kind"]][mode]
            for line in _line(
                made,
                sandbox,
                "execution",
                source,
                f"execution block for {party['id']}",
                "templates/legal-forms.yaml",
                p=party,
            ).split("\n")  # an entry may print a line per partner
            if line.strip()
        ]
        block = [ox.markup_paragraph(Style.EXECUTION_BLOCK, Markup(text)) for text in lines]
        ox.space_before(block[0], SPACE_BEFORE)
        ox.keep_with_next(block[-1], False)  # a block never splits; pages break between blocks
        made.paragraphs += block
    return made
