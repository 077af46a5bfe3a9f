"""A document body as the layers above read it: its blocks, paragraphs, tables and section, without
naming a WordprocessingML element outside this package."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import WRAPPER_CLOSE, WRAPPER_OPEN, parse_xml, qn
from assembler.oxml.text import el, style_of

E: TypeAlias = etree._Element

_BODY, _P, _T, _TBL = qn("w:body"), qn("w:p"), qn("w:t"), qn("w:tbl")
_TR, _TC, _SECT = qn("w:tr"), qn("w:tc"), qn("w:sectPr")


def body_of(document: E | None) -> E | None:
    """The body of a ``word/document.xml`` root (None for none, or no root)."""
    return document.find(_BODY) if document is not None else None


def new_body(blocks: Iterable[E] = ()) -> E:
    """A body holding ``blocks`` (moved, not copied)."""
    body = el("w:body")
    body.extend(blocks)
    return body


def replace_body(document: E, body: E) -> None:
    """Put ``body`` in place of the document's own."""
    document.replace(body_of(document), body)


def section_of(body: E) -> E | None:
    """The body's final section properties (page size, margins, header and footer)."""
    return body.find(_SECT)


def blocks_of(body: E) -> list[E]:
    """The body's paragraphs and tables in order, without its final section properties."""
    return [block for block in body if block.tag != _SECT]


def paragraphs_of(root: E) -> Iterator[E]:
    """Every paragraph under ``root`` in reading order, those in table cells included."""
    paragraphs: Iterator[E] = root.iter(_P)
    return paragraphs


def is_paragraph(block: E) -> bool:
    return bool(block.tag == _P)


def is_table(block: E) -> bool:
    return bool(block.tag == _TBL)


def is_row(element: E) -> bool:
    return bool(element.tag == _TR)


def cells_of(row: E) -> list[E]:
    return list(row.iterchildren(_TC))


def block_style(block: E) -> str | None:
    """The paragraph style of a block (None for a table or an unstyled paragraph)."""
    return style_of(block) if block.tag == _P else None


def plain_text(element: E) -> str:
    """The text of ``element``'s text runs only (no tabs or deleted text), as typed."""
    return "".join(t.text or "" for t in element.iter(_T))


def bookmark_names(p: E) -> list[str]:
    """The names of the bookmarks that start in paragraph ``p``."""
    return [b.get(qn("w:name")) for b in p.iter(qn("w:bookmarkStart"))]


def clear(body: E) -> None:
    """Remove every block of ``body``, keeping its section properties."""
    for block in blocks_of(body):
        body.remove(block)


def parse_blocks(xml: str) -> list[E]:
    """The paragraphs and tables of body XML written without namespace declarations (a rendered
    clause, a fragment's line of source)."""
    return list(parse_xml(WRAPPER_OPEN + xml + WRAPPER_CLOSE))
