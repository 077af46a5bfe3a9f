"""Make .docx fragments the way Word writes them (split runs, proofing marks, direct numbering)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
NUMBERING = (
    f'<w:numbering xmlns:w="{W}">'
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="lowerLetter"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:numFmt w:val="lowerRoman"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="upperRoman"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="8"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
)


def docx_bytes(
    body_xml: str, *, numbering: bool = False, extra: dict[str, bytes] | None = None
) -> bytes:
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body_xml}</w:body></w:document>'
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr("[Content_Types].xml", TYPES)
        package.writestr("word/document.xml", document)
        if numbering:
            package.writestr("word/numbering.xml", NUMBERING)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return stream.getvalue()


def write_docx(path: Path, body_xml: str, **kwargs) -> Path:
    path.write_bytes(docx_bytes(body_xml, **kwargs))
    return path


FIXTURES = Path(__file__).parent / "fixtures"


def with_document(package: Path, document_xml: bytes, target: Path) -> Path:
    """``package`` (a fragment .docx) with its word/document.xml replaced: a clause as another
    program saved it, in the bank's own package."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = document_xml if item.filename == "word/document.xml" else source.read(item)
            out.writestr(item, data)
    return target
