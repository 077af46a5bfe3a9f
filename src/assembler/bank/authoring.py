"""Turn a plain-text clause draft into a Word fragment in the house styles, and back.

This is how a clause starts life; after that, lawyers edit the .docx in Word. One paragraph per
line, and a marker at the start of a line picks the style (see docs/authoring.md). The way back
(:func:`draft_from_fragment`) lets a clause family be revised as text, for example by a script.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.body import clear
from assembler.oxml.styles import Style

MARKERS = (
    (re.compile(r"^1\.1\s+"), "Clause 2"),
    (re.compile(r"^\(a\)\s+"), "Clause 3"),
    (re.compile(r"^\(i\)\s+"), "Clause 4"),
    (re.compile(r"^>\s?"), "Body Text 2"),
    (re.compile(r"^\*\s+"), "List Bullet"),
    (re.compile(r"^##\s+"), "Schedule Part"),
    (re.compile(r"^#\s+"), "Schedule Clause 1"),
)
BOLD = re.compile(r"\*\*(.+?)\*\*")


def draft_lines(text: str) -> list[tuple[str, str]]:
    """(style name, text) for each non-blank line of a draft."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        style = "Body Text"
        for pattern, name in MARKERS:
            if pattern.match(line):
                style, line = name, pattern.sub("", line, count=1)
                break
        out.append((style, line))
    return out


def fragment_from_draft(text: str, house_style: Path) -> bytes:
    """A .docx whose body is the draft, styled with the house styles."""
    import docx

    document = docx.Document(str(house_style))
    body = document.element.body
    clear(body)
    for style, line in draft_lines(text):
        paragraph = document.add_paragraph(style=style)
        for i, piece in enumerate(BOLD.split(line)):
            if piece:
                paragraph.add_run(piece).bold = bool(i % 2) or None
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


#: style id (as stored in the fragment) -> the draft marker that makes it
_MARKER_OF: dict[str, str] = {
    Style.CLAUSE_2: "1.1 ",
    Style.CLAUSE_3: "(a) ",
    Style.CLAUSE_4: "(i) ",
    Style.BODY_TEXT_2: "> ",
    Style.LIST_BULLET: "* ",
    Style.SCHEDULE_CLAUSE_1: "# ",
    Style.SCHEDULE_PART: "## ",
}


def draft_from_fragment(data: bytes) -> str:
    """The draft text of a fragment: the inverse of :func:`fragment_from_draft`."""
    import docx

    document = docx.Document(io.BytesIO(data))
    if document.tables:  # a text draft has no tables: refuse rather than drop them
        raise AssemblerError(
            Diagnostic(
                "E-frag-12",
                "the fragment holds a table, which a text draft cannot carry",
                hint="edit this clause in Word or LibreOffice (docs/authoring.md, Tables)",
            )
        )
    lines = []
    for paragraph in document.paragraphs:
        style = paragraph.style.style_id if paragraph.style is not None else ""
        text = "".join(f"**{r.text}**" if r.bold and r.text else r.text for r in paragraph.runs)
        if text.strip():
            lines.append(_MARKER_OF.get(style, "") + text.replace("****", ""))
    return "\n".join(lines) + "\n"
