"""An agreement's operative text as a deed of variation reads it: each clause, the definitions or a
schedule as printed (:class:`Section`), and a clause's numbered provisions with what lies below
each."""

from __future__ import annotations

from dataclasses import dataclass, field

from assembler.oxml.provisions import PROVISION
from assembler.oxml.styles import Style
from assembler.plan.laidout import LaidOut
from assembler.plan.planner import Plan

HEADINGS = (Style.CLAUSE_HEADING, Style.SCHEDULE_HEADING)


#: a schedule's paragraph heading ("1 Workstreams")
SCHEDULE_HEADING = Style.SCHEDULE_CLAUSE_1


#: list item styles, whose printed label ("(a)") is not part of the paragraph's text
ITEM_STYLES = (Style.CLAUSE_3, Style.CLAUSE_4)


@dataclass
class Section:
    """One place of a document: a clause, the definitions or a schedule, as printed."""

    slot: str
    number: str
    title: str
    kind: str
    paragraphs: list[tuple[str, str, str]] = field(default_factory=list)  # (number, style, text)
    #: the labels of its provisions a deed left in place, "Not used." (the plan's layout)
    omitted: tuple[str, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [text for _, _, text in self.paragraphs]


def sections(plan: Plan, laid_out: LaidOut) -> dict[str, Section]:
    """The operative clauses and schedules of a laid-out document, by slot, in document order."""
    by_label = {(pc.clause_id or pc.slot): pc for pc in plan.clauses + plan.schedules}
    omitted = {place.slot: place.omitted for place in plan.layout or []}
    found: dict[str, Section] = {}
    current: Section | None = None
    for para in laid_out.paragraphs:
        if para.style in HEADINGS:
            planned = next((by_label[label] for label in para.labels if label in by_label), None)
            if planned is None:  # the execution blocks: the end of the operative text
                current = None
                continue
            current = Section(
                planned.slot,
                planned.number,
                planned.title,
                planned.kind,
                omitted=omitted.get(planned.slot, ()),
            )
            found[planned.slot] = current
        elif current is not None and para.style != Style.SCHEDULE_TITLE:
            text = para.text.strip()
            if text:
                current.paragraphs.append((para.number, para.style, text))
    return found


Paragraph = tuple[str, str, str]  # (number, style, text)


Group = tuple[str, list[Paragraph]]  # a provision's own label ("4", "4A") and its paragraphs


def provision_groups(section: Section) -> tuple[list[Paragraph], list[Group]]:
    """A clause's text before its first numbered provision, and each provision ("9.4") with
    the items and text below it, by its label within the clause ("4"); a schedule's paragraphs
    ("1", "1.1") by their own numbers."""
    schedule = section.number.startswith("Schedule")
    prefix = "" if schedule else section.number + "."
    starts = (PROVISION, SCHEDULE_HEADING) if schedule else (PROVISION,)
    intro: list[Paragraph] = []
    groups: list[Group] = []
    for para in section.paragraphs:
        number, style, _ = para
        if style in starts and number and number.startswith(prefix):
            groups.append((number.removeprefix(prefix), [para]))
        elif groups:
            groups[-1][1].append(para)
        else:
            intro.append(para)
    return intro, groups


def restructured(old: list[Paragraph], new: list[Paragraph]) -> bool:
    """A provision with items added or removed: not a change of words."""
    return [style for _, style, _ in old] != [style for _, style, _ in new]


def mostly(changed: int, provisions: int) -> bool:
    """Whether a change to CHANGED of a clause's PROVISIONS reads better as the whole clause
    substituted than as one instruction per provision."""
    return changed > 1 and changed * 2 > provisions
