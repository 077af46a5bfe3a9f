"""Markers to structure: once every number is known, the private-use markers the sandbox's
helpers left in the text become REF fields (cross-references), footnote marks, highlighted
blanks and missing values; label markers become bookmarks during the numbering walk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from lxml import etree
from markupsafe import Markup

from assembler.bank.housedata import Words
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml import text as ox
from assembler.oxml.styles import Style
from assembler.template.sandbox import END, MARK, SEP

E: TypeAlias = etree._Element

MARKERS = re.compile(f"{MARK}(.){SEP}([^{END}]*){END}")
PLACEHOLDER_TEXT = re.compile(r"\[[^\[\]\n]{1,300}\]")
SEGMENT = re.compile(f"{MARK}.{SEP}[^{END}]*{END}|\\[[^\\[\\]\\n]{{1,300}}\\]")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a cross-reference lands: the bookmark and the number text to show."""

    bookmark: str
    text: str  # "9.2", "Schedule 2"
    prefix: str  # "clause ", "paragraph ", ""
    suffix: str  # " of Schedule 2", ""
    numbered: bool

    @property
    def words(self) -> str:
        """What the reference prints: "clause 9.2", "paragraph 3 of Schedule 2"."""
        return self.prefix + self.text + self.suffix


@dataclass(frozen=True)
class References:
    """What resolving a reference needs: the targets, the document's clause ids (to say why one
    is missing), whether this is a draft and the deal sheet to name in an error."""

    targets: dict[str, Target]
    clause_ids: frozenset[str]
    draft: bool
    deal_path: str
    #: the house style's words (missing-value markers, "clause" in a reference)
    words: Words


@dataclass
class Resolved:
    """What resolving the markers made besides runs: footnote texts (numbered from 1 in reading
    order), the count of highlighted blanks, and reference findings."""

    footnotes: list[str] = field(default_factory=list)
    placeholders: int = 0
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


def label_marker(target: str) -> Markup:
    """The marker that makes the paragraph holding it the target ``target``."""
    return Markup(f"{MARK}L{SEP}{target}{END}")


def take_labels(p: E) -> list[str]:
    """The labels paragraph ``p`` carries, removed from its text (which then reads as printed)."""
    names = []
    for t in ox.texts_of(p):
        text = t.text
        if not text or MARK not in text:
            continue
        for match in MARKERS.finditer(text):
            if match.group(1) == "L":
                names.append(match.group(2))
        t.text = MARKERS.sub(lambda m: "" if m.group(1) == "L" else m.group(0), text)
    return names


def resolve(body: E, refs: References) -> Resolved:
    """Replace marker characters with REF fields, footnote marks, highlighted blanks and missing
    values; a reference to no target fails a final build (E-ref-02) and warns a draft."""
    done = Resolved()
    # collected first (the loop replaces runs), but only the texts that need it
    marked = [t for t in ox.texts_of(body) if t.text and (MARK in t.text or "[" in t.text)]
    for t in marked:
        r = ox.run_of(t)
        rpr = ox.run_props(r)
        new_runs = [run for s in segments(t.text) for run in _segment(s, rpr, refs, done)]
        ox.replace_run(r, new_runs)
    if done.errors:
        raise AssemblerError(done.errors)
    return done


def _segment(segment: str, rpr: E | None, refs: References, done: Resolved) -> list[E]:
    """The runs one piece of text becomes."""
    match = MARKERS.fullmatch(segment)
    if match is None and PLACEHOLDER_TEXT.fullmatch(segment):
        done.placeholders += 1
        return [ox.run(segment, rpr=ox.with_char_style(rpr, Style.PLACEHOLDER))]
    if match is None:
        return [ox.run(segment, rpr=rpr)]
    kind, content = match.groups()
    if kind == "F":
        done.footnotes.append(content)
        return [ox.footnote_reference(len(done.footnotes))]
    if kind == "M":
        missing = refs.words.missing_value.format(key=content)
        return [ox.run(missing, rpr=ox.with_char_style(rpr, Style.MISSING_VALUE))]
    if kind in ("R", "B"):  # B: a number in a list, "clauses 9, 15"
        source, target = content.split(SEP)
        return reference(source, target, refs, rpr, done, bare=kind == "B")
    return []


def reference(
    source: str, target: str, refs: References, rpr: E | None, done: Resolved, bare: bool = False
) -> list[E]:
    """The runs of a cross-reference from clause ``source``: its words and a REF field whose
    cached result is already the number, so Word never needs to update it."""
    found = refs.targets.get(target)
    if found is None:
        _missing_target(source, target, refs, done)
        missing = refs.words.missing_reference.format(target=target)
        return [ox.run(missing, rpr=ox.with_char_style(rpr, Style.MISSING_VALUE))]
    switches = " \\r \\w \\h" if found.numbered else " \\h"
    prefix = "" if bare and found.prefix == refs.words.clause_reference + " " else found.prefix
    runs = [ox.run(prefix, rpr=rpr)] if prefix else []
    runs += ox.field_runs(f"REF {found.bookmark}{switches}", found.text, rpr)
    if found.suffix:
        runs.append(ox.run(found.suffix, rpr=rpr))
    return runs


def _missing_target(source: str, target: str, refs: References, done: Resolved) -> None:
    why = (
        "is not in this document"
        if target.split(".")[0] not in refs.clause_ids
        else ("has no such label")
    )
    message = f"clause {source} refers to {target}, which {why}"
    if refs.draft:
        done.warnings.append(Diagnostic("W-ref-02", message, refs.deal_path, severity="warning"))
    else:
        done.errors.append(
            Diagnostic(
                "E-ref-02",
                message,
                refs.deal_path,
                hint="include the target clause, or remove the reference",
            )
        )


def segments(text: str) -> list[str]:
    """``text`` cut into markers, bracketed blanks and the plain text between them."""
    return [s for s in _pieces(text) if s]


def _pieces(text: str) -> Iterator[str]:
    position = 0
    for match in SEGMENT.finditer(text):
        if match.start() > position:
            yield text[position : match.start()]
        yield match.group(0)
        position = match.end()
    if position < len(text):
        yield text[position:]
