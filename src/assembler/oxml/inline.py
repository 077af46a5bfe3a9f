"""Read a rendered body back as blocks and spans, for the review exports: what each run says and
what it is (plain, bold, a blank, a cross-reference and its bookmark), without Word's XML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import qn
from assembler.oxml.styles import Style
from assembler.oxml.text import text_of

E: TypeAlias = etree._Element

#: Character styles that mark a blank for the drafter.
BLANK_STYLES = (Style.PLACEHOLDER, Style.MISSING_VALUE)
_R, _T, _TAB, _BR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")
_FLD, _INSTR, _LINK = qn("w:fldChar"), qn("w:instrText"), qn("w:hyperlink")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a paragraph: ``kind`` is "text", "bold", "blank" or "ref" (``target``: the
    bookmark a cross-reference points at)."""

    text: str
    kind: str = "text"
    target: str = ""


def blocks(body: E) -> Iterator[tuple[str, E]]:
    """The body's top-level blocks in order: ("p", paragraph) or ("table", table)."""
    for child in body:
        if child.tag == qn("w:p"):
            yield "p", child
        elif child.tag == qn("w:tbl"):
            yield "table", child


def rows(table: E) -> list[list[list[E]]]:
    """A table as rows of cells, each cell its paragraphs."""
    return [
        [list(cell.iter(qn("w:p"))) for cell in row.findall(qn("w:tc"))]
        for row in table.findall(qn("w:tr"))
    ]


def is_page_break(p: E) -> bool:
    return not text_of(p).strip() and any(br.get(qn("w:type")) == "page" for br in p.iter(_BR))


def bookmarks(p: E) -> list[str]:
    return [b.get(qn("w:name")) or "" for b in p.iter(qn("w:bookmarkStart"))]


def spans(p: E) -> list[Span]:
    """The paragraph's text as spans, fields read as their results; adjacent spans of the same
    kind are joined."""
    out: list[Span] = []
    depth, target, in_result = 0, "", False
    for r in p.iter(_R):
        char = r.find(_FLD)
        if char is not None:
            kind = char.get(qn("w:fldCharType"))
            if kind == "begin":
                depth += 1
                in_result = False
            elif kind == "separate":
                in_result = True
            elif kind == "end":
                depth -= 1
                target, in_result = "", False
            continue
        instruction = r.find(_INSTR)
        if instruction is not None:
            words = (instruction.text or "").split()
            if len(words) > 1 and words[0] == "REF":
                target = words[1]
            continue
        if depth and not in_result:
            continue
        text = "".join((n.text or "") if n.tag == _T else "\t" if n.tag == _TAB else "" for n in r)
        if text:
            _add(out, Span(text, _kind(r, bool(target)), target))
    return out


def _kind(r: E, is_ref: bool) -> str:
    if is_ref:
        return "ref"
    props = r.find(qn("w:rPr"))
    if props is None:
        return "text"
    style = props.find(qn("w:rStyle"))
    name = style.get(qn("w:val")) if style is not None else ""
    if name in BLANK_STYLES:
        return "blank"
    bold = props.find(qn("w:b"))
    on = bold is not None and bold.get(qn("w:val"), "1") not in ("0", "false")
    return "bold" if on or name == Style.DEFINED_TERM else "text"


def _add(out: list[Span], span: Span) -> None:
    if out and out[-1].kind == span.kind and out[-1].target == span.target:
        out[-1] = Span(out[-1].text + span.text, span.kind, span.target)
    else:
        out.append(span)
