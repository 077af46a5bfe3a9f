"""The house style: styles, the legal numbering list and page setup, read from a .docx a firm owns."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from assembler.bank.fragment import read_part
from assembler.bank.housedata import load_house_data
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.body import body_of, section_of
from assembler.oxml.ns import parse_xml
from assembler.oxml.styles import REQUIRED, rename_style_ids, style_ids

E: TypeAlias = etree._Element

#: Parts copied unchanged from the house style into every document.
COPIED_PARTS = ("word/styles.xml", "word/fontTable.xml", "word/theme/theme1.xml")


@dataclass(frozen=True)
class HouseStyle:
    path: Path
    parts: dict[str, bytes]
    numbering: bytes
    settings: bytes
    section: bytes  # the body's w:sectPr: page size and margins
    #: the styles part, its style ids read as the engine's (see ``style_ids``)
    styles: E
    #: the engine's style id -> this house style's own, where they differ (house-style.yaml)
    style_ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> HouseStyle:
        path = Path(path)
        parts = {}
        for name in COPIED_PARTS:
            data = read_part(path, name)
            assert data is not None
            parts[name] = data
        ids = load_house_data(path.parent).style_ids
        styles = parse_xml(parts["word/styles.xml"])
        defined = style_ids(styles)
        missing = [ids.get(s, s) for s in REQUIRED if ids.get(s, s) not in defined]
        if missing:
            raise AssemblerError(
                Diagnostic(
                    "E-style-01",
                    "the house style lacks styles: " + ", ".join(missing),
                    str(path),
                    hint="a replacement house style must define every style id in docs/house-style.md",
                )
            )
        rename_style_ids(styles, {firm: engine for engine, firm in ids.items()})
        document = parse_xml(read_part(path, "word/document.xml") or b"")
        body = body_of(document)
        section = section_of(body) if body is not None else None
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
            ids,
        )

    def new_numbering(self) -> E:
        """A fresh copy of the numbering part for one document (the engine adds restart lists)."""
        return parse_xml(self.numbering)

    def new_section(self) -> E:
        return copy.deepcopy(parse_xml(self.section))
