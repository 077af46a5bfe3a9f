"""What ``bank list``, ``bank show`` and ``bank diff`` show: clauses chosen by criterion, status
or document type, a version's fragment as readable lines, and a word-level diff of two versions."""

from __future__ import annotations

import difflib
import re
from typing import Any

from assembler.bank.clausebank import Clause, ClauseBank, ClauseVersion
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.body import cells_of, is_paragraph, is_row, is_table, parse_blocks
from assembler.oxml.styles import Style
from assembler.oxml.text import style_of, text_of

LEVEL_MARKS: dict[str, str] = {Style.CLAUSE_2: "1.1", Style.CLAUSE_3: "(a)", Style.CLAUSE_4: "(i)", Style.SCHEDULE_CLAUSE_1: "#",
               Style.SCHEDULE_PART: "##", Style.LIST_BULLET: "*", Style.BODY_TEXT_2: ">"}  # fmt: skip


def select(
    bank: ClauseBank,
    criterion: str | None = None,
    status: str | None = None,
    document_type: str | None = None,
) -> list[Clause]:
    """The clauses ``bank list`` shows, by id: those meeting a criterion (a top-level one meets
    its sub-criteria too), with a version in a status, for a document type."""
    return [
        clause
        for clause in sorted(bank.clauses.values(), key=lambda c: c.id)
        if (not criterion or any(c.split(".")[0] == criterion for c in clause.criteria))
        and (not status or any(v.status == status for v in clause.versions))
        and (not document_type or document_type in clause.document_types)
    ]


def clause_record(clause: Clause) -> dict[str, Any]:
    """A clause and the record of each version, as ``bank list`` and ``bank show`` print it."""
    return {
        "id": clause.id,
        "title": clause.title,
        "document_types": clause.document_types,
        "criteria": clause.criteria,
        "versions": [
            {**v.record, "status": v.status, "withdrawn_on": v.withdrawn_on}
            for v in clause.versions
        ],
    }


def parse_ref(text: str) -> tuple[str, str | None]:
    """``"scope@1.2.0"`` -> ("scope", "1.2.0"); ``"scope"`` -> ("scope", None)."""
    clause, _, version = text.partition("@")
    return clause, version or None


def find_version(bank: ClauseBank, ref: str) -> tuple[Clause, ClauseVersion]:
    """The named version, or the newest one when no version is given."""
    clause_id, wanted = parse_ref(ref)
    clause = bank.clause(clause_id)
    if wanted is None:
        return clause, max(clause.versions, key=lambda v: v.key)
    for version in clause.versions:
        if version.version == wanted:
            return clause, version
    raise AssemblerError(
        Diagnostic("E-bank-05", f"clause {clause_id} has no version {wanted}",
                   hint="versions: " + ", ".join(v.version for v in clause.versions))
    )  # fmt: skip


def plain_text(bank: ClauseBank, version: ClauseVersion) -> list[str]:
    """The fragment as readable lines: a level mark, then the paragraph's text (tags included)."""
    fragment, _ = bank.fragment(version)
    lines = []
    for piece in fragment.source.splitlines():
        if not piece.startswith("<"):
            lines.append(piece)
            continue
        block = parse_blocks(JINJA_TAG.sub(_escaped, piece))[0]
        if is_table(block):
            lines.extend(_table_lines(block))
            continue
        mark = LEVEL_MARKS.get(style_of(block) or "", "")
        lines.append(f"{mark} {_readable(text_of(block))}".strip())
    return lines


#: A footnote as the importer keeps it in a fragment's text (see fragment._inline_footnotes).
FOOTNOTE = re.compile(r"\{% filter footnote %\}(.*?)\{% endfilter %\}")


def _readable(text: str) -> str:
    """Fragment text as a reader sees it: a footnote as ``[footnote: its text]``."""
    return FOOTNOTE.sub(r"[footnote: \1]", text)


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs and the tags between them, `` / `` between each."""
    parts = []
    for child in cell:
        if is_paragraph(child):
            parts.append(text_of(child))
        parts.append((child.tail or "").strip())
    return " / ".join(part for part in parts if part)


def _table_lines(tbl: Any) -> list[str]:
    """A table as one line per row, ``| cell | cell |``, with its row tags where they stand."""
    lines = [tbl.text.strip()] if tbl.text and tbl.text.strip() else []
    for child in tbl:
        if is_row(child):
            cells = (_readable(_cell_text(c)) for c in cells_of(child))
            lines.append("| " + " | ".join(cells) + " |")
        if child.tail and child.tail.strip():
            lines.append(child.tail.strip())
    return lines


#: A Jinja tag in a fragment's source. Its expression may hold "<" or "&" ({{ n if n <= 10 }}),
#: which is fine once rendered but is not XML before it: escape them to read the source as XML.
JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _escaped(tag: re.Match[str]) -> str:
    text = tag.group(0)
    if "<w:" in text or "</w:" in text:  # a tag split across runs: leave the XML alone
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;")


def word_diff(old: list[str], new: list[str]) -> list[str]:
    """A word-level diff, ``[-removed-]{+added+}`` as ``git diff --word-diff=plain`` writes it."""
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(f"  {line}" for line in old[i1:i2])
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        out.extend(
            f"~ {_words(a, b)}"
            for a, b in zip(old[i1 : i1 + paired], new[j1 : j1 + paired], strict=True)
        )
        out.extend(f"- [-{line}-]" for line in old[i1 + paired : i2])
        out.extend(f"+ {{+{line}+}}" for line in new[j1 + paired : j2])
    return out


def _words(old: str, new: str) -> str:
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            parts.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(parts)
