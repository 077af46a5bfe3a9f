"""Import a Word fragment: read the .docx safely and normalise what Word writes into a Jinja template.

Word splits ``{{ party('la').name }}`` over several runs (spell-check marks, revision ids, a change of
formatting half way), curls the quotes inside tags, and writes list numbering as direct formatting.
The importer fixes all of that on the element tree and reports what it changed. docxtpl's
``patch_xml`` does the run joining with regular expressions over the XML text, which silently drops
the formatting of every run inside a tag and mis-handles ``<`` and ``>`` in tags; we do it on the tree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.ns import NS, qn
from assembler.oxml.reader import WordPackage, parse_part
from assembler.oxml.text import text_of
from assembler.template.sandbox import END, MARK, SEP

E: TypeAlias = etree._Element

#: Bounds on a fragment package: a clause is a few kilobytes of XML.
MAX_FRAGMENT_BYTES = 5_000_000

#: House styles a fragment may use: paragraph styles (the table ones only in table cells),
#: character styles, and the table style every table is given.
PARAGRAPH_STYLES = frozenset({
    "Clause2", "Clause3", "Clause4", "BodyText", "BodyText2", "ListBullet",
    "ScheduleClause1", "SchedulePart", "Definition", "TableText", "TableHeading",
})  # fmt: skip
TABLE_STYLES = frozenset({"TableText", "TableHeading"})
CHARACTER_STYLES = frozenset({"DefinedTerm", "Placeholder"})
HOUSE_TABLE = "HouseTable"
#: The width shared out between the columns of a table written without a grid, in twips (A4 with
#: one-inch margins); the table itself is laid out at the full text width.
GRID_WIDTH = 9026
#: The values that switch a WordprocessingML toggle off.
OFF = ("false", "0", "off")
#: House styles that carry their own list numbering.
LISTED_STYLES = {"Clause2", "Clause3", "Clause4", "ListBullet", "ScheduleClause1"}
#: Direct list formatting (Word's list buttons) mapped onto house styles by number format.
LIST_FORMATS = {
    "decimal": "Clause2",
    "lowerLetter": "Clause3",
    "lowerRoman": "Clause4",
    "bullet": "ListBullet",
}
#: Run properties kept from a fragment; fonts, sizes and colours come from the house style.
KEPT_RUN_PROPS = ("w:rStyle", "w:b", "w:i", "w:u", "w:caps", "w:smallCaps", "w:vertAlign")
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

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
#: A table row holding ``{%tr for k in deal.kpis %}`` (docxtpl's convention) becomes that tag.
ROW_TAG = re.compile(r"\{%tr\s.*?%\}", re.S)
#: docxtpl's ``{%tr`` and ``{%p`` prefixes: the tag is whole rows or paragraphs, as ours are.
DOCXTPL_TAG = re.compile(r"\{%(?:tr|p)(?=\s)")
BLOCK_ONLY = re.compile(r"^\s*(\{%(?:(?!%\}).)*%\}\s*)+$", re.S)
CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(slots=True)
class Fragment:
    """A fragment ready to compile: Jinja source over WordprocessingML, and what import changed."""

    source: str
    notes: list[str] = field(default_factory=list)
    #: The Word paragraph number of each line of ``source`` (for locating template errors).
    paragraphs: list[int] = field(default_factory=list)


#: The bank's mapping of styles a fragment may use that the house style lacks (by style id or
#: name: LibreOffice's "Internet Link") onto house style ids; None drops the style.
StyleMap: TypeAlias = Mapping[str, str | None]


@dataclass(slots=True)
class _Import:
    """What the normalising steps of one import share: where, the fragment's own lists and style
    names, the bank's style mapping, and the notes on what changed."""

    path: Path
    list_formats: dict[tuple[str, str], str]
    style_names: dict[str, str]
    styles: StyleMap  # keyed by _style_key
    #: footnote id -> its text, from word/footnotes.xml
    footnotes: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def fail(self, rule: str, message: str, hint: str | None = None) -> AssemblerError:
        return AssemblerError(Diagnostic(rule, message, str(self.path), hint=hint))


def read_part(path: Path, part: str, *, required: bool = True) -> bytes | None:
    """One part of a .docx package, through the engine's one hardened reader."""
    return WordPackage.open(path, "frag", MAX_FRAGMENT_BYTES).read(part, required=required)


def _parse(data: bytes, path: Path, part: str) -> E:
    return parse_part(data, str(path), part, "frag")


