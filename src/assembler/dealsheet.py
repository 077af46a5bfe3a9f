"""Stage 1: load a YAML deal sheet with line numbers and validate it against its document type."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import Node
from ruamel.yaml.resolver import VersionedResolver

from .errors import AssemblerError, Diagnostic, Where
from .files import read_bounded
from .schema import Checker, resolve_refs, run_rules, suggest
from .typeschema import DocType, house_types

if TYPE_CHECKING:
    from .law import LawRegister

#: Deal sheets are small; refuse anything large enough to be an attack or a mistake.
MAX_DEAL_BYTES = 1_000_000


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


class _TextDates(RoundTripConstructor):
    """ruamel turns 2026-02-30 into a parse error for the whole file; keep dates as text so that
    the schema reports a bad date at its own line, alongside every other error. (A subclass, so
    other YAML loaders in the process keep ruamel's own dates.)"""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", lambda constructor, node: str(node.value))


class _Loader(CParser, _TextDates, VersionedResolver):
    """ruamel's round-trip containers (``.lc`` positions for every error) built from libyaml's
    parser. ``YAML(typ="rt")`` insists on ruamel's pure-Python scanner for the comments it keeps,
    which we never write back: it was 25 ms of the example's 0.3 s build, this is 4."""

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        self._parser = self._composer = self
        _TextDates.__init__(self, loader=self)
        VersionedResolver.__init__(self, loader=self)
        self.allow_duplicate_keys = False
        self.comment_handling = None


def _shallow(text: str, name: str) -> str:
    """``text``, once its events show it nests no deeper than MAX_DEPTH. libyaml's parser is
    iterative but ruamel's C composer recurses on the C stack: 100,000 nested brackets crash the
    process rather than raise RecursionError, as the pure-Python composer did."""
    events = CParser(text)
    depth = 0
    try:
        while events.check_event():
            event = events.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise AssemblerError(
                        Diagnostic(
                            "E-yaml-07",
                            f"the YAML nests more than {MAX_DEPTH} levels deep",
                            name,
                            event.start_mark.line + 1,
                            event.start_mark.column + 1,
                        )
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    finally:
        events.dispose()
    return text


def yaml_nodes(text: str, name: str = "<text>") -> Node:
    """The YAML's node tree, each node with its start and end (for editing a value in place)."""
    loader = _Loader(_shallow(text, name))
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, bytes]:
    """Parse YAML keeping positions; syntax problems become located diagnostics."""
    name = str(path)
    raw = read_bounded(path, MAX_DEAL_BYTES, "YAML file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AssemblerError(
            Diagnostic(
                "E-yaml-04", "the file is not UTF-8 text", name, line, hint="save it as UTF-8"
            )
        ) from None
    loader = None
    try:
        loader = _Loader(_shallow(text, name))
        data = loader.get_single_data()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        rule = "E-yaml-02" if "duplicate key" in str(exc.problem) else "E-yaml-01"
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        at: tuple[int | None, int | None] = (
            (mark.line + 1, mark.column + 1) if mark else (None, None)
        )
        raise AssemblerError(Diagnostic(rule, message, name, *at)) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        raise AssemblerError(Diagnostic("E-yaml-01", f"not valid YAML: {exc}", name)) from None
    finally:
        if loader is not None:
            loader.dispose()
    _bound_size(data, name)
    return data, raw


#: YAML inputs nest a few levels and hold a few thousand values; more is a mistake or an attack.
MAX_DEPTH = 20
MAX_VALUES = 100_000


def _bound_size(data: Any, name: str) -> None:
    """Bound the expanded size and depth. An alias makes one node count many times, so a few lines
    of nested anchors ("billion laughs") would expand to billions of values in any walk."""
    stack = [(data, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise AssemblerError(
                Diagnostic(
                    "E-yaml-06",
                    f"the YAML expands to more than {MAX_VALUES:,} values (nested aliases?)",
                    name,
                    hint="write the values out without *aliases",
                )
            )
        if depth > MAX_DEPTH and isinstance(node, dict | list):
            raise AssemblerError(
                Diagnostic(
                    "E-yaml-07",
                    f"the YAML nests more than {MAX_DEPTH} levels deep",
                    name,
                    _line_of(node),
                )
            )
        if isinstance(node, dict | list):
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def _line_of(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def load_deal(
    path: str | Path,
    vocabulary: frozenset[str] = frozenset(),
    ignore: frozenset[str] = frozenset(),
    law: LawRegister | None = None,
    types: Mapping[str, DocType] | None = None,
) -> Deal:
    """Read and validate a deal sheet against its document type's schema (the bank's
    ``types/``; by default the house bank's), reporting every error in it at once."""
    path = Path(path)
    types = house_types() if types is None else types
    data, raw = read_yaml(path)
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
    ck = Checker(str(path), vocabulary, law=law)
    checked = doc.schema.check(data, ck, "", (1, 1))
    resolve_refs(ck)
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
    )


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

    def check(text: str, dotted: str, at: tuple[int, int] | None, name: bool) -> None:
        where: Where = {"file": file}
        if at is not None:
            where = {"file": file, "line": at[0] + 1, "col": at[1] + 1}
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

    def walk(node: Any, dotted: str, key: str) -> None:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict):
            for k, child in node.items():
                inner = f"{dotted}.{k}".lstrip(".")
                position = lc.value(k) if lc is not None else None
                if isinstance(k, str):
                    check(k, inner, lc.key(k) if lc is not None else None, True)
                if isinstance(child, str):
                    check(child, inner, position, _is_name(str(k)))
                walk(child, inner, str(k))
        elif isinstance(node, list):
            for i, child in enumerate(node):
                inner = f"{dotted}[{i}]"
                if isinstance(child, str):
                    check(child, inner, lc.item(i) if lc is not None else None, _is_name(key))
                walk(child, inner, key)

    walk(data, "", "")
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
