"""Stage 1: load a YAML deal sheet with line numbers and validate it against its document type."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembler.core.errors import AssemblerError, Diagnostic, Where
from assembler.core.schema import Checker, resolve_refs, run_rules, suggest
from assembler.core.yamlio import parse_yaml, read_yaml
from assembler.deal.jsoncheck import validate
from assembler.deal.types import DocType, house_types

if TYPE_CHECKING:
    from assembler.bank.law import LawRegister


@dataclass(frozen=True)
class Deal:
    """A validated deal sheet: plain data, plus where each value came from."""

    path: Path
    data: dict[str, Any]
    sha256: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    warnings: tuple[Diagnostic, ...] = ()
    #: values written as a lawyer writes them ("1 April 2027", "£1.2m") and what they were read
    #: as: (dotted path, as written, as read)
    readings: tuple[tuple[str, str, str], ...] = ()
    #: the deprecated old key of a value, for the clause versions approved before its rename:
    #: (dotted path of the value, its old key)
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def document_type(self) -> str:
        return str(self.data["document_type"])

    def nearest(self, deal_path: str) -> Where:
        """Where ``deal.a.b.c`` is, or else its nearest parent that the deal sheet has."""
        dotted = deal_path.removeprefix("deal.")
        while dotted and dotted not in self.positions:
            dotted = dotted.rpartition(".")[0]
        return self.where(dotted) if dotted else {"file": str(self.path)}

    def where(self, dotted: str) -> Where:
        """``file=, line=, col=`` for a diagnostic about the value at ``dotted``."""
        line, col = self.positions.get(dotted, (None, None))
        return {"file": str(self.path), "line": line, "col": col}


def load_deal(
    path: str | Path,
    vocabulary: frozenset[str] = frozenset(),
    ignore: frozenset[str] = frozenset(),
    law: LawRegister | None = None,
    types: Mapping[str, DocType] | None = None,
    text: bytes | None = None,
) -> Deal:
    """Read and validate a deal sheet against its document type's schema (the bank's
    ``types/``; by default the house bank's), reporting every error in it at once (``text``: its
    bytes, when they come from elsewhere than the file ``path`` names)."""
    path = Path(path)
    data, raw = read_yaml(path) if text is None else (parse_yaml(text, str(path)), text)
    doc = _doc_type(_mapping(data, path), path, house_types() if types is None else types)
    ck = Checker(str(path), vocabulary, law=law)
    checked = doc.schema.check(data, ck, "", (1, 1))
    resolve_refs(ck)
    validate(doc.bundled, checked, data, ck)
    run_rules(ck)
    ck.diagnostics += character_diagnostics(data, str(path))
    ck.diagnostics = [d for d in ck.diagnostics if d.rule not in ignore]
    errors = [d for d in ck.diagnostics if d.severity == "error"]
    if errors:
        raise AssemblerError(sorted(errors, key=lambda d: (d.line or 0, d.col or 0)))
    # a warning the deal acknowledges (with its reason) has been considered: it is not repeated
    acknowledged = set((checked or {}).get("acknowledge") or {})
    warnings = tuple(
        d for d in ck.diagnostics if d.severity == "warning" and d.rule not in acknowledged
    )
    return Deal(
        path,
        checked,
        hashlib.sha256(raw).hexdigest(),
        dict(ck.positions),
        warnings,
        tuple(ck.readings),
        tuple(ck.aliases),
    )


def _mapping(data: Any, path: Path) -> dict[str, Any]:
    """``data``, which must be a mapping (E-yaml-03 otherwise: a deal sheet is keys and values)."""
    if not isinstance(data, dict):
        found = "an empty file" if data is None else "a list or a single value"
        raise AssemblerError(
            Diagnostic(
                "E-yaml-03",
                f"a deal sheet must be a mapping of keys, found {found}",
                str(path),
                1,
                1,
            )
        )
    return data


def _doc_type(data: dict[str, Any], path: Path, types: Mapping[str, DocType]) -> DocType:
    """The document type ``data`` names (E-doc-01, with the nearest known name, otherwise)."""
    doc_type = data.get("document_type")
    doc = types.get(str(doc_type))
    if doc is None:
        line, col = data.lc.value("document_type") if "document_type" in data else (0, 0)  # type: ignore[attr-defined]
        raise AssemblerError(
            Diagnostic(
                "E-doc-01",
                f"document_type: unknown document type {doc_type!r}",
                str(path),
                line + 1,
                col + 1,
                suggest(str(doc_type), types) or "known types: " + ", ".join(types),
            )
        )
    return doc


#: The engine's own marker characters (see context.py): in a value they would forge a field, a
#: cross-reference or a "[MISSING]" blank.
MARKER_CHARS = re.compile("[\ue000-\ue002]")
#: Characters that change how text reads without showing: bidirectional controls (a name that
#: displays reversed) and zero-width characters (two names that look the same and differ).
INVISIBLE_CHARS = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _is_name(key: str) -> bool:
    return key == "id" or key.endswith(("name", "_id"))


def character_diagnostics(data: Any, file: str) -> list[Diagnostic]:
    """Marker characters anywhere (E-char-01); invisible characters in a key, name or id
    (E-char-02), or a warning in any other value (W-char-01). Each at its line and column."""
    found: list[Diagnostic] = []

    def walk(node: Any, dotted: str, key: str) -> None:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict):
            for k, child in node.items():
                inner = f"{dotted}.{k}".lstrip(".")
                if isinstance(k, str):
                    found.extend(_characters(k, inner, _at(file, lc, "key", k), True))
                if isinstance(child, str):
                    at = _at(file, lc, "value", k)
                    found.extend(_characters(child, inner, at, _is_name(str(k))))
                walk(child, inner, str(k))
        elif isinstance(node, list):
            for i, child in enumerate(node):
                inner = f"{dotted}[{i}]"
                if isinstance(child, str):
                    at = _at(file, lc, "item", i)
                    found.extend(_characters(child, inner, at, _is_name(key)))
                walk(child, inner, key)

    walk(data, "", "")
    return found


def _at(file: str, lc: Any, part: str, key: Any) -> Where:
    """Where the ``part`` ("key", "value" or "item") ``key`` stands in ``file``, by the YAML
    positions ``lc`` of its node (0-based; ``None`` for a node built in code: the file only)."""
    if lc is None:
        return {"file": file}
    line, col = getattr(lc, part)(key)
    return {"file": file, "line": line + 1, "col": col + 1}


def _characters(text: str, dotted: str, where: Where, name: bool) -> list[Diagnostic]:
    """E-char-01 for a marker character in ``text``; E-char-02 (a key, ``name``) or W-char-01
    (another value) for an invisible one."""
    found = []
    if MARKER_CHARS.search(text):
        found.append(
            Diagnostic(
                "E-char-01",
                f"{dotted}: holds a character the engine reserves (U+E000-U+E002)",
                hint="delete the character; it is not part of any text",
                **where,
            )
        )
    invisible = INVISIBLE_CHARS.search(text)
    if invisible:
        code = f"U+{ord(invisible.group()):04X}"
        found.append(
            Diagnostic(
                "E-char-02" if name else "W-char-01",
                f"{dotted}: holds an invisible or direction-changing character ({code})",
                hint="retype the value; such characters make text read other than it shows",
                severity="error" if name else "warning",
                **where,
            )
        )
    return found


#: Values the engine itself reads (identity, dates, choices); clauses read the rest.
ENGINE_KEYS = (
    # checked by drafting rules rather than printed: G1 (precedence), G16, G17
    "precedence",
    "governance.non_adoption_protocol",
    "information_sharing.subject_to_competition_law",
    "information_sharing.procurement_safeguards",
    "deal_id",
    "document_type",
    "title",
    "effective_date",
    "status",
    "template_basis",
    "choices",
    "criteria",
    "pins",
    "acknowledge",
    "variation",
    "original.lock",
    "criteria_schedule",
)


def leaf_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths of every scalar value, and of every list of scalars as one value."""
    if isinstance(value, dict):
        return [
            p
            for key, child in value.items()
            for p in leaf_paths(child, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return [p for i, item in enumerate(value) for p in leaf_paths(item, f"{path}[{i}]")]
    return [path]


def text_values(value: Any) -> list[str]:
    """Every string value in a deal sheet (or part of one), however deep."""
    if isinstance(value, dict):
        return [text for child in value.values() for text in text_values(child)]
    if isinstance(value, list):
        return [text for item in value for text in text_values(item)]
    return [value] if isinstance(value, str) else []


def unused_values(deal: Deal, used: set[str]) -> list[Diagnostic]:
    """Warnings for deal-sheet values that no clause printed or tested (nothing is dropped silently)."""
    warnings = []
    for path, old in deal.aliases:  # a clause version that reads the old name uses the value
        if f"deal.{path.rpartition('.')[0]}.{old}" in used:
            used = used | {f"deal.{path}"}
    for path in leaf_paths(deal.data):
        if (
            f"deal.{path}" in used
            or path.endswith(".id")
            or any(path == key or path.startswith((key + ".", key + "[")) for key in ENGINE_KEYS)
        ):
            continue
        warnings.append(
            Diagnostic(
                "W-deal-01",
                f"{path}: this value is not used by any clause in the document",
                hint="check the key, or add a clause that uses it",
                severity="warning",
                **deal.where(path),
            )
        )
    return warnings


#: A deliberate blank in a deal sheet: a value in square brackets, "[to be agreed]".
BLANK = re.compile(r"\[[^\[\]\n]{1,300}\]")


def blanks(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(dotted path, text) of every value that holds a ``[bracketed]`` blank, however deep."""
    if isinstance(value, dict):
        return [
            b for key, child in value.items() for b in blanks(child, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(value, list):
        return [b for i, item in enumerate(value) for b in blanks(item, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) and BLANK.search(value) else []


def execution_blanks(deal: Deal) -> list[Diagnostic]:
    """An execution version is the text the parties sign: every blank left in it is an error,
    each at its line, so the drafter can fill them all in one pass."""
    if deal.data.get("status") != "execution_version":
        return []
    return [
        Diagnostic(
            "E-blank-01",
            f"{path}: {text!r} is a blank, and this is the execution version",
            hint="fill in the value, or set status: draft_for_signature until it is agreed",
            **deal.nearest(path),
        )
        for path, text in blanks(deal.data)
    ]