def import_fragment(path: Path, styles: StyleMap | None = None) -> Fragment:
    """Read ``path`` and return its body as a normalised Jinja template over WordprocessingML.

    ``styles`` is the bank's style mapping (``styles:`` in bank.yaml); a style that is neither a
    house style nor mapped is refused, so no output ever names a style the house lacks.
    """
    document = _parse(read_part(path, "word/document.xml") or b"", path, "word/document.xml")
    numbering_data = read_part(path, "word/numbering.xml", required=False)
    styles_data = read_part(path, "word/styles.xml", required=False)
    footnotes_data = read_part(path, "word/footnotes.xml", required=False)
    job = _Import(
        path,
        _list_formats(_parse(numbering_data, path, "word/numbering.xml")) if numbering_data else {},
        _style_names(_parse(styles_data, path, "word/styles.xml")) if styles_data else {},
        {_style_key(k): v for k, v in (styles or {}).items()},
        _footnotes(_parse(footnotes_data, path, "word/footnotes.xml")) if footnotes_data else {},
    )
    body = document.find(qn("w:body"))
    if body is None:
        raise job.fail("E-frag-03", "word/document.xml has no body")
    _resolve_alternate_content(body, job)
    pieces: list[str] = []
    numbers: list[int] = []
    for index, block in enumerate(_blocks(body, job), start=1):
        _refuse_foreign_content(block, job, index)
        _inline_footnotes(block, job, index)
        _clean(block, job)
        if block.tag == qn("w:tbl"):
            piece = _table_source(block, job, index)
        elif block.tag == qn("w:p"):
            piece = _paragraph_source(block, job, index)
        else:
            local = etree.QName(block).localname
            raise job.fail(
                "E-frag-07",
                f"block {index} is a <w:{local}>; fragments hold paragraphs and tables only",
                hint="remove the content control or frame, keeping its text",
            )
        if piece:
            pieces.append(piece)
            numbers.append(index)
    return Fragment(_strip_namespaces("\n".join(pieces)), sorted(set(job.notes)), numbers)


