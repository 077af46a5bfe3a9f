"""Namespaces, qualified names and a parser that refuses DTDs and external entities."""

from __future__ import annotations

import codecs
import re
from functools import cache
from typing import IO

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
W = NS["w"]

#: Namespace declarations for a body fragment's wrapper element, so rendered paragraphs parse.
WRAPPER_OPEN = f'<w:body xmlns:w="{NS["w"]}" xmlns:r="{NS["r"]}">'
WRAPPER_CLOSE = "</w:body>"


@cache  # called a few hundred thousand times in a 1000-clause build
def qn(tag: str) -> str:
    """``qn("w:p")`` -> ``{http://...main}p``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


class UnsafeXML(ValueError):
    """The XML declares a DTD or entities, which a Word part never needs."""


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


#: A DTD or an entity declaration, wherever it is (after a long comment, say).
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
#: Byte-order marks and the bare ``<?`` of a UTF-16 or UTF-32 document without one.
_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\0\0\0", "utf-32-le"),
    (b"\0\0\0<", "utf-32-be"),
    (b"<\0?\0", "utf-16-le"),
    (b"\0<\0?", "utf-16-be"),
)
_DECLARED = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _as_text(raw: bytes) -> str:
    """The XML as text, in the encoding its bytes or its declaration give (UTF-8 otherwise)."""
    encoding = next((name for mark, name in _ENCODINGS if raw.startswith(mark)), None)
    if encoding is None:
        declared = _DECLARED.match(raw)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return raw.decode(encoding, errors="replace")
    except LookupError:
        raise UnsafeXML(f"the XML declares an unknown encoding {encoding!r}") from None


def parse_xml(data: bytes | str) -> etree._Element:
    """Parse a part. Refuses DTDs and entity declarations anywhere in the text, in whatever
    encoding it is written, and checks again after parsing, so XXE and entity-expansion bombs
    cannot run and no entity silently drops text."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    text = data if isinstance(data, str) else _as_text(raw)
    if _DECLARATION.search(text):
        raise UnsafeXML("the XML declares a DTD or entities")
    root = etree.fromstring(raw, _PARSER)
    if root.getroottree().docinfo.doctype:
        raise UnsafeXML("the XML declares a DTD or entities")
    return root


def serialize(element: etree._Element) -> bytes:
    data: bytes = etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def write_xml(element: etree._Element, stream: IO[bytes]) -> None:
    """:func:`serialize` into a stream, in lxml's small chunks rather than one whole copy."""
    etree.ElementTree(element).write(
        stream, xml_declaration=True, encoding="UTF-8", standalone=True
    )
