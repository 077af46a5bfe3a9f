"""The contents page's entries: a hyperlink to each heading's bookmark, and its page number as a
``PAGEREF`` field whose cached result a layout pass supplies (Word's own TOC structure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

from lxml import etree

from assembler.oxml import text as ox
from assembler.oxml.ns import qn
from assembler.oxml.styles import Style

E: TypeAlias = etree._Element

TOC_STYLE = Style.TOC_1


def entry(anchor: str, runs: Iterable[E]) -> E:
    """The runs of one entry inside a hyperlink to the heading's bookmark ``anchor``."""
    link = ox.el("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    link.extend(runs)
    return link


def links(document: E) -> list[E]:
    """Every contents entry's hyperlink, in order."""
    return [
        link
        for p in document.iter(qn("w:p"))
        if ox.style_of(p) == TOC_STYLE
        for link in p.findall(qn("w:hyperlink"))
        if link.get(qn("w:anchor"))
    ]


def anchors(document: E) -> list[str]:
    return [link.get(qn("w:anchor")) or "" for link in links(document)]


def fill_pages(document: E, pages: Mapping[str, int | str]) -> int:
    """Give each entry whose heading has a page a right-aligned ``PAGEREF`` with that page as its
    result (replacing one given before); return how many entries got one."""
    filled = 0
    for link in links(document):
        _drop_page(link)
        page = pages.get(link.get(qn("w:anchor")) or "")
        if page is None:
            continue
        link.append(ox.tab_run())
        link.extend(ox.field_runs(f"PAGEREF {link.get(qn('w:anchor'))} \\h", str(page)))
        filled += 1
    return filled


def _drop_page(link: E) -> None:
    """Remove a page number given before: the tab run and the field after the title."""
    runs = list(link)
    begins = [i for i, r in enumerate(runs) if _fld(r) == "begin"]
    if begins:
        for r in runs[begins[-1] - 1 :]:
            link.remove(r)


def _fld(run: E) -> str | None:
    char = run.find(qn("w:fldChar"))
    return None if char is None else char.get(qn("w:fldCharType"))
