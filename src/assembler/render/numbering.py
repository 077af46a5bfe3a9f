"""The numbering walk: every paragraph's list number computed as Word will print it, and every
labelled paragraph bookmarked as the target of cross-references."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from lxml import etree

from assembler.bank.housedata import Words
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml import text as ox
from assembler.oxml.body import paragraphs_of
from assembler.oxml.numbering import Numbering
from assembler.oxml.styles import Style
from assembler.plan.laidout import bookmark_name
from assembler.render.fields import Target, take_labels
from assembler.render.operative import LEGAL_LIST

E: TypeAlias = etree._Element


@dataclass(frozen=True, slots=True)
class Numbered:
    """A paragraph of the body with its style, its number as a cross-reference would show it
    ("9.2(a)", "" if unnumbered) and its labels: what a deed of variation compares."""

    element: E
    style: str
    number: str
    labels: tuple[str, ...]
    #: the number as printed before the text ("1.", "1.1", "(a)"): what the review exports show
    printed: str = ""


@dataclass
class Walked:
    """Every paragraph numbered, in reading order, and every label's target."""

    paragraphs: list[Numbered] = field(default_factory=list)
    targets: dict[str, Target] = field(default_factory=dict)


def number(body: E, numbering: Numbering, deal_path: str, words: Words) -> Walked:
    """Walk the body as Word will, computing every list number; bookmark every target (a label
    used twice is E-ref-04)."""
    walked = Walked()
    schedule = ""
    clause_ref = ""
    for p in paragraphs_of(body):
        style = ox.style_of(p)
        labels = take_labels(p)  # so the text below is what prints
        if style == Style.SCHEDULE_HEADING:
            schedule = ox.text_of(p).strip()
        listed = numbering.list_of(p, style)
        printed, reference = numbering.next_number(*listed) if listed else ("", "")
        if listed and style == LEGAL_LIST:
            clause_ref = reference
        walked.paragraphs.append(Numbered(p, style or "", reference, tuple(labels), printed))
        for name in labels:
            if name in walked.targets:
                raise AssemblerError(
                    Diagnostic("E-ref-04", f"label {name!r} is used twice", deal_path)
                )
            bookmark = bookmark_name(name)
            ox.bookmark(p, bookmark, len(walked.targets) + 1)
            walked.targets[name] = _target(bookmark, style, schedule, reference, clause_ref, words)
    return walked


def _target(
    bookmark: str, style: str | None, schedule: str, reference: str, clause: str, words: Words
) -> Target:
    """A schedule heading is referred to by its name, a paragraph of a schedule as "paragraph N of
    Schedule M", anything else as a clause (an unnumbered paragraph by its clause's number)."""
    if style == Style.SCHEDULE_HEADING:
        return Target(bookmark, schedule, "", "", False)
    if schedule:
        paragraph = words.paragraph_reference + " "
        of_schedule = " " + words.of_schedule.format(schedule=schedule)
        return Target(bookmark, reference or "?", paragraph, of_schedule, True)
    prefix = words.clause_reference + " "
    return Target(bookmark, reference or clause, prefix, "", bool(reference))
