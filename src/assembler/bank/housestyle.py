"""The house style: styles, the legal numbering list and page setup, read from a .docx a firm owns."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from assembler.bank.fragment import read_part
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.ns import parse_xml, qn

E: TypeAlias = etree._Element

#: Style ids the engine writes. A replacement house style must define all of them.
REQUIRED_STYLES = (
    "Title", "CoverCentred", "PartHeading", "PartyEntry", "Recital", "ClauseHeading", "Clause2",
    "Clause3", "Clause4", "BodyText", "BodyText2", "Definition", "ListBullet", "ScheduleHeading",
    "ScheduleTitle", "SchedulePart", "ScheduleClause1", "ExecutionBlock", "TOCHeading", "TOC1",
    "Footer", "CommentText", "Placeholder", "MissingValue", "DefinedTerm", "CommentReference",
    "TableText", "TableHeading", "HouseTable",
)  # fmt: skip
#: Parts copied unchanged from the house style into every document.
COPIED_PARTS = ("word/styles.xml", "word/fontTable.xml", "word/theme/theme1.xml")


@dataclass(frozen=True)
class HouseStyle:
    path: Path
    parts: dict[str, bytes]
    numbering: bytes
    settings: bytes
    section: bytes  # the body's w:sectPr: page size and margins
    styles: E

    @classmethod
    def load(cls, path: str | Path) -> HouseStyle:
        path = Path(path)
        parts = {}
        for name in COPIED_PARTS:
            data = read_part(path, name)
            assert data is not None
            parts[name] = data
        styles = parse_xml(parts["word/styles.xml"])
        defined = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
        missing = [s for s in REQUIRED_STYLES if s not in defined]
        if missing:
            raise AssemblerError(
                Diagnostic(
                    "E-style-01",
                    "the house style lacks styles: " + ", ".join(missing),
                    str(path),
                    hint="a replacement house style must define every style id in docs/house-style.md",
                )
            )
        document = parse_xml(read_part(path, "word/document.xml") or b"")
        section = document.find(f"{qn('w:body')}/{qn('w:sectPr')}")
        if section is None:
            raise AssemblerError(
                Diagnostic("E-style-02", "the house style has no page setup (w:sectPr)", str(path))
            )
        return cls(
            path,
            parts,
            read_part(path, "word/numbering.xml") or b"",
            read_part(path, "word/settings.xml") or b"",
            etree.tostring(section),
            styles,
        )

    def new_numbering(self) -> E:
        """A fresh copy of the numbering part for one document (the engine adds restart lists)."""
        return parse_xml(self.numbering)

    def new_section(self) -> E:
        return copy.deepcopy(parse_xml(self.section))
