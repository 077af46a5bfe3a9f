"""Native Word tracked changes (``w:ins``/``w:del``) between two rendered bodies: the conformed copy
of an agreement as varied, which a reader can accept or reject change by change in Word or
LibreOffice.

Written by hand because no Python library writes revisions: the comparison tools that do need a
binary download. Paragraphs are aligned by (style, text); a changed paragraph is compared word by
word, so only the words that changed are marked. Accepting every change gives the new text;
rejecting every change gives the original.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from itertools import count

from lxml import etree

from assembler.oxml.ns import qn
from assembler.oxml.redline import LATER, marked_up, with_changes
from assembler.oxml.text import E, el, style_of, text_of

#: What comes before w:numPr in a paragraph's properties (the schema's order).
BEFORE_NUMPR = frozenset(
    qn(f"w:{t}")
    for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl")
)

#: ``marked_up`` and ``with_changes`` read what this module writes; importable from here too
__all__ = ["Revisions", "conform", "marked_up", "renamed", "with_changes"]

#: A deleted paragraph's comment ranges: dropped, the comments are the new text's.
COMMENT_MARKS = ("w:commentRangeStart", "w:commentRangeEnd")


class Revisions:
    """Makes revision marks with one author and date and ids unique in the document."""

    def __init__(
        self,
        author: str,
        date: str,
        first_id: int = 900_000,
        links: Mapping[str, tuple[int, int]] | None = None,
    ):
        self.author, self.date = author, date
        self._ids = count(first_id)
        #: style id -> (numId, ilvl) of the list the house style binds it to
        self.links = dict(links or {})

    def mark(self, tag: str) -> E:
        return el(tag, id=str(next(self._ids)), author=self.author, date=self.date)

    # -- whole paragraphs --------------------------------------------------------------------
    def inserted(self, p: E) -> E:
        p = copy.deepcopy(p)
        self._wrap_runs(p, "w:ins")
        self._mark_paragraph(p, "w:ins")
        return p

    def deleted(self, p: E, taken: Collection[str] = ()) -> E:
        """P struck out whole, keeping each bookmark whose name the new text has not ``taken``
        (:meth:`signed_bookmarks`)."""
        p = copy.deepcopy(p)
        for mark in list(p.iter(*(qn(tag) for tag in COMMENT_MARKS))):
            mark.getparent().remove(mark)
        self.signed_bookmarks(p, taken)
        _as_deleted_text(p)
        self._wrap_runs(p, "w:del")
        self._mark_paragraph(p, "w:del")
        return p

    # -- a changed paragraph -----------------------------------------------------------------
    def changed(self, old: E, new: E, taken: Collection[str] = ()) -> E:
        """The new paragraph's properties and bookmarks (and the old one's the new text has not
        ``taken``), its text diffed word by word. Each word keeps its own run's formatting (a
        highlighted blank stays highlighted), and a field (a cross-reference) is one piece that
        is kept, or deleted and inserted whole, never flattened to text that would no longer
        update. Restyled (a provision that became an item), it records its old properties as a
        tracked change of formatting, which rejecting restores."""
        p = el("w:p")
        ppr = new.find(qn("w:pPr"))
        if ppr is not None:
            p.append(copy.deepcopy(ppr))
        if style_of(old) != style_of(new):
            self._restyled(p, old)
        p.extend(copy.deepcopy(m) for m in new.iter(qn("w:bookmarkStart")))
        before, after = _pieces(old), _pieces(new)
        matcher = difflib.SequenceMatcher(
            a=[x.text for x in before], b=[y.text for y in after], autojunk=False
        )
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op in ("delete", "replace"):
                gone = self.mark("w:del")
                gone.extend(_runs_of(before[i1:i2], deleted=True))
                p.append(gone)
            if op in ("insert", "replace"):
                added = self.mark("w:ins")
                added.extend(_runs_of(after[j1:j2]))
                p.append(added)
            if op == "equal":
                p.extend(_runs_of(after[j1:j2]))
        p.extend(copy.deepcopy(m) for m in new.iter(qn("w:bookmarkEnd")))
        return self.with_signed_bookmarks(p, old, taken)

    def with_signed_bookmarks(self, p: E, old: E, taken: Collection[str]) -> E:
        """P (new) also holding the bookmarks of OLD that the new text has not ``taken``."""
        at = 0 if p.find(qn("w:pPr")) is None else 1
        for start, end in reversed(self.signed_bookmarks(copy.deepcopy(old), taken)):
            p.insert(at, start)
            p.append(end)
        return p

    def signed_bookmarks(self, p: E, taken: Collection[str]) -> list[tuple[E, E]]:
        """The bookmarks of old paragraph P that the new text has not ``taken``, with ids of
        their own, as (start, end); the others are removed from P, since a name used twice makes
        Word repair the file. A cross-reference in the old text to a provision the variation
        removes then still finds it with the changes shown or rejected (accepted, it is gone
        with the text that held it)."""
        ends = {end.get(qn("w:id")): end for end in p.iter(qn("w:bookmarkEnd"))}
        kept = []
        for start in list(p.iter(qn("w:bookmarkStart"))):
            end = ends.pop(start.get(qn("w:id")), None)
            if end is None or start.get(qn("w:name")) in taken:
                for mark in (start, end):
                    if mark is not None:
                        mark.getparent().remove(mark)
                continue
            fresh = str(next(self._ids))
            start.set(qn("w:id"), fresh)
            end.set(qn("w:id"), fresh)
            kept.append((start, end))
        for end in ends.values():  # the end of a bookmark that starts elsewhere
            end.getparent().remove(end)
        return kept

    def _restyled(self, p: E, old: E) -> None:
        """Record OLD's paragraph properties on P as a w:pPrChange (last in P's properties)."""
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = el("w:pPr")
            p.insert(0, ppr)
        before = el("w:pPr", self.mark("w:pPrChange"))
        was = old.find(qn("w:pPr"))
        before.extend(
            copy.deepcopy(c) for c in (was if was is not None else ()) if c.tag not in LATER
        )
        ppr.append(before.getparent())
        if {style_of(p), style_of(old)} & set(self.links):
            self._listed(ppr, style_of(p))
            self._listed(before, style_of(old))

    def _listed(self, ppr: E, style: str | None) -> None:
        """Give PPR the list level its style binds (numId 0: none) as its own w:numPr.
        LibreOffice imports a style's list level as the paragraph's own, and on Reject All
        restores the old style but not the old level, unless the change records it."""
        if ppr.find(qn("w:numPr")) is not None:
            return
        numpr = el("w:numPr")
        num_id, level = self.links.get(style or "", (0, -1))
        if level >= 0:
            el("w:ilvl", numpr, val=str(level))
        el("w:numId", numpr, val=str(num_id))
        ahead = [c for c in ppr if c.tag in BEFORE_NUMPR]
        ppr.insert(ppr.index(ahead[-1]) + 1 if ahead else 0, numpr)

    def _wrap_runs(self, p: E, tag: str) -> None:
        for r in [c for c in p if c.tag == qn("w:r")]:
            wrapper = self.mark(tag)
            r.addprevious(wrapper)
            wrapper.append(r)

    def _mark_paragraph(self, p: E, tag: str) -> None:
        """Mark the paragraph mark itself, so accepting or rejecting removes the paragraph."""
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = el("w:pPr")
            p.insert(0, ppr)
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = el("w:rPr")
            later = [c for c in ppr if c.tag in LATER[1:]]
            if later:
                later[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.mark(tag))  # ins/del come first in a paragraph mark's properties


def conform(old: E, new: E, revisions: Revisions) -> E:
    """A body holding ``new`` with every difference from ``old`` as a tracked change."""
    body = el("w:body")
    a, b = _paragraphs(old), _paragraphs(new)
    taken = frozenset(m.get(qn("w:name")) for m in new.iter(qn("w:bookmarkStart")))
    keys_a = [(style_of(p), text_of(p)) for p in a]
    keys_b = [(style_of(p), text_of(p)) for p in b]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            body.extend(
                revisions.with_signed_bookmarks(copy.deepcopy(y), x, taken)
                for x, y in zip(a[i1:i2], b[j1:j2], strict=True)
            )
            continue
        body.extend(_in_order(a[i1:i2], b[j1:j2], op == "replace", revisions, taken))
    section = new.find(qn("w:sectPr"))
    if section is not None:
        body.append(copy.deepcopy(section))
    return body


def renamed(body: E, names: dict[str, str]) -> E:
    """A copy of ``body`` with each old name as the new one in its text: what a change made by
    law (a body's successor taking its place) reads as, so that it is not marked as a change."""
    body = copy.deepcopy(body)
    for t in body.iter(qn("w:t")):
        for old, new in names.items():
            if t.text and old in t.text:
                t.text = t.text.replace(old, new)
    return body


def _paragraphs(body: E) -> list[E]:
    return [c for c in body if c.tag == qn("w:p")]


def _in_order(
    old: list[E], new: list[E], replaced: bool, revisions: Revisions, taken: frozenset[str]
) -> Iterator[E]:
    """A replaced run of paragraphs in document order: each deleted paragraph where it stood,
    after the reworded paragraph before it (so a clause emptied as "Not used" keeps its heading
    first and its deleted text under it; LibreOffice, accepting a deletion, keeps the style of
    the paragraph it joins from, so a deletion before a heading would take the heading's place)."""
    partner = {id(x): y for x, y in (_pairs(old, new) if replaced else [])}
    remaining = list(new)
    for x in old:
        y = partner.get(id(x))
        if y is None:
            yield revisions.deleted(x, taken)
            continue
        while remaining and remaining[0] is not y:  # new paragraphs before the partner
            yield revisions.inserted(remaining.pop(0))
        remaining.pop(0)
        yield revisions.changed(x, y, taken)
    yield from (revisions.inserted(p) for p in remaining)


def _pairs(old: list[E], new: list[E]) -> Iterator[tuple[E, E]]:
    """Old and new paragraphs of a replaced run that are the same paragraph reworded: those with
    the same bookmarks (a provision keeps its label, even restyled), aligned in order; between
    those, the same style in order. A provision paired is marked where it stands, so rejecting
    every change gives it back with its bookmark (deleted and inserted apart, the bookmark could
    stand in only one of them)."""
    matcher = difflib.SequenceMatcher(a=_shapes(old), b=_shapes(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        for x, y in zip(old[i1:i2], new[j1:j2], strict=False):
            if op == "equal" or (op == "replace" and style_of(x) == style_of(y)):
                yield x, y


def _shapes(paragraphs: list[E]) -> list[tuple[str | None, ...]]:
    """What pairs a paragraph with its reworded self: its bookmarks' names, else its style."""
    return [
        tuple(m.get(qn("w:name")) for m in p.iter(qn("w:bookmarkStart"))) or (style_of(p),)
        for p in paragraphs
    ]


def _as_deleted_text(p: E) -> None:
    for t in p.iter(qn("w:t")):
        t.tag = qn("w:delText")
    for t in p.iter(qn("w:instrText")):
        t.tag = qn("w:delInstrText")


@dataclass
class _Piece:
    """A word, a space or a whole field of a paragraph: its text as :func:`text_of` reads it, and
    the runs that print it (a word's run holds just that word, with its run's properties)."""

    text: str
    runs: list[E]

    @property
    def plain(self) -> E | None:
        """The run's properties, if this is a single run of plain text (so it can be merged)."""
        if len(self.runs) == 1 and self.runs[0][-1].tag == qn("w:t"):
            rpr = self.runs[0].find(qn("w:rPr"))
            return rpr if rpr is not None else _NO_PROPERTIES
        return None


_NO_PROPERTIES = el("w:rPr")


def _pieces(p: E) -> list[_Piece]:
    """The paragraph's runs as pieces, in order; bookmarks and properties are not pieces."""
    pieces: list[_Piece] = []
    field: list[E] = []
    depth = 0
    for r in p.iter(qn("w:r")):
        kinds = [c.get(qn("w:fldCharType")) for c in r.iter(qn("w:fldChar"))]
        if depth or "begin" in kinds:  # a field, from its begin to its end, is one piece
            field.append(r)
            depth += kinds.count("begin") - kinds.count("end")
            if not depth:
                pieces.append(_Piece(_field_result(field), field))
                field = []
            continue
        rpr = r.find(qn("w:rPr"))
        for child in r:
            if child.tag == qn("w:t"):
                pieces += (_Piece(w, [_run(w, rpr)]) for w in _tokens(child.text or ""))
            elif child.tag != qn("w:rPr"):  # a tab, a break: a piece of its own
                piece = el("w:r")
                if rpr is not None:
                    piece.append(copy.deepcopy(rpr))
                piece.append(copy.deepcopy(child))
                pieces.append(_Piece(" " if child.tag == qn("w:tab") else "", [piece]))
    return pieces


def _field_result(runs: list[E]) -> str:
    """A field's text as printed: its cached result, between "separate" and "end"."""
    return "".join(t.text or "" for r in runs for t in r.iter(qn("w:t")))


def _runs_of(pieces: list[_Piece], deleted: bool = False) -> list[E]:
    """Copies of the pieces' runs, neighbouring words with the same properties in one run."""
    runs: list[E] = []
    last: E | None = None
    for piece in pieces:
        props = piece.plain
        if props is not None and last is not None and _same(props, last):
            t = runs[-1][-1]
            t.text = (t.text or "") + piece.text
        else:
            runs += (copy.deepcopy(r) for r in piece.runs)
        last = props
    if deleted:
        for r in runs:
            _as_deleted_text(r)
    return runs


def _same(a: E, b: E) -> bool:
    return a is b or etree.tostring(a) == etree.tostring(b)


def _run(text: str, rpr: E | None) -> E:
    r = el("w:r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = el("w:t", r)
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _tokens(text: str) -> list[str]:
    """Words with the spaces after them, so that a changed phrase is one deletion and one
    insertion rather than word by word with the spaces between left standing."""
    return re.findall(r"\S+\s*|\s+", text)
