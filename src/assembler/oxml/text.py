"""Build paragraphs, runs, bookmarks and fields."""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import WRAPPER_CLOSE, WRAPPER_OPEN, W, parse_xml, qn

E: TypeAlias = etree._Element


def el(tag: str, parent: E | None = None, **attrs: str) -> E:
    """Make (or append) ``tag`` with ``w:``-qualified attributes given as keyword arguments."""
    element = etree.Element(qn(tag)) if parent is None else etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def paragraph(style: str | None = None, text: str | None = None, *, bold: bool = False) -> E:
    p = el("w:p")
    if style:
        el("w:pStyle", el("w:pPr", p), val=style)
    if text:
        p.append(run(text, bold=bold))
    return p


def run(text: str, *, style: str | None = None, bold: bool = False, rpr: E | None = None) -> E:
    r = el("w:r")
    if rpr is not None:
        r.append(_copy(rpr))
    elif style or bold:
        props = el("w:rPr", r)
        if style:
            el("w:rStyle", props, val=style)
        if bold:
            el("w:b", props)
    t = el("w:t", r)
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def tab_run() -> E:
    r = el("w:r")
    el("w:tab", r)
    return r


def page_break() -> E:
    p = el("w:p")
    el("w:br", el("w:r", p), type="page")
    return p


def table(rows: list[list[E]], widths: list[int]) -> E:
    """A bordered table, centred, of fixed column ``widths`` (twentieths of a point); each cell
    holds one paragraph."""
    tbl = el("w:tbl")
    props = el("w:tblPr", tbl)
    el("w:tblW", props, w=str(sum(widths)), type="dxa")
    el("w:jc", props, val="center")
    borders = el("w:tblBorders", props)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el(f"w:{side}", borders, val="single", sz="4", space="0", color="auto")
    el("w:tblLayout", props, type="fixed")
    grid = el("w:tblGrid", tbl)
    for width in widths:
        el("w:gridCol", grid, w=str(width))
    for cells in rows:
        tr = el("w:tr", tbl)
        for cell, width in zip(cells, widths, strict=True):
            tc = el("w:tc", tr)
            el("w:tcW", el("w:tcPr", tc), w=str(width), type="dxa")
            tc.append(cell)
    return tbl


def keep_with_next(p: E, keep: bool) -> None:
    """Set ``w:keepNext`` directly on ``p`` (after its style, as the schema orders), overriding
    the style's: a block keeps together, and ``keep=False`` ends the block."""
    ppr = ppr_of(p)
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    for old in ppr.findall(qn("w:keepNext")):
        ppr.remove(old)
    keep_next = el("w:keepNext", val="1" if keep else "0")
    style = ppr.find(qn("w:pStyle"))
    if style is None:
        ppr.insert(0, keep_next)
    else:
        style.addnext(keep_next)


def set_numbering(p: E, num_id: int, ilvl: int) -> None:
    """Give ``p`` a direct list reference (used where numbering must restart)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    existing = ppr.find(qn("w:numPr"))
    if existing is not None:
        ppr.remove(existing)
    numpr = el("w:numPr")
    el("w:ilvl", numpr, val=str(ilvl))
    el("w:numId", numpr, val=str(num_id))
    style = ppr.find(qn("w:pStyle"))
    # schema order: pStyle, keepNext, keepLines, pageBreakBefore, ..., numPr
    anchor = style if style is not None else None
    for name in ("w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl"):
        found = ppr.find(qn(name))
        if found is not None:
            anchor = found
    if anchor is None:
        ppr.insert(0, numpr)
    else:
        anchor.addnext(numpr)


_PPR, _PSTYLE, _VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_T, _TAB, _DEL_TEXT = qn("w:t"), qn("w:tab"), qn("w:delText")


def ppr_of(p: E) -> E | None:
    """A paragraph's properties, which the schema puts first. Read by index: ``find`` goes
    through lxml's Python-level path code, 8x slower, and a 1000-clause build asks 20,000 times."""
    first = p[0] if len(p) else None
    return first if first is not None and first.tag == _PPR else None


def style_of(p: E) -> str | None:
    ppr = ppr_of(p)
    first = ppr[0] if ppr is not None and len(ppr) else None  # pStyle, if any, comes first too
    return first.get(_VAL) if first is not None and first.tag == _PSTYLE else None


def text_of(element: E) -> str:
    """The visible text of a paragraph or run (tabs as spaces)."""
    return "".join(
        (node.text or "") if node.tag == _T else " " if node.tag == _TAB else ""
        for node in element.iter(_T, _TAB, _DEL_TEXT)
    )


def bookmark(p: E, name: str, bookmark_id: int) -> None:
    """Bookmark the whole content of paragraph ``p`` (what a REF field's ``\\r`` needs)."""
    start = el("w:bookmarkStart", id=str(bookmark_id), name=name)
    end = el("w:bookmarkEnd", id=str(bookmark_id))
    ppr = ppr_of(p)
    if ppr is None:
        p.insert(0, start)
    else:
        ppr.addnext(start)
    p.append(end)


