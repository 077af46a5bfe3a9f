"""Namespaces, qualified names and a parser that refuses DTDs and external entities."""

from __future__ import annotations

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


def parse_xml(data: bytes | str) -> etree._Element:
    """Parse a part. Refuses DTDs outright, so XXE and entity-expansion bombs cannot run."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if b"<!DOCTYPE" in raw[:4096].upper() or b"<!ENTITY" in raw.upper():
        raise UnsafeXML("the XML declares a DTD or entities")
    return etree.fromstring(raw, _PARSER)


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_xml(element: etree._Element, stream: IO[bytes]) -> None:
    """:func:`serialize` into a stream, in lxml's small chunks rather than one whole copy."""
    etree.ElementTree(element).write(
        stream, xml_declaration=True, encoding="UTF-8", standalone=True
    )
