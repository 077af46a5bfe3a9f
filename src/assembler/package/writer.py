"""Stage 4: package the rendered body with the house style into a deterministic .docx, atomically.

Same inputs, same bytes: parts go in a fixed order with fixed zip timestamps, and no part carries a
creation time. The file appears at its final path only when it is complete (temp file, fsync, rename).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from html import escape
from typing import Protocol, TypeAlias

from lxml import etree

from assembler.bank.housestyle import HouseStyle
from assembler.oxml import text as ox
from assembler.oxml.ns import NS, parse_xml, qn, write_xml

E: TypeAlias = etree._Element
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = {
    "word/document.xml": f"{WML}.document.main+xml",
    "word/styles.xml": f"{WML}.styles+xml",
    "word/numbering.xml": f"{WML}.numbering+xml",
    "word/settings.xml": f"{WML}.settings+xml",
    "word/fontTable.xml": f"{WML}.fontTable+xml",
    "word/header1.xml": f"{WML}.header+xml",
    "word/footer1.xml": f"{WML}.footer+xml",
    "word/comments.xml": f"{WML}.comments+xml",
    "word/footnotes.xml": f"{WML}.footnotes+xml",
    "word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
    "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "customXml/itemProps1.xml": "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
}
#: Relationship id -> (target under word/, relationship type).
DOCUMENT_RELS = {
    "rIdStyles": ("styles.xml", "styles"),
    "rIdNumbering": ("numbering.xml", "numbering"),
    "rIdSettings": ("settings.xml", "settings"),
    "rIdFonts": ("fontTable.xml", "fontTable"),
    "rIdTheme": ("theme/theme1.xml", "theme"),
    "rIdHeader": ("header1.xml", "header"),
    "rIdFooter": ("footer1.xml", "footer"),
    "rIdComments": ("comments.xml", "comments"),
    "rIdFootnotes": ("footnotes.xml", "footnotes"),
    "rIdCustomXml": ("../customXml/item1.xml", "customXml"),
}


class Content(Protocol):
    """What the writer packages of a rendered document (:class:`assembler.render.renderer.Rendered`
    has it): the body, the numbering part, comments, footnotes and a draft's legend."""

    body: E
    numbering: E
    comments: list[tuple[int, str]]
    footnotes: list[str]
    legend: str


#: A part: its bytes, or an XML tree that :func:`zip_parts` serialises straight into the package.
Part: TypeAlias = bytes | E


def docx_parts(
    rendered: Content, house: HouseStyle, title: str, extra: dict[str, bytes] | None = None
) -> dict[str, Part]:
    """Every part of the package, by name (``extra``: the provenance parts)."""
    parts: dict[str, Part] = dict(house.parts)
    parts.update(extra or {})
    section = rendered.body.find(qn("w:sectPr"))
    for old in section.findall(qn("w:footerReference")) + section.findall(qn("w:headerReference")):
        section.remove(old)
    section.insert(0, ox.el("w:footerReference", type="default"))
    section[0].set(qn("r:id"), "rIdFooter")
    if rendered.legend:  # a draft's legend heads every page
        section.insert(0, ox.el("w:headerReference", type="default"))
        section[0].set(qn("r:id"), "rIdHeader")
        parts["word/header1.xml"] = _header(rendered.legend)
    document = etree.Element(qn("w:document"), nsmap={"w": NS["w"], "r": NS["r"]})
    document.append(rendered.body)
    parts["word/document.xml"] = document
    parts["word/numbering.xml"] = rendered.numbering
    parts["word/settings.xml"] = _settings(house.settings)
    parts["word/footer1.xml"] = _footer()
    if rendered.comments:
        parts["word/comments.xml"] = _comments(rendered.comments)
    if rendered.footnotes:
        parts["word/footnotes.xml"] = ox.footnotes_part(rendered.footnotes)
    parts["docProps/core.xml"] = _core(title)
    parts["docProps/app.xml"] = _app()
    parts["word/_rels/document.xml.rels"] = _document_rels(parts)
    if "customXml/item1.xml" in parts:
        parts["customXml/_rels/item1.xml.rels"] = _xml(
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/customXmlProps" Target="itemProps1.xml"/></Relationships>'
        )
    parts["_rels/.rels"] = _package_rels(parts)
    parts["[Content_Types].xml"] = _content_types(parts)
    return parts


def zip_parts(parts: dict[str, Part]) -> bytes:
    """Zip with fixed order and timestamps, so the same parts give the same bytes.

    An XML tree is serialised straight into the compressor, never as a whole: a 1000-clause
    document's text, and lxml's growing buffer for it, were 5 MB of the build's peak memory."""
    first = ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
    order = first + sorted(name for name in parts if name not in first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name in order:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            part = parts[name]
            if isinstance(part, bytes):
                package.writestr(info, part)
            else:
                with package.open(info, "w") as stream:
                    write_xml(part, stream)
    return buffer.getvalue()


def _settings(house_settings: bytes) -> E:
    """The house settings without ``w:updateFields``: every field's cached result is already right,
    and the flag made Word ask every recipient on every open to update fields from "other files"."""
    settings = parse_xml(house_settings)
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    return settings


def _header(legend: str) -> E:
    header = etree.Element(qn("w:hdr"), nsmap={"w": NS["w"], "r": NS["r"]})
    header.append(ox.paragraph("Header", legend))
    return header


def _footer() -> E:
    footer = etree.Element(qn("w:ftr"), nsmap={"w": NS["w"], "r": NS["r"]})
    p = ox.paragraph("Footer")
    p.extend(ox.field_runs("PAGE", "1"))
    footer.append(p)
    return footer


def _comments(comments: list[tuple[int, str]]) -> E:
    root = etree.Element(qn("w:comments"), nsmap={"w": NS["w"]})
    for comment_id, text in comments:
        comment = ox.el("w:comment", root, id=str(comment_id), author="assembler", initials="AS")
        p = ox.paragraph("CommentText")
        annotation = ox.el("w:r")
        ox.el("w:rStyle", ox.el("w:rPr", annotation), val="CommentReference")
        ox.el("w:annotationRef", annotation)
        p.append(annotation)
        p.append(ox.run(text))
        comment.append(p)
    return root


def _core(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>assembler</dc:creator>"
        "</cp:coreProperties>"
    ).encode()


def _app() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>assembler</Application></Properties>"
    )


def _document_rels(parts: dict[str, bytes]) -> bytes:
    rels = [
        f'<Relationship Id="{rel_id}" Type="{REL}/{kind}" Target="{target}"/>'
        for rel_id, (target, kind) in DOCUMENT_RELS.items()
        if posixpath.normpath(f"word/{target}") in parts
    ]
    return _xml(f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>')


def _package_rels(parts: dict[str, bytes]) -> bytes:
    custom = (
        f'<Relationship Id="rId4" Type="{REL}/custom-properties" Target="docProps/custom.xml"/>'
        if "docProps/custom.xml" in parts
        else ""
    )
    return _xml(
        f'<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
        f'<Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
        f"{custom}</Relationships>"
    )


def _content_types(parts: dict[str, bytes]) -> bytes:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{CONTENT_TYPES[name]}"/>'
        for name in sorted(parts)
        if name in CONTENT_TYPES
    )
    return _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()
