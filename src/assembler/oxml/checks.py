"""Package checks the schema validators do not make: bookmark pairing and field targets, an
explicit content type for every Word part, and every style, list and relationship a story names
defined (see shared engineering/ooxml-validation.md)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from assembler.oxml.ns import NS, parse_xml, qn
from assembler.oxml.redline import with_changes
from assembler.oxml.text import E

FIELD_TARGET = re.compile(r"\b(?:REF|PAGEREF|NOTEREF)\s+([^\s\\]+)")
STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


def check_package(path: str | Path) -> list[str]:
    """Problems found, as readable lines; an empty list means the package passed."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        types = parse_xml(package.read("[Content_Types].xml"))
        overrides = {o.get("PartName").lstrip("/") for o in types if o.tag.endswith("Override")}
        defaults = {d.get("Extension").lower() for d in types if d.tag.endswith("Default")}
        for name in names:
            if re.match(r"(word|docProps)/[^/]+\.xml$", name) or name.startswith("word/theme/"):
                if name not in overrides:
                    problems.append(f"{name}: no content-type Override")
            elif name.rsplit(".", 1)[-1].lower() not in defaults:
                problems.append(f"{name}: no content-type Default for its extension")
        defined = _definitions(package, names)
        for name in names:
            if STORY.fullmatch(name):
                data = package.read(name)
                problems.extend(f"{name}: {p}" for p in _story_problems(data))
                rels = _relationship_ids(package, name)
                problems.extend(f"{name}: {p}" for p in _undefined(data, defined, rels))
    return problems


#: Attributes that name a definition in another part: (element, kind of definition).
NAMED = {"w:pStyle": "style", "w:rStyle": "style", "w:tblStyle": "style", "w:numId": "list"}


def _definitions(package: zipfile.ZipFile, names: list[str]) -> dict[str, set[str]]:
    """Style ids from styles.xml and list ids (numId) from numbering.xml."""
    defined: dict[str, set[str]] = {"style": set(), "list": {"0"}}  # numId 0: no list
    if "word/styles.xml" in names:
        styles = parse_xml(package.read("word/styles.xml"))
        defined["style"] = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    if "word/numbering.xml" in names:
        numbering = parse_xml(package.read("word/numbering.xml"))
        defined["list"] |= {n.get(qn("w:numId")) for n in numbering.iter(qn("w:num"))}
    return defined


def _relationship_ids(package: zipfile.ZipFile, part: str) -> set[str]:
    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in package.namelist():
        return set()
    return {r.get("Id") for r in parse_xml(package.read(rels))}


def _undefined(data: bytes, defined: dict[str, set[str]], rels: set[str]) -> list[str]:
    root = parse_xml(data)
    problems = []
    for tag, kind in NAMED.items():
        for node in root.iter(qn(tag)):
            value = node.get(qn("w:val"))
            if value not in defined[kind]:
                problems.append(f"<{tag}> names {kind} {value!r}, which is not defined")
    relationship = f"{{{NS['r']}}}"
    for node in root.iter():
        for attr, value in node.attrib.items():
            if attr.startswith(relationship) and value not in rels:
                problems.append(f"{attr.replace(relationship, 'r:')}={value!r} has no relationship")
    return problems


def _story_problems(data: bytes) -> list[str]:
    root = parse_xml(data)
    problems = []
    starts: dict[str, str] = {}
    names: set[str] = set()
    for start in root.iter(qn("w:bookmarkStart")):
        bid, name = start.get(qn("w:id")), start.get(qn("w:name"))
        if bid in starts:
            problems.append(f"bookmark id {bid} is used twice")
        if name in names:
            problems.append(f"bookmark name {name} is used twice")
        starts[bid] = name
        names.add(name)
    ends = {end.get(qn("w:id")) for end in root.iter(qn("w:bookmarkEnd"))}
    problems += [f"bookmark {starts[b]} (id {b}) has no end" for b in starts if b not in ends]
    problems += [f"bookmarkEnd id {b} has no start" for b in ends if b not in starts]
    problems += _unresolved(root, "")
    if next(root.iter(qn("w:ins"), qn("w:del")), None) is not None:
        problems += _unresolved(with_changes(root, accept=True), " once changes are accepted")
        problems += _unresolved(with_changes(root, accept=False), " once changes are rejected")
    return problems


def _unresolved(root: E, when: str) -> list[str]:
    """Each field (deleted ones included: a reader sees them) whose bookmark is not there."""
    names = {start.get(qn("w:name")) for start in root.iter(qn("w:bookmarkStart"))}
    instructions = [t.text or "" for t in root.iter(qn("w:instrText"), qn("w:delInstrText"))]
    instructions += [f.get(qn("w:instr")) or "" for f in root.iter(qn("w:fldSimple"))]
    return [
        f"field '{instruction.strip()}' points at missing bookmark {target}{when}"
        for instruction in instructions
        for target in FIELD_TARGET.findall(instruction)
        if target not in names
    ]
