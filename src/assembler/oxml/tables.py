"""Tables after their row loops have run: what the schema requires of rows and cells."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import qn

E: TypeAlias = etree._Element


def complete_tables(blocks: Iterable[E]) -> None:
    """A loop over no items leaves a table without rows, a condition a cell without paragraphs:
    drop the first (a table needs a row), give the second an empty paragraph (a cell ends in one)."""
    for block in blocks:
        for tbl in list(block.iter(qn("w:tbl"))):
            if tbl.find(qn("w:tr")) is None:
                tbl.getparent().remove(tbl)
        for cell in block.iter(qn("w:tc")):
            if len(cell) == 0 or cell[-1].tag != qn("w:p"):
                etree.SubElement(cell, qn("w:p"))


def paragraphs_in(blocks: Iterable[E]) -> Iterator[E]:
    """The paragraphs of ``blocks`` in reading order, those in table cells included."""
    for block in blocks:
        yield from block.iter(qn("w:p"))
