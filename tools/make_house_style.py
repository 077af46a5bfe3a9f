"""Write templates/house-style.docx: the house styles, the one legal multilevel list, page setup.

Run from the repository root: ``python tools/make_house_style.py [TARGET]`` (default target
``templates/house-style.docx``). The package is built with lxml and zipfile, not python-docx's
default template (no stylesWithEffects, thumbnail or customXml). The output is deterministic: the
same parts in the same order, zip timestamps 1980-01-01, and docProps without dates.

A firm replacing the house style keeps the style ids listed in
``assembler.oxml.styles.REQUIRED``; names, fonts and indents are theirs to change
(docs/house-style.md).

Lists (numbering.xml), bound to the styles by ``w:numPr`` in the style and ``w:pStyle`` in the level:

=====  ===========  =================================================================
numId  abstractNum  use
=====  ===========  =================================================================
1      0            the legal list: ClauseHeading 1. / Clause2 1.1 / Clause3 (a) /
                    Clause4 (i), then (A) (I) 7. 8. 9.; schedules get a new w:num over
                    abstractNum 0 with startOverride (added by the engine, not here)
2      1            PartyEntry (1) (2) ...
3      2            Recital (A) (B) ...
4      3            ListBullet
=====  ===========  =================================================================
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

FONT = "Arial"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 11906, 16838, 1440  # A4, 1 inch margins, in twips
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 9026: right tab of the contents and the header
HANG = 720  # hanging indent of every numbered level: wide enough for "100." in LibreOffice


# --- building blocks --------------------------------------------------------------------------


NAMESPACES = {"w": W, "r": R, "a": A}


def _qn(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def w(tag: str, *children: etree._Element | None, **attrs: str | int) -> etree._Element:
    """A WordprocessingML element: ``w("ind", left=720)`` -> ``<w:ind w:left="720"/>``.

    Attribute names are given without prefix and get the w: namespace; ``None`` children are
    skipped, so optional properties can be written inline.
    """
    element = etree.Element(_qn(f"w:{tag}"))
    for name, value in attrs.items():
        element.set(_qn(f"w:{name.rstrip('_')}"), str(value))
    element.extend(c for c in children if c is not None)
    return element


def val(tag: str, value: str | int) -> etree._Element:
    return w(tag, val=value)


def num_pr(num_id: int, ilvl: int) -> etree._Element:
    return w("numPr", val("ilvl", ilvl), val("numId", num_id))


def ind(left: int, hanging: int | None = None) -> etree._Element:
    return w("ind", left=left) if hanging is None else w("ind", left=left, hanging=hanging)


def spacing(**attrs: int | str) -> etree._Element:
    return w("spacing", **attrs)


def size(half_points: int) -> list[etree._Element]:
    return [val("sz", half_points), val("szCs", half_points)]


def root(tag: str, nsmap: dict[str | None, str]) -> etree._Element:
    return etree.Element(tag, nsmap=nsmap)


def xml_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- styles.xml -------------------------------------------------------------------------------

# Child order inside w:pPr and w:rPr follows ECMA-376 (CT_PPrBase, CT_RPr); the helpers below
# take keyword arguments and emit them in that order, so a style definition cannot get it wrong.
PPR_ORDER = (
    "keepNext", "keepLines", "pageBreakBefore", "numPr", "tabs", "spacing", "ind", "jc",
    "outlineLvl",
)  # fmt: skip
RPR_ORDER = ("rFonts", "b", "bCs", "caps", "color", "sz", "szCs", "u", "shd", "lang")


def _ordered(container: str, order: tuple[str, ...], children: list[etree._Element]):
    if not children:
        return None
    rank = {name: i for i, name in enumerate(order)}
    children.sort(key=lambda c: rank[etree.QName(c).localname])
    return w(container, *children)


def ppr(
    *,
    keep_next: bool = False,
    keep_lines: bool = False,
    page_break: bool = False,
    numbering: tuple[int, int] | None = None,
    tabs: list[tuple[str, int, str | None]] | None = None,
    space: dict[str, int] | None = None,
    indent: tuple[int, int | None] | None = None,
    jc: str | None = None,
    outline: int | None = None,
) -> etree._Element | None:
    children = []
    if keep_next:
        children.append(w("keepNext"))
    if keep_lines:
        children.append(w("keepLines"))
    if page_break:
        children.append(w("pageBreakBefore"))
    if numbering is not None:
        children.append(num_pr(*numbering))
    if tabs:
        stops = []
        for kind, pos, leader in tabs:
            stops.append(
                w("tab", val=kind, leader=leader, pos=pos)
                if leader
                else w("tab", val=kind, pos=pos)
            )
        children.append(w("tabs", *stops))
    if space:
        children.append(spacing(**space))
    if indent is not None:
        children.append(ind(*indent))
    if jc:
        children.append(val("jc", jc))
    if outline is not None:
        children.append(val("outlineLvl", outline))
    return _ordered("pPr", PPR_ORDER, children)


def rpr(
    *,
    bold: bool = False,
    caps: bool = False,
    color: str | None = None,
    half_points: int | None = None,
    fill: str | None = None,
    underline: str | None = None,
) -> etree._Element | None:
    children = []
    if bold:
        children += [w("b"), w("bCs")]
    if caps:
        children.append(w("caps"))
    if color:
        children.append(val("color", color))
    if half_points:
        children += size(half_points)
    if fill:
        children.append(w("shd", val="clear", color="auto", fill=fill))
    if underline:
        children.append(val("u", underline))
    return _ordered("rPr", RPR_ORDER, children)


def paragraph_style(
    style_id: str,
    name: str,
    p: etree._Element | None = None,
    r: etree._Element | None = None,
    *,
    next_: str | None = None,
    priority: int | None = None,
    quick: bool = True,
) -> etree._Element:
    # CT_Style order: name, basedOn, next, uiPriority, qFormat, pPr, rPr
    return w(
        "style",
        val("name", name),
        val("basedOn", "Normal"),
        val("next", next_) if next_ else None,
        val("uiPriority", priority) if priority is not None else None,
        w("qFormat") if quick else None,
        p,
        r,
        type="paragraph",
        styleId=style_id,
    )


def character_style(
    style_id: str, name: str, r: etree._Element, *, priority: int | None = None
) -> etree._Element:
    return w(
        "style",
        val("name", name),
        val("basedOn", "DefaultParagraphFont"),
        val("uiPriority", priority) if priority is not None else None,
        w("unhideWhenUsed") if priority == 99 else None,
        r,
        type="character",
        styleId=style_id,
    )


def styles_part() -> etree._Element:
    styles = root(_qn("w:styles"), {"w": W})
    styles.append(
        w(
            "docDefaults",
            w(
                "rPrDefault",
                w(
                    "rPr",
                    w("rFonts", ascii=FONT, eastAsia=FONT, hAnsi=FONT, cs=FONT),
                    *size(22),
                    w("lang", val="en-GB", eastAsia="en-GB", bidi="ar-SA"),
                ),
            ),
            w("pPrDefault", w("pPr", spacing(after=120, line=276, lineRule="auto"))),
        )
    )
    # The four defaults, as Word writes them.
    styles.append(
        w(
            "style",
            val("name", "Normal"),
            w("qFormat"),
            type="paragraph",
            default=1,
            styleId="Normal",
        )
    )
    styles.append(
        w(
            "style",
            val("name", "Default Paragraph Font"),
            val("uiPriority", 1),
            w("semiHidden"),
            w("unhideWhenUsed"),
            type="character",
            default=1,
            styleId="DefaultParagraphFont",
        )
    )
    styles.append(
        w(
            "style",
            val("name", "Normal Table"),
            val("uiPriority", 99),
            w("semiHidden"),
            w("unhideWhenUsed"),
            w(
                "tblPr",
                w("tblInd", w=0, type="dxa"),
                w(
                    "tblCellMar",
                    w("top", w=0, type="dxa"),
                    w("left", w=108, type="dxa"),
                    w("bottom", w=0, type="dxa"),
                    w("right", w=108, type="dxa"),
                ),
            ),
            type="table",
            default=1,
            styleId="TableNormal",
        )
    )
    styles.append(
        w(
            "style",
            val("name", "No List"),
            val("uiPriority", 99),
            w("semiHidden"),
            w("unhideWhenUsed"),
            type="numbering",
            default=1,
            styleId="NoList",
        )
    )

    toc_tabs = [("right", TEXT_WIDTH, "dot")]
    paragraph_styles = [
        ("Title", "Title", ppr(space={"after": 240}, jc="center"), rpr(bold=True, half_points=32), {"next_": "CoverCentred", "priority": 10}),
        ("CoverCentred", "Cover Centred", ppr(jc="center"), None, {}),
        ("PartHeading", "Part Heading", ppr(keep_next=True, space={"before": 240}), rpr(bold=True, caps=True), {}),
        ("PartyEntry", "Party Entry", ppr(numbering=(2, 0), indent=(720, HANG)), None, {}),
        ("Recital", "Recital", ppr(numbering=(3, 0), indent=(720, HANG)), None, {}),
        ("ClauseHeading", "Clause Heading", ppr(keep_next=True, numbering=(1, 0), space={"before": 240}, indent=(720, HANG), outline=0), rpr(bold=True), {"next_": "Clause2"}),
        ("Clause2", "Clause 2", ppr(numbering=(1, 1), indent=(720, HANG)), None, {}),
        ("Clause3", "Clause 3", ppr(numbering=(1, 2), indent=(1440, HANG)), None, {}),
        ("Clause4", "Clause 4", ppr(numbering=(1, 3), indent=(2160, HANG)), None, {}),
        ("BodyText", "Body Text", ppr(indent=(720, None)), None, {}),
        ("BodyText2", "Body Text 2", ppr(indent=(1440, None)), None, {}),
        ("Definition", "Definition", ppr(indent=(720, None)), None, {}),
        ("ListBullet", "List Bullet", ppr(numbering=(4, 0), indent=(1440, 360)), None, {}),
        ("ScheduleHeading", "Schedule Heading", ppr(keep_next=True, page_break=True, jc="center", outline=0), rpr(bold=True), {"next_": "ScheduleTitle"}),
        ("ScheduleTitle", "Schedule Title", ppr(keep_next=True, space={"after": 240}, jc="center"), rpr(bold=True), {}),
        ("SchedulePart", "Schedule Part", ppr(keep_next=True, space={"before": 240}, jc="center"), rpr(bold=True), {}),
        # No outline level and no list: the engine gives each schedule's paragraphs a direct
        # w:numPr to a new w:num over the legal list, so the numbering restarts per schedule.
        ("ScheduleClause1", "Schedule Clause 1", ppr(keep_next=True, indent=(720, HANG)), rpr(bold=True), {"next_": "Clause2"}),
        ("ExecutionBlock", "Execution Block", ppr(keep_next=True, keep_lines=True, indent=(0, None)), None, {}),
        ("TOCHeading", "TOC Heading", ppr(space={"after": 240}), rpr(bold=True), {"next_": "TOC1", "priority": 39}),
        # "12.<tab>Title<tab>7": the number at 0, the title at 720 (the left tab and the hanging
        # indent agree), wrapped lines at 720, the page number on the right margin.
        ("TOC1", "toc 1", ppr(tabs=[("left", 720, None), *toc_tabs], indent=(720, HANG)), None, {"next_": "Normal", "priority": 39}),
        ("TOC2", "toc 2", ppr(tabs=toc_tabs, indent=(720, None)), None, {"next_": "Normal", "priority": 39}),
        ("Header", "header", ppr(tabs=[("center", TEXT_WIDTH // 2, None), ("right", TEXT_WIDTH, None)]), None, {"priority": 99, "quick": False}),
        ("Footer", "footer", ppr(jc="center"), None, {"priority": 99, "quick": False}),
        ("CommentText", "annotation text", None, rpr(half_points=20), {"priority": 99, "quick": False}),
        # Text in the cells of a house table: no indent, a little air above and below.
        ("TableText", "Table Text", ppr(space={"before": 40, "after": 40}, indent=(0, None)), None, {}),
        ("TableHeading", "Table Heading", ppr(keep_next=True, space={"before": 40, "after": 40}, indent=(0, None)), rpr(bold=True), {}),
    ]  # fmt: skip
    for style_id, name, p, r, extra in paragraph_styles:
        styles.append(paragraph_style(style_id, name, p, r, **extra))

    character_styles = [
        # Shading in the colours of Word's yellow and red highlighter: w:highlight is not allowed
        # in a style's w:rPr (Open XML SDK CT_RPrStyle; openxml-audit rejects it, Word ignores it).
        ("Placeholder", "Placeholder", rpr(fill="FFFF00"), None),
        ("MissingValue", "Missing Value", rpr(bold=True, fill="FF0000"), None),
        ("DefinedTerm", "Defined Term", rpr(bold=True), None),
        ("CommentReference", "annotation reference", rpr(half_points=16), 99),
        ("Hyperlink", "Hyperlink", rpr(color="0563C1", underline="single"), 99),
    ]
    for style_id, name, r, priority in character_styles:
        styles.append(character_style(style_id, name, r, priority=priority))
    styles.append(house_table_style())
    return styles


def house_table_style() -> etree._Element:
    """``HouseTable``: the style every fragment table is given. Single borders on every cell;
    the header row (``w:tblHeader``, repeated on each page) bold on grey."""
    line = {"val": "single", "sz": 4, "space": 0, "color": "auto"}
    borders = w(
        "tblBorders",
        *(w(side, **line) for side in ("top", "left", "bottom", "right", "insideH", "insideV")),
    )
    margins = w("tblCellMar", w("left", w=108, type="dxa"), w("right", w=108, type="dxa"))
    header = w(
        "tblStylePr",
        w("rPr", w("b"), w("bCs")),
        w("tcPr", w("shd", val="clear", color="auto", fill="E7E6E6")),
        type="firstRow",
    )
    # CT_Style order: name, basedOn, uiPriority, qFormat, pPr, rPr, tblPr, trPr, tcPr, tblStylePr
    return w(
        "style",
        val("name", "House Table"),
        val("basedOn", "TableNormal"),
        val("uiPriority", 59),
        w("tblPr", borders, margins),
        header,
        type="table",
        styleId="HouseTable",
    )


# --- numbering.xml ----------------------------------------------------------------------------


def level(
    ilvl: int,
    fmt: str,
    text: str,
    left: int,
    hanging: int = HANG,
    style: str | None = None,
    font: str | None = None,
) -> etree._Element:
    # CT_Lvl order: start, numFmt, pStyle, suff, lvlText, lvlJc, pPr, rPr
    return w(
        "lvl",
        val("start", 1),
        val("numFmt", fmt),
        val("pStyle", style) if style else None,
        val("suff", "tab"),
        val("lvlText", text),
        val("lvlJc", "left"),
        w("pPr", ind(left, hanging)),
        w("rPr", w("rFonts", ascii=font, hAnsi=font, hint="default")) if font else None,
        ilvl=ilvl,
    )


def abstract_num(abstract_id: int, nsid: str, kind: str, *levels: etree._Element) -> etree._Element:
    return w(
        "abstractNum",
        val("nsid", nsid),
        val("multiLevelType", kind),
        *levels,
        abstractNumId=abstract_id,
    )


def numbering_part() -> etree._Element:
    numbering = root(_qn("w:numbering"), {"w": W})
    legal = [
        level(0, "decimal", "%1.", 720, style="ClauseHeading"),
        level(1, "decimal", "%1.%2", 720, style="Clause2"),  # "1.1" text aligns with the heading's
        level(2, "lowerLetter", "(%3)", 1440, style="Clause3"),
        level(3, "lowerRoman", "(%4)", 2160, style="Clause4"),
        level(4, "upperLetter", "(%5)", 2880),
        level(5, "upperRoman", "(%6)", 3600),
        level(6, "decimal", "%7.", 4320),
        level(7, "decimal", "%8.", 5040),
        level(8, "decimal", "%9.", 5760),
    ]
    numbering.append(abstract_num(0, "1A2B3C01", "multilevel", *legal))
    numbering.append(
        abstract_num(
            1, "1A2B3C02", "singleLevel", level(0, "decimal", "(%1)", 720, style="PartyEntry")
        )
    )
    numbering.append(
        abstract_num(
            2, "1A2B3C03", "singleLevel", level(0, "upperLetter", "(%1)", 720, style="Recital")
        )
    )
    numbering.append(
        abstract_num(
            3,
            "1A2B3C04",
            "singleLevel",
            level(0, "bullet", "\u2022", 1440, 360, style="ListBullet", font=FONT),
        )
    )
    # Every w:abstractNum before the first w:num (CT_Numbering is a sequence).
    for num_id, abstract_id in ((1, 0), (2, 1), (3, 2), (4, 3)):
        numbering.append(w("num", val("abstractNumId", abstract_id), numId=num_id))
    return numbering


# --- settings, fonts, theme -------------------------------------------------------------------


def settings_part() -> etree._Element:
    # CT_Settings order: zoom, defaultTabStop, characterSpacingControl, compat, themeFontLang
    settings = root(_qn("w:settings"), {"w": W})
    settings.extend(
        [
            w("zoom", percent=100),
            val("defaultTabStop", 720),
            val("characterSpacingControl", "doNotCompress"),
            w(
                "compat",
                w(
                    "compatSetting",
                    name="compatibilityMode",
                    uri="http://schemas.microsoft.com/office/word",
                    val=15,
                ),
            ),
            val("themeFontLang", "en-GB"),
        ]
    )
    return settings


def font_table_part() -> etree._Element:
    fonts = root(_qn("w:fonts"), {"w": W})
    fonts.append(
        w(
            "font",
            val("panose1", "020B0604020202020204"),
            val("charset", "00"),
            val("family", "swiss"),
            val("pitch", "variable"),
            name=FONT,
        )
    )
    return fonts


def _a(tag: str, *children: etree._Element, **attrs: str | int) -> etree._Element:
    element = etree.Element(_qn(f"a:{tag}"))
    for name, value in attrs.items():
        element.set(name, str(value))
    element.extend(children)
    return element


def theme_part() -> etree._Element:
    """A minimal valid Office theme: colours, Arial for headings and body, plain format scheme."""
    solid = lambda: _a("solidFill", _a("schemeClr", val="phClr"))  # noqa: E731
    colours = [("dk1", "sys", "windowText", "000000"), ("lt1", "sys", "window", "FFFFFF")]
    colours += [
        (name, "srgb", value, None)
        for name, value in (
            ("dk2", "44546A"), ("lt2", "E7E6E6"), ("accent1", "4472C4"), ("accent2", "ED7D31"),
            ("accent3", "A5A5A5"), ("accent4", "FFC000"), ("accent5", "5B9BD5"),
            ("accent6", "70AD47"), ("hlink", "0563C1"), ("folHlink", "954F72"),
        )
    ]  # fmt: skip
    scheme = _a("clrScheme", name="House")
    for name, kind, value, last in colours:
        colour = (
            _a("sysClr", val=value, lastClr=last) if kind == "sys" else _a("srgbClr", val=value)
        )
        scheme.append(_a(name, colour))

    def font_set(tag: str) -> etree._Element:
        return _a(tag, _a("latin", typeface=FONT), _a("ea", typeface=""), _a("cs", typeface=""))

    lines = [
        _a("ln", solid(), _a("prstDash", val="solid"), w=width) for width in (6350, 12700, 19050)
    ]
    theme = root(_qn("a:theme"), {"a": A})
    theme.set("name", "House")
    theme.append(
        _a(
            "themeElements",
            scheme,
            _a("fontScheme", font_set("majorFont"), font_set("minorFont"), name="House"),
            _a(
                "fmtScheme",
                _a("fillStyleLst", solid(), solid(), solid()),
                _a("lnStyleLst", *lines),
                _a("effectStyleLst", *(_a("effectStyle", _a("effectLst")) for _ in range(3))),
                _a("bgFillStyleLst", solid(), solid(), solid()),
                name="House",
            ),
        )
    )
    theme.append(_a("objectDefaults"))
    theme.append(_a("extraClrSchemeLst"))
    return theme


# --- document.xml: a short sample of every style -----------------------------------------------


def para(style: str | None, *runs: etree._Element | str) -> etree._Element:
    p = w("p", w("pPr", val("pStyle", style)) if style else None)
    for r in runs:
        p.append(run(r) if isinstance(r, str) else r)
    return p


def run(text: str, char_style: str | None = None) -> etree._Element:
    pieces = text.split("\t")
    r = w("r", w("rPr", val("rStyle", char_style)) if char_style else None)
    for i, piece in enumerate(pieces):
        if i:
            r.append(w("tab"))
        if piece:
            t = w("t")
            t.text = piece
            if piece != piece.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
    return r


def document_part() -> etree._Element:
    document = root(_qn("w:document"), {"w": W, "r": R})
    body = w("body")
    document.append(body)
    body.extend(
        [
            para("Title", "HOUSE STYLE"),
            para("CoverCentred", "Cover Centred: the parties and date on the cover page"),
            para("TOCHeading", "Contents"),
            para("TOC1", "1.\tDefinitions and interpretation\t1"),
            para(
                "TOC1",
                "12.\tA clause heading long enough to wrap onto a second line of the contents page\t1",
            ),
            para("TOC2", "Schedule 1: Services\t2"),
            para("PartHeading", "Parties"),
            para(
                "PartyEntry",
                "NHS EXAMPLE CLINICAL COMMISSIONING GROUP of 1 High Street, Anytown (the ",
                run("Commissioner", "DefinedTerm"),
                ").",
            ),
            para(
                "PartyEntry",
                "EXAMPLE COUNCIL of Town Hall, Anytown (the ",
                run("Council", "DefinedTerm"),
                ").",
            ),
            para("PartHeading", "Background"),
            para(
                "Recital", "The Commissioner and the Council wish to work together as an alliance."
            ),
            para("Recital", "This agreement sets out the terms of that alliance."),
            para("PartHeading", "Agreed terms"),
            para("ClauseHeading", "Definitions and interpretation"),
            para("Clause2", "The definitions in this clause apply in this agreement."),
            para(
                "Definition",
                run("Alliance", "DefinedTerm"),
                ": the alliance of the parties formed by this agreement.",
            ),
            para("Clause2", "In this agreement:"),
            para("Clause3", "a reference to a party includes its successors;"),
            para("Clause4", "words in the singular include the plural; and"),
            para("Clause3", "a reference to writing includes email."),
            para("BodyText", "Body Text: an unnumbered paragraph at the clause text indent."),
            para("BodyText2", "Body Text 2: an unnumbered paragraph at the (a) text indent."),
            para("ListBullet", "a bullet point;"),
            para("ListBullet", "another bullet point."),
            para(
                "Clause2",
                "Blanks: the date is ",
                run("[date]", "Placeholder"),
                "; a missing value shows as ",
                run("[MISSING: parties.ccg.address]", "MissingValue"),
                "; a link looks like ",
                run("www.example.nhs.uk", "Hyperlink"),
                ".",
            ),
            para(
                "CommentText", run("[AS1]", "CommentReference"), " Comment Text: a drafting note."
            ),
            para("ExecutionBlock", "Signed by [name] for and on behalf of NHS Example CCG"),
            para("Header", "Header\tcentre\tright"),
            para("Footer", "Footer: page 1"),
            para("ScheduleHeading", "Schedule 1"),
            para("ScheduleTitle", "Services"),
            para("SchedulePart", "Part 1: Scope"),
            para(
                "ScheduleClause1",
                "Schedule Clause 1 (the engine numbers it with a restarting list)",
            ),
            para("Normal", "Normal: plain text."),
        ]
    )
    body.append(
        w(
            "sectPr",
            w("pgSz", w=PAGE_WIDTH, h=PAGE_HEIGHT),
            w(
                "pgMar",
                top=MARGIN,
                right=MARGIN,
                bottom=MARGIN,
                left=MARGIN,
                header=708,
                footer=708,
                gutter=0,
            ),
            w("cols", space=708),
            w("docGrid", linePitch=360),
        )
    )
    return document


# --- package ----------------------------------------------------------------------------------


def content_types_part(names: list[str]) -> etree._Element:
    kinds = {
        "word/document.xml": f"{WML}.document.main+xml",
        "word/styles.xml": f"{WML}.styles+xml",
        "word/numbering.xml": f"{WML}.numbering+xml",
        "word/settings.xml": f"{WML}.settings+xml",
        "word/fontTable.xml": f"{WML}.fontTable+xml",
        "word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
        "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    types = root(f"{{{CT}}}Types", {None: CT})
    for extension, kind in (
        ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
        ("xml", "application/xml"),
    ):
        etree.SubElement(types, f"{{{CT}}}Default", Extension=extension, ContentType=kind)
    for name in names:
        if name in kinds:
            etree.SubElement(
                types, f"{{{CT}}}Override", PartName=f"/{name}", ContentType=kinds[name]
            )
    return types


def relationships(*rels: tuple[str, str, str]) -> etree._Element:
    element = root(f"{{{PKG_REL}}}Relationships", {None: PKG_REL})
    for rel_id, kind, target in rels:
        etree.SubElement(element, f"{{{PKG_REL}}}Relationship", Id=rel_id, Type=kind, Target=target)
    return element


def core_part() -> etree._Element:
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    dc = "http://purl.org/dc/elements/1.1/"
    core = root(
        f"{{{cp}}}coreProperties",
        {
            "cp": cp,
            "dc": dc,
            "dcterms": "http://purl.org/dc/terms/",
            "xsi": "http://www.w3.org/2001/XMLSchema-instance",
        },
    )
    for tag, text in (("title", "House style"), ("creator", "assembler")):
        etree.SubElement(core, f"{{{dc}}}{tag}").text = text
    etree.SubElement(core, f"{{{cp}}}revision").text = "1"
    return core


def app_part() -> etree._Element:
    ep = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    app = root(f"{{{ep}}}Properties", {None: ep})
    etree.SubElement(app, f"{{{ep}}}Template").text = "Normal.dotm"
    etree.SubElement(app, f"{{{ep}}}Application").text = "assembler"
    etree.SubElement(app, f"{{{ep}}}DocSecurity").text = "0"
    return app


def parts() -> list[tuple[str, bytes]]:
    """Every part, in the order written to the zip."""
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    body = [
        ("word/document.xml", document_part()),
        (
            "word/_rels/document.xml.rels",
            relationships(
                ("rId1", f"{office}/styles", "styles.xml"),
                ("rId2", f"{office}/numbering", "numbering.xml"),
                ("rId3", f"{office}/settings", "settings.xml"),
                ("rId4", f"{office}/fontTable", "fontTable.xml"),
                ("rId5", f"{office}/theme", "theme/theme1.xml"),
            ),
        ),
        ("word/styles.xml", styles_part()),
        ("word/numbering.xml", numbering_part()),
        ("word/settings.xml", settings_part()),
        ("word/fontTable.xml", font_table_part()),
        ("word/theme/theme1.xml", theme_part()),
        ("docProps/core.xml", core_part()),
        ("docProps/app.xml", app_part()),
    ]
    package_rels = relationships(
        ("rId1", f"{office}/officeDocument", "word/document.xml"),
        ("rId2", f"{PKG_REL}/metadata/core-properties", "docProps/core.xml"),
        ("rId3", f"{office}/extended-properties", "docProps/app.xml"),
    )
    names = [name for name, _ in body]
    ordered = [
        ("[Content_Types].xml", content_types_part(names)),
        ("_rels/.rels", package_rels),
        *body,
    ]
    return [(name, xml_bytes(element)) for name, element in ordered]


def write(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data, compresslevel=6)


if __name__ == "__main__":
    destination = Path(sys.argv[1] if len(sys.argv) > 1 else "src/assembler/housebank/templates/house-style.docx")
    write(destination)
    print(f"wrote {destination}")
