"""The house style's data (``templates/house-style.yaml``): the words of the parts the engine
writes itself, and the map from the engine's style ids to a firm's own.

Words are data so a firm (or a Welsh-language bank) changes "Contents" or "Agreed terms" without a
code change; a bank without the file uses the house bank's, so banks made before it still build.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from assembler.bank.project import HOUSE_BANK
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.yamlio import read_yaml
from assembler.oxml.styles import Style

FILE_NAME = "house-style.yaml"


@dataclass(frozen=True)
class Words:
    """What the engine prints in the parts it builds; ``{name}`` fields are filled in."""

    dated: str
    draft_notice: str
    draft_legend: str  # {date} {bank} {version} {engine}
    contents: str
    parties: str
    background: str
    operative: str
    execution: str
    schedule: str  # {number}
    definitions: str  # {document}
    means: str
    missing_value: str  # {key}
    missing_reference: str  # {target}
    clause_reference: str
    paragraph_reference: str
    of_schedule: str  # {schedule}
    opening_agreement: str
    opening_deed: str
    closing_agreement: str  # {Document}
    closing_deed: str  # {Document}
    # words added since banks began to keep their own house-style.yaml: a bank that lacks one
    # prints these
    not_used_clause: str = "Not used"
    not_used_provision: str = "Not used."

    def word(self, name: str) -> str:
        """The word NAME, for a clause that quotes what the engine prints (``house_word(...)``:
        a deed's "marked "Not used."" quotes the word the conformed copy holds the place with),
        so a house style that changes the word changes both. A word with fields is not one."""
        if name not in {f.name for f in fields(self)} or name in FIELDS:
            plain = [f.name for f in fields(self) if f.name not in FIELDS]
            raise ValueError(f"house_word({name!r}): no such word; words: {', '.join(plain)}")
        return str(getattr(self, name))


#: The fields each word may use: a word naming another is a mistake found when the bank loads.
FIELDS = {
    "draft_legend": {"date", "bank", "version", "engine"},
    "schedule": {"number"},
    "definitions": {"document"},
    "missing_value": {"key"},
    "missing_reference": {"target"},
    "of_schedule": {"schedule"},
    "closing_agreement": {"Document"},
    "closing_deed": {"Document"},
}


@dataclass(frozen=True)
class HouseData:
    words: Words
    #: engine style id -> the house style's own id, for those that differ
    style_ids: dict[str, str]


def data_file(templates: Path) -> Path:
    """The bank's house style data, or the house bank's where the bank has none."""
    own = templates / FILE_NAME
    return own if own.is_file() else HOUSE_BANK / "templates" / FILE_NAME


def load_house_data(templates: Path) -> HouseData:
    path = data_file(templates)
    data, _ = read_yaml(path)
    errors: list[Diagnostic] = []
    words = _section(data, "words", path, errors)
    styles = _section(data, "styles", path, errors)
    expected = [f.name for f in fields(Words)]
    defaults = {f.name: f.default for f in fields(Words) if isinstance(f.default, str)}
    for key in words:
        if key not in expected:
            errors.append(_at(path, words, key, f"unknown word {key!r}", ", ".join(expected)))
        elif not isinstance(words[key], str):
            errors.append(_at(path, words, key, f"the word {key!r} must be text"))
        elif not _fields_of(words[key]) <= FIELDS.get(key, set()):
            allowed = ", ".join(f"{{{f}}}" for f in sorted(FIELDS.get(key, ()))) or "none"
            errors.append(_at(path, words, key, f"{key!r} uses an unknown {{field}}", allowed))
    missing = [k for k in expected if k not in words and k not in defaults]
    if missing and isinstance(data, dict):
        errors.append(Diagnostic("E-style-03", "words: missing " + ", ".join(missing), str(path)))
    for key, value in styles.items():
        if key not in {s.value for s in Style}:
            errors.append(
                _at(path, styles, key, f"styles: {key!r} is not a style the engine writes")
            )
        elif not isinstance(value, str) or not value:
            errors.append(_at(path, styles, key, f"styles: {key!r} must map to a style id"))
    if errors:
        raise AssemblerError(errors)
    return HouseData(
        Words(**{k: str(words.get(k, defaults.get(k))) for k in expected}),
        {k: str(v) for k, v in styles.items()},
    )


def _section(data: Any, key: str, path: Path, errors: list[Diagnostic]) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, dict):
        return value
    errors.append(Diagnostic("E-style-03", f"{key}: must be a mapping", str(path)))
    return {}


def _fields_of(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # an unmatched brace
        return {"{"}


def _at(
    path: Path, container: Any, key: str, message: str, allowed: str | None = None
) -> Diagnostic:
    lc = getattr(container, "lc", None)
    line, col = lc.key(key) if lc is not None else (None, None)
    return Diagnostic(
        "E-style-03",
        message,
        str(path),
        line + 1 if line is not None else None,
        col + 1 if col is not None else None,
        hint=f"allowed: {allowed}" if allowed else "see docs/house-style.md",
    )
