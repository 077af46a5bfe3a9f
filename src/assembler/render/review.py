"""Review exports: Markdown and a standalone HTML page from the engine's own numbered model.

Every paragraph's number is already known (:class:`~assembler.render.numbering.Numbered`), so the exports
print "1.1" and "(a)" as text rather than asking a converter to guess the list numbering; headings
become headings, cross-references show their numbers (links in HTML) and blanks are marked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import TypeAlias

from lxml import etree

from assembler.oxml import inline
from assembler.oxml.styles import Style
from assembler.oxml.text import style_of
from assembler.render.numbering import Numbered
from assembler.render.renderer import Rendered

E: TypeAlias = etree._Element

#: Paragraph style -> heading level. Other styles are paragraphs.
HEADINGS: dict[str, int] = {
    Style.TITLE: 1,
    Style.PART_HEADING: 2,
    Style.CLAUSE_HEADING: 2,
    Style.SCHEDULE_HEADING: 2,
    Style.SCHEDULE_TITLE: 3,
    Style.SCHEDULE_PART: 3,
    Style.SCHEDULE_CLAUSE_1: 3,
}
#: The contents page: the exports are read top to bottom, and have no pages.
LEFT_OUT = (Style.TOC_HEADING, Style.TOC_1, "TOC2")
FORMATS = {"md": ".md", "html": ".html"}


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, a paragraph or a table, with its printed number and its anchors."""

    style: str
    number: str
    spans: list[inline.Span]
    anchors: list[str]
    cells: list[list[list[inline.Span]]] | None = None

    @property
    def level(self) -> int:
        return HEADINGS.get(self.style, 0)


def review_blocks(rendered: Rendered) -> Iterator[Block]:
    """The rendered body, top to bottom, as blocks."""
    numbers = {id(n.element): n for n in rendered.paragraphs}
    for kind, element in inline.blocks(rendered.body):
        if kind == "table":
            cells = [
                [[span for p in cell for span in _spaced(inline.spans(p))] for cell in row]
                for row in inline.rows(element)
            ]
            yield Block("Table", "", [], [], cells)
            continue
        style = style_of(element) or ""
        if style in LEFT_OUT or inline.is_page_break(element):
            continue
        spans = inline.spans(element)
        numbered = numbers.get(id(element), Numbered(element, style, "", ()))
        if spans or numbered.printed:
            yield Block(style, numbered.printed, spans, inline.bookmarks(element))


def _spaced(spans: list[inline.Span]) -> list[inline.Span]:
    """A cell's paragraphs run on with a space between them."""
    return [*spans, inline.Span(" ")] if spans else []


def export_text(rendered: Rendered, title: str, fmt: str) -> str:
    """The document as Markdown (``md``) or a standalone HTML page (``html``)."""
    blocks = list(review_blocks(rendered))
    return markdown(blocks) if fmt == "md" else html_page(blocks, title)


# -- Markdown --------------------------------------------------------------------------------------

MD_SPECIAL = re.compile(r"([\\`*_<>|])")
#: A paragraph that Markdown would read as a numbered list ("1. "): its "." is escaped.
MD_ORDERED = re.compile(r"^(\d+)([.)])(\s)")


def markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if block.cells is not None:
            out.append(_md_table(block.cells))
            continue
        text = _md_inline(block.spans)
        line = f"{block.number} {text}".strip() if block.number else text
        if block.level:
            out.append("#" * block.level + " " + line)
        else:
            out.append(_md_paragraph(line))
    return "\n\n".join(out) + "\n"


def _md_paragraph(line: str) -> str:
    """A paragraph Markdown will not read as a list, a quote or a heading."""
    if line[:1] in ("-", "+", "#"):
        return "\\" + line
    return MD_ORDERED.sub(r"\1\\\2\3", line, count=1)


def _md_inline(spans: list[inline.Span]) -> str:
    parts = []
    for span in spans:
        text = MD_SPECIAL.sub(r"\\\1", span.text.replace("\t", " "))
        if span.kind == "bold" and text.strip():
            lead, core, trail = _edges(text)
            text = f"{lead}**{core}**{trail}"
        elif span.kind == "blank":
            text = f"<mark>{text}</mark>"
        parts.append(text)
    return "".join(parts).strip()


def _edges(text: str) -> tuple[str, str, str]:
    core = text.strip()
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _md_table(cells: list[list[list[inline.Span]]]) -> str:
    rows = [[_md_inline(cell) or " " for cell in row] for row in cells]
    width = max(len(row) for row in rows)
    rows = [row + [" "] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


# -- HTML ------------------------------------------------------------------------------------------

#: The house style on screen: Arial, bold headings, hanging numbers, centred schedule headings.
CSS = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       color: #000; background: #fff; margin: 0; }
main { max-width: 16cm; margin: 2cm auto; padding: 0 1cm; }
h1, h2, h3 { font-size: 11pt; font-weight: bold; margin: 1.2em 0 0.6em; }
h1 { font-size: 16pt; text-align: center; margin-bottom: 1em; }
h2.PartHeading { text-transform: uppercase; }
h2.ScheduleHeading, h3.ScheduleTitle, h3.SchedulePart, p.CoverCentred { text-align: center; }
h2.ScheduleHeading { margin-top: 2.5em; border-top: 1px solid #999; padding-top: 1.5em; }
p { margin: 0 0 0.6em; }
.num { display: inline-block; min-width: 1.27cm; margin-left: -1.27cm; }
h2.ClauseHeading, h3.ScheduleClause1, p.Clause2, p.PartyEntry, p.Recital, p.Definition,
p.BodyText { padding-left: 1.27cm; }
p.Clause3, p.BodyText2, p.ListBullet { padding-left: 2.54cm; }
p.Clause4 { padding-left: 3.81cm; }
p.ExecutionBlock { margin-top: 0.2em; }
mark { background: #ff0; }
mark.missing { background: #f00; color: #fff; font-weight: bold; }
a.ref { color: inherit; text-decoration: underline dotted; }
table { border-collapse: collapse; margin: 0.6em 0 1em 1.27cm; }
td, th { border: 1px solid #000; padding: 0.2em 0.4em; vertical-align: top; text-align: left; }
"""


def html_page(blocks: list[Block], title: str) -> str:
    body = "\n".join(_html_block(block) for block in blocks)
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _html_block(block: Block) -> str:
    if block.cells is not None:
        rows = "".join(
            "<tr>" + "".join(f"<td>{_html_inline(cell)}</td>" for cell in row) + "</tr>"
            for row in block.cells
        )
        return f"<table>{rows}</table>"
    anchors = "".join(f'<a id="{escape(name)}"></a>' for name in block.anchors)
    number = f'<span class="num">{escape(block.number)} </span>' if block.number else ""
    tag = f"h{block.level}" if block.level else "p"
    style = f' class="{escape(block.style)}"' if block.style else ""
    return f"<{tag}{style}>{anchors}{number}{_html_inline(block.spans)}</{tag}>"


def _html_inline(spans: list[inline.Span]) -> str:
    parts = []
    for span in spans:
        text = escape(span.text.replace("\t", " "))
        if span.kind == "bold":
            text = f"<strong>{text}</strong>"
        elif span.kind == "blank":
            missing = ' class="missing"' if span.text.startswith("[MISSING") else ""
            text = f"<mark{missing}>{text}</mark>"
        elif span.kind == "ref":
            text = f'<a class="ref" href="#{escape(span.target)}">{text}</a>'
        parts.append(text)
    return "".join(parts).strip()
