"""What Word writes in a clause fragment, reduced to the WordprocessingML a clause keeps.

The import policy (which styles a clause may use, what a template tag is, which problems are
errors) is the bank's (:mod:`assembler.bank.fragment`); these functions only read and rewrite the
element tree, reporting what they changed as notes a drafter can read. This module reads the
parts beside the body and cleans its blocks; paragraphs and runs are
:mod:`~assembler.oxml.fragment_paragraphs`', tables :mod:`~assembler.oxml.fragment_tables`'.
"""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

from assembler.oxml.fragment_paragraphs import (
    FIELDS_NOTE,
    KEPT_RUN_PROPS,
    MOVE_RANGES,
    accept_revisions,
    clean_run,
    drop_list,
    list_key,
    merge_runs,
    paragraph_style,
    runs_of,
    set_only_style,
)
from assembler.oxml.fragment_tables import (
    CELL_PROPS,
    OFF,
    ROW_PROPS,
    clean_cell,
    clean_row,
    ensure_grid,
    has_header_row,
    repeat_as_header,
    rows_of,
    set_table_style,
)
from assembler.oxml.ns import NS, qn
from assembler.oxml.text import text_of

E: TypeAlias = etree._Element

#: Its own functions and its parts', so ``fragment.merge_runs`` reads as it always has.
__all__ = [
    "CELL_PROPS",
    "FIELDS_NOTE",
    "KEPT_NAMESPACES",
    "KEPT_RUN_PROPS",
    "MC",
    "MOVE_RANGES",
    "NOISE",
    "OFF",
    "REFUSED",
    "ROW_PROPS",
    "accept_revisions",
    "blocks_of",
    "clean",
    "clean_cell",
    "clean_row",
    "clean_run",
    "drop_list",
    "ensure_grid",
    "footnote_references",
    "footnote_texts",
    "foreign_content",
    "has_alternate_without_fallback",
    "has_header_row",
    "kind_of",
    "list_formats",
    "list_key",
    "merge_runs",
    "paragraph_style",
    "repeat_as_header",
    "replace_run",
    "replace_with_children",
    "replace_with_text",
    "resolve_alternate_content",
    "rows_of",
    "runs_of",
    "set_only_style",
    "set_table_style",
    "style_names",
    "unwrap_content_controls",
    "xml_of",
]

#: Elements Word writes that carry no content: spelling marks, revision-save ids and so on.
NOISE = ("w:proofErr", "w:lastRenderedPageBreak", "w:softHyphen", "w:permStart", "w:permEnd")
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

_P, _R, _T, _TBL, _RPR, _VAL = (
    qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tbl"), qn("w:rPr"), qn("w:val"),
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
