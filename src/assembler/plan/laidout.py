"""The plan as laid out: what rendering settles that the lock, provenance and a deed of variation
read (each paragraph's number and text, where each cross-reference lands, the defined terms, each
clause's text fingerprint). Plain data, no XML: rendering returns it beside the document's parts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from assembler.oxml.styles import Style

#: Where a clause's text ends: the next clause or schedule heading, or the execution page.
SECTION_STYLES = frozenset({Style.CLAUSE_HEADING, Style.SCHEDULE_HEADING})


@dataclass(frozen=True, slots=True)
class Printed:
    """One paragraph as printed, in reading order."""

    style: str
    #: the number as a cross-reference shows it ("9.2(a)"; "" if unnumbered)
    number: str
    text: str
    #: the cross-reference targets it carries (``scope``, ``scope.cohort``)
    labels: tuple[str, ...] = ()
    #: the number as printed before the text ("1.", "1.1", "(a)")
    printed: str = ""


@dataclass
class LaidOut:
    """What the numbered document settled, for the lock and the variation engine."""

    #: target -> the words a reference prints ("clause 9.2", "paragraph 3 of Schedule 2")
    references: dict[str, str] = field(default_factory=dict)
    defined_terms: list[str] = field(default_factory=list)
    paragraphs: list[Printed] = field(default_factory=list)
    #: slot -> SHA-256 of its clause's text (what ``verify`` compares, to find edited clauses)
    text_sha256: dict[str, str] = field(default_factory=dict)


def bookmark_name(target: str) -> str:
    """Word's hidden-bookmark form (``_Ref`` + digits), stable for a target across builds."""
    digest = int(hashlib.sha1(target.encode()).hexdigest(), 16) % 10**9
    return f"_Ref{digest:09d}"


def fingerprints(paragraphs: Iterable[tuple[Iterable[str], str, str]]) -> dict[str, str]:
    """slot -> SHA-256 of the whitespace-normalised text of that clause's body.

    ``paragraphs`` gives, in reading order, the slots a paragraph heads (none for body text),
    its style and its text: a built document's headings name their slot by label, an edited
    .docx's by bookmark, and both are fingerprinted by this one rule.
    """
    texts: dict[str, list[str]] = {}
    current: str | None = None
    for heads, style, text in paragraphs:
        heading = next(iter(heads), None)
        if heading is not None:
            current = heading
            texts[current] = []
            continue
        if style in SECTION_STYLES:
            current = None  # a heading that is not a clause (the execution page)
        elif current is not None:
            texts[current].append(text)
    return {slot: _digest(lines) for slot, lines in texts.items()}


def _digest(lines: list[str]) -> str:
    text = " ".join(" ".join(lines).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
