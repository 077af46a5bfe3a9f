"""What a render records, through context variables its :class:`Recorder` sets: the markers the
engine's helpers issue (private-use characters the renderer turns into fields, bookmarks and
blanks, refused if a template forged one), the deal values a clause read, the values it found
missing and the blanks its own text leaves."""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from typing import Any

from jinja2 import ChainableUndefined
from jinja2.exceptions import SecurityError
from markupsafe import Markup

MARK, SEP, END = "\ue000", "\ue001", "\ue002"
MARKERS_ANY = re.compile(f"{MARK}[^{END}]*{END}")
#: Any of the engine's marker characters: in a deal value or a template's own text they would
#: forge a field or a "[MISSING]" blank.
MARKER_CHARS = re.compile(f"[{MARK}{SEP}{END}]")

#: Missing paths recorded during the current render: (clause id, dotted path).
_missing: contextvars.ContextVar[list[tuple[str, str]]] = contextvars.ContextVar("missing")
#: (clause id, text) of each blank a clause's own text leaves: a value the deal sheet cannot give
_blanks: contextvars.ContextVar[list[tuple[str, str]]] = contextvars.ContextVar("blanks")
#: Deal-sheet paths a clause read during the current render (to warn about values nothing used).
_accessed: contextvars.ContextVar[set[str]] = contextvars.ContextVar("accessed")
_clause: contextvars.ContextVar[str] = contextvars.ContextVar("clause", default="?")
#: Markers the engine's helpers made during the current render: only these may reach the output.
_issued: contextvars.ContextVar[set[str]] = contextvars.ContextVar("issued")


def marker(kind: str, *fields: str) -> Markup:
    """A marker the renderer turns into structure; refused if a field could forge another."""
    if any(MARKER_CHARS.search(f) for f in fields):
        raise SecurityError("a value holds the engine's private marker characters")
    made = MARK + kind + SEP + SEP.join(fields) + END
    with contextlib.suppress(LookupError):
        _issued.get().add(made)
    return Markup(made)


def check_markers(text: str) -> None:
    """Refuse output holding a marker no helper issued (one a template built from characters)."""
    issued = _issued.get(None)
    if issued is None or MARK not in text and not MARKER_CHARS.search(text):
        return
    rest = MARKERS_ANY.sub(lambda m: "" if m.group(0) in issued else SEP, text)
    if MARKER_CHARS.search(rest):
        raise SecurityError("the text holds the engine's private marker characters")


class Missing(ChainableUndefined):
    """An undefined value that remembers its full path and records itself when printed."""

    __slots__ = ()

    def _record(self) -> Markup:
        path = self._undefined_name or "value"
        with contextlib.suppress(LookupError):
            _missing.get().append((_clause.get(), path))
        return marker("M", path)

    def __str__(self) -> str:
        return str(self._record())

    def __html__(self) -> str:
        return str(self._record())

    def __iter__(self) -> Iterator[Any]:
        self._record()
        return iter(())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        # no name: the first item of an empty list ("bodies|selectattr(...)|first")
        return Missing(name=f"{self._undefined_name or '(no such item)'}.{name}")

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str) and key.startswith("__"):
            raise KeyError(key)
        return self.__getattr__(str(key))


def record_blank(text: str) -> None:
    """Record a blank the current clause's own text leaves (``placeholder()``)."""
    blanks = _blanks.get(None)
    if blanks is not None:
        blanks.append((_clause.get(), text))


def mark_used(*paths: str) -> None:
    """Record that the document used these deal-sheet values."""
    with contextlib.suppress(LookupError):
        _accessed.get().update(paths)


class Recorder:
    """Collect what a render found missing and which deal values it read: ``with Recorder() as r``.

    ``issued`` carries on the markers an earlier stage's helpers made: a party's description is
    rendered while planning and may hold a blank's marker that a clause then prints."""

    def __init__(self, issued: frozenset[str] = frozenset()) -> None:
        self.issued: set[str] = set(issued)

    def __enter__(self) -> Recorder:
        self.missing: list[tuple[str, str]] = []
        self.accessed: set[str] = set()
        self.blanks: list[tuple[str, str]] = []
        self.tokens = (
            _missing.set(self.missing),
            _accessed.set(self.accessed),
            _blanks.set(self.blanks),
            _issued.set(self.issued),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        _missing.reset(self.tokens[0])
        _accessed.reset(self.tokens[1])
        _blanks.reset(self.tokens[2])
        _issued.reset(self.tokens[3])


def in_clause(clause_id: str) -> contextvars.Token[str]:
    return _clause.set(clause_id)
