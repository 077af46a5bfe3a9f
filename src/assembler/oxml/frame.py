"""What the renderer builds around clause text: paragraphs from escaped text, comments, spacing,
restyling, and splitting a run where markers become fields (the WordprocessingML of render/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

from lxml import etree
from markupsafe import Markup

from assembler.oxml import text as ox
from assembler.oxml.ns import WRAPPER_CLOSE, WRAPPER_OPEN, parse_xml, qn

E: TypeAlias = etree._Element


def new_body() -> E:
    """An empty document body, for the renderer to fill in reading order."""
    return ox.el("w:body")


def blocks(xml: str) -> list[E]:
    """The paragraphs and tables of a rendered clause's body XML (its text is inside no root:
    it is parsed under the wrapper that declares the namespaces); raises ``XMLSyntaxError``."""
    return list(parse_xml(WRAPPER_OPEN + xml + WRAPPER_CLOSE))


def markup_run(text: Markup) -> E:
    """A run from escaped text (it may hold the engine's markers, resolved later)."""
    r: E = parse_xml(
        f'{WRAPPER_OPEN}<w:r><w:t xml:space="preserve">{text}</w:t></w:r>{WRAPPER_CLOSE}'
    )[0]
    return r


def markup_paragraph(style: str | None, text: Markup) -> E:
    """A paragraph from escaped text that may hold markers (they are resolved later)."""
    p = ox.paragraph(style)
    p.append(markup_run(text))
    return p


def space_before(p: E, twips: int) -> None:
    """Space above a styled paragraph (a new execution block, the draft notice)."""
    ox.el("w:spacing", p.find(qn("w:pPr")), before=str(twips))


def restyle(p: E, style: str) -> None:
    """Give a paragraph that has a style another one (a recital keeps its text, not its style)."""
    found = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if found is not None:
        found.set(qn("w:val"), style)


def anchor_comment(p: E, comment_id: int) -> None:
    """Attach comment ``comment_id`` (its text goes to the comments part) to all of ``p``."""
    ppr = p.find(qn("w:pPr"))
    ppr.addnext(ox.el("w:commentRangeStart", id=str(comment_id)))
    p.append(ox.el("w:commentRangeEnd", id=str(comment_id)))
    reference = ox.el("w:r", p)
    ox.el("w:rStyle", ox.el("w:rPr", reference), val="CommentReference")
    ox.el("w:commentReference", reference, id=str(comment_id))


def styled(rpr: E | None, style: str) -> E:
    """A copy of run properties with character style ``style`` (first, as the schema requires)."""
    new = ox._copy(rpr) if rpr is not None else ox.el("w:rPr")
    for old in new.findall(qn("w:rStyle")):
        new.remove(old)
    new.insert(0, ox.el("w:rStyle", val=style))
    return new


def paragraphs(body: E) -> Iterator[E]:
    """Every paragraph of the body in reading order, those in table cells included."""
    found: Iterator[E] = body.iter(qn("w:p"))
    return found


def texts(element: E) -> Iterator[E]:
    """The text nodes (``w:t``) of ``element``; their ``.text`` is what prints."""
    found: Iterator[E] = element.iter(qn("w:t"))
    return found


def bookmark_names(p: E) -> list[str]:
    """The names of the bookmarks that start in paragraph ``p``, in document order."""
    return [str(b.get(qn("w:name"))) for b in p.iter(qn("w:bookmarkStart"))]


def run_properties(t: E) -> E | None:
    """The properties of the run that holds text node ``t``."""
    found: E | None = t.getparent().find(qn("w:rPr"))
    return found


def replace_run(t: E, new_runs: list[E]) -> None:
    """Put ``new_runs`` where the run holding ``t`` was; a tab or break that shared the run keeps
    its place after the text, in a run of the same properties."""
    r = t.getparent()
    rpr = r.find(qn("w:rPr"))
    for child in [c for c in r if c.tag not in (qn("w:rPr"), qn("w:t"))]:
        extra = ox.el("w:r")
        if rpr is not None:
            extra.append(ox._copy(rpr))
        extra.append(child)
        new_runs.append(extra)
    parent = r.getparent()
    position = parent.index(r)
    parent.remove(r)
    for offset, new in enumerate(new_runs):
        parent.insert(position + offset, new)
