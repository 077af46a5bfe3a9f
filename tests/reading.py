"""Read a built document the way its reader does: paragraphs with their styles, clause by clause."""

from __future__ import annotations

import io

import docx


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph."""
    document = docx.Document(io.BytesIO(data))
    return [(p.style.style_id, p.text) for p in document.paragraphs]


def table_rows(data: bytes) -> list[list[str]]:
    """The text of each cell, row by row, of every table in the document."""
    document = docx.Document(io.BytesIO(data))
    return [[c.text for c in row.cells] for table in document.tables for row in table.rows]


def clause_texts(data: bytes) -> dict[str, str]:
    """Clause heading -> the text under it (the operative part only, up to the schedules)."""
    out: dict[str, str] = {}
    current = None
    for style, text in paragraphs(data):
        if style == "ClauseHeading":
            current = text
            out[current] = ""
        elif style == "ScheduleHeading":
            current = None
        elif current:
            out[current] += text + "\n"
    return out


def refs(result) -> dict[str, str]:
    """Cross-reference target -> the number the lock file records for it."""
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(result.lock.read_text())["references"]
