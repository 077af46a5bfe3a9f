"""Stage 4: package the rendered body with the house style into a deterministic .docx, atomically.

Same inputs, same bytes: parts go in a fixed order with fixed zip timestamps, and no part carries a
creation time. The file appears at its final path only when it is complete (temp file, fsync, rename).
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Protocol, TypeAlias

from lxml import etree

from assembler.bank.housestyle import HouseStyle
from assembler.oxml import package as wpkg
from assembler.oxml import text as ox
from assembler.oxml.ns import write_xml
from assembler.oxml.styles import rename_styles

E: TypeAlias = etree._Element
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: The parts whose paragraphs and runs name styles.
STORY_PARTS = (
    "word/document.xml",
    "word/header1.xml",
    "word/footer1.xml",
    "word/comments.xml",
    "word/footnotes.xml",
)


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
    if rendered.legend:  # a draft's legend heads every page
        parts["word/header1.xml"] = wpkg.header(rendered.legend)
    wpkg.point_section(
        rendered.body, footer="rIdFooter", header="rIdHeader" if rendered.legend else None
    )
    parts["word/document.xml"] = wpkg.document(rendered.body)
    parts["word/numbering.xml"] = rendered.numbering
    parts["word/settings.xml"] = wpkg.settings(house.settings)
    parts["word/footer1.xml"] = wpkg.footer()
    if rendered.comments:
        parts["word/comments.xml"] = wpkg.comments(rendered.comments)
    if rendered.footnotes:
        parts["word/footnotes.xml"] = ox.footnotes_part(rendered.footnotes)
    _house_style_ids(parts, house.style_ids)
    parts["docProps/core.xml"] = wpkg.core_properties(title)
    parts["docProps/app.xml"] = wpkg.app_properties()
    parts["word/_rels/document.xml.rels"] = wpkg.document_rels(parts)
    if "customXml/item1.xml" in parts:
        parts["customXml/_rels/item1.xml.rels"] = wpkg.custom_xml_rels()
    parts["_rels/.rels"] = wpkg.package_rels(parts)
    parts["[Content_Types].xml"] = wpkg.content_types(parts)
    return parts


def _house_style_ids(parts: dict[str, Part], ids: dict[str, str]) -> None:
    """The story parts in the house style's own style ids, where they differ from the engine's.
    The parts are copied first: the rendered body is read again in the engine's ids (a conformed
    copy, the review exports)."""
    for name in STORY_PARTS if ids else ():
        part = parts.get(name)
        if part is not None and not isinstance(part, bytes):
            parts[name] = copy.deepcopy(part)
            rename_styles([parts[name]], ids)


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
