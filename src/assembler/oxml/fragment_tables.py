"""A fragment's tables reduced to what a clause table keeps: the house table style at full
width, a grid, and only the row and cell properties that carry meaning (merges, widths, header
rows)."""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

from assembler.oxml.body import cells_of
from assembler.oxml.ns import qn

E: TypeAlias = etree._Element

#: The values that switch a WordprocessingML toggle off.
OFF = ("false", "0", "off")
#: Row and cell properties a table keeps (merged cells, widths, header rows).
ROW_PROPS = ("w:cantSplit", "w:tblHeader")
CELL_PROPS = ("w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:vAlign")
_TR, _VAL = qn("w:tr"), qn("w:val")


def rows_of(tbl: E) -> list[E]:
    return list(tbl.iterchildren(_TR))


def set_table_style(tbl: E, style: str) -> bool:
    """Give ``tbl`` only the table style ``style`` at full width, with a header row and no
    banding; True if it had another style (or none)."""
    old = tbl.find(qn("w:tblPr"))
    found = old.find(qn("w:tblStyle")) if old is not None else None
    if old is not None:
        tbl.remove(old)
    props = etree.Element(qn("w:tblPr"))
    etree.SubElement(props, qn("w:tblStyle")).set(_VAL, style)
    width = etree.SubElement(props, qn("w:tblW"))
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    etree.SubElement(props, qn("w:tblLook")).set(_VAL, "0420")  # header row, no banding
    tbl.insert(0, props)
    return found is None or found.get(_VAL) != style


def ensure_grid(tbl: E, width: int) -> None:
    """Equal columns sharing ``width`` (twips) for a table written without a grid (the schema
    requires one), after the table properties."""
    if tbl.find(qn("w:tblGrid")) is not None:
        return
    columns = max((_columns(row) for row in rows_of(tbl)), default=1)
    grid = etree.Element(qn("w:tblGrid"))
    for _ in range(columns):
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(width // columns))
    tbl.find(qn("w:tblPr")).addnext(grid)


def _columns(row: E) -> int:
    """How many grid columns ``row`` spans (a merged cell counts its ``w:gridSpan``)."""
    total = 0
    for cell in cells_of(row):
        span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        total += int(span.get(_VAL) or 1) if span is not None else 1
    return total


def clean_row(row: E) -> None:
    """Keep the row properties a clause table may carry, and no row-level table exceptions."""
    _keep_only(row, "w:trPr", ROW_PROPS)
    for child in row.findall(qn("w:tblPrEx")):
        row.remove(child)


def clean_cell(cell: E) -> None:
    _keep_only(cell, "w:tcPr", CELL_PROPS)


def _keep_only(parent: E, props_tag: str, kept: tuple[str, ...]) -> None:
    """Of ``parent``'s property element, keep the children named in ``kept`` (a toggle switched
    off, as LibreOffice writes ``<w:tblHeader w:val="false"/>``, is dropped); drop it if empty."""
    props = parent.find(qn(props_tag))
    if props is None:
        return
    names = {qn(k) for k in kept}
    for child in list(props):
        if child.tag not in names or child.get(_VAL) in OFF:
            props.remove(child)
    if len(props) == 0:
        parent.remove(props)


def has_header_row(tbl: E) -> bool:
    return any(r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for r in rows_of(tbl))


def repeat_as_header(row: E) -> None:
    """Mark ``row`` as a header row, repeated on each page the table runs onto."""
    props = row.find(qn("w:trPr"))
    if props is None:
        props = etree.Element(qn("w:trPr"))
        row.insert(0, props)
    etree.SubElement(props, qn("w:tblHeader"))
