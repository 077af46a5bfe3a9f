"""The house styles the engine writes, as one enum, and the styles part they live in.

A member's value is the style id the house bank's ``templates/house-style.docx`` defines. A firm
whose own .docx names a style otherwise maps the member onto its id in data (the house style's
``styles:`` map, see :mod:`assembler.bank.housestyle`), and :func:`rename_styles` rewrites what
the engine wrote: no code changes for a firm's style ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import qn

E: TypeAlias = etree._Element


class Style(StrEnum):
    """Every style id the engine writes or a fragment may use (see docs/house-style.md)."""

    # in the order docs/house-style.md lists them (and E-style-01 names the missing)
    TITLE = "Title"
    COVER_CENTRED = "CoverCentred"
    PART_HEADING = "PartHeading"
    PARTY_ENTRY = "PartyEntry"
    RECITAL = "Recital"
    CLAUSE_HEADING = "ClauseHeading"
    CLAUSE_2 = "Clause2"
    CLAUSE_3 = "Clause3"
    CLAUSE_4 = "Clause4"
    BODY_TEXT = "BodyText"
    BODY_TEXT_2 = "BodyText2"
    DEFINITION = "Definition"
    LIST_BULLET = "ListBullet"
    SCHEDULE_HEADING = "ScheduleHeading"
    SCHEDULE_TITLE = "ScheduleTitle"
    SCHEDULE_PART = "SchedulePart"
    SCHEDULE_CLAUSE_1 = "ScheduleClause1"
    EXECUTION_BLOCK = "ExecutionBlock"
    TOC_HEADING = "TOCHeading"
    TOC_1 = "TOC1"
    FOOTER = "Footer"
    COMMENT_TEXT = "CommentText"
    PLACEHOLDER = "Placeholder"  # character style
    MISSING_VALUE = "MissingValue"  # character style
    DEFINED_TERM = "DefinedTerm"  # character style
    COMMENT_REFERENCE = "CommentReference"  # character style
    TABLE_TEXT = "TableText"
    TABLE_HEADING = "TableHeading"
    HOUSE_TABLE = "HouseTable"  # table style
    HEADER = "Header"  # optional: a draft's legend


#: Styles a replacement house style must define. ``Header`` is not among them: a house style
#: without it prints a draft's legend in the default paragraph style, as Word does.
REQUIRED = tuple(s for s in Style if s is not Style.HEADER)

#: Elements whose ``w:val`` names a style: paragraph, character and table styles.
_STYLE_REFS = (qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"))
_VAL = qn("w:val")


def style_ids(styles: E) -> set[str]:
    """The style ids a ``word/styles.xml`` defines."""
    return {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}


def rename_styles(roots: Iterable[E], ids: Mapping[str, str]) -> None:
    """Rewrite every style reference under ``roots`` (a body, a header, the numbering part's list
    levels) from the engine's id to the firm's, where ``ids`` maps it."""
    if not ids:
        return
    for root in roots:
        for ref in root.iter(*_STYLE_REFS):
            found = ids.get(ref.get(_VAL))
            if found is not None:
                ref.set(_VAL, found)


def rename_style_ids(styles: E, ids: Mapping[str, str]) -> None:
    """Rename the styles a ``word/styles.xml`` defines (``w:styleId``), where ``ids`` maps them:
    a firm's house style read in the engine's ids."""
    for style in styles.iter(qn("w:style")):
        found = ids.get(style.get(qn("w:styleId")))
        if found is not None:
            style.set(qn("w:styleId"), found)
