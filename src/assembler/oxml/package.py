"""The package around a document body: the document, header, footer, comments and settings parts,
relationships and content types, as Word and the OPC schema name them."""

from __future__ import annotations

import posixpath
from html import escape
from typing import TypeAlias

from lxml import etree

from assembler.oxml import text as ox
from assembler.oxml.ns import NS, parse_xml, qn
from assembler.oxml.styles import Style

E: TypeAlias = etree._Element

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


def point_section(body: E, *, footer: str, header: str | None = None) -> None:
    """Point the body's final section at the default footer (and header) by relationship id,
    replacing any references it had."""
    section = body.find(qn("w:sectPr"))
    for old in section.findall(qn("w:footerReference")) + section.findall(qn("w:headerReference")):
        section.remove(old)
    for kind, rel_id in (("footer", footer), ("header", header)):
        if rel_id is not None:
            section.insert(0, ox.el(f"w:{kind}Reference", type="default"))
            section[0].set(qn("r:id"), rel_id)


def document(body: E) -> E:
    """``word/document.xml`` around ``body``."""
    root = etree.Element(qn("w:document"), nsmap={"w": NS["w"], "r": NS["r"]})
    root.append(body)
    return root


def settings(house_settings: bytes) -> E:
    """The house settings without ``w:updateFields``: every field's cached result is already right,
    and the flag made Word ask every recipient on every open to update fields from "other files"."""
    settings = parse_xml(house_settings)
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    return settings


def header(legend: str) -> E:
    header = etree.Element(qn("w:hdr"), nsmap={"w": NS["w"], "r": NS["r"]})
    header.append(ox.paragraph(Style.HEADER, legend))
    return header


def footer() -> E:
    footer = etree.Element(qn("w:ftr"), nsmap={"w": NS["w"], "r": NS["r"]})
    p = ox.paragraph(Style.FOOTER)
    p.extend(ox.field_runs("PAGE", "1"))
    footer.append(p)
    return footer


def comments(comments: list[tuple[int, str]]) -> E:
    root = etree.Element(qn("w:comments"), nsmap={"w": NS["w"]})
    for comment_id, text in comments:
        comment = ox.el("w:comment", root, id=str(comment_id), author="assembler", initials="AS")
        p = ox.paragraph(Style.COMMENT_TEXT)
        annotation = ox.el("w:r")
        ox.el("w:rStyle", ox.el("w:rPr", annotation), val=Style.COMMENT_REFERENCE)
        ox.el("w:annotationRef", annotation)
        p.append(annotation)
        p.append(ox.run(text))
        comment.append(p)
    return root


def core_properties(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>assembler</dc:creator>"
        "</cp:coreProperties>"
    ).encode()


def app_properties() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>assembler</Application></Properties>"
    )


def document_rels(parts: dict[str, bytes]) -> bytes:
    rels = [
        f'<Relationship Id="{rel_id}" Type="{REL}/{kind}" Target="{target}"/>'
        for rel_id, (target, kind) in DOCUMENT_RELS.items()
        if posixpath.normpath(f"word/{target}") in parts
    ]
    return _xml(f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>')


def package_rels(parts: dict[str, bytes]) -> bytes:
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


def content_types(parts: dict[str, bytes]) -> bytes:
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


def custom_xml_rels() -> bytes:
    """The relationships of the custom XML item (the embedded lock) to its properties."""
    return _xml(
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/customXmlProps" Target="itemProps1.xml"/></Relationships>'
    )


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()
