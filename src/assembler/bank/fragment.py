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
from assembler.oxml import fragment as wx
from assembler.oxml import fragment_paragraphs as wp
from assembler.oxml import fragment_tables as wt
from assembler.oxml.body import body_of, cells_of
from assembler.oxml.reader import WordPackage, parse_part
from assembler.oxml.styles import Style
from assembler.oxml.text import text_of
from assembler.template.sandbox import END, MARK, SEP

E: TypeAlias = etree._Element

#: Bounds on a fragment package: a clause is a few kilobytes of XML.
MAX_FRAGMENT_BYTES = 5_000_000

#: House styles a fragment may use: paragraph styles (the table ones only in table cells),
#: character styles, and the table style every table is given.
PARAGRAPH_STYLES = frozenset({
    Style.CLAUSE_2, Style.CLAUSE_3, Style.CLAUSE_4, Style.BODY_TEXT, Style.BODY_TEXT_2, Style.LIST_BULLET,
    Style.SCHEDULE_CLAUSE_1, Style.SCHEDULE_PART, Style.DEFINITION, Style.TABLE_TEXT, Style.TABLE_HEADING,
})  # fmt: skip
TABLE_STYLES = frozenset({Style.TABLE_TEXT, Style.TABLE_HEADING})
CHARACTER_STYLES = frozenset({Style.DEFINED_TERM, Style.PLACEHOLDER})
HOUSE_TABLE = Style.HOUSE_TABLE
#: The width shared out between the columns of a table written without a grid, in twips (A4 with
#: one-inch margins); the table itself is laid out at the full text width.
GRID_WIDTH = 9026
#: House styles that carry their own list numbering.
LISTED_STYLES = {
    Style.CLAUSE_2,
    Style.CLAUSE_3,
    Style.CLAUSE_4,
    Style.LIST_BULLET,
    Style.SCHEDULE_CLAUSE_1,
}
#: Direct list formatting (Word's list buttons) mapped onto house styles by number format.
LIST_FORMATS = {
    "decimal": Style.CLAUSE_2,
    "lowerLetter": Style.CLAUSE_3,
    "lowerRoman": Style.CLAUSE_4,
    "bullet": Style.LIST_BULLET,
}
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
        wx.list_formats(_parse(numbering_data, path, "word/numbering.xml"))
        if numbering_data
        else {},
        wx.style_names(_parse(styles_data, path, "word/styles.xml")) if styles_data else {},
        {_style_key(k): v for k, v in (styles or {}).items()},
        wx.footnote_texts(_parse(footnotes_data, path, "word/footnotes.xml"))
        if footnotes_data
        else {},
    )
    body = body_of(document)
    if body is None:
        raise job.fail("E-frag-03", "word/document.xml has no body")
    _resolve_alternate_content(body, job)
    pieces: list[str] = []
    numbers: list[int] = []
    for index, block in enumerate(_blocks(body, job), start=1):
        _refuse_foreign_content(block, job, index)
        _inline_footnotes(block, job, index)
        _clean(block, job)
        kind = wx.kind_of(block)
        if kind == "tbl":
            piece = _table_source(block, job, index)
        elif kind == "p":
            piece = _paragraph_source(block, job, index)
        else:
            raise job.fail(
                "E-frag-07",
                f"block {index} is a <w:{kind}>; fragments hold paragraphs and tables only",
                hint="remove the content control or frame, keeping its text",
            )
        if piece:
            pieces.append(piece)
            numbers.append(index)
    return Fragment(_strip_namespaces("\n".join(pieces)), sorted(set(job.notes)), numbers)


def _blocks(body: E, job: _Import) -> list[E]:
    """The body's paragraphs and tables, the section properties and loose bookmarks left."""
    _unwrap_content_controls(body, job)
    return wx.blocks_of(body)


def _unwrap_content_controls(container: E, job: _Import) -> None:
    if wx.unwrap_content_controls(container):
        job.notes.append("removed content controls, keeping their text")


def _resolve_alternate_content(body: E, job: _Import) -> None:
    """Word 2010+ alternate content becomes what Word 2007 would read; one without a fallback is
    refused, since the engine cannot know what it holds."""
    if wx.has_alternate_without_fallback(body):
        raise job.fail(
            "E-frag-11",
            "the fragment holds Word 2010+ alternate content with no fallback "
            "(a shape, text box or equation)",
            hint="keep clause text only; delete the object in Word",
        )
    if wx.resolve_alternate_content(body):
        job.notes.append("resolved Word 2010+ alternate content to its fallback")


def _inline_footnotes(block: E, job: _Import, index: int) -> None:
    """A footnote reference becomes a footnote marker holding the note's text (plain text and
    placeholders); the engine writes the footnote, numbered, into the document's own notes."""
    for run, note_id in wx.footnote_references(block):
        text = job.footnotes.get(note_id)
        if not text or any(c in text for c in (MARK, SEP, END)) or "ref(" in text:
            raise job.fail(
                "E-frag-09",
                f"block {index} holds a footnote the engine cannot carry "
                + ("(a cross-reference in it)" if text else "(its text is missing)"),
                hint="a footnote holds plain text and placeholders; put references in the clause",
            )
        # the note goes through the footnote filter, so its marker is one a helper issued (a
        # marker written into the template itself would be refused as forged)
        wx.replace_run(run, f"{{% filter footnote %}}{text}{{% endfilter %}}")
        job.notes.append("kept footnotes as plain text (formatting inside a footnote dropped)")