def field_runs(instruction: str, cached: str, rpr: E | None = None) -> list[E]:
    """A complex field (begin, instruction, separate, cached result, end) as runs."""
    runs = []
    for kind in ("begin", None, "separate", "result", "end"):
        r = el("w:r")
        if rpr is not None:
            r.append(_copy(rpr))
        if kind == "result":
            t = el("w:t", r)
            t.text = cached
        elif kind is None:
            instr = el("w:instrText", r)
            instr.text = f" {instruction} "
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        else:
            el("w:fldChar", r, fldCharType=kind)
        runs.append(r)
    return runs


def _copy(element: E) -> E:
    return etree.fromstring(etree.tostring(element))


def footnote_reference(note_id: int) -> E:
    """A footnote's mark in the text: superscript by direct formatting, so a house style needs no
    footnote styles."""
    r = el("w:r")
    el("w:vertAlign", el("w:rPr", r), val="superscript")
    el("w:footnoteReference", r, id=str(note_id))
    return r


def footnotes_part(texts: list[str]) -> E:
    """``word/footnotes.xml``: the separator notes Word expects (ids -1 and 0), then one note per
    text, numbered from 1, each starting with its own mark."""
    root = etree.Element(qn("w:footnotes"), nsmap={"w": W})
    for note_id, kind in ((-1, "separator"), (0, "continuationSeparator")):
        note = el("w:footnote", root, type=kind, id=str(note_id))
        el(f"w:{kind}", el("w:r", el("w:p", note)))
    for note_id, text in enumerate(texts, start=1):
        p = el("w:p", el("w:footnote", root, id=str(note_id)))
        mark = el("w:r", p)
        el("w:vertAlign", el("w:rPr", mark), val="superscript")
        el("w:footnoteRef", mark)
        small = el("w:rPr")
        el("w:sz", small, val="18")
        p.append(run(" " + text, rpr=small))
    return root


def space_before(p: E, twips: int) -> None:
    """Space above ``p`` by direct formatting (a block that starts a group: a notice, a signature)."""
    el("w:spacing", ppr_of(p), before=str(twips))


def restyle(p: E, style: str) -> None:
    """Give a styled paragraph ``style`` instead (an unstyled one is left as it is)."""
    found = p.find(f"{_PPR}/{_PSTYLE}")
    if found is not None:
        found.set(_VAL, style)


def with_char_style(rpr: E | None, style: str) -> E:
    """A copy of run properties with character style ``style`` (first, as the schema requires)."""
    new = _copy(rpr) if rpr is not None else el("w:rPr")
    for old in new.findall(qn("w:rStyle")):
        new.remove(old)
    new.insert(0, el("w:rStyle", val=style))
    return new


def markup_run(xml_text: str) -> E:
    """A run of text already escaped for XML (it may hold the engine's marker characters)."""
    wrapped = f'{WRAPPER_OPEN}<w:r><w:t xml:space="preserve">{xml_text}</w:t></w:r>{WRAPPER_CLOSE}'
    return parse_xml(wrapped)[0]


def markup_paragraph(style: str | None, xml_text: str) -> E:
    """A paragraph of ``style`` from text already escaped for XML (it may hold markers)."""
    p = paragraph(style)
    p.append(markup_run(xml_text))
    return p


def comment_anchor(p: E, comment_id: int, style: str) -> None:
    """Anchor comment ``comment_id`` on the whole of ``p`` (after its properties), with its mark
    in a run of character style ``style`` at the end."""
    p.find(_PPR).addnext(el("w:commentRangeStart", id=str(comment_id)))
    p.append(el("w:commentRangeEnd", id=str(comment_id)))
    reference = el("w:r", p)
    el("w:rStyle", el("w:rPr", reference), val=style)
    el("w:commentReference", reference, id=str(comment_id))


def texts_of(root: E) -> list[E]:
    """The text elements under ``root``, in order (their ``.text`` may be rewritten)."""
    return list(root.iter(_T))


def run_of(text: E) -> E:
    """The run a text element is in."""
    return text.getparent()


def run_props(r: E) -> E | None:
    return r.find(qn("w:rPr"))


def replace_run(r: E, runs: list[E]) -> None:
    """Put ``runs`` where ``r`` was; anything else ``r`` held besides its text (a tab, a break)
    follows in a run of its own with ``r``'s properties, keeping its place after the text."""
    rpr = run_props(r)
    for child in [c for c in r if c.tag not in (qn("w:rPr"), _T)]:
        extra = el("w:r")
        if rpr is not None:
            extra.append(_copy(rpr))
        extra.append(child)
        runs = [*runs, extra]
    parent = r.getparent()
    position = parent.index(r)
    parent.remove(r)
    for offset, new in enumerate(runs):
        parent.insert(position + offset, new)