def _style_names(styles: E) -> dict[str, str]:
    """style id -> the name a user sees in Word ("InternetLink" -> "Internet Link")."""
    names = {}
    for style in styles.iter(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None and style.get(qn("w:styleId")):
            names[style.get(qn("w:styleId"))] = name.get(qn("w:val"))
    return names


def _blocks(body: E, job: _Import) -> list[E]:
    """The body's paragraphs and tables, the section properties and loose bookmarks left."""
    _unwrap_content_controls(body, job)
    skipped = (qn("w:sectPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"))
    return [block for block in body if block.tag not in skipped]


def _unwrap_content_controls(container: E, job: _Import) -> None:
    """Content controls around paragraphs, rows or cells (Word's cover pages, building blocks,
    repeating sections) give way to their content."""
    for sdt in list(container.iterchildren(qn("w:sdt"))):
        content = sdt.find(qn("w:sdtContent"))
        if content is None:
            container.remove(sdt)
        else:
            _replace_with_children(sdt, content)
        job.notes.append("removed content controls, keeping their text")
    if container.find(qn("w:sdt")) is not None:  # a control inside a control
        _unwrap_content_controls(container, job)


def _resolve_alternate_content(body: E, job: _Import) -> None:
    """``mc:AlternateContent`` becomes its ``mc:Fallback`` (what Word 2007 would read); one
    without a fallback is refused, since the engine cannot know what it holds."""
    for alternate in list(body.iter(f"{{{MC}}}AlternateContent")):
        fallback = alternate.find(f"{{{MC}}}Fallback")
        if fallback is None:
            raise job.fail(
                "E-frag-11",
                "the fragment holds Word 2010+ alternate content with no fallback "
                "(a shape, text box or equation)",
                hint="keep clause text only; delete the object in Word",
            )
        _replace_with_children(alternate, fallback)
        job.notes.append("resolved Word 2010+ alternate content to its fallback")


def _list_formats(numbering: E) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> numFmt for the fragment's own list definitions."""
    abstract = {}
    for node in numbering.iter(qn("w:abstractNum")):
        for lvl in node.iter(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            key = (node.get(qn("w:abstractNumId")), lvl.get(qn("w:ilvl")))
            abstract[key] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
    formats = {}
    for num in numbering.iter(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for (abstract_id, ilvl), fmt in abstract.items():
            if abstract_id == ref.get(qn("w:val")):
                formats[(num.get(qn("w:numId")), ilvl)] = fmt
    return formats


#: Content that lives in other parts of the package (media, notes) and would dangle if copied.
REFUSED = {
    "w:drawing": "an image",
    "w:pict": "an image",
    "w:object": "an embedded object",
    "w:endnoteReference": "an endnote",
    "w:altChunk": "an embedded document",
}


def _footnotes(footnotes: E) -> dict[str, str]:
    """Footnote id -> its text (paragraphs joined by a space), separators left out."""
    return {
        note.get(qn("w:id")): " ".join(
            " ".join(text_of(p).split()) for p in note.iter(qn("w:p")) if text_of(p).strip()
        )
        for note in footnotes.iter(qn("w:footnote"))
        if note.get(qn("w:type")) in (None, "normal")
    }


def _inline_footnotes(block: E, job: _Import, index: int) -> None:
    """A footnote reference becomes a footnote marker holding the note's text (plain text and
    placeholders); the engine writes the footnote, numbered, into the document's own notes."""
    for reference in list(block.iter(qn("w:footnoteReference"))):
        text = job.footnotes.get(reference.get(qn("w:id")) or "")
        if not text or any(c in text for c in (MARK, SEP, END)) or "ref(" in text:
            raise job.fail(
                "E-frag-09",
                f"block {index} holds a footnote the engine cannot carry "
                + ("(a cross-reference in it)" if text else "(its text is missing)"),
                hint="a footnote holds plain text and placeholders; put references in the clause",
            )
        run = reference.getparent()
        marker = etree.Element(qn("w:r"))
        # the note goes through the footnote filter, so its marker is one a helper issued (a
        # marker written into the template itself would be refused as forged)
        etree.SubElement(marker, qn("w:t")).text = f"{{% filter footnote %}}{text}{{% endfilter %}}"
        run.addnext(marker)
        run.getparent().remove(run)
        job.notes.append("kept footnotes as plain text (formatting inside a footnote dropped)")


def _refuse_foreign_content(block: E, job: _Import, index: int) -> None:
    for tag, what in REFUSED.items():
        if block.find(f".//{qn(tag)}") is not None:
            raise job.fail(
                "E-frag-09",
                f"block {index} holds {what}, which a clause fragment cannot carry "
                "(it lives in another part of the Word file)",
                hint="keep clause text only; put images in the house style",
            )


def _clean(block: E, job: _Import) -> None:
    """Drop what carries no content: spelling marks, bookmarks (Word's ``_GoBack``; the engine
    adds its own), revision-save ids, empty runs, and the markup of Word 2010+ (``w14:paraId``,
    ``w14:textId``, w15/w16 extensions), which a fragment does not declare once inlined."""
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
    for r in list(block.iter(qn("w:r"))):
        if all(child.tag == qn("w:rPr") for child in r):
            r.getparent().remove(r)
    if foreign:
        job.notes.append(
            "dropped markup a clause cannot carry (Word 2010+ paragraph ids, w14/w15/w16 "
            "extensions, links to other parts of the file)"
        )


def _paragraph_source(p: E, job: _Import, index: int) -> str:
    """The paragraph as template source: its XML, or a bare tag if the tag is all it holds."""
    text = _normalise_paragraph(p, job, index, in_table=False)
    tag = _tag_only(text)
    if tag is not None:
        return tag
    if text.strip():
        return _jinja_safe(etree.tostring(p, encoding="unicode")).replace("\n", " ")
    return ""


def _tag_only(text: str) -> str | None:
    """The tags of a paragraph whose whole text is block tags, as template source."""
    return DOCXTPL_TAG.sub("{%", text.strip().translate(CURLY)) if BLOCK_ONLY.match(text) else None


def _normalise_paragraph(p: E, job: _Import, index: int, in_table: bool) -> str:
    _unwrap_tracked_and_hyperlinks(p, job.notes)
    _normalise_style(p, job, index, in_table)
    for r in p.iter(qn("w:r")):
        _clean_run_props(r, job, index)
    _merge_runs(p)
    return text_of(p)


def _unwrap_tracked_and_hyperlinks(p: E, notes: list[str]) -> None:
    """Accept tracked insertions and moves, drop tracked deletions, keep the text of smart tags,
    custom XML and links, and the shown text of fields (cross-references are the engine's)."""
    for deleted in list(p.iter(qn("w:del"), qn("w:moveFrom"))):
        deleted.getparent().remove(deleted)
        notes.append("accepted tracked changes")
    wrappers = ("w:ins", "w:moveTo", "w:smartTag", "w:customXml", "w:hyperlink", "w:sdtContent")
    for wrapper in list(p.iter(*(qn(w) for w in wrappers), qn("w:fldSimple"))):
        if wrapper.tag == qn("w:fldSimple"):
            notes.append(
                "replaced Word fields with the text they showed (use ref() for references)"
            )
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
    for r in list(p.iter(qn("w:r"))):
        if r.find(qn("w:commentReference")) is not None:
            r.getparent().remove(r)
            notes.append("removed comments (drafting notes belong in clause.yaml)")
    _flatten_fields(p, notes)


def _flatten_fields(p: E, notes: list[str]) -> None:
    """A complex field keeps only its result runs: the instruction (a REF to a bookmark the
    fragment does not carry, a PAGE) would not work in the assembled document."""
    in_instruction = False
    for r in list(p.iter(qn("w:r"))):
        mark = r.find(qn("w:fldChar"))
        kind = mark.get(qn("w:fldCharType")) if mark is not None else None
        if kind == "begin":
            in_instruction = True
            notes.append(
                "replaced Word fields with the text they showed (use ref() for references)"
            )
        elif kind == "separate":
            in_instruction = False
        if kind is not None or in_instruction or r.find(qn("w:instrText")) is not None:
            r.getparent().remove(r)


def _normalise_style(p: E, job: _Import, index: int, in_table: bool) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        p.insert(0, ppr)
    style_el = ppr.find(qn("w:pStyle"))
    style = style_el.get(qn("w:val")) if style_el is not None else None
    numpr = ppr.find(qn("w:numPr"))
    if numpr is not None and style in LISTED_STYLES:
        # LibreOffice (and Word after some edits) repeats the style's own list as direct
        # formatting; the house style already numbers the paragraph.
        ppr.remove(numpr)
        numpr = None
    if numpr is not None:
        style = _list_style(numpr, job, index)
    house = _house_style(style, PARAGRAPH_STYLES, job, f"paragraph {index}")
    house = house or ("TableText" if in_table else "BodyText")
    if house in TABLE_STYLES and not in_table:
        job.notes.append(f"replaced {house} outside a table with Body Text")
        house = "BodyText"
    if any(child.tag not in (qn("w:pStyle"), qn("w:rPr")) for child in ppr):
        job.notes.append("removed direct paragraph formatting")
    for child in list(ppr):
        ppr.remove(child)
    etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), house)


def _list_style(numpr: E, job: _Import, index: int) -> str:
    """The house style for Word's list buttons (direct numbering), by the list's number format."""
    num_id = numpr.find(qn("w:numId"))
    ilvl = numpr.find(qn("w:ilvl"))
    key = (
        num_id.get(qn("w:val")) if num_id is not None else "0",
        ilvl.get(qn("w:val")) if ilvl is not None else "0",
    )
    fmt = job.list_formats.get(key)
    mapped = LIST_FORMATS.get(fmt or "")
    if mapped is None:
        raise job.fail(
            "E-frag-08",
            f"paragraph {index} has direct list numbering ({fmt or 'unknown format'}) "
            "that has no house style",
            hint="apply the Clause 2/3/4 or List Bullet style instead of the list button",
        )
    job.notes.append("mapped direct list numbering onto house styles")
    return mapped


def _house_style(style: str | None, house: frozenset[str], job: _Import, where: str) -> str | None:
    """``style`` if the house defines it, else what the bank maps it to (by id, then by the name
    Word shows); None for no style or a style mapped away. Anything else is refused by name."""
    if style is None or style in house:
        return style
    name = job.style_names.get(style, style)
    for key in (_style_key(style), _style_key(name)):
        if key in job.styles:
            mapped = job.styles[key]
            if mapped is not None and mapped not in house:
                raise job.fail(
                    "E-frag-10",
                    f"{where}: the bank maps style {name!r} to {mapped!r}, "
                    "which is not a house style a fragment may use",
                    hint="fix styles: in bank.yaml (see docs/authoring.md)",
                )
            job.notes.append(f"mapped style {name!r} to {mapped or 'no style'} (bank.yaml)")
            return mapped
    raise job.fail(
        "E-frag-10",
        f"{where} uses the style {name!r}, which the house style does not define",
        hint="apply a house style (docs/authoring.md), or map the style in bank.yaml styles:",
    )


def _style_key(style: str) -> str:
    """Style ids and names compared as Word compares them: "First Paragraph" is FirstParagraph."""
    return "".join(style.split()).casefold()


def _clean_run_props(r: E, job: _Import, index: int) -> None:
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        return
    kept = {qn(name) for name in KEPT_RUN_PROPS}
    dropped = [child for child in rpr if child.tag not in kept]
    for child in dropped:
        rpr.remove(child)
    if any(etree.QName(c).localname not in ("lang", "noProof", "bCs", "iCs") for c in dropped):
        job.notes.append("removed direct character formatting (fonts, sizes, colours)")
    style_el = rpr.find(qn("w:rStyle"))
    if style_el is not None:
        house = _house_style(style_el.get(qn("w:val")), CHARACTER_STYLES, job, f"paragraph {index}")
        if house is None:
            rpr.remove(style_el)
        else:
            style_el.set(qn("w:val"), house)
    if len(rpr) == 0:
        r.remove(rpr)


def _table_source(tbl: E, job: _Import, index: int) -> str:
    """The table as template source (empty if its rows were all tags and no tag was left)."""
    _normalise_table(tbl, job, index)
    if tbl.find(qn("w:tr")) is None and not (tbl.text or "").strip():
        return ""
    return _jinja_safe(etree.tostring(tbl, encoding="unicode")).replace("\n", " ")


def _row_tags(tbl: E) -> None:
    """Rows marked ``{%tr ... %}`` give way to their tags, so a loop or condition repeats or
    drops the rows between them."""
    for row in list(tbl.iterchildren(qn("w:tr"))):
        tags = ROW_TAG.findall(text_of(row))
        if tags:
            _replace_with_text(row, "".join(DOCXTPL_TAG.sub("{%", t) for t in tags))


def _normalise_table(tbl: E, job: _Import, index: int) -> None:
    """House table style, full width; the first row repeats as a header unless the author
    marked header rows (or it is inside a row loop); merged cells and column widths kept."""
    old = tbl.find(qn("w:tblPr"))
    style = old.find(qn("w:tblStyle")) if old is not None else None
    if style is None or style.get(qn("w:val")) != HOUSE_TABLE:
        job.notes.append(f"applied the house table style {HOUSE_TABLE}")
    if old is not None:
        tbl.remove(old)
    props = etree.Element(qn("w:tblPr"))
    etree.SubElement(props, qn("w:tblStyle")).set(qn("w:val"), HOUSE_TABLE)
    width = etree.SubElement(props, qn("w:tblW"))
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    etree.SubElement(props, qn("w:tblLook")).set(qn("w:val"), "0420")  # header row, no banding
    tbl.insert(0, props)
    _unwrap_content_controls(tbl, job)
    if tbl.find(qn("w:tblGrid")) is None:
        props.addnext(_grid(tbl))
    rows = list(tbl.iterchildren(qn("w:tr")))
    for row in rows:
        _unwrap_content_controls(row, job)
        _keep_only(row, "w:trPr", ("w:cantSplit", "w:tblHeader"))
        for child in row.findall(qn("w:tblPrEx")):
            row.remove(child)
        for cell in row.iterchildren(qn("w:tc")):
            _keep_only(cell, "w:tcPr", ("w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:vAlign"))
            _normalise_cell(cell, job, index)
    _row_tags(tbl)
    rows = list(tbl.iterchildren(qn("w:tr")))
    if rows and not any(r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for r in rows):
        before = rows[0].getprevious()
        if before is not None and (before.tail or "").strip():
            return  # the first row is inside a loop or condition: not a header
        props = rows[0].find(qn("w:trPr"))
        if props is None:
            props = etree.Element(qn("w:trPr"))
            rows[0].insert(0, props)
        etree.SubElement(props, qn("w:tblHeader"))


def _grid(tbl: E) -> E:
    """Equal columns for a table written without a grid (the schema requires one)."""
    columns = max((_columns(row) for row in tbl.iterchildren(qn("w:tr"))), default=1)
    grid = etree.Element(qn("w:tblGrid"))
    for _ in range(columns):
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(GRID_WIDTH // columns))
    return grid


def _columns(row: E) -> int:
    """How many grid columns ``row`` spans (a merged cell counts its ``w:gridSpan``)."""
    total = 0
    for cell in row.iterchildren(qn("w:tc")):
        span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        total += int(span.get(qn("w:val")) or 1) if span is not None else 1
    return total


def _normalise_cell(cell: E, job: _Import, index: int) -> None:
    _unwrap_content_controls(cell, job)
    for block in list(cell):
        if block.tag == qn("w:p"):
            text = _normalise_paragraph(block, job, index, in_table=True)
            tag = _tag_only(text)
            if tag is not None and not ROW_TAG.search(text):  # a row's tags go with its row
                _replace_with_text(block, tag)
        elif block.tag == qn("w:tbl"):
            _normalise_table(block, job, index)
        elif block.tag != qn("w:tcPr"):
            local = etree.QName(block).localname
            raise job.fail(
                "E-frag-07",
                f"a table cell in block {index} holds a <w:{local}>; cells hold paragraphs "
                "and tables only",
            )


def _keep_only(parent: E, props_tag: str, kept: tuple[str, ...]) -> None:
    """Of ``parent``'s property element, keep the children named in ``kept`` (a toggle switched
    off, as LibreOffice writes ``<w:tblHeader w:val="false"/>``, is dropped); drop it if empty."""
    props = parent.find(qn(props_tag))
    if props is None:
        return
    names = {qn(k) for k in kept}
    for child in list(props):
        if child.tag not in names or child.get(qn("w:val")) in OFF:
            props.remove(child)
    if len(props) == 0:
        parent.remove(props)


def _replace_with_children(element: E, source: E) -> None:
    """Put the children of ``source`` where ``element`` was."""
    parent = element.getparent()
    position = parent.index(element)
    for child in list(source):
        parent.insert(position, child)
        position += 1
    parent.remove(element)


def _replace_with_text(element: E, text: str) -> None:
    """Put ``text`` (a template tag) where ``element`` was, as text between its neighbours."""
    text += element.tail or ""
    parent = element.getparent()
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


def _props_key(r: E) -> bytes:
    rpr = r.find(qn("w:rPr"))
    return etree.tostring(rpr) if rpr is not None else b""


def _merge_runs(p: E) -> None:
    """Join neighbouring plain-text runs with the same formatting, then join any runs a tag spans."""
    runs = [r for r in p if r.tag == qn("w:r") and _is_text_run(r)]
    previous = None
    for r in runs:
        if (
            previous is not None
            and r.getprevious() is previous
            and _props_key(r) == _props_key(previous)
        ):
            _append_text(previous, _run_text(r))
            p.remove(r)
            continue
        previous = r
    _join_split_tags(p)


def _join_split_tags(p: E) -> None:
    """A tag still spread over runs with different formatting goes whole into its first run."""
    runs = [r for r in p if r.tag == qn("w:r") and _is_text_run(r)]
    i = 0
    while i < len(runs):
        text = _run_text(runs[i])
        open_at = _unclosed_tag(text)
        j = i + 1
        while open_at is not None and j < len(runs):
            text += _run_text(runs[j])
            p.remove(runs[j])
            j += 1
            open_at = _unclosed_tag(text)
        _set_text(runs[i], text)
        runs = runs[: i + 1] + runs[j:]
        i += 1


def _unclosed_tag(text: str) -> int | None:
    """Index of a ``{{``/``{%``/``{#`` without its closer, or None."""
    position = 0
    while True:
        starts = [
            (text.find(o, position), c) for o, c in (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
        ]
        starts = [(s, c) for s, c in starts if s >= 0]
        if not starts:
            return None
        start, closer = min(starts)
        end = text.find(closer, start + 2)
        if end < 0:
            return start
        position = end + 2


def _is_text_run(r: E) -> bool:
    return all(child.tag in (qn("w:rPr"), qn("w:t")) for child in r)


def _run_text(r: E) -> str:
    return "".join(t.text or "" for t in r.iter(qn("w:t")))


def _set_text(r: E, text: str) -> None:
    for t in list(r.iter(qn("w:t"))):
        r.remove(t)
    t = etree.SubElement(r, qn("w:t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _append_text(r: E, text: str) -> None:
    _set_text(r, _run_text(r) + text)


def _jinja_safe(xml: str) -> str:
    """Inside tags, undo XML escaping (``&gt;``) and Word's curly quotes, so Jinja reads them."""
    return TAG.sub(lambda m: html.unescape(m.group(0)).translate(CURLY), xml)


def _strip_namespaces(xml: str) -> str:
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)
