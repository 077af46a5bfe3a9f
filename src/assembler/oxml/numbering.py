"""List numbering: read the house lists, add restarting lists, and compute the numbers Word shows.

The engine computes every number itself (for cross-reference text, the plan and the deed of
variation) with the same rules Word applies to the house list, so the numbers agree.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import qn
from assembler.oxml.text import el, ppr_of

E: TypeAlias = etree._Element


@dataclass(frozen=True)
class Level:
    fmt: str  # decimal, lowerLetter, lowerRoman, upperLetter, upperRoman, bullet
    text: str  # "%1.%2", "(%3)"
    start: int = 1


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _letter(n: int) -> str:
    # Word repeats the letter after z: aa, bb ...
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "bullet": lambda n: "",
}


def format_number(fmt: str, n: int) -> str:
    return _FORMATS.get(fmt, str)(n)


def _literal(level: Level) -> bool:
    """A level that prints its text as it stands ("9.4A"): a whole number of its own."""
    return "%" not in level.text and level.fmt != "bullet"


@cache
def _pieces(text: str) -> list[str]:
    """``"(%3)"`` -> ``["(", "3", ")"]``: literal text and level numbers, alternating."""
    return re.split(r"%(\d)", text)


@dataclass
class Numbering:
    """The numbering part, the styles bound to its lists, and running counters."""

    root: E
    style_links: dict[str, tuple[int, int]]  # style id -> (numId, ilvl)
    levels: dict[int, dict[int, Level]] = field(default_factory=dict)  # abstractNumId -> levels
    num_to_abstract: dict[int, int] = field(default_factory=dict)
    counters: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, numbering_xml: E, styles_xml: E) -> Numbering:
        links = {}
        for style in styles_xml.iter(qn("w:style")):
            numpr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if numpr is None:
                continue
            num_id = numpr.find(qn("w:numId"))
            ilvl = numpr.find(qn("w:ilvl"))
            if num_id is not None:
                level = int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
                links[style.get(qn("w:styleId"))] = (int(num_id.get(qn("w:val"))), level)
        numbering = cls(numbering_xml, links)
        for abstract in numbering_xml.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iter(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl")))] = Level(
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            numbering.levels[int(abstract.get(qn("w:abstractNumId")))] = levels
        for num in numbering_xml.iter(qn("w:num")):
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
            numbering.num_to_abstract[int(num.get(qn("w:numId")))] = int(abstract_id)
        return numbering

    def add_restart(self, num_id: int) -> int:
        """A new list instance over ``num_id``'s definition that starts again at 1 (schedules)."""
        abstract_id = self.num_to_abstract[num_id]
        new_id = max(self.num_to_abstract) + 1
        num = el("w:num", self.root, numId=str(new_id))
        el("w:abstractNumId", num, val=str(abstract_id))
        for ilvl in range(4):
            override = el("w:lvlOverride", num, ilvl=str(ilvl))
            el("w:startOverride", override, val="1")
        self.num_to_abstract[new_id] = abstract_id
        return new_id

    def add_literal(self, num_id: int, ilvl: int, text: str) -> int:
        """A new list like ``num_id``'s whose level ``ilvl`` prints ``text`` as it stands (a
        provision a deed of variation inserted, "9.4A"), the levels below it counting under it
        ("9.4A(a)"). Its definition links no style: each paragraph names it directly."""
        abstract_id = self.num_to_abstract[num_id]
        abstracts = self.root.findall(qn("w:abstractNum"))
        source = next(a for a in abstracts if a.get(qn("w:abstractNumId")) == str(abstract_id))
        clone = copy.deepcopy(source)
        new_abstract = max(self.levels) + 1
        clone.set(qn("w:abstractNumId"), str(new_abstract))
        for nsid in clone.findall(qn("w:nsid")):
            nsid.set(qn("w:val"), f"{0x5A000000 + new_abstract:08X}")
        for style in clone.findall(f"{qn('w:lvl')}/{qn('w:pStyle')}"):
            style.getparent().remove(style)
        for lvl in clone.findall(qn("w:lvl")):
            if lvl.get(qn("w:ilvl")) == str(ilvl):
                lvl.find(qn("w:lvlText")).set(qn("w:val"), text)
        abstracts[-1].addnext(clone)
        level = self.levels[abstract_id][ilvl]
        self.levels[new_abstract] = {
            **self.levels[abstract_id],
            ilvl: Level(level.fmt, text, level.start),
        }
        new_id = max(self.num_to_abstract) + 1
        num = el("w:num", self.root, numId=str(new_id))
        el("w:abstractNumId", num, val=str(new_abstract))
        self.num_to_abstract[new_id] = new_abstract
        return new_id

    def next_number(self, num_id: int, ilvl: int) -> tuple[str, str]:
        """Advance list ``num_id`` at ``ilvl``; return (label as printed, full reference).

        The label is what Word prints ("1.1", "(a)"); the reference is what a REF field with
        ``\\w`` shows, with the parent levels the label leaves out ("9.2(a)"), less any trailing
        full stop ("9" for a heading printed "9.").
        """
        levels = self.levels[self.num_to_abstract[num_id]]
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        label = self._label(levels, counts, ilvl)
        reference = label
        level = ilvl
        while level > 0 and "%1" not in levels[level].text and not _literal(levels[level]):
            level -= 1
            reference = self._label(levels, counts, level).rstrip(".") + reference
        return label, reference.rstrip(".")

    @staticmethod
    def _label(levels: dict[int, Level], counts: list[int], ilvl: int) -> str:
        pieces = _pieces(levels[ilvl].text)
        out = [pieces[0]]
        for i in range(1, len(pieces), 2):
            k = int(pieces[i]) - 1
            out += (format_number(levels[k].fmt, max(counts[k], 1)), pieces[i + 1])
        return "".join(out)

    def list_of(self, p: E, style: str | None) -> tuple[int, int] | None:
        """(numId, ilvl) that numbers paragraph ``p`` of style ``style``: its direct numPr, else
        its style's link."""
        ppr = ppr_of(p)
        numpr = next(ppr.iterchildren(qn("w:numPr")), None) if ppr is not None else None
        if numpr is not None:
            num_id = numpr.find(qn("w:numId"))
            ilvl = numpr.find(qn("w:ilvl"))
            if num_id is not None and int(num_id.get(qn("w:val"))) != 0:
                level = int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
                return int(num_id.get(qn("w:val"))), level
            return None
        return self.style_links.get(style) if style else None
