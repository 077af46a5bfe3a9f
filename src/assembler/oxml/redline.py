"""Reading tracked changes: a body as it reads once every change is accepted or rejected (what
the package check resolves cross-references in), and the redline, every change printed as
formatting so any viewer shows it the same way."""

from __future__ import annotations

import copy

from assembler.oxml.ns import qn
from assembler.oxml.text import E, el

#: What a paragraph's properties hold after its own: a w:pPrChange's old properties omit them.
LATER = (qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange"))


def with_changes(body: E, *, accept: bool) -> E:
    """A copy of ``body`` as it reads once every change is accepted (Accept All) or rejected
    (Reject All): a paragraph whose mark goes, goes with all it holds (its bookmarks too); the
    changes kept become plain runs."""
    body = copy.deepcopy(body)
    drop, keep = (qn("w:del"), qn("w:ins")) if accept else (qn("w:ins"), qn("w:del"))
    for p in list(body.iter(qn("w:p"))):
        mark = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        if mark is not None and mark.find(drop) is not None:
            p.getparent().remove(p)
    for change in list(body.iter(drop)):
        change.getparent().remove(change)
    for change in list(body.iter(keep)):
        _as_live_text(change)
        _unwrap(change)
    for restyled in list(body.iter(qn("w:pPrChange"))):
        _settle_properties(restyled, accept)
    return body


def _settle_properties(change: E, accept: bool) -> None:
    """A w:pPrChange accepted (dropped) or rejected (its old properties back in place)."""
    ppr = change.getparent()
    ppr.remove(change)
    if accept:
        return
    for child in [c for c in ppr if c.tag not in LATER]:
        ppr.remove(child)
    for child in reversed(list(change.find(qn("w:pPr")))):
        ppr.insert(0, child)


#: How a redline prints a change (a reader's convention, not a Word revision): insertions blue and
#: double underlined, deletions red and struck through.
Look = tuple[tuple[str, dict[str, str]], ...]
INSERTED: Look = (("w:color", {"val": "1F4E9B"}), ("w:u", {"val": "double"}))
DELETED: Look = (("w:color", {"val": "C00000"}), ("w:strike", {}))


def marked_up(body: E) -> E:
    """A copy of ``body`` with each tracked change printed as formatting, so any viewer shows it
    the same way: the numbers are the new text's own, and a deleted numbered paragraph is shown
    struck through without a number of its own (LibreOffice numbers a list paragraph that holds a
    tracked deletion as if it were deleted: "[5.1]", then "5.1[5.2]" below it). A field in
    deleted text prints its cached result, the number as signed: updated, it would point at a
    provision that is gone, or at a paragraph the redline no longer numbers."""
    body = copy.deepcopy(body)
    for p in body.iter(qn("w:p")):
        _deleted_fields_as_results(p)
        mark = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        gone = mark is not None and mark.find(qn("w:del")) is not None
        if mark is not None:
            for tag in ("w:ins", "w:del"):
                for m in mark.findall(qn(tag)):
                    mark.remove(m)
        if gone:
            _unnumbered(p)
    for restyled in list(body.iter(qn("w:pPrChange"))):
        _settle_properties(restyled, accept=True)  # the redline shows the new numbering
    for tag, look in (("w:ins", INSERTED), ("w:del", DELETED)):
        for change in list(body.iter(qn(tag))):
            for r in change.iter(qn("w:r")):
                _format(r, look)
            _as_live_text(change)
            _unwrap(change)
    return body


def _deleted_fields_as_results(p: E) -> None:
    """Each field of P that starts in deleted text reduced to the runs of its cached result
    (fields nested in it too)."""
    nested = 0  # how deep inside a deleted field
    instruction = False  # before its "separate"
    for r in list(p.iter(qn("w:r"))):
        kinds = [c.get(qn("w:fldCharType")) for c in r.iter(qn("w:fldChar"))]
        if not nested and "begin" in kinds and _inside(r, qn("w:del")):
            instruction = True
        if not nested and not instruction:
            continue
        nested += kinds.count("begin")
        if nested == 1 and "separate" in kinds:
            instruction = False
        nested -= kinds.count("end")
        if (
            instruction
            or kinds
            or r.find(qn("w:instrText")) is not None
            or (r.find(qn("w:delInstrText")) is not None)
        ):
            r.getparent().remove(r)
        instruction = instruction and nested > 0


def _inside(element: E, tag: str) -> bool:
    return any(a.tag == tag for a in element.iterancestors())


def _unwrap(element: E) -> None:
    parent = element.getparent()
    at = parent.index(element)
    for child in reversed(list(element)):
        parent.insert(at, child)
    parent.remove(element)


def _format(r: E, look: Look) -> None:
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = el("w:rPr")
        r.insert(0, rpr)
    for tag, attrs in look:
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
        rpr.append(el(tag, **attrs))


def _unnumbered(p: E) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    for old in ppr.findall(qn("w:numPr")):
        ppr.remove(old)
    numpr = el("w:numPr")
    el("w:ilvl", numpr, val="0")
    el("w:numId", numpr, val="0")
    style = ppr.find(qn("w:pStyle"))
    ppr.insert(0 if style is None else ppr.index(style) + 1, numpr)


def _as_live_text(element: E) -> None:
    for t in element.iter(qn("w:delText")):
        t.tag = qn("w:t")
    for t in element.iter(qn("w:delInstrText")):
        t.tag = qn("w:instrText")
