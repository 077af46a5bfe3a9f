"""A fragment's paragraphs and runs reduced to what a clause keeps: revisions accepted, fields
flattened to their text, one house style a paragraph, only the run properties a clause carries,
and runs merged so a template tag Word split over several is whole again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeAlias

from lxml import etree

from assembler.oxml.ns import qn

E: TypeAlias = etree._Element

#: Run properties kept from a fragment; fonts, sizes and colours come from the house style.
KEPT_RUN_PROPS = ("w:rStyle", "w:b", "w:i", "w:u", "w:caps", "w:smallCaps", "w:vertAlign")
#: Dropped run properties that change nothing a reader sees, so dropping them goes unremarked.
_INVISIBLE_RUN_PROPS = ("lang", "noProof", "bCs", "iCs")
#: The bounds of a tracked move, which go with the move itself.
MOVE_RANGES = (
    "w:moveFromRangeStart",
    "w:moveFromRangeEnd",
    "w:moveToRangeStart",
    "w:moveToRangeEnd",
)
FIELDS_NOTE = "replaced Word fields with the text they showed (use ref() for references)"

_R, _T = qn("w:r"), qn("w:t")
_PPR, _RPR, _PSTYLE, _RSTYLE, _VAL = (
    qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:rStyle"), qn("w:val"),
)  # fmt: skip


def accept_revisions(p: E, notes: list[str]) -> None:
    """Accept tracked insertions and moves, drop tracked deletions, comments and content
    controls, keep the text of smart tags, custom XML and links, and the shown text of fields
    (cross-references are the engine's)."""
    for deleted in list(p.iter(qn("w:del"), qn("w:moveFrom"))):
        deleted.getparent().remove(deleted)
        notes.append("accepted tracked changes")
    wrappers = ("w:ins", "w:moveTo", "w:smartTag", "w:customXml", "w:hyperlink", "w:sdtContent")
    for wrapper in list(p.iter(*(qn(w) for w in wrappers), qn("w:fldSimple"))):
        if wrapper.tag == qn("w:fldSimple"):
            notes.append(FIELDS_NOTE)
        parent = wrapper.getparent()
        position = parent.index(wrapper)
        for child in list(wrapper):
            if child.tag in (qn("w:smartTagPr"), qn("w:sdtPr"), qn("w:customXmlPr")):
                continue
            parent.insert(position, child)
            position += 1
        parent.remove(wrapper)
    removed = ("w:sdt", "w:commentRangeStart", "w:commentRangeEnd") + MOVE_RANGES
    for sdt in list(p.iter(*(qn(r) for r in removed))):
        sdt.getparent().remove(sdt)
    for r in list(p.iter(_R)):
        if r.find(qn("w:commentReference")) is not None:
            r.getparent().remove(r)
            notes.append("removed comments (drafting notes belong in clause.yaml)")
    _flatten_fields(p, notes)


def _flatten_fields(p: E, notes: list[str]) -> None:
    """A complex field keeps only its result runs: the instruction (a REF to a bookmark the
    fragment does not carry, a PAGE) would not work in the assembled document."""
    in_instruction = False
    for r in list(p.iter(_R)):
        mark = r.find(qn("w:fldChar"))
        kind = mark.get(qn("w:fldCharType")) if mark is not None else None
        if kind == "begin":
            in_instruction = True
            notes.append(FIELDS_NOTE)
        elif kind == "separate":
            in_instruction = False
        if kind is not None or in_instruction or r.find(qn("w:instrText")) is not None:
            r.getparent().remove(r)


def paragraph_style(p: E) -> str | None:
    """The style ``p`` names (giving it empty paragraph properties if it has none, which
    :func:`set_only_style` fills)."""
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    style = ppr.find(_PSTYLE)
    return style.get(_VAL) if style is not None else None


def list_key(p: E) -> tuple[str, str] | None:
    """(numId, ilvl) of the direct list numbering Word's list buttons give ``p``, if any."""
    numpr = p.find(f"{_PPR}/{qn('w:numPr')}")
    if numpr is None:
        return None
    num_id, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
    return (
        num_id.get(_VAL) if num_id is not None else "0",
        ilvl.get(_VAL) if ilvl is not None else "0",
    )


def drop_list(p: E) -> None:
    """Remove ``p``'s direct list numbering (its style numbers it already)."""
    ppr = p.find(_PPR)
    for numpr in ppr.findall(qn("w:numPr")) if ppr is not None else ():
        ppr.remove(numpr)


def set_only_style(p: E, style: str) -> bool:
    """Replace every paragraph property of ``p`` with ``style``; True if direct formatting (more
    than a style and the mark's run properties) was dropped."""
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    direct = any(child.tag not in (_PSTYLE, _RPR) for child in ppr)
    for child in list(ppr):
        ppr.remove(child)
    etree.SubElement(ppr, _PSTYLE).set(_VAL, style)
    return direct


def runs_of(p: E) -> Iterator[E]:
    yield from p.iter(_R)


def clean_run(r: E, restyle: Callable[[str], str | None]) -> bool:
    """Keep only the run properties a clause may carry, its character style mapped through
    ``restyle`` (None drops it); True if visible formatting (fonts, sizes, colours) went."""
    rpr = r.find(_RPR)
    if rpr is None:
        return False
    kept = {qn(name) for name in KEPT_RUN_PROPS}
    dropped = [child for child in rpr if child.tag not in kept]
    for child in dropped:
        rpr.remove(child)
    style_el = rpr.find(_RSTYLE)
    if style_el is not None:
        house = restyle(style_el.get(_VAL))
        if house is None:
            rpr.remove(style_el)
        else:
            style_el.set(_VAL, house)
    if len(rpr) == 0:
        r.remove(rpr)
    return any(etree.QName(c).localname not in _INVISIBLE_RUN_PROPS for c in dropped)


def merge_runs(p: E, unfinished: Callable[[str], bool]) -> None:
    """Join neighbouring plain-text runs with the same formatting; then a run whose text is
    ``unfinished`` (a template tag Word split over runs of different formatting) takes the text
    of the runs after it until it is not."""
    runs = _text_runs(p)
    previous = None
    for r in runs:
        if (
            previous is not None
            and r.getprevious() is previous
            and _props_key(r) == _props_key(previous)
        ):
            _set_text(previous, _run_text(previous) + _run_text(r))
            p.remove(r)
            continue
        previous = r
    runs = _text_runs(p)
    i = 0
    while i < len(runs):
        text = _run_text(runs[i])
        j = i + 1
        while unfinished(text) and j < len(runs):
            text += _run_text(runs[j])
            p.remove(runs[j])
            j += 1
        _set_text(runs[i], text)
        runs = runs[: i + 1] + runs[j:]
        i += 1


def _text_runs(p: E) -> list[E]:
    return [r for r in p if r.tag == _R and all(child.tag in (_RPR, _T) for child in r)]


def _props_key(r: E) -> bytes:
    rpr = r.find(_RPR)
    return etree.tostring(rpr) if rpr is not None else b""


def _run_text(r: E) -> str:
    return "".join(t.text or "" for t in r.iter(_T))


def _set_text(r: E, text: str) -> None:
    for t in list(r.iter(_T)):
        r.remove(t)
    t = etree.SubElement(r, _T)
    t.text = text
    t.set(qn("xml:space"), "preserve")
