"""The sandboxed Jinja environment clause text renders in, and the names a clause can use.

Policy, in one place:

- :class:`ClauseEnvironment` is a ``SandboxedEnvironment``: no private attributes, no unsafe calls,
  ranges bounded. Autoescape is on, so ``&`` and ``"`` in a party's name come out as valid XML.
- A missing value never renders silently. :class:`Missing` records the full deal path
  (``deal.term.review_points``); a draft build prints a highlighted marker, a final build refuses.
- Cross-references, labels and missing values render as private-use marker characters that the
  renderer replaces with fields, bookmarks and highlighted runs once every number is known.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import ChainableUndefined, Template, pass_context
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from . import cache
from .schema import is_placeholder

#: How many compiled templates a sandbox keeps at once: the case A agreement renders 73 (clauses,
#: definitions, execution lines), so a batch of such documents finds every one kept.
RECENT_TEMPLATES = 128

MARK, SEP, END = "\ue000", "\ue001", "\ue002"
MARKERS_ANY = re.compile(f"{MARK}[^{END}]*{END}")

#: Missing paths recorded during the current render: (clause id, dotted path).
_missing: contextvars.ContextVar[list[tuple[str, str]]] = contextvars.ContextVar("missing")
#: (clause id, text) of each blank a clause's own text leaves: a value the deal sheet cannot give
_blanks: contextvars.ContextVar[list[tuple[str, str]]] = contextvars.ContextVar("blanks")
#: Deal-sheet paths a clause read during the current render (to warn about values nothing used).
_accessed: contextvars.ContextVar[set[str]] = contextvars.ContextVar("accessed")
_clause: contextvars.ContextVar[str] = contextvars.ContextVar("clause", default="?")


def marker(kind: str, *fields: str) -> Markup:
    return Markup(MARK + kind + SEP + SEP.join(fields) + END)


class MapNode(dict):
    """A deal-sheet mapping that knows its path, so a missing key is reported as ``deal.a.b``."""

    def __init__(self, data: dict[str, Any], path: str):
        super().__init__({k: wrap(v, f"{path}.{k}") for k, v in data.items()})
        self.path = path


class SeqNode(list):
    def __init__(self, data: Iterable[Any], path: str):
        super().__init__(wrap(v, f"{path}[{i}]") for i, v in enumerate(data))
        self.path = path


def wrap(value: Any, path: str) -> Any:
    if isinstance(value, MapNode | SeqNode):
        return value
    if isinstance(value, dict):
        return MapNode(value, path)
    if isinstance(value, list):
        return SeqNode(value, path)
    return value


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

    def __iter__(self):  # type: ignore[override]
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


#: The largest string or list ``*`` may build, and the largest exponent ``**`` may take: without
#: these, ``{{ 'x' * 10**10 }}`` exhausts memory in one step that no timer can interrupt.
MAX_REPEAT = 100_000
MAX_EXPONENT = 100


class ClauseEnvironment(SandboxedEnvironment):
    """Sandboxed, autoescaping, and strict about deal-sheet paths."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is larger than {MAX_EXPONENT}")
        if operator == "*":
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            if sized and counts and len(sized[0]) * counts[0] > MAX_REPEAT:
                raise SecurityError(f"repeating a value would make more than {MAX_REPEAT:,} items")
        return super().call_binop(context, operator, left, right)

    def __init__(self) -> None:
        super().__init__(
            autoescape=True, undefined=Missing, finalize=_finalize, keep_trailing_newline=False
        )
        #: The most recent templates, by source, for batch builds that render the same clauses
        #: again. Bounded: a 1000-clause document kept 8 MB of templates it would never reuse,
        #: and the user cache below makes a template that fell out cheap to make again.
        self.template = lru_cache(maxsize=RECENT_TEMPLATES)(self._template)

    def _template(self, source: str) -> Template:
        """``from_string``, with the compiled code kept in the user's cache between runs."""
        flavour = f"{type(self).__name__} jinja {jinja2.__version__} autoescape"
        code = cache.compiled_code(source, flavour, self.compile)
        return self.template_class.from_code(self, code, self.make_globals(None))

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        """Refuse at once: an unsafe access is an attack or a bug, never a blank to fill later."""
        raise SecurityError(
            f"access to attribute {attribute!r} of a {type(obj).__name__!r} object is unsafe"
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, MapNode):
            if attribute not in obj:
                return self.undefined(name=f"{obj.path}.{attribute}")
            mark_used(f"{obj.path}.{attribute}")
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, MapNode) and isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, SeqNode) and isinstance(argument, int):
            if -len(obj) <= argument < len(obj):
                return obj[argument]
            return self.undefined(name=f"{obj.path}[{argument}]")
        return super().getitem(obj, argument)


def _finalize(value: Any) -> Any:
    if isinstance(value, dt.date):
        return longdate(value)
    if value is None:
        return Missing(name="a value that is empty in the deal sheet")
    return value


