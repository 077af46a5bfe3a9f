"""Reading YAML with line numbers, bounded in size and depth: every YAML file the engine reads
(deal sheets, clause records, outlines, the law register, locks) comes through here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # re-exported from the C module
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import Node
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import read_bounded

#: Deal sheets and the bank's YAML are small; refuse anything large enough to be an attack or a mistake.
MAX_DEAL_BYTES = 1_000_000


class _TextDates(RoundTripConstructor):
    """ruamel turns 2026-02-30 into a parse error for the whole file; keep dates as text so that
    the schema reports a bad date at its own line, alongside every other error. (A subclass, so
    other YAML loaders in the process keep ruamel's own dates.)"""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", lambda constructor, node: str(node.value))


class _Loader(CParser, _TextDates, VersionedResolver):  # type: ignore[misc]  # CParser is C, untyped
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
        node: Node = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, bytes]:
    """Parse YAML keeping positions; syntax problems become located diagnostics."""
    raw = read_bounded(path, MAX_DEAL_BYTES, "YAML file")
    return parse_yaml(raw, str(path)), raw


def parse_yaml(raw: bytes, name: str) -> Any:
    """:func:`read_yaml` of bytes already read (``name`` is what diagnostics call them)."""
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
    except ReaderError as exc:
        raise AssemblerError(_bad_character(exc, text, name)) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        raise AssemblerError(Diagnostic("E-yaml-01", f"not valid YAML: {exc}", name)) from None
    finally:
        if loader is not None:
            loader.dispose()
    _bound_size(data, name)
    return data


def _bad_character(exc: ReaderError, text: str, name: str) -> Diagnostic:
    """A character YAML does not allow (a control character, say), at its line and column: the
    reader reports only its offset, as "position 8" of "<unicode string>"."""
    at = exc.position
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return Diagnostic(
        "E-yaml-01",
        f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason})",
        name,
        line,
        column,
        hint='delete it; in a double-quoted string it may be written as an escape, such as "\\t"',
    )


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
                    line_of(node),
                )
            )
        if isinstance(node, dict | list):
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def line_of(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None
