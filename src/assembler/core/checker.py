"""The :class:`Checker` every check of a deal sheet (or a bank's YAML) reports through: it keeps
going after a failure, so that a user sees all of a file's mistakes at once, and knows where each
value is (ruamel's round-trip containers, ``.lc``)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from assembler.core.errors import Diagnostic

#: A bracketed string such as ``"[CCG]"`` or ``"[to be agreed]"`` is a deliberate blank: any scalar
#: field accepts one, and the document prints it highlighted for the drafter to fill.
PLACEHOLDER = re.compile(r"^\[[^\[\]]+\]$")

Pos = tuple[int, int] | None


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and bool(PLACEHOLDER.match(value))


class InForce(Protocol):
    """What a check needs of the bank's law register (:class:`assembler.bank.law.LawRegister`)."""

    def not_in_force(self, entry_id: str, on: dt.date) -> str | None: ...

    def rule_for(self, entry_id: str) -> str | None: ...


@dataclass
class Checker:
    """Collects diagnostics and positions while a schema walks the data."""

    file: str
    vocabulary: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: ids declared in the deal (``party``, ``body``, ...), filled before references are checked
    ids: dict[str, dict[str, str]] = field(default_factory=dict)
    #: checks that need the whole deal, run after the walk: (kind, id, path, pos)
    pending_refs: list[tuple[str, str, str, Pos]] = field(default_factory=list)
    #: the bank's register of law by date, for the E-law rules (None: they check nothing)
    law: InForce | None = None
    #: values written as a lawyer writes them, read into canonical form: (path, written, read)
    readings: list[tuple[str, str, str]] = field(default_factory=list)
    #: a value's deprecated old names, which clause versions approved before the rename read:
    #: (dotted path of the value, its old key)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    #: drafting rules to run once the walk is done: (rule, the checked mapping, its path)
    pending_rules: list[tuple[Callable[..., None], dict[str, Any], str]] = field(
        default_factory=list
    )
    #: the paths of values that failed their schema (a rule reading one is not run)
    failed: set[str] = field(default_factory=set)

    def read_as(self, path: str, written: str, value: Any) -> Any:
        """Record that ``written`` was read as ``value`` (``-v`` and the lock say so)."""
        shown = value.isoformat() if isinstance(value, dt.date) else str(value).lower()
        self.readings.append((path, written, shown))
        return value

    def error(self, rule: str, path: str, pos: Pos, message: str, hint: str | None = None) -> None:
        self.failed.add(path)
        line, col = pos if pos else (None, None)
        self.diagnostics.append(
            Diagnostic(rule, f"{path}: {message}", self.file, line, col, hint, "error")
        )

    def warn(self, rule: str, path: str, pos: Pos, message: str, hint: str | None = None) -> None:
        line, col = pos if pos else (None, None)
        self.diagnostics.append(
            Diagnostic(rule, f"{path}: {message}", self.file, line, col, hint, "warning")
        )

    def at(self, path: str) -> Pos:
        return self.positions.get(path)


def pos_of_value(container: Any, key: Any) -> Pos:
    """1-based (line, column) of ``container[key]`` in the YAML source, if ruamel recorded it."""
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        line, col = lc.value(key) if isinstance(key, str) else lc.item(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return (line + 1, col + 1)


def pos_of_key(container: Any, key: str) -> Pos:
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        line, col = lc.key(key)
    except (KeyError, TypeError, AttributeError):
        return None
    return (line + 1, col + 1)


def suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def describe(value: object) -> str:
    """A value in a lawyer's words: "the number 120", "the text 'abc'", "a list"."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'yes' if value else 'no'} (true or false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return f"the text {str(value)!r}"
