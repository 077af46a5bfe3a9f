"""A clause's numbered provisions laid out as a deed of variation left them.

UK drafting omits a provision without renumbering the rest ("Omit clause 15.3": 15.4 stays 15.4)
and numbers an inserted one after the one it follows ("After clause 9.4 insert: 9.4A ..."). Word's
list numbering would renumber both, so an agreement as varied holds an omitted provision's place
with a numbered paragraph in the house style's words ("Not used."), and numbers an inserted provision from a list of its own
whose level prints "9.4A" as it stands (its items counting (a), (b) under it). The house list's
numbers then stay those the deed cites, and Accept All in Word or LibreOffice shows exactly the
deed's numbers.
"""

from __future__ import annotations

from assembler.oxml.ns import qn
from assembler.oxml.numbering import Numbering
from assembler.oxml.styles import Style
from assembler.oxml.tables import paragraphs_in
from assembler.oxml.text import E, paragraph, set_numbering, style_of

#: The style of a clause's numbered provisions ("9.4"), and of the items below them.
PROVISION = Style.CLAUSE_2
ITEMS = (Style.CLAUSE_3, Style.CLAUSE_4)


def hold(
    blocks: list[E],
    labels: tuple[str, ...],
    omitted: tuple[str, ...],
    clause: str,
    numbering: Numbering,
    not_used: str,
) -> list[E] | None:
    """BLOCKS (a clause body) with a NOT_USED provision at each omitted label, and each label
    that is not the list's next number ("4A") printed by a list of its own. None when the body
    no longer has the provisions the labels describe (the deal changed since the layout)."""
    intro, groups = _groups(blocks)
    if len(groups) != len(labels) - len(omitted):
        return None
    held = list(intro)
    pending = iter(groups)
    counted = 0
    for label in labels:
        if label in omitted:
            counted += 1
            held.append(paragraph(PROVISION, not_used))
            continue
        group = next(pending)
        if label == str(counted + 1):
            counted += 1
        else:
            _numbered_apart(group, f"{clause}.{label}", numbering)
        held.extend(group)
    return held


def _groups(blocks: list[E]) -> tuple[list[E], list[list[E]]]:
    """The blocks before the first provision, and each provision with what follows it (its
    items, tables and unnumbered text) up to the next."""
    intro: list[E] = []
    groups: list[list[E]] = []
    for block in blocks:
        if block.tag == qn("w:p") and style_of(block) == PROVISION:
            groups.append([block])
        elif groups:
            groups[-1].append(block)
        else:
            intro.append(block)
    return intro, groups


def _numbered_apart(group: list[E], number: str, numbering: Numbering) -> None:
    """Number the provision NUMBER, and its items below it, from a list of their own."""
    num_id, ilvl = numbering.style_links[PROVISION]
    own = numbering.add_literal(num_id, ilvl, number)
    for p in paragraphs_in(group):
        linked = numbering.style_links.get(style_of(p) or "")
        if linked is not None and style_of(p) in (PROVISION, *ITEMS):
            set_numbering(p, own, linked[1])
