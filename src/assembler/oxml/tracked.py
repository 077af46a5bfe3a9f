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
from collections.abc import Iterator
from itertools import count

from .ns import qn
from .text import E, el, style_of, text_of

#: Elements that mark a place rather than carry text: a deleted paragraph drops them, because the
#: new text already has the same bookmarks and two with one name would make Word repair the file.
MARKS = ("w:bookmarkStart", "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd")


class Revisions:
    """Makes revision marks with one author and date and ids unique in the document."""

    def __init__(self, author: str, date: str, first_id: int = 900_000):
        self.author, self.date = author, date
        self._ids = count(first_id)

    def mark(self, tag: str) -> E:
        return el(tag, id=str(next(self._ids)), author=self.author, date=self.date)

    # -- whole paragraphs --------------------------------------------------------------------
    def inserted(self, p: E) -> E:
        p = copy.deepcopy(p)
        self._wrap_runs(p, "w:ins")
        self._mark_paragraph(p, "w:ins")
        return p

    def deleted(self, p: E) -> E:
        p = copy.deepcopy(p)
        for tag in MARKS:
            for mark in p.findall(f".//{qn(tag)}"):
                mark.getparent().remove(mark)
        _as_deleted_text(p)
        self._wrap_runs(p, "w:del")
        self._mark_paragraph(p, "w:del")
        return p

    # -- a changed paragraph -----------------------------------------------------------------
    def changed(self, old: E, new: E) -> E:
        """The new paragraph's properties and bookmarks, its text diffed word by word."""
        p = el("w:p")
        ppr = new.find(qn("w:pPr"))
        if ppr is not None:
            p.append(copy.deepcopy(ppr))
        starts = [copy.deepcopy(m) for m in new.iter(qn("w:bookmarkStart"))]
        ends = [copy.deepcopy(m) for m in new.iter(qn("w:bookmarkEnd"))]
        p.extend(starts)
        before, after = _tokens(text_of(old)), _tokens(text_of(new))
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op in ("delete", "replace"):
                gone = self.mark("w:del")
                gone.append(_run("".join(before[i1:i2]), "w:delText"))
                p.append(gone)
            if op in ("insert", "replace"):
                added = self.mark("w:ins")
                added.append(_run("".join(after[j1:j2]), "w:t"))
                p.append(added)
            if op == "equal":
                p.append(_run("".join(after[j1:j2]), "w:t"))
        p.extend(ends)
        return p

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
            later = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
            if later:
                later[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.mark(tag))  # ins/del come first in a paragraph mark's properties


def conform(old: E, new: E, revisions: Revisions) -> E:
    """A body holding ``new`` with every difference from ``old`` as a tracked change."""
    body = el("w:body")
    a, b = _paragraphs(old), _paragraphs(new)
    keys_a = [(style_of(p), text_of(p)) for p in a]
    keys_b = [(style_of(p), text_of(p)) for p in b]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            body.extend(copy.deepcopy(p) for p in b[j1:j2])
            continue
        pairs = list(_pairs(a[i1:i2], b[j1:j2])) if op == "replace" else []
        paired_old = {id(x) for x, _ in pairs}
        paired_new = {id(y) for _, y in pairs}
        body.extend(revisions.deleted(p) for p in a[i1:i2] if id(p) not in paired_old)
        for p in b[j1:j2]:
            match = next((x for x, y in pairs if y is p), None)
            if match is not None:
                body.append(revisions.changed(match, p))
            elif id(p) not in paired_new:
                body.append(revisions.inserted(p))
    section = new.find(qn("w:sectPr"))
    if section is not None:
        body.append(copy.deepcopy(section))
    return body


def _paragraphs(body: E) -> list[E]:
    return [c for c in body if c.tag == qn("w:p")]


def _pairs(old: list[E], new: list[E]) -> Iterator[tuple[E, E]]:
    """Old and new paragraphs of a replaced run that are the same paragraph reworded: same
    style, in the same order."""
    for x, y in zip(old, new, strict=False):
        if style_of(x) == style_of(y):
            yield x, y


def _as_deleted_text(p: E) -> None:
    for t in p.iter(qn("w:t")):
        t.tag = qn("w:delText")
    for t in p.iter(qn("w:instrText")):
        t.tag = qn("w:delInstrText")


def _run(text: str, tag: str) -> E:
    r = el("w:r")
    t = el(tag, r)
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)