def longdate(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def money(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"£{value:,.2f}".replace(".00", "") if isinstance(value, float) else f"£{value:,}"
    return str(value)


def years(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value} year" if value == 1 else f"{value} years"
    return str(value)


def _join(values: Any, word: str) -> Markup:
    items = [escape(v) for v in values]
    if len(items) <= 1:
        return Markup("").join(items)
    return Markup(", ").join(items[:-1]) + Markup(f" {word} ") + items[-1]


def join_and(values: Any) -> Markup:
    return _join(values, "and")


def join_or(values: Any) -> Markup:
    return _join(values, "or")


def names(parties: Any) -> list[Any]:
    return [p["name"] for p in parties]


class Vocabulary:
    """Wording for deal-sheet codes; an unknown code prints as a missing value."""

    def __init__(self, words: dict[str, str]):
        self.words = words

    def phrase(self, code: Any) -> Any:
        if is_placeholder(code) or not isinstance(code, str):
            return code
        if code in self.words:
            return self.words[code]
        return Missing(name=f"vocabulary.{code}")

    def phrases(self, codes: Any) -> list[Any]:
        return [self.phrase(c) for c in codes]


@pass_context
def ref(ctx: Context, target: str) -> Markup:
    """A cross-reference to a clause (``'scope'``) or a labelled paragraph (``'scope.cohort'``)."""
    return marker("R", str(ctx.get("clause_id", "?")), str(target))


@pass_context
def refs(ctx: Context, targets: Iterable[Any], conjunction: str = "and") -> Markup:
    """Cross-references to several clauses as one phrase, as a lawyer writes it: "clauses 9, 15
    and 24" (``conjunction="or"``: "clause 5 or 15"; one target: "clause 9", as ``ref``). Each
    number is its own live field. Meant for clauses and their paragraphs; a schedule in the list
    keeps its own words."""
    if conjunction not in ("and", "or"):
        raise ValueError("refs() joins with 'and' or 'or'")
    source = str(ctx.get("clause_id", "?"))
    names = [str(t) for t in targets]
    if len(names) < 2:
        if not names:
            raise ValueError("refs() needs at least one clause")
        return marker("R", source, names[0])
    bare = [marker("B", source, name) for name in names]
    last = Markup(f" {conjunction} ") + bare[-1]
    # one of several applies: "clause 5 or 15"; all of them: "clauses 9, 15 and 24"
    word = Markup("clause " if conjunction == "or" else "clauses ")
    return word + Markup(", ").join(bare[:-1]) + last


@pass_context
def in_document(ctx: Context, clause_ids: Iterable[Any]) -> list[Any]:
    """The clause ids of the list that are in this document (``money|in_document``)."""
    included = ctx.get("included")
    return [c for c in clause_ids if included is not None and included(c)]


@pass_context
def label(ctx: Context, name: str) -> Markup:
    """Make the current paragraph the target ``<clause id>.<name>`` of cross-references."""
    return marker("L", f"{ctx.get('clause_id', '?')}.{name}")


def placeholder(text: str) -> Markup:
    """A blank in the clause text itself. Recorded, because a final build of a complete deal
    sheet should leave none: every value a lawyer must supply belongs in the deal sheet."""
    blanks = _blanks.get(None)
    if blanks is not None:
        blanks.append((_clause.get(), str(text)))
    return Markup("[") + escape(text) + Markup("]")


def make_environment(vocabulary: dict[str, str]) -> ClauseEnvironment:
    env = ClauseEnvironment()
    words = Vocabulary(vocabulary)
    env.filters.update(
        money=money,
        longdate=longdate,
        years=years,
        join_and=join_and,
        join_or=join_or,
        names=names,
        phrases=words.phrases,
        phrase=words.phrase,
        in_document=in_document,
    )
    env.globals.update(
        ref=ref, refs=refs, label=label, placeholder=placeholder, phrase=words.phrase
    )
    return env


def deal_names(
    data: dict[str, Any], parties: list[dict[str, Any]], document: dict[str, Any]
) -> dict[str, Any]:
    """The names every clause sees: ``deal``, ``parties``, ``party()``, ``body()``, ``document``."""
    deal = MapNode(data, "deal")
    party_nodes = SeqNode(parties, "deal.parties")
    by_id = {p["id"]: p for p in party_nodes}
    bodies = {b["id"]: b for b in deal.get("governance", {}).get("bodies", [])}

    def party(party_id: str) -> Any:
        return by_id.get(party_id) or Missing(name=f"party('{party_id}')")

    def body(body_id: str) -> Any:
        return bodies.get(body_id) or by_id.get(body_id) or Missing(name=f"body('{body_id}')")

    return {
        "deal": deal,
        "parties": party_nodes,
        "party": party,
        "body": body,
        "commissioners": [p for p in party_nodes if p["is_commissioner"]],
        "providers": [p for p in party_nodes if p["is_provider"]],
        "document": MapNode(document, "document"),
    }


def mark_used(*paths: str) -> None:
    """Record that the document used these deal-sheet values."""
    with contextlib.suppress(LookupError):
        _accessed.get().update(paths)


class Recorder:
    """Collect what a render found missing and which deal values it read: ``with Recorder() as r``."""

    def __enter__(self) -> Recorder:
        self.missing: list[tuple[str, str]] = []
        self.accessed: set[str] = set()
        self.blanks: list[tuple[str, str]] = []
        self.tokens = (
            _missing.set(self.missing),
            _accessed.set(self.accessed),
            _blanks.set(self.blanks),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        _missing.reset(self.tokens[0])
        _accessed.reset(self.tokens[1])
        _blanks.reset(self.tokens[2])


def in_clause(clause_id: str) -> contextvars.Token[str]:
    return _clause.set(clause_id)
