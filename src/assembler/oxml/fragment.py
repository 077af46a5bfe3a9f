"""What Word writes in a clause fragment, reduced to the WordprocessingML a clause keeps.

The import policy (which styles a clause may use, what a template tag is, which problems are
errors) is the bank's (:mod:`assembler.bank.fragment`); these functions only read and rewrite the
element tree, reporting what they changed as notes a drafter can read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeAlias

from lxml import etree

from assembler.oxml.body import cells_of
from assembler.oxml.ns import NS, qn
from assembler.oxml.text import text_of

E: TypeAlias = etree._Element

#: The values that switch a WordprocessingML toggle off.
OFF = ("false", "0", "off")
#: Run properties kept from a fragment; fonts, sizes and colours come from the house style.
KEPT_RUN_PROPS = ("w:rStyle", "w:b", "w:i", "w:u", "w:caps", "w:smallCaps", "w:vertAlign")
#: Dropped run properties that change nothing a reader sees, so dropping them goes unremarked.
_INVISIBLE_RUN_PROPS = ("lang", "noProof", "bCs", "iCs")
#: Elements Word writes that carry no content: spelling marks, revision-save ids and so on.
NOISE = ("w:proofErr", "w:lastRenderedPageBreak", "w:softHyphen", "w:permStart", "w:permEnd")
#: The bounds of a tracked move, which go with the move itself.
MOVE_RANGES = (
    "w:moveFromRangeStart",
    "w:moveFromRangeEnd",
    "w:moveToRangeStart",
    "w:moveToRangeEnd",
)
#: Namespaces a normalised fragment keeps. Word 2010+ markup (w14:paraId on every paragraph,
#: w15/w16 extensions) is dropped: it is declared on the fragment's root, which is not copied.
KEPT_NAMESPACES = {NS["w"], NS["xml"]}
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
#: Content that lives in other parts of the package (media, notes) and would dangle if copied.
REFUSED = {
    "w:drawing": "an image",
    "w:pict": "an image",
    "w:object": "an embedded object",
    "w:endnoteReference": "an endnote",
    "w:altChunk": "an embedded document",
}
#: Row and cell properties a table keeps (merged cells, widths, header rows).
ROW_PROPS = ("w:cantSplit", "w:tblHeader")
CELL_PROPS = ("w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:vAlign")
FIELDS_NOTE = "replaced Word fields with the text they showed (use ref() for references)"

_P, _R, _T, _TBL, _TR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tbl"), qn("w:tr")
_PPR, _RPR, _PSTYLE, _RSTYLE, _VAL = (
    qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:rStyle"), qn("w:val"),
)  # fmt: skip


# -- the parts beside the body ---------------------------------------------------------------------


def style_names(styles: E) -> dict[str, str]:
    """style id -> the name a user sees in Word ("InternetLink" -> "Internet Link")."""
    names = {}
    for style in styles.iter(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None and style.get(qn("w:styleId")):
            names[style.get(qn("w:styleId"))] = name.get(_VAL)
    return names


def list_formats(numbering: E) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> numFmt for the fragment's own list definitions."""
    abstract = {}
    for node in numbering.iter(qn("w:abstractNum")):
        for lvl in node.iter(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            key = (node.get(qn("w:abstractNumId")), lvl.get(qn("w:ilvl")))
            abstract[key] = fmt.get(_VAL) if fmt is not None else "decimal"
    formats = {}
    for num in numbering.iter(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for (abstract_id, ilvl), fmt in abstract.items():
            if abstract_id == ref.get(_VAL):
                formats[(num.get(qn("w:numId")), ilvl)] = fmt
    return formats


def footnote_texts(footnotes: E) -> dict[str, str]:
    """Footnote id -> its text (paragraphs joined by a space), separators left out."""
    return {
        note.get(qn("w:id")): " ".join(
            " ".join(text_of(p).split()) for p in note.iter(_P) if text_of(p).strip()
        )
        for note in footnotes.iter(qn("w:footnote"))
        if note.get(qn("w:type")) in (None, "normal")
    }


# -- the body's blocks -----------------------------------------------------------------------------


def blocks_of(body: E) -> list[E]:
    """The body's paragraphs and tables (and anything else), without the section properties and
    loose bookmarks."""
    skipped = (qn("w:sectPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"))
    return [block for block in body if block.tag not in skipped]


def kind_of(block: E) -> str:
    """ "p", "tbl", or the local name of anything else a body or cell holds ("sdt", "tcPr"); a
    paragraph or table of another namespace is neither."""
    if block.tag in (_P, _TBL):
        return "p" if block.tag == _P else "tbl"
    local = etree.QName(block).localname
    return local if local not in ("p", "tbl") else f"{local} of another namespace"


def unwrap_content_controls(container: E) -> bool:
    """Content controls around paragraphs, rows or cells (Word's cover pages, building blocks,
    repeating sections) give way to their content. True if there were any."""
    found = False
    for sdt in list(container.iterchildren(qn("w:sdt"))):
        content = sdt.find(qn("w:sdtContent"))
        if content is None:
            container.remove(sdt)
        else:
            replace_with_children(sdt, content)
        found = True
    if container.find(qn("w:sdt")) is not None:  # a control inside a control
        unwrap_content_controls(container)
    return found


def has_alternate_without_fallback(body: E) -> bool:
    """A Word 2010+ object (a shape, text box or equation) the engine cannot know the text of."""
    return any(
        alternate.find(f"{{{MC}}}Fallback") is None
        for alternate in body.iter(f"{{{MC}}}AlternateContent")
    )


def resolve_alternate_content(body: E) -> bool:
    """``mc:AlternateContent`` becomes its ``mc:Fallback`` (what Word 2007 would read); True if
    there was any. Check :func:`has_alternate_without_fallback` first."""
    found = False
    for alternate in list(body.iter(f"{{{MC}}}AlternateContent")):
        replace_with_children(alternate, alternate.find(f"{{{MC}}}Fallback"))
        found = True
    return found


def foreign_content(block: E) -> str | None:
    """What ``block`` holds that lives in another part of the package ("an image"), if anything."""
    for tag, what in REFUSED.items():
        if block.find(f".//{qn(tag)}") is not None:
            return what
    return None


def footnote_references(block: E) -> list[tuple[E, str]]:
    """(the run holding a footnote reference, the note's id) for each in ``block``."""
    return [
        (ref.getparent(), ref.get(qn("w:id")) or "")
        for ref in block.iter(qn("w:footnoteReference"))
    ]


def replace_run(run: E, text: str) -> None:
    """Put a plain run of ``text`` where ``run`` was."""
    marker = etree.Element(_R)
    etree.SubElement(marker, _T).text = text
    run.addnext(marker)
    run.getparent().remove(run)


def clean(block: E) -> bool:
    """Drop what carries no content: spelling marks, bookmarks (Word's ``_GoBack``; the engine
    adds its own), revision-save ids, empty runs, and the markup of Word 2010+ (``w14:paraId``,
    ``w14:textId``, w15/w16 extensions), which a fragment does not declare once inlined. True if
    markup of another namespace was dropped."""
    for node in list(
        block.iter(*(qn(n) for n in NOISE), qn("w:bookmarkStart"), qn("w:bookmarkEnd"))
    ):
        node.getparent().remove(node)
    foreign = False
    for node in list(block.iter()):
        if not isinstance(node.tag, str):
            continue
        if etree.QName(node).namespace not in KEPT_NAMESPACES:
            node.getparent().remove(node)
            foreign = True
            continue
        for attr in list(node.attrib):
            if "rsid" in attr:
                del node.attrib[attr]
            elif etree.QName(attr).namespace not in KEPT_NAMESPACES:
                del node.attrib[attr]
                foreign = True
    for r in list(block.iter(_R)):
        if all(child.tag == _RPR for child in r):
            r.getparent().remove(r)
    return foreign


def xml_of(block: E) -> str:
    """The block's XML as one line of text (a newline in it would break template line numbers)."""
    xml: str = etree.tostring(block, encoding="unicode")
    return xml.replace("\n", " ")


# -- paragraphs ------------------------------------------------------------------------------------


def accept_revisions(p: E, notes: list[str]) -> None:
    """Accept tracked insertions and moves, drop tracked deletions, comments and content
    controls, keep the text of smart tags, custom XML and links, and the shown text of fields
    (cross-references are the engine's)."""
    for deleted in list(p.iter(qn("w:del"), qn("w:moveFrom"))):
        deleted.getparent().remove(deleted)
        notes.append("accepted tracked changes")
    wrappers = ("w:ins", "w:moveTo", "w:smartTag", "w:customXml", "w:hyperlink", "w:sdtContent")
    for wrapper in list(p.iter(*(qn(w) for w in wrappers), qn("w:fldSimple"))):
        if wrapper.tag == qn("w:fldSimple"):
            notes.append(FIELDS_NOTE)
        parent = wrapper.getparent()
        position = parent.index(wrapper)
        for child in list(wrapper):
            if child.tag in (qn("w:smartTagPr"), qn("w:sdtPr"), qn("w:customXmlPr")):
                continue
            parent.insert(position, child)
            position += 1
        parent.remove(wrapper)
    removed = ("w:sdt", "w:commentRangeStart", "w:commentRangeEnd") + MOVE_RANGES
    for sdt in list(p.iter(*(qn(r) for r in removed))):
        sdt.getparent().remove(sdt)
    for r in list(p.iter(_R)):
        if r.find(qn("w:commentReference")) is not None:
            r.getparent().remove(r)
            notes.append("removed comments (drafting notes belong in clause.yaml)")
    _flatten_fields(p, notes)


def _flatten_fields(p: E, notes: list[str]) -> None:
    """A complex field keeps only its result runs: the instruction (a REF to a bookmark the
    fragment does not carry, a PAGE) would not work in the assembled document."""
    in_instruction = False
    for r in list(p.iter(_R)):
        mark = r.find(qn("w:fldChar"))
        kind = mark.get(qn("w:fldCharType")) if mark is not None else None
        if kind == "begin":
            in_instruction = True
            notes.append(FIELDS_NOTE)
        elif kind == "separate":
            in_instruction = False
        if kind is not None or in_instruction or r.find(qn("w:instrText")) is not None:
            r.getparent().remove(r)


def paragraph_style(p: E) -> str | None:
    """The style ``p`` names (giving it empty paragraph properties if it has none, which
    :func:`set_only_style` fills)."""
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    style = ppr.find(_PSTYLE)
    return style.get(_VAL) if style is not None else None


def list_key(p: E) -> tuple[str, str] | None:
    """(numId, ilvl) of the direct list numbering Word's list buttons give ``p``, if any."""
    numpr = p.find(f"{_PPR}/{qn('w:numPr')}")
    if numpr is None:
        return None
    num_id, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
    return (
        num_id.get(_VAL) if num_id is not None else "0",
        ilvl.get(_VAL) if ilvl is not None else "0",
    )


def drop_list(p: E) -> None:
    """Remove ``p``'s direct list numbering (its style numbers it already)."""
    ppr = p.find(_PPR)
    for numpr in ppr.findall(qn("w:numPr")) if ppr is not None else ():
        ppr.remove(numpr)


def set_only_style(p: E, style: str) -> bool:
    """Replace every paragraph property of ``p`` with ``style``; True if direct formatting (more
    than a style and the mark's run properties) was dropped."""
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    direct = any(child.tag not in (_PSTYLE, _RPR) for child in ppr)
    for child in list(ppr):
        ppr.remove(child)
    etree.SubElement(ppr, _PSTYLE).set(_VAL, style)
    return direct


def runs_of(p: E) -> Iterator[E]:
    yield from p.iter(_R)


def clean_run(r: E, restyle: Callable[[str], str | None]) -> bool:
    """Keep only the run properties a clause may carry, its character style mapped through
    ``restyle`` (None drops it); True if visible formatting (fonts, sizes, colours) went."""
    rpr = r.find(_RPR)
    if rpr is None:
        return False
    kept = {qn(name) for name in KEPT_RUN_PROPS}
    dropped = [child for child in rpr if child.tag not in kept]
    for child in dropped:
        rpr.remove(child)
    style_el = rpr.find(_RSTYLE)
    if style_el is not None:
        house = restyle(style_el.get(_VAL))
        if house is None:
            rpr.remove(style_el)
        else:
            style_el.set(_VAL, house)
    if len(rpr) == 0:
        r.remove(rpr)
    return any(etree.QName(c).localname not in _INVISIBLE_RUN_PROPS for c in dropped)


def merge_runs(p: E, unfinished: Callable[[str], bool]) -> None:
    """Join neighbouring plain-text runs with the same formatting; then a run whose text is
    ``unfinished`` (a template tag Word split over runs of different formatting) takes the text
    of the runs after it until it is not."""
    runs = _text_runs(p)
    previous = None
    for r in runs:
        if (
            previous is not None
            and r.getprevious() is previous
            and _props_key(r) == _props_key(previous)
        ):
            _set_text(previous, _run_text(previous) + _run_text(r))
            p.remove(r)
            continue
        previous = r
    runs = _text_runs(p)
    i = 0
    while i < len(runs):
        text = _run_text(runs[i])
        j = i + 1
        while unfinished(text) and j < len(runs):
            text += _run_text(runs[j])
            p.remove(runs[j])
            j += 1
        _set_text(runs[i], text)
        runs = runs[: i + 1] + runs[j:]
        i += 1


def _text_runs(p: E) -> list[E]:
    return [r for r in p if r.tag == _R and all(child.tag in (_RPR, _T) for child in r)]


def _props_key(r: E) -> bytes:
    rpr = r.find(_RPR)
    return etree.tostring(rpr) if rpr is not None else b""


def _run_text(r: E) -> str:
    return "".join(t.text or "" for t in r.iter(_T))


def _set_text(r: E, text: str) -> None:
    for t in list(r.iter(_T)):
        r.remove(t)
    t = etree.SubElement(r, _T)
    t.text = text
    t.set(qn("xml:space"), "preserve")


# -- tables ----------------------------------------------------------------------------------------


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


# -- moving things about ---------------------------------------------------------------------------


def replace_with_children(element: E, source: E) -> None:
    """Put the children of ``source`` where ``element`` was."""
    parent = element.getparent()
    position = parent.index(element)
    for child in list(source):
        parent.insert(position, child)
        position += 1
    parent.remove(element)


def replace_with_text(element: E, text: str) -> None:
    """Put ``text`` (a template tag) where ``element`` was, as text between its neighbours."""
    text += element.tail or ""
    parent = element.getparent()
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)