def _refuse_foreign_content(block: E, job: _Import, index: int) -> None:
    what = wx.foreign_content(block)
    if what is not None:
        raise job.fail(
            "E-frag-09",
            f"block {index} holds {what}, which a clause fragment cannot carry "
            "(it lives in another part of the Word file)",
            hint="keep clause text only; put images in the house style",
        )


def _clean(block: E, job: _Import) -> None:
    if wx.clean(block):
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
        return _jinja_safe(wx.xml_of(p))
    return ""


def _tag_only(text: str) -> str | None:
    """The tags of a paragraph whose whole text is block tags, as template source."""
    return DOCXTPL_TAG.sub("{%", text.strip().translate(CURLY)) if BLOCK_ONLY.match(text) else None


def _normalise_paragraph(p: E, job: _Import, index: int, in_table: bool) -> str:
    wp.accept_revisions(p, job.notes)
    _normalise_style(p, job, index, in_table)
    for r in wp.runs_of(p):
        if wp.clean_run(
            r, lambda style: _house_style(style, CHARACTER_STYLES, job, f"paragraph {index}")
        ):
            job.notes.append("removed direct character formatting (fonts, sizes, colours)")
    wp.merge_runs(p, lambda text: _unclosed_tag(text) is not None)
    return text_of(p)


def _normalise_style(p: E, job: _Import, index: int, in_table: bool) -> None:
    style = wp.paragraph_style(p)
    listed = wp.list_key(p)
    if listed is not None and style in LISTED_STYLES:
        # LibreOffice (and Word after some edits) repeats the style's own list as direct
        # formatting; the house style already numbers the paragraph.
        wp.drop_list(p)
        listed = None
    if listed is not None:
        style = _list_style(listed, job, index)
    house = _house_style(style, PARAGRAPH_STYLES, job, f"paragraph {index}")
    house = house or (Style.TABLE_TEXT if in_table else Style.BODY_TEXT)
    if house in TABLE_STYLES and not in_table:
        job.notes.append(f"replaced {house} outside a table with Body Text")
        house = Style.BODY_TEXT
    if wp.set_only_style(p, house):
        job.notes.append("removed direct paragraph formatting")


def _list_style(key: tuple[str, str], job: _Import, index: int) -> str:
    """The house style for Word's list buttons (direct numbering), by the list's number format."""
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


def _table_source(tbl: E, job: _Import, index: int) -> str:
    """The table as template source (empty if its rows were all tags and no tag was left)."""
    _normalise_table(tbl, job, index)
    if not wt.rows_of(tbl) and not (tbl.text or "").strip():
        return ""
    return _jinja_safe(wx.xml_of(tbl))


def _row_tags(tbl: E) -> None:
    """Rows marked ``{%tr ... %}`` give way to their tags, so a loop or condition repeats or
    drops the rows between them."""
    for row in wt.rows_of(tbl):
        tags = ROW_TAG.findall(text_of(row))
        if tags:
            wx.replace_with_text(row, "".join(DOCXTPL_TAG.sub("{%", t) for t in tags))


def _normalise_table(tbl: E, job: _Import, index: int) -> None:
    """House table style, full width; the first row repeats as a header unless the author
    marked header rows (or it is inside a row loop); merged cells and column widths kept."""
    if wt.set_table_style(tbl, HOUSE_TABLE):
        job.notes.append(f"applied the house table style {HOUSE_TABLE}")
    _unwrap_content_controls(tbl, job)
    wt.ensure_grid(tbl, GRID_WIDTH)
    for row in wt.rows_of(tbl):
        _unwrap_content_controls(row, job)
        wt.clean_row(row)
        for cell in cells_of(row):
            wt.clean_cell(cell)
            _normalise_cell(cell, job, index)
    _row_tags(tbl)
    rows = wt.rows_of(tbl)
    if rows and not wt.has_header_row(tbl):
        before = rows[0].getprevious()
        if before is not None and (before.tail or "").strip():
            return  # the first row is inside a loop or condition: not a header
        wt.repeat_as_header(rows[0])


def _normalise_cell(cell: E, job: _Import, index: int) -> None:
    _unwrap_content_controls(cell, job)
    for block in list(cell):
        kind = wx.kind_of(block)
        if kind == "p":
            text = _normalise_paragraph(block, job, index, in_table=True)
            tag = _tag_only(text)
            if tag is not None and not ROW_TAG.search(text):  # a row's tags go with its row
                wx.replace_with_text(block, tag)
        elif kind == "tbl":
            _normalise_table(block, job, index)
        elif kind != "tcPr":
            raise job.fail(
                "E-frag-07",
                f"a table cell in block {index} holds a <w:{kind}>; cells hold paragraphs "
                "and tables only",
            )


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


def _jinja_safe(xml: str) -> str:
    """Inside tags, undo XML escaping (``&gt;``) and Word's curly quotes, so Jinja reads them."""
    return TAG.sub(lambda m: html.unescape(m.group(0)).translate(CURLY), xml)


def _strip_namespaces(xml: str) -> str:
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)
