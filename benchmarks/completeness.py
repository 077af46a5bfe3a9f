"""Is an output the whole document? A fast route that drops text must not win the table."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

#: Paragraph styles a clause heading may carry: the house style's, or Word's built-in one.
HEADING_STYLES = frozenset({"Clause Heading", "Heading 1"})
#: Text that means a template was not (fully) rendered.
LEFTOVERS = ("{{", "}}", "{%", "%}", "[MISSING")
PROBLEMS_SHOWN = 3


def load_expected(work: Path) -> dict:
    return json.loads((work / "expected.json").read_text(encoding="utf-8"))


def check_docx(path: Path, expected: dict) -> list[str]:
    """What is wrong with the output at ``path``: nothing, if every clause heading is there in
    order, every resolved paragraph is there, party names are intact and no tag is left."""
    import docx

    try:
        document = docx.Document(str(path))
        with zipfile.ZipFile(path) as package:
            xml = package.read("word/document.xml").decode("utf-8")
    except Exception as exc:  # any unreadable output is a failed route, not a crash
        return [f"cannot open {path.name}: {exc}"]
    paragraphs = [(_style_name(p), _squash(p.text)) for p in document.paragraphs]
    text = "\n".join(t for _, t in paragraphs)
    return (
        _check_headings(paragraphs, expected)
        + _check_leftovers(text, xml)
        + _check_party_names(text, expected)
        + _check_paragraphs(paragraphs, expected)
    )


def _style_name(paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _check_headings(paragraphs: list[tuple[str, str]], expected: dict) -> list[str]:
    titles = [c["title"] for c in expected["clauses"]]
    found = [t for style, t in paragraphs if style in HEADING_STYLES]
    if found == titles:
        return []
    problems = [f"{len(found)} clause headings, expected {len(titles)}"]
    wrong = [(f, t) for f, t in zip(found, titles, strict=False) if f != t]
    if wrong:
        problems.append(f"heading {wrong[0][0]!r} where {wrong[0][1]!r} was expected")
    return problems


def _check_leftovers(text: str, xml: str) -> list[str]:
    return [
        f"{tag!r} left in the {where}"
        for tag in LEFTOVERS
        for where, haystack in (("text", text), ("XML", xml))
        if tag in haystack
    ][:PROBLEMS_SHOWN]


def _check_party_names(text: str, expected: dict) -> list[str]:
    return [
        f"party name {name!r} printed {text.count(name)} times, expected at least {count}"
        for name, count in expected["party_names"].items()
        if text.count(name) < count
    ]


def _check_paragraphs(paragraphs: list[tuple[str, str]], expected: dict) -> list[str]:
    """Every resolved body paragraph, as many times as the clauses hold it (numbers are the
    list's, so they are not in the text)."""
    wanted = Counter(_squash(t) for c in expected["clauses"] for _, t in c["paragraphs"])
    missing = wanted - Counter(t for _, t in paragraphs)
    if not missing:
        return []
    first = next(iter(missing))
    return [f"{sum(missing.values())} body paragraphs missing or changed, e.g. {first!r}"]
