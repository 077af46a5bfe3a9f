"""Turn a plain-text clause draft into a Word fragment in the house styles.

This is how a clause starts life; after that, lawyers edit the .docx in Word. One paragraph per
line, and a marker at the start of a line picks the style (see docs/authoring.md).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

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
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    for style, line in draft_lines(text):
        paragraph = document.add_paragraph(style=style)
        for i, piece in enumerate(BOLD.split(line)):
            if piece:
                paragraph.add_run(piece).bold = bool(i % 2) or None
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
